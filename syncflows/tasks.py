"""django-q2 tasks: thin, idempotent, ids only as arguments (design.md §5)."""

import socket

from django.utils import timezone
from django_q.tasks import async_task

from .models import WorkerHeartbeat


def heartbeat() -> None:
    """Record that a worker on this host executed a task just now."""
    WorkerHeartbeat.objects.update_or_create(host=socket.gethostname(), defaults={"beat_at": timezone.now()})


def beat_on_spawn(**_signal_kwargs) -> None:
    """A new worker process queues one heartbeat through the real broker, so /health/ turns green
    seconds after start instead of after the scheduler's first pass (about 30 s)."""
    async_task("syncflows.tasks.heartbeat")
