"""Starweb's webhooks arrive here (design.md §3 rule 5): POST /hooks/starweb/<endpoint>/<token>/.

Starweb does not sign webhooks. The URL's per-connection token, compared in constant time, keeps
strangers out; the body is only a hint naming an order, which is always re-fetched from Starweb.
Answers fast (202) after one insert and one enqueue; the work happens in a worker.

- unknown endpoint or wrong token: 404 (nothing says which)
- body over WEBHOOK_MAX_BYTES: 413, not read further
- not JSON, or JSON that is not an object: 400, nothing stored
- an event that names no order (shop-opened, product-…): 202, nothing to do
"""

import json
from datetime import timedelta

from django.conf import settings
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import queues
from .models import Transfer, WebhookEndpoint
from .orders.intake import announce

# What a connection registers in its shop: new orders, and status changes (an order may reach a
# trigger status later). Not order-updated: our own write-back would echo back as one.
SUBSCRIBED_EVENTS = ("order-created", "order-status-changed")
# Registered only where products go to Specter when they change (flows #1 and #3).
PRODUCT_EVENTS = ("product-created", "product-updated")
ORDER_EVENTS = {"order-created", "order-updated", "order-status-changed", "order-completed"}


def endpoint_or_404(endpoint_id, token) -> WebhookEndpoint:
    """The connection's endpoint if `token` is its secret; 404 for a wrong token or an unknown
    endpoint alike (compared even when unknown, so timing tells nothing about which was wrong)."""
    endpoint = WebhookEndpoint.objects.filter(pk=endpoint_id).first()
    if not constant_time_compare(token, endpoint.token if endpoint else "-" * 43) or endpoint is None:
        raise Http404
    return endpoint


def webhook_url(endpoint: WebhookEndpoint, base_url: str) -> str:
    """Where the shop posts this connection's events."""
    return base_url.rstrip("/") + reverse("syncflows:starweb_webhook", args=[endpoint.pk, endpoint.token])


@csrf_exempt
@require_POST
def starweb(request, endpoint_id, token):
    endpoint = endpoint_or_404(endpoint_id, token)
    limit = settings.WEBHOOK_MAX_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return _answer(413, f"The body is larger than {limit} bytes.")
    body = request.read(limit + 1)
    if len(body) > limit:
        return _answer(413, f"The body is larger than {limit} bytes.")
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return _answer(400, "The body is not JSON.")
    if not isinstance(payload, dict):
        return _answer(400, "The body is not a JSON object.")
    product_id = product_id_of(payload)
    if product_id is not None:
        queues.bulk("syncflows.tasks.export_product", str(endpoint.connection_id), product_id)
        return _answer(202, "Accepted.")
    order_id = order_id_of(payload)
    if order_id is None:
        return _answer(202, "No order in this event; nothing to do.")
    announce(endpoint.connection_id, order_id, source=Transfer.Source.WEBHOOK, order_number=order_id)
    now = timezone.now()
    if endpoint.last_received_at is None or endpoint.last_received_at < now - timedelta(minutes=1):
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(last_received_at=now)
    return _answer(202, "Accepted.")


def order_id_of(payload: dict) -> str | None:
    """The order the event is about, read tolerantly (field case and nesting vary between
    Starweb's versions and SDKs); None for events about something else."""
    lowered = _lowered(payload)
    event = str(lowered.get("eventid") or lowered.get("event") or "").lower()
    if event and event not in ORDER_EVENTS:
        return None
    nested = _lowered(lowered["data"]) if isinstance(lowered.get("data"), dict) else {}
    return _digits(lowered.get("orderid")) or _digits(nested.get("orderid"))


def product_id_of(payload: dict) -> int | None:
    """The product a product-created/-updated event names, or None."""
    lowered = _lowered(payload)
    product_id = _digits(lowered.get("productid"))
    return int(product_id) if product_id and str(lowered.get("eventid") or "").lower() in PRODUCT_EVENTS else None


def _lowered(payload: dict) -> dict:
    return {str(k).lower(): v for k, v in payload.items()}


def _digits(value) -> str | None:
    """An id as Starweb sends it (a number, or a string of digits), as text; None for anything else."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        return None
    text = str(value).strip()
    return text if text.isdigit() else None


def _answer(status: int, message: str) -> JsonResponse:
    return JsonResponse({"detail": message}, status=status)
