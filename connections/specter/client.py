"""A client for Specter's legacy webshop API (specs/specter-api.md): putInfo.asp / getInfo.asp,
MD5-signed, Latin-1, text envelopes. Typed errors at the boundary; no secret in any message.

Every call goes through connections.http.send, which maps transport failures; this module maps
Specter's own answers (always HTTP 200) to the same typed errors.
"""

import re
from dataclasses import dataclass
from datetime import date
from xml.etree import ElementTree

from django.conf import settings
from django.utils import timezone

from .. import http
from ..errors import AuthenticationFailed, Permanent, Retryable, UnknownOutcome
from . import assumptions as A
from .price_lists import PriceList, parse_price_lists
from .signature import Credentials, sign, subject_for
from .wire import Garbled, Reply, decode, encode, is_envelope, parse

SYSTEM = "specter"


class SpecterRefused(Permanent):
    """Specter answered 0;<code>: the request is wrong and retrying it will not help."""

    def __init__(self, message: str, *, code: str, **kwargs):
        super().__init__(message, system=SYSTEM, **kwargs)
        self.code = code


class UnknownArticle(SpecterRefused):
    """An order row's article number does not exist in Specter."""


class DuplicateOrder(SpecterRefused):
    """Specter already has an order with this externalOrderNo; `existing_order_no` is its number."""

    def __init__(self, message: str, *, existing_order_no: str, **kwargs):
        super().__init__(message, **kwargs)
        self.existing_order_no = existing_order_no


class BatchOpen(Retryable):
    """Code 99: an older batch is still open; `batch_no` is the one to close first."""

    def __init__(self, message: str, *, batch_no: str, **kwargs):
        super().__init__(message, system=SYSTEM, **kwargs)
        self.batch_no = batch_no


@dataclass(frozen=True)
class OrderReceipt:
    """Specter's answer to newOrderSubmit: its order number, and the article numbers it said it
    does not know although it took the order (assumptions.UNKNOWN_ARTICLES_NAMED)."""

    order_no: str
    unknown_articles: tuple[str, ...] = ()


def named_articles(message: str) -> tuple[str, ...]:
    """The article numbers a Specter message names as unknown (an OK or a refusal), else ()."""
    match = re.search(A.UNKNOWN_ARTICLES_NAMED, message or "", re.IGNORECASE)
    if not match:
        return ()
    return tuple(dict.fromkeys(no.strip() for no in match.group("articles").split(",") if no.strip()))


ARTICLE_NAME_CHARS = 100  # as the clients of the spec's sources cut an article name


def article_row(
    article_no: str, name: str, *, price_ex_vat: str | None = None, vat_percent: str | None = None
) -> dict[str, str]:
    """One article of newArticleSubmit under the names of specs/specter-api.md §3 row 3, which
    create_articles and submit_articles number (articleNo_1, priceExclVAT_1...): the one builder of
    an article row, for the product export, the order's articles and the service articles.
    Numbers come as text already written; a price or VAT left out is not sent."""
    row = {"articleNo": article_no, "name": name[:ARTICLE_NAME_CHARS]}
    if price_ex_vat is not None:
        row["priceExclVAT"] = price_ex_vat
    if vat_percent is not None:
        row["vatPercent"] = vat_percent
    return row


@dataclass
class SpecterClient:
    credentials: Credentials
    base_url: str = ""
    session: object = None

    def __post_init__(self):
        self.base_url = (self.base_url or settings.SPECTER_API_URL).rstrip("/") + "/"
        self.session = self.session or http.new_session()

    # -- the actions -----------------------------------------------------------------------------

    def check_account(self, callbacks: dict[str, str] | None = None, *, today: date | None = None) -> None:
        """Verify the credentials and register callback URLs. Raises AuthenticationFailed."""
        params = {"date": (today or timezone.localdate()).isoformat(), **(callbacks or {})}
        self._call("getInfo.asp", "checkAccountSettings", params, mutating=False)

    def submit_customer(self, params: dict[str, str]) -> str:
        """Create or match the customer (Specter matches by e-mail, then org.nr). Returns its number."""
        return self._call("putInfo.asp", "newCustomerSubmit", params, mutating=True).id

    def submit_order(self, customer_no: str, params: dict[str, str]) -> str:
        """Create the order; returns Specter's order number.

        Raises DuplicateOrder (carrying the existing number) when the externalOrderNo has an order.
        """
        return self._call("putInfo.asp", "newOrderSubmit", {**params, "customerId": customer_no}, mutating=True).id

    def place_order(self, customer_no: str, params: dict[str, str]) -> OrderReceipt:
        """Create the order, as submit_order, and read what the "OK" says about its rows: an order
        Specter took with an article it does not know comes back naming it.

        Raises DuplicateOrder (carrying the existing number), UnknownArticle (a refusal naming it)."""
        reply = self._call("putInfo.asp", "newOrderSubmit", {**params, "customerId": customer_no}, mutating=True)
        return OrderReceipt(reply.id, named_articles(reply.message))

    def create_articles(self, rows: list[dict[str, str]]) -> None:
        """Create up to 100 articles (rows of article_row) that an order needs, leaving any that exists as it is: sent
        without forceArticleUpdate, so Specter creates what it lacks and updates nothing."""
        if not 0 < len(rows) <= 100:
            raise ValueError("newArticleSubmit takes 1 to 100 articles")
        params = {}
        for n, row in enumerate(rows, start=1):
            params.update({f"{key}_{n}": value for key, value in row.items()})
        self._call("putInfo.asp", "newArticleSubmit", params, mutating=True)

    def find_order(self, external_order_no: str) -> str | None:
        """Reconcile: Specter's order number for our externalOrderNo, or None if it has none."""
        try:
            return self._call(
                "getInfo.asp", A.FIND_ORDER_ACTION, {"externalOrderNo": external_order_no}, mutating=False
            ).id
        except SpecterRefused as refused:
            if refused.code == A.UNKNOWN_ORDER:
                return None
            raise

    def submit_articles(self, rows: list[dict[str, str]], *, update: bool) -> None:
        """Create (and with `update`, update) up to 100 articles (rows of article_row) in one call."""
        if not 0 < len(rows) <= 100:
            raise ValueError("newArticleSubmit takes 1 to 100 articles")
        params = {"forceArticleUpdate": "1" if update else "0"}
        for n, row in enumerate(rows, start=1):
            params.update({f"{key}_{n}": value for key, value in row.items()})
        self._call("putInfo.asp", "newArticleSubmit", params, mutating=True)

    def submit_invoice(self, order_no: str) -> str:
        """Turn the order into an invoice; returns the invoice number."""
        return self._call(
            "putInfo.asp", "newInvoiceSubmit", {"orderId": order_no, "typeInvoice": "S"}, mutating=True
        ).id

    def price_lists(self, *, today: date | None = None) -> list[PriceList]:
        """Specter's price lists (package 400; the call is invented, see assumptions.py).
        Raises Retryable when the answer cannot be read."""
        params = {"date": (today or timezone.localdate()).isoformat(), "useXML": "2"}
        try:
            return parse_price_lists(self._payload("getInfo.asp", A.PRICE_LISTS_ACTION, params))
        except (ElementTree.ParseError, Garbled):
            raise Retryable(
                f"specter: {A.PRICE_LISTS_ACTION} answered with something that cannot be read", system=SYSTEM
            ) from None

    # -- the wire ---------------------------------------------------------------------------------

    def _payload(self, endpoint: str, action: str, params: dict) -> str:
        """The decoded answer of a read that returns data rather than an envelope (batches, price
        lists). Specter's error envelope, text or XML, raises its typed error; Garbled if unreadable."""
        body = self._raw(endpoint, action, params)
        text = decode(body).strip()
        if is_envelope(text):
            reply = parse(body)
            if not reply.ok:
                raise refusal(action, reply)
        return text

    def _call(self, endpoint: str, action: str, params: dict, *, mutating: bool) -> Reply:
        """Send and parse the envelope; a refusal becomes its typed error."""
        body = self._raw(endpoint, action, params, mutating=mutating)
        try:
            reply = parse(body)
        except Garbled:
            kind = UnknownOutcome if mutating else Retryable
            raise kind(
                f"specter: {action} answered with something that is not a Specter reply", system=SYSTEM
            ) from None
        if reply.ok:
            return reply
        raise refusal(action, reply)

    def _raw(self, endpoint: str, action: str, params: dict, *, mutating: bool = False) -> bytes:
        """Send one signed request; return the body of a 2xx answer (transport errors typed)."""
        creds = self.credentials
        params = dict(params)
        signature = sign(creds, subject_for(action, params))
        query = {"action": action, "sbmId": creds.smb_id, "useXML": params.pop("useXML", "1")}
        if creds.sends_api_user_id:
            query["apiUserId"] = creds.api_user_id
        if params.get("webshopId"):  # multishop: a query parameter (specs/specter-api.md §3 #2)
            query["webshopId"] = params.pop("webshopId")
        body = encode({**params, "key": signature})
        response = http.send(
            self.session,
            "POST",
            f"{self.base_url}{endpoint}?{encode(query).decode('ascii')}",
            system=SYSTEM,
            mutating=mutating,
            secrets=(*creds.secrets(), signature),
            data=body,
            headers={"Content-Type": "application/x-www-form-urlencoded"},  # the bytes are Latin-1 (§2.1)
        )
        http.raise_for_status(response, system=SYSTEM, mutating=mutating)
        return response.content


def refusal(action: str, reply: Reply) -> Exception:
    """The typed error for Specter's `0;<code>` answer to `action`."""
    # Specter's own message text is shown to merchants; it cannot hold our secrets (we never send
    # them in a field Specter echoes), but it is cut short.
    text = f"specter: {action} refused ({reply.code}): {reply.message[:200]}"
    if reply.code in A.AUTH_CODES:
        return AuthenticationFailed(f"specter: the smbID or md5key was refused ({reply.code})", system=SYSTEM)
    if reply.code == A.BATCH_OPEN:
        return BatchOpen(text, batch_no=reply.quoted)
    if reply.code == A.DUPLICATE_EXTERNAL_ORDER_NO and A.DUPLICATE_CARRIES_ORDER_NO:
        return DuplicateOrder(text, code=reply.code, existing_order_no=reply.id)
    if reply.code == A.UNKNOWN_ARTICLE:
        return UnknownArticle(text, code=reply.code)
    return SpecterRefused(text, code=reply.code)
