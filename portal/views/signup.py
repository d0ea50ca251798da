"""Self-service sign-up: the form with the price table, the page that says the link is on its
way, and the link itself, which creates the customer, logs the owner in and starts the wizard."""

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from billing import signup as flow
from billing.forms import SignupForm
from connections.models import Connection

from ..steps import SLUGS


@require_http_methods(["GET", "POST"])
def signup(request):
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        answers = flow.Answers(
            company=data["company"],
            org_number=data["org_number"],
            owner_name=data["owner_name"],
            email=data["email"],
            password=data["password"],
            package=data["package"],
        )
        try:
            signup = flow.start(
                answers,
                ip=get_client_ip_address(request),
                link_for=lambda token: settings.PUBLIC_BASE_URL + reverse("portal:signup_verify", args=[token]),
            )
        except flow.Throttled:
            form.add_error(None, _("Too many sign-ups from here or to this e-mail just now. Try again in an hour."))
            return render(request, "portal/signup.html", {"form": form}, status=429)
        return render(request, "portal/signup_sent.html", {"email": signup.email, "hours": settings.SIGNUP_LINK_HOURS})
    return render(request, "portal/signup.html", {"form": form})


def terms(request):
    return render(request, "portal/signup_terms.html", {"packages": flow.packages_for_sale()})


@require_http_methods(["GET", "POST"])
def verify(request, token):
    """GET asks for one click (mail scanners open links: a GET must not spend a single-use link);
    POST creates the customer, logs the owner in and opens the connection wizard."""
    if request.method == "GET":
        return render(request, "portal/signup_verify.html", {})
    try:
        membership = flow.complete(token)
    except flow.LinkInvalid as invalid:
        return render(request, "portal/signup_verify.html", {"invalid": True, "used": invalid.used}, status=400)
    login(request, membership.user, backend="integrator.auth.OneQueryModelBackend")
    connection = Connection.objects.create(merchant=membership.merchant, name=_("My webshop"))
    return redirect("portal:setup", merchant_id=membership.merchant_id, connection_id=connection.pk, slug=SLUGS[0])
