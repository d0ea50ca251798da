"""Each demo role logs in through a real browser and lands on its own home page."""

import re

import pytest

from bench import demo
from billing.models import Merchant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, base_url, user):
    page.goto(f"{base_url}/")
    page.get_by_label(re.compile("Användarnamn|Username")).fill(user.username)
    page.get_by_label(re.compile("Lösenord|Password")).fill(user.password)
    page.get_by_role("button", name=re.compile("Logga in|Log in")).click()


@pytest.mark.parametrize(
    "user, path, heading",
    [
        (demo.OWNER, r"/m/[0-9a-f-]{36}/$", "Demobutiken AB"),
        (demo.STAFF, r"/staff/$", "Kunder"),
        (demo.BILLING, r"/billing/$", "Fakturering"),
    ],
    ids=["owner", "staff", "billing-admin"],
)
def test_each_role_logs_in_and_lands_on_its_home(page, live_server, screenshot, user, path, heading):
    demo.seed()
    _log_in(page, live_server.url, user)
    page.wait_for_url(re.compile(path))
    assert page.get_by_role("heading", level=1).inner_text().startswith(heading)
    screenshot("home")


def test_the_owner_switches_to_english_and_back(page, live_server, screenshot):
    demo.seed()
    _log_in(page, live_server.url, demo.OWNER)
    page.get_by_role("heading", name="Ditt paket").wait_for()
    page.get_by_role("button", name="English").click()
    page.get_by_role("heading", name="Your package").wait_for()
    screenshot("english")
    page.get_by_role("button", name="Svenska").click()
    page.get_by_role("heading", name="Ditt paket").wait_for()


def test_the_owner_gets_a_404_page_for_another_merchant(page, live_server):
    demo.seed()
    other = Merchant.objects.get(name="Annan Handel AB")
    _log_in(page, live_server.url, demo.OWNER)
    page.wait_for_url(re.compile(r"/m/"))
    response = page.goto(f"{live_server.url}/m/{other.pk}/")
    assert response.status == 404
    assert "Annan Handel" not in page.content()
    assert page.get_by_role(
        "heading", name="Sidan finns inte"
    ).is_visible()  # ours, in Swedish, not the server's English
