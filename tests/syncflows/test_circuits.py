"""Outages end quickly: a Specter account or shop that keeps failing opens a circuit; its orders wait
without spending attempts, one probes a minute, and on its return every order goes at once, in
order of arrival, exactly once."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django_q.models import OrmQ

from simulator.models import CallLog, FaultRule
from simulator.specter.models import Order as SpecterOrder
from simulator.starweb.demo import ensure_demo_shop, place_order
from syncflows import circuits, tasks
from syncflows.models import Circuit, Transfer
from tests.syncflows.test_order_faults import assert_exactly_once, connection, fault  # noqa: F401 (fixture)
from tests.syncflows.wiring import drain, settle

pytestmark = pytest.mark.django_db(transaction=True)
State = Transfer.State


def specter_calls() -> int:
    return CallLog.objects.filter(system="specter").count()


def another_round() -> None:
    """Time passes for every waiting order's backoff (not for the circuit's probe)."""
    Transfer.objects.exclude(state__in=[State.DONE]).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    tasks.sweep()
    drain()


def down(settings, orders=5, seed=300):
    outage = fault("specter", "", "server_error", remaining=None, status=503)
    shop = ensure_demo_shop()
    placed = [place_order(shop, seed=seed + n) for n in range(orders)]
    drain()
    return outage, placed


def test_an_account_that_keeps_failing_opens_its_circuit_and_its_orders_then_spend_no_attempts(connection, settings):
    outage, placed = down(settings)
    circuit = Circuit.objects.get(system="specter", account="1001")
    assert circuit.opened_at is not None and circuit.failures >= settings.CIRCUIT_FAILURES
    attempts, calls = sorted(Transfer.objects.values_list("attempts", flat=True)), specter_calls()
    assert sum(attempts) == settings.CIRCUIT_FAILURES - 1  # the failure that opened it was the last one spent
    for _ in range(5):
        another_round()
    assert sorted(Transfer.objects.values_list("attempts", flat=True)) == attempts
    assert specter_calls() == calls  # waiting behind an open circuit calls nobody
    assert set(Transfer.objects.values_list("reason_code", flat=True)) == {"circuit"}
    with translation.override("en"):
        assert "Specter is not answering" in Transfer.objects.first().reason_text


def test_an_open_circuit_sends_one_probe_a_minute(connection, settings):
    down(settings)
    OrmQ.objects.all().delete()
    Circuit.objects.update(probe_at=timezone.now() - timedelta(seconds=1))
    assert circuits.probe_due() == 1
    assert circuits.probe_due() == 0  # the next one is a minute away
    oldest = Transfer.objects.order_by("created_at", "id").first()
    assert [item.task["args"] for item in OrmQ.objects.all()] == [(oldest.pk,)]
    calls = specter_calls()
    drain()  # the probe meets the outage: Specter was asked once, and the order still spends nothing
    assert specter_calls() == calls + 1
    assert Transfer.objects.get(pk=oldest.pk).attempts == oldest.attempts


def test_when_the_account_answers_every_waiting_order_goes_at_once_in_arrival_order_exactly_once(connection, settings):
    outage, placed = down(settings, orders=6)
    outage.delete()
    Circuit.objects.update(probe_at=timezone.now() - timedelta(seconds=1))
    tasks.sweep()  # the probe
    drain()  # it answers: the circuit closes and all the others are queued behind it, oldest first
    assert not Circuit.objects.exists()
    assert_exactly_once(connection, placed)
    created_in = list(SpecterOrder.objects.order_by("id").values_list("external_order_no", flat=True))
    assert created_in == [str(order.order_id) for order in placed]


def test_a_create_whose_answer_was_lost_before_the_outage_is_looked_up_after_it_never_doubled(connection, settings):
    settings.HTTP_READ_TIMEOUT = 0.5
    fault("specter", "newordersubmit", "commit_then_timeout", delay_ms=1500)
    first = place_order(ensure_demo_shop(), seed=330)
    drain()
    assert Transfer.objects.get().state == State.UNKNOWN_OUTCOME
    outage, placed = down(settings, orders=3, seed=331)
    another_round()
    assert Circuit.objects.get().opened_at is not None
    assert Transfer.objects.get(
        starweb_order_id=str(first.order_id)
    ).must_reconcile  # still to be looked up before any create
    outage.delete()
    settle()
    assert_exactly_once(connection, [first, *placed])


def test_a_burst_of_429s_never_opens_a_circuit(connection, settings):
    fault("specter", "", "rate_limit", remaining=6, retry_after=1)
    placed = [place_order(ensure_demo_shop(), seed=340 + n) for n in range(3)]
    drain()
    another_round()
    assert not Circuit.objects.filter(opened_at__isnull=False).exists()
    settle()
    assert_exactly_once(connection, placed)


def test_a_shop_that_keeps_failing_opens_the_shops_circuit(connection, settings):
    FaultRule.objects.create(
        system="starweb", account="demobutiken", operation="GET /orders/{id}", kind="server_error", status=502
    )
    shop = ensure_demo_shop()
    for n in range(settings.CIRCUIT_FAILURES):
        place_order(shop, seed=350 + n)
    drain()
    circuit = Circuit.objects.get()
    assert (circuit.system, circuit.account, circuit.opened_at is not None) == (
        "starweb",
        connection.starweb_base_url,
        True,
    )


def test_an_answer_forgets_the_failures_before_it(connection, settings):
    fault("specter", "newcustomersubmit", "server_error", remaining=settings.CIRCUIT_FAILURES - 1, status=503)
    placed = [place_order(ensure_demo_shop(), seed=360 + n) for n in range(settings.CIRCUIT_FAILURES - 1)]
    drain()
    assert Circuit.objects.get().failures == settings.CIRCUIT_FAILURES - 1
    settle()
    assert not Circuit.objects.exists()
    assert_exactly_once(connection, placed)


def test_an_order_parked_just_after_its_circuit_closed_is_due_at_once_not_after_the_safety_wait(connection, settings):
    down(settings)
    parked = Transfer.objects.order_by("-created_at").first()
    Circuit.objects.all().delete()  # closed by another worker's answer, after its release looked
    assert circuits.unpark_if_closed(parked.pk, connection)
    assert Transfer.objects.get(pk=parked.pk).next_attempt_at <= timezone.now()


def test_the_sweeper_releases_orders_still_parked_for_a_circuit_that_is_gone(connection, settings):
    outage, placed = down(settings)
    outage.delete()
    Circuit.objects.all().delete()
    OrmQ.objects.all().delete()
    parked = set(Transfer.objects.filter(reason_code="circuit").values_list("pk", flat=True))
    assert parked
    tasks.sweep()
    assert {item.task["args"][0] for item in OrmQ.objects.all()} == parked
    assert not Transfer.objects.filter(pk__in=parked, next_attempt_at__gt=timezone.now()).exists()
    settle()
    assert_exactly_once(connection, placed)
