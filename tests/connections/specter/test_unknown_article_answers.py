"""Both answers Specter may give to an order row for an article it lacks (specs/specter-api.md §9 is
silent), and the creation of a missing article that leaves an existing one as it is: the client
against the simulated Specter over HTTP, each answer form switched on per account."""

import pytest

from connections.specter.client import OrderReceipt, UnknownArticle, named_articles
from simulator.specter.models import Account, Article, Order
from tests.connections.specter.test_client_against_simulator import order, person, specter  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_refusing_account_refuses_the_order_naming_the_article(specter):
    with pytest.raises(UnknownArticle) as caught:
        specter.place_order(
            specter.submit_customer(person()), order(rows=(("NOPE-1", "10", "1", "25"), ("FRAKT", "0", "1", "25")))
        )
    assert named_articles(str(caught.value)) == ("NOPE-1",)
    assert not Order.objects.exists()


def test_an_accepting_account_takes_the_order_and_its_ok_names_the_unknown_articles(specter):
    Account.objects.filter(smb_id="1001").update(unknown_articles=Account.ACCEPT)
    rows = (("NOPE-1", "10", "1", "25"), ("TSHIRT-M", "159.2", "1", "25"), ("NOPE-2", "5", "2", "12"))
    receipt = specter.place_order(specter.submit_customer(person()), order(rows=rows))
    assert receipt == OrderReceipt(Order.objects.get().order_no, ("NOPE-1", "NOPE-2"))
    known = specter.place_order(
        specter.submit_customer(person()), order("WS-2", rows=(("TSHIRT-M", "159.2", "1", "25"),))
    )
    assert known.unknown_articles == ()


@pytest.mark.parametrize(
    "message, named",
    [
        ("OK, unknown articles: A-1, B_2", ("A-1", "B_2")),
        ("unknown article NOPE-1", ("NOPE-1",)),
        ("OK", ()),
        ("", ()),
        ("Unknown Article: X", ("X",)),
    ],
)
def test_the_articles_a_message_names_are_read_from_it(message, named):
    assert named_articles(message) == named


def test_creating_an_article_an_order_needs_leaves_an_existing_one_as_it_is(specter):
    specter.create_articles(
        [
            {"articleNo": "NY-9", "name": "Ny", "priceExclVat": "10", "vatPercent": "25"},
            {"articleNo": "MUGG-01", "name": "Annat namn", "priceExclVat": "1", "vatPercent": "25"},
        ]
    )
    assert Article.objects.get(article_no="NY-9").name == "Ny"
    mug = Article.objects.get(article_no="MUGG-01")
    assert (mug.name, str(mug.price_ex_vat)) == ("Mugg", "79.2000")
