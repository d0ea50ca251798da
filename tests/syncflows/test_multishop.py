"""Multishop (package 400): two webshops on one Specter account, told apart by webshopId and an
order-number prefix; Specter's batches, which belong to the account, reach each shop's own orders."""

import pytest
from django.urls import reverse

from bench.demo import DEMO_ORDER_SETTINGS, wire_callbacks, wire_webhooks
from connections.models import Connection
from simulator.specter import changes
from simulator.specter.models import Account
from simulator.specter.models import Order as SpecterOrder
from simulator.starweb.demo import ensure_demo_shop, place_order
from simulator.starweb.models import Order as StarwebOrder
from simulator.starweb.models import Product
from tests.connections.factories import ConnectionFactory
from tests.syncflows.wiring import SPECTER_KINDS, drain, wired_connection

pytestmark = pytest.mark.django_db(transaction=True)
RULES = {"delivered": {"status_id": 3, "tracking": True}}


@pytest.fixture
def two_shops(live_server, settings):
    # Multishop needs Specter's API v2 (specs/specter-api.md §2.2): both shops sign as its API user.
    first = wired_connection(
        live_server,
        settings,
        package="400",
        flow=Connection.Flow.ERP,
        status_rules=RULES,
        order_number_prefix="A-",
        specter_webshop_id="1",
        specter_kind="v2",
    )
    ensure_demo_shop("filial", "filial-client", "filial-secret")
    second = ConnectionFactory(
        **{
            **DEMO_ORDER_SETTINGS,
            "merchant": first.merchant,
            "flow": Connection.Flow.ERP,
            "status_rules": RULES,
            "starweb_base_url": f"{live_server.url}/sim/starweb/filial/api/v2",
            "starweb_client_id": "filial-client",
            "starweb_client_secret": "filial-secret",
            "specter_smb_id": "1001",
            **SPECTER_KINDS["v2"][1],
            "order_number_prefix": "B-",
            "specter_webshop_id": "2",
        }
    )
    wire_webhooks(second, "filial", live_server.url)
    wire_callbacks(first, "1001", live_server.url)
    return first, second


def test_the_same_order_number_in_two_shops_makes_two_specter_orders_each_with_its_webshop(two_shops):
    a = place_order(ensure_demo_shop(), seed=71)
    b = place_order(ensure_demo_shop("filial"), seed=72)
    assert a.order_id == b.order_id  # both shops number from 1001
    drain()
    orders = {o.external_order_no: o for o in SpecterOrder.objects.all()}
    assert set(orders) == {f"A-{a.order_id}", f"B-{b.order_id}"}
    assert (orders[f"A-{a.order_id}"].data["webshopid"], orders[f"B-{b.order_id}"].data["webshopid"]) == ("1", "2")


def test_a_delivery_reaches_only_the_shop_whose_order_it_is_and_stock_reaches_both(two_shops):
    a = place_order(ensure_demo_shop(), seed=73)
    b = place_order(ensure_demo_shop("filial"), seed=74)
    drain()
    account = Account.objects.get(smb_id="1001")
    changes.deliver(account, SpecterOrder.objects.get(external_order_no=f"B-{b.order_id}").order_no, tracking_no="JJD9")
    changes.set_stock(account, "MUGG-01", 33)
    drain()
    assert StarwebOrder.objects.get(pk=b.pk).data["statusId"] == 3
    assert StarwebOrder.objects.get(pk=a.pk).data["statusId"] != 3
    for slug in ("demobutiken", "filial"):
        variant = next(
            v for p in Product.objects.filter(shop__slug=slug) for v in p.data["variants"] if v["sku"] == "MUGG-01"
        )
        assert variant["stocks"]["1"] == 33, slug


def test_a_second_webshop_needs_a_package_with_room_for_it(owner_client, merchant):
    ConnectionFactory(merchant=merchant, status=Connection.Status.ACTIVE)
    response = owner_client.post(
        reverse("portal:new_connection", args=[merchant.pk]), {"name": "Butik två"}, follow=True
    )
    assert merchant.connections.count() == 1 and "paket 400" in response.content.decode().lower()


def test_two_webshops_on_one_specter_account_cannot_share_a_prefix(two_shops, monkeypatch):
    from connections.specter.client import SpecterClient
    from portal.forms import SpecterForm

    monkeypatch.setattr(SpecterClient, "check_account", lambda self, *a, **k: None)
    first, second = two_shops
    form = SpecterForm({"specter_smb_id": "1001", "order_number_prefix": "A-"}, instance=second)
    assert not form.is_valid() and "order_number_prefix" in form.errors


def test_two_shops_on_one_account_with_different_warehouse_settings_each_get_their_own_figure_from_one_pull(two_shops):
    from simulator.models import CallLog
    from syncflows.from_specter import pull

    first, second = two_shops
    Connection.objects.filter(pk=first.pk).update(stock_site="")  # Specter's default warehouse
    Connection.objects.filter(pk=second.pk).update(stock_site="sum")
    first.refresh_from_db()
    account = Account.objects.get(smb_id="1001")
    changes.set_stock(account, "BOK-01", 10)
    changes.set_stock(account, "BOK-01", 4, site="2")
    pulls = CallLog.objects.filter(system="specter", operation="getarticleexternalneedupdate")
    before = pulls.count()
    run = pull.pull(first, "stock")
    assert run.ok and pulls.count() == before + 1
    stocks = {
        slug: next(
            v["stocks"]["1"]
            for p in Product.objects.filter(shop__slug=slug)
            for v in p.data["variants"]
            if v["sku"] == "BOK-01"
        )
        for slug in ("demobutiken", "filial")
    }
    assert stocks == {"demobutiken": 10, "filial": 14}
