"""Specter's pull-with-ack batches (specs/specter-api.md §3 #4–#9, §4.3–4.4): changes of stock,
article info, order status and price-list prices (package 400; invented calls, see assumptions.py),
fetched under a batchNo we choose and acknowledged only after our own writes are committed
(design.md §4). Error 99 means an older batch is still open: it is
fetched again by its own batchNo, so nothing it holds is lost."""

import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from xml.etree import ElementTree

from ..errors import Retryable
from . import assumptions as A
from .client import BatchOpen, SpecterClient
from .wire import Garbled

ACTIONS = {
    "stock": ("getArticleExternalNeedUpdate", "updateArticlesFromBatch"),
    "articleinfo": ("getArticleInfoExternalNeedUpdate", "updateArticleInfosFromBatch"),
    "orders": ("getOrdersExternalNeedUpdate", "updateOrdersFromBatch"),
    "pricelists": A.PRICE_LIST_BATCH,
}


@dataclass(frozen=True)
class StockChange:
    article_no: str
    quantity: Decimal | None  # None: Specter said "noItemsAvailable"


@dataclass(frozen=True)
class ArticleInfo:
    article_no: str
    name: str
    price_ex_vat: Decimal | None
    vat_percent: Decimal | None


@dataclass(frozen=True)
class ListPriceChange:
    article_no: str
    price_list_id: str
    price_ex_vat: Decimal | None  # None: Specter sent no readable price
    from_quantity: int | None  # 1 (or less): the plain price on the list; 2 and up: a volume price; None: unreadable


@dataclass(frozen=True)
class OrderChange:
    order_no: str
    external_order_no: str
    status_id: str
    delivery_status: str  # N, P (partly) or D (delivered)
    payment_status: str
    deliveries_updated: bool
    tracking_nos: tuple[str, ...]


def order_event(change: "OrderChange") -> str | None:
    """The event an order change means for the shop (connections.settings.ORDER_EVENTS), or None.
    The strongest wins: cancelled, paid, invoiced, delivered, partly delivered."""
    if change.status_id == A.STATUS_CANCELLED:
        return "cancelled"
    if change.status_id == A.STATUS_PAID or change.payment_status.lower() == "paid":
        return "paid"
    if change.status_id == A.STATUS_INVOICED:
        return "invoiced"
    if change.delivery_status == "D":
        return "delivered"
    if change.delivery_status == "P":
        return "partly_delivered"
    return None


@dataclass(frozen=True)
class Batch:
    kind: str
    batch_no: str
    entries: tuple
    more: bool = False


def pull(client: SpecterClient, kind: str, *, batch_no: str = "") -> Batch:
    """Fetch the waiting changes of `kind`. On error 99, fetch the open batch instead (once)."""
    batch_no = batch_no or uuid.uuid4().hex
    try:
        return _fetch(client, kind, batch_no)
    except BatchOpen as open_batch:
        if not open_batch.batch_no or open_batch.batch_no == batch_no:
            raise
        return _fetch(client, kind, open_batch.batch_no)


def ack(client: SpecterClient, batch: Batch) -> None:
    """Acknowledge a batch: call only after what it held is committed on our side."""
    client._call("getInfo.asp", ACTIONS[batch.kind][1], {"batchNo": batch.batch_no}, mutating=True)


def _fetch(client: SpecterClient, kind: str, batch_no: str) -> Batch:
    try:
        text = client._payload("getInfo.asp", ACTIONS[kind][0], {"batchNo": batch_no, "useXML": "2" if kind != "stock" else "1"})
        return PARSERS[kind](text, batch_no)
    except (ElementTree.ParseError, Garbled, IndexError, InvalidOperation):
        raise Retryable(f"specter: the {kind} batch could not be read", system="specter") from None


def _decimal(value):
    try:
        return Decimal(str(value).replace(",", ".")) if value not in (None, "") else None
    except InvalidOperation:
        return None


def _quantity(value) -> int | None:
    """A fromQuantity: missing means 1; anything but a whole number is unreadable (None), so that
    one odd row is reported rather than blocking the batch."""
    number = _decimal(value) if value not in (None, "") else Decimal(1)
    return int(number) if number is not None and number.is_finite() and number == number.to_integral_value() else None


def _stock(text: str, batch_no: str) -> Batch:
    entries = []
    for line in filter(None, (part.strip() for part in text.replace("\n", "\r").split("\r"))):
        _id, article_no, quantity, *_ = line.split(";")
        entries.append(StockChange(article_no, None if quantity == "noItemsAvailable" else Decimal(quantity.replace(",", "."))))
    return Batch("stock", batch_no, tuple(entries))


def _root(text: str):
    return ElementTree.fromstring(text.encode("latin-1") if text.lstrip().startswith("<?xml") else text)


def _article_info(text: str, batch_no: str) -> Batch:
    root = _root(text) if text else None
    entries = tuple(
        ArticleInfo(a.findtext("articleNo", "").strip(), a.findtext("name", "").strip(), _decimal(a.get("priceExclVat")), _decimal(a.get("vatPercent")))
        for a in (root.iter("article") if root is not None else [])
    )
    return Batch("articleinfo", batch_no, entries, more=_at_limit(root, len(entries)))


def _at_limit(root, count: int) -> bool:
    """More are queued when a batch is as long as its responseMaxLimit (§3 #6)."""
    limit = int((root.findtext("responseMaxLimit") or "0") if root is not None else 0)
    return bool(limit) and count >= limit


def _list_prices(text: str, batch_no: str) -> Batch:
    root = _root(text) if text else None
    entries = tuple(
        ListPriceChange(p.findtext("articleNo", "").strip(), p.get("priceListId", "").strip(), _decimal(p.get("priceExclVat")),
                        _quantity(p.get("fromQuantity")))
        for p in (root.iter("listPrice") if root is not None else [])
    )
    return Batch("pricelists", batch_no, entries, more=_at_limit(root, len(entries)))


def _orders(text: str, batch_no: str) -> Batch:
    root = _root(text) if text else None
    entries = []
    for o in (root.iter("order") if root is not None else []):
        status = o.find("orderstatus")
        deliveries = o.find("deliveries")
        entries.append(OrderChange(
            order_no=o.get("orderNo", ""), external_order_no=o.get("externalOrderNo", ""),
            status_id=status.get("statusId", "") if status is not None else "",
            delivery_status=status.get("deliveryStatus", "") if status is not None else "",
            payment_status=status.get("paymentStatus", "") if status is not None else "",
            deliveries_updated=deliveries is not None and deliveries.get("updated") == "1",
            tracking_nos=tuple(d.get("trackingNo") for d in o.iter("delivery") if d.get("trackingNo")),
        ))
    more = root is not None and (root.findtext("moreInfoToFetch") or "0").strip() not in ("", "0")
    return Batch("orders", batch_no, tuple(entries), more=more)


PARSERS = {"stock": _stock, "articleinfo": _article_info, "orders": _orders, "pricelists": _list_prices}
