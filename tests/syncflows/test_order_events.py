"""Several events in one order update from Specter: each applied by its own rule, in order, once."""

import pytest

from bench.demo import wire_callbacks
from connections.models import Connection
from connections.specter.batches import OrderChange, order_events
from simulator.models import CallLog
from simulator.specter import changes
from simulator.specter.models import Account
from simulator.starweb.demo import ensure_demo_shop, place_order
from simulator.starweb.models import Order as StarwebOrder
from syncflows.from_specter import pull
from syncflows.models import OrderStatusSync, Transfer
from tests.syncflows.wiring import drain, wired_connection

RULES = {
    "delivered": {"status_id": 3, "email": True, "tracking": True, "capture": True},
    "invoiced": {"status_id": 7, "email": False, "tracking": False},
    "cancelled": {"status_id": 4},
}


def _change(status_id="1", delivery="N", payment=""):
    return OrderChange(
        "10001", "1001", status_id, delivery, payment, delivery != "N", ("JJD1",) if delivery != "N" else ()
    )


@pytest.mark.parametrize(
    "change, events",
    [
        (_change("4", "D"), ["delivered", "invoiced"]),
        (_change("6", "D", "paid"), ["delivered", "paid"]),
        (_change("4", "P"), ["partly_delivered", "invoiced"]),
        (_change("5", "D"), ["cancelled"]),
        (_change("3", "D"), ["delivered"]),
        (_change("1", "N"), []),
    ],
)
def test_an_order_change_means_every_event_it_carries_in_the_order_they_happened(change, events):
    assert order_events(change) == events


@pytest.mark.django_db(transaction=True)
def test_a_delivery_that_makes_the_invoice_applies_the_delivery_then_the_invoice_each_once(live_server, settings):
    connection = wired_connection(live_server, settings, flow=Connection.Flow.ERP, status_rules=RULES)
    wire_callbacks(connection, "1001", live_server.url)
    placed = place_order(ensure_demo_shop(), seed=71)
    drain()
    transfer = Transfer.objects.get(starweb_order_id=str(placed.order_id))
    before = CallLog.objects.filter(system="starweb", operation="PATCH /orders/{id}").count()

    changes.deliver(
        Account.objects.get(smb_id="1001"), transfer.specter_order_no, tracking_no="JJD000777", invoice=True
    )
    drain()  # the callbacks queued the pulls

    patches = list(CallLog.objects.filter(system="starweb", operation="PATCH /orders/{id}").order_by("id")[before:])
    assert len(patches) == 2  # the delivery's status (with tracking, mail, capture), then the invoice's
    data = StarwebOrder.objects.get(pk=placed.pk).data
    assert (data["statusId"], data["shippingTrackingNo"]) == (7, "JJD000777")
    assert set(OrderStatusSync.objects.filter(transfer=transfer).values_list("event", "status_id")) == {
        ("delivered", 3),
        ("invoiced", 7),
    }

    changes.mark_paid(
        Account.objects.get(smb_id="1001"), transfer.specter_order_no
    )  # a later change still says delivered
    pull.pull(connection, "orders")
    assert CallLog.objects.filter(system="starweb", operation="PATCH /orders/{id}").count() == before + 2


@pytest.mark.django_db(transaction=True)
def test_flow_2_makes_no_shop_product_of_a_service_article_specter_reports(live_server, settings):
    from decimal import Decimal

    from simulator.starweb.models import Product

    connection = wired_connection(
        live_server, settings, flow=Connection.Flow.ERP, status_rules=RULES, rounding_article="ORESAVR"
    )
    wire_callbacks(connection, "1001", live_server.url)
    account = Account.objects.get(smb_id="1001")
    account.articles.create(article_no="ORESAVR", name="Avrundning", vat_percent=0, is_service=True)
    for article_no in ("FRAKT", "RABATT", "PRESENTKORT", "AVGIFT", "POSTFORSKOTT", "ORESAVR"):
        changes.set_price(account, article_no, Decimal("1"))
    account.articles.create(article_no="NYHET-02", name="Nyhet", price_ex_vat=Decimal("10"), vat_percent=25)
    changes.set_price(account, "NYHET-02", Decimal("12"))
    drain()
    skus = {v["sku"] for p in Product.objects.filter(shop__slug="demobutiken") for v in p.data["variants"]}
    assert "NYHET-02" in skus
    assert not skus & {"FRAKT", "RABATT", "PRESENTKORT", "AVGIFT", "POSTFORSKOTT", "ORESAVR"}
