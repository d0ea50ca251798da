"""Activation: one step per screen; each saves and moves on. The last step checks and activates."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from billing.audit_text import record_event
from connections.clients import starweb_for
from connections.errors import IntegrationError
from connections.flows import may_add_shop
from connections.models import Connection
from connections.settings import SERVICE_ARTICLES
from integrator.inputs import one_line
from integrator.tenancy import for_merchant_or_404, owner_view
from syncflows.models import AssortmentCheck
from syncflows.tasks import queue_long
from syncflows.to_specter import assortment, service_articles

from .. import activation, preflight
from ..audit import record_override, record_secrets, record_stopped_choice
from ..steps import SLUGS, STEPS, form_for, next_slug, step


@owner_view
@require_POST
def new_connection(request):
    answer = may_add_shop(request.merchant)
    if not answer:
        messages.error(request, answer.reason)
        return redirect("billing:merchant_home", merchant_id=request.merchant.pk)
    connection = Connection.objects.create(
        merchant=request.merchant, name=one_line(request.POST.get("name", ""))[:200] or _("My webshop")
    )
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
        return redirect(
            "portal:setup", merchant_id=request.merchant.pk, connection_id=connection.pk, slug=next_slug(slug)
        )
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
    context["stopped_count"] = activation.stopped_count(connection)
    try:
        client = starweb_for(connection)
        context["findings"] = preflight.check(connection, client, check)
        context["running"] = any(f.running for f in context["findings"])
        context["dry_run"] = preflight.dry_run(connection, client)
    except IntegrationError as error:
        context["unreachable"], context["error"] = True, str(error)
    return render(request, "portal/setup.html", context)


@owner_view
@require_POST
def activate(request, connection_id):
    """Activate refuses while a red finding stands, unless the owner ticked "activate anyway" for
    each one by name; such an activation is on the audit trail with what was overridden."""
    connection = for_merchant_or_404(request.merchant, Connection, pk=connection_id)
    back = redirect("portal:setup", merchant_id=request.merchant.pk, connection_id=connection.pk, slug="check")
    try:
        blocking = preflight.red(
            preflight.check(connection, starweb_for(connection), assortment.latest(connection), live=True)
        )
    except IntegrationError as error:
        messages.error(request, _("Activation failed: %(error)s. Nothing was changed; try again.") % {"error": error})
        return back
    anyway = set(request.POST.getlist("anyway"))
    unconfirmed = [f for f in blocking if f.code not in anyway]
    if unconfirmed:
        messages.error(
            request,
            _(
                "Not activated: these checks failed, so orders would not go to Specter: %(names)s. Fix it, or tick "
                "“activate anyway” next to it."
            )
            % {"names": "; ".join(f.title for f in unconfirmed)},
        )
        return back
    previous = connection.status
    waiting = activation.stopped_count(connection)
    send = request.POST.get("stopped") == "send"
    try:
        sent = activation.activate(connection, send_stopped=send)
    except IntegrationError as error:
        messages.error(request, _("Activation failed: %(error)s. Nothing was changed; try again.") % {"error": error})
        return back
    if waiting:
        record_stopped_choice(request, connection, waiting, sent if send else None)
        if send:
            messages.info(
                request,
                ngettext(
                    "%(n)s order stopped at the deactivation is on its way.",
                    "%(n)s orders stopped at the deactivation are on their way.",
                    sent,
                )
                % {"n": sent},
            )
        else:
            messages.info(
                request,
                ngettext(
                    "%(n)s order stopped at the deactivation stays stopped; Export sends it.",
                    "%(n)s orders stopped at the deactivation stay stopped; Export sends each.",
                    waiting,
                )
                % {"n": waiting},
            )
    if not blocking:
        record_event(connection, "activate", actor=request.user)
    if blocking:
        record_override(request, connection, previous, [f.title for f in blocking])
        messages.warning(
            request,
            _("The connection is active, but these checks failed, so orders will not reach Specter: %(names)s.")
            % {"names": "; ".join(f.title for f in blocking)},
        )
    else:
        messages.success(request, _("The connection is active. New orders go to Specter as they come."))
    return redirect("portal:dashboard", merchant_id=request.merchant.pk, connection_id=connection.pk)


@owner_view
@require_POST
def create_articles(request, connection_id):
    """Create the service articles Specter lacks (flows #1 and #3 only: we write Specter's articles there)."""
    connection = for_merchant_or_404(request.merchant, Connection, pk=connection_id)
    if not service_articles.may_create(connection):
        raise Http404
    wanted = [
        (getattr(connection, a.field), a.name.capitalize()) for a in SERVICE_ARTICLES if getattr(connection, a.field)
    ]
    missing = set(service_articles.check(connection, [n for n, _name in wanted]).missing)
    try:
        service_articles.create(connection, [(n, name) for n, name in wanted if n in missing])
    except IntegrationError as error:
        messages.error(request, _("Specter did not create them: %(error)s") % {"error": error})
    else:
        messages.success(request, _("Created in Specter: %(numbers)s.") % {"numbers": ", ".join(sorted(missing))})
    return redirect("portal:setup", merchant_id=request.merchant.pk, connection_id=connection.pk, slug="check")
