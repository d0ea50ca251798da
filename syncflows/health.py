"""Health checks for /health/ (django-health-check): is background work flowing?"""

import dataclasses
from datetime import timedelta

from django.conf import settings
from django.db.models import Max, Min
from django.utils import timezone
from django_q.models import OrmQ
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable

from .models import WorkerHeartbeat


@dataclasses.dataclass
class QueueBacklog(HealthCheck):
    """Fails when the oldest task waiting in the ORM broker has waited longer than allowed.

    A waiting row's `lock` is the time it was queued (or its claim expired), so one MIN query tells.
    Long work waits its turn behind a sync that may run an hour: its queue may be older by that much
    before it means the cluster for long work is not running.
    """

    def run(self):
        now = timezone.now()
        waiting = OrmQ.objects.filter(lock__lte=now)
        long_key, bulk_key = settings.Q_LONG_CLUSTER, settings.Q_BULK_CLUSTER
        queues = (
            ("queued task", waiting.exclude(key__in=[long_key, bulk_key]), settings.HEALTH_MAX_QUEUE_AGE),
            ("bulk task", waiting.filter(key=bulk_key), settings.HEALTH_MAX_QUEUE_AGE),
            (
                "long-work task",
                waiting.filter(key=long_key),
                settings.HEALTH_MAX_QUEUE_AGE + timedelta(seconds=settings.Q_LONG_TIMEOUT),
            ),
        )
        for what, queue, allowed in queues:
            oldest = queue.aggregate(oldest=Min("lock"))["oldest"]
            if oldest is not None and now - oldest > allowed:
                raise ServiceUnavailable(f"oldest {what} has waited {int((now - oldest).total_seconds())} s")


@dataclasses.dataclass
class WorkerHeartbeatCheck(HealthCheck):
    """Fails when no worker has executed its heartbeat task recently (or ever)."""

    def run(self):
        last = WorkerHeartbeat.objects.aggregate(last=Max("beat_at"))["last"]
        if last is None:
            raise ServiceUnavailable("no worker has reported yet")
        age = timezone.now() - last
        if age > settings.HEALTH_MAX_HEARTBEAT_AGE:
            raise ServiceUnavailable(f"last worker heartbeat {int(age.total_seconds())} s ago")
