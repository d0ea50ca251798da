"""The whole way alone: a new merchant signs up, confirms the e-mail from its link, accepts every
default of the wizard against the simulators and sees the first order in Specter. The script's
time, clicks and fields filled are printed (a figure for the report, not an assertion on speed)."""

import re
import time

import pytest
import requests
from django.core import mail

from billing.models import Merchant
from simulator.specter.demo import ensure_demo_account
from simulator.specter.models import Order as SpecterOrder
from simulator.starweb.demo import ensure_demo_shop
from tests.syncflows.wiring import drain

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Counted:
    """The merchant's hands: every click and every field filled is counted."""

    def __init__(self, page):
        self.page, self.clicks, self.fields = page, 0, 0

    def click(self, selector):
        self.page.locator(selector).click()
        self.clicks += 1

    def fill(self, selector, value):
        self.page.locator(selector).fill(value)
        self.fields += 1


def test_a_new_merchant_signs_up_accepts_every_default_and_sees_the_first_order_in_specter(
    page, live_server, settings, screenshot
):
    settings.SPECTER_API_URL = live_server.url + "/sim/specter/"
    settings.PUBLIC_BASE_URL = live_server.url
    ensure_demo_shop()  # the merchant's own shop and Specter account exist before they come to us
    ensure_demo_account()
    hands = Counted(page)
    started = time.monotonic()

    page.goto(f"{live_server.url}/accounts/login/")
    hands.click("#signup-link")
    hands.click("#package-200")
    hands.fill("#id_company", "Kaffekoppen AB")
    hands.fill("#id_org_number", "556677-8899")
    hands.fill("#id_owner_name", "Karin Koppen")
    hands.fill("#id_email", "karin@kaffekoppen.se")
    hands.fill("#id_password", "kaffe-och-kakor-2026")
    hands.click("#id_terms")
    screenshot("1-signup")
    hands.click("#signup-submit")
    page.locator("#signup-sent").wait_for()
    assert not Merchant.objects.filter(name="Kaffekoppen AB").exists()  # nothing until the e-mail is confirmed
    screenshot("2-check-your-email")

    link = re.search(r"https?://\S+/signup/verify/\S+/", mail.outbox[-1].body)[0]
    page.goto(link)  # the merchant opens the link in the e-mail
    hands.clicks += 1
    hands.click("#confirm-email")
    page.locator("#what-comes-next").wait_for()
    screenshot("3-wizard-what-comes-next")

    hands.fill("#id_specter_smb_id", "1001")
    hands.fill("#id_md5key", "demo-md5key")
    hands.click("main form button[type=submit]")
    hands.fill("#id_starweb_base_url", f"{live_server.url}/sim/starweb/demobutiken/api/v2")
    hands.fill("#id_starweb_client_id", "demo-client")
    hands.fill("#id_client_secret", "demo-client-secret")
    hands.click("main form button[type=submit]")
    for step in ("flow", "customers", "export", "events", "methods", "statuses"):  # every default accepted
        page.locator("#step-title").wait_for()
        screenshot(f"4-{step}")
        hands.click("main form button[type=submit]")
    page.locator("#findings").wait_for()
    drain()  # the worker reads the assortment; the page polls until it is done
    page.locator(".finding-pending").first.wait_for(state="detached")  # the assortment and Specter's register
    assert page.locator(".finding-problem").count() == 0, page.locator("#findings").inner_text()
    screenshot("5-check")
    hands.click("#activate")
    page.locator("#connection-status").wait_for()
    assert page.locator("#not-exporting").count() == 0
    screenshot("6-active")

    placed = requests.post(
        f"{live_server.url}/sim/_admin/starweb/demobutiken/orders", json={"seed": 42}, timeout=10
    ).json()
    drain()
    hands.click("ul.nav-tabs li:nth-child(2) a")  # Orders
    row = page.locator("#transfers tbody tr").first
    specter = SpecterOrder.objects.get(external_order_no=str(placed["orderId"]))
    assert specter.order_no in row.inner_text()
    elapsed = time.monotonic() - started
    screenshot("7-first-order-in-specter")
    print(f"\nsign-up journey: script time {elapsed:.1f} s, clicks {hands.clicks}, fields filled {hands.fields}")
