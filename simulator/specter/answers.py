"""How simulated Specter answers: every form specs/specter-api.md lists (§2.4, §8, §10.1), switched
per account (Account.answer_form, decimal_comma, says_no_items), so a reader strict about one of
them fails a test.

    text      `1;<id>;<message>` / `0;<code>;<message>`; a stock batch as CR-separated lines
    xml       <APIresponse><result>1</result><id/><message/></APIresponse>; an error with <code> and
              <message> only (§2.4); a stock batch as one <stock> block
    xml_code  as xml, with a <code> on every answer: <result>1</result><code>0</code> on success,
              <result>0</result><code>n</code> on an error
"""

from decimal import Decimal
from xml.sax.saxutils import escape

from django.http import HttpResponse

ENCODING = "latin-1"
TEXT, XML, XML_CODE = "text", "xml", "xml_code"
FORMS = [
    (TEXT, "text 1;id;message"),
    (XML, "XML without <code> on success"),
    (XML_CODE, "XML with <code> on every answer"),
]


def form_of(account) -> str:
    return getattr(account, "answer_form", TEXT) or TEXT


def text(body: str) -> HttpResponse:
    return HttpResponse(body.encode(ENCODING, "replace"), content_type=f"text/plain; charset={ENCODING}")


def _xml_body(inner: str) -> HttpResponse:
    body = f'<?xml version="1.0" encoding="ISO-8859-1"?><response>{inner}</response>'
    return HttpResponse(body.encode(ENCODING, "replace"), content_type="text/xml; charset=ISO-8859-1")


def envelope(account, ok: bool, id_or_code: str, message: str, carried: str | None = None) -> HttpResponse:
    """Success (`id_or_code` the id) or refusal (`id_or_code` the code; `carried` an id the error
    carries, §10.4) in the account's form; without an account (unknown sbmId) as text."""
    form = form_of(account) if account is not None else TEXT
    if form == TEXT:
        if ok:
            return text(f"1;{id_or_code};{message}")
        return text(f"0;{id_or_code};" + (f"{carried};" if carried is not None else "") + message)
    code = "<code>0</code>" if form == XML_CODE else ""
    if ok:
        api = f"<result>1</result>{code}<id>{escape(id_or_code)}</id><message>{escape(message)}</message>"
    else:
        result = "<result>0</result>" if form == XML_CODE else ""
        api = f"{result}<code>{escape(id_or_code)}</code><message>{escape(message)}</message>" + (
            f"<id>{escape(carried)}</id>" if carried else ""
        )
    return _xml_body(f"<APIresponse>{api}</APIresponse>")


def data(account, inner: str) -> HttpResponse:
    """A data answer (a batch, a list): the payload after a successful <APIresponse>."""
    code = "<code>0</code>" if form_of(account) == XML_CODE else ""
    return _xml_body(f"<APIresponse><result>1</result>{code}</APIresponse>{inner}")


def number(account, value) -> str:
    """A decimal as the account writes it on reads: with a decimal comma when switched on (§2.1)."""
    # A stored Decimal (4 places) is written without trailing zeros; a queued string as it was queued.
    rendered = f"{value.normalize():f}" if isinstance(value, Decimal) else "" if value is None else str(value)
    return rendered.replace(".", ",") if getattr(account, "decimal_comma", False) else rendered


def stock_figure(account, value) -> str:
    """A stock figure; nothing available as the literal `noItemsAvailable` when switched on (§2.4)."""
    if getattr(account, "says_no_items", False) and int(value) <= 0:
        return "noItemsAvailable"
    return str(int(value))
