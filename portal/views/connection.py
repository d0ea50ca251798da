"""A connection's dashboard, its settings (every section of the wizard, editable), its audit trail,
and pause / resume / deactivate."""

import calendar

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from billing.audit import trail
from billing.audit_text import record_event
from billing.entitlements import entitlements_for
from billing.invoice import chart_data, history
from billing.models import Membership, MonthlyUsage
from billing.periods import month_of
from connections.errors import IntegrationError
from connections.flows import Capability, may
from connections.models import Connection
from integrator.tenancy import for_merchant_or_404, merchant_view, owner_view
from syncflows import reachability, timeline
from syncflows.from_specter import drift
from syncflows.models import Transfer, TransferAttempt
from syncflows.timeline import describe

from .. import activation, preflight
from ..audit import record_secrets
from ..links import fix_for
from ..steps import SECTIONS, STEPS, Sources, form_for


@merchant_view
def dashboard(request, connection_id):
    connection = for_merchant_or_404(request.merchant, Connection, pk=connection_id)
    merchant, today = request.merchant, timezone.localdate()
    month = month_of(today)
    orders = MonthlyUsage.objects.filter(merchant=merchant, month=month).values_list("orders", flat=True).first() or 0
    days = calendar.monthrange(today.year, today.month)[1]
    quota = entitlements_for(merchant).order_quota
    transfers = Transfer.objects.filter(connection=connection)
    last_done = (
        transfers.filter(state=Transfer.State.DONE).order_by("-done_at").values_list("done_at", flat=True).first()
    )
    # The last error of an order still stuck: one that went through since is no longer an error.
    last_error = (
        TransferAttempt.objects.filter(transfer__connection=connection)
        .exclude(outcome=TransferAttempt.Outcome.OK)
        .exclude(transfer__state__in=[Transfer.State.DONE, Transfer.State.IGNORED])
        .order_by("-started_at")
        .first()
    )
    months = history(merchant, month)
    reach = reachability.shown(connection)  # the last answer: a bulk worker asks, never this page
    unreachable = reach.problems
    return render(
        request,
        "portal/dashboard.html",
        {
            "merchant": merchant,
            "connection": connection,
            "last_done": last_done,
            "last_error": last_error,
            "month_orders": orders,
            "quota": quota,
            "forecast": round(orders * days / today.day),
            "used_pct": round(orders * 100 / quota) if quota else None,
            "attention": [
                (t, fix_for(merchant, connection, t))
                for t in transfers.filter(state=Transfer.State.NEEDS_ATTENTION).order_by("-updated_at")[:10]
            ],
            "attention_count": transfers.filter(state=Transfer.State.NEEDS_ATTENTION).count(),
            "chart": chart_data(months),
            "not_exporting": preflight.not_exporting(connection),
            "unreachable": unreachable,
            "credentials_refused": any(p.credentials for p in unreachable),
            "reach": reach,
            "drift": drift.latest_report(connection) if may(connection, Capability.STOCK) else None,
            "stopped_count": activation.stopped_count(connection)
            if connection.status == Connection.Status.INACTIVE
            else 0,
        },
    )


@merchant_view
def settings_page(request, connection_id, slug=None):
    """Every section on one page; each section's form posts on its own (`slug`). Owners change
    them, and so do integration staff configuring with the customer (the audited merchant view);
    members see them, every field disabled."""
    connection = for_merchant_or_404(request.merchant, Connection, pk=connection_id)
    if slug is not None and slug not in SECTIONS:
        raise Http404
    editable = request.staff_view or (
        request.membership is not None and request.membership.role == Membership.Role.OWNER
    )
    if request.method == "POST" and not editable:
        raise Http404
    sections, unreachable, sources = [], False, Sources(connection)
    for section in STEPS:
        if section.slug not in SECTIONS:
            continue
        bound = request.POST if request.method == "POST" and section.slug == slug else None
        try:
            form = form_for(section.slug, connection, bound, sources)
        except IntegrationError:
            unreachable, form = True, None
        if form is not None and not editable:
            for field in form.fields.values():
                field.disabled = True
        if bound is not None and form is not None and form.is_valid():
            form.save()
            record_secrets(request, connection, form)
            messages.success(request, _("Saved: %(section)s.") % {"section": section.title})
            return redirect(
                reverse("portal:settings", kwargs={"merchant_id": request.merchant.pk, "connection_id": connection.pk})
                + f"#{section.slug}"
            )
        sections.append({"step": section, "form": form})
    return render(
        request,
        "portal/settings.html",
        {
            "merchant": request.merchant,
            "connection": connection,
            "sections": sections,
            "unreachable": unreachable,
            "editable": editable,
            "trail": [e for e in trail(request.merchant.pk, limit=200) if e.object_pk == str(connection.pk)][:50],
        },
    )


@owner_view
@require_POST
def lifecycle(request, connection_id, action):
    connection = for_merchant_or_404(request.merchant, Connection, pk=connection_id)
    try:
        if action == "pause":
            activation.pause(connection)
            record_event(connection, "pause", actor=request.user)
            messages.info(request, _("Paused. Orders are kept and go when you resume."))
        elif action == "resume":
            activation.resume(connection)
            record_event(connection, "resume", actor=request.user)
            messages.success(request, _("Resumed. Orders that waited are on their way."))
        elif action == "deactivate":
            halted = activation.deactivate(connection)
            record_event(connection, "deactivate", actor=request.user)
            messages.info(request, _("Deactivated. The shop no longer sends us orders; orders already here are kept."))
            if halted:
                messages.info(
                    request,
                    ngettext(
                        "%(n)s waiting order was stopped and stays listed; activating again offers to send it.",
                        "%(n)s waiting orders were stopped and stay listed; activating again offers to send them.",
                        halted,
                    )
                    % {"n": halted},
                )
        else:
            raise Http404
    except IntegrationError as error:
        messages.error(
            request,
            _("Starweb could not be reached: %(error)s. Nothing was changed.")
            % {"error": timeline.render(*describe(error))},
        )
    return redirect("portal:dashboard", merchant_id=request.merchant.pk, connection_id=connection.pk)
