"""A billing admin and staff can trust the billing pages, in a real browser: a downgrade before a
planned upgrade loses nothing and does what its preview showed; a price change from next month
leaves this month alone; a closed month stays as invoiced and a late order is adjusted next month;
the CSV reads as numbers the way Swedish Excel reads it."""

import csv
import io
import re
import uuid
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.utils import timezone

from bench import demo
from billing.models import Subscription
from billing.periods import add_months
from billing.subscriptions import Plan, change_package
from billing.usage import record_transfer
from tests.billing.factories import MerchantFactory, SubscriptionFactory, package
from tests.browser.test_login_journeys import _log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def _text(locator) -> str:
    return locator.inner_text().replace("\xa0", " ")


def _orders(merchant, month, n, first=0):
    connection_id = uuid.uuid4()
    with transaction.atomic():
        for k in range(n):
            record_transfer(
                merchant_id=merchant.pk,
                connection_id=connection_id,
                order_id=f"{first + k}",
                at=datetime(month.year, month.month, 12, 10, tzinfo=STOCKHOLM),
            )


def test_a_downgrade_with_an_upgrade_planned_keeps_the_upgrade_and_does_what_the_preview_showed(
    page, live_server, screenshot
):
    demo.seed()
    today = timezone.localdate()
    merchant = SubscriptionFactory(
        merchant=MerchantFactory(name="Planerad AB"),
        package=package("400"),
        start_date=add_months(today.replace(day=1), -6),
    ).merchant
    upgrade_on, downgrade_on = add_months(today.replace(day=1), 3), add_months(today.replace(day=1), 1)
    change_package(merchant, Plan(package=package("800"), from_date=upgrade_on))
    _log_in(page, live_server.url, demo.STAFF)
    page.goto(f"{live_server.url}/staff/customers/{merchant.pk}/")
    page.get_by_text("Uppgradera eller nedgradera").click()
    page.locator("#id_change-package").select_option(label="Paket 200")
    page.locator("#id_change-from_date").fill(downgrade_on.isoformat())
    page.get_by_role("button", name="Visa vad som ändras").click()
    conflicts = page.locator("#change-conflicts")
    assert "Paket 800 planerat från " + upgrade_on.isoformat() in _text(conflicts)
    assert page.get_by_role("button", name="Bekräfta ändringen").count() == 0  # a choice comes first
    page.get_by_label(re.compile("Behåll dem")).check()
    page.get_by_role("button", name="Visa tidslinjen för mitt val").click()
    rows = page.locator("#change-periods tbody tr")
    shown = [[_text(cell) for cell in row.locator("td").all()[:3]] for row in rows.all()]
    assert [r[0] for r in shown] == ["Paket 400", "Paket 200", "Paket 800"]
    months = {row.get_attribute("data-month"): _text(row) for row in page.locator("#change-months tbody tr").all()}
    assert "Paket 200" in months[f"{downgrade_on:%Y-%m}"] and "Paket 800" in months[f"{upgrade_on:%Y-%m}"]
    screenshot("1-preview")
    page.get_by_role("button", name="Bekräfta ändringen").click()
    page.get_by_text("Paketet byts från").wait_for()
    history = page.locator("#subscription-history tbody tr")
    assert [row.get_attribute("data-package") for row in history.all()] == ["800", "200", "400"]
    assert all(row.get_attribute("data-withdrawn") == "0" for row in history.all())
    saved = Subscription.objects.filter(merchant=merchant).order_by("start_date")
    assert [[s.package.name, s.start_date, s.end_date] for s in saved] == [
        ["Paket 400", saved[0].start_date, downgrade_on - date.resolution],
        ["Paket 200", downgrade_on, upgrade_on - date.resolution],
        ["Paket 800", upgrade_on, None],
    ]
    screenshot("2-history")


def test_a_price_change_from_next_month_leaves_this_month_as_it_was(page, live_server, screenshot):
    demo.seed()
    this_month = timezone.localdate().replace(day=1)
    next_month = add_months(this_month, 1)
    merchant = SubscriptionFactory(
        merchant=MerchantFactory(name="Pris AB"), package=package("200"), start_date=add_months(this_month, -2)
    ).merchant
    _log_in(page, live_server.url, demo.BILLING)
    page.get_by_role("main").get_by_role("link", name="Katalog").click()
    page.locator('[data-package="200"]').get_by_role("link", name="Ändra").click()
    assert page.locator("#id_version-valid_from").input_value() == next_month.isoformat()  # next month by default
    page.locator("#id_version-monthly_price").fill("-5")
    page.get_by_role("button", name="Spara de nya villkoren").click()
    assert page.locator("#id_version-monthly_price").evaluate("e => e.classList.contains('is-invalid')")
    page.locator("#id_version-monthly_price").fill("1 525,50")
    page.get_by_role("button", name="Spara de nya villkoren").click()
    row = page.locator('[data-package="200"]')
    assert _text(row.locator('[data-field="monthly_price"]')) == "495,00 kr"
    assert "1 525,50 kr" in _text(row.locator('[data-field="planned"]'))
    screenshot("1-catalogue")
    page.goto(f"{live_server.url}/billing/merchants/{merchant.pk}/?month={this_month:%Y-%m}")
    assert "495,00 kr" in _text(page.locator('#invoice-lines [data-key="fee"]'))
    page.goto(f"{live_server.url}/billing/merchants/{merchant.pk}/?month={next_month:%Y-%m}")
    assert "1 525,50 kr" in _text(page.locator('#invoice-lines [data-key="fee"]'))
    screenshot("2-next-month")


def test_a_closed_month_stays_as_invoiced_and_a_late_order_is_adjusted_in_the_next_month(page, live_server, screenshot):
    demo.seed()
    last_month = add_months(timezone.localdate().replace(day=1), -1)
    merchant = SubscriptionFactory(
        merchant=MerchantFactory(name="Sen Order AB"), package=package("100"), start_date=add_months(last_month, -3)
    ).merchant
    _orders(merchant, last_month, 101)
    _log_in(page, live_server.url, demo.BILLING)
    page.goto(f"{live_server.url}/billing/?month={last_month:%Y-%m}")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#close-month").click()
    page.locator("#month-closed").wait_for()
    before = _text(page.locator("#billing-table"))
    _orders(merchant, last_month, 2, first=900)  # arrives after the month was closed
    page.reload()
    assert _text(page.locator("#billing-table")) == before and "101" in before
    screenshot("1-closed")
    page.goto(f"{live_server.url}/billing/merchants/{merchant.pk}/?month={add_months(last_month, 1):%Y-%m}")
    adjustment = page.locator('#invoice-lines [data-key="adjust:overage"]')
    assert re.search(r"Justering för \w+ \d{4}: Ordrar över kvoten\s+2\s+2,95 kr\s+5,90 kr", _text(adjustment))
    page.goto(f"{live_server.url}/billing/merchants/{merchant.pk}/?month={last_month:%Y-%m}")
    assert page.locator("#invoice-closed").count() == 1 and "101 / 100" in _text(page.locator("main"))
    screenshot("2-adjusted")


def _swedish_excel(raw: bytes):
    """Read a CSV as Swedish Excel does: UTF-8 only with a BOM, `;` between fields, a cell is a
    number only if it is digits with an optional decimal comma (a point makes it text or a date)."""
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw[3:].decode("utf-8")), delimiter=";"))

    def cell(text):
        if re.fullmatch(r"-?\d+(,\d+)?", text):
            return Decimal(text.replace(",", "."))
        return text

    return [[cell(c) for c in row] for row in rows]


def test_the_csv_opens_in_swedish_excel_as_numbers_whose_totals_match_the_page(page, live_server, screenshot):
    demo.seed()
    month = timezone.localdate().replace(day=1)
    for name, code, orders, shops in [("Åkesson & Co AB", "100", 130, 0), ("Lagom AB", "400", 12, 1)]:
        merchant = SubscriptionFactory(
            merchant=MerchantFactory(name=name), package=package(code), extra_shops=shops, start_date=date(2026, 1, 1)
        ).merchant
        _orders(merchant, month, orders)
    _log_in(page, live_server.url, demo.BILLING)
    page.locator("#billing-table").wait_for()
    shown_mrr, shown_overage = _text(page.locator("#mrr")), _text(page.locator("#overage-revenue"))
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Exportera CSV").click()
    rows = _swedish_excel(open(download_info.value.path(), "rb").read())
    header, body, total = rows[0], rows[1:-1], rows[-1]
    assert header[:5] == ["Månad", "Handlare", "Org.nr", "Paket", "Överförda ordrar"]
    for row in body:
        assert all(isinstance(v, Decimal) for v in row[4:5] + row[7:]), row  # numbers, not text
    merchants = {row[1]: row for row in body}
    assert merchants["Åkesson & Co AB"][4] == 130 and merchants["Åkesson & Co AB"][6] == Decimal("130.0")
    assert merchants["Lagom AB"][9] == Decimal("295")
    revenue = header.index("Summa (kr)")
    assert total[revenue] == sum(row[revenue] for row in body)
    fees = sum(row[header.index("Månadsavgift (kr)")] + row[header.index("Extra webbutiker (kr)")] for row in body)
    assert shown_mrr == f"{fees:,.2f}".replace(",", " ").replace(".", ",") + " kr"
    over = total[header.index("Över kvoten (kr)")]
    assert shown_overage == f"{over:,.2f}".replace(",", " ").replace(".", ",") + " kr"
    page.get_by_role("link", name="Lagom AB").click()
    lines = _text(page.locator("#invoice-lines"))
    assert re.search(r"\d,\d{3},\d{2}", lines) is None  # never "6,400,00 kr"
    assert "795,00 kr" in lines and _text(page.locator("#total")) == "1 362,50 kr"
    screenshot("invoice")


GREEN_IN_CHART = """() => {
  const canvas = document.getElementById('usage-chart');
  const area = Chart.getChart(canvas).chartArea, ratio = window.devicePixelRatio || 1;
  const d = canvas.getContext('2d').getImageData(area.left * ratio, area.top * ratio,
      (area.right - area.left) * ratio, (area.bottom - area.top) * ratio).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) {
    const near = Math.abs(d[i] - 25) < 30 && Math.abs(d[i + 1] - 135) < 30 && Math.abs(d[i + 2] - 84) < 30;
    if (near && d[i + 3] > 150) n++;
  }
  return n;
}"""


def test_the_quota_is_a_visible_line_even_with_a_single_month_and_the_figures_are_in_a_table(
    page, live_server, screenshot
):
    demo.seed()
    this_month = timezone.localdate().replace(day=1)
    merchant = SubscriptionFactory(
        merchant=MerchantFactory(name="Ny Kund AB"), package=package("100"), start_date=this_month
    ).merchant
    _orders(merchant, this_month, 40)
    _log_in(page, live_server.url, demo.BILLING)
    page.goto(f"{live_server.url}/billing/merchants/{merchant.pk}/?month={this_month:%Y-%m}")
    page.wait_for_function(
        "document.getElementById('usage-chart').width > 0 && window.Chart && Chart.getChart('usage-chart')"
    )
    assert page.evaluate(GREEN_IN_CHART) > 20  # the quota's line across the month, not an invisible point
    page.get_by_text("Siffrorna som tabell").click()
    last = page.locator("#usage-table tbody tr").last
    assert [_text(c) for c in last.locator("td").all()] == ["40", "100"]
    screenshot("chart")
