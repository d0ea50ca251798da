"""Counting transferred orders for billing (design.md §3 rule 4).

`record_transfer` is called by the order ledger inside the very transaction that marks an order as
sent, so the count can never drift from the ledger, and the unique key makes a second call for the
same order a no-op: an order is billed once, whatever retries and workers do.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from .entitlements import subscription_for_month
from .models import MonthlyUsage, OrderUsage
from .periods import month_of


@dataclass(frozen=True)
class Recorded:
    """What counting one order found: its month, the month's count with it, the quota, and
    whether it is over the quota (None quota: a quoted deal without one, never over)."""

    usage: OrderUsage
    month: date
    month_count: int
    quota: int | None

    @property
    def overage(self) -> bool:
        return self.quota is not None and self.month_count > self.quota


_LOOK_UP = object()


def record_transfer(
    *, merchant_id, connection_id, order_id: str, order_number: str = "", at: datetime | None = None, quota=_LOOK_UP
) -> Recorded | None:
    """Count one transferred order. Must run inside the caller's transaction.

    Returns what was recorded, or None when this (connection, order) was already counted.
    `quota` (the month's, None for none) may be passed by a caller that already read it.

    1. The billing month is the transfer's date in Europe/Stockholm.
    2. Insert the OrderUsage row with ON CONFLICT DO NOTHING: no row back means it was counted
       before (no savepoint, so the hot path stays at two statements).
    3. Add one to the month's MonthlyUsage row and read the new count in the same statement
       (created on the month's first order; a concurrent creator makes us fall back to the increment).
    4. Compare the count with the quota of the month's package; mark the row if it is over.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_transfer must run inside the transaction that marks the order sent")
    at = at or timezone.now()
    month = month_of(at)
    usage = OrderUsage(
        merchant_id=merchant_id,
        connection_id=connection_id,
        order_id=str(order_id),
        order_number=order_number,
        month=month,
        transferred_at=at,
    )
    usage.pk = _insert_once(usage)
    if usage.pk is None:
        return None
    count = _increment(merchant_id, month)
    if quota is _LOOK_UP:
        subscription = subscription_for_month(merchant_id, month)
        quota = subscription.orders_per_month_in(month) if subscription else 0
    recorded = Recorded(usage=usage, month=month, month_count=count, quota=quota)
    if recorded.overage:
        OrderUsage.objects.filter(pk=usage.pk).update(overage=True)
        usage.overage = True
    return recorded


def _insert_once(usage: OrderUsage):
    """INSERT … ON CONFLICT DO NOTHING RETURNING id (PostgreSQL and SQLite ≥ 3.35): the new id, or None."""
    db = transaction.get_connection()
    fields = [f for f in OrderUsage._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(db.ops.quote_name(f.column) for f in fields)
    values = [f.get_db_prep_save(f.pre_save(usage, True), db) for f in fields]
    table = db.ops.quote_name(OrderUsage._meta.db_table)
    with db.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))}) "
            "ON CONFLICT DO NOTHING RETURNING id",
            values,
        )
        row = cursor.fetchone()
    return row[0] if row else None


def month_count(merchant_id, month: date) -> int:
    """Orders counted for a merchant's month so far (0 before the first)."""
    return (
        MonthlyUsage.objects.filter(merchant_id=merchant_id, month=month).values_list("orders", flat=True).first() or 0
    )


def _increment(merchant_id, month: date) -> int:
    """Add one to the month's count and return the new count."""
    count = _bump(merchant_id, month)
    if count is not None:
        return count
    try:
        with transaction.atomic():
            MonthlyUsage.objects.create(merchant_id=merchant_id, month=month, orders=1)
            return 1
    except IntegrityError:  # another transfer opened the month first
        return _bump(merchant_id, month)


def _bump(merchant_id, month: date) -> int | None:
    """UPDATE … RETURNING: the new count, or None when the month has no row yet."""
    db = transaction.get_connection()
    table = db.ops.quote_name(MonthlyUsage._meta.db_table)
    sql = f"UPDATE {table} SET orders = orders + 1 WHERE merchant_id = %s AND month = %s RETURNING orders"
    params = [
        MonthlyUsage._meta.get_field("merchant").get_db_prep_value(merchant_id, db),
        MonthlyUsage._meta.get_field("month").get_db_prep_value(month, db),
    ]
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None
