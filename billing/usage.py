"""Counting transferred orders for billing (design.md §3 rule 4).

`record_transfer` is called by the order ledger inside the very transaction that marks an order as
sent, so the count can never drift from the ledger, and the unique key makes a second call for the
same order a no-op: an order is billed once, whatever retries and workers do.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import F
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


def record_transfer(*, merchant_id, connection_id, order_id: str, order_number: str = "", at: datetime | None = None) -> Recorded | None:
    """Count one transferred order. Must run inside the caller's transaction.

    Returns what was recorded, or None when this (connection, order) was already counted.

    1. The billing month is the transfer's date in Europe/Stockholm.
    2. Insert the OrderUsage row in a savepoint; a unique violation means it was counted before.
    3. Add one to the month's MonthlyUsage row (created on the month's first order; a concurrent
       creator makes us fall back to the increment).
    4. Read the month's count and compare it with the quota of the month's package.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_transfer must run inside the transaction that marks the order sent")
    at = at or timezone.now()
    month = month_of(at)
    try:
        with transaction.atomic():
            usage = OrderUsage.objects.create(
                merchant_id=merchant_id, connection_id=connection_id, order_id=str(order_id),
                order_number=order_number, month=month, transferred_at=at,
            )
    except IntegrityError:
        return None
    _increment(merchant_id, month)
    count = MonthlyUsage.objects.filter(merchant_id=merchant_id, month=month).values_list("orders", flat=True).get()
    subscription = subscription_for_month(merchant_id, month)
    quota = subscription.orders_per_month if subscription else 0
    recorded = Recorded(usage=usage, month=month, month_count=count, quota=quota)
    if recorded.overage:
        OrderUsage.objects.filter(pk=usage.pk).update(overage=True)
    return recorded


def _increment(merchant_id, month: date) -> None:
    if MonthlyUsage.objects.filter(merchant_id=merchant_id, month=month).update(orders=F("orders") + 1):
        return
    try:
        with transaction.atomic():
            MonthlyUsage.objects.create(merchant_id=merchant_id, month=month, orders=1)
    except IntegrityError:
        MonthlyUsage.objects.filter(merchant_id=merchant_id, month=month).update(orders=F("orders") + 1)
