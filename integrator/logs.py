"""Logs an operator can search, with no secret in them, and errors reported without personal data.

Secrets out of logs, wherever a line is written: our loggers, Django's request and server lines,
gunicorn's access and error logs.

The webhook and callback URLs carry a per-connection secret in their path
(/hooks/starweb/<endpoint>/<token>/, /hooks/specter/<endpoint>/<token>/<kind>/), and every line
that names a request path would otherwise carry it: "Not Found: /hooks/…", the access log's
request line, a traceback's message. `RedactSecrets` rewrites each record once, message and
exception text alike, before any handler formats it; `settings.LOGGING` puts it on every handler,
and `GunicornLogger` on gunicorn's own two loggers (`manage.py serve` starts gunicorn with it).

- Every request gets a request id (the caller's `X-Request-ID` when it is a plain token, else a new
  one), answered in the same header; an order's run carries its connection and transfer ids. All
  three ride on every log line written meanwhile (context variables, so threads and the worker's
  tasks keep their own).
- `LOG_FORMAT=json` writes one JSON object a line with those fields; messages and tracebacks pass
  through the clients' redaction first (`connections.http.redact`), so a secret-looking parameter
  is masked even if someone logs a URL.
- With `SENTRY_DSN`, errors go to Sentry without personal data: no cookies, no headers that
  identify, no user e-mail or address, no request bodies, and the same redaction on messages.
"""

import contextvars
import json
import logging
import re
import uuid
from contextlib import contextmanager

from gunicorn.glogging import Logger

_request_id = contextvars.ContextVar("request_id", default="")
_connection_id = contextvars.ContextVar("connection_id", default="")
_transfer_id = contextvars.ContextVar("transfer_id", default="")
_TOKEN = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def redact_text(text: str) -> str:
    """Hook tokens, secret parameters and bearer tokens masked (imported late: logging is set up
    before the apps are loaded)."""
    from connections.http import redact

    return redact(text)


_redact = redact_text


@contextmanager
def bound(*, connection_id=None, transfer_id=None):
    """Name the connection and transfer on every log line written inside."""
    tokens = []
    if connection_id is not None:
        tokens.append((_connection_id, _connection_id.set(str(connection_id))))
    if transfer_id is not None:
        tokens.append((_transfer_id, _transfer_id.set(str(transfer_id))))
    try:
        yield
    finally:
        for var, token in reversed(tokens):
            var.reset(token)


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _TOKEN.match(given) else uuid.uuid4().hex
        request.request_id = request_id
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


class ContextFilter(logging.Filter):
    """Puts the ids on every record (empty when not known), for any format."""

    def filter(self, record):
        record.request_id = _request_id.get()
        record.connection_id = _connection_id.get()
        record.transfer_id = _transfer_id.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}",
            "level": record.levelname,
            "logger": record.name,
            "message": _redact(record.getMessage()),
        }
        for field in ("request_id", "connection_id", "transfer_id"):
            value = getattr(record, field, "")
            if value:
                entry[field] = value
        if record.exc_info:
            entry["exception"] = _redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


# What Sentry may keep of a request: nothing that names a person or holds a secret.
_SENTRY_HEADERS = {"user-agent", "content-type", "x-request-id", "accept-language"}


def scrub_event(event, _hint=None):
    """Sentry's before_send: drop personal data and secrets from an error report."""
    request = event.get("request") or {}
    for field in ("cookies", "data", "query_string", "env"):
        request.pop(field, None)
    if "headers" in request:
        request["headers"] = {k: v for k, v in request["headers"].items() if k.lower() in _SENTRY_HEADERS}
    if "url" in request:
        request["url"] = _redact(request["url"])
    user = event.get("user")
    if user:
        event["user"] = {"id": user["id"]} if "id" in user else {}
    for exception in (event.get("exception") or {}).get("values", []):
        if exception.get("value"):
            exception["value"] = _redact(exception["value"])
        for frame in (exception.get("stacktrace") or {}).get("frames", []):
            frame.pop("vars", None)  # local variables may hold credentials or customer data
    if isinstance(event.get("logentry"), dict) and event["logentry"].get("message"):
        event["logentry"]["message"] = _redact(event["logentry"]["message"])
    for crumb in (event.get("breadcrumbs") or {}).get("values", []):
        if crumb.get("message"):
            crumb["message"] = _redact(crumb["message"])
        crumb.pop("data", None)
    return event


def init_sentry(dsn: str, environment: str) -> None:
    import sentry_sdk

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        before_send=scrub_event,
        traces_sample_rate=0,
    )


class RedactSecrets(logging.Filter):
    """Masks secrets in a record's message, exception text and stack; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: leave it to the handler to report
            return True
        clean = _redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = _redact(record.exc_text)
        if record.stack_info:
            record.stack_info = _redact(record.stack_info)
        return True


_FILTER = RedactSecrets()


class GunicornLogger(Logger):
    """gunicorn's logger with the access line and the error log redacted (`--logger-class`)."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            log.addFilter(_FILTER)  # the same instance: a reload does not stack copies
