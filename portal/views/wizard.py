"""Activation: one step per screen; each saves and moves on. The last step checks and activates."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _, ngettext
from django.views.decorators.http import require_POST
from syncflows.tasks import queue_long

from billing.audit_text import record_event
from billing.entitlements import entitlements_for
from connections.clients import starweb_for
from connections.errors import IntegrationError
from connections.models import Connection
from integrator.tenancy import for_merchant_or_404, owner_view
from syncflows.catalogue import assortment
from syncflows.models import AssortmentCheck

from .. import activation, preflight
from ..audit import record_secrets
from ..steps import STEPS, SLUGS, form_for, next_slug, step


@owner_view
@require_POST
def new_connection(request):
    allowed = entitlements_for(request.merchant).max_shops
    if request.merchant.connections.exclude(status=Connection.Status.INACTIVE).count() >= allowed:
        messages.error(request, ngettext(
            "Your package includes %(n)s webshop. Ask us to add one (multishop comes with package 400).",
            "Your package includes %(n)s webshops. Ask us to add one more.", allowed) % {"n": allowed})
        return redirect("billing:merchant_home", merchant_id=request.merchant.pk)
    connection = Connection.objects.create(merchant=request.merchant, name=request.POST.get("name", "").strip()[:200] or _("My webshop"))
    return redirect("portal:setup", merchant_id=request.merchant.pk, connection_id=connection.pk, slug=SLUGS[0])


@owner_view
def setup(request, connection_id, slug):
    connection = for_merchant_or_404(request.merchant, Connection, pk=connection_id)
    if slug not in SLUGS:
        raise Http404
    context = {"connection": connection, "steps": STEPS, "step": step(slug), "merchant": request.merchant}
    if slug == "check":
        return _check(request, connection, context)
    try:
        form = form_for(slug, connection, request.POST if request.method == "POST" else None)
    except IntegrationError:
        context["unreachable"] = True
        return render(request, "portal/setup.html", context)
    if request.method == "POST" and form.is_valid():
        form.save()
        record_secrets(request, connection, form)
        return redirect("portal:setup", merchant_id=request.merchant.pk, connection_id=connection.pk, slug=next_slug(slug))
    context["form"] = form
    return render(request, "portal/setup.html", context)


def _check(request, connection, context):
    if not (connection.specter_md5key and connection.starweb_client_secret):
        messages.error(request, _("Enter and verify both systems' credentials first."))
        return redirect("portal:setup", merchant_id=request.merchant.pk, connection_id=connection.pk, slug="specter")
    check = assortment.latest(connection)
    if assortment.needs_new(check) or request.GET.get("recheck"):
        check = AssortmentCheck.objects.create(connection=connection)
        queue_long("syncflows.tasks.check_assortment", str(check.pk))
    context["assortment"] = check
    try:
        client = starweb_for(connection)
        context["findings"] = preflight.check(connection, client, check)
        context["preview"] = preflight.preview(connection, client)
    except IntegrationError as error:
        context["unreachable"], context["error"] = True, str(error)
    return render(request, "portal/setup.html", context)


@owner_view
@require_POST
def activate(request, connection_id):
    connection = for_merchant_or_404(request.merchant, Connection, pk=connection_id)
    try:
        activation.activate(connection)
    except IntegrationError as error:
        messages.error(request, _("Activation failed: %(error)s. Nothing was changed; try again.") % {"error": error})
        return redirect("portal:setup", merchant_id=request.merchant.pk, connection_id=connection.pk, slug="check")
    record_event(connection, "activate", actor=request.user)
    messages.success(request, _("The connection is active. New orders go to Specter as they come."))
    return redirect("portal:dashboard", merchant_id=request.merchant.pk, connection_id=connection.pk)
