"""The dry run shows the rows exactly as the order goes: the shop's prices, discounts as rows."""

from django.utils import translation

from connections.models import Connection
from portal.preflight import dry_run
from tests.syncflows.starweb_orders import item, order_json


class _Shop:
    def __init__(self, order):
        self.order = order

    def pages(self, path, params):
        return iter([self.order])


def test_the_dry_run_shows_the_shops_own_price_and_the_discount_as_its_own_row():
    connection = Connection(
        discount_article="RABATT",
        shipping_article="FRAKT",
        payment_fee_article="AVGIFT",
        delivery_methods={"1": "PN"},
        payment_methods={"2": "I"},
    )
    shown = dry_run(connection, _Shop(order_json([item("MUGG-01", 2, "150.94", 6, discount="10")])))
    with translation.override("sv"):
        rows = [(r["article_no"], str(r["price"])) for r in shown["rows"]]
    assert rows[0] == ("MUGG-01", "150,94") and ("RABATT", "-30,188") in rows
    assert shown["matches"]


def test_the_dry_run_of_an_order_that_cannot_be_read_says_which_field():
    data = order_json([item("MUGG-01", 1, "100")])
    data["items"]["data"][0]["quantity"] = "två"
    with translation.override("en"):
        shown = dry_run(Connection(), _Shop(data))
    assert shown["error"].startswith("The order could not be read: quantity of row 1.")
