"""Health checks for /health/ (django-health-check): is background work flowing?"""

import dataclasses

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
    """

    def run(self):
        now = timezone.now()
        oldest = OrmQ.objects.filter(lock__lte=now).aggregate(oldest=Min("lock"))["oldest"]
        if oldest is not None and now - oldest > settings.HEALTH_MAX_QUEUE_AGE:
            raise ServiceUnavailable(f"oldest queued task has waited {int((now - oldest).total_seconds())} s")


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
