"""Starweb's webhooks arrive here (design.md §3 rule 5): POST /hooks/starweb/<endpoint>/<token>/.

Starweb does not sign webhooks. The URL's per-connection token, compared in constant time, keeps
strangers out; the body is only a hint naming an order, which is always re-fetched from Starweb.
Answers fast (202) after one insert and one enqueue; the work happens in a worker.

- unknown endpoint or wrong token: 404 (nothing says which)
- a deactivated connection: 410, body not read, nothing stored or queued
- body over WEBHOOK_MAX_BYTES: 413, not read further
- not JSON, nested deeper than MAX_JSON_DEPTH, or JSON that is not an object: 400, nothing stored
- an order or product id that is not a whole number of at most MAX_ID_DIGITS ASCII digits: 400
- an event that names no order (shop-opened, product-…): 202, nothing to do
"""

from datetime import timedelta

from django.conf import settings
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from connections.models import Connection
from integrator.inputs import MAX_ID_DIGITS, BadInput, json_body, outside_id

from . import queues
from .models import Transfer, WebhookEndpoint
from .orders.intake import announce

# What a connection registers in its shop: new orders, and status changes (an order may reach a
# trigger status later). Not order-updated: our own write-back would echo back as one.
SUBSCRIBED_EVENTS = ("order-created", "order-status-changed")
# Registered only where products go to Specter when they change (flows #1 and #3).
PRODUCT_EVENTS = ("product-created", "product-updated")
STARWEB_ORDER_WEBHOOK_EVENTS = {"order-created", "order-updated", "order-status-changed", "order-completed"}


def endpoint_or_404(endpoint_id, token) -> WebhookEndpoint:
    """The connection's endpoint if `token` is its secret; 404 for a wrong token or an unknown
    endpoint alike (compared even when unknown, so timing tells nothing about which was wrong)."""
    endpoint = WebhookEndpoint.objects.select_related("connection").filter(pk=endpoint_id).first()
    if not constant_time_compare(token, endpoint.token if endpoint else "-" * 43) or endpoint is None:
        raise Http404
    return endpoint


def gone(endpoint: WebhookEndpoint) -> bool:
    """A deactivated connection takes nothing in: its hooks answer 410 Gone (a sender that honours
    it stops trying) and nothing is stored, queued or fetched."""
    return endpoint.connection.status == Connection.Status.INACTIVE


GONE_MESSAGE = "This connection is deactivated."


def webhook_url(endpoint: WebhookEndpoint, base_url: str) -> str:
    """Where the shop posts this connection's events."""
    return base_url.rstrip("/") + reverse("syncflows:starweb_webhook", args=[endpoint.pk, endpoint.token])


@csrf_exempt
@require_POST
def starweb(request, endpoint_id, token):
    endpoint = endpoint_or_404(endpoint_id, token)
    if gone(endpoint):
        return _answer(410, GONE_MESSAGE)
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
        payload = json_body(body, max_bytes=limit)
    except BadInput as error:
        return _answer(413 if len(body) > limit else 400, str(error))
    if not isinstance(payload, dict):
        return _answer(400, "The body is not a JSON object.")
    try:
        product_id = product_id_of(payload)
    except BadInput as error:
        return _answer(400, str(error))
    if product_id is not None:
        queues.bulk("syncflows.tasks.export_product", str(endpoint.connection_id), product_id)
        return _answer(202, "Accepted.")
    try:
        order_id = order_id_of(payload)
    except BadInput as error:
        return _answer(400, str(error))
    if order_id is None:
        return _answer(202, "No order in this event; nothing to do.")
    announce(endpoint.connection_id, order_id, source=Transfer.Source.WEBHOOK, order_number=order_id)
    now = timezone.now()
    if endpoint.last_received_at is None or endpoint.last_received_at < now - timedelta(minutes=1):
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(last_received_at=now)
    return _answer(202, "Accepted.")


def order_id_of(payload: dict) -> str | None:
    """The order the event is about, read tolerantly (field case and nesting vary between
    Starweb's versions and SDKs); None for events about something else. Raises BadInput when the
    event names an order by something that is not an id (integrator.inputs.outside_id)."""
    lowered = _lowered(payload)
    event = str(lowered.get("eventid") or lowered.get("event") or "").lower()
    if event and event not in STARWEB_ORDER_WEBHOOK_EVENTS:
        return None
    nested = _lowered(lowered["data"]) if isinstance(lowered.get("data"), dict) else {}
    for given in (lowered.get("orderid"), nested.get("orderid")):
        if given is not None and given != "":
            return _id(given, "order")
    return None


def product_id_of(payload: dict) -> int | None:
    """The product a product-created/-updated event names, or None. Raises BadInput for an id
    that is not one."""
    lowered = _lowered(payload)
    if str(lowered.get("eventid") or "").lower() not in PRODUCT_EVENTS or lowered.get("productid") in (None, ""):
        return None
    return int(_id(lowered["productid"], "product"))


def _lowered(payload: dict) -> dict:
    return {str(k).lower(): v for k, v in payload.items()}


def _id(value, what: str) -> str:
    parsed = outside_id(value)
    if parsed is None:
        raise BadInput(f"The {what} id is not a whole number of at most {MAX_ID_DIGITS} digits.")
    return parsed


def _answer(status: int, message: str) -> JsonResponse:
    return JsonResponse({"detail": message}, status=status)
