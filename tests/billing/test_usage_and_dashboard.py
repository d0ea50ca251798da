"""Usage counting, the dashboard's figures, and the invoice preview: all from the same records."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from billing import dashboard
from billing.invoice import history, invoice_preview
from billing.models import HourPurchase, MonthlyUsage, OrderUsage
from billing.usage import record_transfer
from tests.billing.factories import MerchantFactory, SubscriptionFactory, package

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")
NOV = date(2026, 11, 1)


def _transfer(merchant, n=1, at=datetime(2026, 11, 10, 12, tzinfo=UTC), connection_id=None):
    connection_id = connection_id or uuid.uuid4()
    results = []
    for _ in range(n):
        with transaction.atomic():
            results.append(
                record_transfer(merchant_id=merchant.pk, connection_id=connection_id, order_id=str(uuid.uuid4()), at=at)
            )
    return results


def test_an_order_is_counted_once_however_often_it_is_recorded():
    merchant = SubscriptionFactory(start_date=NOV).merchant
    connection_id = uuid.uuid4()
    with transaction.atomic():
        first = record_transfer(
            merchant_id=merchant.pk, connection_id=connection_id, order_id="1001", at=datetime(2026, 11, 5, tzinfo=UTC)
        )
        again = record_transfer(
            merchant_id=merchant.pk, connection_id=connection_id, order_id="1001", at=datetime(2026, 11, 6, tzinfo=UTC)
        )
    assert first.month_count == 1 and again is None
    assert OrderUsage.objects.count() == 1 and MonthlyUsage.objects.get().orders == 1


@pytest.mark.django_db(transaction=True)
def test_recording_outside_a_transaction_is_refused():
    merchant = MerchantFactory()
    with pytest.raises(RuntimeError):
        record_transfer(merchant_id=merchant.pk, connection_id=uuid.uuid4(), order_id="1")


@pytest.mark.parametrize(
    "instant_utc, month",
    [
        (
            datetime(2026, 3, 31, 22, 30, tzinfo=UTC),
            date(2026, 4, 1),
        ),  # 00:30 CEST on 1 April (after DST began 29 March)
        (datetime(2026, 3, 31, 21, 59, tzinfo=UTC), date(2026, 3, 1)),  # 23:59 CEST on 31 March
        (datetime(2026, 10, 31, 22, 59, tzinfo=UTC), date(2026, 10, 1)),  # 23:59 CET on 31 October (DST ended 25 Oct)
        (datetime(2026, 10, 31, 23, 0, tzinfo=UTC), date(2026, 11, 1)),  # 00:00 CET on 1 November
        (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), date(2027, 1, 1)),  # New Year in Stockholm
    ],
)
def test_an_order_counts_in_its_month_in_stockholm_time(instant_utc, month):
    merchant = SubscriptionFactory(start_date=date(2026, 1, 1)).merchant
    [recorded] = _transfer(merchant, at=instant_utc)
    assert recorded.month == month and OrderUsage.objects.get().month == month


def test_orders_beyond_the_quota_are_flagged_as_overage_and_still_counted():
    merchant = SubscriptionFactory(package=package("100"), start_date=NOV).merchant
    results = _transfer(merchant, n=102)
    assert [r.overage for r in results[-3:]] == [False, True, True]
    assert OrderUsage.objects.filter(overage=True).count() == 2
    assert MonthlyUsage.objects.get().orders == 102


def _row(merchant, month=NOV):
    return dashboard.billed_merchants(month).get(merchant=merchant)


def test_the_dashboard_figures_follow_the_ledger_and_the_package():
    merchant = SubscriptionFactory(package=package("100"), start_date=NOV).merchant
    _transfer(merchant, n=110)
    row = _row(merchant)
    assert (row.orders, row.quota, row.overage) == (110, 100, 10)
    assert row.used_pct == pytest.approx(110.0)
    assert Decimal(row.monthly_fee) == Decimal("295") and Decimal(row.overage_price) == Decimal("2.95")
    assert Decimal(row.revenue).quantize(Decimal("0.01")) == Decimal("324.50")
    assert row.orders == OrderUsage.objects.filter(merchant=merchant, month=NOV).count()


def test_an_upgrade_during_the_month_gives_the_whole_month_the_new_quota():
    merchant = SubscriptionFactory(
        package=package("100"), start_date=date(2026, 10, 1), end_date=date(2026, 11, 14)
    ).merchant
    SubscriptionFactory(merchant=merchant, package=package("200"), start_date=date(2026, 11, 15))
    _transfer(merchant, n=150)
    row = _row(merchant)
    assert (row.package_code, row.quota, row.overage) == ("200", 200, 0)


def test_extra_webshops_are_billed_at_295_each():
    merchant = SubscriptionFactory(package=package("400"), start_date=NOV, extra_shops=2).merchant
    assert Decimal(_row(merchant).revenue) == Decimal("795") + 2 * Decimal("295")


def test_merchants_without_a_subscription_that_month_are_not_billed():
    SubscriptionFactory(start_date=date(2026, 12, 1))
    assert not dashboard.billed_merchants(NOV).exists()


def test_filters_and_sorting_work_on_the_computed_figures():
    small = SubscriptionFactory(
        package=package("100"), start_date=NOV, merchant=MerchantFactory(name="Alfa AB")
    ).merchant
    big = SubscriptionFactory(package=package("800"), start_date=NOV, merchant=MerchantFactory(name="Beta AB")).merchant
    _transfer(small, n=120)
    _transfer(big, n=10)
    rows = dashboard.billed_merchants(NOV)
    assert [m.name for m in dashboard.apply(rows, dashboard.Filters(sort="-used"))] == ["Alfa AB", "Beta AB"]
    assert [m.name for m in dashboard.apply(rows, dashboard.Filters(over_quota=True))] == ["Alfa AB"]
    assert [m.name for m in dashboard.apply(rows, dashboard.Filters(package="800"))] == ["Beta AB"]
    assert [m.name for m in dashboard.apply(rows, dashboard.Filters(search="alf"))] == ["Alfa AB"]


def test_totals_add_up_the_rows():
    for code in ("100", "200", "400"):
        _transfer(SubscriptionFactory(package=package(code), start_date=NOV).merchant, n=105)
    figures = dashboard.totals(dashboard.billed_merchants(NOV))
    assert figures["merchant_count"] == 3 and figures["total_orders"] == 315 and figures["total_overage"] == 5
    assert Decimal(figures["mrr"]) == Decimal("295") + Decimal("495") + Decimal("795")


def test_the_totals_and_a_page_cost_the_same_queries_for_3_or_30_merchants():
    def measure():
        with CaptureQueriesContext(connection) as queries:
            rows = dashboard.apply(dashboard.billed_merchants(NOV), dashboard.Filters(sort="-revenue"))
            dashboard.totals(rows)
            list(rows[:50])
        return len(queries)

    for _ in range(3):
        _transfer(SubscriptionFactory(start_date=NOV).merchant, n=2)
    measure()  # warm the cached closed months, as in service
    few = measure()
    for _ in range(27):
        _transfer(SubscriptionFactory(start_date=NOV).merchant, n=2)
    assert measure() == few == 2


def test_the_invoice_preview_lists_fee_extra_shops_overage_start_package_and_hour_packs():
    subscription = SubscriptionFactory(package=package("400"), start_date=NOV, extra_shops=1)
    merchant = subscription.merchant
    HourPurchase.objects.create(
        merchant=merchant, kind="start_package", hours=4, price=Decimal("6400"), purchased_on=NOV
    )
    HourPurchase.objects.create(
        merchant=merchant, kind="hour_pack", hours=5, price=Decimal("4950"), purchased_on=date(2026, 11, 20)
    )
    _transfer(merchant, n=402)
    invoice = invoice_preview(merchant, NOV)
    amounts = [line.amount for line in invoice.lines]
    assert amounts == [Decimal("795.00"), Decimal("295.00"), Decimal("3.98"), Decimal("6400.00"), Decimal("4950.00")]
    assert invoice.net == sum(amounts) and invoice.vat == (invoice.net * Decimal("0.25")).quantize(Decimal("0.01"))
    # The dashboard's revenue for the month is the same fee + extra shops + overage.
    assert Decimal(_row(merchant).revenue).quantize(Decimal("0.01")) == sum(amounts[:3])


def test_the_history_gives_twelve_months_with_each_months_quota():
    merchant = SubscriptionFactory(
        package=package("100"), start_date=date(2026, 6, 1), end_date=date(2026, 8, 31)
    ).merchant
    SubscriptionFactory(merchant=merchant, package=package("200"), start_date=date(2026, 9, 1))
    _transfer(merchant, n=3, at=datetime(2026, 7, 10, tzinfo=UTC))
    rows = history(merchant, NOV)
    assert len(rows) == 12 and rows[0]["month"] == date(2025, 12, 1)
    by_month = {r["month"]: r for r in rows}
    assert by_month[date(2026, 7, 1)] == {"month": date(2026, 7, 1), "orders": 3, "quota": 100, "closed": False}
    assert by_month[date(2026, 10, 1)]["quota"] == 200 and by_month[date(2026, 5, 1)]["quota"] is None
