"""The periodic work, kept in step with the code after every migrate (idempotent)."""

from django.utils import timezone
from django_q.models import Schedule

# name -> (function, minutes between runs). Frequent schedules never catch up (Q_CLUSTER catch_up=False).
SCHEDULES = {
    "worker heartbeat": ("syncflows.tasks.heartbeat", 1),
    "order sweeper": ("syncflows.tasks.sweep", 1),
    "order poller": ("syncflows.tasks.poll_all", 2),
    "specter pull": ("syncflows.tasks.pull_all_specter", 5),
    "product export": ("syncflows.tasks.export_changed_all", 15),
    "stock reconciliation": ("syncflows.tasks.reconcile_stock_all", 24 * 60),
    "needs-attention digest": ("syncflows.tasks.daily_digest", 24 * 60),
}


def ensure_schedules(**_signal_kwargs) -> None:
    for name, (func, minutes) in SCHEDULES.items():
        schedule, created = Schedule.objects.get_or_create(
            name=name,
            defaults={
                "func": func,
                "schedule_type": Schedule.MINUTES,
                "minutes": minutes,
                "repeats": -1,
                "next_run": timezone.now(),  # first run as soon as a worker starts
            },
        )
        if not created and (schedule.func, schedule.minutes) != (func, minutes):
            schedule.func, schedule.minutes, schedule.schedule_type = func, minutes, Schedule.MINUTES
            schedule.save(update_fields=["func", "minutes", "schedule_type"])
