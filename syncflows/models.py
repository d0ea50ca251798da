"""What moves and what happened. The transfer ledger arrives with the orders issue."""

from django.db import models


class WorkerHeartbeat(models.Model):
    """One row per worker host, touched by a scheduled task: proof that tasks really run.

    A cluster process that is alive but executes nothing does not beat, which is the point.
    """

    host = models.CharField(max_length=255, unique=True)
    beat_at = models.DateTimeField()

    def __str__(self):
        return f"{self.host} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"
