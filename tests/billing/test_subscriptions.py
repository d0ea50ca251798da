"""Binding period, notice, cancellation and package changes from a date."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from billing.entitlements import entitlements_for
from billing.subscriptions import Plan, binding_ends, cancel, cancellation_end, change_package
from tests.billing.factories import MerchantFactory, SubscriptionFactory, package

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "code, start, notice_on, end",
    [
        ("200", date(2026, 1, 15), date(2026, 1, 20), date(2026, 4, 14)),  # inside the 3-month binding
        ("200", date(2026, 1, 15), date(2026, 5, 10), date(2026, 6, 30)),  # one month's notice, to month end
        ("200", date(2026, 1, 1), date(2026, 1, 31), date(2026, 3, 31)),  # 31 Jan + 1 month = 28 Feb → binding wins
        ("premium", date(2026, 1, 1), date(2026, 3, 1), date(2026, 12, 31)),  # Premium binds 12 months
    ],
)
def test_a_cancellation_ends_after_the_notice_and_never_inside_the_binding_period(code, start, notice_on, end):
    subscription = SubscriptionFactory(package=package(code), start_date=start, quoted_monthly_price=1, quoted_orders_per_month=1)
    assert cancellation_end(subscription, notice_on) == end


def test_cancelling_sets_the_end_date_and_the_merchant_loses_access_after_it():
    subscription = SubscriptionFactory(package=package("200"), start_date=date(2026, 1, 1))
    cancelled = cancel(subscription.merchant, date(2026, 6, 10))
    assert cancelled.end_date == date(2026, 7, 31) and cancelled.notice_given_on == date(2026, 6, 10)
    assert entitlements_for(subscription.merchant, on=date(2026, 7, 31)).package_code == "200"
    assert entitlements_for(subscription.merchant, on=date(2026, 8, 1)).package_code is None


def test_cancelling_without_a_subscription_is_refused():
    with pytest.raises(ValidationError):
        cancel(MerchantFactory(), date(2026, 6, 10))


def test_a_binding_period_is_counted_from_the_start():
    assert binding_ends(SubscriptionFactory(start_date=date(2026, 11, 30))) == date(2027, 2, 27)


def test_an_upgrade_from_a_date_ends_the_old_package_the_day_before():
    old = SubscriptionFactory(package=package("100"), start_date=date(2026, 1, 1))
    new = change_package(old.merchant, Plan(package=package("400"), from_date=date(2026, 5, 1), extra_shops=1))
    old.refresh_from_db()
    assert old.end_date == date(2026, 4, 30) and new.end_date is None
    assert entitlements_for(old.merchant, on=date(2026, 4, 30)).order_quota == 100
    assert entitlements_for(old.merchant, on=date(2026, 5, 1)).max_shops == 2


def test_a_second_change_from_the_same_date_replaces_the_first():
    old = SubscriptionFactory(package=package("100"), start_date=date(2026, 1, 1))
    change_package(old.merchant, Plan(package=package("400"), from_date=date(2026, 5, 1)))
    change_package(old.merchant, Plan(package=package("200"), from_date=date(2026, 5, 1)))
    assert list(old.merchant.subscriptions.order_by("start_date").values_list("package__code", flat=True)) == ["100", "200"]


def test_a_downgrade_that_breaks_the_rules_is_refused_and_changes_nothing():
    old = SubscriptionFactory(package=package("400"), start_date=date(2026, 1, 1), extra_shops=2)
    with pytest.raises(ValidationError):
        change_package(old.merchant, Plan(package=package("200"), from_date=date(2026, 5, 1), extra_shops=2))
    old.refresh_from_db()
    assert old.end_date is None and old.merchant.subscriptions.count() == 1
