"""History past its retention is purged in batches; the ledger and the billing counts never are."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_q.models import Task

from billing.models import OrderUsage
from syncflows import retention
from syncflows.models import SyncRun, Transfer, TransferAttempt
from tests.syncflows.factories import TransferFactory

pytestmark = pytest.mark.django_db
State = Transfer.State


def attempt(transfer, days_ago):
    return TransferAttempt.objects.create(
        transfer=transfer, phase="fetch", outcome="ok", started_at=timezone.now() - timedelta(days=days_ago)
    )


def usage(transfer):
    return OrderUsage.objects.create(
        merchant=transfer.connection.merchant,
        connection_id=transfer.connection_id,
        order_id=transfer.starweb_order_id,
        month=timezone.localdate().replace(day=1),
        transferred_at=timezone.now() - timedelta(days=200),
    )


def test_old_history_goes_and_recent_history_stays(settings):
    settings.HISTORY_RETENTION_DAYS = 90
    done = TransferFactory(state=State.DONE)
    old, recent = attempt(done, 91), attempt(done, 89)
    Task.objects.create(
        id="old",
        name="old",
        func="x",
        started=timezone.now() - timedelta(days=100),
        stopped=timezone.now() - timedelta(days=100),
        success=True,
    )
    Task.objects.create(id="new", name="new", func="x", started=timezone.now(), stopped=timezone.now(), success=True)
    run = SyncRun.objects.create(connection=done.connection, kind="stock")
    SyncRun.objects.filter(pk=run.pk).update(started_at=timezone.now() - timedelta(days=120))
    deleted = retention.purge()
    assert deleted == {"timeline": 1, "tasks": 1, "catalogue runs": 1, "callbacks": 0}
    assert list(TransferAttempt.objects.values_list("pk", flat=True)) == [recent.pk]
    assert list(Task.objects.values_list("id", flat=True)) == ["new"]
    assert not SyncRun.objects.exists() and old.pk not in TransferAttempt.objects.values_list("pk", flat=True)


def test_the_ledger_and_billing_are_never_purged_and_a_waiting_order_keeps_its_timeline():
    done, stuck = TransferFactory(state=State.DONE), TransferFactory(state=State.NEEDS_ATTENTION)
    Transfer.objects.update(created_at=timezone.now() - timedelta(days=400))
    usage(done)
    kept = attempt(stuck, 300)
    attempt(done, 300)
    retention.purge()
    assert Transfer.objects.count() == 2 and OrderUsage.objects.count() == 1
    assert list(TransferAttempt.objects.values_list("pk", flat=True)) == [kept.pk]


def test_the_purge_works_in_batches_and_stops_when_its_time_is_up():
    done = TransferFactory(state=State.DONE)
    TransferAttempt.objects.bulk_create(
        [
            TransferAttempt(transfer=done, phase="fetch", outcome="ok", started_at=timezone.now() - timedelta(days=100))
            for _ in range(25)
        ]
    )
    assert retention.purge(batch=10, max_seconds=0)["timeline"] == 0  # no time: nothing deleted, the next run goes on
    assert retention.purge(batch=10)["timeline"] == 25
    assert not TransferAttempt.objects.exists()


def test_the_command_prints_what_it_purged_and_how_fast():
    out = StringIO()
    call_command("purge_history", stdout=out)
    assert "rows in" in out.getvalue() and "rows/s, batches of 1000" in out.getvalue()
