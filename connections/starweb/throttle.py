"""Keep each connection under Starweb's 1000 requests a minute, across every worker and machine.

Starweb does not say whether its minute is the clock's or the last sixty seconds. Counting per clock
minute would allow 950 requests at 12:00:59 and 950 more at 12:01:00, which a sliding limit answers
with 429 and a minute's wait. So requests are counted in the database per connection and fifteen
seconds (a bucket), and a request goes only while this bucket and the four before it (up to 75
seconds) hold fewer than the limit: no sixty seconds ever see more, whichever way Starweb counts.
(Shorter buckets would count closer to sixty seconds, but every process opens each bucket of each
connection it serves and may leave part of its block unspent there: fifteen seconds keep both the
statements per order and that overstatement small.)
A full count raises RateLimited with the seconds until the oldest bucket that must go has aged
out, so the ledger reschedules the work instead of a worker sleeping on it.

To keep the hot path at a fraction of a query per request, a process reserves requests from the
shared counter in blocks and spends them locally. A process that dies with a block unspent only
makes the counter overstate, so the limit still holds; the block is small against the limit.
"""

import threading
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, IntegerField, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..errors import RateLimited
from ..models import RateWindow

# Starweb allows 1000 a minute per API user; we stop short to leave room for the merchant's other tools.
LIMIT_PER_MINUTE = 950
BLOCK = 10
BUCKET = timedelta(seconds=15)
SPAN = timedelta(seconds=60)  # the buckets before this one that count with it

_lock = threading.Lock()
_reserved: dict[tuple, int] = {}  # (connection id, bucket start) -> requests reserved, not yet spent


def bucket_of(now):
    return now.replace(second=now.second - now.second % BUCKET.seconds, microsecond=0)


def take(connection_id, *, now=None, limit: int = LIMIT_PER_MINUTE) -> None:
    """Count one request now. Raises RateLimited(wait=seconds until one fits) when full."""
    now = now or timezone.now()
    bucket = bucket_of(now)
    key = (str(connection_id), bucket)
    with _lock:
        if _reserved.get(key, 0) > 0:
            _reserved[key] -= 1
            return
        first_here = key not in _reserved  # this process's first request in this bucket
        for stale in [k for k in _reserved if k[1] < bucket]:
            del _reserved[stale]
    got = (first_here and _open(connection_id, bucket, limit)) or _reserve(connection_id, bucket, now, limit)
    with _lock:
        _reserved[key] = _reserved.get(key, 0) + got - 1


def _open(connection_id, bucket, limit: int) -> int:
    """Open the bucket with a block, in one statement, if nobody has and the earlier buckets leave
    room: INSERT … SELECT … WHERE ON CONFLICT DO NOTHING RETURNING (PostgreSQL, SQLite ≥ 3.35).
    Returns the block, or 0 (opened already, or too full: the caller takes the usual path)."""
    db = transaction.get_connection()
    field = RateWindow._meta.get_field
    table, column = db.ops.quote_name(RateWindow._meta.db_table), db.ops.quote_name
    owner, started = (
        field("connection").get_db_prep_save(connection_id, db),
        field("window_start").get_db_prep_save(bucket, db),
    )
    since = field("window_start").get_db_prep_save(bucket - SPAN, db)
    block = min(BLOCK, limit)
    sql = (
        f"INSERT INTO {table} ({column('connection_id')}, {column('window_start')}, {column('count')}) "
        f"SELECT %s, %s, %s WHERE COALESCE((SELECT SUM({column('count')}) FROM {table} "
        f"WHERE {column('connection_id')} = %s "
        f"AND {column('window_start')} >= %s AND {column('window_start')} < %s), 0) <= %s "
        f"ON CONFLICT DO NOTHING RETURNING {column('count')}"
    )
    with db.cursor() as cursor:
        cursor.execute(sql, [owner, started, block, owner, since, started, limit - block])
        row = cursor.fetchone()
    return row[0] if row else 0


def _reserve(connection_id, bucket, now, limit: int) -> int:
    """Reserve a block (or, near the limit, one) request in the shared counter; returns how many,
    or raises RateLimited. One statement on the usual path, more when the bucket is new or full."""
    rows = RateWindow.objects.filter(connection_id=connection_id, window_start=bucket)
    earlier = RateWindow.objects.filter(
        connection_id=connection_id, window_start__gte=bucket - SPAN, window_start__lt=bucket
    )
    used_before = Coalesce(
        Subquery(earlier.values("connection_id").annotate(total=Sum("count")).values("total")[:1]),
        Value(0),
        output_field=IntegerField(),
    )
    if rows.filter(count__lte=Value(limit - BLOCK) - used_before).update(count=F("count") + BLOCK):
        return BLOCK
    before = sorted(earlier.values_list("window_start", "count"))
    current = rows.values_list("count", flat=True).first()
    room = limit - sum(count for _, count in before) - (current or 0)
    if current is None and room >= 1:
        try:
            with transaction.atomic():
                RateWindow.objects.create(connection_id=connection_id, window_start=bucket, count=min(BLOCK, room))
            return min(BLOCK, room)
        except IntegrityError:  # another process opened the bucket first
            pass
    if rows.filter(count__lte=Value(limit - 1) - used_before).update(count=F("count") + 1):
        return 1
    raise RateLimited(
        "starweb: our own limit of requests a minute is reached",
        system="starweb",
        wait=_wait([*before, (bucket, current or 0)], 1 - room, now),
    )


def _wait(counted: list, over: int, now) -> float:
    """Seconds until `over` requests of the counted buckets have aged out of the count (a bucket
    leaves it once the current bucket starts more than SPAN after it)."""
    freed = 0
    for started, count in counted:
        freed += count
        if freed >= over:
            return max(0.5, (started + SPAN + BUCKET - now).total_seconds())
    return (SPAN + BUCKET).total_seconds()


def forget_old(now=None) -> int:
    """Delete counters of buckets long gone (the sweeper calls this); returns how many."""
    now = now or timezone.now()
    return RateWindow.objects.filter(window_start__lt=now - timedelta(minutes=5)).delete()[0]
