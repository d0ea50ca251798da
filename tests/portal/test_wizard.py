"""The activation wizard against the simulators over real HTTP: each step verifies what it can,
says what is wrong and how to fix it, and activation registers the shop's webhooks."""

import re

import pytest
from django.urls import reverse

from connections.models import Connection
from simulator.specter.demo import ensure_demo_account
from simulator.starweb.demo import ensure_demo_shop, place_order
from simulator.starweb.models import WebHook
from tests.syncflows.wiring import drain

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def simulators(live_server, settings):
    settings.SPECTER_API_URL = live_server.url + "/sim/specter/"
    ensure_demo_account()
    return ensure_demo_shop()


def step_url(connection, slug):
    return reverse("portal:setup", args=[connection.merchant_id, connection.pk, slug])


def new_connection(client, merchant):
    response = client.post(reverse("portal:new_connection", args=[merchant.pk]), {"name": "Demobutiken"})
    connection = Connection.objects.get(merchant=merchant)
    assert response.status_code == 302 and response["Location"] == step_url(connection, "specter")
    return connection


def walk_to_activation(client, connection, live_server):
    """Every step with good answers; returns the check page's response."""
    answers = {
        "specter": {"specter_smb_id": "1001", "md5key": "demo-md5key"},
        "starweb": {
            "starweb_base_url": f"{live_server.url}/sim/starweb/demobutiken/api/v2",
            "starweb_client_id": "demo-client",
            "client_secret": "demo-client-secret",
        },
        "flow": {"flow": "1"},
        "customers": {"force_customer_update": "on"},
        "export": {
            "document_type": "order",
            "gift_card_article": "PRESENTKORT",
            "discount_article": "RABATT",
            "payment_fee_article": "AVGIFT",
            "shipping_article": "FRAKT",
            "cod_article": "POSTFORSKOTT",
        },
        "events": {
            "export_order": "registered",
            "export_product": "inactive",
            "update_existing_articles": "inactive",
            "trigger_status_ids": ["1"],
            "status_on_transfer_id": "2",
        },
        "methods": {
            "ship_1": "PN",
            "ship_2": "DHL",
            "ship_3": "BUTIK",
            "pay_1": "K",
            "pay_2": "I",
            "pay_3": "P",
            "pay_4": "SW",
        },
        "statuses": {"stock_location_id": "1"},
    }
    slugs = list(answers)
    for n, slug in enumerate(slugs):
        response = client.post(step_url(connection, slug), answers[slug])
        following = slugs[n + 1] if n + 1 < len(slugs) else "check"
        assert response.status_code == 302, (slug, response.content.decode()[:3000])
        assert response["Location"] == step_url(connection, following)
    client.get(step_url(connection, "check"))  # queues the reading of the assortment
    drain()
    return client.get(step_url(connection, "check"))


def test_an_owner_sets_up_a_connection_step_by_step_and_activates_it(owner_client, merchant, simulators, live_server):
    place_order(simulators, seed=5)
    connection = new_connection(owner_client, merchant)
    check = walk_to_activation(owner_client, connection, live_server)
    body = check.content.decode()
    assert check.status_code == 200 and "finding-problem" not in body, body[:4000]
    assert 'id="preview-total"' in body and "Equals the order" in body or "Motsvarar" in body
    response = owner_client.post(reverse("portal:activate", args=[merchant.pk, connection.pk]))
    assert response.status_code == 302
    connection.refresh_from_db()
    assert connection.status == Connection.Status.ACTIVE and connection.activated_at
    assert connection.trigger_status_ids == [1] and connection.delivery_methods["2"] == "DHL"
    hooks = WebHook.objects.filter(shop=simulators)
    assert {h.event for h in hooks} == {"order-created", "order-status-changed"}
    assert all(str(connection.webhook_endpoint.pk) in h.url for h in hooks)
    owner_client.post(reverse("portal:activate", args=[merchant.pk, connection.pk]))
    assert WebHook.objects.filter(shop=simulators).count() == 2  # activating again adds none


def test_refused_specter_credentials_say_where_to_find_the_right_ones(owner_client, merchant, simulators):
    connection = new_connection(owner_client, merchant)
    response = owner_client.post(step_url(connection, "specter"), {"specter_smb_id": "1001", "md5key": "wrong"})
    assert response.status_code == 200 and "Webbshop" in response.content.decode()
    connection.refresh_from_db()
    assert connection.specter_md5key is None  # nothing saved


def test_a_shop_whose_currency_is_not_sek_is_refused_at_the_starweb_step(
    owner_client, merchant, simulators, live_server
):
    ensure_demo_shop("euroshop", "euro-client", "euro-secret", currency="EUR")
    connection = new_connection(owner_client, merchant)
    response = owner_client.post(
        step_url(connection, "starweb"),
        {
            "starweb_base_url": f"{live_server.url}/sim/starweb/euroshop/api/v2",
            "starweb_client_id": "euro-client",
            "client_secret": "euro-secret",
        },
    )
    assert response.status_code == 200 and "EUR" in response.content.decode()


def test_flows_outside_the_package_are_disabled_and_name_the_package_that_unlocks_them(
    owner_client, merchant, simulators
):
    connection = new_connection(owner_client, merchant)  # package 200: flows 1 and 2
    body = owner_client.get(step_url(connection, "flow")).content.decode()
    assert 'id="flow-3" value="3"\n             disabled' in body or 'value="3"\n             disabled' in body
    assert "Paket 400" in body
    response = owner_client.post(step_url(connection, "flow"), {"flow": "3"})
    assert response.status_code == 200
    connection.refresh_from_db()
    assert connection.flow is None


def test_the_check_lists_what_would_stop_orders_with_where_to_fix_it(owner_client, merchant, simulators, live_server):
    connection = new_connection(owner_client, merchant)
    walk_to_activation(owner_client, connection, live_server)
    Connection.objects.filter(pk=connection.pk).update(delivery_methods={"1": "PN"}, shipping_article="")
    body = owner_client.get(step_url(connection, "check")).content.decode()
    assert body.count("finding-problem") == 2
    assert (
        "DHL Service Point" in body
        and step_url(connection, "methods") in body
        and step_url(connection, "export") in body
    )


def test_only_an_owner_of_the_merchant_may_set_up_a_connection(
    other_owner_client, anonymous_client, merchant, owner_client, simulators
):
    connection = new_connection(owner_client, merchant)
    assert other_owner_client.get(step_url(connection, "specter")).status_code == 404
    assert other_owner_client.post(reverse("portal:new_connection", args=[merchant.pk])).status_code == 404
    assert anonymous_client.get(step_url(connection, "specter")).status_code == 302


@pytest.fixture
def statuses_section(live_server, settings, merchant):
    """(connection, URL) of the "Back from Specter" section of a flow #2 connection's settings page."""
    from tests.syncflows.wiring import wired_connection

    connection = wired_connection(live_server, settings, flow=Connection.Flow.ERP)
    Connection.objects.filter(pk=connection.pk).update(merchant=merchant)
    return connection, reverse("portal:settings_section", args=[merchant.pk, connection.pk, "statuses"])


def test_the_merchant_chooses_which_of_specters_warehouses_the_stock_comes_from_and_it_is_audited(
    owner_client, statuses_section
):
    from auditlog.models import LogEntry

    connection, url = statuses_section
    owner_client.post(url, {"stock_location_id": "1", "stock_site_choice": "site", "stock_site_id": " 3 "})
    connection.refresh_from_db()
    assert connection.stock_site == "3"
    owner_client.post(url, {"stock_location_id": "1", "stock_site_choice": "sum", "stock_site_id": "3"})
    connection.refresh_from_db()
    assert connection.stock_site == "sum"
    updates = LogEntry.objects.get_for_object(connection).filter(action=LogEntry.Action.UPDATE)
    changed = [tuple(entry.changes["stock_site"]) for entry in updates if "stock_site" in (entry.changes or {})]
    assert sorted(changed) == [("", "3"), ("3", "sum")]
    body = owner_client.get(url).content.decode()
    assert 'value="sum" selected' in body


def test_a_stock_site_that_is_not_digits_is_refused_and_nothing_is_saved(owner_client, statuses_section):
    connection, url = statuses_section
    response = owner_client.post(
        url, {"stock_location_id": "1", "stock_site_choice": "site", "stock_site_id": "Lager 2"}
    )
    assert response.status_code == 200 and "siffror" in response.content.decode()
    connection.refresh_from_db()
    assert connection.stock_site == ""


def test_changing_the_warehouse_forgets_the_figures_written_so_the_reconciliation_does_not_put_the_old_ones_back(
    owner_client, statuses_section
):
    from syncflows.models import ProductBinding

    connection, url = statuses_section
    ProductBinding.objects.create(connection=connection, sku="MUGG-01", product_id=102, variant_id=1020, last_stock=100)
    owner_client.post(url, {"stock_location_id": "1", "stock_site_choice": "", "stock_site_id": ""})  # unchanged
    assert ProductBinding.objects.get(connection=connection).last_stock == 100
    owner_client.post(url, {"stock_location_id": "1", "stock_site_choice": "site", "stock_site_id": "2"})
    assert ProductBinding.objects.get(connection=connection).last_stock is None


def test_without_stock_in_the_package_the_warehouse_choice_is_disabled_and_not_saved(
    live_server, settings, owner_client, merchant
):
    from tests.syncflows.wiring import wired_connection

    connection = wired_connection(live_server, settings, flow=Connection.Flow.ECOM)  # flow #1: no stock from Specter
    Connection.objects.filter(pk=connection.pk).update(merchant=merchant)
    url = reverse("portal:settings_section", args=[merchant.pk, connection.pk, "statuses"])
    owner_client.post(url, {"stock_location_id": "1", "stock_site_choice": "sum"})
    connection.refresh_from_db()
    assert connection.stock_site == ""
    body = owner_client.get(url).content.decode()
    assert re.search(r'<select name="stock_site_choice"[^>]*disabled', body) and re.search(
        r'<input[^>]*name="stock_site_id"[^>]*disabled', body
    )


def test_on_flow_two_the_merchant_picks_the_shop_category_that_products_from_specter_go_into(
    owner_client, statuses_section
):
    connection, url = statuses_section
    body = owner_client.get(url).content.decode()
    assert '<option value="2">Kläder</option>' in body  # the shop's categories, read from Starweb
    owner_client.post(url, {"stock_location_id": "1", "stock_site_choice": "", "product_category_id": "2"})
    connection.refresh_from_db()
    assert connection.product_category_id == 2
    owner_client.post(url, {"stock_location_id": "1", "stock_site_choice": "", "product_category_id": ""})
    connection.refresh_from_db()
    assert connection.product_category_id is None
