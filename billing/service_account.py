"""The service account month by month: hours bought (start package, hour packs) and worked.

Our reading where the sources are silent: the account may go below zero (the work is done); what
is below zero at a month's end is billed on that month's invoice at the ordinary hourly rate
(billing.packages.HOURLY_RATE) and the account starts the next month at zero.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from .models import HourPurchase, Merchant, WorkLog
from .periods import add_months, month_of


@dataclass(frozen=True)
class AccountMonth:
    month: date
    bought: int  # minutes
    worked: int
    balance: int  # at the month's end, before anything is billed (negative: to bill)

    @property
    def to_bill(self) -> int:
        return max(-self.balance, 0)


def months(merchant: Merchant, until: date) -> list[AccountMonth]:
    """Every month from the first purchase or work up to `until`'s month (two queries)."""
    bought, worked = defaultdict(int), defaultdict(int)
    for day, hours in HourPurchase.objects.filter(merchant=merchant).values_list("purchased_on", "hours"):
        bought[month_of(day)] += int(hours * 60)
    for day, minutes in WorkLog.objects.filter(merchant=merchant).values_list("worked_on", "minutes"):
        worked[month_of(day)] += minutes
    seen = sorted(set(bought) | set(worked))
    rows, carried = [], 0
    if not seen:
        return rows
    month, last = seen[0], max(month_of(until), seen[-1])
    while month <= last:
        balance = carried + bought[month] - worked[month]
        rows.append(AccountMonth(month, bought[month], worked[month], balance))
        carried = max(balance, 0)
        month = add_months(month, 1)
    return rows


def month_to_bill(merchant: Merchant, month: date) -> int:
    """Minutes below zero at `month`'s end: billed on that month's invoice."""
    return next((row.to_bill for row in months(merchant, month) if row.month == month), 0)


def balance_minutes(merchant: Merchant, on: date | None = None) -> int:
    """The balance now: what earlier months left (billed deficits cleared) plus this month so far."""
    current = month_of(on or timezone.localdate())
    return next((row.balance for row in months(merchant, current) if row.month == current), 0)
