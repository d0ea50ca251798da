"""The order timeline's "articles" step in the reader's language: what was created, what Specter
lacks, and a register that cannot be listed, rendered from codes with their article numbers."""

import pytest

from connections.models import Connection
from simulator.specter.models import Account
from simulator.starweb.demo import ensure_demo_shop, place_order
from syncflows.models import Transfer
from syncflows.orders import articles
from tests.portal.test_readable_orders import order_page, owner_of
from tests.syncflows.wiring import drain, wired_connection

pytestmark = pytest.mark.django_db(transaction=True)
SEED = 81  # an order whose first row is a product


@pytest.fixture(autouse=True)
def _nothing_trusted():
    articles.forget_all()
    yield
    articles.forget_all()


def _order_without_its_article_in_specter():
    placed = place_order(ensure_demo_shop(), seed=SEED)
    sku = next(i["sku"] for i in placed.data["items"]["data"] if i["sku"])
    Account.objects.get(smb_id="1001").articles.filter(article_no=sku).delete()
    drain()
    return Transfer.objects.get(starweb_order_id=str(placed.order_id)), sku


def _timeline(transfer, language=None) -> str:
    body = order_page(owner_of(transfer.connection, language), transfer)
    return body[body.index('id="timeline"') :]


def test_articles_created_for_the_order_read_in_swedish_with_their_numbers(live_server, settings):
    wired_connection(live_server, settings, flow=Connection.Flow.ECOM, export_product=Connection.ProductExport.CHANGED)
    transfer, sku = _order_without_its_article_in_specter()
    assert transfer.timeline.get(phase="articles").detail_code == "articles_created"
    timeline = _timeline(transfer)
    assert f"skapade i Specter: {sku}" in timeline and "created in Specter" not in timeline
    assert f"created in Specter: {sku}" in _timeline(transfer, "en")


def test_an_article_specter_lacks_reads_in_swedish_naming_it(live_server, settings):
    wired_connection(live_server, settings, flow=Connection.Flow.ERP)
    transfer, sku = _order_without_its_article_in_specter()
    assert transfer.state == Transfer.State.NEEDS_ATTENTION
    timeline = _timeline(transfer)
    assert f"Specters artikelregister läst; finns inte i Specter: {sku}" in timeline
    assert "not in Specter" not in timeline and "register read" not in timeline


def test_a_register_that_cannot_be_listed_reads_in_swedish(live_server, settings, monkeypatch):
    from connections.specter import articles as register
    from connections.specter.client import SpecterRefused

    def unlisted(client, number):
        raise SpecterRefused("specter: getArticleListExternal refused (3): unknown action", code="3")

    monkeypatch.setattr(register, "page", unlisted)
    wired_connection(live_server, settings, flow=Connection.Flow.ERP)
    transfer, _sku = _order_without_its_article_in_specter()
    timeline = _timeline(transfer)
    assert "Specters artikelregister kan inte listas: Specters svar på ordern avgör" in timeline
    assert "cannot be listed" not in timeline
