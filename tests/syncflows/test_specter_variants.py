"""For every kind of Specter credentials and every answer form (specs/specter-api.md §2.2–§2.4, §8,
§10.1), over real HTTP to the simulated Specter switched to it: an order goes once, and its delivery,
invoice and cancellation come back to the shop; stock (noItemsAvailable) and prices (decimal
commas) too. A reader strict about one form, or a signer wrong about one kind, fails here."""

from decimal import Decimal

import pytest

from bench.demo import wire_callbacks
from connections.models import Connection
from simulator.models import CallLog
from simulator.specter import changes
from simulator.specter.models import Account
from simulator.starweb.demo import ensure_demo_shop, place_order
from simulator.starweb.models import Order as StarwebOrder
from simulator.starweb.models import Product
from syncflows.models import OrderStatusSync, SyncRun, Transfer
from tests.syncflows.wiring import drain, specter_orders, wired_connection

pytestmark = pytest.mark.django_db(transaction=True)

RULES = {"delivered": {"status_id": 3, "tracking": True}, "invoiced": {"status_id": 7}, "cancelled": {"status_id": 4}}
ANSWERS = {
    "text": {"answer_form": "text"},
    "text, noItemsAvailable and decimal commas": {"answer_form": "text", "says_no_items": True, "decimal_comma": True},
    "xml": {"answer_form": "xml"},
    "xml with a code on success, noItemsAvailable and decimal commas": {
        "answer_form": "xml_code",
        "says_no_items": True,
        "decimal_comma": True,
    },
}


def variant(sku):
    return next(
        v for p in Product.objects.filter(shop__slug="demobutiken") for v in p.data["variants"] if v["sku"] == sku
    )


@pytest.mark.parametrize("answers", list(ANSWERS), ids=list(ANSWERS))
@pytest.mark.parametrize("kind", ["single", "v1", "v2"])
def test_an_order_goes_and_its_delivery_invoice_and_cancellation_come_back(live_server, settings, kind, answers):
    connection = wired_connection(
        live_server, settings, flow=Connection.Flow.ERP, status_rules=RULES, specter_kind=kind, answers=ANSWERS[answers]
    )
    wire_callbacks(connection, "1001", live_server.url)
    account = Account.objects.get(smb_id="1001")
    placed = place_order(ensure_demo_shop(), seed=81)
    drain()
    transfer = Transfer.objects.get(starweb_order_id=str(placed.order_id))
    assert transfer.state == Transfer.State.DONE, transfer.reason
    [sent] = specter_orders(placed.order_id)
    assert sent.total == Decimal(str(placed.data["amountToPay"]))

    shop_statuses = []
    for event, change in (
        ("delivered", lambda: changes.deliver(account, sent.order_no, tracking_no="JJD000081")),
        ("invoiced", lambda: changes.invoice(account, sent.order_no)),
        ("cancelled", lambda: changes.cancel(account, sent.order_no)),
    ):
        change()
        drain()  # the callback queued the pull
        assert OrderStatusSync.objects.filter(transfer=transfer, event=event).count() == 1, event
        shop_statuses.append(StarwebOrder.objects.get(pk=placed.pk).data["statusId"])
    assert shop_statuses == [3, 7, 4]
    assert StarwebOrder.objects.get(pk=placed.pk).data["shippingTrackingNo"] == "JJD000081"

    changes.set_stock(account, "MUGG-01", 0)  # "noItemsAvailable" where the account says so
    changes.set_price(account, "BOK-01", Decimal("199.50"))  # "199,5" where the account writes commas
    drain()
    assert variant("MUGG-01")["stocks"]["1"] == 0
    assert Decimal(str(variant("BOK-01")["prices"]["1"]["priceExVat"])) == Decimal("199.50")
    assert all(run.ok for run in SyncRun.objects.all()), [run.summary for run in SyncRun.objects.filter(ok=False)]
    # Every pull was acknowledged: no batch was left open for the next one to trip over (code 99).
    assert not account.batch_entries.filter(acked=False).exclude(batch_no="").exists()
    assert CallLog.objects.filter(system="specter", operation="newordersubmit").count() == 1
