"""Subscription changes: binding period, notice and cancellation, upgrades and downgrades from a date.

Rules (domain.md "Packages"): a subscription binds for the package's binding period (3 months,
Premium 12) from its start; notice is one month. Our reading, stated once here: a cancellation
ends the subscription on the last day of the calendar month in which the notice period runs out,
and never before the binding period has run out.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .entitlements import subscription_in_force
from .models import Merchant, Package, Subscription
from .periods import add_months, last_day


def binding_ends(subscription: Subscription) -> date:
    """The last day the subscription is bound: start + binding months - 1 day."""
    return add_months(subscription.start_date, subscription.package.binding_months) - timedelta(days=1)


def cancellation_end(subscription: Subscription, notice_on: date) -> date:
    """The end date of a cancellation given on `notice_on`."""
    notice_runs_out = last_day(add_months(notice_on, subscription.package.notice_months))
    return max(binding_ends(subscription), notice_runs_out)


@transaction.atomic
def cancel(merchant: Merchant, notice_on: date) -> Subscription:
    """Record notice given on `notice_on` and set the computed end date; later changes are dropped.

    Raises ValidationError when no subscription is in force on that day.
    """
    current = subscription_in_force(merchant, notice_on)
    if current is None:
        raise ValidationError(_("There is no subscription in force on that day to cancel."))
    current.notice_given_on = notice_on
    current.end_date = cancellation_end(current, notice_on)
    current.save(update_fields=["notice_given_on", "end_date"])
    merchant.subscriptions.filter(start_date__gt=current.end_date).delete()
    return current


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
            merchant=merchant, package=self.package, start_date=self.from_date, extra_shops=self.extra_shops,
            quoted_monthly_price=self.quoted_monthly_price, quoted_installation_fee=self.quoted_installation_fee,
            quoted_orders_per_month=self.quoted_orders_per_month,
        )
        new.full_clean()
        return new


@transaction.atomic
def change_package(merchant: Merchant, change: Plan) -> Subscription:
    """Upgrade or downgrade from `change.from_date`: the subscription in force the day before ends
    then, one starting that very day is replaced, later planned ones are dropped.

    Raises ValidationError for a change the rules refuse (see Subscription.clean).
    """
    new = change.subscription(merchant)
    merchant.subscriptions.filter(start_date__gte=change.from_date).delete()
    previous = subscription_in_force(merchant, change.from_date - timedelta(days=1))
    if previous is not None:
        new.end_date = previous.end_date if previous.notice_given_on else None
        previous.end_date = change.from_date - timedelta(days=1)
        previous.save(update_fields=["end_date"])
    new.save()
    return new
