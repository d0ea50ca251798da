"""Integration staff on the operator's page in a real browser, in Swedish and in English: trouble
across two merchants, Retry all on one group with its result and its entry in the merchant's
audit trail, and an order number searched across merchants."""

import re

import pytest
from playwright.sync_api import expect

from bench import demo
from billing.models import Merchant
from syncflows.models import Transfer
from tests.browser.test_login_journeys import _log_in
from tests.connections.factories import ConnectionFactory
from tests.syncflows.factories import TransferFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
State = Transfer.State

WORDS = {
    "sv": {
        "retry": "Försök igen med alla",
        "sent": "3 ordrar från Kaffebutiken skickas igen.",
        "nothing": "Ingen order har det numret.",
        "search": "Sök ordrar",
        "trail": "Skickade igen 3 ordrar (sku_space) på Kaffebutiken",
        "reason": "mellanslag",
    },
    "en": {
        "retry": "Retry all",
        "sent": "3 orders of Kaffebutiken sent again.",
        "nothing": "No order has that number.",
        "search": "Search orders",
        "trail": "Sent 3 orders again (sku_space) on Kaffebutiken",
        "reason": "space",
    },
}


def trouble():
    """Two merchants with orders needing attention, and one order number both shops used."""
    shops = []
    for merchant_name, shop in [("Kaffe AB", "Kaffebutiken"), ("Te AB", "Tebutiken")]:
        connection = ConnectionFactory(merchant=Merchant.objects.create(name=merchant_name), name=shop)
        shops.append(connection)
        for _n in range(3 if shop == "Kaffebutiken" else 2):
            TransferFactory(
                connection=connection,
                state=State.NEEDS_ATTENTION,
                reason_code="sku_space",
                reason_params=[["sku_space", {"sku": "A 1"}]],
            )
        TransferFactory(connection=connection, order_number="5150", starweb_order_id=f"{shop}-5150", state=State.DONE)
    return shops


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_staff_retry_a_group_see_it_in_the_audit_trail_and_search_an_order_across_merchants(
    page, live_server, screenshot, lang
):
    demo.seed()
    coffee, tea = trouble()
    words = WORDS[lang]
    _log_in(page, live_server.url, demo.STAFF)
    page.get_by_role("heading", level=1).wait_for()
    if lang == "en":
        page.get_by_role("button", name="English").click()
        page.wait_for_load_state()
    page.goto(f"{live_server.url}/staff/operations/")
    rows = page.locator("table").first.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="Kaffe AB")).to_contain_text(words["reason"])
    expect(rows.filter(has_text="Kaffe AB").locator("[data-count]")).to_have_text("3")
    expect(rows.filter(has_text="Te AB").locator("[data-count]")).to_have_text("2")
    screenshot(f"{lang}-1-groups")

    rows.filter(has_text="Kaffe AB").get_by_role("button", name=words["retry"]).click()
    expect(page.get_by_text(words["sent"])).to_be_visible()
    expect(page.locator("table").first.locator("tbody tr")).to_have_count(1)  # only the tea shop's group is left
    assert set(
        Transfer.objects.filter(connection=coffee, order_number__gt="")
        .exclude(order_number="5150")
        .values_list("state", flat=True)
    ) == {State.RETRY_WAIT}
    assert Transfer.objects.filter(connection=tea, state=State.NEEDS_ATTENTION).count() == 2
    screenshot(f"{lang}-2-retried")

    page.goto(f"{live_server.url}/staff/customers/{coffee.merchant_id}/")
    expect(page.locator("#audit-trail")).to_contain_text(words["trail"])
    expect(page.locator("#audit-trail")).to_contain_text(demo.STAFF.username)

    page.goto(f"{live_server.url}/staff/operations/")
    search = page.get_by_label(words["search"])
    search.fill("5150")
    search.press("Enter")
    page.wait_for_url(re.compile(r"\?q=5150"))
    found = page.locator("table").first.locator("tbody tr")
    expect(found).to_have_count(2)
    expect(found.filter(has_text="Kaffebutiken")).to_have_count(1)
    expect(found.filter(has_text="Tebutiken")).to_have_count(1)
    search = page.get_by_label(words["search"])
    search.fill("no-such-order")
    search.press("Enter")
    expect(page.get_by_text(words["nothing"])).to_be_visible()
    screenshot(f"{lang}-3-search")
