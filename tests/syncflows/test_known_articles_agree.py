"""The pre-flight and the order engine know the same articles: one table (SpecterArticle), one
register reader, so what one learns the other knows, and what one forgets the other asks again."""

import pytest

from connections.models import Connection
from simulator.models import CallLog
from simulator.specter.models import Account, Article
from simulator.starweb.demo import ensure_demo_shop, place_order
from syncflows.models import SpecterArticle, Transfer
from syncflows.orders import articles
from syncflows.to_specter import service_articles
from tests.syncflows.test_order_faults import assert_exactly_once
from tests.syncflows.wiring import drain, wired_connection

pytestmark = pytest.mark.django_db(transaction=True)


def _calls(operation: str) -> int:
    return CallLog.objects.filter(system="specter", operation=operation).count()


@pytest.fixture(autouse=True)
def _nothing_trusted():
    articles.forget_all()
    yield
    articles.forget_all()


def test_a_service_article_the_pre_flight_creates_is_known_to_the_order_engine(live_server, settings):
    connection = wired_connection(live_server, settings, flow=Connection.Flow.ECOM, shipping_article="FRAKT-NY")
    assert service_articles.check(connection, ["FRAKT-NY"]).missing == ["FRAKT-NY"]
    assert articles.unknown(connection, ["FRAKT-NY"]) == ["FRAKT-NY"]
    service_articles.create(connection, [("FRAKT-NY", "Frakt")])
    assert Article.objects.filter(article_no="FRAKT-NY").count() == 1
    assert (
        SpecterArticle.objects.get(connection=connection, article_no="FRAKT-NY").source == SpecterArticle.Source.CREATED
    )
    articles.forget_all()  # not this process's trust: the table
    assert articles.unknown(connection, ["FRAKT-NY"]) == []


def test_what_the_order_engine_learnt_from_the_register_the_pre_flight_knows_without_asking_specter(
    live_server, settings
):
    connection = wired_connection(live_server, settings, flow=Connection.Flow.ERP)
    placed = place_order(ensure_demo_shop(), seed=81)
    drain()  # the order reads Specter's register
    assert_exactly_once(connection, [placed])
    reads = _calls("getarticlelistexternal")
    assert reads == 1
    articles.forget_all()
    assert service_articles.check(connection, [connection.shipping_article, connection.discount_article]).missing == []
    assert _calls("getarticlelistexternal") == reads


def test_an_article_the_pre_flight_finds_in_the_register_lets_the_waiting_order_go(live_server, settings):
    connection = wired_connection(live_server, settings, flow=Connection.Flow.ERP)
    account = Account.objects.get(smb_id="1001")
    placed = place_order(ensure_demo_shop(), seed=81)
    sku = next(i["sku"] for i in placed.data["items"]["data"] if i["sku"])
    kept = account.articles.get(article_no=sku)
    kept.delete()
    drain()
    assert Transfer.objects.get().reason_code == articles.WAITING
    # The merchant creates it in Specter and reloads the pre-flight a minute later.
    account.articles.create(
        article_no=sku, name=kept.name, price_ex_vat=kept.price_ex_vat, vat_percent=kept.vat_percent
    )
    from syncflows.models import SyncRun

    SyncRun.objects.filter(kind="specter_register").update(
        started_at=SyncRun.objects.get(kind="specter_register").started_at - service_articles.READ_AT_MOST_EVERY * 2
    )
    assert service_articles.check(connection, [sku]).missing == []
    assert SpecterArticle.objects.filter(
        connection=connection, article_no=sku, source=SpecterArticle.Source.REGISTER
    ).exists()
    drain()
    assert_exactly_once(connection, [placed])


def test_an_article_the_engine_forgets_after_specters_refusal_is_red_in_the_pre_flight_again(live_server, settings):
    connection = wired_connection(live_server, settings, flow=Connection.Flow.ERP)
    articles.learn([connection.pk], ["PF-BORTA"], SpecterArticle.Source.REGISTER)
    assert service_articles.check(connection, ["PF-BORTA"]).missing == []
    articles.forget(connection, ["PF-BORTA"])
    assert service_articles.check(connection, ["PF-BORTA"]).missing == ["PF-BORTA"]


def test_every_timeline_code_fits_its_column():
    """PostgreSQL refuses what SQLite stores: a code longer than the column would fail the order's write."""
    from syncflows import timeline
    from syncflows.models import TransferAttempt

    limit = TransferAttempt._meta.get_field("detail_code").max_length
    assert [code for code in timeline.DETAILS if len(code) > limit] == []
