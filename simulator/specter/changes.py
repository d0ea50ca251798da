"""Changes made in simulated Specter (by staff, tests or the demo): they queue batch entries for the
webshop's pull and ping its callback URLs, as Specter does (specs/specter-api.md §3, §10.3)."""

from decimal import Decimal

import requests
from django.db import transaction

from .models import Account, Article, BatchEntry, Order

CALLBACK_FOR = {BatchEntry.STOCK: "actionstockchange", BatchEntry.ARTICLE_INFO: "actionarticlechange", BatchEntry.ORDERS: "actionorderchange"}


def queue(account: Account, kind: str, payload: dict) -> BatchEntry:
    entry = BatchEntry.objects.create(account=account, queue=kind, payload=payload)
    url = account.callbacks.get(CALLBACK_FOR[kind])
    if url:
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


def stock_changed(article: Article) -> None:
    queue(article.account, BatchEntry.STOCK, {"articleNo": article.article_no, "stock": article.stock, "id": article.pk})


@transaction.atomic
def set_stock(account: Account, article_no: str, stock: int) -> Article:
    article = account.articles.select_for_update().get(article_no=article_no)
    article.stock = stock
    article.save(update_fields=["stock"])
    stock_changed(article)
    return article


@transaction.atomic
def set_price(account: Account, article_no: str, price_ex_vat: Decimal, name: str | None = None) -> Article:
    article = account.articles.select_for_update().get(article_no=article_no)
    article.price_ex_vat = price_ex_vat
    article.name = name or article.name
    article.save(update_fields=["price_ex_vat", "name"])
    queue(account, BatchEntry.ARTICLE_INFO, {"articleNo": article.article_no, "name": article.name,
                                             "priceExclVat": str(article.price_ex_vat), "vatPercent": str(article.vat_percent)})
    return article


# Our order statuses (§10.3): 1 registered, 2 partly delivered, 3 delivered, 4 invoiced, 5 cancelled, 6 paid.
@transaction.atomic
def deliver(account: Account, order_no: str, tracking_no: str = "", rows: dict[str, int] | None = None) -> Order:
    """Deliver the whole order, or `rows` {articleNo: quantity} of it (a partial delivery)."""
    order = account.orders.select_for_update().get(order_no=order_no)
    delivered = order.data.setdefault("delivered", {})
    for row in order.rows:
        wanted = int(Decimal(row["quantity"]))
        add = wanted if rows is None else min(rows.get(row["articleNo"], 0), wanted - delivered.get(row["articleNo"], 0))
        delivered[row["articleNo"]] = delivered.get(row["articleNo"], 0) + add
    complete = all(delivered.get(r["articleNo"], 0) >= int(Decimal(r["quantity"])) for r in order.rows)
    order.data.update(statusId=3 if complete else 2, deliveryStatus="D" if complete else "P")
    if tracking_no:
        order.data.setdefault("trackingNos", []).append(tracking_no)
    order.save(update_fields=["data"])
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
    queue(order.account, BatchEntry.ORDERS, {
        "orderNo": order.order_no, "externalOrderNo": order.external_order_no, "statusId": order.data.get("statusId", 1),
        "deliveryStatus": order.data.get("deliveryStatus", "N"), "paymentStatus": order.data.get("paymentStatus", ""),
        "deliveriesUpdated": deliveries_updated, "trackingNo": tracking_no,
    })
