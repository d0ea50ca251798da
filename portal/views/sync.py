"""The initial product sync, either direction: a count first, then a live progress bar, then the
report (what was written, what was left out and why). The merchant's owner starts it, or
integration staff with the customer (their start is on the audit trail and their name on the
service account's work log)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from billing.models import Membership
from connections.errors import IntegrationError
from connections.models import Connection
from integrator.tenancy import for_merchant_or_404, merchant_view
from syncflows.initial_sync import registry, runner
from syncflows.models import InitialSync
from syncflows.tasks import queue_long


def may_start(request) -> bool:
    """An owner of the merchant, or integration staff opening the merchant's pages."""
    if request.staff_view:
        return True
    return request.membership is not None and request.membership.role == Membership.Role.OWNER


@merchant_view
def initial_sync(request, connection_id):
    connection = for_merchant_or_404(request.merchant, Connection, pk=connection_id)
    sync = connection.initial_syncs.order_by("-started_at").first()
    context = {"merchant": request.merchant, "connection": connection, "sync": sync, "may_start": may_start(request)}
    if request.headers.get("HX-Request"):
        return render(request, "portal/_sync_progress.html", context)
    if sync is None or sync.state != InitialSync.State.RUNNING:
        context["directions"] = [_counted(connection, direction) for direction in registry.offered(connection)]
    return render(request, "portal/initial_sync.html", context)


def _counted(connection, direction) -> dict:
    shown = {"code": direction.code, "title": direction.title}
    try:
        shown["count"] = runner.sync_count(connection, direction.code)
    except IntegrationError as error:
        shown["error"] = str(error)
    return shown


@merchant_view
@require_POST
def start_initial_sync(request, connection_id):
    if not may_start(request):
        raise Http404
    connection = for_merchant_or_404(request.merchant, Connection, pk=connection_id)
    try:
        sync = runner.start(connection, request.POST.get("direction", "to_specter"), by=request.user)
    except runner.CannotStart as refused:
        messages.error(request, str(refused))
    except IntegrationError as error:
        messages.error(request, _("The count could not be read: %(error)s") % {"error": error})
    else:  # the audit trail records who started it (syncflows/apps.py registers InitialSync)
        queue_long("syncflows.tasks.initial_sync", str(sync.pk))
    return redirect("portal:initial_sync", merchant_id=request.merchant.pk, connection_id=connection.pk)
