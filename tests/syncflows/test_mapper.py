"""The order mapper: table tests and a property test over many generated orders (no database)."""

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings

from connections.starweb.types import ParseError, StarwebOrder
from syncflows.orders.mapper import ExportSettings, map_order, problems
from tests.syncflows.starweb_orders import item, order_json, orders

SETTINGS = ExportSettings(
    gift_card_article="PRESENTKORT",
    discount_article="RABATT",
    payment_fee_article="AVGIFT",
    shipping_article="FRAKT",
    cod_article="POSTFORSKOTT",
    delivery_methods={"1": "PN"},
    payment_methods={"2": "I", "3": "P"},
)


def _map(data, settings=SETTINGS):
    order = StarwebOrder.parse(data)
    assert problems(order, settings) == []
    return order, map_order(order, settings)


@given(orders())
@hypothesis_settings(max_examples=400, deadline=None)
def test_the_specter_total_equals_amount_to_pay_to_the_ore(data):
    order, mapped = _map(data)
    assert mapped.total == order.amount_to_pay


@given(orders())
@hypothesis_settings(max_examples=200, deadline=None)
def test_the_total_holds_with_the_discount_spread_per_item_too(data):
    order, mapped = _map(data, replace(SETTINGS, discount_per_item_percent=True))
    assert mapped.total == order.amount_to_pay
    assert all(row.article_no != "RABATT" for row in mapped.rows)


def test_rows_are_ex_vat_with_their_vat_and_named_articles():
    _order, mapped = _map(order_json([item("TSHIRT-M", 2, "159.2", 25), item("BOK-01", 1, "94.34", 6)]))
    tshirt, book, freight = mapped.rows[:3]
    assert (tshirt.article_no, tshirt.quantity, tshirt.price_ex_vat, tshirt.vat_percent) == (
        "TSHIRT-M",
        2,
        Decimal("159.2"),
        25,
    )
    assert (book.article_no, book.vat_percent) == ("BOK-01", 6)
    assert (freight.article_no, freight.name, freight.total) == ("FRAKT", "PostNord", Decimal("49.00"))
    params = mapped.order_params("10452")
    assert params["articleNo_1"] == "TSHIRT-M" and params["priceExclVAT_1"] == "159.2" and params["noOfItems_1"] == "2"
    assert params["customerId"] == "10452" and params["externalOrderNo"] == "1001"


def test_a_discount_code_becomes_one_negative_row_per_vat_rate():
    items = [
        item("A", 1, "100", 25),
        item("B", 1, "100", 12),
        item("", 1, "-10", 25, description="Rabattkod X"),
        item("", 1, "-10", 12, description="Rabattkod X"),
    ]
    _order, mapped = _map(order_json(items, discount_code="X"))
    discounts = [row for row in mapped.rows if row.article_no == "RABATT"]
    assert [(row.vat_percent, row.total) for row in discounts] == [(25, Decimal("-12.50")), (12, Decimal("-11.20"))]


def test_a_gift_card_is_its_own_row_at_zero_vat():
    _order, mapped = _map(order_json([item("A", 1, "400", 25), item("", 1, "-200", 0, description="Presentkort 55")]))
    card = next(row for row in mapped.rows if row.article_no == "PRESENTKORT")
    assert (card.total, card.vat_percent) == (Decimal("-200.00"), 0)


def test_cash_on_delivery_puts_the_fee_on_the_cod_article():
    _order, mapped = _map(
        order_json([item("A", 1, "100")], payment=("3", "cashOnDelivery", "Postförskott", "39", "25"))
    )
    assert [r.article_no for r in mapped.rows][-1] == "POSTFORSKOTT"
    assert mapped.order["payTypeIdentifier"] == "P"


@pytest.mark.parametrize("setting, article", [("zero_row_shipping", "FRAKT"), ("zero_row_payment_fee", "AVGIFT")])
def test_zero_amount_rows_are_sent_only_when_asked(setting, article):
    data = order_json([item("A", 1, "100")], shipping=("1", "Hämta", "0", "25"))
    assert article not in [r.article_no for r in _map(data)[1].rows]
    assert article in [r.article_no for r in _map(data, replace(SETTINGS, **{setting: True}))[1].rows]


def test_a_zero_cod_row_follows_its_own_setting():
    data = order_json([item("A", 1, "100")], payment=("3", "cashOnDelivery", "Postförskott", "0", "25"))
    assert "POSTFORSKOTT" not in [r.article_no for r in _map(data)[1].rows]
    assert "POSTFORSKOTT" in [r.article_no for r in _map(data, replace(SETTINGS, zero_row_cod=True))[1].rows]


def test_customer_flags_company_and_address_line_one():
    data = order_json([item("A", 1, "100")], company=True)
    _order, mapped = _map(data, replace(SETTINGS, ignore_control_email=True, company_in_address_line1=True))
    customer = mapped.customer
    assert customer["customerOrganizationalForm"] == "C" and customer["name"] == "Exempel AB"
    assert customer["address"] == "Exempel AB" and customer["addressRow2"] == "Storgatan 1"
    assert (customer["ignoreControlEmail"], customer["ignoreControlOrgNo"]) == ("1", "0")
    assert customer["emailAddress"] == "anna@example.se" and customer["orgNo"] == "556677-8899"


def test_a_person_is_sent_with_first_and_last_name():
    _order, mapped = _map(order_json([item("A", 1, "100")]))
    assert mapped.customer["customerOrganizationalForm"] == "P"
    assert (mapped.customer["firstName"], mapped.customer["surName"]) == ("Anna", "Svensson")


def test_confirmation_delivery_method_payment_and_custom_fields():
    data = order_json([item("A", 1, "100")], customInfo1="Portkod 1234")
    settings = replace(SETTINGS, confirmation_from_specter=True, include_custom_fields=True)
    order_fields = _map(data, settings)[1].order
    assert order_fields["sendOrderMail"] == "1" and order_fields["sendOrderMailToUser"] == "0"
    assert order_fields["externalDeliveryMethod"] == "PN" and order_fields["payTypeIdentifier"] == "I"
    assert order_fields["payTypeReference"] == "klarna-123" and "Portkod 1234" in order_fields["internalComment"]
    assert "internalComment" not in _map(data)[1].order


@pytest.mark.parametrize(
    "data, code",
    [
        (order_json([item("", 1, "100", description="Mugg")]), "sku_missing"),
        (order_json([item("MUGG 01", 1, "100")]), "sku_space"),
        (order_json([item("A", 1, "100")], currency="EUR"), "currency"),
        (order_json([item("A", 1, "100")], shipping=("9", "DHL", "50", "25")), "delivery_unmapped"),
        (order_json([item("A", 1, "100")], payment=("9", "swish", "Swish", "0", "25")), "payment_unmapped"),
    ],
)
def test_an_order_that_cannot_go_says_why_and_how_to_fix_it(data, code):
    found = problems(StarwebOrder.parse(data), SETTINGS)
    assert [p.code for p in found] == [code]
    assert found[0].fix


def test_missing_article_numbers_are_named():
    data = order_json([item("A", 1, "100"), item("", 1, "-50", 0, description="Presentkort 1")])
    found = problems(StarwebOrder.parse(data), ExportSettings(delivery_methods={"1": "PN"}, payment_methods={"2": "I"}))
    assert {(p.code, p.params["what"]) for p in found} == {
        ("article_missing", "gift card"),
        ("article_missing", "shipping"),
    }


def test_every_problem_is_reported_at_once():
    data = order_json([item("A B", 1, "100"), item("", 1, "5", description="Utan nummer")], currency="NOK")
    assert {p.code for p in problems(StarwebOrder.parse(data), SETTINGS)} == {"currency", "sku_space", "sku_missing"}


@pytest.mark.parametrize("broken", [{}, {"orderId": 1}, {"orderId": 1, "amountToPay": "x"}])
def test_a_broken_order_is_a_parse_error_naming_the_field(broken):
    with pytest.raises(ParseError):
        StarwebOrder.parse(broken)


def test_a_multishop_order_carries_its_webshop_and_a_prefixed_order_number():
    from dataclasses import replace

    order = StarwebOrder.parse(order_json([item("TSHIRT-M", 1, "159.2", 25)]))
    fields = map_order(order, replace(SETTINGS, webshop_id="2", order_number_prefix="B-")).order
    assert (fields["externalOrderNo"], fields["webshopId"]) == ("B-1001", "2")
    assert "webshopId" not in map_order(order, SETTINGS).order  # one shop: no webshopId at all


def test_a_shop_on_one_specter_warehouse_sends_its_orders_to_that_warehouse():
    from dataclasses import replace

    order = StarwebOrder.parse(order_json([item("TSHIRT-M", 1, "159.2", 25)]))
    assert map_order(order, replace(SETTINGS, stock_site_id="2")).order["stocksiteid"] == "2"
    assert "stocksiteid" not in map_order(order, SETTINGS).order  # Specter's default warehouse
