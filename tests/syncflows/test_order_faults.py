"""Proof under faults (design.md §8): whatever the network, the APIs or the workers do, every order
exists exactly once in Specter and is counted exactly once in billing, and nothing is left stuck."""

import json
import random

import pytest
from django.test import Client
from django.utils import timezone

from billing.models import MonthlyUsage, OrderUsage
from connections.specter.client import SpecterClient
from connections.starweb.client import StarwebClient
from simulator.models import CallLog, FaultRule
from simulator.specter.models import Order as SpecterOrder
from simulator.starweb.demo import ensure_demo_shop, place_order
from simulator.starweb.models import WebHook
from syncflows import tasks
from syncflows.models import Transfer, WebhookEndpoint
from syncflows.orders import engine
from tests.simulator_helpers import wait_until_answered
from tests.syncflows.wiring import all_at_once, drain, postgres_only, settle, wired_connection

pytestmark = pytest.mark.django_db(transaction=True)
State = Transfer.State


@pytest.fixture
def connection(live_server, settings):
    settings.HTTP_READ_TIMEOUT = 0.5
    return wired_connection(live_server, settings)


def fault(system, operation, kind, remaining=1, **values):
    account = "demobutiken" if system == "starweb" else "1001"
    return FaultRule.objects.create(
        system=system, account=account, operation=operation, kind=kind, remaining=remaining, **values
    )


def assert_exactly_once(connection, orders):
    states = list(Transfer.objects.values_list("starweb_order_id", "state", "reason"))
    for placed in orders:
        assert SpecterOrder.objects.filter(external_order_no=str(placed.order_id)).count() == 1, (
            placed.order_id,
            states,
        )
    assert OrderUsage.objects.filter(connection_id=connection.pk).count() == len(orders)
    assert MonthlyUsage.objects.get(merchant=connection.merchant).orders == len(orders)
    assert set(Transfer.objects.values_list("state", flat=True)) == {State.DONE}
    assert CallLog.objects.filter(system="specter", operation="newordersubmit", status=200).count() == len(orders)


@pytest.mark.parametrize("kind", ["commit_then_timeout", "connection_reset", "malformed_body"])
def test_a_lost_answer_to_the_create_is_reconciled_never_created_twice(connection, kind):
    fault("specter", "newordersubmit", kind, delay_ms=1500)
    placed = place_order(ensure_demo_shop(), seed=31)
    drain()
    transfer = Transfer.objects.get()
    assert transfer.state == State.UNKNOWN_OUTCOME and transfer.must_reconcile
    wait_until_answered(kind)
    settle()
    assert_exactly_once(connection, [placed])
    assert "reconcile" in [a.phase for a in Transfer.objects.get().timeline.all()]


def test_specter_answering_503_for_minutes_delays_but_loses_and_doubles_nothing(connection, settings):
    outage = fault("specter", "", "server_error", remaining=None, status=503)
    shop = ensure_demo_shop()
    orders = [place_order(shop, seed=40 + n) for n in range(3)]
    drain()
    for _ in range(4):  # four rounds of retries while Specter is down
        Transfer.objects.update(next_attempt_at=timezone.now())
        tasks.sweep()
        drain()
    assert set(Transfer.objects.values_list("state", flat=True)) == {State.RETRY_WAIT}
    # The account's circuit opened: the orders wait for it without spending attempts.
    assert max(Transfer.objects.values_list("attempts", flat=True)) < settings.CIRCUIT_FAILURES
    outage.delete()
    settle()
    assert_exactly_once(connection, orders)


def test_a_burst_of_429s_waits_as_told_and_uses_no_attempt(connection):
    fault("starweb", "GET /orders/{id}", "rate_limit", remaining=3, retry_after=7)
    placed = place_order(ensure_demo_shop(), seed=50)
    drain()
    transfer = Transfer.objects.get()
    assert transfer.state == State.RETRY_WAIT and transfer.attempts == 0
    assert 5 <= (transfer.next_attempt_at - timezone.now()).total_seconds() <= 7.5
    settle()
    assert Transfer.objects.get().attempts == 0
    assert_exactly_once(connection, [placed])


class Killed(BaseException):
    """The worker process dies: nothing after this point runs, no handler sees it."""


KILL_POINTS = {
    "after the fetch": (StarwebClient, "order"),
    "after the customer": (SpecterClient, "submit_customer"),
    "after the order was created": (SpecterClient, "place_order"),
    "after the sent commit": (engine._Run, "finish"),
    "after the write-back": (StarwebClient, "set_external_id"),
    "after the status change": (StarwebClient, "set_status"),
}


@pytest.mark.parametrize("point", KILL_POINTS)
def test_a_worker_killed_between_phases_is_resumed_by_another_exactly_once(connection, monkeypatch, point):
    cls, name = KILL_POINTS[point]
    original = getattr(cls, name)

    def dies_after(self, *args, **kwargs):
        if name != "finish":
            original(self, *args, **kwargs)
        raise Killed(point)

    monkeypatch.setattr(cls, name, dies_after)
    placed = place_order(ensure_demo_shop(), seed=60)
    with pytest.raises(Killed):
        drain()
    monkeypatch.setattr(cls, name, original)
    assert Transfer.objects.get().lease_until is not None  # the dead worker's lease is still on it
    settle()  # the lease expires; the sweeper hands the row to another worker
    assert_exactly_once(connection, [placed])


def test_many_orders_under_random_faults_everywhere_each_arrive_once(connection):
    rng = random.Random(7)
    operations = [
        ("specter", "newcustomersubmit"),
        ("specter", "newordersubmit"),
        ("specter", "getorderbyexternalorderno"),
        ("starweb", "GET /orders/{id}"),
        ("starweb", "PATCH /orders/{id}"),
        ("starweb", "POST /token"),
    ]
    kinds = ["server_error", "connection_reset", "commit_then_timeout", "malformed_body", "rate_limit"]
    for _ in range(25):
        system, operation = rng.choice(operations)
        fault(system, operation, rng.choice(kinds), delay_ms=700)
    shop = ensure_demo_shop()
    orders = [place_order(shop, seed=100 + n) for n in range(12)]
    drain()
    settle(rounds=60)
    assert_exactly_once(connection, orders)


@pytest.mark.postgres_only
def test_a_storm_of_concurrent_duplicate_webhooks_and_workers_sends_each_order_once(connection, live_server):
    postgres_only()
    shop = ensure_demo_shop()
    WebHook.objects.filter(shop=shop).delete()  # the storm below is the only announcement
    orders = [place_order(shop, seed=200 + n) for n in range(5)]
    endpoint = WebhookEndpoint.objects.get(connection=connection)
    hook = f"/hooks/starweb/{endpoint.pk}/{endpoint.token}/"

    def announce(order):  # Django's test client in each thread: our view and database, no socket backlog
        body = json.dumps({"eventId": "order-created", "orderId": order.order_id})
        return lambda: Client().post(hook, data=body, content_type="application/json").status_code

    assert set(all_at_once([announce(o) for o in orders] * 6)) == {202}
    assert Transfer.objects.count() == 5
    ids = list(Transfer.objects.values_list("id", flat=True))
    all_at_once([lambda i=i: engine.run(i) for i in ids] * 4)  # four workers on every order at once
    settle()
    assert_exactly_once(connection, orders)


def test_any_failure_after_sending_began_makes_the_next_run_look_before_it_creates(connection):
    fault("specter", "newordersubmit", "server_error", status=500)
    placed = place_order(ensure_demo_shop(), seed=70)
    drain()
    transfer = Transfer.objects.get()
    assert (transfer.state, transfer.must_reconcile) == (State.RETRY_WAIT, True)
    settle()
    assert [a.phase for a in Transfer.objects.get().timeline.all()].count("reconcile") == 1
    assert_exactly_once(connection, [placed])
