"""Calendar arithmetic for billing, in Europe/Stockholm (settings.TIME_ZONE).

A billing month is identified by its first day (a date). An instant belongs to the month of its
local date, so 23:30 UTC on 31 March is already April in Stockholm, daylight saving or not.
"""

import calendar
from datetime import date, datetime

from django.utils import timezone


def month_of(at: datetime | date) -> date:
    """The billing month (first day) of an aware instant (in Stockholm time) or of a date."""
    day = timezone.localtime(at).date() if isinstance(at, datetime) else at
    return day.replace(day=1)


def last_day(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months, clamped to the target month's length (31 Jan + 1 = 28/29 Feb)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_back(month: date, count: int) -> list[date]:
    """The `count` billing months ending with `month`, oldest first."""
    return [add_months(month, -offset) for offset in range(count - 1, -1, -1)]


def parse_month(text: str | None, default: date) -> date:
    """'2026-03' → date(2026, 3, 1); anything unreadable → `default`."""
    try:
        year, month = (int(part) for part in (text or "").split("-")[:2])
        return date(year, month, 1)
    except ValueError:
        return default
