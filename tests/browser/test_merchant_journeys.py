"""A merchant alone in a real browser: from login through the activation wizard to an order in
Specter; and an order that needs attention, fixed in the settings and retried from its page."""

import pytest
import requests
from django.contrib.auth import get_user_model

from simulator.specter.demo import ensure_demo_account
from simulator.specter.models import Order as SpecterOrder
from simulator.starweb.demo import ensure_demo_shop, place_order
from tests.billing.factories import MembershipFactory, SubscriptionFactory, package
from tests.browser.test_login_journeys import _log_in
from tests.syncflows.wiring import drain, wired_connection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Login:
    def __init__(self, username, password):
        self.username, self.password = username, password


def owner_with_password(merchant=None, email="agare@kaffekoppen.se") -> Login:
    user = get_user_model().objects.create_user(username=email, email=email, password="kaffe-agare-2026!")
    membership = MembershipFactory(user=user, **({"merchant": merchant} if merchant else {}))
    if merchant is None:
        SubscriptionFactory(merchant=membership.merchant, package=package("200"))
    return Login(email, "kaffe-agare-2026!")


def save(page):
    page.locator("main form button[type=submit]").first.click()


def test_a_new_merchant_activates_a_connection_and_sees_an_order_reach_specter(page, live_server, settings, screenshot):
    settings.SPECTER_API_URL = live_server.url + "/sim/specter/"
    settings.PUBLIC_BASE_URL = live_server.url
    shop = ensure_demo_shop()
    ensure_demo_account()
    place_order(shop, seed=41)  # the dry run shows the latest order
    _log_in(page, live_server.url, owner_with_password())
    page.locator("#new-connection input[name=name]").fill("Kaffekoppen i Starweb")
    page.get_by_role("button", name="Koppla en webbutik").click()

    page.locator("#id_specter_smb_id").fill("1001")
    page.locator("#id_md5key").fill("demo-md5key")
    screenshot("1-specter")
    save(page)
    page.locator("#id_starweb_base_url").fill(f"{live_server.url}/sim/starweb/demobutiken/api/v2")
    page.locator("#id_starweb_client_id").fill("demo-client")
    page.locator("#id_client_secret").fill("demo-client-secret")
    screenshot("2-starweb")
    save(page)
    assert page.locator("#flow-3").is_disabled()  # package 200: flow 3 comes with package 400
    page.locator("#flow-1").check()
    screenshot("3-flow")
    save(page)
    screenshot("4-customers")
    save(page)
    for field, article in (
        ("gift_card", "PRESENTKORT"),
        ("discount", "RABATT"),
        ("payment_fee", "AVGIFT"),
        ("shipping", "FRAKT"),
        ("cod", "POSTFORSKOTT"),
    ):
        page.locator(f"#id_{field}_article").fill(article)
    screenshot("5-orders")
    save(page)
    page.locator("#id_export_order").select_option("registered")
    page.locator("#id_status_on_transfer_id").select_option("2")
    screenshot("6-events")
    save(page)
    for key, code in (("ship_1", "PN"), ("ship_2", "DHL"), ("ship_3", "BUTIK")):
        page.locator(f"#id_{key}").fill(code)
    for key, code in (("pay_1", "K"), ("pay_2", "I"), ("pay_3", "P"), ("pay_4", "SW")):
        page.locator(f"#id_{key}").select_option(code)
    screenshot("7-methods")
    save(page)
    assert page.locator("#id_delivered_status").is_disabled()  # flow 1: nothing comes back from Specter
    screenshot("8-back-from-specter")
    save(page)
    page.locator("#findings").wait_for()
    drain()  # the worker reads the assortment; the page polls until it is done
    page.locator(".finding-pending").first.wait_for(state="detached")  # the assortment and Specter's register
    assert page.locator(".finding-problem").count() == 0 and page.locator(".finding-ok").count() == 9
    assert "Motsvarar" in page.locator("#preview").inner_text()
    screenshot("9-check")
    page.locator("#activate").click()
    assert page.locator("#connection-status").inner_text() == "Aktiv"
    screenshot("10-active")

    placed = requests.post(
        f"{live_server.url}/sim/_admin/starweb/demobutiken/orders", json={"seed": 42}, timeout=10
    ).json()
    drain()  # the worker's part, run here so the test decides when
    page.get_by_role("link", name="Ordrar", exact=True).click()
    row = page.locator("#transfers tbody tr").first
    specter = SpecterOrder.objects.get(external_order_no=str(placed["orderId"]))
    assert str(placed["orderId"]) in row.inner_text() and specter.order_no in row.inner_text()
    screenshot("11-order-in-specter")


def test_an_order_needing_attention_is_fixed_in_the_settings_and_retried_from_its_page(
    page, live_server, settings, screenshot
):
    connection = wired_connection(live_server, settings, delivery_methods={"1": "PN", "3": "BUTIK"})
    login = owner_with_password(connection.merchant, email="agare@handel.se")
    placed = place_order(ensure_demo_shop(), seed=43, shipping_id=2)
    drain()
    _log_in(page, live_server.url, login)
    page.get_by_role("link", name=connection.name).click()
    page.locator("#attention a").first.click()
    assert "DHL Service Point" in page.locator("#reason").inner_text()
    screenshot("1-needs-attention")

    page.locator("#fix-link").click()  # the reason links to the setting that fixes it
    assert page.url.endswith("/settings/#methods")
    methods = page.locator("#methods")
    methods.locator("#id_ship_2").fill("DHL")
    methods.get_by_role("button", name="Spara").click()
    page.get_by_text("Sparat").first.wait_for()
    screenshot("2-mapping-added")

    page.get_by_role("link", name="Ordrar", exact=True).click()
    page.get_by_role("link", name=str(placed.order_id)).click()
    page.locator("#retry").click()
    drain()
    page.reload()
    specter = SpecterOrder.objects.get(external_order_no=str(placed.order_id))
    assert page.locator("#specter-no").inner_text() == specter.order_no
    screenshot("3-retried-and-in-specter")


def test_the_owner_fills_a_new_shop_from_specter_and_watches_the_initial_sync_finish(
    page, live_server, settings, screenshot
):
    from connections.models import Connection

    connection = wired_connection(live_server, settings, flow=Connection.Flow.ERP, webhooks=False)
    owner = owner_with_password(connection.merchant)
    _log_in(page, live_server.url, owner)
    page.goto(f"{live_server.url}/m/{connection.merchant_id}/connections/{connection.pk}/")
    page.locator(".nav-tabs").get_by_role("link", name="Initial synkronisering").click()  # the tab, on every flow
    page.locator("#direction-to_starweb").get_by_text("Specter har 13 artiklar.").wait_for()
    page.locator("#direction-to_specter").get_by_text("Butiken har 5 produkter.").wait_for()
    screenshot("1-both-directions-counted")
    page.locator("#start-to_starweb").click()
    page.locator("#sync-progress").wait_for()
    drain()  # the worker for long work, run here so the test decides when
    page.locator('#sync-progress[data-state="done"]').wait_for()  # the page polls until then
    assert "13 av 13 artiklar lästa" in page.locator("#sync-progress").inner_text()
    page.locator("#sync-problems").get_by_text("FRAKT: kopplingens egen artikel").wait_for()
    screenshot("2-done-with-its-report")


def test_a_merchant_ignores_an_order_with_a_reason_and_reads_its_page_in_english(
    page, live_server, settings, screenshot
):
    connection = wired_connection(live_server, settings, delivery_methods={"1": "PN", "3": "BUTIK"})
    login = owner_with_password(connection.merchant, email="agare@ignorerar.se")
    placed = place_order(ensure_demo_shop(), seed=44, shipping_id=2)  # an unmapped delivery method: needs attention
    drain()
    _log_in(page, live_server.url, login)
    page.get_by_role("link", name=connection.name).click()
    page.locator("#attention a").first.click()
    page.get_by_text("Ignorera den här ordern").click()
    page.get_by_label("Varför").fill("Provorder från personalen")
    page.locator("#ignore-button").click()
    assert page.locator("#transfer-state").inner_text() == "Ignorerad"
    assert "Provorder från personalen" in page.locator("#ignored").inner_text()
    screenshot("1-ignored")

    page.get_by_role("link", name="Ordrar", exact=True).click()
    row = page.locator("#transfers tbody tr", has_text=str(placed.order_id))
    assert "Ignorerad" in row.inner_text() and "Provorder" in row.inner_text()
    page.get_by_role("link", name="Inställningar", exact=True).click()
    assert f"Ignorerade order {placed.order_id}: Provorder från personalen" in page.locator("#audit").inner_text()

    page.get_by_role("button", name="English").click()
    page.get_by_role("link", name="Orders", exact=True).click()
    page.get_by_role("link", name=str(placed.order_id)).click()
    assert page.locator("#transfer-state").inner_text() == "Ignored"
    assert "Read from Starweb" in page.locator("#timeline").inner_text()
    screenshot("2-in-english")
