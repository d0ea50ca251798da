"""The tenant matrix, generated from the URL resolver: every URL pattern, as every persona (owner,
plain member, another merchant's owner, anonymous, integration staff, billing admin), GET and
POST. A merchant's pages answer their own people, are a 404 to everyone else (never a 403 that
says they exist), send anonymous visitors to the login page, and never answer 500.

A new URL pattern must fall in one of the known areas, and every view under a merchant's URL
must be built on the access helper (integrator/tenancy.py), or this fails."""

from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve, reverse

from billing.models import HourPack, Membership, Merchant
from connections.models import Connection
from syncflows.models import WebhookEndpoint
from tests.billing.factories import MembershipFactory
from tests.conftest import _user_in_group
from tests.connections.factories import ConnectionFactory
from tests.syncflows.factories import TransferFactory, WorkerHeartbeatFactory
from tests.syncflows.wiring import wired_connection

pytestmark = pytest.mark.django_db(transaction=True)

# Area of the site by the first part of the path. Each area has its own rule below.
AREAS = {
    "m": "merchant",
    "staff": "staff",
    "billing": "billing",
    "hooks": "hooks",
    "": "public",
    "accounts": "public",
    "i18n": "public",
    "health": "public",
    "signup": "public",
    "metrics": "public",
    "backoffice": "backoffice",
    "sim": "simulator",
}
# Views under a merchant's URL that are the merchant's but check the owner inside (may_start).
OWNER_INSIDE = {"portal:start_initial_sync"}
# Pages a member reads but never changes: a member's POST there is a 404.
MEMBER_READS_ONLY = {"portal:settings", "portal:settings_section"}
# Our own reachability probe: it answers anyone and says nothing about any tenant.
PUBLIC_HOOKS = {"syncflows:ping", "ping"}
SLUGS = {
    "portal:setup": {"slug": "export"},
    "portal:settings_section": {"slug": "export"},
    "portal:lifecycle": {"action": "pause"},
    "billing:staff_merchant_action": {"action": "invite"},
    "syncflows:operations_group": {"action": "retry"},
}
PERSONAS = ["owner", "member", "other_owner", "anonymous", "staff", "billing"]
DENIED = {403, 404}


def patterns(resolvers=None, prefix="", namespace=""):
    """(route, name, callback, parameters) of every URL pattern, includes followed."""
    for entry in resolvers if resolvers is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            yield from patterns(entry.url_patterns, prefix + str(entry.pattern), entry.namespace or namespace)
        else:
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name or ""
            yield prefix + str(entry.pattern), name, entry.callback, list(entry.pattern.converters)


def area(route: str) -> str:
    first = route.split("/", 1)[0] if "/" in route else route
    return AREAS.get(first, "unknown")


def test_every_url_pattern_is_in_a_known_area():
    unknown = [route for route, *_ in patterns() if area(route) == "unknown"]
    assert unknown == [], "a new area of URLs: give it its rule in this matrix"


def test_every_view_under_a_merchants_url_is_built_on_the_access_helper():
    without = [
        (route, name)
        for route, name, callback, params in patterns()
        if (area(route) == "merchant" or ({"connection_id", "transfer_id"} & set(params) and area(route) != "staff"))
        and getattr(callback, "tenancy", None) not in ("merchant", "owner")
    ]
    assert without == []


def test_the_helper_check_can_fail():
    """The view check reads a mark only the helper sets: a bare view has none."""

    def bare(request, merchant_id):  # pragma: no cover - never called
        return None

    assert getattr(bare, "tenancy", None) is None


@pytest.fixture
def world(live_server, settings, merchant, other_merchant):
    """The owner's merchant with a connection wired to the simulators and an order; another
    merchant with its own; and a client per persona."""
    settings.PUBLIC_BASE_URL = live_server.url
    connection = wired_connection(live_server, settings, status=Connection.Status.ACTIVE, flow=Connection.Flow.ECOM)
    Connection.objects.filter(pk=connection.pk).update(merchant=merchant)
    connection.refresh_from_db()
    theirs = ConnectionFactory(merchant=other_merchant, status=Connection.Status.ACTIVE)
    WorkerHeartbeatFactory()  # /health/ is green: its 500 would mean something
    hour_pack = HourPack.objects.first() or HourPack.objects.create(
        name="5 h", hours=Decimal("5"), price=Decimal("4950")
    )
    users = {
        "owner": merchant.memberships.get(role=Membership.Role.OWNER).user,
        "member": (member := MembershipFactory(merchant=merchant, role=Membership.Role.MEMBER)).user,
        "other_owner": other_merchant.memberships.get().user,
        "staff": _user_in_group("Integration staff"),
        "billing": _user_in_group("Billing admins"),
    }
    clients = {"anonymous": Client(raise_request_exception=False)}
    for persona, user in users.items():
        clients[persona] = Client(raise_request_exception=False)
        clients[persona].force_login(user)
    return {
        "merchant": merchant,
        "connection": connection,
        "transfer": TransferFactory(connection=connection),
        "theirs": theirs,
        "their_transfer": TransferFactory(connection=theirs),
        "hour_pack": hour_pack,
        "endpoint": WebhookEndpoint.objects.get_or_create(connection=connection)[0],
        "clients": clients,
        "users": users,
        "member_membership": member.pk,  # kept: the owner's walk may remove the membership itself
    }


def _kwargs(name, params, world, *, cross=False):
    """Values for a pattern's parameters: the owner's objects (or, `cross`, the other merchant's
    connection and order under the owner's merchant)."""
    values = {
        "merchant_id": world["merchant"].pk,
        "connection_id": (world["theirs"] if cross else world["connection"]).pk,
        "transfer_id": (world["their_transfer"] if cross else world["transfer"]).public_id,
        "membership_id": world["member_membership"],
        "code": "200",
        "pk": world["hour_pack"].pk,
        "uidb64": "MQ",
        "token": "wrong-token",
        "endpoint_id": world["endpoint"].pk,
        "kind": "stock",
        **SLUGS.get(name, {}),
    }
    return {param: values[param] for param in params}


def _expected(persona, route, name, callback, method):
    """What `persona` must get: "open" (anything but 403, 404, 500), "404", "403" or "login"."""
    where = area(route)
    if where == "merchant":
        if persona == "anonymous":
            return "login"
        if persona in ("other_owner", "billing"):
            return "404"
        if persona == "member" and (
            getattr(callback, "tenancy", None) == "owner"
            or (name in OWNER_INSIDE | MEMBER_READS_ONLY and method == "post")
        ):
            return "404"
        return "open"
    if where in ("staff", "billing"):
        if persona == "anonymous":
            return "login"
        return "open" if persona == where else "403"
    if where == "hooks" and name not in PUBLIC_HOOKS:
        return "hook"  # without the connection's secret token: 404 (405 for a method it never takes)
    return "any"


def _check(response, expected) -> bool:
    status = response.status_code
    if status >= 500:
        return False
    if expected == "open":
        return status not in DENIED
    if expected == "login":
        return status == 302 and "/accounts/login/" in response["Location"]
    if expected in ("403", "404"):
        return status == int(expected)
    if expected == "hook":
        return status in (404, 405)
    return True


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_url_answers_each_persona_as_the_matrix_says(world, persona):
    client, wrong = world["clients"][persona], []
    probes = 0
    for route, name, callback, params in patterns():
        if area(route) in ("backoffice", "simulator") or name in ("", "logout"):
            # The back office has its own walk (test_role_walk.py); the simulator is the outside
            # world; logout would end the walk.
            continue
        url = reverse(name, kwargs=_kwargs(name, params, world))
        for method in ("get", "post"):
            expected = _expected(persona, route, name, callback, method)
            response = getattr(client, method)(url)
            probes += 1
            if not _check(response, expected):
                wrong.append((method.upper(), route, expected, response.status_code))
    assert probes > 40
    assert wrong == [], "\n".join(map(str, wrong))


@pytest.mark.parametrize("persona", ["owner", "member", "staff"])
def test_another_merchants_connection_or_order_under_ones_own_merchant_is_404(world, persona):
    client, wrong = world["clients"][persona], []
    for route, name, _callback, params in patterns():
        if "connection_id" not in params or area(route) == "staff":
            continue  # staff pages work across merchants by design (their own rule above)
        url = reverse(name, kwargs=_kwargs(name, params, world, cross=True))
        for method in ("get", "post"):
            response = client.get(url) if method == "get" else client.post(url)
            # A GET of a POST-only view is 405 whatever the id (it says nothing about the object).
            if response.status_code != 404 and not (method == "get" and response.status_code == 405):
                wrong.append((method.upper(), route, response.status_code))
    assert wrong == [], "\n".join(map(str, wrong))


def test_staff_visits_are_recorded_and_make_no_membership(world):
    staff = world["users"]["staff"]
    before = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=staff).count()
    url = reverse(
        "portal:dashboard", kwargs={"merchant_id": world["merchant"].pk, "connection_id": world["connection"].pk}
    )
    assert world["clients"]["staff"].get(url).status_code == 200
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=staff).count() == before + 1
    assert not Membership.objects.filter(user=staff).exists()


def test_a_deactivated_merchant_is_404_to_its_own_owner(world):
    Merchant.objects.filter(pk=world["merchant"].pk).update(is_active=False)
    url = reverse("billing:merchant_home", kwargs={"merchant_id": world["merchant"].pk})
    assert world["clients"]["owner"].get(url).status_code == 404


def test_the_url_parameters_resolve_to_the_owner_objects(world):
    """The matrix really addresses the owner's objects (a typo in _kwargs would test nothing)."""
    url = reverse(
        "portal:transfer", kwargs=_kwargs("portal:transfer", ["merchant_id", "connection_id", "transfer_id"], world)
    )
    assert resolve(url).kwargs["transfer_id"] == world["transfer"].public_id
    assert world["clients"]["owner"].get(url).status_code == 200
