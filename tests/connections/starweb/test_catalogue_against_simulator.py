"""The Starweb client's catalogue calls against the simulated shop: products, variants, stock per
location, prices per price list, price lists, customers; answers and bodies checked against the spec."""

import pytest
import requests

from connections.starweb.client import NotFound
from simulator.starweb.models import Customer, Product
from tests.connections.starweb.test_client_against_simulator import raw, shop, starweb  # noqa: F401  fixtures
from tests.contracts.openapi import errors, spec

pytestmark = pytest.mark.django_db(transaction=True)


def test_products_come_with_their_variants_and_match_the_spec(starweb):
    products = list(starweb.products())
    skus = {v["sku"] for p in products for v in p["variants"]["data"]}
    assert {"TSHIRT-S", "TSHIRT-M", "TSHIRT-L", "MUGG-01", "PRESENTSET-01"} <= skus
    assert (
        errors(
            raw(starweb, "/products", include="primaryVariant,primaryVariant.prices,languages"),
            "ProductModelCollection",
        )
        == []
    )
    assert errors(raw(starweb, "/products/101"), "ProductModelItem") == []
    assert errors(raw(starweb, "/products/101/variants", include="prices"), "ProductVariantModelCollection") == []
    assert [v["sku"] for v in starweb.product(101)["variants"]["data"]] == ["TSHIRT-S", "TSHIRT-M", "TSHIRT-L"]


def test_the_list_embeds_one_variant_as_starweb_does_and_the_client_reads_the_rest(starweb):
    listed = raw(starweb, "/products", include="primaryVariant")["data"]
    tshirt = next(p for p in listed if p["productId"] == 101)
    assert tshirt["hasSeveralVariants"] and len(tshirt["variants"]["data"]) == 1
    rows, _total, _pages = starweb.product_page(1)
    assert [v["sku"] for v in next(p for p in rows if p["productId"] == 101)["variants"]["data"]] == [
        "TSHIRT-S",
        "TSHIRT-M",
        "TSHIRT-L",
    ]


def test_stock_is_set_per_location_and_read_back(starweb):
    starweb.set_stock(102, 1020, 1, 7)
    assert starweb.stocks(102, 1020) == [{"stockLocationId": 1, "stockQuantity": 7}]
    assert errors(raw(starweb, "/products/102/variants/1020/stocks"), "ProductVariantStockModelCollection") == []
    assert [loc["stockLocationId"] for loc in starweb.stock_locations()] == [1]
    assert errors(raw(starweb, "/stock-locations"), "StockLocationModelCollection") == []


def test_prices_are_set_per_price_list_and_read_back(starweb):
    starweb.set_price(101, 1011, 2, 120, special_price_ex_vat=99.5)
    prices = {p["pricelistId"]: p for p in starweb.prices(101, 1011)}
    assert (
        prices[2]["priceExVat"] == 120 and prices[2]["specialPriceExVat"] == 99.5 and prices[1]["priceExVat"] == 159.2
    )
    assert [p["name"] for p in starweb.pricelists()] == ["Standard", "Återförsäljare"]
    assert errors(raw(starweb, "/pricelists"), "PricelistModelCollection") == []
    assert errors(raw(starweb, "/products/101/variants/1011/prices"), "ProductVariantPriceModelCollection") == []


def test_volume_prices_are_created_replaced_and_read_back_under_a_price_list_price(starweb):
    starweb.set_price(102, 1020, 2, 63.2)
    starweb.set_volume_price(102, 1020, 2, 10, 55)  # new: created
    starweb.set_volume_price(102, 1020, 2, 10, 54.5)  # existing: replaced
    starweb.set_volume_price(102, 1020, 2, 25, 50)
    assert starweb.volume_prices(102, 1020, 2) == [
        {"pricelistId": 2, "quantity": 10, "priceExVat": 54.5},
        {"pricelistId": 2, "quantity": 25, "priceExVat": 50},
    ]
    assert (
        errors(raw(starweb, "/products/102/variants/1020/prices/2/volume"), "ProductVariantVolumePriceModelCollection")
        == []
    )
    assert (
        errors(raw(starweb, "/products/102/variants/1020/prices/2/volume/10"), "ProductVariantVolumePriceModelItem")
        == []
    )
    starweb.set_price(102, 1020, 2, 62)  # the plain price changes; its volume prices stay
    assert len(starweb.volume_prices(102, 1020, 2)) == 2
    url, auth = (
        f"{starweb.base_url}/products/102/variants/1020/prices/2/volume",
        {"Authorization": f"Bearer {starweb._token()}"},
    )
    patched = requests.patch(f"{url}/25", json={"quantity": 25, "priceExVat": 49}, headers=auth, timeout=10)
    assert patched.status_code == 200 and errors(patched.json(), "ProductVariantVolumePriceModelItem") == []
    assert requests.delete(f"{url}/10", headers=auth, timeout=10).status_code == 204
    assert starweb.volume_prices(102, 1020, 2) == [{"pricelistId": 2, "quantity": 25, "priceExVat": 49}]


def test_a_volume_price_without_a_price_on_the_list_is_not_found(starweb):
    with pytest.raises(NotFound):
        starweb.set_volume_price(103, 1030, 2, 10, 150)


def test_a_product_and_its_variant_are_created_and_updated(starweb):
    product = starweb.create_product({"defaultVatRate": "25", "externalId": "A-77", "externalIdType": "Specter"})
    variant = starweb.create_variant(
        product["productId"], {"sku": "NY-01", "externalId": "A-77", "externalIdType": "Specter", "stockQuantity": 3}
    )
    starweb.update_variant(product["productId"], variant["variantId"], {"ean": "7310000000001"})
    stored = Product.objects.get(product_id=product["productId"]).data["variants"][0]
    assert (stored["sku"], stored["ean"], stored["stocks"]) == ("NY-01", "7310000000001", {"1": 3})


# Our operation names (the simulator's CallLog) -> the spec's path and method.
SPEC_OPERATIONS = {
    "PATCH /orders/{id}": ("/orders/{orderId}", "patch"),
    "POST /web-hooks": ("/web-hooks", "post"),
    "POST /products": ("/products", "post"),
    "PATCH /products/{id}": ("/products/{productId}", "patch"),
    "POST /products/{id}/variants": ("/products/{productId}/variants", "post"),
    "PATCH /products/{id}/variants/{variantId}": ("/products/{productId}/variants/{variantId}", "patch"),
    "PATCH /products/{id}/variants/{variantId}/stocks/{locationId}": (
        "/products/{productId}/variants/{variantId}/stocks/{stockLocationId}",
        "patch",
    ),
    "PATCH /products/{id}/variants/{variantId}/prices/{pricelistId}": (
        "/products/{productId}/variants/{variantId}/prices/{pricelistId}",
        "patch",
    ),
    "POST /products/{id}/variants/{variantId}/prices/{pricelistId}/volume": (
        "/products/{productId}/variants/{variantId}/prices/{pricelistId}/volume",
        "post",
    ),
    "PUT /products/{id}/variants/{variantId}/prices/{pricelistId}/volume/{quantity}": (
        "/products/{productId}/variants/{variantId}/prices/{pricelistId}/volume/{quantity}",
        "put",
    ),
}


def request_schema(operation: str) -> str:
    """The name of the request body schema the spec gives for our operation."""
    path, method = SPEC_OPERATIONS[operation]
    ref = spec()["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    return ref.rsplit("/", 1)[1]


def test_every_body_the_client_sends_matches_the_specs_request_schema(starweb, shop):
    from simulator.models import CallLog
    from simulator.starweb.demo import place_order

    placed = place_order(shop, seed=8)
    starweb.set_external_id(placed.order_id, "88311")
    starweb.set_status(placed.order_id, 3, send_email=True, process_payment=False, tracking_no="0037")
    starweb.create_web_hook("order-created", "https://integrator.example.se/hooks/a/b/", name="integrator")
    product = starweb.create_product({"defaultVatRate": "25", "externalId": "A-1", "externalIdType": "Specter"})
    starweb.update_product(product["productId"], {"visibility": "visible"})
    variant = starweb.create_variant(product["productId"], {"sku": "NY-02", "stockQuantity": 1})
    starweb.update_variant(product["productId"], variant["variantId"], {"ean": "7310000000002"})
    starweb.set_stock(product["productId"], variant["variantId"], 1, 5)
    starweb.set_price(product["productId"], variant["variantId"], 1, 100)
    starweb.set_volume_price(product["productId"], variant["variantId"], 1, 5, 90)  # a PUT, not found, then a POST
    sent = [
        (c.operation, c.summary["body"])
        for c in CallLog.objects.filter(system="starweb", mutating=True)
        if "body" in c.summary
    ]
    assert {operation for operation, _ in sent} == set(SPEC_OPERATIONS)
    for operation, body in sent:
        assert errors(body, request_schema(operation)) == [], operation


def test_customers_are_read_page_by_page(starweb, shop):
    for n in range(3):
        Customer.objects.create(shop=shop, customer_id=500 + n, data={"type": "person", "email": f"k{n}@example.se"})
    assert [c["customerId"] for c in starweb.pages("/customers")] == [500, 501, 502]
    assert starweb.customer(501)["email"] == "k1@example.se"
    assert errors(raw(starweb, "/customers"), "CustomerModelCollection") == []
    with pytest.raises(NotFound):
        starweb.customer(9)


def test_the_simulator_refuses_a_price_for_an_unknown_price_list(starweb):
    token = starweb._token()
    response = requests.patch(
        f"{starweb.base_url}/products/101/variants/1011/prices/99",
        json={"priceExVat": 1},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert response.status_code == 404 and response.json()["error"] == "not_found"
