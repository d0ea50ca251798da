"""Specter's price lists (invented calls, connections/specter/assumptions.py): the batch XML read
into list-price changes, and the lists and the batch against the simulated Specter over HTTP."""

from decimal import Decimal

import pytest

from connections.errors import Retryable
from connections.specter import batches
from connections.specter.price_lists import PriceList, parse_price_lists
from simulator.specter import changes

BATCH = """<?xml version="1.0" encoding="ISO-8859-1"?><response><APIresponse><result>1</result></APIresponse>
<listPrices>
  <listPrice priceListId="3" priceExclVat="127,20" fromQuantity="1"><articleNo> TSHIRT-S </articleNo></listPrice>
  <listPrice priceListId="3" priceExclVat="55.00" fromQuantity="10"><articleNo>MUGG-01</articleNo></listPrice>
  <listPrice priceListId="4" priceExclVat="60"><articleNo>MUGG-01</articleNo></listPrice>
  <listPrice priceListId="3" priceExclVat="x" fromQuantity="2.5"><articleNo>BOK-01</articleNo></listPrice>
</listPrices><responseMaxLimit>4</responseMaxLimit></response>"""


class Answers:
    """A stand-in client that answers every read with `text` (the parsing is what is tested)."""

    def __init__(self, text: str):
        self.text = text

    def _payload(self, endpoint, action, params):
        return self.text


def test_a_list_price_batch_is_read_into_changes_with_volume_quantities():
    batch = batches.pull(Answers(BATCH), "pricelists", batch_no="b1")
    assert [(e.article_no, e.price_list_id, e.price_ex_vat, e.from_quantity) for e in batch.entries] == [
        ("TSHIRT-S", "3", Decimal("127.20"), 1),
        ("MUGG-01", "3", Decimal("55.00"), 10),
        ("MUGG-01", "4", Decimal("60"), 1),  # no fromQuantity: the plain price
        ("BOK-01", "3", None, None),  # unreadable: reported by the flow, the batch is not blocked
    ]
    assert (batch.kind, batch.batch_no, batch.more) == ("pricelists", "b1", True)  # as long as responseMaxLimit


def test_a_short_list_price_batch_says_nothing_more_is_waiting():
    text = BATCH.replace("<responseMaxLimit>4<", "<responseMaxLimit>100<")
    assert batches.pull(Answers(text), "pricelists", batch_no="b1").more is False


def test_a_broken_list_price_batch_is_retried_not_acknowledged():
    with pytest.raises(Retryable):
        batches.pull(Answers("<response><listPrices><listPrice"), "pricelists", batch_no="b1")


def test_the_price_lists_are_read_with_their_names_in_latin_1():
    text = (
        '<?xml version="1.0" encoding="ISO-8859-1"?><response><priceLists><priceList priceListId="3" currency="sek" '
        'customerGroupId="5"><name> Återförsäljare </name></priceList>'
        '<priceList priceListId=""><name>utan id</name></priceList>'
        "</priceLists></response>"
    )
    assert parse_price_lists(text) == [PriceList("3", "Återförsäljare", "SEK", "5")]
    assert parse_price_lists("") == []


@pytest.mark.django_db(transaction=True)
def test_the_simulated_specter_lists_its_price_lists(specter):
    assert specter.price_lists() == [PriceList("3", "Återförsäljare", "SEK", "5")]


@pytest.mark.django_db(transaction=True)
def test_a_list_price_set_in_specter_is_pulled_once_and_gone_after_the_ack(specter, account):
    changes.set_list_price(account, "återförsäljare", "MUGG-01", Decimal("50.00"), from_quantity=20)
    batch = batches.pull(specter, "pricelists")
    assert [(e.article_no, e.price_list_id, e.price_ex_vat, e.from_quantity) for e in batch.entries] == [
        ("MUGG-01", "3", Decimal("50.00"), 20)
    ]
    changes.set_list_price(account, 3, "MUGG-01", Decimal("49.00"), from_quantity=20)
    assert batches.pull(specter, "pricelists").entries == batch.entries  # 99: the open batch comes back first
    batches.ack(specter, batch)
    assert [e.price_ex_vat for e in batches.pull(specter, "pricelists").entries] == [Decimal("49.00")]
