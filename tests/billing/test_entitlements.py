"""Entitlements: the one answer to "what may this merchant use?" (billing/entitlements.py)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from billing.entitlements import NOTHING, entitlements_for
from billing.models import Package
from tests.billing.factories import MerchantFactory, SubscriptionFactory, package

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 15)


@pytest.mark.parametrize(
    "code, monthly, installation, quota",
    [
        ("100", "295", "2200", 100),
        ("200", "495", "4200", 200),
        ("400", "795", "6400", 400),
        ("800", "1195", "8500", 800),
    ],
)
def test_the_catalogue_is_seeded_with_the_prices_and_quotas_of_domain_md(code, monthly, installation, quota):
    seeded = package(code)
    assert (seeded.monthly_price, seeded.installation_fee, seeded.orders_per_month) == (
        Decimal(monthly),
        Decimal(installation),
        quota,
    )
    assert seeded.binding_months == 3 and seeded.notice_months == 1


def test_premium_is_quoted_and_binds_for_twelve_months():
    premium = package("premium")
    assert premium.is_quoted and premium.monthly_price is None and premium.binding_months == 12


@pytest.mark.parametrize(
    "code, flows, order_status, stock, price_lists, multishop, plugins",
    [
        ("100", {1, 2}, False, False, False, False, False),
        ("200", {1, 2}, True, True, False, False, False),
        ("400", {1, 2, 3}, True, True, True, True, False),
        ("800", {1, 2, 3}, True, True, True, True, True),
    ],
)
def test_each_package_grants_its_features(code, flows, order_status, stock, price_lists, multishop, plugins):
    merchant = SubscriptionFactory(package=package(code), start_date=DAY).merchant
    got = entitlements_for(merchant, on=DAY)
    assert (got.flows, got.order_status, got.stock, got.price_lists, got.multishop, got.plugins) == (
        flows,
        order_status,
        stock,
        price_lists,
        multishop,
        plugins,
    )
    assert got.order_quota == int(code)
    assert got.allows_flow(3) == (3 in flows)


def test_a_merchant_without_a_subscription_may_use_nothing():
    assert entitlements_for(MerchantFactory(), on=DAY) == NOTHING
    assert not NOTHING.has_subscription and NOTHING.order_quota == 0


def test_a_subscription_is_not_in_force_before_it_starts_or_after_it_ends():
    subscription = SubscriptionFactory(start_date=DAY, end_date=DAY + timedelta(days=30))
    merchant = subscription.merchant
    assert entitlements_for(merchant, on=DAY - timedelta(days=1)) == NOTHING
    assert entitlements_for(merchant, on=DAY + timedelta(days=30)).package_code == "200"
    assert entitlements_for(merchant, on=DAY + timedelta(days=31)) == NOTHING


def test_an_upgrade_from_a_date_changes_the_quota_from_that_date():
    merchant = SubscriptionFactory(package=package("100"), start_date=DAY).merchant
    SubscriptionFactory(merchant=merchant, package=package("400"), start_date=DAY + timedelta(days=10))
    assert entitlements_for(merchant, on=DAY + timedelta(days=9)).order_quota == 100
    assert entitlements_for(merchant, on=DAY + timedelta(days=10)).order_quota == 400


def test_premium_uses_the_quoted_quota_and_price():
    subscription = SubscriptionFactory(
        package=package("premium"), start_date=DAY, quoted_monthly_price=Decimal("4500"), quoted_orders_per_month=5000
    )
    got = entitlements_for(subscription.merchant, on=DAY)
    assert got.order_quota == 5000 and got.key_account_manager
    assert subscription.monthly_price == Decimal("4500")


def test_multishop_counts_the_extra_webshops_and_other_packages_have_one_shop():
    multi = SubscriptionFactory(package=package("400"), start_date=DAY, extra_shops=2)
    single = SubscriptionFactory(package=package("200"), start_date=DAY)
    assert entitlements_for(multi.merchant, on=DAY).max_shops == 3
    assert entitlements_for(single.merchant, on=DAY).max_shops == 1


def test_a_quoted_package_needs_its_agreed_price_and_quota():
    subscription = SubscriptionFactory.build(merchant=MerchantFactory(), package=package("premium"), start_date=DAY)
    with pytest.raises(ValidationError) as caught:
        subscription.full_clean()
    assert {"quoted_monthly_price", "quoted_orders_per_month"} <= set(caught.value.message_dict)


def test_extra_webshops_need_multishop():
    subscription = SubscriptionFactory.build(
        merchant=MerchantFactory(), package=package("200"), start_date=DAY, extra_shops=1
    )
    with pytest.raises(ValidationError) as caught:
        subscription.full_clean()
    assert "extra_shops" in caught.value.message_dict


def test_a_package_must_allow_known_flows_only():
    with pytest.raises(ValidationError):
        Package(code="x", name="x", flows=[4]).full_clean()
