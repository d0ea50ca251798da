"""Billing-admin pages: the month's dashboard, its CSV, the invoice preview, the catalogue."""

import csv
import io
import re
import uuid
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from billing.models import OrderUsage, Package
from billing.usage import record_transfer
from tests.billing.factories import MerchantFactory, SubscriptionFactory, package

pytestmark = pytest.mark.django_db

NOV = date(2026, 11, 1)


STOCKHOLM = ZoneInfo("Europe/Stockholm")


def _customer(name, code="100", orders=0, at=datetime(2026, 11, 12, 10, tzinfo=STOCKHOLM)):
    merchant = SubscriptionFactory(
        package=package(code), start_date=date(2026, 1, 1), merchant=MerchantFactory(name=name)
    ).merchant
    connection_id = uuid.uuid4()
    with transaction.atomic():
        for n in range(orders):
            record_transfer(merchant_id=merchant.pk, connection_id=connection_id, order_id=str(n), at=at)
    return merchant


def _dashboard(client, **params):
    return client.get(reverse("billing:billing_home"), {"month": "2026-11", **params})


def test_the_dashboard_shows_each_merchants_month_against_the_quota(billing_client):
    _customer("Åhléns Bok AB", "100", orders=104)
    response = _dashboard(billing_client)
    row = next(r for r in response.context["rows"] if r.name == "Åhléns Bok AB")
    assert (row.orders, row.quota, row.overage) == (104, 100, 4)
    assert row.orders == OrderUsage.objects.filter(merchant_id=row.merchant_id, month=NOV).count()
    assert "Åhléns Bok AB" in response.content.decode()


def test_the_dashboard_pages_through_many_merchants_and_keeps_the_totals_whole(billing_client):
    for n in range(55):
        _customer(f"Butik {n:02d}", orders=1)
    first, second = _dashboard(billing_client), _dashboard(billing_client, page=2)
    assert len(first.context["rows"]) == 50 and len(second.context["rows"]) == 5
    assert first.context["totals"]["merchant_count"] == 55 and first.context["totals"]["total_orders"] == 55


def test_the_dashboards_queries_do_not_grow_with_the_number_of_merchants(billing_client):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert _dashboard(billing_client, sort="-revenue").status_code == 200
        return len(captured)

    for n in range(3):
        _customer(f"Liten {n}", orders=2)
    queries()  # warm the caches (package choices, closed months), as they are in service
    few = queries()
    for n in range(60):
        _customer(f"Stor {n}", orders=1)
    assert queries() == few <= 5


def test_sorting_and_filtering_through_the_page(billing_client):
    _customer("Alfa AB", "100", orders=120)
    _customer("Beta AB", "800", orders=3)
    names = [r.name for r in _dashboard(billing_client, sort="-overage").context["rows"]]
    assert names == ["Alfa AB", "Beta AB"]
    assert [r.name for r in _dashboard(billing_client, over_quota="on").context["rows"]] == ["Alfa AB"]
    assert [r.name for r in _dashboard(billing_client, package="800").context["rows"]] == ["Beta AB"]


def test_the_csv_export_has_every_row_with_its_figures(billing_client):
    _customer("Alfa AB", "100", orders=102)
    _customer("Beta AB", "200", orders=1)
    response = billing_client.get(reverse("billing:billing_csv"), {"month": "2026-11", "sort": "name"})
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:3] == ["Månad", "Handlare", "Org.nr"]
    alfa = rows[1]
    assert alfa[1] == "Alfa AB" and alfa[4:8] == ["102", "100", "102,0", "2"]
    assert Decimal(alfa[-1].replace(",", ".")) == Decimal("295") + 2 * Decimal("2.95")
    assert len(rows) == 4 and rows[-1][0] == "Summa alla rader"


def test_a_month_boundary_in_stockholm_time_decides_which_month_an_order_counts_in(billing_client):
    # 23:30 on 31 October in Stockholm (CET, after the DST change) is still October.
    merchant = _customer("Gräns AB", orders=1, at=datetime(2026, 10, 31, 23, 30, tzinfo=ZoneInfo("Europe/Stockholm")))
    october = _dashboard(billing_client, month="2026-10").context["rows"]
    november = _dashboard(billing_client).context["rows"]
    assert [r.orders for r in october if r.merchant_id == merchant.pk] == [1]
    assert [r.orders for r in november if r.merchant_id == merchant.pk] == [0]


def test_the_invoice_preview_and_its_chart_data(billing_client):
    merchant = _customer("Faktura AB", "100", orders=101)
    response = billing_client.get(reverse("billing:invoice", args=[merchant.pk]), {"month": "2026-11"})
    invoice = response.context["invoice"]
    assert [line.amount for line in invoice.lines] == [Decimal("295.00"), Decimal("2.95")]
    assert response.context["chart"]["orders"][-1] == 101 and len(response.context["chart"]["labels"]) == 12
    assert 'id="usage-data"' in response.content.decode()


def _version_data(form, **changes):
    data = {f"version-{k}": v for k, v in form.initial.items() if v is not None and v is not False and k != "flows"}
    data["version-flows"] = [str(f) for f in form.initial["flows"]]
    data.update({f"version-{k}": v for k, v in changes.items()})
    data["save-version"] = "1"
    return data


def test_billing_admins_change_a_package_price_from_next_month_and_this_month_keeps_its_own(billing_client):
    url = reverse("billing:package_edit", args=["200"])
    form = billing_client.get(url).context["version_form"]
    next_month = form.initial["valid_from"]
    response = billing_client.post(url, _version_data(form, monthly_price="1 525,50"))
    assert response.status_code == 302, response.context["version_form"].errors
    package200 = Package.objects.get(code="200")
    assert package200.version_for(date.fromisoformat(next_month)).monthly_price == Decimal("1525.50")
    assert Package.objects.get(code="200").version_for(timezone.localdate()).monthly_price == Decimal("495")


@pytest.mark.parametrize(
    "changes, error",
    [
        ({"monthly_price": "-5"}, "0"),
        ({"monthly_price": ""}, "Premium"),
        ({"valid_from": timezone.localdate().replace(day=1).isoformat()}, "valid_from"),
        ({"flows": []}, "flows"),
    ],
)
def test_a_package_change_that_breaks_a_rule_is_refused_and_saves_nothing(billing_client, changes, error):
    url = reverse("billing:package_edit", args=["200"])
    form = billing_client.get(url).context["version_form"]
    response = billing_client.post(url, _version_data(form, **changes))
    assert response.status_code == 400
    errors = response.context["version_form"].errors
    assert error in str(errors) or error in errors
    assert not Package.objects.get(code="200").versions.exists()


def test_the_package_form_shows_flows_as_checkboxes_and_numbers_as_people_write_them(billing_client):
    body = billing_client.get(reverse("billing:package_edit", args=["800"])).content.decode()
    assert re.search(r'type="checkbox"[^>]*name="version-flows" value="3"', body) and "[1, 2, 3]" not in body
    assert 'value="1195"' in body and "1195.00" not in body


@pytest.mark.parametrize(
    "name, args", [("billing:billing_home", []), ("billing:billing_csv", []), ("billing:catalogue", [])]
)
def test_billing_pages_are_refused_to_merchants_and_staff_and_ask_anonymous_to_log_in(
    name, args, owner_client, staff_client, anonymous_client
):
    url = reverse(name, args=args)
    assert owner_client.get(url).status_code == 403
    assert staff_client.get(url).status_code == 403
    assert anonymous_client.get(url).status_code == 302


def test_a_merchant_cannot_see_its_own_invoice_preview_page(owner_client, merchant):
    assert owner_client.get(reverse("billing:invoice", args=[merchant.pk])).status_code == 403
