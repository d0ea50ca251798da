"""The operator's page past its first hundred groups and fifty search results: further pages, the
biggest groups first, the search kept, counts in the reader's notation."""

import pytest
from django.urls import reverse

from tests.billing.factories import MerchantFactory
from tests.connections.factories import ConnectionFactory
from tests.syncflows.factories import TransferFactory
from tests.syncflows.test_operator import stuck

pytestmark = pytest.mark.django_db
PAGE = reverse("syncflows:operations")


def test_groups_beyond_the_first_hundred_are_on_the_next_page_biggest_first(staff_client):
    merchant = MerchantFactory()
    connections = [ConnectionFactory(merchant=merchant, name=f"Butik {n:03}") for n in range(101)]
    for connection in connections[1:]:
        stuck(connection, 1)
    stuck(connections[0], 3)
    first = staff_client.get(PAGE)
    assert len(first.context["groups"]) == 100 and first.context["groups"][0]["connection__name"] == "Butik 000"
    body = first.content.decode()
    assert "Sida 1 av 2 (101 totalt)" in body and 'href="?page=2"' in body and "data-count>3<" in body
    second = staff_client.get(PAGE, {"page": 2}).context["groups"]
    assert len(second) == 1
    seen = {g["connection_id"] for g in first.context["groups"]} | {g["connection_id"] for g in second}
    assert seen == {c.pk for c in connections}  # every group on one page or the other, none twice
    assert len(staff_client.get(PAGE, {"page": "999"}).context["groups"]) == 1  # past the end: the last page
    assert len(staff_client.get(PAGE, {"page": "x"}).context["groups"]) == 100


def test_search_results_beyond_fifty_are_on_further_pages_and_the_search_is_kept(staff_client):
    merchant = MerchantFactory()
    for n in range(51):
        TransferFactory(connection=ConnectionFactory(merchant=merchant), starweb_order_id=f"s{n}", order_number="777")
    first = staff_client.get(PAGE, {"q": "777"}, HTTP_ACCEPT_LANGUAGE="en")
    assert len(first.context["found"]) == 50
    body = first.content.decode()
    assert "Page 1 of 2 (51 in all)" in body and 'href="?q=777&amp;found=2"' in body
    rest = staff_client.get(PAGE, {"q": "777", "found": 2}).context["found"]
    assert len(rest) == 1 and rest[0].pk not in {t.pk for t in first.context["found"]}


def test_a_group_action_reads_in_the_merchants_trail_in_each_readers_language(staff_client):
    from django.utils import translation

    from billing import audit
    from billing.audit_text import lines
    from tests.syncflows.test_operator import action

    connection = ConnectionFactory(name="Butik Ett")
    stuck(connection, 2)
    staff_client.post(action(connection, "retry"), {"reason_code": "sku_space"})
    staff_client.post(action(connection, "ignore"), {"reason_code": "sku_space"})
    entries = {
        e.additional_data["action"]: e
        for e in audit.trail(connection.merchant_id)
        if "action" in (e.additional_data or {})
    }
    with translation.override("en"):
        assert lines(entries["retry"]) == ["Sent 2 orders again (sku_space) on Butik Ett"]
        assert lines(entries["ignore"]) == ["Ignored 0 orders (sku_space) on Butik Ett"]
    with translation.override("sv"):
        assert lines(entries["retry"]) == ["Skickade igen 2 ordrar (sku_space) på Butik Ett"]
