"""What newArticleSubmit carries on the wire, read by a plain recording server (no code of ours in
between): the spec's own parameter names (specs/specter-api.md §3 row 3), spelt exactly, from
every place that creates articles in Specter. Our simulator reads names case-insensitively, as
ASP does, so only the wire can tell `priceExclVat_1` from `priceExclVAT_1`."""

from decimal import Decimal
from urllib.parse import parse_qsl

import pytest

from connections.models import Connection
from connections.specter.client import SpecterClient, article_row
from connections.specter.signature import Credentials
from syncflows.orders import articles
from syncflows.orders.mapper import Row
from syncflows.to_specter import export, service_articles
from tests.connections.factories import ConnectionFactory
from tests.security.http_recorder import recorder

SPEC_ROW_NAMES = {"articleNo_1", "name_1", "priceExclVAT_1", "vatPercent_1"}


@pytest.fixture
def specter():
    server = recorder(lambda *_: (200, {"Content-Type": "text/plain; charset=iso-8859-1"}, "1;A-1;OK"))
    yield server
    server.stop()


def client(server) -> SpecterClient:
    return SpecterClient(Credentials("1001", "demo-md5key"), base_url=f"{server.url}/")


def sent(server) -> dict[str, str]:
    """The body of the one request the server got, as names and values."""
    [request] = server.requests
    assert "action=newArticleSubmit" in request.path
    return dict(parse_qsl(request.body, keep_blank_values=True, encoding="latin-1"))


def test_an_article_row_is_sent_under_the_spec_s_exact_names(specter):
    client(specter).create_articles([article_row("FRAKT", "Frakt", price_ex_vat="0", vat_percent="25")])
    body = sent(specter)
    assert SPEC_ROW_NAMES <= set(body) and body["priceExclVAT_1"] == "0"
    assert "priceExclVat_1" not in body


def test_the_article_an_order_needs_goes_with_priceExclVAT(specter):
    row = articles._article_row(Row("MUGG-01", "Mugg", Decimal("79.20"), Decimal(1), Decimal(25)), priced=True)
    client(specter).create_articles([row])
    body = sent(specter)
    assert SPEC_ROW_NAMES <= set(body) and body["priceExclVAT_1"] == "79.2"
    assert "priceExclVat_1" not in body


def test_an_exported_article_goes_with_priceExclVAT_and_the_update_flag(specter):
    client(specter).submit_articles(
        [article_row("TSHIRT-M", "T-shirt M", price_ex_vat="159.2", vat_percent="25")], update=True
    )
    body = sent(specter)
    assert SPEC_ROW_NAMES <= set(body) and body["forceArticleUpdate"] == "1"
    assert "priceExclVat_1" not in body


def test_a_product_exported_to_specter_goes_with_priceExclVAT(specter):
    product = {
        "productId": 7,
        "name": "T-shirt",
        "defaultVatRate": 25,
        "variants": {"data": [{"variantId": 1, "sku": "TSHIRT-M", "prices": [{"priceExVat": "159.20"}]}]},
    }
    rows, problems = export.articles_of(product)
    client(specter).submit_articles(rows, update=False)
    body = sent(specter)
    assert problems == [] and SPEC_ROW_NAMES <= set(body) and body["priceExclVAT_1"] == "159.2"
    assert "priceExclVat_1" not in body


@pytest.mark.django_db
def test_a_service_article_created_from_the_pre_flight_goes_with_priceExclVAT(specter, settings):
    settings.SPECTER_API_URL = f"{specter.url}/"
    connection = ConnectionFactory(flow=Connection.Flow.ECOM)
    service_articles.create(connection, [("FRAKT", "Frakt")])
    body = sent(specter)
    assert SPEC_ROW_NAMES <= set(body) and body["priceExclVAT_1"] == "0"
    assert "priceExclVat_1" not in body
