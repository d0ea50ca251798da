"""Keep each connection under Starweb's 1000 requests a minute, across every worker and machine.

A counter per connection and minute in the database, raised by a conditional UPDATE that fails
when the minute is full; then the caller gets RateLimited with the seconds to the next minute,
so the ledger reschedules the work instead of a worker sleeping on it.

To keep the hot path at a fraction of a query per request, a process reserves requests from the
shared counter in blocks and spends them locally. A process that dies with a block unspent only
makes the counter overstate, so the limit still holds; the block is small against the limit.
"""

import threading
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from ..errors import RateLimited
from ..models import RateWindow

# Starweb allows 1000 a minute per API user; we stop short to leave room for clock skew.
LIMIT_PER_MINUTE = 950
BLOCK = 10

_lock = threading.Lock()
_reserved: dict[tuple, int] = {}  # (connection id, window start) -> requests reserved, not yet spent


def take(connection_id, *, now=None, limit: int = LIMIT_PER_MINUTE) -> None:
    """Count one request now. Raises RateLimited(wait=seconds to the next minute) when full."""
    now = now or timezone.now()
    window = now.replace(second=0, microsecond=0)
    key = (str(connection_id), window)
    with _lock:
        if _reserved.get(key, 0) > 0:
            _reserved[key] -= 1
            return
        for stale in [k for k in _reserved if k[1] < window]:
            del _reserved[stale]
    got = _reserve(connection_id, window, now, limit)
    with _lock:
        _reserved[key] = _reserved.get(key, 0) + got - 1


def _reserve(connection_id, window, now, limit: int) -> int:
    """Reserve a block (or, near the limit, one) request in the shared counter; returns how many,
    or raises RateLimited. One statement on the usual path, three when the minute is new or full."""
    rows = RateWindow.objects.filter(connection_id=connection_id, window_start=window)
    if rows.filter(count__lte=limit - BLOCK).update(count=F("count") + BLOCK):
        return BLOCK
    current = rows.values_list("count", flat=True).first()
    if current is None:
        first = min(BLOCK, limit)
        try:
            with transaction.atomic():
                RateWindow.objects.create(connection_id=connection_id, window_start=window, count=first)
            return first
        except IntegrityError:  # another process opened the minute first
            pass
    if rows.filter(count__lt=limit).update(count=F("count") + 1):
        return 1
    wait = 60 - (now - window).total_seconds()
    raise RateLimited("starweb: our own limit of requests a minute is reached", system="starweb", wait=max(1.0, wait))


def forget_old(now=None) -> int:
    """Delete counters of minutes long gone (the sweeper calls this); returns how many."""
    now = now or timezone.now()
    return RateWindow.objects.filter(window_start__lt=now - timedelta(minutes=5)).delete()[0]
