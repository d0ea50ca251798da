"""Health that tells the truth: can we reach both systems with the stored credentials, and can
they reach us (our public address answers as us, and the shop posts its order events to the URL
we listen on). A connection's overview shows each failure in red, with what to do.

The overview never asks itself: a bulk worker does, at most once a minute per connection while
someone looks (outside_checks), and the overview shows the last answer and its age."""

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET

from connections import http
from connections.clients import specter_for, starweb_for
from connections.errors import AuthenticationFailed, IntegrationError
from connections.models import Connection

from . import outside_checks
from .models import OutsideCheck, WebhookEndpoint
from .webhooks import SUBSCRIBED_EVENTS, webhook_url

PROBE_CONNECT_SECONDS, PROBE_READ_SECONDS = 3, 8  # a slower system shows as unreachable
STEPS = 3  # us, the shop, Specter


# What each problem says and how to fix it; stored as its code and parameters, read in the reader's language.
TEXTS = {
    "public_address": (
        _lazy(
            "Our public address %(url)s does not answer as this service: the shop's webhooks and Specter's "
            "callbacks cannot reach us, so new orders arrive only through the poller, minutes late."
        ),
        _lazy("Set PUBLIC_BASE_URL to the address this service is reached at, then activate the connection again."),
    ),
    "starweb_missing": (_lazy("The Starweb credentials are missing."), _lazy("Enter them in Settings → Starweb.")),
    "starweb_refused": (
        _lazy("Starweb refuses our client id and secret."),
        _lazy("Enter a valid API client in Settings → Starweb."),
    ),
    "starweb_unreachable": (
        _lazy("We cannot reach the shop: %(error)s"),
        _lazy("Check the Starweb API address in Settings → Starweb."),
    ),
    "webhooks_missing": (
        _lazy("The shop does not send %(events)s to %(url)s, where we listen."),
        _lazy("Activate the connection again: it registers the webhooks."),
    ),
    "specter_missing": (_lazy("The Specter credentials are missing."), _lazy("Enter them in Settings → Specter.")),
    "specter_refused": (
        _lazy("Specter refuses our smbID and md5key."),
        _lazy("Enter them again in Settings → Specter."),
    ),
    "specter_unreachable": (
        _lazy("We cannot reach Specter: %(error)s"),
        _lazy("Try again in a minute; if it lasts, tell us."),
    ),
}


@dataclass(frozen=True)
class Problem:
    what: str  # in the reader's language
    fix: str
    credentials: bool = False  # refused or missing credentials (the overview's Credentials row says so too)
    code: str = ""
    params: tuple = ()

    @classmethod
    def of(cls, code: str, credentials: bool = False, **params) -> "Problem":
        what, fix = TEXTS[code]
        return cls(
            str(what) % params if params else str(what), str(fix), credentials, code, tuple(sorted(params.items()))
        )

    def stored(self) -> dict:
        return {"code": self.code, "params": dict(self.params), "credentials": self.credentials}

    @classmethod
    def from_stored(cls, row: dict) -> "Problem":
        return cls.of(row["code"], row.get("credentials", False), **row.get("params", {}))


@dataclass(frozen=True)
class Reachability:
    """What the overview shows: the last answer (problems), when it was got, and whether one runs."""

    problems: list
    checked_at: object = None  # datetime of the last answer; None: none yet
    running: bool = False
    done: int = 0
    total: int = STEPS


def ping_token() -> str:
    """What our own address answers at /hooks/ping/: proves it is this installation, not another
    server that happens to listen on that port."""
    return salted_hmac("integrator.reachability", "ping").hexdigest()[:32]


@require_GET
def ping(request):
    return HttpResponse(ping_token(), content_type="text/plain")


def _live(connection: Connection) -> bool:
    return connection.status in (Connection.Status.ACTIVE, Connection.Status.PAUSED)


def shown(connection: Connection) -> Reachability:
    """For a page: the last answer, asking the bulk queue for a new one when it is older than a
    minute (outside_checks). Never calls out. Only connections that should be live are checked."""
    if not _live(connection):
        return Reachability([])
    row = outside_checks.ensure(connection, OutsideCheck.Kind.REACHABILITY)
    answered = row.finished_at is not None and "problems" in row.result  # a run in progress keeps the last answer
    problems = [Problem.from_stored(p) for p in row.result["problems"]] if answered else []
    return Reachability(
        problems,
        row.finished_at if answered else None,
        row.state == OutsideCheck.State.RUNNING,
        row.done,
        row.total or STEPS,
    )


def check(connection: Connection, *, fresh: bool = False) -> list[Problem]:
    """What stops the two systems and us from reaching each other (empty: all is well). `fresh`
    asks both systems now and stores the answer (a worker, or a test); otherwise the last stored
    answer, without calling out."""
    if not _live(connection):
        return []
    if not fresh:
        return shown(connection).problems
    problems = _probe(connection, lambda done, total: None)
    outside_checks.store(connection, OutsideCheck.Kind.REACHABILITY, [], {"problems": [p.stored() for p in problems]})
    return problems


def probe(connection: Connection, subject: list, progress) -> dict:
    """The bulk task's work (outside_checks.run)."""
    return {"problems": [p.stored() for p in _probe(connection, progress)]}


def _probe(connection: Connection, progress) -> list[Problem]:
    problems = []
    with http.short_timeouts(PROBE_CONNECT_SECONDS, PROBE_READ_SECONDS):
        for done, step in enumerate(
            (lambda: _we_are_reachable(), lambda: _starweb(connection), lambda: _specter(connection)), 1
        ):
            problems += step()
            progress(done, STEPS)
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
    return [Problem.of("public_address", url=settings.PUBLIC_BASE_URL)]


def _starweb(connection: Connection) -> list[Problem]:
    if connection.starweb_client_secret is None or not connection.starweb_base_url:
        return [Problem.of("starweb_missing", credentials=True)]
    try:
        hooks = starweb_for(connection).web_hooks()
    except AuthenticationFailed:
        return [Problem.of("starweb_refused", credentials=True)]
    except IntegrationError as error:
        return [Problem.of("starweb_unreachable", error=str(error))]
    endpoint, _created = WebhookEndpoint.objects.get_or_create(connection=connection)
    url = webhook_url(endpoint, settings.PUBLIC_BASE_URL)
    registered = {hook.get("event") for hook in hooks if hook.get("url") == url}
    missing = [event for event in SUBSCRIBED_EVENTS if event not in registered]
    if not missing:
        return []
    return [Problem.of("webhooks_missing", events=", ".join(missing), url=url)]


def _specter(connection: Connection) -> list[Problem]:
    if connection.specter_md5key is None:
        return [Problem.of("specter_missing", credentials=True)]
    try:
        specter_for(connection).check_account()
    except AuthenticationFailed:
        return [Problem.of("specter_refused", credentials=True)]
    except IntegrationError as error:
        return [Problem.of("specter_unreachable", error=str(error))]
    return []
