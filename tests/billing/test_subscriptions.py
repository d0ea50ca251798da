"""Binding period, notice, cancellation and package changes from a date."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from billing.entitlements import entitlements_for
from billing.models import Subscription
from billing.subscriptions import (
    KEEP,
    REPLACE,
    ChangeConflict,
    Plan,
    binding_ends,
    cancel,
    cancellation_end,
    change_package,
    preview_cancel,
    preview_change,
)
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
    subscription = SubscriptionFactory(
        package=package(code), start_date=start, quoted_monthly_price=1, quoted_orders_per_month=1
    )
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


def _codes(merchant):
    return list(merchant.subscriptions.order_by("start_date").values_list("package__code", flat=True))


def test_a_second_change_from_the_same_planned_date_replaces_the_first_only_when_chosen_and_keeps_it_in_the_history():
    old = SubscriptionFactory(package=package("100"), start_date=date(2026, 1, 1))
    change_package(old.merchant, Plan(package=package("400"), from_date=date(2027, 5, 1)))
    with pytest.raises(ChangeConflict):
        change_package(old.merchant, Plan(package=package("200"), from_date=date(2027, 5, 1)))
    assert _codes(old.merchant) == ["100", "400"]
    preview = preview_change(old.merchant, Plan(package=package("200"), from_date=date(2027, 5, 1)))
    assert preview.choices == (REPLACE,) and [s.package.code for s in preview.conflicts] == ["400"]
    change_package(old.merchant, Plan(package=package("200"), from_date=date(2027, 5, 1)), REPLACE)
    assert _codes(old.merchant) == ["100", "200"]
    withdrawn = Subscription.history.get(merchant=old.merchant, package__code="400")
    assert withdrawn.withdrawn_at is not None and "Paket 200" in withdrawn.withdrawn_reason


def test_a_downgrade_before_a_planned_upgrade_keeps_the_upgrade_when_chosen_and_the_preview_is_the_result():
    today = date(2026, 12, 1)
    old = SubscriptionFactory(package=package("400"), start_date=date(2026, 1, 1))
    change_package(old.merchant, Plan(package=package("800"), from_date=date(2027, 3, 1)))
    downgrade = Plan(package=package("200"), from_date=date(2027, 1, 1))
    shown = preview_change(old.merchant, downgrade, KEEP, today=today)
    assert [(p.package_name, p.start, p.end, p.state) for p in shown.periods] == [
        ("Paket 400", date(2026, 1, 1), date(2026, 12, 31), "changed"),
        ("Paket 200", date(2027, 1, 1), date(2027, 2, 28), "new"),
        ("Paket 800", date(2027, 3, 1), None, "unchanged"),
    ]
    assert shown.periods[2].earliest_end == date(2027, 5, 31)  # bound three months from its start
    assert [(m.month.month, m.package_name) for m in shown.months[:4]] == [
        (12, "Paket 400"),
        (1, "Paket 200"),
        (2, "Paket 200"),
        (3, "Paket 800"),
    ]
    change_package(old.merchant, downgrade, KEEP)
    saved = old.merchant.subscriptions.select_related("package").order_by("start_date")
    assert [(s.package.name, s.start_date, s.end_date) for s in saved] == [
        (p.package_name, p.start, p.end) for p in shown.periods
    ]
    after = preview_cancel(old.merchant, date(2027, 12, 1), today=today)  # any preview reads the saved timeline
    assert [(m.month, m.package_name, m.amount) for m in after.months[:4]] == [
        (m.month, m.package_name, m.amount) for m in shown.months[:4]
    ]


def test_a_period_already_begun_is_never_replaced():
    old = SubscriptionFactory(package=package("200"), start_date=date(2026, 1, 1))
    with pytest.raises(ValidationError, match="har redan börjat"):
        change_package(old.merchant, Plan(package=package("400"), from_date=date(2026, 1, 1)))
    assert _codes(old.merchant) == ["200"]


@pytest.mark.parametrize("from_date", [date(2027, 2, 1), date(2026, 6, 1)])
def test_a_change_to_the_package_already_in_force_or_planned_is_refused_with_the_reason(from_date):
    old = SubscriptionFactory(package=package("200"), start_date=date(2026, 1, 1))
    change_package(old.merchant, Plan(package=package("400"), from_date=date(2027, 2, 1)))
    again = package("400") if from_date.year == 2027 else package("200")
    with pytest.raises(ValidationError, match="ingenting skulle ändras"):
        change_package(old.merchant, Plan(package=again, from_date=from_date))
    assert _codes(old.merchant) == ["200", "400"]


def test_cancelling_ends_the_package_in_force_at_the_end_and_withdraws_only_what_would_never_start():
    old = SubscriptionFactory(package=package("200"), start_date=date(2026, 1, 1))
    change_package(old.merchant, Plan(package=package("400"), from_date=date(2027, 1, 1)))
    change_package(old.merchant, Plan(package=package("800"), from_date=date(2027, 6, 1)))
    shown = preview_cancel(old.merchant, date(2026, 12, 10), today=date(2026, 12, 1))
    assert shown.end_date == date(2027, 1, 31) and [s.package.code for s in shown.conflicts] == ["800"]
    ended = cancel(old.merchant, date(2026, 12, 10))
    assert ended.package.code == "400" and ended.end_date == date(2027, 1, 31)
    assert _codes(old.merchant) == ["200", "400"] and Subscription.history.filter(merchant=old.merchant).count() == 3
    with pytest.raises(ValidationError, match="Uppsägning gjordes redan"):
        cancel(old.merchant, date(2026, 12, 10))


def test_a_downgrade_that_breaks_the_rules_is_refused_and_changes_nothing():
    old = SubscriptionFactory(package=package("400"), start_date=date(2026, 1, 1), extra_shops=2)
    with pytest.raises(ValidationError):
        change_package(old.merchant, Plan(package=package("200"), from_date=date(2026, 5, 1), extra_shops=2))
    old.refresh_from_db()
    assert old.end_date is None and old.merchant.subscriptions.count() == 1
