"""Staff onboard a merchant end to end, and a billing admin reads the month and exports it, in a real browser."""

import csv
import io
import re
import uuid
from datetime import date

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from bench import demo
from billing.models import Merchant
from billing.usage import record_transfer
from tests.billing.factories import MerchantFactory, SubscriptionFactory, package
from tests.browser.test_login_journeys import _log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_onboard_a_merchant_whose_owner_then_logs_in(page, live_server, screenshot):
    demo.seed()
    _log_in(page, live_server.url, demo.STAFF)
    page.get_by_role("link", name="Ny kund").click()
    page.get_by_label("Företagsnamn").fill("Kaffekoppen AB")
    page.get_by_label("Organisationsnummer").fill("556123-4567")
    page.get_by_label(re.compile("Ägarens e-post")).fill("agare@kaffekoppen.se")
    page.locator("#id_package").select_option(label="Paket 400")
    page.get_by_label("Extra webbutiker").fill("1")
    screenshot("1-new-customer")
    page.get_by_role("button", name="Skapa och bjud in").click()
    page.get_by_role("heading", name="Kaffekoppen AB").wait_for()
    assert page.locator("#balance").inner_text().replace("\xa0", " ") == "4 h"

    # Training logged: the checklist ticks "Training held" by itself.
    page.get_by_text("Logga arbete").click()
    page.get_by_label("Minuter").fill("50")
    page.get_by_label("Kategori").select_option("training")
    page.get_by_label("Beskrivning").fill("Genomgång av orderflödet")
    page.get_by_role("button", name="Logga", exact=True).click()
    assert page.locator('[data-step="training"]').get_attribute("data-done") == "1"
    assert page.locator("#balance").inner_text().replace("\xa0", " ") == "3 h"
    assert page.locator('[data-step="flow"]').get_by_role("button").count() == 0  # it ticks itself
    page.locator('[data-step="handover"]').get_by_role("button", name="Markera som klar").click()
    assert page.locator('[data-step="handover"]').get_attribute("data-done") == "1"
    screenshot("2-customer-page")

    page.get_by_role("link", name="Öppna som handlaren ser det").click()
    page.get_by_text("Du ser Kaffekoppen AB som personal").wait_for()
    screenshot("3-as-merchant")

    # The owner follows the invitation, chooses a password and sees their package.
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[-1].body).group(1)
    page.context.clear_cookies()
    page.goto(live_server.url + link)
    page.locator("#id_new_password1").fill("kaffe-agare-2026!")
    page.locator("#id_new_password2").fill("kaffe-agare-2026!")
    page.get_by_role("button", name="Spara lösenord").click()
    page.get_by_role("link", name="Logga in").click()
    page.locator("#id_username").fill("agare@kaffekoppen.se")
    page.locator("#id_password").fill("kaffe-agare-2026!")
    page.get_by_role("button", name="Logga in").click()
    page.get_by_role("heading", name="Kaffekoppen AB").wait_for()
    assert "Paket 400" in page.content()
    assert Merchant.objects.get(name="Kaffekoppen AB").memberships.get().user.check_password("kaffe-agare-2026!")


def test_a_billing_admin_reads_the_month_sorts_filters_and_exports_csv(page, live_server, screenshot):
    demo.seed()
    month = timezone.localdate().replace(day=1)
    for name, code, orders in [("Överskott AB", "100", 130), ("Lagom AB", "800", 120)]:
        merchant = SubscriptionFactory(
            merchant=MerchantFactory(name=name), package=package(code), start_date=date(2026, 1, 1)
        ).merchant
        connection_id = uuid.uuid4()
        with transaction.atomic():
            for n in range(orders):
                record_transfer(merchant_id=merchant.pk, connection_id=connection_id, order_id=str(n))
    _log_in(page, live_server.url, demo.BILLING)
    page.get_by_role("heading", level=1).wait_for()
    table = page.locator("#billing-table")
    assert "Överskott AB" in table.inner_text() and "Lagom AB" in table.inner_text()
    table.get_by_role("link", name=re.compile("^Överskott")).first.wait_for()
    page.get_by_role("link", name=re.compile("^Intäkt")).click()  # ascending
    page.get_by_role("link", name=re.compile("^Intäkt")).click()  # descending
    first_row = table.locator("tbody tr").first.inner_text()
    assert first_row.startswith("Lagom AB")
    page.get_by_label("Endast över kvot").check()
    page.get_by_role("button", name="Visa").click()
    rows = table.locator("tbody tr")
    assert rows.count() == 1 and "Överskott AB" in rows.first.inner_text()
    screenshot("dashboard")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Exportera CSV").click()
    content = open(download_info.value.path(), encoding="utf-8-sig").read()
    lines = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert [row[1] for row in lines[1:-1]] == ["Överskott AB"]
    assert lines[1][0] == month.strftime("%Y-%m") and lines[1][4] == "130" and lines[1][7] == "30"
    page.get_by_role("link", name="Överskott AB").click()
    page.locator("#invoice-lines").wait_for()
    assert "Ordrar över kvoten" in page.locator("#invoice-lines").inner_text()
    page.wait_for_function("document.getElementById('usage-chart').width > 0")
    screenshot("invoice")


def test_staff_place_an_order_in_the_simulated_shop_and_see_it(page, live_server, screenshot):
    demo.seed()
    _log_in(page, live_server.url, demo.STAFF)
    page.get_by_role("link", name="Simulator").click()
    page.locator("#place-order-demobutiken").click()
    page.get_by_text(re.compile(r"Order \d+ placed in Demobutiken")).wait_for()
    rows = page.locator("#starweb-orders-demobutiken tbody tr")
    assert rows.count() == 1 and "@example.se" in rows.first.inner_text()
    screenshot("simulator")
