"""Changes made in simulated Specter (by staff, tests or the demo): they queue batch entries for the
webshop's pull and ping its callback URLs, as Specter does (specs/specter-api.md §3, §10.3)."""

from decimal import Decimal

import requests
from django.db import transaction

from . import stock as sites
from .models import Account, Article, BatchEntry, ListPrice, Order, PriceList

# A list price is article data, so it pings the article-change callback (Specter has no callback of
# its own for price lists that we know of; the price-list calls are invented anyway).
CALLBACK_FOR = {
    BatchEntry.STOCK: "actionstockchange",
    BatchEntry.ARTICLE_INFO: "actionarticlechange",
    BatchEntry.ORDERS: "actionorderchange",
    BatchEntry.PRICE_LISTS: "actionarticlechange",
}


def queue(account: Account, kind: str, payload: dict, *, ping_callback: bool = True) -> BatchEntry:
    entry = BatchEntry.objects.create(account=account, queue=kind, payload=payload)
    url = account.callbacks.get(CALLBACK_FOR[kind])
    if url and ping_callback:
        transaction.on_commit(lambda: ping(url))
    return entry


def ping(url: str, **values) -> bool:
    """Call a registered callback (placeholders $orderId etc. filled in); True if it answered 1;..."""
    for name, value in values.items():
        url = url.replace(f"${name}", str(value))
    try:
        response = requests.post(url, timeout=(2, 5))
        return response.ok and response.text.startswith("1")
    except requests.RequestException:
        return False


class DerivedStock(ValueError):
    """A SET article's stock follows its components; it cannot be set."""


def stock_changed(article: Article) -> None:
    """Queue the article's stock on every site, and that of each SET article containing it (whose
    availability its components make: connections/specter/assumptions.py)."""
    account = article.account
    for n, changed in enumerate([article, *sites.sets_containing(account, article)]):
        figures = sites.availability(account, changed)
        queue(
            account,
            BatchEntry.STOCK,
            {
                "articleNo": changed.article_no,
                "stock": figures.get(sites.DEFAULT_SITE, 0),
                "sites": figures,
                "id": changed.pk,
            },
            ping_callback=n == 0,
        )  # one change, one ping


@transaction.atomic
def set_stock(account: Account, article_no: str, stock: int, site: str = "") -> Article:
    """Set an article's stock on a site ("" or "1": the default warehouse)."""
    article = account.articles.select_for_update().get(article_no=article_no)
    if article.components:
        raise DerivedStock(f"{article_no} is a SET article: its stock follows its components")
    if site in ("", sites.DEFAULT_SITE):
        article.stock = stock
    else:
        article.other_sites = {**(article.other_sites or {}), str(site): stock}
    article.save(update_fields=["stock", "other_sites"])
    stock_changed(article)
    return article


def set_price(account: Account, article_no: str, price_ex_vat: Decimal, name: str | None = None) -> Article:
    return change_article(account, article_no, price_ex_vat=price_ex_vat, name=name)


@transaction.atomic
def change_article(
    account: Account,
    article_no: str,
    *,
    name: str | None = None,
    price_ex_vat: Decimal | None = None,
    bar_code: str | None = None,
    weight_kg: Decimal | None = None,
    buy_price: Decimal | None = None,
) -> Article:
    """Change an article's master data (None leaves a field as it is; bar_code "" removes the bar
    code) and queue one article-info entry with all of it, as Specter reports the whole article."""
    article = account.articles.select_for_update().get(article_no=article_no)
    for field, value in (
        ("name", name or None),
        ("price_ex_vat", price_ex_vat),
        ("bar_code", bar_code),
        ("weight_kg", weight_kg),
        ("buy_price", buy_price),
    ):
        if value is not None:
            setattr(article, field, value)
    article.save(update_fields=["name", "price_ex_vat", "bar_code", "weight_kg", "buy_price"])
    queue(account, BatchEntry.ARTICLE_INFO, article_info(article))
    return article


def article_info(article: Article) -> dict:
    """An article-info entry's payload; the details only when the article has them (§3 #6)."""
    payload = {
        "articleNo": article.article_no,
        "name": article.name,
        "priceExclVat": str(article.price_ex_vat),
        "vatPercent": str(article.vat_percent),
    }
    if article.bar_code:
        payload["barCode"] = article.bar_code
    if article.weight_kg is not None:
        payload["productWeight"] = f"{Decimal(article.weight_kg):.3f}"  # kg, 3 decimals as newArticleSubmit sends it
    if article.buy_price is not None:
        payload["buyPrice"] = str(article.buy_price)
    return payload


@transaction.atomic
def set_list_price(
    account: Account, price_list_name_or_id, article_no: str, price_ex_vat: Decimal, from_quantity: int = 1
) -> ListPrice:
    """Set an article's price on a price list (found by id, or by name ignoring case), from a
    quantity: 1 is the plain price, 2 and up a volume price. Raises PriceList.DoesNotExist."""
    key = str(price_list_name_or_id).strip()
    lists = list(PriceList.objects.filter(account=account))  # compared here: SQLite ignores the case of ASCII only
    price_list = next(
        (pl for pl in lists if str(pl.price_list_id) == key or pl.name.strip().casefold() == key.casefold()), None
    )
    if price_list is None:
        raise PriceList.DoesNotExist(f"no price list {key!r}")
    listed, _ = ListPrice.objects.update_or_create(
        price_list=price_list,
        article_no=article_no,
        from_quantity=max(1, int(from_quantity)),
        defaults={"price_ex_vat": Decimal(price_ex_vat)},
    )
    queue(
        account,
        BatchEntry.PRICE_LISTS,
        {
            "articleNo": article_no,
            "priceListId": price_list.price_list_id,
            "priceExclVat": str(listed.price_ex_vat),
            "fromQuantity": listed.from_quantity,
        },
    )
    return listed


# Our order statuses (§10.3): 1 registered, 2 partly delivered, 3 delivered, 4 invoiced, 5 cancelled, 6 paid.
@transaction.atomic
def deliver(
    account: Account, order_no: str, tracking_no: str = "", rows: dict[str, int] | None = None, *, invoice: bool = False
) -> Order:
    """Deliver the whole order, or `rows` {articleNo: quantity} of it (a partial delivery).
    `invoice`: the delivery also makes the invoice, as Specter does when the invoice is activated
    at delivery (seed 000): one change then carries both the delivery and the invoice."""
    order = account.orders.select_for_update().get(order_no=order_no)
    delivered = order.data.setdefault("delivered", {})
    for row in order.rows:
        wanted = int(Decimal(row["quantity"]))
        add = (
            wanted if rows is None else min(rows.get(row["articleNo"], 0), wanted - delivered.get(row["articleNo"], 0))
        )
        delivered[row["articleNo"]] = delivered.get(row["articleNo"], 0) + add
    complete = all(delivered.get(r["articleNo"], 0) >= int(Decimal(r["quantity"])) for r in order.rows)
    order.data.update(statusId=3 if complete else 2, deliveryStatus="D" if complete else "P")
    if tracking_no:
        order.data.setdefault("trackingNos", []).append(tracking_no)
    if invoice and complete:
        order.invoice_no = order.invoice_no or account.take_number()
        order.data["statusId"] = 4
        url = account.callbacks.get("actionnewinvoice")
        if url:
            transaction.on_commit(
                lambda: ping(url, orderId=order.order_no, invoiceId=order.invoice_no, invoiceSource="S")
            )
    order.save(update_fields=["data", "invoice_no"])
    _order_changed(order, deliveries_updated=True, tracking_no=tracking_no)
    return order


@transaction.atomic
def invoice(account: Account, order_no: str) -> Order:
    order = account.orders.select_for_update().get(order_no=order_no)
    if not order.invoice_no:
        order.invoice_no = account.take_number()
    order.data["statusId"] = max(order.data.get("statusId", 1), 4)
    order.save(update_fields=["invoice_no", "data"])
    url = account.callbacks.get("actionnewinvoice")
    if url:
        transaction.on_commit(lambda: ping(url, orderId=order.order_no, invoiceId=order.invoice_no, invoiceSource="S"))
    _order_changed(order)
    return order


@transaction.atomic
def mark_paid(account: Account, order_no: str) -> Order:
    order = account.orders.select_for_update().get(order_no=order_no)
    order.data.update(statusId=6, paymentStatus="paid")
    order.save(update_fields=["data"])
    _order_changed(order)
    return order


@transaction.atomic
def cancel(account: Account, order_no: str) -> Order:
    order = account.orders.select_for_update().get(order_no=order_no)
    order.data["statusId"] = 5
    order.save(update_fields=["data"])
    url = account.callbacks.get("actionremoveorder")
    if url:
        transaction.on_commit(lambda: ping(url, orderNo=order.order_no))
    _order_changed(order)
    return order


def _order_changed(order: Order, *, deliveries_updated: bool = False, tracking_no: str = "") -> None:
    queue(
        order.account,
        BatchEntry.ORDERS,
        {
            "orderNo": order.order_no,
            "externalOrderNo": order.external_order_no,
            "statusId": order.data.get("statusId", 1),
            "deliveryStatus": order.data.get("deliveryStatus", "N"),
            "paymentStatus": order.data.get("paymentStatus", ""),
            "deliveriesUpdated": deliveries_updated,
            "trackingNo": tracking_no,
        },
    )
