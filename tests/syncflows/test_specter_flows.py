"""Specter → Starweb over real HTTP: a delivered order turns completed in the shop with its tracking
number, a stock change reaches the variant, each once, on Specter's callback; acknowledged only
after it is done, so a crash before the acknowledgement repeats nothing."""

import pytest

from bench.demo import wire_callbacks
from connections.errors import Retryable
from connections.models import Connection
from connections.specter import batches
from simulator.models import CallLog
from simulator.specter import changes
from simulator.specter.models import Account
from simulator.starweb.demo import ensure_demo_shop, place_order
from simulator.starweb.models import Order as StarwebOrder
from simulator.starweb.models import Product
from syncflows.from_specter import pull
from syncflows.models import OrderStatusSync, SyncRun, Transfer
from tests.syncflows.wiring import drain, wired_connection

pytestmark = pytest.mark.django_db(transaction=True)

RULES = {"delivered": {"status_id": 3, "email": True, "tracking": True}, "cancelled": {"status_id": 4}}


@pytest.fixture
def connection(live_server, settings):
    connection = wired_connection(live_server, settings, flow=Connection.Flow.ERP, status_rules=RULES)
    wire_callbacks(connection, "1001", live_server.url)
    return connection


def transferred(seed):
    placed = place_order(ensure_demo_shop(), seed=seed)
    drain()
    return placed, Transfer.objects.get(starweb_order_id=str(placed.order_id))


def test_a_delivery_in_specter_completes_the_order_in_the_shop_with_its_tracking_number(connection):
    placed, transfer = transferred(61)
    changes.deliver(Account.objects.get(smb_id="1001"), transfer.specter_order_no, tracking_no="JJD000123")
    drain()  # the callback queued the pull
    data = StarwebOrder.objects.get(pk=placed.pk).data
    assert (data["statusId"], data["shippingTrackingNo"]) == (3, "JJD000123")
    assert OrderStatusSync.objects.filter(transfer=transfer, event="delivered").count() == 1
    assert SyncRun.objects.filter(kind="orders", ok=True).exists()


def test_a_batch_fetched_again_after_a_crash_before_its_acknowledgement_changes_nothing_twice(connection, monkeypatch):
    placed, transfer = transferred(62)
    changes.cancel(Account.objects.get(smb_id="1001"), transfer.specter_order_no)
    original = batches.ack

    def crash(*args, **kwargs):
        raise Retryable("specter: the acknowledgement was lost")

    monkeypatch.setattr(batches, "ack", crash)
    drain()
    monkeypatch.setattr(batches, "ack", original)
    patches = CallLog.objects.filter(system="starweb", operation="PATCH /orders/{id}").count()
    run = pull.pull(connection, "orders")  # error 99 brings the open batch back; it is applied again
    assert run.ok and run.writes == 0 and run.entries >= 1
    assert CallLog.objects.filter(system="starweb", operation="PATCH /orders/{id}").count() == patches
    assert StarwebOrder.objects.get(pk=placed.pk).data["statusId"] == 4


def test_a_stock_change_in_specter_reaches_the_variant_once(connection):
    changes.set_stock(Account.objects.get(smb_id="1001"), "MUGG-01", 7)
    drain()
    variant = next(
        v for p in Product.objects.filter(shop__slug="demobutiken") for v in p.data["variants"] if v["sku"] == "MUGG-01"
    )
    assert variant["stocks"]["1"] == 7
    writes = CallLog.objects.filter(system="starweb", operation__startswith="PATCH /products").count()
    changes.set_stock(Account.objects.get(smb_id="1001"), "MUGG-01", 7)  # the same value again
    drain()
    assert CallLog.objects.filter(system="starweb", operation__startswith="PATCH /products").count() == writes


def test_an_article_unknown_to_the_shop_is_reported_and_the_rest_goes(connection):
    account = Account.objects.get(smb_id="1001")
    account.articles.create(
        article_no="BARA-I-SPECTER", name="Bara i Specter", price_ex_vat=10, vat_percent=25, stock=1
    )
    changes.set_stock(account, "BARA-I-SPECTER", 3)
    changes.set_stock(account, "KAFFE-500", 150)
    drain()
    runs = SyncRun.objects.filter(kind="stock")
    assert all(run.ok for run in runs) and any("BARA-I-SPECTER" in run.summary for run in runs)
    variant = next(
        v
        for p in Product.objects.filter(shop__slug="demobutiken")
        for v in p.data["variants"]
        if v["sku"] == "KAFFE-500"
    )
    assert variant["stocks"]["1"] == 150


@pytest.mark.parametrize("flow, package_code", [(Connection.Flow.ECOM, "200"), (Connection.Flow.ERP, "100")])
def test_without_the_flow_or_the_package_nothing_is_pulled(live_server, settings, flow, package_code):
    connection = wired_connection(live_server, settings, flow=flow, package=package_code, status_rules=RULES)
    assert pull.pull(connection, "orders") is None and pull.pull(connection, "stock") is None


def test_a_price_change_in_specter_reaches_the_variant_on_the_master_price_list_once(connection):
    from decimal import Decimal

    changes.set_price(Account.objects.get(smb_id="1001"), "BOK-01", Decimal("199.00"))
    drain()
    variant = next(
        v for p in Product.objects.filter(shop__slug="demobutiken") for v in p.data["variants"] if v["sku"] == "BOK-01"
    )
    assert Decimal(str(variant["prices"]["1"]["priceExVat"])) == Decimal("199.00")
    writes = CallLog.objects.filter(system="starweb", operation__contains="/prices/").count()
    assert writes == 1
    changes.set_price(Account.objects.get(smb_id="1001"), "BOK-01", Decimal("199.00"))
    drain()
    assert CallLog.objects.filter(system="starweb", operation__contains="/prices/").count() == writes


def test_a_new_article_in_specter_becomes_a_hidden_product_in_the_shop_with_its_price(connection):
    from decimal import Decimal

    account = Account.objects.get(smb_id="1001")
    account.articles.create(
        article_no="NYHET-01", name="Nyhet från Specter", price_ex_vat=Decimal("80"), vat_percent=12, stock=0
    )
    changes.set_price(account, "NYHET-01", Decimal("89.50"))
    drain()
    product = next(
        p
        for p in Product.objects.filter(shop__slug="demobutiken")
        if any(v["sku"] == "NYHET-01" for v in p.data["variants"])
    )
    variant = product.data["variants"][0]
    assert (product.data["visibility"], product.data["externalIdType"], product.data["defaultVatRate"]) == (
        "hidden",
        "Specter",
        "12",
    )
    assert Decimal(str(variant["prices"]["1"]["priceExVat"])) == Decimal("89.50")
    changes.set_price(account, "NYHET-01", Decimal("89.50"))
    drain()
    assert (
        sum(
            1
            for p in Product.objects.filter(shop__slug="demobutiken")
            for v in p.data["variants"]
            if v["sku"] == "NYHET-01"
        )
        == 1
    )


def test_a_name_changed_in_specter_renames_the_product_in_the_shop_once(connection):
    from decimal import Decimal

    account = Account.objects.get(smb_id="1001")
    changes.set_price(account, "KAFFE-500", Decimal("71.43"), name="Kaffe mörkrost 500 g")
    drain()
    product = next(
        p for p in Product.objects.filter(shop__slug="demobutiken") if p.data["variants"][0]["sku"] == "KAFFE-500"
    )
    assert product.data["languages"] == [{"langCode": "sv", "name": "Kaffe mörkrost 500 g"}]
    renames = CallLog.objects.filter(system="starweb", operation="PATCH /products/{id}").count()
    changes.set_price(account, "KAFFE-500", Decimal("72.00"), name="Kaffe mörkrost 500 g")
    drain()
    assert CallLog.objects.filter(system="starweb", operation="PATCH /products/{id}").count() == renames


def test_the_reconciliation_finds_stock_that_drifted_in_the_shop_puts_it_right_and_reports_it(connection, client):
    from django.urls import reverse

    from syncflows.from_specter import drift

    changes.set_stock(Account.objects.get(smb_id="1001"), "MUGG-01", 12)
    drain()
    product = next(
        p for p in Product.objects.filter(shop__slug="demobutiken") if p.data["variants"][0]["sku"] == "MUGG-01"
    )
    product.data["variants"][0]["stocks"] = {"1": 9}  # someone changed it in the shop
    product.save()
    run = drift.reconcile(connection)
    assert (run.ok, run.entries, run.skipped, run.writes) == (True, 2, 1, 1)  # the mug and the gift set it is in
    product.refresh_from_db()
    assert product.data["variants"][0]["stocks"]["1"] == 12
    assert drift.reconcile(connection).skipped == 0  # nothing left to put right
    product.refresh_from_db()
    product.data["variants"][0]["stocks"] = {"1": 4}
    product.save()
    assert drift.reconcile(connection, fix=False).writes == 0  # report only
    client.force_login(connection.merchant.memberships.get().user)
    body = client.get(reverse("portal:dashboard", args=[connection.merchant_id, connection.pk])).content.decode()
    section = body[body.index('id="stock-drift"') :]
    assert '<td>MUGG-01</td><td class="text-end">4</td><td class="text-end">12</td>' in section


VARIANT_PATCH = "PATCH /products/{id}/variants/{variantId}"


def shop_variant(sku):
    return next(
        v for p in Product.objects.filter(shop__slug="demobutiken") for v in p.data["variants"] if v["sku"] == sku
    )


def variant_patches() -> int:
    return CallLog.objects.filter(system="starweb", operation=VARIANT_PATCH).count()


def test_a_changed_bar_code_weight_and_buy_price_in_specter_reach_the_variant_once(connection):
    from decimal import Decimal

    account = Account.objects.get(smb_id="1001")
    changes.change_article(
        account, "MUGG-01", bar_code="7350012340017", weight_kg=Decimal("0.35"), buy_price=Decimal("31.50")
    )
    drain()
    variant = shop_variant("MUGG-01")
    assert (variant["ean"], variant["weightInKg"], variant["costPrice"]) == ("7350012340017", 0.35, "31.5")
    assert variant_patches() == 1
    changes.change_article(
        account, "MUGG-01", bar_code="7350012340017", weight_kg=Decimal("0.35"), buy_price=Decimal("31.50")
    )
    drain()  # the same values again: nothing to write
    assert variant_patches() == 1
    changes.change_article(account, "MUGG-01", weight_kg=Decimal("0.4"))
    drain()
    assert shop_variant("MUGG-01")["weightInKg"] == 0.4 and variant_patches() == 2


def test_a_shop_variant_matched_only_by_its_sku_gets_specters_article_number_as_its_external_id(connection):
    from decimal import Decimal

    assert "externalId" not in shop_variant("BOK-01")  # the shop's own product, there before the connection
    changes.set_price(Account.objects.get(smb_id="1001"), "BOK-01", Decimal("188.68"))  # any change to the article
    drain()
    variant = shop_variant("BOK-01")
    assert (variant["externalId"], variant["externalIdType"]) == ("BOK-01", "Specter")
    assert (
        "ean" not in variant and "weightInKg" not in variant
    )  # Specter has none: the shop's own values are left alone


def test_a_new_article_in_specter_becomes_a_variant_with_its_details_in_one_write(connection):
    from decimal import Decimal

    account = Account.objects.get(smb_id="1001")
    account.articles.create(article_no="NYHET-02", name="Nyhet", price_ex_vat=Decimal("80"), vat_percent=25, stock=0)
    changes.change_article(account, "NYHET-02", bar_code="7350012340024", buy_price=Decimal("40"))
    drain()
    variant = shop_variant("NYHET-02")
    assert (variant["externalId"], variant["ean"], variant["costPrice"]) == ("NYHET-02", "7350012340024", "40")
    assert variant_patches() == 0  # created with them, not patched after


def test_flow_3_takes_prices_from_specter_but_writes_no_variant_details(live_server, settings):
    from decimal import Decimal

    # Flow #3 comes with package 400 (domain.md), and a pull asks the package for the flow too.
    connection = wired_connection(live_server, settings, flow=Connection.Flow.COMBO, status_rules=RULES, package="400")
    changes.change_article(
        Account.objects.get(smb_id="1001"),
        "MUGG-01",
        price_ex_vat=Decimal("85"),
        bar_code="7350012340017",
        weight_kg=Decimal("0.35"),
    )
    run = pull.pull(connection, "articleinfo")
    assert run.ok and run.writes == 1  # the price
    variant = shop_variant("MUGG-01")
    assert Decimal(str(variant["prices"]["1"]["priceExVat"])) == Decimal("85")
    assert "ean" not in variant and "externalId" not in variant and variant_patches() == 0
