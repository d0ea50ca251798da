"""Simulated Starweb Shop API v2 under /sim/starweb/<shop>/api/v2/ (specs/starweb-api.md): the
OAuth2 token, the shop, order statuses, shipping and payment methods, orders (list, get, patch)
and web hooks; JSON shapes of specs/starweb-openapi-2.12.json; 1000 requests a minute per client."""

import json
import secrets
from datetime import datetime, timedelta

from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from simulator.faults import simulate
from simulator.models import CallLog

from . import webhooks
from .models import Method, Order, Shop, Token, WebHook

RATE_LIMIT_PER_MINUTE = 1000
TOKEN_SECONDS = 3600
PER_PAGE = 50


def error(status: int, code: str, description: str) -> JsonResponse:
    return JsonResponse({"error": code, "error_description": description}, status=status)


def _authorised(request, shop: Shop) -> HttpResponse | None:
    header = request.headers.get("Authorization", "")
    token = (
        Token.objects.filter(shop=shop, token=header.removeprefix("Bearer ").strip()).first()
        if header.startswith("Bearer ")
        else None
    )
    if token is None or token.expires_at <= timezone.now():
        return error(401, "invalid_token", "The access token provided is invalid or has expired")
    calls = CallLog.objects.filter(
        system="starweb", account=shop.slug, at__gte=timezone.now() - timedelta(minutes=1)
    ).count()
    if calls >= RATE_LIMIT_PER_MINUTE:
        response = HttpResponse(
            "<html><body><h1>Too Many Requests</h1></body></html>", status=429, content_type="text/html"
        )
        response["Retry-After"] = "60"
        return response
    return None


def api_view(operation: str, *, mutating: bool = False, authorised: bool = True):
    """Wrap a handler(request, shop, **kwargs): shop lookup, auth and rate limit, faults, call log."""

    def decorate(handler):
        @csrf_exempt
        def view(request, shop, **kwargs):
            def run():
                found = Shop.objects.filter(slug=shop).first()
                if found is None:
                    return error(404, "not_found", "No such shop")
                refused = _authorised(request, found) if authorised else None
                return refused or handler(request, found, **kwargs)

            summary = {k: str(v) for k, v in kwargs.items()}
            if mutating and request.content_type == "application/json":
                # Kept so tests can check every body a client sent against Starweb's request schemas.
                try:
                    summary["body"] = json.loads(request.body or b"null")
                except ValueError:
                    summary["body"] = None
            return simulate(
                request,
                system="starweb",
                account=shop,
                operation=operation,
                mutating=mutating,
                handler=run,
                summary=summary,
            )

        return view

    return decorate


@api_view("POST /token", mutating=True, authorised=False)
def token(request, shop):
    form = request.POST
    if form.get("grant_type") != "client_credentials":
        return error(400, "unsupported_grant_type", "Only client_credentials is allowed")
    if not (
        secrets.compare_digest(form.get("client_id", ""), shop.client_id)
        and secrets.compare_digest(form.get("client_secret", ""), shop.client_secret)
    ):
        return error(400, "invalid_client", "The client credentials are invalid")
    issued = Token.objects.create(
        shop=shop, token=secrets.token_hex(20), expires_at=timezone.now() + timedelta(seconds=TOKEN_SECONDS)
    )
    return JsonResponse({"access_token": issued.token, "expires_in": TOKEN_SECONDS, "scope": "admin"})


@api_view("GET /shop")
def shop_info(request, shop):
    return JsonResponse(
        {
            "data": {
                "name": shop.name,
                "idCode": shop.slug,
                "status": "open",
                "defaultLangCode": "sv",
                "activeLangCodes": ["sv"],
                "baseCurrency": shop.base_currency,
                "defaultCustomerCountryCode": "SE",
                "generalDefaultVatRate": 25,
                "shopCountryCode": "SE",
            }
        }
    )


@api_view("GET /order-statuses")
def order_statuses(request, shop):
    rows = [
        {
            "statusId": s.status_id,
            "shouldSendEmail": s.should_send_email,
            **({"idCode": s.id_code} if s.id_code else {}),
            "languages": {"data": [{"langCode": "sv", "name": s.name}]},
        }
        for s in shop.statuses.all()
    ]
    return _collection(rows, 1)


def _methods(shop, kind, id_key):
    rows = []
    for m in shop.methods.filter(kind=kind):
        row = {id_key: m.method_id, "active": True, "languages": {"data": [{"langCode": "sv", "name": m.name}]}}
        if kind == Method.PAYMENT:
            row.update(idCode=m.id_code or "custom", fee=float(m.fee))
        rows.append(row)
    return _collection(rows, 1)


@api_view("GET /shipping-methods")
def shipping_methods(request, shop):
    return _methods(shop, Method.SHIPPING, "shippingMethodId")


@api_view("GET /payment-methods")
def payment_methods(request, shop):
    return _methods(shop, Method.PAYMENT, "paymentMethodId")


def _collection(rows: list, page: int, total: int | None = None) -> JsonResponse:
    total = len(rows) if total is None else total
    return JsonResponse(
        {
            "data": rows,
            "meta": {
                "pagination": {
                    "current_page": page,
                    "per_page": PER_PAGE,
                    "total": total,
                    "count": len(rows),
                    "total_pages": max(1, -(-total // PER_PAGE)),
                }
            },
        }
    )


def _present(order: Order, include: set[str]) -> dict:
    data = dict(order.data)
    data["modifiedAt"] = timezone.localtime(order.modified_at).isoformat(timespec="seconds")
    data.setdefault("createdAt", timezone.localtime(order.created_at).isoformat(timespec="seconds"))
    for relation in ("items", "addresses", "customer"):
        if relation not in include:
            data.pop(relation, None)
    return data


def _include(request) -> set[str]:
    return {part.strip() for part in request.GET.get("include", "").split(",") if part.strip()}


@api_view("GET /orders")
def orders(request, shop):
    rows = shop.orders.all()
    after = request.GET.get("ordersCreatedAfter")
    if after:
        try:
            rows = rows.filter(created_at__gt=datetime.fromisoformat(after.replace("Z", "+00:00")))
        except ValueError:
            return error(400, "invalid_request", "ordersCreatedAfter is not a date-time")
    statuses = [s for s in request.GET.get("statusFilter", "").split(",") if s.strip().isdigit()]
    if statuses:
        rows = rows.filter(data__statusId__in=[int(s) for s in statuses])
    if request.GET.get("sortBy") == "modifiedAt":
        rows = rows.order_by("-modified_at" if request.GET.get("sortOrder") == "desc" else "modified_at", "order_id")
    page = max(1, int(request.GET.get("page", "1") or 1)) if request.GET.get("page", "1").isdigit() else 1
    total = rows.count()
    include = _include(request)
    return _collection([_present(o, include) for o in rows[(page - 1) * PER_PAGE : page * PER_PAGE]], page, total)


@csrf_exempt
def order(request, shop, order_id):
    """GET or PATCH one order (two operations for the fault rules and the call log)."""
    return (order_patch if request.method == "PATCH" else order_get)(request, shop, order_id=order_id)


@api_view("GET /orders/{id}")
def order_get(request, shop, order_id):
    found = shop.orders.filter(order_id=order_id).first()
    return (
        JsonResponse({"data": _present(found, _include(request))})
        if found
        else error(404, "not_found", "No such order")
    )


PATCHABLE = {"externalId", "externalIdType", "statusId", "shippingTrackingNo", "shippingTrackerType", "internalComment"}


@api_view("PATCH /orders/{id}", mutating=True)
def order_patch(request, shop, order_id):
    found = shop.orders.select_for_update().filter(order_id=order_id).first()
    if found is None:
        return error(404, "not_found", "No such order")
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return error(400, "invalid_request", "The body is not JSON")
    unknown = set(body) - PATCHABLE - {"onOrderStatusChangeSendEmail", "onOrderStatusChangeProcessPayment"}
    if unknown:
        return error(400, "invalid_request", f"Not writable here: {sorted(unknown)}")
    status_changed = "statusId" in body and body["statusId"] != found.data.get("statusId")
    if status_changed and not shop.statuses.filter(status_id=body["statusId"]).exists():
        return error(400, "invalid_request", "Unknown statusId")
    found.data.update({k: v for k, v in body.items() if k in PATCHABLE})
    if status_changed:
        # What the flags did is recorded so tests can see they were set deliberately.
        found.data["_lastStatusChange"] = {
            "sendEmail": body.get("onOrderStatusChangeSendEmail", True),
            "processPayment": body.get("onOrderStatusChangeProcessPayment", True),
        }
    found.save()
    if status_changed:
        webhooks.order_event(shop, found, "order-status-changed")
    return JsonResponse({"data": _present(found, {"items", "addresses", "customer"})})


@csrf_exempt
def web_hooks(request, shop):
    return (web_hook_create if request.method == "POST" else web_hook_list)(request, shop)


@api_view("GET /web-hooks")
def web_hook_list(request, shop):
    return _collection([_hook(h) for h in shop.webhooks.order_by("id")], 1)


@api_view("POST /web-hooks", mutating=True)
def web_hook_create(request, shop):
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return error(400, "invalid_request", "The body is not JSON")
    if body.get("event") not in webhooks.EVENTS or not str(body.get("url", "")).startswith(("http://", "https://")):
        return error(400, "invalid_request", "event and url are required")
    hook = WebHook.objects.create(
        shop=shop,
        name=str(body.get("name", ""))[:255],
        event=body["event"],
        url=body["url"][:255],
        status_id=body.get("statusId"),
    )
    return JsonResponse({"data": _hook(hook)}, status=201)


@api_view("DELETE /web-hooks/{id}", mutating=True)
def web_hook_delete(request, shop, hook_id):
    deleted, _ = shop.webhooks.filter(pk=hook_id).delete()
    return HttpResponse(status=204) if deleted else error(404, "not_found", "No such web hook")


def _hook(hook: WebHook) -> dict:
    row = {"webHookId": hook.pk, "name": hook.name, "event": hook.event, "url": hook.url}
    if hook.status_id is not None:
        row["statusId"] = hook.status_id
    return row
