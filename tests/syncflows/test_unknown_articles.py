"""No order row for an article Specter lacks: over HTTP against simulated Specter, which refuses an
unknown article or takes the order naming it (a per-account switch)."""

from decimal import Decimal

import pytest
from django.core import mail
from django.utils import translation

from bench.demo import wire_callbacks
from connections.models import Connection
from connections.specter.client import SpecterClient
from simulator.models import CallLog
from simulator.specter import changes
from simulator.specter.models import Account, Article
from simulator.specter.models import Order as SpecterOrder
from simulator.starweb.demo import ensure_demo_shop, place_order
from syncflows.models import SpecterArticle, Transfer
from tests.syncflows.test_order_faults import Killed, assert_exactly_once
from tests.syncflows.wiring import drain, settle, wired_connection

pytestmark = pytest.mark.django_db(transaction=True)
State = Transfer.State
SEED = 81  # an order whose first row is a product


def _first_sku(placed) -> str:
    return next(i["sku"] for i in placed.data["items"]["data"] if i["sku"])


def _article_calls() -> int:
    return CallLog.objects.filter(system="specter", operation="newarticlesubmit").count()


def _shop_master(live_server, settings):
    return wired_connection(
        live_server, settings, flow=Connection.Flow.ECOM, export_product=Connection.ProductExport.CHANGED
    )


def test_the_shop_as_master_creates_the_missing_article_first_once_leaving_existing_ones_as_they_are(
    live_server, settings
):
    _shop_master(live_server, settings)
    shop, account = ensure_demo_shop(), Account.objects.get(smb_id="1001")
    first = place_order(shop, seed=SEED)
    sku = _first_sku(first)
    account.articles.filter(article_no=sku).delete()  # only the shop has it
    drain()
    transfer = Transfer.objects.get(starweb_order_id=str(first.order_id))
    assert transfer.state == State.DONE, transfer.reason
    created = account.articles.get(article_no=sku)  # created before the order, with the row's price
    assert created.price_ex_vat == Decimal(
        str(next(i["unitPrice"] for i in first.data["items"]["data"] if i["sku"] == sku))
    )
    assert sku in [row["articleNo"] for row in SpecterOrder.objects.get(external_order_no=str(first.order_id)).rows]
    assert _article_calls() == 1
    assert "created in Specter" in transfer.timeline.get(phase="articles").summary
    assert account.articles.get(article_no="FRAKT").name == "Frakt"  # existing: not updated (no forceArticleUpdate)

    second = place_order(shop, seed=SEED)  # the same article again: known now, no call
    drain()
    assert Transfer.objects.get(starweb_order_id=str(second.order_id)).state == State.DONE
    assert _article_calls() == 1


def test_a_worker_killed_after_creating_the_article_is_resumed_exactly_once(live_server, settings, monkeypatch):
    settings.HTTP_READ_TIMEOUT = 0.5
    connection = _shop_master(live_server, settings)
    placed = place_order(ensure_demo_shop(), seed=SEED)
    Account.objects.get(smb_id="1001").articles.filter(article_no=_first_sku(placed)).delete()
    original = SpecterClient.create_articles

    def dies_after(self, *args, **kwargs):
        original(self, *args, **kwargs)
        raise Killed("after the articles")

    monkeypatch.setattr(SpecterClient, "create_articles", dies_after)
    with pytest.raises(Killed):
        drain()
    monkeypatch.setattr(SpecterClient, "create_articles", original)
    settle()
    assert_exactly_once(connection, [placed])
    assert _article_calls() == 2  # asked again after the crash, harmless: nothing is updated


def test_with_specter_as_master_the_order_waits_naming_the_article_and_goes_when_specter_reports_it(
    live_server, settings
):
    connection = wired_connection(live_server, settings, flow=Connection.Flow.ERP)
    wire_callbacks(connection, "1001", live_server.url)
    account = Account.objects.get(smb_id="1001")
    placed = place_order(ensure_demo_shop(), seed=SEED)
    sku = _first_sku(placed)
    kept = account.articles.get(article_no=sku)
    kept.delete()
    drain()
    transfer = Transfer.objects.get()
    assert transfer.state == State.NEEDS_ATTENTION and transfer.reason_code == "article_unknown"
    with translation.override("en"):
        assert sku in transfer.reason_text and "Create it in Specter" in transfer.reason_text
    assert not SpecterOrder.objects.exists() and _article_calls() == 0
    assert any(sku in m.body for m in mail.outbox)

    # The merchant creates it in Specter; Specter reports it in its article batch (and pings us).
    account.articles.create(
        article_no=sku, name=kept.name, price_ex_vat=kept.price_ex_vat, vat_percent=kept.vat_percent
    )
    changes.set_price(account, sku, kept.price_ex_vat)
    drain()
    settle()
    assert_exactly_once(connection, [placed])


def test_specter_refusing_an_article_we_thought_it_had_forgets_it_and_the_order_needs_attention(live_server, settings):
    connection = wired_connection(live_server, settings)
    placed = place_order(ensure_demo_shop(), seed=SEED)
    sku = _first_sku(placed)
    SpecterArticle.objects.bulk_create(
        [
            SpecterArticle(connection=connection, article_no=no, source="register")
            for no in Article.objects.values_list("article_no", flat=True)
        ]
    )
    Article.objects.filter(article_no=sku).delete()  # gone from Specter since we learnt it
    drain()
    transfer = Transfer.objects.get()
    assert transfer.state == State.NEEDS_ATTENTION and transfer.reason_code == "unknown_article"
    assert not SpecterArticle.objects.filter(connection=connection, article_no=sku).exists()
    assert not SpecterOrder.objects.exists()


def test_specter_taking_the_order_but_naming_an_unknown_article_is_on_the_timeline_and_mailed(live_server, settings):
    connection = wired_connection(live_server, settings)
    Account.objects.filter(smb_id="1001").update(unknown_articles=Account.ACCEPT)
    placed = place_order(ensure_demo_shop(), seed=SEED)
    sku = _first_sku(placed)
    SpecterArticle.objects.bulk_create(
        [
            SpecterArticle(connection=connection, article_no=no, source="register")
            for no in Article.objects.values_list("article_no", flat=True)
        ]
    )
    Article.objects.filter(article_no=sku).delete()
    drain()
    transfer = Transfer.objects.get()
    assert transfer.state == State.DONE  # it is in Specter: exactly once still holds
    assert_exactly_once(connection, [placed])
    assert f"does not know {sku}" in transfer.timeline.get(phase="order").summary
    assert [m for m in mail.outbox if sku in m.body and "Specter" in m.subject]
    assert not SpecterArticle.objects.filter(connection=connection, article_no=sku).exists()


def test_an_order_of_known_articles_asks_specter_nothing_about_them(live_server, settings):
    wired_connection(live_server, settings)
    shop = ensure_demo_shop()
    place_order(shop, seed=SEED)
    drain()  # the first order reads Specter's register once
    reads = CallLog.objects.filter(system="specter", operation="getarticlelistexternal").count()
    place_order(shop, seed=SEED + 1)
    place_order(shop, seed=SEED + 2)
    drain()
    assert reads == 1
    assert CallLog.objects.filter(system="specter", operation="getarticlelistexternal").count() == reads
    assert set(Transfer.objects.values_list("state", flat=True)) == {State.DONE}


def test_an_order_waiting_for_its_article_goes_when_a_product_export_sends_it(live_server, settings):
    from connections.clients import specter_for
    from syncflows.to_specter import export

    connection = wired_connection(live_server, settings, flow=Connection.Flow.ECOM)  # products not exported on change
    account = Account.objects.get(smb_id="1001")
    placed = place_order(ensure_demo_shop(), seed=SEED)
    sku = _first_sku(placed)
    account.articles.filter(article_no=sku).delete()
    drain()
    assert Transfer.objects.get().reason_code == "article_unknown"
    export.send_changed(
        connection,
        [{"articleNo": sku, "name": "Exporterad", "vatPercent": "25"}],
        specter_for(connection),
        update=False,
    )
    drain()
    assert_exactly_once(connection, [placed])


def test_reading_a_register_of_several_pages_learns_every_article_and_keeps_the_orders_lease(live_server, settings):
    from connections.clients import specter_for
    from syncflows.orders import articles

    connection = wired_connection(live_server, settings)
    account = Account.objects.get(smb_id="1001")
    Article.objects.bulk_create(
        [Article(account=account, article_no=f"REG-{n:04d}", name=f"Artikel {n}") for n in range(120)]
    )
    kept = []
    assert (
        articles.read_register(connection, specter_for(connection), keep_alive=lambda: kept.append(1)) == articles.READ
    )
    assert SpecterArticle.objects.filter(connection=connection).count() == account.articles.count()
    assert len(kept) >= 1  # once between pages
    assert (
        articles.read_register(connection, specter_for(connection)) == articles.RECENT
    )  # not again within the interval


def test_an_account_that_cannot_list_its_register_lets_specters_answer_decide(live_server, settings, monkeypatch):
    from connections.specter import articles as register
    from connections.specter.client import SpecterRefused

    def unlisted(client, number):
        raise SpecterRefused("specter: getArticleListExternal refused (3): unknown action", code="3")

    monkeypatch.setattr(register, "page", unlisted)
    connection = wired_connection(live_server, settings)
    shop = ensure_demo_shop()
    good = place_order(shop, seed=SEED)
    drain()
    assert_exactly_once(connection, [good])  # not held for what no call can tell us
    bad = place_order(shop, seed=SEED + 3)
    sku = _first_sku(bad)
    Account.objects.get(smb_id="1001").articles.filter(article_no=sku).delete()
    drain()
    refused = Transfer.objects.get(starweb_order_id=str(bad.order_id))
    assert refused.state == State.NEEDS_ATTENTION and sku in refused.reason  # Specter's refusal named it


@pytest.mark.parametrize(
    "operation, kind",
    [
        ("newarticlesubmit", "commit_then_timeout"),
        ("newarticlesubmit", "connection_reset"),
        ("newarticlesubmit", "server_error"),
        ("newarticlesubmit", "malformed_body"),
        ("getarticlelistexternal", "server_error"),
        ("getarticlelistexternal", "malformed_body"),
    ],
)
def test_a_fault_while_making_the_articles_known_delays_but_the_order_still_arrives_once(
    live_server, settings, operation, kind
):
    from simulator.models import FaultRule

    settings.HTTP_READ_TIMEOUT = 0.5
    master = operation == "newarticlesubmit"
    connection = _shop_master(live_server, settings) if master else wired_connection(live_server, settings)
    placed = place_order(ensure_demo_shop(), seed=SEED)
    if master:
        Account.objects.get(smb_id="1001").articles.filter(article_no=_first_sku(placed)).delete()
    FaultRule.objects.create(system="specter", account="1001", operation=operation, kind=kind, remaining=1)
    drain()
    settle()
    assert CallLog.objects.filter(system="specter", operation=operation).exclude(fault="").count() == 1  # it was met
    assert_exactly_once(connection, [placed])
    assert Article.objects.filter(article_no=_first_sku(placed)).count() == 1
