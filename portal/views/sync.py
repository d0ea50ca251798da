"""The initial product sync, from the merchant's side: a count first, then a live progress bar,
then the report (what was sent, what was left out and why)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_q.tasks import async_task

from connections.errors import IntegrationError
from connections.models import Connection
from integrator.tenancy import for_merchant_or_404, merchant_view, owner_view
from syncflows.catalogue import export
from syncflows.models import InitialSync


@merchant_view
def initial_sync(request, connection_id):
    connection = for_merchant_or_404(request.merchant, Connection, pk=connection_id)
    sync = connection.initial_syncs.order_by("-started_at").first()
    context = {"merchant": request.merchant, "connection": connection, "sync": sync}
    if request.headers.get("HX-Request"):
        return render(request, "portal/_sync_progress.html", context)
    if sync is None or sync.state != InitialSync.State.RUNNING:
        try:
            context["count"] = export.preview(connection)
        except IntegrationError as error:
            context["count_error"] = str(error)
    return render(request, "portal/initial_sync.html", context)


@owner_view
@require_POST
def start_initial_sync(request, connection_id):
    connection = for_merchant_or_404(request.merchant, Connection, pk=connection_id)
    try:
        sync = export.start(connection)
    except export.CannotStart as refused:
        messages.error(request, str(refused))
    except IntegrationError as error:
        messages.error(request, _("The shop could not be read: %(error)s") % {"error": error})
    else:
        async_task("syncflows.tasks.initial_sync", str(sync.pk))
    return redirect("portal:initial_sync", merchant_id=request.merchant.pk, connection_id=connection.pk)
