"""The periodic work, kept in step with the code after every migrate (idempotent)."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_q.models import Schedule

ORDERS, BULK = "orders", "bulk"

# name -> (function, minutes between runs, cluster, first run this long after creation).
# Frequent schedules never catch up (Q_CLUSTER catch_up=False). The heartbeat and the sweeper stay
# with the orders (they are what keeps orders moving); everything that fans out runs on the bulk
# cluster's own scheduler. First runs are spread out, so a fresh install's first scheduler pass
# does not start every fan-out at once.
SCHEDULES = {
    "worker heartbeat": ("syncflows.tasks.heartbeat", 1, ORDERS, timedelta(0)),
    "order sweeper": ("syncflows.tasks.sweep", 1, ORDERS, timedelta(0)),
    "order poller": ("syncflows.tasks.poll_all", 2, BULK, timedelta(minutes=1)),
    "specter pull": ("syncflows.tasks.pull_all_specter", 5, BULK, timedelta(minutes=2)),
    "product export": ("syncflows.tasks.export_changed_all", 15, BULK, timedelta(minutes=4)),
    "stock reconciliation": ("syncflows.tasks.reconcile_stock_all", 24 * 60, BULK, timedelta(hours=1)),
    "needs-attention digest": ("syncflows.tasks.daily_digest", 24 * 60, BULK, timedelta(hours=2)),
    "history purge": ("syncflows.tasks.purge_history", 24 * 60, BULK, timedelta(hours=3)),
}


def cluster_of(which: str) -> str | None:
    # None is django-q2's "the default cluster's scheduler": the orders' cluster.
    return settings.Q_BULK_CLUSTER if which == BULK else None


def ensure_schedules(**_signal_kwargs) -> None:
    now = timezone.now()
    for name, (func, minutes, which, first_after) in SCHEDULES.items():
        cluster = cluster_of(which)
        schedule, created = Schedule.objects.get_or_create(
            name=name,
            defaults={
                "func": func,
                "schedule_type": Schedule.MINUTES,
                "minutes": minutes,
                "repeats": -1,
                "cluster": cluster,
                "next_run": now + first_after,
            },
        )
        if not created and (schedule.func, schedule.minutes, schedule.cluster) != (func, minutes, cluster):
            schedule.func, schedule.minutes, schedule.schedule_type, schedule.cluster = (
                func,
                minutes,
                Schedule.MINUTES,
                cluster,
            )
            schedule.save(update_fields=["func", "minutes", "schedule_type", "cluster"])
