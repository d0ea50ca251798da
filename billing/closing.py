"""Closing a billing month once it is invoiced: every merchant's figures and invoice lines are
frozen (MonthStatement), so the month's dashboard, CSV and invoice previews never change again.
What arrives for it later is invoiced in the next open month (billing/invoice.py, adjustments).

Months close in order, and only once they have ended: a month can close when it is the one after
the latest closed month (or any ended month when none is closed yet).
"""

from datetime import date

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .invoice import invoice_preview
from .models import ClosedMonth, HourPurchase, Merchant, MonthlyUsage, MonthStatement, Subscription, WorkLog
from .periods import add_months, last_day, month_of

CLOSED_KEY = "billing:closed-months"


def closed_months() -> frozenset[date]:
    """The closed months (cached: the dashboard reads them on every request without a query)."""
    months = cache.get(CLOSED_KEY)
    if months is None:
        months = frozenset(ClosedMonth.objects.values_list("month", flat=True))
        cache.set(CLOSED_KEY, months, 300)
    return months


def is_closed(month: date) -> bool:
    return month in closed_months()


def closable(today: date | None = None) -> date | None:
    """The month a billing admin may close next, or None."""
    current = month_of(today or timezone.localdate())
    latest = max(closed_months(), default=None)
    candidate = add_months(latest, 1) if latest else add_months(current, -1)
    return candidate if candidate < current else None


def refusal(month: date, today: date | None = None) -> str:
    """Why `month` cannot be closed now ('' when it can)."""
    current = month_of(today or timezone.localdate())
    if ClosedMonth.objects.filter(month=month).exists():
        return _("This month is already closed.")
    if month >= current:
        return _("A month can be closed once it has ended.")
    latest = ClosedMonth.objects.order_by("-month").values_list("month", flat=True).first()
    if latest and month != add_months(latest, 1):
        return _("Months are closed in order: close %(month)s first.") % {
            "month": add_months(latest, 1).strftime("%Y-%m")
        }
    return ""


def _merchants_of(month: date):
    end = last_day(month)
    ids = set(
        Subscription.objects.filter(start_date__lte=end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=month))
        .values_list("merchant_id", flat=True)
    )
    ids |= set(MonthlyUsage.objects.filter(month=month).values_list("merchant_id", flat=True))
    ids |= set(HourPurchase.objects.filter(purchased_on__range=(month, end)).values_list("merchant_id", flat=True))
    ids |= set(WorkLog.objects.filter(worked_on__range=(month, end)).values_list("merchant_id", flat=True))
    # a customer who left may still have adjustments for the month before
    ids |= set(MonthStatement.objects.filter(month=add_months(month, -1)).values_list("merchant_id", flat=True))
    return Merchant.objects.filter(pk__in=ids)


@transaction.atomic
def close(month: date, user=None, today: date | None = None) -> int:
    """Freeze `month` for every merchant billed in it. Returns how many statements were written.

    Raises ValidationError when the month cannot be closed (see `refusal`).
    """
    month = month.replace(day=1)
    reason = refusal(month, today)
    if reason:
        raise ValidationError(reason)
    statements = []
    for merchant in _merchants_of(month):
        invoice = invoice_preview(merchant, month)
        if not invoice.lines and not invoice.orders:
            continue
        amounts = {
            key: sum((line.amount for line in invoice.lines if line.key == key), 0)
            for key in ("fee", "extra_shops", "overage")
        }
        subscription = invoice.subscription
        statements.append(
            MonthStatement(
                merchant=merchant,
                month=month,
                package_code=subscription.package.code if subscription else "",
                package_name=invoice.package_name,
                orders=invoice.orders,
                quota=invoice.quota,
                overage=invoice.overage,
                used_pct=(invoice.orders * 100.0 / invoice.quota) if invoice.quota else None,
                extra_shops=subscription.extra_shops if subscription else 0,
                monthly_fee=amounts["fee"],
                extra_shops_fee=amounts["extra_shops"],
                overage_fee=amounts["overage"],
                revenue=sum(amounts.values()),
                hours_minutes=invoice.service_minutes,
                net=invoice.net,
                lines=[line.as_json() for line in invoice.lines],
            )
        )
    MonthStatement.objects.bulk_create(statements)
    ClosedMonth.objects.create(month=month, closed_by=user)
    transaction.on_commit(lambda: cache.delete(CLOSED_KEY))
    cache.delete(CLOSED_KEY)
    return len(statements)
