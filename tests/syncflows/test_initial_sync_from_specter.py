"""The initial sync Specter → Starweb (a new shop) over real HTTP: every article of Specter's
register a hidden product with its price, stock and details (EAN, weight, cost), the shop's own
products matched on their SKU and bound by external id, page by page, resumable without doubling
a product, a re-run writes nothing; staff may start it."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from billing.models import WorkLog
from connections.errors import Retryable
from connections.models import Connection
from simulator.models import CallLog
from simulator.specter.models import Account, Article
from simulator.starweb.models import Product
from syncflows.from_specter import products
from syncflows.initial_sync import runner as initial
from syncflows.models import InitialSync
from tests.syncflows.wiring import drain, wired_connection

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def connection(live_server, settings):
    return wired_connection(live_server, settings, flow=Connection.Flow.ERP, webhooks=False)


def add_articles(count: int) -> None:
    account = Account.objects.get(smb_id="1001")
    Article.objects.bulk_create(
        [
            Article(
                account=account,
                article_no=f"NY-{n:04d}",
                name=f"Ny artikel {n}",
                price_ex_vat=Decimal("10.50") + n,
                vat_percent=12,
                stock=n,
            )
            for n in range(count)
        ]
    )


def shop_variant(sku):
    found = [
        (p, v) for p in Product.objects.filter(shop__slug="demobutiken") for v in p.data["variants"] if v["sku"] == sku
    ]
    assert len(found) <= 1, f"{sku} is in the shop {len(found)} times"
    return found[0] if found else (None, None)


def shop_writes():
    return CallLog.objects.filter(system="starweb", operation__regex=r"^(POST|PATCH|PUT) /products").count()


def test_every_article_becomes_a_hidden_product_with_its_price_and_stock_and_a_rerun_writes_nothing(connection):
    add_articles(110)  # 13 demo articles + 110: two pages of Specter's register
    sync = initial.run(initial.start(connection, "to_starweb").pk)
    assert (sync.state, sync.total, sync.done) == ("done", 123, 123)
    product, variant = shop_variant("NY-0042")
    assert product.data["visibility"] == "hidden" and product.data["languages"][0]["name"] == "Ny artikel 42"
    assert (variant["prices"]["1"]["priceExVat"], variant["stocks"]["1"]) == (52.5, 42)
    assert product.data["defaultVatRate"] == "12" and product.data["externalId"] == "NY-0042"
    # The connection's own articles for shipping, discounts, fees, gift cards and rounding are not products.
    assert (
        shop_variant("FRAKT") == (None, None)
        and shop_variant("Öresavrundning") == (None, None)
        and sync.problem_count == 6
    )
    assert WorkLog.objects.filter(merchant=connection.merchant, category="initial_sync").count() == 1
    writes = shop_writes()
    again = initial.run(initial.start(connection, "to_starweb").pk)
    assert (again.state, again.written, again.unchanged) == ("done", 0, 117) and shop_writes() == writes


def test_an_article_the_shop_already_has_updates_that_product_and_adds_none(connection):
    Article.objects.filter(article_no="MUGG-01").update(name="Mugg, blå", price_ex_vat=Decimal("88"))
    before = Product.objects.filter(shop__slug="demobutiken").count()
    initial.run(initial.start(connection, "to_starweb").pk)
    product, variant = shop_variant("MUGG-01")
    assert product.data["languages"][0]["name"] == "Mugg, blå" and variant["prices"]["1"]["priceExVat"] == 88.0
    assert Product.objects.filter(shop__slug="demobutiken").count() == before  # the demo shop has every product article


def test_a_product_of_several_variants_keeps_its_shop_name_while_each_variant_takes_its_article_price(connection):
    name = shop_variant("TSHIRT-M")[0].data["languages"][0]["name"]
    Article.objects.filter(article_no="TSHIRT-M").update(price_ex_vat=Decimal("149"))
    initial.run(initial.start(connection, "to_starweb").pk)
    product, variant = shop_variant("TSHIRT-M")
    assert product.data["languages"][0]["name"] == name != "T-shirt M"  # not renamed after one of its variants
    assert variant["prices"]["1"]["priceExVat"] == 149.0


def variant_patches():
    return CallLog.objects.filter(system="starweb", operation="PATCH /products/{id}/variants/{variantId}").count()


def test_the_variants_get_specters_article_number_ean_weight_and_cost_and_an_unchanged_rerun_writes_nothing(connection):
    Article.objects.filter(article_no="MUGG-01").update(
        bar_code="7350012340017", weight_kg=Decimal("0.35"), buy_price=Decimal("31.50")
    )
    add_articles(1)
    Article.objects.filter(article_no="NY-0000").update(bar_code="7350012340024", weight_kg=Decimal("1.2"))
    initial.run(initial.start(connection, "to_starweb").pk)
    _product, mug = shop_variant("MUGG-01")  # the shop's own product, matched by its SKU
    assert (mug["externalId"], mug["externalIdType"], mug["ean"], mug["weightInKg"], mug["costPrice"]) == (
        "MUGG-01",
        "Specter",
        "7350012340017",
        0.35,
        "31.5",
    )
    _product, new = shop_variant("NY-0000")
    assert (new["externalId"], new["ean"], new["weightInKg"]) == ("NY-0000", "7350012340024", 1.2)
    patches = variant_patches()
    assert (
        patches == 7
    )  # the demo shop's own 7 product variants, bound by external id; the new one was created with its details
    again = initial.run(initial.start(connection, "to_starweb").pk)
    assert again.written == 0 and variant_patches() == patches
    Article.objects.filter(article_no="MUGG-01").update(buy_price=Decimal("33"))
    third = initial.run(initial.start(connection, "to_starweb").pk)
    assert third.written == 1 and variant_patches() == patches + 1 and shop_variant("MUGG-01")[1]["costPrice"] == "33"


def test_a_sync_that_stops_after_creating_a_product_resumes_without_a_second_one(connection, monkeypatch):
    add_articles(110)
    original, created = products.create, {"n": 0}

    def lost_after_creating(connection, article_no, *args):
        binding = original(connection, article_no, *args)
        created["n"] += 1
        if article_no == "NY-0105":  # on the second page: the product exists, our binding is lost
            binding.delete()
            raise Retryable("starweb: the connection broke")
        return binding

    monkeypatch.setattr(products, "create", lost_after_creating)
    sync = initial.run(initial.start(connection, "to_starweb").pk)
    assert (sync.state, sync.next_page) == ("running", 2) and "broke" in sync.error
    InitialSync.objects.filter(pk=sync.pk).update(lease_until=sync.updated_at.replace(year=2000))  # its minute is up
    assert sync.pk in initial.stalled()
    sync = initial.run(sync.pk)  # the sweeper's restart: the page is worked again, carefully
    assert sync.state == "done"
    product, variant = shop_variant("NY-0105")  # once, and complete
    assert product is not None and variant["prices"]["1"]["priceExVat"] == 115.5


def test_a_product_created_from_specter_goes_into_the_chosen_category(connection):
    Connection.objects.filter(pk=connection.pk).update(product_category_id=2)
    add_articles(1)
    initial.run(initial.start(Connection.objects.get(pk=connection.pk), "to_starweb").pk)
    product, _variant = shop_variant("NY-0000")
    assert product.data["categories"] == [{"categoryId": 2, "sortIndex": 0}]


def test_integration_staff_start_the_sync_with_the_customer_and_their_time_is_logged(
    connection, staff_client, staff_user
):
    staff_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("portal:initial_sync", args=[connection.merchant_id, connection.pk])
    page = staff_client.get(url).content.decode()
    assert 'id="start-to_starweb"' in page and "Specter has 13 articles." in page
    staff_client.post(
        reverse("portal:start_initial_sync", args=[connection.merchant_id, connection.pk]), {"direction": "to_starweb"}
    )
    drain()
    sync = InitialSync.objects.get(connection=connection)
    assert (sync.state, sync.direction, sync.started_by) == ("done", "to_starweb", staff_user)
    assert WorkLog.objects.get(merchant=connection.merchant, category="initial_sync").staff == staff_user
    staff_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"  # the report reads in the reader's language
    assert "FRAKT: kopplingens egen artikel för frakt" in staff_client.get(url).content.decode()


def test_a_plain_member_can_watch_but_not_start_a_sync(connection, client):
    from tests.billing.factories import MembershipFactory

    member = MembershipFactory(merchant=connection.merchant, role="member").user
    client.force_login(member)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("portal:initial_sync", args=[connection.merchant_id, connection.pk])).content.decode()
    assert "Specter has 13 articles." in page and 'id="start-to_starweb"' not in page
    response = client.post(
        reverse("portal:start_initial_sync", args=[connection.merchant_id, connection.pk]), {"direction": "to_starweb"}
    )
    assert response.status_code == 404 and not InitialSync.objects.exists()


def test_the_article_register_page_reads_prices_stock_and_paging():
    from connections.specter.articles import read

    page = read(
        '<?xml version="1.0" encoding="ISO-8859-1"?><response><articles page="2" pages="3" totalCount="250">'
        '<article priceExclVat="12,50" vatPercent="6" noItemsAv="7">'
        "<articleNo>BOK-1</articleNo><name>Bok</name></article>"
        "<article><articleNo>X</articleNo><name/></article></articles></response>"
    )
    assert (page.total, page.pages, len(page.articles)) == (250, 3, 2)
    assert (
        page.articles[0].price_ex_vat == Decimal("12.50")
        and page.articles[0].stock == 7
        and page.articles[1].stock is None
    )
