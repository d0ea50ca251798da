"""The operator's page: integration staff see every merchant's trouble grouped, act on whole groups,
and every action lands in the merchant's audit trail."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone
from django_q.models import OrmQ

from billing import audit
from syncflows.models import SyncRun, Transfer, WorkerHeartbeat
from tests.connections.factories import ConnectionFactory
from tests.syncflows.factories import TransferFactory

pytestmark = pytest.mark.django_db
PAGE = reverse("syncflows:operations")
State = Transfer.State


PARAMS = {"sku_space": {"sku": "A 1"}, "currency": {"currency": "EUR"}}


def stuck(connection, count, code="sku_space", **extra):
    return [
        TransferFactory(
            connection=connection,
            state=State.NEEDS_ATTENTION,
            reason_code=code,
            reason_params=[[code, PARAMS[code]]],
            **extra,
        )
        for _ in range(count)
    ]


def action(connection, name):
    return reverse("syncflows:operations_group", args=[connection.pk, name])


def test_only_integration_staff_see_the_page(staff_client, owner_client, anonymous_client):
    assert staff_client.get(PAGE).status_code == 200
    assert owner_client.get(PAGE).status_code == 403
    assert anonymous_client.get(PAGE).status_code == 302


def test_orders_needing_attention_are_grouped_by_reason_and_connection_across_merchants(staff_client):
    first, second = ConnectionFactory(name="Butik Ett"), ConnectionFactory(name="Butik Två")
    stuck(first, 3)
    stuck(first, 1, code="currency")
    stuck(second, 2)
    groups = {(g["connection__name"], g["reason_code"]): g["count"] for g in staff_client.get(PAGE).context["groups"]}
    assert groups == {("Butik Ett", "sku_space"): 3, ("Butik Ett", "currency"): 1, ("Butik Två", "sku_space"): 2}
    page = staff_client.get(PAGE).content.decode()
    assert "Butik Två" in page and "innehåller ett mellanslag" in page  # the reason in Swedish, the default


def test_retry_all_sends_every_order_of_the_group_again_and_is_audited(staff_client, staff_user):
    connection = ConnectionFactory()
    group, other = stuck(connection, 3), stuck(connection, 1, code="currency")
    response = staff_client.post(action(connection, "retry"), {"reason_code": "sku_space"})
    assert response.status_code == 302
    assert set(Transfer.objects.filter(pk__in=[t.pk for t in group]).values_list("state", "must_reconcile")) == {
        (State.RETRY_WAIT, True)
    }
    assert Transfer.objects.get(pk=other[0].pk).state == State.NEEDS_ATTENTION
    assert sorted(item.task["args"][0] for item in OrmQ.objects.all()) == sorted(t.pk for t in group)
    [entry] = [e for e in audit.trail(connection.merchant_id) if (e.additional_data or {}).get("action") == "retry"]
    assert entry.actor == staff_user and entry.additional_data["count"] == 3
    assert entry.changes["operator"][1] == "Skickade igen 3 ordrar (sku_space) på " + connection.name


def test_ignore_all_takes_the_group_off_the_list_and_is_audited(staff_client):
    connection = ConnectionFactory()
    stuck(connection, 2)
    staff_client.post(action(connection, "ignore"), {"reason_code": "sku_space"})
    assert set(Transfer.objects.values_list("state", "reason_code")) == {(State.SKIPPED, "ignored")}
    assert staff_client.get(PAGE).context["groups"] == []
    assert LogEntry.objects.filter(additional_data__action="ignore").count() == 1


def test_a_merchant_cannot_act_on_groups(owner_client):
    connection = ConnectionFactory()
    stuck(connection, 1)
    assert owner_client.post(action(connection, "retry"), {"reason_code": "sku_space"}).status_code == 403
    assert Transfer.objects.get().state == State.NEEDS_ATTENTION


def test_search_by_order_number_finds_the_order_whatever_the_merchant(staff_client):
    TransferFactory(order_number="100234", connection=ConnectionFactory(name="Annan butik"))
    TransferFactory(order_number="100235")
    found = staff_client.get(PAGE, {"q": "100234"}).context["found"]
    assert [t.connection.name for t in found] == ["Annan butik"]


def test_the_machinery_shows_refused_credentials_queues_heartbeats_and_failing_pulls(staff_client):
    now = timezone.now()
    refused = ConnectionFactory(name="Nekad", credentials_failed_at=now, credentials_failed_system="specter")
    OrmQ.objects.create(key="bulk", payload="x", lock=now - timedelta(seconds=30))
    WorkerHeartbeat.objects.create(host="worker-7", beat_at=now - timedelta(seconds=12))
    SyncRun.objects.create(connection=refused, kind="stock", ok=False)
    SyncRun.objects.create(connection=refused, kind="stock", ok=False)
    context = staff_client.get(PAGE).context
    assert [c.name for c in context["credentials"]] == ["Nekad"]
    assert [(q["key"], q["count"]) for q in context["queues"]] == [("bulk", 1)] and context["queues"][0]["age"] >= 29
    assert context["heartbeats"][0][0] == "worker-7"
    assert [(p["kind"], p["failed"]) for p in context["pulls"]] == [("stock", 2)]
