"""A deactivated connection sends nothing: its webhook and callback URLs answer 410 and store
nothing, its waiting orders stop with the reason in words (both languages) and stay listed, no
schedule or task calls out for it, and reactivation offers to send the stopped orders (audited)."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone, translation
from django_q.models import OrmQ

from connections.models import Connection
from simulator.models import CallLog
from simulator.starweb.demo import ensure_demo_shop, place_order
from syncflows import tasks
from syncflows.callbacks import callback_urls
from syncflows.models import InitialSync, SpecterCallback, SyncRun, Transfer, WebhookEndpoint
from tests.billing.factories import MembershipFactory
from tests.conftest import _logged_in
from tests.syncflows.factories import TransferFactory
from tests.syncflows.wiring import drain, specter_orders, wired_connection

pytestmark = pytest.mark.django_db(transaction=True)
State = Transfer.State


@pytest.fixture
def connection(live_server, settings):
    """An active connection on flow #3 and package 400 (it takes everything there is to take),
    exporting orders and products automatically, wired to the simulators."""
    settings.PUBLIC_BASE_URL = live_server.url
    connection = wired_connection(
        live_server,
        settings,
        package="400",
        flow=Connection.Flow.COMBO,
        export_product=Connection.ProductExport.CHANGED,
        status=Connection.Status.ACTIVE,
    )
    connection.refresh_from_db()
    return connection


@pytest.fixture
def owner_client(connection):
    owner = MembershipFactory(merchant=connection.merchant, role="owner").user
    return _logged_in(owner)


def _deactivate(owner_client, connection):
    owner_client.post(reverse("portal:lifecycle", args=[connection.merchant_id, connection.pk, "deactivate"]))
    connection.refresh_from_db()
    assert connection.status == Connection.Status.INACTIVE
    OrmQ.objects.all().delete()  # what deactivation itself queued is not the question here


def _webhook_url(connection):
    endpoint = WebhookEndpoint.objects.get(connection=connection)
    return reverse("syncflows:starweb_webhook", args=[endpoint.pk, endpoint.token])


def test_a_deactivated_connections_webhook_answers_410_and_stores_nothing(client, owner_client, connection):
    _deactivate(owner_client, connection)
    for body in (
        {"eventId": "order-created", "orderId": 4711},
        {"eventId": "product-updated", "productId": 5},
        "not json",
    ):
        response = client.post(_webhook_url(connection), body, content_type="application/json")
        assert response.status_code == 410
    assert not Transfer.objects.exists() and not OrmQ.objects.exists()


def test_a_shop_that_still_posts_after_deactivation_gets_nothing_into_specter(
    client, owner_client, connection, live_server
):
    from bench.demo import wire_webhooks

    _deactivate(owner_client, connection)
    wire_webhooks(connection, "demobutiken", live_server.url)  # the shop kept (or re-added) our hook
    placed = place_order(ensure_demo_shop(), seed=901)
    drain()
    assert not Transfer.objects.filter(connection=connection).exists()
    assert specter_orders(placed.order_id) == []


def test_a_deactivated_connections_callbacks_answer_410_and_store_nothing(
    client, owner_client, connection, live_server
):
    endpoint = WebhookEndpoint.objects.get(connection=connection)
    urls = callback_urls(endpoint, "")
    _deactivate(owner_client, connection)
    for url in urls.values():
        assert client.get(url.replace("$", "")).status_code == 410
        assert client.post(url.split("?")[0], {"orderId": "7"}).status_code == 410
    assert not SpecterCallback.objects.exists() and not OrmQ.objects.exists()


def test_waiting_orders_stop_with_connection_deactivated_in_words_and_stay_listed(owner_client, connection):
    waiting = {
        state: TransferFactory(connection=connection, state=state)
        for state in (State.PENDING, State.RETRY_WAIT, State.UNKNOWN_OUTCOME, State.HELD, State.SENDING)
    }
    done = TransferFactory(connection=connection, state=State.DONE)
    response = owner_client.post(
        reverse("portal:lifecycle", args=[connection.merchant_id, connection.pk, "deactivate"]),
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    assert "5 waiting orders were stopped and stay listed" in response.content.decode()
    _deactivate(owner_client, connection)
    for row in Transfer.objects.filter(pk__in=[t.pk for t in waiting.values()]):
        assert (row.state, row.reason_code) == (State.SKIPPED, "deactivated")
    assert Transfer.objects.get(pk=done.pk).state == State.DONE
    url = reverse("portal:transfers", args=[connection.merchant_id, connection.pk])
    body = owner_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert all(t.starweb_order_id in body for t in waiting.values())
    row = Transfer.objects.get(pk=waiting[State.PENDING].pk)
    with translation.override("en"):
        assert "The connection is deactivated." in row.reason_text
    with translation.override("sv"):
        assert "Kopplingen är avaktiverad." in row.reason_text
    detail = owner_client.get(
        reverse("portal:transfer", args=[connection.merchant_id, connection.pk, row.public_id]),
        HTTP_ACCEPT_LANGUAGE="sv",
    ).content.decode()
    assert "Kopplingen är avaktiverad." in detail


def test_an_order_a_worker_held_during_deactivation_is_stopped_at_its_next_run_and_never_sent(owner_client, connection):
    placed = place_order(ensure_demo_shop(), seed=902)
    drain()
    transfer = Transfer.objects.get(connection=connection)
    Transfer.objects.filter(pk=transfer.pk).update(
        state=State.PENDING, specter_order_no="", lease_until=timezone.now() + timedelta(minutes=5)
    )
    _deactivate(owner_client, connection)
    assert Transfer.objects.get(pk=transfer.pk).state == State.PENDING  # its worker's, for now
    Transfer.objects.filter(pk=transfer.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    calls = CallLog.objects.count()
    tasks.process_transfer(transfer.pk)
    row = Transfer.objects.get(pk=transfer.pk)
    assert (row.state, row.reason_code) == (State.SKIPPED, "deactivated")
    assert CallLog.objects.count() == calls and len(specter_orders(placed.order_id)) == 1


def test_no_schedule_or_task_does_anything_for_a_deactivated_connection(owner_client, connection):
    placed = place_order(ensure_demo_shop(), seed=903)
    drain()
    done = Transfer.objects.get(connection=connection, starweb_order_id=str(placed.order_id))
    sync = InitialSync.objects.create(connection=connection, direction="to_specter")
    _deactivate(owner_client, connection)
    place_order(ensure_demo_shop(), seed=904)  # the poller would find this one
    OrmQ.objects.all().delete()
    calls, runs = CallLog.objects.count(), SyncRun.objects.count()
    for schedule in (
        tasks.sweep,
        tasks.poll_all,
        tasks.pull_all_specter,
        tasks.export_changed_all,
        tasks.reconcile_stock_all,
        tasks.daily_digest,
    ):
        schedule()
    drain()
    connection_id = str(connection.pk)
    tasks.poll_connection(connection_id)
    for kind in ("orders", "stock", "articleinfo", "pricelists"):
        tasks.pull_specter(connection_id, kind)
    tasks.export_changed_products(connection_id)
    tasks.reconcile_stock(connection_id)
    tasks.export_product(connection_id, 1)
    tasks.check_changed(done.pk)
    tasks.initial_sync(str(sync.pk))
    drain()
    assert CallLog.objects.count() == calls, list(CallLog.objects.values_list("system", "operation")[calls:])
    assert SyncRun.objects.count() == runs
    assert Transfer.objects.filter(connection=connection).count() == 1
    assert InitialSync.objects.get(pk=sync.pk).state == InitialSync.State.FAILED


def _stopped_orders(owner_client, connection, seeds):
    Connection.objects.filter(pk=connection.pk).update(status=Connection.Status.PAUSED)
    placed = [place_order(ensure_demo_shop(), seed=seed) for seed in seeds]
    drain()  # paused: they wait
    _deactivate(owner_client, connection)
    assert set(Transfer.objects.values_list("state", "reason_code")) == {(State.SKIPPED, "deactivated")}
    return placed


def test_reactivation_offers_to_send_the_stopped_orders_and_sends_each_once(owner_client, connection):
    placed = _stopped_orders(owner_client, connection, (905, 906))
    dashboard = owner_client.get(
        reverse("portal:dashboard", args=[connection.merchant_id, connection.pk]), HTTP_ACCEPT_LANGUAGE="sv"
    ).content.decode()
    assert "2 ordrar stoppades när kopplingen avaktiverades." in dashboard
    check = owner_client.get(
        reverse("portal:setup", args=[connection.merchant_id, connection.pk, "check"]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert 'id="stopped-orders"' in check and "2 orders were stopped when the connection was deactivated." in check
    owner_client.post(reverse("portal:activate", args=[connection.merchant_id, connection.pk]), {"stopped": "send"})
    drain()
    assert set(Transfer.objects.values_list("state", flat=True)) == {State.DONE}
    assert all(len(specter_orders(p.order_id)) == 1 for p in placed)
    entry = LogEntry.objects.filter(object_pk=str(connection.pk), changes__has_key="stopped orders").get()
    assert entry.changes["stopped orders"] == ["2 stopped", "2 sent"] and entry.actor is not None


def test_reactivation_may_leave_the_stopped_orders_stopped(owner_client, connection):
    placed = _stopped_orders(owner_client, connection, (907,))
    owner_client.post(reverse("portal:activate", args=[connection.merchant_id, connection.pk]), {"stopped": "keep"})
    drain()
    connection.refresh_from_db()
    assert connection.status == Connection.Status.ACTIVE
    assert set(Transfer.objects.values_list("state", "reason_code")) == {(State.SKIPPED, "deactivated")}
    assert specter_orders(placed[0].order_id) == []
    entry = LogEntry.objects.filter(object_pk=str(connection.pk), changes__has_key="stopped orders").get()
    assert entry.changes["stopped orders"] == ["1 stopped", "left stopped"]


def test_export_and_retry_send_nothing_while_deactivated(owner_client, connection):
    _stopped_orders(owner_client, connection, (908,))
    args = [connection.merchant_id, connection.pk]
    owner_client.post(reverse("portal:export", args=args), {"order": Transfer.objects.get().starweb_order_id})
    owner_client.post(reverse("portal:retry", args=args), {"transfer": [str(Transfer.objects.get().public_id)]})
    drain()
    assert Transfer.objects.get().state == State.SKIPPED
    assert not specter_orders(Transfer.objects.get().starweb_order_id)
