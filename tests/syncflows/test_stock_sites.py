"""Specter's warehouses and SET articles over real HTTP to the simulators: a shop takes Specter's
default warehouse, the sum of all, or one of them, as set on its connection; a SET article sold in
the shop lowers its components in Specter, and the shop gets the right stock back for both."""

import pytest

from bench.demo import wire_callbacks
from connections.models import Connection
from simulator.specter import changes
from simulator.specter.models import Account
from simulator.starweb.demo import ensure_demo_shop, place_order
from simulator.starweb.models import Product
from syncflows.models import SyncRun, Transfer
from tests.syncflows.starweb_orders import item, order_json
from tests.syncflows.wiring import drain, wired_connection

pytestmark = pytest.mark.django_db(transaction=True)


def shop_stock(sku, shop="demobutiken") -> int:
    return next(
        v["stocks"]["1"] for p in Product.objects.filter(shop__slug=shop) for v in p.data["variants"] if v["sku"] == sku
    )


@pytest.fixture
def wire(live_server, settings):
    def wire(stock_site):
        connection = wired_connection(live_server, settings, flow=Connection.Flow.ERP, stock_site=stock_site)
        wire_callbacks(connection, "1001", live_server.url)
        return connection

    return wire


def test_the_sum_of_all_warehouses_reaches_the_shop(wire):
    wire("sum")
    account = Account.objects.get(smb_id="1001")
    changes.set_stock(account, "MUGG-01", 5, site="2")
    changes.set_stock(account, "MUGG-01", 4, site="3")
    drain()
    assert shop_stock("MUGG-01") == 100 + 5 + 4


def test_one_chosen_warehouse_reaches_the_shop_and_the_others_do_not_count(wire):
    wire("2")
    account = Account.objects.get(smb_id="1001")
    changes.set_stock(account, "MUGG-01", 5, site="2")
    changes.set_stock(account, "MUGG-01", 50)  # the default warehouse: not this shop's
    drain()
    assert shop_stock("MUGG-01") == 5
    assert shop_stock("PRESENTSET-01") == 0  # warehouse 2 has mugs but no coffee: no gift sets there


def test_a_shop_on_one_warehouse_has_its_orders_taken_from_that_warehouse_and_gets_its_stock_back(wire):
    wire("2")
    account = Account.objects.get(smb_id="1001")
    changes.set_stock(account, "MUGG-01", 9, site="2")
    drain()
    order = order_json([item("MUGG-01", 2, "79.20")])
    del order["orderId"]  # the shop numbers it
    placed = place_order(ensure_demo_shop(), **order)
    drain()
    transfer = Transfer.objects.get(starweb_order_id=str(placed.order_id))
    specter_order = account.orders.get(order_no=transfer.specter_order_no)
    assert specter_order.data["stocksiteid"] == "2"
    mug = account.articles.get(article_no="MUGG-01")
    assert (mug.stock, mug.other_sites["2"]) == (100, 7)  # the default warehouse untouched
    assert shop_stock("MUGG-01") == 7


def test_a_warehouse_specter_does_not_report_is_noted_and_nothing_is_written(wire):
    connection = wire("7")
    changes.set_stock(Account.objects.get(smb_id="1001"), "BOK-01", 3)
    drain()
    assert shop_stock("BOK-01") == 25  # the demo shop's own figure, untouched
    run = SyncRun.objects.filter(connection=connection, kind="stock").latest("started_at")
    assert run.ok and "BOK-01: Specter reported no stock for warehouse 7" in run.summary


def test_the_reconciliation_compares_the_shop_with_the_figure_of_its_own_setting(wire):
    from syncflows.from_specter import drift

    connection = wire("sum")
    changes.set_stock(Account.objects.get(smb_id="1001"), "BOK-01", 6, site="2")
    drain()
    assert shop_stock("BOK-01") == 25 + 6
    run = drift.reconcile(connection)
    assert (run.ok, run.entries, run.skipped, run.writes) == (True, 1, 0, 0)


def test_a_set_article_sold_in_the_shop_lowers_its_components_in_specter_and_the_shop_gets_all_three_right(wire):
    wire("")
    account = Account.objects.get(smb_id="1001")
    changes.set_stock(account, "KAFFE-500", 5)  # coffee now limits the gift sets: 5
    drain()
    assert shop_stock("PRESENTSET-01") == 5
    order = order_json([item("PRESENTSET-01", 2, "140.00")])
    del order["orderId"]  # the shop numbers it
    placed = place_order(ensure_demo_shop(), **order)
    drain()  # the webhook transfers the order; Specter lowers the components and pings the stock callback
    transfer = Transfer.objects.get(starweb_order_id=str(placed.order_id))
    assert transfer.state == Transfer.State.DONE, transfer.reason
    mugg, kaffe = (account.articles.get(article_no=no).stock for no in ("MUGG-01", "KAFFE-500"))
    assert (mugg, kaffe) == (98, 3)
    assert (shop_stock("MUGG-01"), shop_stock("KAFFE-500"), shop_stock("PRESENTSET-01")) == (98, 3, 3)
