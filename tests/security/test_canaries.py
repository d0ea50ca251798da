"""The canary search: plant unmistakable secret values in a connection's credentials, run its
flows through the simulators with faults (timeouts, resets, garbled bodies, 5xx, 429, expired
and refused credentials), then search everything we keep or show for them: every text column of
every table (task rows and the audit trail included; pickled task arguments and results read
back), the rendered pages of every role, the e-mails sent, and the log lines written.

The simulators' own tables are the outside world (Starweb and Specter keep the secrets they
issued), so they are not searched."""

import logging

import pytest
from django.apps import apps
from django.core import mail
from django.urls import reverse
from django_q.models import OrmQ

from connections.models import Connection
from simulator.models import FaultRule
from simulator.specter.demo import ensure_demo_account
from simulator.specter.models import Account
from simulator.starweb.demo import ensure_demo_shop, place_order
from simulator.starweb.models import Shop
from syncflows import tasks
from syncflows.from_specter import pull_claim
from syncflows.initial_sync import runner as initial
from syncflows.models import Transfer
from syncflows.orders import intake
from tests.billing.factories import MembershipFactory
from tests.conftest import _logged_in, _user_in_group
from tests.security.columns import lengths_checked_as_on_postgresql
from tests.simulator_helpers import wait_until_answered
from tests.syncflows import wiring
from tests.syncflows.wiring import settle, wired_connection

pytestmark = pytest.mark.django_db(transaction=True)

STARWEB_SECRET = "CANARY-sw-secret-7f3a9c1e5b"
SPECTER_KEY = "CANARY-md5-key-2d8e4b6a0f"


def fault(system, operation, kind, remaining=1, **values):
    account = "demobutiken" if system == "starweb" else "1001"
    return FaultRule.objects.create(
        system=system, account=account, operation=operation, kind=kind, remaining=remaining, **values
    )


@pytest.fixture
def connection(live_server, settings):
    """A connection whose real credentials (as the simulators know them) are the canaries."""
    settings.HTTP_READ_TIMEOUT = 0.5
    settings.PUBLIC_BASE_URL = live_server.url
    Shop.objects.filter(pk=ensure_demo_shop().pk).update(client_secret=STARWEB_SECRET)
    Account.objects.filter(pk=ensure_demo_account().pk).update(md5key=SPECTER_KEY)
    connection = wired_connection(
        live_server,
        settings,
        package="400",
        flow=Connection.Flow.COMBO,
        status=Connection.Status.ACTIVE,
        starweb_client_secret=STARWEB_SECRET,
        specter_md5key=SPECTER_KEY,
        export_product=Connection.ProductExport.CHANGED,
    )
    connection.refresh_from_db()
    return connection


def drain(rounds: int = 50) -> None:
    """Run what the broker holds as django-q's worker does, keeping each task's row as the worker
    keeps it (Success, or Failure with the exception's text and traceback), so the search sees
    what a real cluster would have stored."""
    import traceback
    from pydoc import locate

    from django.utils import timezone
    from django_q.brokers import get_broker
    from django_q.monitor import save_task

    broker = get_broker()
    for _ in range(rounds):
        queued = list(OrmQ.objects.order_by("id"))
        if not queued:
            return
        for item in queued:
            task = item.task
            item.delete()
            task["started"], task["sync"] = timezone.now(), True
            try:
                task["result"], task["success"] = (
                    locate(task["func"])(*task.get("args", ()), **task.get("kwargs", {})),
                    True,
                )
            except Exception as error:  # as django_q.worker records it
                task["result"], task["success"] = f"{error} : {traceback.format_exc()}", False
            task["stopped"] = timezone.now()
            save_task(task, broker)
    raise AssertionError("the queue never drained")


def _canaries() -> list[str]:
    """The planted secrets, and the access tokens the simulated shop issued with them."""
    from simulator.starweb.models import Token

    return [STARWEB_SECRET, SPECTER_KEY, *Token.objects.values_list("token", flat=True)]


def _database_text():
    """(where, text) for every value we keep: each row of each of our tables (not the simulators'),
    read through the ORM, so encrypted fields show their ciphertext's mask and pickled task
    arguments and results are unpickled; queued tasks are decoded from the broker's payload."""
    for model in apps.get_models():
        if model.__module__.startswith("simulator."):
            continue
        names = [field.attname for field in model._meta.concrete_fields]
        for row in model._default_manager.values_list(*names):
            yield model._meta.label, repr(row)
    for item in OrmQ.objects.all():
        yield "django_q.OrmQ (decoded)", repr(item.task)


def _run_the_flows_under_faults(connection):
    shop = ensure_demo_shop()
    placed = []
    # 1. Orders through Specter's lost answers, Starweb's 5xx and 429, an expired token.
    for number, (system, operation, kind, values) in enumerate(
        [
            ("specter", "newordersubmit", "commit_then_timeout", {"delay_ms": 1500}),
            ("specter", "newordersubmit", "connection_reset", {}),
            ("specter", "newordersubmit", "malformed_body", {}),
            ("starweb", "GET /orders/{id}", "server_error", {"status": 503}),
            ("starweb", "GET /orders/{id}", "rate_limit", {"retry_after": 1}),
            ("starweb", "GET /orders/{id}", "expired_token", {}),
            ("specter", "newcustomersubmit", "server_error", {"status": 500}),
        ]
    ):
        fault(system, operation, kind, **values)
        placed.append(place_order(shop, seed=700 + number))
        drain()
        if kind == "commit_then_timeout":
            wait_until_answered(kind)
    settle()
    # 2. Refused credentials: Specter stops taking the key (alerts go out), then takes it again.
    Account.objects.filter(smb_id="1001").update(md5key="something-else")
    placed.append(place_order(shop, seed=720))
    drain()
    Account.objects.filter(smb_id="1001").update(md5key=SPECTER_KEY)
    # 3. The catalogue: pulls, the product schedule, a reconciliation, a product export, an initial sync.
    fault("specter", "", "read_timeout", delay_ms=1500)
    _pull(connection, "stock")
    wait_until_answered("read_timeout")
    for kind in ("orders", "stock", "articleinfo", "pricelists"):
        _pull(connection, kind)
    tasks.export_changed_products(str(connection.pk))
    tasks.reconcile_stock(str(connection.pk))
    tasks.export_product(str(connection.pk), 101)
    fault("specter", "newarticlesubmit", "server_error", status=502)
    sync = initial.start(connection, "to_specter")
    tasks.initial_sync(str(sync.pk))
    tasks.sweep()
    drain()
    intake.poll(connection)
    drain()
    tasks.daily_digest()
    return placed


def _pull(connection, kind):
    """A pull as a callback ping makes one: wanted, then run by the worker."""
    pull_claim.want_anyway(connection, kind)
    tasks.pull_specter(str(connection.pk), kind)


def _pages(connection, transfers):
    owner = MembershipFactory(merchant=connection.merchant, role="owner").user
    owner_client, staff_client, billing_client = (
        _logged_in(owner),
        _logged_in(_user_in_group("Integration staff")),
        _logged_in(_user_in_group("Billing admins")),
    )
    merchant, pk = connection.merchant_id, connection.pk
    urls = [
        reverse("billing:merchant_home", args=[merchant]),
        reverse("portal:dashboard", args=[merchant, pk]),
        reverse("portal:settings", args=[merchant, pk]),
        reverse("portal:transfers", args=[merchant, pk]),
        reverse("portal:initial_sync", args=[merchant, pk]),
    ]
    urls += [
        reverse("portal:setup", args=[merchant, pk, slug])
        for slug in ("specter", "starweb", "export", "methods", "check")
    ]
    urls += [reverse("portal:transfer", args=[merchant, pk, t.public_id]) for t in transfers]
    visits = [(client, url) for client in (owner_client, staff_client) for url in urls]
    visits += [
        (staff_client, reverse("billing:staff_home")),
        (staff_client, reverse("billing:staff_merchant", args=[merchant])),
        (billing_client, reverse("billing:billing_home")),
        (billing_client, reverse("billing:invoice", args=[merchant])),
    ]
    for client, url in visits:
        response = client.get(url)
        assert response.status_code == 200, url  # a page not shown would hide nothing
        yield url, response.content.decode()


def test_no_canary_secret_is_kept_shown_mailed_or_logged_after_faults(connection, caplog, monkeypatch):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setattr(wiring, "drain", drain)  # settle() drains as the worker does too
    with lengths_checked_as_on_postgresql():  # what the flows store under faults fits its columns
        placed = _run_the_flows_under_faults(connection)
    transfers = list(Transfer.objects.filter(connection=connection))
    assert len(transfers) == len(placed)  # the flows ran: every order has its row
    assert any(t.timeline.exclude(outcome="ok").exists() for t in transfers)  # and the faults hit
    assert mail.outbox  # the refused credentials were mailed about
    canaries = _canaries()
    assert len(canaries) > 2  # a token was issued too
    found, tables = [], set()
    for where, text in _database_text():
        tables.add(where)
        found += [(where, canary[:12]) for canary in canaries if canary in text]
    for url, body in _pages(connection, transfers):
        found += [(url, canary[:12]) for canary in canaries if canary in body]
    for message in mail.outbox:
        text = message.subject + message.body + "".join(str(v) for v in message.extra_headers.values())
        found += [(f"mail {message.subject}", canary[:12]) for canary in canaries if canary in text]
    for record in caplog.records:
        text = record.getMessage() + (logging.Formatter().formatException(record.exc_info) if record.exc_info else "")
        found += [(f"log {record.name}", canary[:12]) for canary in canaries if canary in text]
    assert {"syncflows.Transfer", "syncflows.TransferAttempt", "auditlog.LogEntry", "django_q.Success"} <= tables
    assert sorted(set(found)) == []


def test_the_search_finds_a_planted_canary(connection):
    """The control: a canary where it must not be is found, so an empty search means something."""
    Transfer.objects.create(connection=connection, starweb_order_id="1", source="webhook", reason=f"oops {SPECTER_KEY}")
    assert any(SPECTER_KEY in text for _where, text in _database_text())
    tasks.queue_long("syncflows.tasks.heartbeat", STARWEB_SECRET)
    assert any(STARWEB_SECRET in text for where, text in _database_text() if where.startswith("django_q.OrmQ"))
