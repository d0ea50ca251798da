"""Simulated Specter's pull-with-ack batches: get…ExternalNeedUpdate hands out the waiting changes
under the client's batchNo (the same batchNo gets the same entries again), update…FromBatch acks
them, and while a pulled batch is not acked another batchNo is refused with code 99."""

from xml.sax.saxutils import escape, quoteattr

from django.http import HttpResponse

from . import answers, changes
from . import stock as sites
from .models import Account, BatchEntry

QUEUES = {
    "getarticleexternalneedupdate": BatchEntry.STOCK,
    "updatearticlesfrombatch": BatchEntry.STOCK,
    "getarticleinfoexternalneedupdate": BatchEntry.ARTICLE_INFO,
    "updatearticleinfosfrombatch": BatchEntry.ARTICLE_INFO,
    "getordersexternalneedupdate": BatchEntry.ORDERS,
    "updateordersfrombatch": BatchEntry.ORDERS,
    # Invented names (Specter's price-list calls are not public; connections/specter/assumptions.py).
    "getpricelistexternalneedupdate": BatchEntry.PRICE_LISTS,
    "updatepricelistsfrombatch": BatchEntry.PRICE_LISTS,
}
RESPONSE_MAX_LIMIT = 100


def _text(body: str) -> HttpResponse:
    return answers.text(body)


def pull(account: Account, p: dict) -> HttpResponse:
    kind, batch_no = QUEUES[p["action"].lower()], p.get("batchno", "")
    if not batch_no:
        return answers.envelope(account, False, "3", "batchNo is required")
    waiting = BatchEntry.objects.filter(account=account, queue=kind, acked=False)
    open_batch = waiting.exclude(batch_no="").exclude(batch_no=batch_no).values_list("batch_no", flat=True).first()
    if open_batch:
        return answers.envelope(account, False, "99", f"An older batch '{open_batch}' is still open, update it first")
    entries = list(waiting.filter(batch_no=batch_no))
    if not entries:
        ids = list(waiting.filter(batch_no="").values_list("pk", flat=True)[:RESPONSE_MAX_LIMIT])
        BatchEntry.objects.filter(pk__in=ids).update(batch_no=batch_no)
        entries = list(BatchEntry.objects.filter(pk__in=ids))
    more = waiting.filter(batch_no="").exists()
    if kind == BatchEntry.STOCK and (p.get("getmultiplestocksites") == "1" or answers.form_of(account) != answers.TEXT):
        # XML stock: one <stock> block per site with getMultipleStocksites=1, else the default one's
        return _stock_sites(account, entries, batch_no, more, every_site=p.get("getmultiplestocksites") == "1")
    return RENDER[kind](account, entries, batch_no, more)


def ack(account: Account, p: dict) -> HttpResponse:
    count = BatchEntry.objects.filter(
        account=account, queue=QUEUES[p["action"].lower()], batch_no=p.get("batchno", ""), acked=False
    ).update(acked=True)
    return answers.envelope(account, True, str(count), "OK")


def clear_stock(account: Account, p: dict) -> HttpResponse:
    """clearArticleBatch&clearSelf=1 (§3 #10): the stock queue is reset, open batch included; what
    it held is gone (a full stock reconciliation must follow). Signed with the batchNo."""
    if p.get("clearself") != "1":
        return answers.envelope(account, False, "3", "clearSelf=1 is required")
    count = BatchEntry.objects.filter(account=account, queue=BatchEntry.STOCK, acked=False).update(acked=True)
    return answers.envelope(account, True, str(count), "OK")


def _stock(account, entries, batch_no, more) -> HttpResponse:
    # §4.4 text mode: specterArticleId;articleNo;quantity;batchNo lines separated by CR.
    return _text(
        "".join(
            f"{e.payload['id']};{e.payload['articleNo']};"
            f"{answers.stock_figure(account, e.payload['stock'])};{batch_no}\r"
            for e in entries
        )
    )


# connections/specter/assumptions.py: how a <stock> block names its site and marks the default one.
SITE_ATTRIBUTE, DEFAULT_ATTRIBUTE, DEFAULT_SITE = "stocksiteId", "isDefault", "1"


def _stock_sites(account, entries, batch_no, more, every_site=True) -> HttpResponse:
    # §3 #4 with getMultipleStocksites=1: one <stock> block per site, each listing every article of
    # the batch with its figure there (0 where it has none). Entries queued before stock sites
    # existed carry only the default site's figure.
    figures = [(e.payload["articleNo"], e.payload.get("sites") or {DEFAULT_SITE: e.payload["stock"]}) for e in entries]
    site_ids = sorted(
        {DEFAULT_SITE, *(site for _, sites in figures for site in sites)}, key=lambda s: (s != DEFAULT_SITE, s)
    )
    # Without getMultipleStocksites (an account answering XML), one plain <stock> block: the default site's.
    heads = (
        {
            site: f'<stock {SITE_ATTRIBUTE}={quoteattr(site)} {DEFAULT_ATTRIBUTE}="{1 if site == DEFAULT_SITE else 0}">'
            for site in site_ids
        }
        if every_site
        else {DEFAULT_SITE: "<stock>"}
    )
    blocks = "".join(
        head
        + "<articles>"
        + "".join(
            f"<article><articleNo>{escape(no)}</articleNo>"
            f"<noItemsAv>{answers.stock_figure(account, sites.get(site, 0))}</noItemsAv></article>"
            for no, sites in figures
        )
        + "</articles></stock>"
        for site, head in heads.items()
    )
    return _xml(account, f"<stockChanges>{blocks}</stockChanges>")


DETAILS = ("buyPrice", "barCode", "productWeight")  # §3 #6 attributes, present when the article has them


def _details(account, values: dict) -> str:
    return "".join(
        f" {name}={quoteattr(str(values[name]) if name == 'barCode' else answers.number(account, values[name]))}"
        for name in DETAILS
        if values.get(name) not in (None, "")
    )


def _article_info(account, entries, batch_no, more) -> HttpResponse:
    articles = "".join(
        f"<article priceExclVat={quoteattr(answers.number(account, e.payload['priceExclVat']))} "
        f"vatPercent={quoteattr(answers.number(account, e.payload['vatPercent']))}{_details(account, e.payload)}>"
        f"<articleNo>{escape(e.payload['articleNo'])}</articleNo><name>{escape(e.payload['name'])}</name></article>"
        for e in entries
    )
    return _xml(account, f"<articles>{articles}</articles><responseMaxLimit>{RESPONSE_MAX_LIMIT}</responseMaxLimit>")


def _list_prices(account, entries, batch_no, more) -> HttpResponse:
    rows = "".join(
        f'<listPrice priceListId="{e.payload["priceListId"]}" '
        f"priceExclVat={quoteattr(answers.number(account, e.payload['priceExclVat']))} "
        f'fromQuantity="{e.payload["fromQuantity"]}"><articleNo>{escape(e.payload["articleNo"])}</articleNo></listPrice>'
        for e in entries
    )
    return _xml(account, f"<listPrices>{rows}</listPrices><responseMaxLimit>{RESPONSE_MAX_LIMIT}</responseMaxLimit>")


def price_lists(account: Account, p: dict) -> HttpResponse:
    """The invented getPriceListsExternal: the account's price lists."""
    rows = "".join(
        f'<priceList priceListId="{pl.price_list_id}" currency={quoteattr(pl.currency)} '
        f"customerGroupId={quoteattr(pl.customer_group_id)}>"
        f"<name>{escape(pl.name)}</name></priceList>"
        for pl in account.price_lists.all()
    )
    return _xml(account, f"<priceLists>{rows}</priceLists>")


def _orders(account, entries, batch_no, more) -> HttpResponse:
    orders = []
    for e in entries:
        o = e.payload
        delivery = f"<delivery trackingNo={quoteattr(o['trackingNo'])}/>" if o.get("trackingNo") else ""
        orders.append(
            f"<order orderNo={quoteattr(o['orderNo'])} externalOrderNo={quoteattr(o['externalOrderNo'])}>"
            f'<orderstatus deliveryStatus={quoteattr(o["deliveryStatus"])} statusId="{o["statusId"]}" '
            f"paymentStatus={quoteattr(o['paymentStatus'])}/>"
            f'<deliveries updated="{1 if o["deliveriesUpdated"] else 0}">{delivery}</deliveries></order>'
        )
    return _xml(account, f"<orders>{''.join(orders)}</orders><moreInfoToFetch>{1 if more else 0}</moreInfoToFetch>")


ARTICLE_LIST_PAGE = 100


def _available(account: Account, article) -> int:
    """The article list's noItemsAv: a SET article's is derived from its components at the default
    site; a plain article's is its stored stock."""
    return sites.availability(account, article)[sites.DEFAULT_SITE] if article.components else article.stock


def article_list(account: Account, p: dict) -> HttpResponse:
    """The whole article register, a page at a time (an assumed call: connections/specter/assumptions.py)."""
    try:
        number = max(1, int(p.get("page") or "1"))
    except ValueError:
        return answers.envelope(account, False, "3", "page must be a number")
    articles = account.articles.all()
    total = articles.count()
    pages = max(1, -(-total // ARTICLE_LIST_PAGE))
    rows = "".join(
        f'<article priceExclVat="{answers.number(account, a.price_ex_vat)}" '
        f'vatPercent="{answers.number(account, a.vat_percent)}" '
        f'noItemsAv="{answers.stock_figure(account, _available(account, a))}"'
        f"{_details(account, changes.article_info(a))}>"
        f"<articleNo>{escape(a.article_no)}</articleNo><name>{escape(a.name)}</name></article>"
        for a in articles[(number - 1) * ARTICLE_LIST_PAGE : number * ARTICLE_LIST_PAGE]
    )
    return _xml(account, f'<articles page="{number}" pages="{pages}" totalCount="{total}">{rows}</articles>')


def _xml(account, inner: str) -> HttpResponse:
    return answers.data(account, inner)


RENDER = {
    BatchEntry.STOCK: _stock,
    BatchEntry.ARTICLE_INFO: _article_info,
    BatchEntry.ORDERS: _orders,
    BatchEntry.PRICE_LISTS: _list_prices,
}
