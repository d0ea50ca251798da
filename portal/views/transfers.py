"""The orders of a connection: a filtered list, one order's timeline, retry one or many, export one."""

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from billing.audit_text import record_event
from connections.clients import starweb_for
from connections.errors import IntegrationError
from connections.models import Connection
from connections.starweb.client import NotFound
from integrator.inputs import MAX_ID_DIGITS, outside_id
from integrator.tenancy import for_merchant_or_404, merchant_view
from syncflows import ledger
from syncflows.models import Transfer
from syncflows.orders import intake

from .. import links
from ..forms import TransferFilterForm

PAGE = 50


@merchant_view
def transfer_list(request, connection_id):
    connection = for_merchant_or_404(request.merchant, Connection, pk=connection_id)
    form = TransferFilterForm(request.GET or None)
    rows = Transfer.objects.filter(connection=connection).order_by("-created_at", "-id")
    if form.is_valid():
        data = form.cleaned_data
        if data["state"]:
            rows = rows.filter(state=data["state"])
        if data["order"]:
            rows = rows.filter(order_number__icontains=data["order"]) | rows.filter(starweb_order_id=data["order"])
        if data["since"]:
            rows = rows.filter(created_at__date__gte=data["since"])
        if data["until"]:
            rows = rows.filter(created_at__date__lte=data["until"])
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/transfers.html",
        {
            "merchant": request.merchant,
            "connection": connection,
            "form": form,
            "page": page,
            "query": request.GET.copy().urlencode() if "page" not in request.GET else _without_page(request.GET),
            "manual": connection.export_order == Connection.OrderExport.MANUAL,
        },
    )


def _without_page(query):
    copy = query.copy()
    copy.pop("page", None)
    return copy.urlencode()


@merchant_view
def transfer_detail(request, connection_id, transfer_id):
    connection = for_merchant_or_404(request.merchant, Connection, pk=connection_id)
    transfer = for_merchant_or_404(
        request.merchant,
        Transfer.objects.filter(connection=connection),
        via="connection__merchant",
        public_id=transfer_id,
    )
    return render(
        request,
        "portal/transfer.html",
        {
            "merchant": request.merchant,
            "connection": connection,
            "transfer": transfer,
            "timeline": transfer.timeline.all(),
            "sent": transfer.sent_snapshot or None,
            "starweb_url": links.starweb_order(connection, transfer.starweb_order_id),
            "fix": links.fix_for(request.merchant, connection, transfer),
            "ignorable": transfer.state in IGNORABLE,
        },
    )


# What may be ignored: anything that has not gone to Specter and is not being worked on now.
IGNORABLE = (
    Transfer.State.NEEDS_ATTENTION,
    Transfer.State.SKIPPED,
    Transfer.State.HELD,
    Transfer.State.RETRY_WAIT,
    Transfer.State.PENDING,
)


@merchant_view
@require_POST
def ignore(request, connection_id, transfer_id):
    """ "Ignore this order": it is never sent or counted, and is listed as ignored with the reason."""
    connection = for_merchant_or_404(request.merchant, Connection, pk=connection_id)
    transfer = for_merchant_or_404(
        request.merchant,
        Transfer.objects.filter(connection=connection),
        via="connection__merchant",
        public_id=transfer_id,
    )
    reason = request.POST.get("reason", "").strip()[:300]
    back = redirect(
        "portal:transfer", merchant_id=request.merchant.pk, connection_id=connection.pk, transfer_id=transfer.public_id
    )
    if not reason:
        messages.error(request, _("Say why the order is ignored, so your colleagues know."))
        return back
    if not ledger.ignore(transfer.pk, reason, IGNORABLE):
        messages.error(request, _("The order is on its way or already in Specter, so it cannot be ignored."))
        return back
    record_event(
        connection,
        "ignore",
        actor=request.user,
        order=transfer.order_number or transfer.starweb_order_id,
        reason=reason,
    )
    messages.info(
        request,
        _("Order %(order)s is ignored: it is not sent to Specter and not counted.")
        % {"order": transfer.order_number or transfer.starweb_order_id},
    )
    return back


@merchant_view
@require_POST
def retry(request, connection_id):
    """Retry one or many (ticked) orders: each re-enters at reconcile, never at create."""
    connection = for_merchant_or_404(request.merchant, Connection, pk=connection_id)
    chosen = Transfer.objects.filter(
        connection=connection, public_id__in=_uuids(request.POST.getlist("transfer")[:500])
    )
    retried = 0
    numbers = []
    if connection.status == Connection.Status.INACTIVE:
        messages.error(request, _("The connection is deactivated: activate it again to send orders."))
    else:
        for transfer in chosen:
            if ledger.retry_now(transfer.pk):
                intake.enqueue(transfer.pk)
                retried += 1
                numbers.append(transfer.order_number or transfer.starweb_order_id)
        if numbers:
            record_event(
                connection,
                "retry",
                actor=request.user,
                orders=", ".join(numbers[:20]) + (" …" if len(numbers) > 20 else ""),
            )
        messages.success(
            request,
            ngettext("%(n)s order is on its way again.", "%(n)s orders are on their way again.", retried)
            % {"n": retried},
        )
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}) and back.startswith("/"):
        return redirect(back)
    return redirect("portal:transfers", merchant_id=request.merchant.pk, connection_id=connection.pk)


def _uuids(values) -> list:
    """The ticked orders' ids that are ids (a forged value is ignored, never a 500)."""
    valid = []
    for value in values:
        try:
            valid.append(uuid.UUID(value))
        except ValueError:
            continue
    return valid


@merchant_view
@require_POST
def export(request, connection_id):
    """The Export button: send one order by its Starweb order number."""
    connection = for_merchant_or_404(request.merchant, Connection, pk=connection_id)
    number = outside_id(request.POST.get("order", ""))
    if connection.status == Connection.Status.INACTIVE:
        messages.error(request, _("The connection is deactivated: activate it again to send orders."))
    elif number is None:
        messages.error(
            request,
            _("Enter the order number as the shop shows it (digits only, at most %(n)s).") % {"n": MAX_ID_DIGITS},
        )
    elif not _in_shop(request, connection, number):
        pass  # said why; nothing stored
    else:
        transfer = intake.export_manually(connection, number)
        record_event(connection, "export", actor=request.user, order=number)
        messages.success(
            request,
            _("Order %(order)s is on its way to Specter.") % {"order": number}
            if transfer.state != Transfer.State.DONE
            else _("Order %(order)s is already in Specter.") % {"order": number},
        )
    return redirect("portal:transfers", merchant_id=request.merchant.pk, connection_id=connection.pk)


def _in_shop(request, connection, number) -> bool:
    """Whether the shop has this order; says why not. Asked before anything is stored, so a
    mistyped number leaves no row behind to sit in the attention list."""
    try:
        starweb_for(connection).order(number)
    except NotFound:
        messages.error(
            request, _("The shop has no order %(order)s. Check the number in Starweb's admin.") % {"order": number}
        )
        return False
    except IntegrationError:
        messages.error(
            request,
            _("Starweb could not be reached just now, so order %(order)s was not exported. Try again in a moment.")
            % {"order": number},
        )
        return False
    return True
