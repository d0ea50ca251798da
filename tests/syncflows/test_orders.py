"""Orders from the simulated shop to the simulated Specter over real HTTP, through the webhook
receiver, the queue and the engine: once, with the right rows, written back, counted once."""

from decimal import Decimal

import pytest
from django.core import mail
from django.utils import translation

from billing.models import MonthlyUsage, OrderUsage
from simulator.starweb.demo import ensure_demo_shop, place_order
from simulator.starweb.models import Order as StarwebOrder
from syncflows.models import Transfer
from syncflows.orders import intake
from tests.syncflows.wiring import drain, specter_orders, wired_connection

pytestmark = pytest.mark.django_db(transaction=True)
State = Transfer.State


@pytest.fixture
def connection(live_server, settings):
    return wired_connection(live_server, settings)


def test_an_order_placed_in_the_shop_reaches_specter_once_with_its_number_written_back(connection):
    placed = place_order(ensure_demo_shop(), seed=11)
    drain()
    transfer = Transfer.objects.get(connection=connection, starweb_order_id=str(placed.order_id))
    assert transfer.state == State.DONE, transfer.reason
    [specter] = specter_orders(placed.order_id)
    assert specter.total == Decimal(str(placed.data["amountToPay"]))
    assert transfer.specter_order_no == specter.order_no
    shop_order = StarwebOrder.objects.get(pk=placed.pk)
    assert (shop_order.data["externalId"], shop_order.data["externalIdType"]) == (specter.order_no, "Specter")
    assert shop_order.data["statusId"] == 2  # status on transfer, package 200
    # The connection's first order: its article numbers are looked up in Specter's register first.
    assert [a.phase for a in transfer.timeline.all()] == [
        "fetch",
        "articles",
        "customer",
        "order",
        "write_back",
        "status",
    ]
    assert OrderUsage.objects.filter(connection_id=connection.pk).count() == 1
    assert MonthlyUsage.objects.get(merchant=connection.merchant).orders == 1


def test_a_package_without_order_status_writes_the_number_back_but_leaves_the_status(live_server, settings):
    connection = wired_connection(live_server, settings, package="100")
    placed = place_order(ensure_demo_shop(), seed=12)
    drain()
    shop_order = StarwebOrder.objects.get(pk=placed.pk)
    assert shop_order.data.get("externalId") and shop_order.data["statusId"] != 2
    assert Transfer.objects.get(connection=connection).state == State.DONE


def test_the_same_order_announced_by_webhook_poller_and_export_is_sent_once(connection):
    placed = place_order(ensure_demo_shop(), seed=13)
    intake.announce(connection.pk, placed.order_id, source=Transfer.Source.WEBHOOK)
    intake.poll(connection)
    drain()
    intake.export_manually(connection, placed.order_id)
    drain()
    assert len(specter_orders(placed.order_id)) == 1
    assert Transfer.objects.filter(connection=connection).count() == 1
    assert OrderUsage.objects.filter(connection_id=connection.pk).count() == 1


def test_the_poller_catches_an_order_whose_webhook_never_came(live_server, settings):
    connection = wired_connection(live_server, settings, webhooks=False)
    placed = place_order(ensure_demo_shop(), seed=14)
    assert not Transfer.objects.exists()
    assert intake.poll(connection) == 1
    drain()
    assert Transfer.objects.get(connection=connection).state == State.DONE
    assert len(specter_orders(placed.order_id)) == 1


def test_an_unmapped_delivery_method_needs_attention_with_how_to_fix_it_and_others_keep_flowing(live_server, settings):
    connection = wired_connection(live_server, settings, delivery_methods={"1": "PN", "3": "BUTIK"})
    shop = ensure_demo_shop()
    bad = place_order(shop, seed=15, shipping_id=2)
    good = place_order(shop, seed=16, shipping_id=1)
    drain()
    stuck = Transfer.objects.get(starweb_order_id=str(bad.order_id))
    assert stuck.state == State.NEEDS_ATTENTION and stuck.reason_code == "delivery_unmapped"
    with translation.override("en"):
        assert "DHL Service Point" in stuck.reason_text and "Settings" in stuck.reason_text
    assert "DHL Service Point" in stuck.reason and "Inställningar" in stuck.reason  # as mailed, in Swedish
    assert specter_orders(bad.order_id) == []
    assert Transfer.objects.get(starweb_order_id=str(good.order_id)).state == State.DONE
    assert len(mail.outbox) == 1 and connection.merchant.memberships.first().user.email in mail.outbox[0].to


def test_an_order_needing_attention_is_mailed_once_a_day_per_cause(live_server, settings):
    wired_connection(live_server, settings, delivery_methods={})
    shop = ensure_demo_shop()
    for seed in (17, 18, 19):
        place_order(shop, seed=seed)
    drain()
    assert Transfer.objects.filter(state=State.NEEDS_ATTENTION).count() == 3
    assert len(mail.outbox) == 1


def test_the_merchant_fixes_the_mapping_and_retries_and_the_order_goes_once(live_server, settings):
    connection = wired_connection(live_server, settings, delivery_methods={})
    placed = place_order(ensure_demo_shop(), seed=20)
    drain()
    connection.delivery_methods = {"1": "PN", "2": "DHL", "3": "BUTIK"}
    connection.save()
    intake.export_manually(connection, placed.order_id)
    drain()
    assert Transfer.objects.get(connection=connection).state == State.DONE
    assert len(specter_orders(placed.order_id)) == 1


def test_with_manual_export_an_order_waits_for_the_export_button(live_server, settings):
    connection = wired_connection(live_server, settings, export_order="manual")
    placed = place_order(ensure_demo_shop(), seed=21)
    drain()
    transfer = Transfer.objects.get(connection=connection)
    assert transfer.state == State.SKIPPED and specter_orders(placed.order_id) == []
    intake.export_manually(connection, placed.order_id)
    drain()
    assert Transfer.objects.get(pk=transfer.pk).state == State.DONE


def test_an_order_in_a_status_that_does_not_trigger_goes_when_it_gets_one(live_server, settings):
    connection = wired_connection(live_server, settings, trigger_status_ids=[7])
    placed = place_order(ensure_demo_shop(), seed=22)
    drain()
    assert Transfer.objects.get(connection=connection).state == State.SKIPPED
    from simulator.starweb import webhooks

    placed.data["statusId"] = 7
    placed.save()
    webhooks.deliver(webhooks_for(placed, "order-status-changed"))
    drain()
    assert Transfer.objects.get(connection=connection).state == State.DONE


def webhooks_for(order, event):
    from simulator.starweb import webhooks
    from simulator.starweb.models import Delivery

    webhooks.order_event(order.shop, order, event)
    return list(Delivery.objects.filter(delivered=False).values_list("pk", flat=True))


def test_a_hard_capped_subscription_holds_orders_over_the_quota_and_releases_them_on_upgrade(live_server, settings):
    connection = wired_connection(live_server, settings, package="100")
    subscription = connection.merchant.subscriptions.get()
    subscription.hold_over_quota = True
    subscription.save()
    from django.utils import timezone

    from billing.periods import month_of

    MonthlyUsage.objects.create(merchant=connection.merchant, month=month_of(timezone.now()), orders=100)
    placed = place_order(ensure_demo_shop(), seed=23)
    drain()
    transfer = Transfer.objects.get(connection=connection)
    assert transfer.state == State.HELD and transfer.reason_code == "quota" and specter_orders(placed.order_id) == []
    assert intake.release_held() == 0  # still no room
    subscription.package = subscription.package.__class__.objects.get(code="200")
    subscription.save()
    assert intake.release_held() == 1
    drain()
    assert Transfer.objects.get(pk=transfer.pk).state == State.DONE


def test_without_a_hard_cap_an_order_over_the_quota_transfers_and_counts_as_overage(live_server, settings):
    connection = wired_connection(live_server, settings, package="100")
    from django.utils import timezone

    from billing.periods import month_of

    MonthlyUsage.objects.create(merchant=connection.merchant, month=month_of(timezone.now()), orders=100)
    place_order(ensure_demo_shop(), seed=24)
    drain()
    assert Transfer.objects.get(connection=connection).state == State.DONE
    assert OrderUsage.objects.get(connection_id=connection.pk).overage is True


def test_refused_specter_credentials_keep_the_order_waiting_flag_the_connection_and_mail_once(live_server, settings):
    connection = wired_connection(live_server, settings, specter_md5key="not-the-key")
    shop = ensure_demo_shop()
    place_order(shop, seed=25)
    place_order(shop, seed=26)
    drain()
    assert set(Transfer.objects.values_list("state", flat=True)) == {State.RETRY_WAIT}
    assert Transfer.objects.filter(reason_code="credentials").count() == 2
    connection.refresh_from_db()
    assert connection.credentials_failed_at is not None and connection.credentials_failed_system == "specter"
    assert len(mail.outbox) == 1 and "Specter" in mail.outbox[0].subject
    assert "not-the-key" not in mail.outbox[0].body


def test_an_invoice_connection_turns_the_order_into_an_invoice_in_specter(live_server, settings):
    connection = wired_connection(live_server, settings, document_type="invoice")
    placed = place_order(ensure_demo_shop(), seed=27)
    drain()
    transfer = Transfer.objects.get(connection=connection)
    [specter] = specter_orders(placed.order_id)
    assert transfer.state == State.DONE and transfer.specter_invoice_no == specter.invoice_no != ""


def test_the_daily_digest_groups_waiting_orders_by_reason(live_server, settings):
    wired_connection(live_server, settings, delivery_methods={})
    shop = ensure_demo_shop()
    place_order(shop, seed=28)
    place_order(shop, seed=29)
    drain()
    mail.outbox.clear()
    from syncflows import alerts

    assert alerts.daily_digest() == 1
    assert "2" in mail.outbox[0].subject and ": 2" in mail.outbox[0].body
    assert alerts.daily_digest() == 0  # not again within the day


def test_the_engine_moves_an_order_in_at_most_ten_database_statements(live_server, settings):
    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext

    from bench.management.commands.bench_orders import statements
    from syncflows.orders import engine

    connection = wired_connection(live_server, settings, webhooks=False)
    orders = [place_order(ensure_demo_shop(), seed=90 + n) for n in range(7)]
    transfers = [
        Transfer.objects.create(connection=connection, starweb_order_id=str(o.order_id), source="manual")
        for o in orders
    ]
    engine.run(transfers[0].pk)  # the first fetches the token and reserves requests
    with CaptureQueriesContext(db) as captured:
        assert [engine.run(t.pk) for t in transfers[1:]] == [State.DONE] * 6
    # On in-memory SQLite the live server's threads share this connection: leave the simulator's out.
    ours = [q for q in captured.captured_queries if '"sim_' not in q["sql"] and '"simulator_' not in q["sql"]]
    assert statements(ours) / 6 <= 10, "\n".join(q["sql"][:120] for q in ours)


def test_a_poll_that_cannot_reach_the_shop_is_logged_in_one_line_and_loses_nothing(live_server, settings, caplog):
    from syncflows import tasks

    connection = wired_connection(live_server, settings, webhooks=False, starweb_base_url="http://127.0.0.1:9/api/v2")
    assert tasks.poll_connection(str(connection.pk)) == 0
    assert "poll of connection" in caplog.text and "demo-client-secret" not in caplog.text
