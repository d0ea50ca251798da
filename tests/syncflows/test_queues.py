"""Orders never queue behind scheduled or bulk work, and each queue gives out its oldest task first."""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from django_q.conf import Conf
from django_q.models import OrmQ, Schedule
from django_q.tasks import async_task

from syncflows import schedules, tasks
from syncflows.orders import intake
from syncflows.queues import OrderedORM
from tests.connections.factories import ConnectionFactory

pytestmark = pytest.mark.django_db(transaction=True)
ORDERS, BULK = settings.Q_CLUSTER["name"], settings.Q_BULK_CLUSTER


def keys() -> dict:
    return {item.task["func"].rsplit(".", 1)[-1]: item.key for item in OrmQ.objects.all()}


def test_an_announced_order_goes_to_the_orders_queue_and_fan_out_work_to_the_bulk_queue():
    ConnectionFactory(status="active", export_order="registered")  # the poller takes it
    intake.announce(ConnectionFactory().pk, "901", source="webhook")
    tasks.poll_all()
    queued = keys()
    assert queued["process_transfer"] == ORDERS
    assert queued["poll_connection"] == BULK


def test_an_order_a_poll_catches_up_on_runs_on_the_bulk_queue_so_a_catch_up_never_delays_webhooks():
    intake.enqueue(1, bulk=True)
    intake.enqueue(2)
    assert sorted(OrmQ.objects.values_list("key", flat=True)) == sorted([BULK, ORDERS])


def test_fan_out_schedules_run_on_the_bulk_scheduler_and_their_first_runs_are_spread_out():
    Schedule.objects.all().delete()
    schedules.ensure_schedules()
    rows = {s.name: s for s in Schedule.objects.all()}
    assert rows["order sweeper"].cluster is None and rows["worker heartbeat"].cluster is None  # the orders' scheduler
    for name in ("order poller", "specter pull", "product export", "stock reconciliation"):
        assert rows[name].cluster == BULK
    first_runs = [s.next_run for s in rows.values() if s.cluster == BULK]
    assert len(set(first_runs)) == len(first_runs) and min(first_runs) > timezone.now()


def test_an_old_schedule_is_moved_to_the_bulk_scheduler_on_migrate():
    Schedule.objects.all().delete()
    Schedule.objects.create(
        name="order poller", func="syncflows.tasks.poll_all", schedule_type=Schedule.MINUTES, minutes=2
    )
    schedules.ensure_schedules()
    assert Schedule.objects.get(name="order poller").cluster == BULK


def test_the_broker_gives_out_the_oldest_task_first_even_after_rows_were_rewritten():
    for n in range(30):
        async_task("syncflows.tasks.heartbeat", n, cluster=ORDERS)
    first = list(OrmQ.objects.order_by("id").values_list("id", flat=True))
    # A claim that expired rewrites a row: on PostgreSQL its new version lands at the heap's end,
    # where a select without ORDER BY meets it last. Rewrite the oldest rows, as that would.
    past = timezone.now() - timedelta(seconds=1)
    for pk in first[:10]:
        OrmQ.objects.filter(pk=pk).update(lock=past)
    broker = OrderedORM(list_key=ORDERS)
    taken = [broker.dequeue()[0][0] for _ in range(3)]
    assert taken == first[:3]


def test_a_task_given_out_is_not_given_out_again_until_its_claim_expires():
    async_task("syncflows.tasks.heartbeat", cluster=ORDERS)
    broker = OrderedORM(list_key=ORDERS)
    assert len(broker.dequeue()) == 1
    assert OrmQ.objects.get().lock > timezone.now() + timedelta(seconds=Conf.RETRY - 5)
    assert OrmQ.objects.filter(key=ORDERS, lock__lt=timezone.now()).count() == 0


def test_the_bulk_cluster_reads_its_own_queue_with_the_orders_rules():
    probe = (
        "import django; django.setup(); from django_q.conf import Conf; "
        "print(Conf.CLUSTER_NAME, Conf.TIMEOUT, Conf.RETRY, Conf.MAX_ATTEMPTS, Conf.ACK_FAILURES, Conf.WORKERS, "
        "Conf.BROKER_CLASS)"
    )
    env = {**os.environ, "Q_CLUSTER_NAME": BULK, "DJANGO_SETTINGS_MODULE": "integrator.settings.test"}
    out = subprocess.run(
        [sys.executable, "-c", probe], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, check=True
    ).stdout.split()
    name, timeout, retry, attempts, ack, workers, broker = out[-7:]
    assert name == BULK != ORDERS and int(retry) >= int(timeout) + 60 and attempts == "1" and ack == "True"
    assert int(workers) == settings.Q_BULK_WORKERS and broker == "syncflows.queues.OrderedORM"


def test_a_run_that_ends_waiting_briefly_is_queued_again_for_the_moment_it_is_due_not_the_sweepers_minute():
    from tests.syncflows.factories import TransferFactory

    soon = timezone.now() + timedelta(seconds=7)
    transfer = TransferFactory(state="retry_wait", next_attempt_at=soon)
    assert intake.requeue_when_due(transfer.pk)
    row = OrmQ.objects.get()
    assert (row.key, row.task["args"], row.lock) == (ORDERS, (transfer.pk,), soon)
    assert OrderedORM(list_key=ORDERS).dequeue() is None  # not given out before it is due


def test_a_long_wait_is_left_to_the_sweeper():
    from tests.syncflows.factories import TransferFactory

    transfer = TransferFactory(state="retry_wait", next_attempt_at=timezone.now() + timedelta(hours=1))
    assert not intake.requeue_when_due(transfer.pk)
    assert not OrmQ.objects.exists()
