"""The operator's page: integration staff see, across every merchant, what needs a person and
whether the machinery runs, and act on whole groups at once. Every action is in the merchant's
audit trail."""

from datetime import timedelta

from auditlog.models import LogEntry
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import Count, Max, Min, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_q.models import OrmQ

from billing.models import Merchant
from billing.roles import ONBOARD_PERMISSION
from connections.models import Connection

from . import ledger
from .models import Circuit, SyncRun, Transfer, WorkerHeartbeat
from .orders import intake

GROUPS_SHOWN = 100  # per page; further groups are on the next pages
SEARCH_LIMIT = 50  # search results per page


def staff_only(view):
    return login_required(permission_required(ONBOARD_PERMISSION, raise_exception=True)(view))


def attention_groups(page=None):
    """Orders needing attention, one row per (reason, connection): count, first and last seen; one
    page of GROUPS_SHOWN, the biggest groups first."""
    rows = (
        Transfer.objects.filter(state=Transfer.State.NEEDS_ATTENTION)
        .values("reason_code", "connection_id", "connection__name", "connection__merchant__name")
        .annotate(count=Count("id"), first_seen=Min("updated_at"), last_seen=Max("updated_at"), sample=Max("id"))
        .order_by("-count", "-last_seen", "connection_id", "reason_code")
    )
    shown = Paginator(rows, GROUPS_SHOWN).get_page(page)
    groups = list(shown.object_list)
    samples = Transfer.objects.in_bulk([g["sample"] for g in groups])
    for group in groups:
        group["reason"] = samples[group["sample"]].reason_text
    return groups, shown


def queues(now):
    waiting = (
        OrmQ.objects.filter(lock__lte=now).values("key").annotate(count=Count("id"), oldest=Min("lock")).order_by("key")
    )
    return [
        {"key": row["key"], "count": row["count"], "age": int((now - row["oldest"]).total_seconds())} for row in waiting
    ]


def failing_pulls(now):
    """Catalogue runs (pulls, exports, reconciliations) that failed in the last day, by connection and kind."""
    day = now - timedelta(days=1)
    return list(
        SyncRun.objects.filter(started_at__gte=day)
        .values("connection_id", "connection__name", "connection__merchant__name", "kind")
        .annotate(
            failed=Count("id", filter=Q(ok=False)),
            last_failed=Max("started_at", filter=Q(ok=False)),
            last_ok=Max("started_at", filter=Q(ok=True)),
        )
        .filter(failed__gt=0)
        .order_by("-failed")[:GROUPS_SHOWN]
    )


@staff_only
def operations(request):
    now = timezone.now()
    q = request.GET.get("q", "").strip()[:32]
    found, found_page = [], None
    if q:
        found_page = Paginator(
            Transfer.objects.filter(Q(order_number=q) | Q(starweb_order_id=q) | Q(specter_order_no=q))
            .select_related("connection__merchant")
            .order_by("-created_at", "-id"),
            SEARCH_LIMIT,
        ).get_page(request.GET.get("found"))
        found = list(found_page.object_list)
    groups, groups_page = attention_groups(request.GET.get("page"))
    context = {
        "q": q,
        "found": found,
        "found_page": found_page,
        "groups": groups,
        "groups_page": groups_page,
        "queues": queues(now),
        "pulls": failing_pulls(now),
        "credentials": Connection.objects.filter(credentials_failed_at__isnull=False)
        .select_related("merchant")
        .order_by("credentials_failed_at"),
        "heartbeats": [
            (beat.host, int((now - beat.beat_at).total_seconds()))
            for beat in WorkerHeartbeat.objects.order_by("-beat_at")
        ],
        "circuits": Circuit.objects.filter(opened_at__isnull=False).order_by("opened_at"),
    }
    return render(request, "syncflows/operator.html", context)


@staff_only
@require_POST
def group_action(request, connection_id, action):
    """Retry or ignore every order of one (reason, connection) group."""
    connection = get_object_or_404(Connection.objects.select_related("merchant"), pk=connection_id)
    reason_code = request.POST.get("reason_code", "")[:40]
    ids = list(
        Transfer.objects.filter(
            connection=connection, state=Transfer.State.NEEDS_ATTENTION, reason_code=reason_code
        ).values_list("id", flat=True)
    )
    if action == "retry":
        done = [transfer_id for transfer_id in ids if ledger.retry_now(transfer_id)]
        for transfer_id in done:
            intake.enqueue(transfer_id)
        message = _("%(count)s orders of %(connection)s sent again.")
    elif action == "ignore":
        done = ids
        Transfer.objects.filter(pk__in=ids, state=Transfer.State.NEEDS_ATTENTION).update(
            state=Transfer.State.SKIPPED,
            reason_code="ignored",
            reason=_("Ignored by integration staff."),
            reason_params=[],
            next_attempt_at=None,
            updated_at=timezone.now(),
        )
        message = _("%(count)s orders of %(connection)s ignored.")
    else:
        return redirect("syncflows:operations")
    _audit(request.user, connection, action, reason_code, len(done))
    messages.success(request, message % {"count": len(done), "connection": connection.name})
    return redirect("syncflows:operations")


def _audit(user, connection: Connection, action: str, reason_code: str, count: int) -> None:
    """In the merchant's trail (billing/audit.py finds entries by their merchant), worded there in
    the reader's language from the event and its parameters (billing/audit_text.py)."""
    merchant = Merchant.objects.get(pk=connection.merchant_id)
    what = (
        _("Sent %(count)s orders again (%(reason)s) on %(connection)s")
        if action == "retry"
        else _("Ignored %(count)s orders (%(reason)s) on %(connection)s")
    )
    LogEntry.objects.log_create(
        merchant,
        action=LogEntry.Action.UPDATE,
        actor=user,
        force_log=True,
        changes={
            "operator": ["", what % {"count": count, "reason": reason_code or "-", "connection": connection.name}]
        },
        additional_data={
            "merchant": str(merchant.pk),
            "connection": str(connection.pk),
            "action": action,
            "count": count,
            "reason_code": reason_code,
            "event": f"operations_{action}",
            "params": {"count": count, "reason": reason_code or "-", "connection": connection.name},
        },
    )
