"""Specter's pull-with-ack batches and callbacks, against the simulated Specter over real HTTP."""

import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from connections.specter import batches
from simulator.specter import changes
from tests.connections.specter.test_client_against_simulator import order, person

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def callback_server():
    """A local HTTP server standing in for our callback endpoint; yields (url, received paths)."""
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"1;Done")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", received
    server.shutdown()


def test_an_order_for_a_set_article_reports_its_components_and_the_set_it_took(specter, account):
    specter.submit_order(specter.submit_customer(person()), order("WS-12", rows=(("PRESENTSET-01", "140", "1", "25"),)))
    changed = {e.article_no: e.quantity for e in batches.pull(specter, "stock").entries}
    assert changed == {"MUGG-01": Decimal(99), "KAFFE-500": Decimal(199), "PRESENTSET-01": Decimal(99)}


def test_a_set_article_is_as_available_as_its_scarcest_component_allows(specter, account):
    account.articles.create(
        article_no="DUOSET", name="Två muggar och kaffe", components=[["MUGG-01", 2], ["KAFFE-500", 1]]
    )
    changes.set_stock(account, "MUGG-01", 9)  # 4 sets (floor of 9 / 2), kaffe would allow 200
    changes.set_stock(account, "KAFFE-500", 3, site="2")  # site 2 has kaffe but no mugs: 0 sets there
    sets = [e for e in batches.pull(specter, "stock", stock_sites=True).entries if e.article_no == "DUOSET"]
    assert [(e.quantity, e.sites) for e in sets] == [(Decimal(4), {"1": Decimal(4), "2": Decimal(0)})]


def test_the_stock_of_a_set_article_cannot_be_set_it_follows_its_components(account):
    with pytest.raises(changes.DerivedStock):
        changes.set_stock(account, "PRESENTSET-01", 5)


def test_stock_on_other_warehouses_comes_only_when_asked_for_and_text_mode_gives_the_default_one(specter, account):
    changes.set_stock(account, "MUGG-01", 7, site="2")
    changes.set_stock(account, "MUGG-01", 12)
    batch = batches.pull(specter, "stock", stock_sites=True)
    [with_sites] = [e for e in batch.entries if e.article_no == "MUGG-01"]  # per site, the article's latest figure
    assert (with_sites.quantity, with_sites.sites, with_sites.default_site) == (
        Decimal(12),
        {"1": Decimal(12), "2": Decimal(7)},
        "1",
    )
    plain = batches.pull(specter, "stock")  # the same open batch, fetched in text mode
    assert [(e.quantity, e.sites) for e in plain.entries if e.article_no == "MUGG-01"] == [
        (Decimal(100), None),
        (Decimal(12), None),
    ]


def test_a_stock_change_is_pulled_once_and_gone_after_the_ack(specter, account):
    changes.set_stock(account, "BOK-01", 17)  # not in a SET article, which would be reported too
    batch = batches.pull(specter, "stock")
    assert [(e.article_no, e.quantity) for e in batch.entries] == [("BOK-01", Decimal(17))]
    batches.ack(specter, batch)
    assert batches.pull(specter, "stock").entries == ()


def test_an_unacked_batch_blocks_a_new_one_and_is_fetched_again_not_lost(specter, account):
    changes.set_stock(account, "BOK-01", 3)
    first = batches.pull(specter, "stock")
    changes.set_stock(account, "KAFFE-500", 9)
    again = batches.pull(specter, "stock")  # a new batchNo: Specter answers 99, the client takes the open one
    assert again.batch_no == first.batch_no and again.entries == first.entries
    batches.ack(specter, again)
    assert [e.article_no for e in batches.pull(specter, "stock").entries] == ["KAFFE-500", "PRESENTSET-01"]


def test_a_price_change_comes_as_article_info(specter, account):
    changes.set_price(account, "TSHIRT-M", Decimal("169.60"), name="T-shirt M (ny)")
    [info] = batches.pull(specter, "articleinfo").entries
    assert (info.article_no, info.name, info.price_ex_vat, info.vat_percent) == (
        "TSHIRT-M",
        "T-shirt M (ny)",
        Decimal("169.60"),
        Decimal("25.00"),
    )


def test_an_article_change_comes_as_article_info_with_its_bar_code_weight_and_buy_price(specter, account):
    changes.change_article(
        account, "MUGG-01", bar_code="7350012340017", weight_kg=Decimal("0.35"), buy_price=Decimal("31.5")
    )
    [info] = batches.pull(specter, "articleinfo").entries
    assert (info.bar_code, info.weight_kg, info.buy_price) == ("7350012340017", Decimal("0.350"), Decimal("31.5"))
    assert info.price_ex_vat == Decimal("79.20") and info.name == "Mugg"  # what was not changed is reported as it is


def test_the_article_info_parser_reads_bar_code_weight_and_buy_price_with_decimal_commas_and_none_when_absent():
    batch = batches._article_info(
        '<?xml version="1.0" encoding="ISO-8859-1"?><response><articles>'
        '<article buyPrice="12,50" priceExclVat="99,00" barCode=" 7350012340017 " productWeight="1,250">'
        "<articleNo>A-1</articleNo><name>Ett</name></article>"
        '<article priceExclVat="5" barCode="" productWeight="tung"><articleNo>A-2</articleNo><name>Två</name></article>'
        "</articles><responseMaxLimit>100</responseMaxLimit></response>",
        "b1",
    )
    first, second = batch.entries
    assert (first.bar_code, first.weight_kg, first.buy_price, first.price_ex_vat) == (
        "7350012340017",
        Decimal("1.250"),
        Decimal("12.50"),
        Decimal("99.00"),
    )
    assert (second.bar_code, second.weight_kg, second.buy_price) == (None, None, None)


def test_deliveries_invoices_payment_and_cancellation_come_as_order_changes(specter, account):
    customer = specter.submit_customer(person())
    order_no = specter.submit_order(
        customer, order("WS-9", rows=(("TSHIRT-M", "159.2", "2", "25"), ("MUGG-01", "79.2", "1", "25")))
    )
    changes.deliver(account, order_no, "TRACK-1", rows={"TSHIRT-M": 2})
    changes.deliver(account, order_no, "TRACK-2")
    changes.invoice(account, order_no)
    changes.mark_paid(account, order_no)
    entries = batches.pull(specter, "orders").entries
    assert [(e.delivery_status, e.status_id, e.tracking_nos) for e in entries[:2]] == [
        ("P", "2", ("TRACK-1",)),
        ("D", "3", ("TRACK-2",)),
    ]
    assert [e.status_id for e in entries[2:]] == ["4", "6"] and all(e.external_order_no == "WS-9" for e in entries)


def test_changes_ping_the_registered_callbacks(specter, account, callback_server):
    url, received = callback_server
    specter.check_account(
        {
            "actionStockChange": f"{url}/cb/stock",
            "actionNewInvoice": f"{url}/cb/invoice?orderId=$orderId&invoiceId=$invoiceId",
            "actionRemoveOrder": f"{url}/cb/removed?orderNo=$orderNo",
        }
    )
    order_no = specter.submit_order(specter.submit_customer(person()), order("WS-11"))
    account.refresh_from_db()
    changes.set_stock(account, "MUGG-01", 5)
    invoice = changes.invoice(account, order_no).invoice_no
    changes.cancel(account, order_no)
    # The order lowered the T-shirt stock (freight has none), then the stock change, the invoice, the cancellation.
    assert received == ["/cb/stock"] * 2 + [
        f"/cb/invoice?orderId={order_no}&invoiceId={invoice}",
        f"/cb/removed?orderNo={order_no}",
    ]


def test_clearing_the_stock_queue_empties_it_open_batch_included(specter, account):
    changes.set_stock(account, "MUGG-01", 5)
    assert "MUGG-01" in [e.article_no for e in batches.pull(specter, "stock").entries]  # pulled, never acknowledged
    specter._call("getInfo.asp", "clearArticleBatch", {"batchNo": "reset-1", "clearSelf": "1"}, mutating=True)
    changes.set_stock(account, "BOK-01", 9)  # in no SET article
    assert [e.article_no for e in batches.pull(specter, "stock").entries] == ["BOK-01"]  # no code 99, nothing old
