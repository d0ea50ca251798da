"""What the data costs, and keeping it in bounds: history older than HISTORY_RETENTION_DAYS goes.

Every order leaves its ledger row, a timeline row per attempt, a task row per run and, in billing,
its usage row. The ledger row and the billing count are the record of what was sent and billed:
they are never purged here. The rest is history for reading and debugging; past the retention it
is deleted, oldest first, in small batches, each its own short transaction, so no lock is held
long and the order path never waits on a purge:

- timeline rows of orders that are done or not exported (an order still waiting or needing a
  person keeps its whole timeline, however old);
- django-q2's task results (successes and failures);
- catalogue runs (pulls, exports, reconciliations) and handled Specter callbacks.
"""

import time
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_q.models import Task

from .models import SpecterCallback, SyncRun, Transfer, TransferAttempt

BATCH = 1000
FINAL = [Transfer.State.DONE, Transfer.State.SKIPPED]


def cutoff(now=None):
    return (now or timezone.now()) - timedelta(days=settings.HISTORY_RETENTION_DAYS)


def purgeable(before) -> dict:
    """name -> queryset of what may go (ordered oldest first)."""
    return {
        "timeline": TransferAttempt.objects.filter(started_at__lt=before, transfer__state__in=FINAL).order_by(
            "started_at"
        ),
        "tasks": Task.objects.filter(stopped__lt=before).order_by("stopped"),
        "catalogue runs": SyncRun.objects.filter(started_at__lt=before).order_by("started_at"),
        "callbacks": SpecterCallback.objects.filter(received_at__lt=before, handled_at__isnull=False).order_by(
            "received_at"
        ),
    }


def purge(*, now=None, batch: int = BATCH, max_seconds: float = 300.0) -> dict:
    """Delete history past the retention, `batch` rows per statement, until done or `max_seconds`
    pass (the next run goes on). Returns rows deleted per kind."""
    started = time.monotonic()
    deleted = {}
    for name, rows in purgeable(cutoff(now)).items():
        deleted[name] = 0
        while time.monotonic() - started < max_seconds:
            ids = list(rows.values_list("pk", flat=True)[:batch])
            if not ids:
                break
            deleted[name] += rows.model.objects.filter(pk__in=ids).delete()[1].get(rows.model._meta.label, 0)
    return deleted


TABLES = {  # what an order leaves behind, table by table
    "ledger": Transfer,
    "timeline": TransferAttempt,
    "tasks": Task,
}


def bytes_per_order() -> dict:
    """PostgreSQL: the on-disk bytes (with indexes and TOAST) of each table an order writes, over
    the orders transferred. Includes the billing usage rows. {} elsewhere."""
    from billing.models import OrderUsage

    if connection.vendor != "postgresql":
        return {}
    orders = Transfer.objects.filter(sent_at__isnull=False).count()
    if not orders:
        return {}
    sizes = {}
    with connection.cursor() as cursor:
        for name, model in {**TABLES, "billing usage": OrderUsage}.items():
            cursor.execute("SELECT pg_total_relation_size(%s)", [model._meta.db_table])
            sizes[name] = cursor.fetchone()[0] / orders
    sizes["orders"] = orders
    return sizes
