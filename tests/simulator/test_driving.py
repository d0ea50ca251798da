"""Driving the simulators: the admin JSON endpoints, the management commands, the page's buttons."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from bench import demo
from simulator.models import FaultRule
from simulator.specter.models import (
    Account,
    Article,
    BatchEntry,
    Customer,
)
from simulator.specter.models import (
    Order as SpecterOrder,
)
from simulator.specter.models import (
    PriceList as SpecterPriceList,
)
from simulator.starweb.models import Order

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    demo.seed()


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def _specter_order():
    found = Account.objects.get(smb_id="1001")
    customer = Customer.objects.create(account=found, customer_no="1", email="a@b.se", name="A")
    return SpecterOrder.objects.create(
        account=found,
        order_no="20001",
        external_order_no="1001",
        customer_no=customer.customer_no,
        rows=[{"articleNo": "MUGG-01", "quantity": "2"}],
        total=198,
    )


def test_the_admin_endpoint_places_an_order_with_overrides(client, world):
    response = _post(
        client, reverse("sim_admin_place_order", args=["demobutiken"]), {"seed": 3, "baseCurrencyCode": "EUR"}
    )
    assert response.status_code == 201
    assert Order.objects.get(order_id=response.json()["orderId"]).data["baseCurrencyCode"] == "EUR"


def test_faults_are_injected_through_the_admin_endpoint(client, world):
    response = _post(
        client,
        reverse("sim_admin_fault", args=["specter", "1001"]),
        {"kind": "server_error", "status": 503, "remaining": 2},
    )
    assert response.status_code == 201 and FaultRule.objects.get().remaining == 2
    assert _post(client, reverse("sim_admin_fault", args=["specter", "1001"]), {"kind": "nonsense"}).status_code == 400


@pytest.mark.parametrize("action, status", [("deliver", 3), ("invoice", 4), ("paid", 6), ("cancel", 5)])
def test_specter_orders_change_through_the_admin_endpoint(client, world, action, status):
    _specter_order()
    response = _post(
        client, reverse("sim_admin_specter", args=["1001", action]), {"orderNo": "20001", "trackingNo": "T1"}
    )
    assert response.status_code == 200 and response.json()["statusId"] == status
    assert BatchEntry.objects.filter(queue="orders").count() == 1


def test_stock_and_price_change_through_the_admin_endpoint(client, world):
    assert (
        _post(
            client, reverse("sim_admin_specter", args=["1001", "stock"]), {"articleNo": "MUGG-01", "stock": 3}
        ).json()["stock"]
        == 3
    )
    assert (
        _post(
            client, reverse("sim_admin_specter", args=["1001", "price"]), {"articleNo": "MUGG-01", "priceExVat": "85"}
        ).status_code
        == 200
    )
    assert (
        _post(
            client, reverse("sim_admin_specter", args=["1001", "stock"]), {"articleNo": "NOPE", "stock": 3}
        ).status_code
        == 404
    )
    assert _post(client, reverse("sim_admin_specter", args=["1001", "deliver"]), {}).status_code == 400


def test_an_article_changes_through_the_admin_endpoint_and_waits_as_one_article_info_entry(client, world):
    url = reverse("sim_admin_specter", args=["1001", "article"])
    answer = _post(
        client,
        url,
        {"articleNo": "MUGG-01", "name": "Mugg blå", "barCode": "7350012340017", "weightKg": "0,35", "buyPrice": 31.5},
    ).json()
    assert (answer["name"], answer["barCode"], Decimal(answer["weightKg"]), Decimal(answer["buyPrice"])) == (
        "Mugg blå",
        "7350012340017",
        Decimal("0.35"),
        Decimal("31.5"),
    )
    [entry] = BatchEntry.objects.filter(queue=BatchEntry.ARTICLE_INFO)
    assert (entry.payload["barCode"], entry.payload["productWeight"], entry.payload["priceExclVat"]) == (
        "7350012340017",
        "0.350",
        "79.2000",
    )
    assert _post(client, url, {"articleNo": "MUGG-01", "weightKg": "tung"}).status_code == 400
    assert _post(client, url, {"articleNo": "NOPE", "name": "x"}).status_code == 404


def test_a_list_price_changes_through_the_admin_endpoint_and_waits_in_the_price_list_batch(client, world):
    url = reverse("sim_admin_specter", args=["1001", "listprice"])
    answer = _post(
        client, url, {"priceList": "Återförsäljare", "articleNo": "MUGG-01", "priceExVat": "52", "fromQuantity": 20}
    ).json()
    assert answer == {"priceListId": 3, "articleNo": "MUGG-01", "fromQuantity": 20, "priceExVat": "52"}
    assert BatchEntry.objects.get(queue=BatchEntry.PRICE_LISTS).payload["fromQuantity"] == 20
    assert _post(client, url, {"priceList": "Grossist", "articleNo": "MUGG-01", "priceExVat": "1"}).status_code == 404


def test_stock_is_set_per_warehouse_through_the_admin_endpoint_and_a_set_article_follows_its_components(client, world):
    url = reverse("sim_admin_specter", args=["1001", "stock"])
    _post(client, url, {"articleNo": "KAFFE-500", "stock": 4, "site": "2"})
    answer = _post(client, url, {"articleNo": "MUGG-01", "stock": 6, "site": "2"}).json()
    assert answer["sites"] == {"1": 100, "2": 6} and answer["stock"] == 100  # `stock` stays the default warehouse's
    queued = [e.payload for e in BatchEntry.objects.filter(queue="stock", payload__articleNo="PRESENTSET-01")]
    assert queued[-1]["sites"] == {"1": 100, "2": 4}  # the gift set: as many as the scarcer component allows
    assert _post(client, url, {"articleNo": "MUGG-01", "stock": 6, "site": "lager"}).status_code == 400
    assert _post(client, url, {"articleNo": "PRESENTSET-01", "stock": 6}).status_code == 400  # derived, never set


def test_the_management_commands_place_orders_and_change_specter(world):
    out = StringIO()
    call_command("sim_starweb", "place-order", "--count", "3", "--seed", "1", stdout=out)
    assert Order.objects.count() == 3 and out.getvalue().count("SEK") == 3
    call_command("sim_specter", "stock", "MUGG-01", "12", stdout=out)
    assert Article.objects.get(article_no="MUGG-01").stock == 12
    _specter_order()
    call_command("sim_specter", "deliver", "20001", "--tracking-no", "T9", stdout=out)
    assert SpecterOrder.objects.get(order_no="20001").data["deliveryStatus"] == "D"


def test_the_staff_page_buttons_deliver_set_stock_and_set_a_list_price(staff_client, world):
    _specter_order()
    staff_client.post(reverse("sim_specter_action", args=["1001", "deliver"]), {"orderNo": "20001", "trackingNo": "T2"})
    staff_client.post(reverse("sim_specter_action", args=["1001", "stock"]), {"articleNo": "BOK-01", "stock": "4"})
    assert SpecterOrder.objects.get(order_no="20001").data["statusId"] == 3
    assert Article.objects.get(article_no="BOK-01").stock == 4
    staff_client.post(
        reverse("sim_specter_action", args=["1001", "listprice"]),
        {"priceList": "3", "articleNo": "MUGG-01", "fromQuantity": "5", "priceExVat": "58.50"},
    )
    assert SpecterPriceList.objects.get(price_list_id=3).prices.get(
        article_no="MUGG-01", from_quantity=5
    ).price_ex_vat == Decimal("58.50")
    page = staff_client.get(reverse("sim_index")).content.decode()
    assert "Deliver" in page and "Set stock" in page and "Set list price" in page


def test_how_a_specter_account_answers_is_switched_through_the_admin_endpoint(client, world):
    url = reverse("sim_admin_specter", args=["1001", "answers"])
    response = _post(client, url, {"answerForm": "xml_code", "decimalComma": True, "saysNoItems": True})
    assert response.status_code == 200 and response.json()["answerForm"] == "xml_code"
    found = Account.objects.get(smb_id="1001")
    assert (found.answer_form, found.decimal_comma, found.says_no_items) == ("xml_code", True, True)
    assert _post(client, url, {"answerForm": "json"}).status_code == 400
