"""Keep each connection under Starweb's 1000 requests a minute, across every worker and machine.

A counter per connection and minute in the database, raised by a conditional UPDATE that fails
when the minute is full; then the caller gets RateLimited with the seconds to the next minute,
so the ledger reschedules the work instead of a worker sleeping on it.
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from ..errors import RateLimited
from ..models import RateWindow

# Starweb allows 1000 a minute per API user; we stop short to leave room for clock skew.
LIMIT_PER_MINUTE = 950


def take(connection_id, *, now=None, limit: int = LIMIT_PER_MINUTE) -> None:
    """Count one request now. Raises RateLimited(wait=seconds to the next minute) when full."""
    now = now or timezone.now()
    window = now.replace(second=0, microsecond=0)
    counted = RateWindow.objects.filter(connection_id=connection_id, window_start=window, count__lt=limit)
    if counted.update(count=F("count") + 1):
        return
    if not RateWindow.objects.filter(connection_id=connection_id, window_start=window).exists():
        try:
            with transaction.atomic():
                RateWindow.objects.create(connection_id=connection_id, window_start=window, count=1)
            RateWindow.objects.filter(connection_id=connection_id, window_start__lt=window - timedelta(minutes=5)).delete()
            return
        except IntegrityError:
            if counted.update(count=F("count") + 1):
                return
    wait = 60 - (now - window).total_seconds()
    raise RateLimited("starweb: our own limit of requests a minute is reached", system="starweb", wait=max(1.0, wait))
