"""One Specter pull per account and queue at a time, whatever the workers do, and callback pings
during a pull make exactly one more pull (Specter refuses a second pull of an open batch with code
99). Real threads on their own database connections, real HTTP to the simulators, faults injected."""

import threading
import time
from datetime import timedelta

import pytest
import requests
from django.utils import timezone

from bench.demo import wire_callbacks
from connections.models import Connection
from simulator.models import CallLog, FaultRule
from simulator.specter import changes
from simulator.specter.models import Account
from simulator.starweb.demo import ensure_demo_shop, place_order
from syncflows import tasks
from syncflows.callbacks import callback_urls
from syncflows.from_specter import pull, pull_claim
from syncflows.models import SpecterPull, SyncRun, Transfer, WebhookEndpoint
from tests.syncflows.test_multishop import two_shops  # noqa: F401 (a fixture: two shops on one account)
from tests.syncflows.wiring import all_at_once, drain, postgres_only, queued, wired_connection

pytestmark = pytest.mark.django_db(transaction=True)

RULES = {"delivered": {"status_id": 3, "tracking": True}}
PULL = "syncflows.tasks.pull_specter"


@pytest.fixture
def connection(live_server, settings):
    connection = wired_connection(live_server, settings, flow=Connection.Flow.ERP, status_rules=RULES)
    wire_callbacks(connection, "1001", live_server.url)
    return connection


@pytest.fixture
def order_change_url(connection, live_server):
    return callback_urls(WebhookEndpoint.objects.get(connection=connection), live_server.url)["actionOrderChange"]


def order_pulls() -> int:
    return CallLog.objects.filter(system="specter", operation="getordersexternalneedupdate").count()


def delivered_order(connection):
    placed = place_order(ensure_demo_shop(), seed=91)
    drain()
    transfer = Transfer.objects.get(starweb_order_id=str(placed.order_id))
    changes.deliver(Account.objects.get(smb_id="1001"), transfer.specter_order_no, tracking_no="JJD91")
    return transfer


def slow_order_pulls(count: int, delay_ms: int = 1500) -> None:
    FaultRule.objects.create(
        system="specter",
        account="1001",
        operation="getordersexternalneedupdate",
        kind=FaultRule.Kind.LATENCY,
        delay_ms=delay_ms,
        remaining=count,
    )


def test_thirty_three_pings_with_no_pull_running_queue_one_pull(connection, order_change_url):
    delivered_order(connection)
    drain()
    runs, calls = SyncRun.objects.filter(kind="orders").count(), order_pulls()
    for _ in range(33):
        assert requests.post(order_change_url, timeout=10).text == "1;Done"
    assert [task for task in queued() if task[0] == PULL] == [(PULL, (str(connection.pk), "orders"))]
    drain()
    assert SyncRun.objects.filter(kind="orders").count() == runs + 1 and order_pulls() == calls + 1


def test_thirty_three_pings_during_a_pull_make_exactly_one_more_pull(connection, order_change_url):
    delivered_order(connection)
    drain()
    runs_before, calls_before = SyncRun.objects.filter(kind="orders").count(), order_pulls()
    # Long enough that the 33 pings and the drain below end while the first pull still waits, even on
    # a loaded machine (at 1.5 s the pull sometimes finished first and a third pull was right).
    slow_order_pulls(1, delay_ms=6000)
    pull_claim.want(connection, "orders")
    made = []
    worker = threading.Thread(
        target=lambda: made.extend(pull_claim.run(Connection.objects.get(pk=connection.pk), "orders"))
    )
    worker.start()
    deadline = time.monotonic() + 10
    while not SpecterPull.objects.filter(kind="orders", lease_token__isnull=False).exists():
        assert time.monotonic() < deadline, "the pull never started"
        time.sleep(0.02)
    for _ in range(33):  # Specter pings while the first pull is still waiting for its batch
        requests.post(order_change_url, timeout=10)
    drain()  # the one queued task finds the pull running and leaves the wish to it
    worker.join(timeout=30)
    assert len(made) == 2 and all(run.ok for run in made)
    assert SyncRun.objects.filter(kind="orders").count() == runs_before + 2
    assert order_pulls() == calls_before + 2  # no second pull collided on the open batch
    assert queued() == [] and SpecterPull.objects.get(kind="orders").lease_token is None


@pytest.mark.postgres_only
def test_workers_racing_for_one_accounts_queue_make_one_pull_and_no_collision(connection):
    postgres_only()  # SQLite's in-memory test database refuses concurrent readers outright ("table is locked")
    delivered_order(connection)
    drain()
    runs_before, calls_before = SyncRun.objects.filter(kind="orders").count(), order_pulls()
    slow_order_pulls(8, delay_ms=500)
    pull_claim.want(connection, "orders")
    results = all_at_once([lambda: tasks.pull_specter(str(connection.pk), "orders")] * 6)
    assert sorted(results) == [False] * 5 + [True]  # one worker pulled; the others found it claimed
    assert SyncRun.objects.filter(kind="orders").count() == runs_before + 1 and order_pulls() == calls_before + 1


def test_a_pull_that_crashes_releases_the_account_and_the_next_ping_pulls(connection, order_change_url, monkeypatch):
    transfer = delivered_order(connection)
    original = pull.pull

    def crash(*args, **kwargs):
        raise RuntimeError("worker crashed mid-pull")

    monkeypatch.setattr(pull, "pull", crash)
    with pytest.raises(RuntimeError):
        drain()
    monkeypatch.setattr(pull, "pull", original)
    assert SpecterPull.objects.get(kind="orders").lease_token is None
    from django_q.models import OrmQ

    OrmQ.objects.all().delete()  # what the crashed drain left behind
    requests.post(order_change_url, timeout=10)
    drain()
    assert transfer.status_syncs.filter(event="delivered").count() == 1


def test_a_killed_workers_lease_blocks_the_account_until_it_runs_out(connection):
    delivered_order(connection)
    drain()
    pull_claim.want(connection, "orders")
    SpecterPull.objects.filter(kind="orders").update(
        lease_until=timezone.now() + pull_claim.lease(), lease_token="0" * 32
    )
    assert pull_claim.run(connection, "orders") == []  # another (killed) worker still holds it
    SpecterPull.objects.filter(kind="orders").update(lease_until=timezone.now() - timedelta(seconds=1))
    [run] = pull_claim.run(connection, "orders")
    assert run.ok


def test_a_wish_whose_task_was_lost_is_queued_again_after_a_while(connection):
    assert pull_claim.want(connection, "orders") is True
    assert pull_claim.want(connection, "orders") is False  # its task is queued already
    SpecterPull.objects.filter(kind="orders").update(
        wanted_since=timezone.now() - pull_claim.STALE - timedelta(seconds=1)
    )
    assert pull_claim.want(connection, "orders") is True


def test_without_a_wish_a_task_pulls_nothing(connection):
    assert pull_claim.run(connection, "orders") == [] and order_pulls() == 0


def test_a_ping_to_a_shop_that_takes_no_order_status_pulls_for_its_sibling_on_the_account(two_shops):
    first, second = two_shops
    Connection.objects.filter(pk=first.pk).update(flow=Connection.Flow.ECOM)  # flow #1: no status back
    first.refresh_from_db()
    pull_claim.want(first, "orders")
    [run] = pull_claim.run(first, "orders")
    assert run.ok and run.connection_id == second.pk
