"""The simulated shop's orders are realistic and self-consistent, and our mapper carries them to
Specter to the öre."""

import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from connections.starweb.types import StarwebOrder
from simulator.starweb import generator
from syncflows.orders.mapper import ExportSettings, map_order, problems
from tests.contracts.openapi import errors

SHIPPING = {"id": 1, "name": "PostNord MyPack", "fee": "39.20"}
PAYMENTS = [
    {"id": 2, "idCode": "invoice", "name": "Faktura", "fee": "23.20"},
    {"id": 3, "idCode": "cashOnDelivery", "name": "Postförskott", "fee": "39.20"},
]
EXPORT = ExportSettings(
    gift_card_article="PRESENTKORT",
    discount_article="RABATT",
    payment_fee_article="AVGIFT",
    shipping_article="FRAKT",
    cod_article="POSTFORSKOTT",
    delivery_methods={"1": "PN"},
    payment_methods={"2": "I", "3": "P"},
)


def _luhn_ok(number: str) -> bool:
    digits = re.sub(r"\D", "", number)[-10:]
    return generator.luhn_digit(digits[:9]) == digits[9]


@pytest.mark.parametrize("seed", range(20))
def test_identity_numbers_are_valid_personnummer_and_org_numbers(seed):
    rng = random.Random(seed)
    assert _luhn_ok(generator.personnummer(rng)) and _luhn_ok(generator.org_number(rng))


@given(seed=st.integers(0, 10_000), payment=st.sampled_from(PAYMENTS))
@settings(max_examples=300, deadline=None)
def test_generated_orders_reach_specter_to_the_ore(seed, payment):
    data = generator.order(random.Random(seed), order_id=1000 + seed, shipping=SHIPPING, payment=payment)
    order = StarwebOrder.parse(data)
    assert problems(order, EXPORT) == []
    assert map_order(order, EXPORT).total == order.amount_to_pay


@pytest.mark.parametrize("seed", range(10))
def test_generated_orders_match_starwebs_order_schema(seed):
    data = generator.order(
        random.Random(seed),
        order_id=1000,
        shipping=SHIPPING,
        payment=PAYMENTS[0],
        created_at="2026-11-23T10:00:00+01:00",
    )
    assert errors({"data": data}, "OrderModelItem") == []
