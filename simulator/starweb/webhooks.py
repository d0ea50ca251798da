"""Starweb's web hooks: a POST of a thin JSON payload to each registered URL, retried on failure
(Starweb: up to 10 tries, 30 minutes apart; here `deliver_pending()` retries on demand)."""

import uuid

import requests
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import Delivery, WebHook

EVENTS = {
    "product-created",
    "product-updated",
    "product-removed",
    "order-created",
    "order-completed",
    "order-updated",
    "order-deleted",
    "order-status-changed",
    "customer-created",
    "customer-updated",
    "customer-deleted",
    "shop-opened",
    "shop-closed",
    "shop-removed",
}
MAX_TRIES = 10


def order_event(shop, order, event: str) -> None:
    """Queue the event for every matching hook and deliver once the order is committed."""
    data = order.data
    payload = {
        "uuid": str(uuid.uuid4()),
        "eventId": event,
        "shopIdCode": shop.slug,
        "eventTimestamp": timezone.localtime().isoformat(timespec="seconds"),
        "orderId": order.order_id,
        "shippingMethodId": data.get("shippingMethodId"),
        "paymentMethodId": data.get("paymentMethodId"),
        "orderStatusId": data.get("statusId"),
        "totalAmount": str(data.get("amountToPay")),
        "currencyCode": data.get("currencyCode"),
    }
    hooks = WebHook.objects.filter(shop=shop, event=event)
    if event == "order-status-changed":
        # A hook without a status fires on every change (NULL never matches an IN list, hence the Q).
        hooks = hooks.filter(Q(status_id__isnull=True) | Q(status_id=data.get("statusId")))
    ids = [Delivery.objects.create(webhook=hook, payload=payload).pk for hook in hooks]
    if ids:
        transaction.on_commit(lambda: deliver(ids))


def deliver(ids) -> int:
    """POST each pending delivery once; returns how many succeeded (2xx)."""
    ok = 0
    for delivery in Delivery.objects.filter(pk__in=ids, delivered=False).select_related("webhook"):
        delivery.tries += 1
        try:
            response = requests.post(delivery.webhook.url, json=delivery.payload, timeout=(2, 5))
            delivery.delivered = 200 <= response.status_code < 300
            delivery.last_status = str(response.status_code)
        except requests.RequestException as exc:
            delivery.last_status = type(exc).__name__
        delivery.save(update_fields=["tries", "delivered", "last_status"])
        ok += delivery.delivered
    return ok


def deliver_pending() -> int:
    """Retry every undelivered delivery that has tries left."""
    return deliver(list(Delivery.objects.filter(delivered=False, tries__lt=MAX_TRIES).values_list("pk", flat=True)))
