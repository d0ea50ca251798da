"""Secrets out of logs, wherever a line is written: our loggers, Django's request and server lines,
gunicorn's access and error logs.

The webhook and callback URLs carry a per-connection secret in their path
(/hooks/starweb/<endpoint>/<token>/, /hooks/specter/<endpoint>/<token>/<kind>/), and every line
that names a request path would otherwise carry it: "Not Found: /hooks/…", the access log's
request line, a traceback's message. `RedactSecrets` rewrites each record once, message and
exception text alike, before any handler formats it; `settings.LOGGING` puts it on every handler,
and `GunicornLogger` on gunicorn's own two loggers (`manage.py serve` starts gunicorn with it).
"""

import logging

from gunicorn.glogging import Logger

from connections.http import redact as redact_text  # hook tokens, secret parameters, bearer tokens


class RedactSecrets(logging.Filter):
    """Masks secrets in a record's message, exception text and stack; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: leave it to the handler to report
            return True
        clean = redact_text(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_text(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_text(record.stack_info)
        return True


_FILTER = RedactSecrets()


class GunicornLogger(Logger):
    """gunicorn's logger with the access line and the error log redacted (`--logger-class`)."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            log.addFilter(_FILTER)  # the same instance: a reload does not stack copies
