"""Keep each connection under Starweb's 1000 requests a minute, across every worker and machine.

A counter per connection and minute in the database, raised by a conditional UPDATE that fails
when the minute is full; then the caller gets RateLimited with the seconds until there is room,
so the ledger reschedules the work instead of a worker sleeping on it.

Starweb does not say whether its minute is the clock's or the last sixty seconds. Counting per
clock minute alone would allow 950 requests at 12:00:59 and 950 more at 12:01:00, which a sliding
limit answers with 429 and a minute's wait; so the previous minute's count is carried into this
one in proportion to how much of it is still within sixty seconds (the sliding-window counter):
no sixty seconds see much more than the limit, whichever way Starweb counts.

To keep the hot path at a fraction of a query per request, a process reserves requests from the
shared counter in blocks and spends them locally. A process that dies with a block unspent only
makes the counter overstate, so the limit still holds; the block is small against the limit.
"""

import threading
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, FloatField, Subquery, Value
from django.db.models.functions import Coalesce
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
    or raises RateLimited. One statement on the usual path, more when the minute is new or full."""
    rows = RateWindow.objects.filter(connection_id=connection_id, window_start=window)
    still_counting = 1 - (now - window).total_seconds() / 60  # the share of last minute within sixty seconds
    previous = RateWindow.objects.filter(connection_id=connection_id, window_start=window - timedelta(minutes=1)).values("count")[:1]
    carried = Coalesce(Subquery(previous), Value(0), output_field=FloatField()) * Value(still_counting, output_field=FloatField())
    if rows.filter(count__lte=Value(limit - BLOCK, output_field=FloatField()) - carried).update(count=F("count") + BLOCK):
        return BLOCK
    current = rows.values_list("count", flat=True).first()
    before = RateWindow.objects.filter(connection_id=connection_id, window_start=window - timedelta(minutes=1)).values_list("count", flat=True).first() or 0
    room = limit - before * still_counting
    if current is None and room >= 1:
        first = int(min(BLOCK, room))
        try:
            with transaction.atomic():
                RateWindow.objects.create(connection_id=connection_id, window_start=window, count=first)
            return first
        except IntegrityError:  # another process opened the minute first
            pass
    if rows.filter(count__lte=Value(limit - 1, output_field=FloatField()) - carried).update(count=F("count") + 1):
        return 1
    raise RateLimited("starweb: our own limit of requests a minute is reached", system="starweb",
                      wait=_wait(current or 0, before, now, window, limit))


def _wait(current: int, before: int, now, window, limit: int) -> float:
    """Seconds until one more request fits: the previous minute slides out at before/60 a second;
    at the latest, the next minute (when this one's count starts to slide out instead)."""
    to_next_minute = 60 - (now - window).total_seconds()
    if current < limit and before:
        still_counting = 1 - (now - window).total_seconds() / 60
        over = current + before * still_counting + 1 - limit
        return max(1.0, min(to_next_minute, over / (before / 60)))
    return max(1.0, to_next_minute)


def forget_old(now=None) -> int:
    """Delete counters of minutes long gone (the sweeper calls this); returns how many."""
    now = now or timezone.now()
    return RateWindow.objects.filter(window_start__lt=now - timedelta(minutes=5)).delete()[0]
