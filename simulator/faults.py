"""Fault injection around a simulated endpoint. Every simulated view answers through `simulate()`.

    response = simulate(request, system="specter", account=smb_id, operation="newOrderSubmit",
                        mutating=True, handler=lambda: do_the_work(...))

1. A matching FaultRule is taken (its `remaining` decremented atomically).
2. Faults that act before the work (latency, 5xx, 429, read timeout) are applied.
3. The handler runs in its own transaction and commits.
4. Faults that act after the commit (commit-then-timeout, reset, malformed body) are applied.
5. The call is logged in CallLog (also when a fault answered instead).
"""

import time
from collections.abc import Callable

from django.db import transaction
from django.db.models import F, Q
from django.http import HttpResponse, StreamingHttpResponse

from .models import CallLog, FaultRule

Kind = FaultRule.Kind
EXPIRED_TOKEN_MARKER = "expired_token"


def take_fault(system: str, account: str, operation: str) -> FaultRule | None:
    """Return the oldest rule matching the call and use one of its remaining hits, or None."""
    candidates = FaultRule.objects.filter(system=system).filter(
        Q(account="") | Q(account=account), Q(operation="") | Q(operation=operation)
    )
    for rule in candidates.filter(Q(remaining__isnull=True) | Q(remaining__gt=0)):
        if rule.remaining is None:
            return rule
        # Conditional decrement: under concurrency each hit is taken exactly once.
        if FaultRule.objects.filter(pk=rule.pk, remaining__gt=0).update(remaining=F("remaining") - 1):
            return rule
    return None


def _broken_response(response: HttpResponse) -> StreamingHttpResponse:
    """Promise the whole body, send half of it, then fail: the client sees the connection break."""
    body = response.content

    def chunks():
        yield body[: max(1, len(body) // 2)]
        raise ConnectionResetError("simulated connection reset")

    broken = StreamingHttpResponse(chunks(), status=response.status_code, content_type=response.get("Content-Type"))
    broken["Content-Length"] = str(len(body) + 100)
    return broken


def simulate(
    request,
    *,
    system: str,
    account: str,
    operation: str,
    mutating: bool,
    handler: Callable[[], HttpResponse],
    summary: dict | None = None,
) -> HttpResponse:
    rule = take_fault(system, account, operation)
    kind = rule.kind if rule else ""

    def log(status: int) -> None:
        CallLog.objects.create(
            system=system,
            account=account,
            operation=operation,
            mutating=mutating,
            status=status,
            fault=kind,
            summary=summary or {},
        )

    if kind in (Kind.LATENCY, Kind.READ_TIMEOUT):
        time.sleep(rule.delay_ms / 1000)
    if kind == Kind.SERVER_ERROR:
        log(rule.status)
        return HttpResponse(
            f"<html><body>{rule.status} simulated</body></html>", status=rule.status, content_type="text/html"
        )
    if kind == Kind.RATE_LIMIT:
        log(429)
        response = HttpResponse(
            "<html><body><h1>429 Too Many Requests</h1></body></html>", status=429, content_type="text/html"
        )
        response["Retry-After"] = str(rule.retry_after)
        return response
    if kind == Kind.EXPIRED_TOKEN:
        log(401)
        return HttpResponse(
            '{"error":"invalid_token","error_description":"The access token provided has expired"}',
            status=401,
            content_type="application/json",
        )

    with transaction.atomic():
        response = handler()
    log(response.status_code)

    if kind == Kind.COMMIT_THEN_TIMEOUT:
        time.sleep(rule.delay_ms / 1000)
    elif kind == Kind.CONNECTION_RESET:
        return _broken_response(response)
    elif kind == Kind.MALFORMED_BODY:
        return HttpResponse(b"\x00<<garbled{", status=200, content_type=response.get("Content-Type", "text/plain"))
    return response
