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
from .wire import Garbled, xml_root

ACTIONS = {
    "stock": ("getArticleExternalNeedUpdate", "updateArticlesFromBatch"),
    "articleinfo": ("getArticleInfoExternalNeedUpdate", "updateArticleInfosFromBatch"),
    "orders": ("getOrdersExternalNeedUpdate", "updateOrdersFromBatch"),
    "pricelists": A.PRICE_LIST_BATCH,
}


SUM_OF_SITES = "sum"  # Connection.stock_site: all warehouses added up


@dataclass(frozen=True)
class StockChange:
    article_no: str
    quantity: Decimal | None  # the default warehouse's figure; None: Specter said "noItemsAvailable"
    # Pulled with getMultipleStocksites=1: {stock site id: figure}, and which of them is the default
    # warehouse (the one `quantity` is for). None in text mode, which gives the default site only.
    sites: dict[str, Decimal | None] | None = None
    default_site: str = ""


class SiteNotReported(LookupError):
    """The batch holds no figure for the stock site a shop takes its stock from."""


def stock_figure(change: StockChange, stock_site: str) -> Decimal:
    """The figure a shop taking `stock_site` ("" default warehouse, "sum", or a site id) gets from
    `change`; "noItemsAvailable" counts as 0. Raises SiteNotReported when the batch lacks it."""
    if change.sites is None:  # text mode: the default warehouse only
        if stock_site:
            raise SiteNotReported(f"{change.article_no}: the batch was pulled without the warehouses")
        return change.quantity or Decimal(0)
    if stock_site == SUM_OF_SITES:
        return sum((figure or Decimal(0) for figure in change.sites.values()), Decimal(0))
    site = stock_site or change.default_site
    if site not in change.sites:
        raise SiteNotReported(f"{change.article_no}: Specter reported no stock for warehouse {stock_site or 'default'}")
    return change.sites[site] or Decimal(0)


@dataclass(frozen=True)
class ArticleInfo:
    article_no: str
    name: str
    price_ex_vat: Decimal | None
    vat_percent: Decimal | None
    # The variant's details (§3 #6 attributes barCode, productWeight in kg, buyPrice); None when absent.
    bar_code: str | None = None
    weight_kg: Decimal | None = None
    buy_price: Decimal | None = None


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


def order_events(change: "OrderChange") -> list[str]:
    """Every event an order change means for the shop (connections.settings.SPECTER_ORDER_EVENTS), in the
    order they happened: the delivery (whole or part), then the invoice, then the payment. One
    change may carry several: Specter activates the invoice at delivery, so a delivery may come
    already invoiced. A cancellation stands alone: a cancelled order is not told it was delivered."""
    if change.status_id == A.STATUS_CANCELLED:
        return ["cancelled"]
    events = []
    if change.delivery_status == "D":
        events.append("delivered")
    elif change.delivery_status == "P":
        events.append("partly_delivered")
    if change.status_id == A.STATUS_INVOICED:
        events.append("invoiced")
    if change.status_id == A.STATUS_PAID or change.payment_status.lower() == "paid":
        events.append("paid")
    return events


@dataclass(frozen=True)
class Batch:
    kind: str
    batch_no: str
    entries: tuple
    more: bool = False


def pull(client: SpecterClient, kind: str, *, batch_no: str = "", stock_sites: bool = False) -> Batch:
    """Fetch the waiting changes of `kind`. On error 99, fetch the open batch instead (once).
    `stock_sites`: a stock batch with every warehouse's figure (XML), not the default one's (text)."""
    batch_no = batch_no or uuid.uuid4().hex
    try:
        return _fetch(client, kind, batch_no, stock_sites)
    except BatchOpen as open_batch:
        if not open_batch.batch_no or open_batch.batch_no == batch_no:
            raise
        return _fetch(client, kind, open_batch.batch_no, stock_sites)


def ack(client: SpecterClient, batch: Batch) -> None:
    """Acknowledge a batch: call only after what it held is committed on our side."""
    client._call("getInfo.asp", ACTIONS[batch.kind][1], {"batchNo": batch.batch_no}, mutating=True)


def _fetch(client: SpecterClient, kind: str, batch_no: str, stock_sites: bool = False) -> Batch:
    params = {"batchNo": batch_no, "useXML": "2" if kind != "stock" or stock_sites else "1"}
    if kind == "stock" and stock_sites:
        params["getMultipleStocksites"] = "1"  # §3 #4: one <stock> block per warehouse, XML only
    try:
        text = client._payload("getInfo.asp", ACTIONS[kind][0], params)
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
    if text.startswith("<"):
        return _stock_sites(text, batch_no)
    # §2.4: one line per article, separated by CR (a CR LF or LF is read the same).
    lines = [part.strip() for part in text.replace("\r\n", "\r").replace("\n", "\r").split("\r") if part.strip()]
    if len(lines) == 1 and lines[0].startswith("1;") and len(lines[0].split(";")) < A.STOCK_LINE_FIELDS:
        return Batch("stock", batch_no, ())  # an "OK, nothing changed" envelope (assumptions.py)
    entries = []
    for line in lines:
        fields = line.split(";")
        if len(fields) < 3:
            raise Garbled(f"a stock line has {len(fields)} fields")
        entries.append(StockChange(fields[1].strip(), _figure(fields[2])))
    return Batch("stock", batch_no, tuple(entries))


def _figure(value: str) -> Decimal | None:
    """A stock figure: a number (a decimal comma read as a point), or None for the literal
    "noItemsAvailable". Raises InvalidOperation for anything else."""
    value = (value or "").strip()
    if value.lower() == "noitemsavailable":
        return None
    return Decimal(value.replace(",", "."))


def _root(text: str):
    return xml_root(text)


def _stock_sites(text: str, batch_no: str) -> Batch:
    """The multi-warehouse form: `<stockChanges><stock stocksiteId=".."><articles><article>
    <articleNo/><noItemsAv/></article>…` one block per site (how a block names its site and which
    is the default: connections/specter/assumptions.py)."""
    blocks = list(_root(text).iter("stock"))
    marked = [b for b in blocks if b.get(A.STOCK_SITE_DEFAULT_ATTRIBUTE) == "1"]
    default = (marked or blocks or [None])[0]
    default_site = default.get(A.STOCK_SITE_ATTRIBUTE, "") if default is not None else ""
    figures: dict[str, dict[str, Decimal | None]] = {}  # article no. -> site -> figure, in batch order
    for block in blocks:
        site = block.get(A.STOCK_SITE_ATTRIBUTE, "")
        for article in block.iter("article"):
            quantity = (article.findtext("noItemsAv") or "").strip()
            figure = _figure(quantity) if quantity else None
            figures.setdefault(article.findtext("articleNo", "").strip(), {})[site] = figure
    entries = tuple(
        StockChange(no, sites.get(default_site), sites, default_site) for no, sites in figures.items() if no
    )
    return Batch("stock", batch_no, entries)


def _article_info(text: str, batch_no: str) -> Batch:
    root = _root(text) if text else None
    entries = tuple(
        ArticleInfo(
            a.findtext("articleNo", "").strip(),
            a.findtext("name", "").strip(),
            _decimal(a.get("priceExclVat")),
            _decimal(a.get("vatPercent")),
            **details(a),
        )
        for a in (root.iter("article") if root is not None else [])
    )
    return Batch("articleinfo", batch_no, entries, more=_at_limit(root, len(entries)))


def details(article) -> dict:
    """The variant details an <article> carries as attributes (article info and the article register
    alike): bar code, weight in kg and buy price, each None when absent or unreadable."""
    return {
        "bar_code": (article.get("barCode") or "").strip() or None,
        "weight_kg": _decimal(article.get("productWeight")),
        "buy_price": _decimal(article.get("buyPrice")),
    }


def _at_limit(root, count: int) -> bool:
    """More are queued when a batch is as long as its responseMaxLimit (§3 #6)."""
    limit = int((root.findtext("responseMaxLimit") or "0") if root is not None else 0)
    return bool(limit) and count >= limit


def _list_prices(text: str, batch_no: str) -> Batch:
    root = _root(text) if text else None
    entries = tuple(
        ListPriceChange(
            p.findtext("articleNo", "").strip(),
            p.get("priceListId", "").strip(),
            _decimal(p.get("priceExclVat")),
            _quantity(p.get("fromQuantity")),
        )
        for p in (root.iter("listPrice") if root is not None else [])
    )
    return Batch("pricelists", batch_no, entries, more=_at_limit(root, len(entries)))


def _orders(text: str, batch_no: str) -> Batch:
    root = _root(text) if text else None
    entries = []
    for o in root.iter("order") if root is not None else []:
        status = o.find("orderstatus")
        deliveries = o.find("deliveries")
        entries.append(
            OrderChange(
                order_no=o.get("orderNo", ""),
                external_order_no=o.get("externalOrderNo", ""),
                status_id=status.get("statusId", "") if status is not None else "",
                delivery_status=status.get("deliveryStatus", "") if status is not None else "",
                payment_status=status.get("paymentStatus", "") if status is not None else "",
                deliveries_updated=deliveries is not None and deliveries.get("updated") == "1",
                tracking_nos=tuple(d.get("trackingNo") for d in o.iter("delivery") if d.get("trackingNo")),
            )
        )
    more = root is not None and (root.findtext("moreInfoToFetch") or "0").strip() not in ("", "0")
    return Batch("orders", batch_no, tuple(entries), more=more)


PARSERS = {"stock": _stock, "articleinfo": _article_info, "orders": _orders, "pricelists": _list_prices}
