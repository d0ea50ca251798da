"""Bad orders are stopped with words, not sent or looped: over HTTP, the shop's order as it comes."""

import pytest
from django.utils import translation

from simulator.models import CallLog
from simulator.starweb.demo import ensure_demo_shop, place_order
from simulator.starweb.models import Order as StarwebOrder
from syncflows.models import Transfer
from tests.syncflows.wiring import drain, settle, wired_connection

pytestmark = pytest.mark.django_db(transaction=True)


def _spoil(placed, change) -> None:
    data = placed.data
    change(data)
    StarwebOrder.objects.filter(pk=placed.pk).update(data=data)


def _second_row(field, value):
    def change(data):
        rows = data["items"]["data"]
        if len(rows) < 2:
            rows.append(dict(rows[0], sku="MUGG-01"))
        rows[1][field] = value

    return change


def _amount(value):
    def change(data):
        data["amountToPay"] = value

    return change


@pytest.mark.parametrize(
    "change, code, words",
    [
        (_second_row("quantity", "two"), "unreadable", "The order could not be read: quantity of row 2."),
        (_second_row("quantity", -2), "quantity", "Row 2 has the quantity -2"),
        (_amount(5), "totals", "but its amount to pay is 5.00 SEK"),
        (_amount(-10), "negative_total", "below zero"),
    ],
)
def test_a_bad_order_needs_attention_with_the_reason_in_words_and_nothing_goes_to_specter(
    live_server, settings, change, code, words
):
    wired_connection(live_server, settings)
    placed = place_order(ensure_demo_shop(), seed=33)
    _spoil(placed, change)
    drain()
    settle()  # it does not come back as a retry: a person must look
    transfer = Transfer.objects.get()
    assert (transfer.state, transfer.reason_code) == (Transfer.State.NEEDS_ATTENTION, code)
    assert transfer.attempts == 0 and transfer.next_attempt_at is None
    with translation.override("en"):
        assert words in transfer.reason_text
    assert not CallLog.objects.filter(system="specter", operation__in=["newordersubmit", "newcustomersubmit"]).exists()
