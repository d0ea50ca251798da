"""Flows as data (billing/flows.py) and the one question every asker puts (connections/flows.py):
may this connection do X on a day? The answer follows the subscription in force that day."""

from datetime import date, timedelta

import pytest
from django.utils import timezone, translation

from billing.flows import FLOWS, Capability, Direction, merchant_may
from billing.periods import add_months
from billing.subscriptions import Plan, change_package
from connections.flows import Permits, may, may_add_shop
from connections.models import Connection
from portal import forms
from syncflows.from_specter import pull
from tests.billing.factories import MerchantFactory, SubscriptionFactory, package
from tests.connections.factories import ConnectionFactory

pytestmark = pytest.mark.django_db

# domain.md "Flows" and "Packages", verbatim (the tables the code must follow).
DOMAIN_FLOWS = """
| | #1 Ecom: Starweb rules | #2 ERP: Specter rules | #3 Combo (package 400) |
|---|---|---|---|
| Order incl. customer | Starweb → Specter | Starweb → Specter | Starweb → Specter |
| Order status | – | Specter → Starweb (optional) | Specter → Starweb (optional) |
| Product (with variants) | Starweb → Specter | Specter → Starweb | Starweb → Specter |
| Price | – | Specter → Starweb | Specter → Starweb |
| Price lists (package 400) | – | Specter → Starweb | Specter → Starweb |
| Stock (and stock status) | – | Specter → Starweb | Specter → Starweb |
"""
DOMAIN_PACKAGES = """
| | 100 | 200 | 400 | 800 | Premium |
|---|---|---|---|---|---|
| Order info, customer info, product info | ✓ | ✓ | ✓ | ✓ | ✓ |
| Order status, stock | – | ✓ | ✓ | ✓ | ✓ |
| Price structures / price lists, multishop | – | – | ✓ | ✓ | ✓ |
"""
ROWS = {
    "Order incl. customer": Capability.ORDERS,
    "Order status": Capability.ORDER_STATUS,
    "Product (with variants)": Capability.PRODUCTS,
    "Price": Capability.PRICES,
    "Price lists (package 400)": Capability.PRICE_LISTS,
    "Stock (and stock status)": Capability.STOCK,
}
# A price is product info (every package), as the pulls have always had it; price lists are the
# "price structures" of package 400.
PACKAGE_ROWS = {
    "Order info, customer info, product info": (Capability.ORDERS, Capability.PRODUCTS, Capability.PRICES),
    "Order status, stock": (Capability.ORDER_STATUS, Capability.STOCK),
    "Price structures / price lists, multishop": (Capability.PRICE_LISTS, Capability.MULTISHOP),
}
DAY = date(2026, 11, 15)


def table(text):
    lines = [line.strip().strip("|").split("|") for line in text.strip().splitlines()]
    header, rows = [c.strip() for c in lines[0]], [[c.strip() for c in line] for line in lines[2:]]
    return header, rows


def test_the_flow_table_matches_domain_md_cell_by_cell():
    header, rows = table(DOMAIN_FLOWS)
    with translation.override("en"):
        names = [str(FLOWS[n].name) for n in (1, 2, 3)]
    assert names == [h.replace(" (package 400)", "") for h in header[1:]]
    assert [row[0] for row in rows] == list(ROWS)
    for row in rows:
        capability = ROWS[row[0]]
        for number, cell in zip((1, 2, 3), row[1:], strict=True):
            part = FLOWS[number].part(capability)
            assert (part.cell if part else "–") == cell, (row[0], number)
    assert {p.capability for spec in FLOWS.values() for p in spec.parts} <= set(ROWS.values())


@pytest.mark.parametrize("code", ["100", "200", "400", "800", "premium"])
def test_each_package_unlocks_the_parts_domain_md_gives_it_and_combo_and_price_lists_come_with_400(code):
    header, rows = table(DOMAIN_PACKAGES)
    column = [h.lower() for h in header].index(code)
    merchant = SubscriptionFactory(
        package=package(code), start_date=DAY, quoted_monthly_price=1, quoted_orders_per_month=1
    ).merchant
    for row in rows:
        for capability in PACKAGE_ROWS[row[0]]:
            assert bool(merchant_may(merchant, capability, on=DAY)) == (row[column] == "✓"), (row[0], capability)
    combo = ConnectionFactory(merchant=merchant, flow=Connection.Flow.COMBO)
    assert bool(Permits(combo, DAY).flow()) == (code not in ("100", "200"))


@pytest.fixture
def downgraded():
    """Two active webshops on flow #2 with package 400 from this month, and a downgrade to 200
    planned from a month after the binding period."""
    month = timezone.localdate().replace(day=1)
    merchant = MerchantFactory()
    SubscriptionFactory(merchant=merchant, package=package("400"), start_date=month)
    first = ConnectionFactory(merchant=merchant, flow=Connection.Flow.ERP, status=Connection.Status.ACTIVE)
    second = ConnectionFactory(
        merchant=merchant,
        flow=Connection.Flow.ERP,
        status=Connection.Status.ACTIVE,
        specter_smb_id=first.specter_smb_id,
    )
    from_date = add_months(month, 4)
    change_package(merchant, Plan(package=package("200"), from_date=from_date))
    return first, second, from_date


def test_a_downgrade_from_400_to_200_stops_price_lists_and_multishop_from_its_date_and_not_before(downgraded):
    first, second, from_date = downgraded
    before = from_date - timedelta(days=1)
    assert may(first, Capability.PRICE_LISTS, on=before) and may(second, Capability.MULTISHOP, on=before)
    assert may(second, Capability.STOCK, on=before)
    assert not may(first, Capability.PRICE_LISTS, on=from_date)
    assert not may(second, Capability.MULTISHOP, on=from_date) and not may(second, Capability.STOCK, on=from_date)
    # What 200 keeps stays, for the merchant's first webshop.
    assert may(first, Capability.STOCK, on=from_date) and may(first, Capability.ORDER_STATUS, on=from_date)


def test_after_a_planned_downgrade_the_forms_ask_and_get_no_from_its_date_without_any_other_call(
    downgraded, monkeypatch
):
    first, second, from_date = downgraded

    def forms_on(day):
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)
        flow = forms.FlowForm(instance=first, permits=Permits(first))
        rules = forms.StatusRulesForm(connection=second, statuses=[], locations=[], permits=Permits(second))
        return {o["value"]: o["allowed"] for o in flow.options}[3], rules.fields["stock_location_id"].disabled

    assert forms_on(from_date - timedelta(days=1)) == (True, False)
    assert forms_on(from_date) == (False, True)


def test_after_a_planned_downgrade_the_pulls_and_their_schedule_ask_and_get_no_from_its_date_without_any_other_call(
    downgraded, monkeypatch
):
    first, second, from_date = downgraded

    def taking(day, kind):
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)
        return {c.pk for c in pull.connections_taking(kind)}

    before = from_date - timedelta(days=1)
    assert taking(before, "pricelists") == {first.pk, second.pk} and taking(from_date, "pricelists") == set()
    assert taking(before, "stock") == {first.pk, second.pk} and taking(from_date, "stock") == {first.pk}
    assert not pull.allowed(second, "orders") and pull.allowed(first, "orders")
    assert pull.pull(second, "stock") is None  # refused before Specter is asked


def test_a_new_webshop_needs_room_in_the_package_in_force(downgraded):
    first, second, from_date = downgraded
    assert not may_add_shop(first.merchant, on=from_date)
    Connection.objects.filter(pk=second.pk).update(status=Connection.Status.INACTIVE)
    assert not may_add_shop(first.merchant, on=from_date)  # 200 has room for one webshop, the first
    Connection.objects.filter(pk=first.pk).update(status=Connection.Status.INACTIVE)
    assert may_add_shop(first.merchant, on=from_date)


def test_a_flow_part_whose_package_is_missing_is_refused_with_the_reason_in_swedish_and_english():
    connection = ConnectionFactory(flow=Connection.Flow.ERP)
    SubscriptionFactory(merchant=connection.merchant, package=package("100"), start_date=DAY)
    answer = may(connection, Capability.STOCK, on=DAY)
    assert not answer
    with translation.override("en"):
        assert (
            str(answer.reason)
            == "The package in force on 15 Nov 2026 does not include stock: that comes with Paket 200 and up."
        )
    with translation.override("sv"):
        assert str(answer.reason) == "Paketet som gäller 2026-11-15 omfattar inte lager: det ingår från Paket 200."


def test_a_part_the_flow_does_not_move_is_refused_in_words_whatever_the_package():
    connection = ConnectionFactory(flow=Connection.Flow.ECOM)
    SubscriptionFactory(merchant=connection.merchant, package=package("800"), start_date=DAY)
    answer = may(connection, Capability.PRICE_LISTS, on=DAY)
    assert not answer
    with translation.override("en"):
        assert str(answer.reason) == "Flow #1 Ecom: Starweb rules does not move price lists."
    with translation.override("sv"):
        assert str(answer.reason) == "Flöde #1 Ecom: Starweb styr flyttar inte prislistor."
    assert may(connection, Capability.PRODUCTS, on=DAY, direction=Direction.TO_SPECTER)
    assert not may(connection, Capability.PRODUCTS, on=DAY, direction=Direction.TO_STARWEB)


def test_a_combo_flow_on_package_200_is_refused_with_the_package_that_has_it():
    connection = ConnectionFactory(flow=Connection.Flow.COMBO)
    SubscriptionFactory(merchant=connection.merchant, package=package("200"), start_date=DAY)
    answer = may(connection, Capability.ORDERS, on=DAY)
    assert not answer
    with translation.override("en"):
        assert (
            str(answer.reason)
            == "The package in force on 15 Nov 2026 does not include flow #3 Combo: it comes with Paket 400 and up."
        )
