"""Discounts as their own rows, prices as the shop shows them, and bad orders stopped with words
(the order mapper and the parser at the edge; no database)."""

from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import settings as hypothesis_settings

from connections.errors import Permanent
from connections.starweb.types import ParseError, StarwebOrder
from syncflows import reasons
from syncflows.orders.mapper import ROUNDING_LIMIT, map_order, problems
from tests.syncflows.starweb_orders import item, order_json, orders
from tests.syncflows.test_mapper import SETTINGS

SERVICE = {"RABATT", "FRAKT", "AVGIFT", "POSTFORSKOTT", "PRESENTKORT", "Öresavrundning"}


def _mapped(data, settings=SETTINGS):
    order = StarwebOrder.parse(data)
    assert problems(order, settings) == []
    return order, map_order(order, settings)


def _expected_discounts(order) -> dict:
    """Each VAT rate's discount ex VAT, from the Starweb order by its own reading (§11)."""
    expected = {}
    for i in order.items:
        if i.sku and i.discount:
            off = i.quantity * i.unit_price * i.discount / 100 if i.discount_type == "percent" else i.discount
            expected[i.vat_rate] = expected.get(i.vat_rate, Decimal(0)) - off
        elif i.is_code_discount:
            expected[i.vat_rate] = expected.get(i.vat_rate, Decimal(0)) + i.quantity * i.unit_price
    return {
        vat: amount.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP) for vat, amount in expected.items() if amount
    }


@given(orders())
@hypothesis_settings(max_examples=300, deadline=None)
def test_items_keep_the_shop_prices_discounts_go_per_vat_rate_and_the_total_is_amount_to_pay(data):
    order, mapped = _mapped(data)
    products = [i for i in order.items if i.sku]
    item_rows = [r for r in mapped.rows if r.article_no not in SERVICE]
    # 1. every item with the shop's own unit price ex VAT and its quantity, nothing folded in
    assert [(r.article_no, r.price_ex_vat, r.quantity, r.vat_percent) for r in item_rows] == [
        (i.sku, i.unit_price, i.quantity, i.vat_rate) for i in products
    ]
    # 2. one negative discount row per VAT rate, holding exactly that rate's discounts
    discounts = [r for r in mapped.rows if r.article_no == "RABATT"]
    assert len({r.vat_percent for r in discounts}) == len(discounts)
    assert {r.vat_percent: r.price_ex_vat for r in discounts} == _expected_discounts(order)
    assert all(r.price_ex_vat < 0 and r.quantity == 1 for r in discounts)
    # 3. gift cards are rows of their own, at zero VAT
    assert sorted(r.price_ex_vat for r in mapped.rows if r.article_no == "PRESENTKORT") == sorted(
        i.unit_price for i in order.items if i.is_gift_card
    )
    # 4. the total is amountToPay to the öre; what rounding leaves is one small row at VAT 0
    assert mapped.total == order.amount_to_pay
    rounding = [r for r in mapped.rows if r.article_no == "Öresavrundning"]
    assert len(rounding) <= 1
    assert all(r.vat_percent == 0 and abs(r.total) <= ROUNDING_LIMIT and r.total for r in rounding)


@given(orders())
@hypothesis_settings(max_examples=150, deadline=None)
def test_with_the_per_item_percentage_no_discount_row_goes_and_the_total_still_holds(data):
    order, mapped = _mapped(data, replace(SETTINGS, discount_per_item_percent=True))
    assert mapped.total == order.amount_to_pay
    assert "RABATT" not in {r.article_no for r in mapped.rows}


def test_a_row_discount_is_a_discount_row_and_the_item_keeps_its_price():
    # 31.25 ex VAT with 10 % off: the item goes at 31.25, the 3.125 as a discount row (not 28.125)
    _order, mapped = _mapped(order_json([item("MUGG-01", 1, "31.25", 25, discount="10")]))
    mug, discount = mapped.rows[0], next(r for r in mapped.rows if r.article_no == "RABATT")
    assert (mug.price_ex_vat, mug.quantity) == (Decimal("31.25"), 1)
    assert (discount.price_ex_vat, discount.vat_percent) == (Decimal("-3.125"), 25)
    assert mapped.order_params("1")["priceExclVAT_1"] == "31.25"


def test_an_item_price_is_sent_as_the_shop_has_it_not_back_computed_from_totals():
    _order, mapped = _mapped(order_json([item("KAFFE-500", 3, "263.21", 12), item("BOK-01", 1, "150.94", 6)]))
    params = mapped.order_params("1")
    assert (params["priceExclVAT_1"], params["priceExclVAT_2"]) == ("263.21", "150.94")


def test_a_difference_of_rounding_goes_on_the_rounding_row_at_zero_vat():
    data = order_json([item("A", 1, "100", 25)])
    data["amountToPay"] = str(Decimal(data["amountToPay"]) + Decimal("0.37"))  # the shop rounded to whole kronor
    _order, mapped = _mapped(data, replace(SETTINGS, rounding_article="ORESAVR"))
    rounding = mapped.rows[-1]
    assert (rounding.article_no, rounding.price_ex_vat, rounding.vat_percent) == ("ORESAVR", Decimal("0.37"), 0)
    assert mapped.rows[0].price_ex_vat == Decimal("100")


def _codes(data):
    return [p.code for p in problems(StarwebOrder.parse(data), SETTINGS)]


@pytest.mark.parametrize("quantity", ["-2", "0"])
def test_a_row_of_zero_or_fewer_items_is_stopped_naming_the_row(quantity):
    found = problems(StarwebOrder.parse(order_json([item("A", 1, "100"), item("B", quantity, "50")])), SETTINGS)
    assert [(p.code, p.params["row"]) for p in found] == [("quantity", 2)]
    with translation.override("en"):
        assert "Row 2" in found[0].message


def test_rows_that_do_not_add_up_to_amount_to_pay_are_stopped_with_both_figures():
    data = order_json([item("A", 1, "79.2", 25)], shipping=("1", "PostNord", "0", "25"))  # 99 kr
    data["amountToPay"] = "5"
    found = problems(StarwebOrder.parse(data), SETTINGS)
    assert [p.code for p in found] == ["totals"]
    with translation.override("sv"):
        text = reasons.render([(found[0].code, found[0].params)])
    assert "99,00" in text and "5,00" in text


def test_a_negative_total_is_stopped():
    data = order_json([item("A", 1, "10", 25), item("", 1, "-100", 0, description="Presentkort 9")])
    assert "negative_total" in _codes(data)


def test_more_than_a_krona_apart_is_not_rounding():
    data = order_json([item("A", 1, "100", 25)])
    data["amountToPay"] = str(Decimal(data["amountToPay"]) + Decimal("1.01"))
    assert _codes(data) == ["totals"]


@pytest.mark.parametrize(
    "field, value, row",
    [
        ("quantity", "two", 2),
        ("unitPrice", "12,5 kr", 2),
        ("vatRate", [25], 2),
        ("quantity", "NaN", 2),
        ("discount", {"x": 1}, 2),
    ],
)
def test_a_field_that_cannot_be_read_is_a_permanent_error_naming_field_and_row(field, value, row):
    data = order_json([item("A", 1, "100"), item("B", 1, "50")])
    data["items"]["data"][1][field] = value
    with pytest.raises(ParseError) as caught:
        StarwebOrder.parse(data)
    error = caught.value
    assert isinstance(error, Permanent) and (error.field, error.row) == (field, row)
    assert str(value) not in str(error)  # the field is named, never its value


def test_the_unreadable_reason_reads_in_the_readers_language():
    stored = reasons.stored(("unreadable", {"field": "quantity", "row": 2}))
    with translation.override("en"):
        assert reasons.render(stored["reason_params"]).startswith("The order could not be read: quantity of row 2.")
    with translation.override("sv"):
        assert "antal på rad 2" in reasons.render(stored["reason_params"])


@pytest.mark.parametrize(
    "broken",
    [
        {"orderId": 1, "amountToPay": "10", "items": {"data": ["x"]}},
        {"orderId": 1, "amountToPay": "10", "items": "many"},
        {"orderId": 1, "amountToPay": "10", "addresses": {"data": {"originalInvoice": "Storgatan"}}},
        {"orderId": 1, "amountToPay": "10", "statusId": "²"},
    ],
)
def test_odd_shapes_are_parse_errors_or_read_never_crashes(broken):
    try:
        order = StarwebOrder.parse(broken)
    except ParseError:
        return
    assert order.status_id is None


def test_with_the_per_item_percentage_each_item_carries_its_own_discount_in_percent():
    settings = replace(SETTINGS, discount_per_item_percent=True)
    items = [
        item("A", 1, "100", 25, discount="10"),
        item("B", 1, "100", 25),
        item("", 1, "-20", 25, description="Rabattkod X"),
    ]
    _order, mapped = _mapped(order_json(items, discount_code="X"), settings)
    a, b = mapped.rows[:2]
    assert (a.comment, b.comment) == ("Rabatt 19.47 %", "Rabatt 10.53 %")  # its own 10 %, then its share of the code
    assert "RABATT" not in {r.article_no for r in mapped.rows}
