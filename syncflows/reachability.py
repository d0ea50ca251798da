"""Health that tells the truth: can we reach both systems with the stored credentials, and can
they reach us (our public address answers as us, and the shop posts its order events to the URL
we listen on). A connection's overview shows each failure in red, with what to do.

Read at most once a minute per connection (the overview calls it on every visit)."""

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from connections import http
from connections.clients import specter_for, starweb_for
from connections.errors import AuthenticationFailed, IntegrationError
from connections.models import Connection

from .models import WebhookEndpoint
from .webhooks import SUBSCRIBED_EVENTS, webhook_url

CACHE_SECONDS = 60
PROBE_CONNECT_SECONDS, PROBE_READ_SECONDS = 3, 8  # the overview waits for these; a slower system shows as unreachable


@dataclass(frozen=True)
class Problem:
    what: str  # in the reader's language
    fix: str
    credentials: bool = False  # refused or missing credentials (the overview's Credentials row says so too)


def ping_token() -> str:
    """What our own address answers at /hooks/ping/: proves it is this installation, not another
    server that happens to listen on that port."""
    return salted_hmac("integrator.reachability", "ping").hexdigest()[:32]


@require_GET
def ping(request):
    return HttpResponse(ping_token(), content_type="text/plain")


def check(connection: Connection, *, fresh: bool = False) -> list[Problem]:
    """What stops the two systems and us from reaching each other (empty: all is well). Only for
    connections that should be live (active or paused)."""
    if connection.status not in (Connection.Status.ACTIVE, Connection.Status.PAUSED):
        return []
    key = f"reachability:{connection.pk}"
    if not fresh and (cached := cache.get(key)) is not None:
        return cached
    with http.short_timeouts(PROBE_CONNECT_SECONDS, PROBE_READ_SECONDS):
        problems = _we_are_reachable() + _starweb(connection) + _specter(connection)
    cache.set(key, problems, CACHE_SECONDS)
    return problems


def _we_are_reachable() -> list[Problem]:
    url = settings.PUBLIC_BASE_URL + reverse("syncflows:ping")
    try:
        answer = http.send(http.new_session(), "GET", url, system="integrator", mutating=False)
        ours = answer.status_code == 200 and constant_time_compare(answer.text.strip(), ping_token())
    except IntegrationError:
        ours = False
    if ours:
        return []
    return [Problem(_("Our public address %(url)s does not answer as this service: the shop's webhooks and Specter's "
                      "callbacks cannot reach us, so new orders arrive only through the poller, minutes late.") % {"url": settings.PUBLIC_BASE_URL},
                    _("Set PUBLIC_BASE_URL to the address this service is reached at, then activate the connection again."))]


def _starweb(connection: Connection) -> list[Problem]:
    if connection.starweb_client_secret is None or not connection.starweb_base_url:
        return [Problem(_("The Starweb credentials are missing."), _("Enter them in Settings → Starweb."), credentials=True)]
    try:
        hooks = starweb_for(connection).web_hooks()
    except AuthenticationFailed:
        return [Problem(_("Starweb refuses our client id and secret."), _("Enter a valid API client in Settings → Starweb."), credentials=True)]
    except IntegrationError as error:
        return [Problem(_("We cannot reach the shop: %(error)s") % {"error": error}, _("Check the Starweb API address in Settings → Starweb."))]
    endpoint, _created = WebhookEndpoint.objects.get_or_create(connection=connection)
    url = webhook_url(endpoint, settings.PUBLIC_BASE_URL)
    registered = {hook.get("event") for hook in hooks if hook.get("url") == url}
    missing = [event for event in SUBSCRIBED_EVENTS if event not in registered]
    if not missing:
        return []
    return [Problem(_("The shop does not send %(events)s to %(url)s, where we listen.") % {"events": ", ".join(missing), "url": url},
                    _("Activate the connection again: it registers the webhooks."))]


def _specter(connection: Connection) -> list[Problem]:
    if connection.specter_md5key is None:
        return [Problem(_("The Specter credentials are missing."), _("Enter them in Settings → Specter."), credentials=True)]
    try:
        specter_for(connection).check_account()
    except AuthenticationFailed:
        return [Problem(_("Specter refuses our smbID and md5key."), _("Enter them again in Settings → Specter."), credentials=True)]
    except IntegrationError as error:
        return [Problem(_("We cannot reach Specter: %(error)s") % {"error": error}, _("Try again in a minute; if it lasts, tell us."))]
    return []
