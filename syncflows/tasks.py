"""django-q2 tasks: thin, idempotent, ids only as arguments (design.md §5)."""

import socket

from django.utils import timezone

from .models import WorkerHeartbeat


def heartbeat() -> None:
    """Record that a worker on this host executed a task just now."""
    WorkerHeartbeat.objects.update_or_create(host=socket.gethostname(), defaults={"beat_at": timezone.now()})
