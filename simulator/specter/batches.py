"""Simulated Specter's pull-with-ack batches: get…ExternalNeedUpdate hands out the waiting changes
under the client's batchNo (the same batchNo gets the same entries again), update…FromBatch acks
them, and while a pulled batch is not acked another batchNo is refused with code 99."""

from xml.sax.saxutils import escape, quoteattr

from django.http import HttpResponse

from . import changes, stock as sites
from .models import Account, BatchEntry

QUEUES = {
    "getarticleexternalneedupdate": BatchEntry.STOCK, "updatearticlesfrombatch": BatchEntry.STOCK,
    "getarticleinfoexternalneedupdate": BatchEntry.ARTICLE_INFO, "updatearticleinfosfrombatch": BatchEntry.ARTICLE_INFO,
    "getordersexternalneedupdate": BatchEntry.ORDERS, "updateordersfrombatch": BatchEntry.ORDERS,
    # Invented names (Specter's price-list calls are not public; connections/specter/assumptions.py).
    "getpricelistexternalneedupdate": BatchEntry.PRICE_LISTS, "updatepricelistsfrombatch": BatchEntry.PRICE_LISTS,
}
RESPONSE_MAX_LIMIT = 100


def _text(body: str) -> HttpResponse:
    return HttpResponse(body.encode("latin-1", "replace"), content_type="text/plain; charset=latin-1")


def pull(account: Account, p: dict) -> HttpResponse:
    kind, batch_no = QUEUES[p["action"].lower()], p.get("batchno", "")
    if not batch_no:
        return _text("0;3;batchNo is required")
    waiting = BatchEntry.objects.filter(account=account, queue=kind, acked=False)
    open_batch = waiting.exclude(batch_no="").exclude(batch_no=batch_no).values_list("batch_no", flat=True).first()
    if open_batch:
        return _text(f"0;99;An older batch '{open_batch}' is still open, update it first")
    entries = list(waiting.filter(batch_no=batch_no))
    if not entries:
        ids = list(waiting.filter(batch_no="").values_list("pk", flat=True)[:RESPONSE_MAX_LIMIT])
        BatchEntry.objects.filter(pk__in=ids).update(batch_no=batch_no)
        entries = list(BatchEntry.objects.filter(pk__in=ids))
    more = waiting.filter(batch_no="").exists()
    if kind == BatchEntry.STOCK and p.get("getmultiplestocksites") == "1":
        return _stock_sites(entries, batch_no, more)
    return RENDER[kind](entries, batch_no, more)


def ack(account: Account, p: dict) -> HttpResponse:
    count = BatchEntry.objects.filter(account=account, queue=QUEUES[p["action"].lower()], batch_no=p.get("batchno", ""), acked=False).update(acked=True)
    return _text(f"1;{count};OK")


def _stock(entries, batch_no, more) -> HttpResponse:
    # §4.4 text mode: specterArticleId;articleNo;quantity;batchNo lines separated by CR.
    return _text("".join(f"{e.payload['id']};{e.payload['articleNo']};{e.payload['stock']};{batch_no}\r" for e in entries))


# connections/specter/assumptions.py: how a <stock> block names its site and marks the default one.
SITE_ATTRIBUTE, DEFAULT_ATTRIBUTE, DEFAULT_SITE = "stocksiteId", "isDefault", "1"


def _stock_sites(entries, batch_no, more) -> HttpResponse:
    # §3 #4 with getMultipleStocksites=1: one <stock> block per site, each listing every article of
    # the batch with its figure there (0 where it has none). Entries queued before stock sites
    # existed carry only the default site's figure.
    figures = [(e.payload["articleNo"], e.payload.get("sites") or {DEFAULT_SITE: e.payload["stock"]}) for e in entries]
    site_ids = sorted({DEFAULT_SITE, *(site for _, sites in figures for site in sites)}, key=lambda s: (s != DEFAULT_SITE, s))
    blocks = "".join(
        f"<stock {SITE_ATTRIBUTE}={quoteattr(site)} {DEFAULT_ATTRIBUTE}=\"{1 if site == DEFAULT_SITE else 0}\"><articles>"
        + "".join(f"<article><articleNo>{escape(no)}</articleNo><noItemsAv>{sites.get(site, 0)}</noItemsAv></article>" for no, sites in figures)
        + "</articles></stock>"
        for site in site_ids
    )
    return _xml(f"<stockChanges>{blocks}</stockChanges>")


DETAILS = ("buyPrice", "barCode", "productWeight")  # §3 #6 attributes, present when the article has them


def _details(values: dict) -> str:
    return "".join(f" {name}={quoteattr(str(values[name]))}" for name in DETAILS if values.get(name) not in (None, ""))


def _article_info(entries, batch_no, more) -> HttpResponse:
    articles = "".join(
        f"<article priceExclVat={quoteattr(e.payload['priceExclVat'])} vatPercent={quoteattr(e.payload['vatPercent'])}{_details(e.payload)}>"
        f"<articleNo>{escape(e.payload['articleNo'])}</articleNo><name>{escape(e.payload['name'])}</name></article>"
        for e in entries
    )
    return _xml(f"<articles>{articles}</articles><responseMaxLimit>{RESPONSE_MAX_LIMIT}</responseMaxLimit>")


def _list_prices(entries, batch_no, more) -> HttpResponse:
    rows = "".join(
        f"<listPrice priceListId=\"{e.payload['priceListId']}\" priceExclVat={quoteattr(e.payload['priceExclVat'])} "
        f"fromQuantity=\"{e.payload['fromQuantity']}\"><articleNo>{escape(e.payload['articleNo'])}</articleNo></listPrice>"
        for e in entries
    )
    return _xml(f"<listPrices>{rows}</listPrices><responseMaxLimit>{RESPONSE_MAX_LIMIT}</responseMaxLimit>")


def price_lists(account: Account, p: dict) -> HttpResponse:
    """The invented getPriceListsExternal: the account's price lists."""
    rows = "".join(
        f"<priceList priceListId=\"{pl.price_list_id}\" currency={quoteattr(pl.currency)} customerGroupId={quoteattr(pl.customer_group_id)}>"
        f"<name>{escape(pl.name)}</name></priceList>"
        for pl in account.price_lists.all()
    )
    return _xml(f"<priceLists>{rows}</priceLists>")


def _orders(entries, batch_no, more) -> HttpResponse:
    orders = []
    for e in entries:
        o = e.payload
        delivery = f"<delivery trackingNo={quoteattr(o['trackingNo'])}/>" if o.get("trackingNo") else ""
        orders.append(
            f"<order orderNo={quoteattr(o['orderNo'])} externalOrderNo={quoteattr(o['externalOrderNo'])}>"
            f"<orderstatus deliveryStatus={quoteattr(o['deliveryStatus'])} statusId=\"{o['statusId']}\" paymentStatus={quoteattr(o['paymentStatus'])}/>"
            f"<deliveries updated=\"{1 if o['deliveriesUpdated'] else 0}\">{delivery}</deliveries></order>"
        )
    return _xml(f"<orders>{''.join(orders)}</orders><moreInfoToFetch>{1 if more else 0}</moreInfoToFetch>")


ARTICLE_LIST_PAGE = 100


def article_list(account: Account, p: dict) -> HttpResponse:
    """The whole article register, a page at a time (an assumed call: connections/specter/assumptions.py)."""
    try:
        number = max(1, int(p.get("page") or "1"))
    except ValueError:
        return _text("0;3;page must be a number")
    articles = account.articles.all()
    total = articles.count()
    pages = max(1, -(-total // ARTICLE_LIST_PAGE))
    rows = "".join(
        f"<article priceExclVat=\"{a.price_ex_vat.normalize():f}\" vatPercent=\"{a.vat_percent.normalize():f}\" noItemsAv=\"{sites.availability(account, a)[sites.DEFAULT_SITE] if a.components else a.stock}\"{_details(changes.article_info(a))}>"
        f"<articleNo>{escape(a.article_no)}</articleNo><name>{escape(a.name)}</name></article>"
        for a in articles[(number - 1) * ARTICLE_LIST_PAGE:number * ARTICLE_LIST_PAGE]
    )
    return _xml(f'<articles page="{number}" pages="{pages}" totalCount="{total}">{rows}</articles>')


def _xml(inner: str) -> HttpResponse:
    body = f'<?xml version="1.0" encoding="ISO-8859-1"?><response><APIresponse><result>1</result></APIresponse>{inner}</response>'
    return HttpResponse(body.encode("latin-1", "replace"), content_type="text/xml; charset=ISO-8859-1")


RENDER = {BatchEntry.STOCK: _stock, BatchEntry.ARTICLE_INFO: _article_info, BatchEntry.ORDERS: _orders,
          BatchEntry.PRICE_LISTS: _list_prices}
