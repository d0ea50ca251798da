"""Subscription changes: binding period, notice and cancellation, upgrades and downgrades from a date.

Rules (domain.md "Packages"): a subscription binds for the package's binding period (3 months,
Premium 12) from its start; notice is one month. Our reading, stated once here: a cancellation
ends the subscription on the last day of the calendar month in which the notice period runs out,
and never before the binding period has run out.

Every change is first worked out on copies (`preview_change`, `preview_cancel`): the resulting
timeline, the months and what each invoices, and the conflicts with what is already planned. The
same work, confirmed, is what is saved (`change_package`, `cancel`), so the preview is the result.
Nothing is deleted: a period that has begun is never replaced, and a planned change is withdrawn
only when the staff member chose so (it stays in the history, marked withdrawn).
"""

import copy
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .entitlements import subscription_in_force
from .models import Merchant, Package, Subscription
from .periods import add_months, last_day, month_of

# What a staff member may choose when a change meets planned ones.
KEEP, REPLACE = "keep", "replace"


def binding_ends(subscription: Subscription) -> date:
    """The last day the subscription is bound: start + binding months - 1 day."""
    return add_months(subscription.start_date, subscription.package.binding_months) - timedelta(days=1)


def cancellation_end(subscription: Subscription, notice_on: date) -> date:
    """The end date of a cancellation given on `notice_on`."""
    notice_runs_out = last_day(add_months(notice_on, subscription.package.notice_months))
    return max(binding_ends(subscription), notice_runs_out)


@dataclass(frozen=True)
class Plan:
    """What is sold from a date: a package, extra webshops, and the quoted figures of a quoted deal."""

    package: Package
    from_date: date
    extra_shops: int = 0
    quoted_monthly_price: Decimal | None = None
    quoted_installation_fee: Decimal | None = None
    quoted_orders_per_month: int | None = None

    def subscription(self, merchant: Merchant) -> Subscription:
        """An unsaved Subscription of this plan, validated. Raises ValidationError if a rule refuses it."""
        new = Subscription(
            merchant=merchant,
            package=self.package,
            start_date=self.from_date,
            extra_shops=self.extra_shops,
            quoted_monthly_price=self.quoted_monthly_price,
            quoted_installation_fee=self.quoted_installation_fee,
            quoted_orders_per_month=self.quoted_orders_per_month,
        )
        new.full_clean()
        return new


class ChangeConflict(ValidationError):
    """The change meets planned changes: the staff member must choose what becomes of them."""


@dataclass(frozen=True)
class Period:
    """One row of a timeline: a package from a day to a day (None: until further notice)."""

    subscription: Subscription
    start: date
    end: date | None
    binding_ends: date
    notice_given_on: date | None
    state: str  # "new", "changed", "unchanged", "withdrawn"
    earliest_end: date | None = None  # an open-ended period: where notice given today (or at its start) ends it

    @property
    def package_name(self) -> str:
        return self.subscription.package.name

    @property
    def extra_shops(self) -> int:
        return self.subscription.extra_shops


@dataclass(frozen=True)
class InvoicedMonth:
    month: date
    package_name: str
    quota: int | None
    amount: Decimal  # monthly fee + extra webshops, ex VAT


@dataclass
class ChangePreview:
    """What confirming a change would do, and why it may not be confirmed yet."""

    periods: list[Period] = field(default_factory=list)
    months: list[InvoicedMonth] = field(default_factory=list)
    conflicts: list[Subscription] = field(default_factory=list)
    choices: tuple[str, ...] = ()  # the resolutions open for the conflicts (KEEP, REPLACE)
    refused: str = ""  # why the change cannot be made at all (a no-op, a period begun)
    end_date: date | None = None  # a cancellation's end
    _rows: list[Subscription] = field(default_factory=list, repr=False)
    _new: set = field(default_factory=set, repr=False)
    _withdrawn: set = field(default_factory=set, repr=False)
    _before: dict = field(default_factory=dict, repr=False)

    @property
    def needs_choice(self) -> bool:
        return bool(self.conflicts) and not self.refused

    def conflict_texts(self) -> list[str]:
        return [
            _("%(package)s planned from %(date)s") % {"package": s.package.name, "date": s.start_date.isoformat()}
            for s in self.conflicts
        ]


def _copies(merchant: Merchant) -> list[Subscription]:
    rows = list(merchant.subscriptions.select_related("package").order_by("start_date", "created_at"))
    return [copy.copy(row) for row in rows]


def _same_terms(a: Subscription, plan: Plan) -> bool:
    return (
        a.package_id == plan.package.pk
        and a.extra_shops == plan.extra_shops
        and a.quoted_monthly_price == plan.quoted_monthly_price
        and a.quoted_orders_per_month == plan.quoted_orders_per_month
    )


def _in_force(rows, on: date, withdrawn) -> Subscription | None:
    live = [
        r for r in rows if id(r) not in withdrawn and r.start_date <= on and (r.end_date is None or r.end_date >= on)
    ]
    return max(live, key=lambda r: r.start_date, default=None)


def _governing(rows, month: date, withdrawn) -> Subscription | None:
    """billing.entitlements.subscription_for_month, on copies."""
    end = last_day(month)
    live = [
        r
        for r in rows
        if id(r) not in withdrawn and r.start_date <= end and (r.end_date is None or r.end_date >= month)
    ]
    return max(live, key=lambda r: r.start_date, default=None)


def _finish(preview: ChangePreview, today: date, months: int = 6) -> ChangePreview:
    rows = preview._rows
    preview.periods = []
    for row in sorted(rows, key=lambda r: r.start_date):
        if id(row) in preview._new:
            state = "new"
        elif id(row) in preview._withdrawn:
            state = "withdrawn"
        elif preview._before.get(id(row)) != (row.end_date, row.notice_given_on):
            state = "changed"
        else:
            state = "unchanged"
        earliest = None
        if row.end_date is None and state != "withdrawn":
            earliest = cancellation_end(row, max(today, row.start_date))
        preview.periods.append(
            Period(row, row.start_date, row.end_date, binding_ends(row), row.notice_given_on, state, earliest)
        )
    first = month_of(min([today] + [r.start_date for r in rows if id(r) in preview._new]))
    for offset in range(months):
        month = add_months(first, offset)
        row = _governing(rows, month, preview._withdrawn)
        if row is None:
            preview.months.append(InvoicedMonth(month, "–", None, Decimal("0")))
            continue
        fee = (row.monthly_price_in(month) or Decimal("0")) + row.extra_shops * row.terms(
            month
        ).extra_shop_monthly_price
        preview.months.append(InvoicedMonth(month, row.package.name, row.orders_per_month_in(month), fee))
    return preview


def preview_change(merchant: Merchant, change: Plan, choice: str = "", today: date | None = None) -> ChangePreview:
    """The timeline after an upgrade or downgrade from `change.from_date`, without saving anything.

    The subscription in force the day before ends then. Planned changes from that date on are
    conflicts: KEEP runs the new package until the first of them starts, REPLACE withdraws them.
    Raises ValidationError for a plan the rules refuse (see Subscription.clean).
    """
    today = today or timezone.localdate()
    new = change.subscription(merchant)
    rows = _copies(merchant)
    preview = ChangePreview(_rows=rows, _before={id(r): (r.end_date, r.notice_given_on) for r in rows})
    start = change.from_date
    current = _in_force(rows, start, set())
    begun = [r for r in rows if r.start_date >= start and r.start_date <= today]
    if begun:
        preview.refused = _(
            "%(package)s from %(date)s has already begun and is never replaced: choose a date after %(today)s."
        ) % {"package": begun[-1].package.name, "date": begun[-1].start_date.isoformat(), "today": today.isoformat()}
        return _finish(preview, today)
    if current is not None and _same_terms(current, change):
        preview.refused = _(
            "%(package)s with %(shops)s extra webshops is already in force on %(date)s: nothing would change."
        ) % {"package": current.package.name, "shops": current.extra_shops, "date": start.isoformat()}
        return _finish(preview, today)
    if change.package.version_for(start).key_account_manager and merchant.responsible_id is None:
        preview.refused = _(
            "%(package)s includes a key account manager: choose the customer's responsible person first."
        ) % {"package": change.package.name}
        return _finish(preview, today)
    planned = [r for r in rows if r.start_date >= start]
    same_day = [r for r in planned if r.start_date == start]
    if same_day and _same_terms(same_day[0], change):
        preview.refused = _("%(package)s is already planned from %(date)s: nothing would change.") % {
            "package": same_day[0].package.name,
            "date": start.isoformat(),
        }
        return _finish(preview, today)
    preview.conflicts = planned
    preview.choices = (REPLACE,) if same_day else (KEEP, REPLACE)
    previous = _in_force(rows, start - timedelta(days=1), set())
    if previous is not None:
        new.end_date = previous.end_date if previous.notice_given_on else None
        new.notice_given_on = previous.notice_given_on
        previous.end_date = start - timedelta(days=1)
    if planned:
        if choice not in preview.choices:
            return _finish(preview, today)
        if choice == KEEP:
            new.end_date = planned[0].start_date - timedelta(days=1)
            new.notice_given_on = None
        else:
            preview._withdrawn.update(id(r) for r in planned)
            last = max(planned, key=lambda r: r.start_date)
            if last.notice_given_on:  # a cancellation already given still ends the customer's contract
                new.end_date, new.notice_given_on = last.end_date, last.notice_given_on
    rows.append(new)
    preview._new.add(id(new))
    return _finish(preview, today)


def preview_cancel(merchant: Merchant, notice_on: date, today: date | None = None) -> ChangePreview:
    """The timeline after notice given on `notice_on`: the end date, and the planned changes that
    would then never start (conflicts: confirming withdraws them, nothing else does)."""
    today = today or timezone.localdate()
    rows = _copies(merchant)
    preview = ChangePreview(_rows=rows, _before={id(r): (r.end_date, r.notice_given_on) for r in rows})
    current = _in_force(rows, notice_on, set())
    if current is None:
        preview.refused = _("There is no subscription in force on that day to cancel.")
        return _finish(preview, today)
    end = cancellation_end(current, notice_on)
    preview.end_date = end
    last = _in_force(rows, end, set())
    if current.notice_given_on and last is not None and last.end_date == end:
        preview.refused = _("Notice was already given on %(notice)s: the subscription ends on %(end)s.") % {
            "notice": current.notice_given_on.isoformat(),
            "end": end.isoformat(),
        }
        return _finish(preview, today)
    preview.conflicts = [r for r in rows if r.start_date > end]
    preview.choices = (REPLACE,) if preview.conflicts else ()
    preview._withdrawn.update(id(r) for r in preview.conflicts)
    for row in rows:
        if row.start_date >= current.start_date and row.start_date <= end:
            row.notice_given_on = notice_on
    if last is not None:
        last.end_date = end
    return _finish(preview, today)


def _save(merchant: Merchant, preview: ChangePreview, user, reason: str) -> None:
    now = timezone.now()
    for row in preview._rows:
        if id(row) in preview._new:
            row.created_by = user
            row.save()
        elif id(row) in preview._withdrawn:
            # through save(), so the audit trail records who withdrew it
            row.withdrawn_at, row.withdrawn_by, row.withdrawn_reason = now, user, reason[:300]
            row.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"])
        elif preview._before.get(id(row)) != (row.end_date, row.notice_given_on):
            row.save(update_fields=["end_date", "notice_given_on"])


@transaction.atomic
def change_package(merchant: Merchant, change: Plan, choice: str = "", user=None) -> Subscription:
    """Upgrade or downgrade from `change.from_date`, exactly as preview_change shows it.

    Raises ValidationError for a change refused (a rule, a no-op, a period begun) and
    ChangeConflict when planned changes are met and no `choice` (KEEP or REPLACE) resolves them.
    """
    Merchant.objects.select_for_update().filter(pk=merchant.pk).first()  # one change per customer at a time
    preview = preview_change(merchant, change, choice)
    if preview.refused:
        raise ValidationError(preview.refused)
    if not preview._new:
        raise ChangeConflict(
            _("Already planned: %(planned)s. Keep them or replace them.")
            % {"planned": "; ".join(preview.conflict_texts())}
        )
    _save(
        merchant,
        preview,
        user,
        _("Replaced by %(package)s from %(date)s")
        % {"package": change.package.name, "date": change.from_date.isoformat()},
    )
    return next(r for r in preview._rows if id(r) in preview._new)


@transaction.atomic
def cancel(merchant: Merchant, notice_on: date, user=None, confirm_withdrawals: bool = True) -> Subscription:
    """Record notice given on `notice_on` and set the computed end date, as preview_cancel shows it;
    planned changes that would start after the end are withdrawn (kept in the history).

    Raises ValidationError when no subscription is in force on that day or notice was already given.
    """
    Merchant.objects.select_for_update().filter(pk=merchant.pk).first()
    preview = preview_cancel(merchant, notice_on)
    if preview.refused:
        raise ValidationError(preview.refused)
    if preview.conflicts and not confirm_withdrawals:
        raise ChangeConflict(
            _("Planned changes would never start: %(planned)s.") % {"planned": "; ".join(preview.conflict_texts())}
        )
    _save(merchant, preview, user, _("Cancelled: notice given on %(date)s") % {"date": notice_on.isoformat()})
    return subscription_in_force(merchant, preview.end_date)
