"""Every order readable and every failure fixable: the order as Specter got it, its timeline in the
reader's language, a link to the setting that fixes it, "ignore this order", Export that checks the
shop first, states in words; and the audit trail that records it all in words."""

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse

from billing.audit_text import lines
from billing.models import OrderUsage
from connections.models import Connection
from simulator.starweb.demo import ensure_demo_shop, place_order
from syncflows.models import Transfer, TransferAttempt
from tests.syncflows.factories import TransferFactory
from tests.syncflows.wiring import drain, wired_connection

State = Transfer.State


def owner_of(connection, language=None) -> Client:
    user = connection.merchant.memberships.get().user
    client = Client(HTTP_ACCEPT_LANGUAGE=language) if language else Client()
    client.force_login(user)
    return client


def order_page(client, transfer) -> str:
    c = transfer.connection
    return client.get(reverse("portal:transfer", args=[c.merchant_id, c.pk, transfer.public_id])).content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_transferred_order_shows_what_specter_got_and_its_timeline_in_swedish(live_server, settings):
    connection = wired_connection(live_server, settings)
    placed = place_order(ensure_demo_shop(), seed=51)
    drain()
    transfer = Transfer.objects.get(connection=connection, starweb_order_id=str(placed.order_id))
    assert transfer.state == State.DONE and transfer.sent_snapshot["rows"]
    body = order_page(owner_of(connection), transfer)
    sent = body[body.index('id="sent"') :]
    assert transfer.sent_snapshot["customer"]["emailAddress"] in sent
    assert transfer.sent_snapshot["delivery_address"][0] in sent
    assert "kr" in sent[sent.index('id="sent-total"') :][:80]  # money in Swedish: 1 234,50 kr
    timeline = body[body.index('id="timeline"') :]
    assert "Läst från Starweb" in timeline and "Specters ordernummer till butiken" in timeline
    for english in ("fetch", "write_back", ">customer ", "external order number"):
        assert english not in timeline
    assert "/admin/orders/" in body[body.index('id="starweb-link"') - 200 :][:400]


@pytest.mark.django_db
def test_a_server_error_on_the_timeline_reads_in_the_readers_language(owner_client, merchant):
    from tests.connections.factories import ConnectionFactory

    transfer = TransferFactory(
        connection=ConnectionFactory(merchant=merchant),
        state=State.RETRY_WAIT,
        reason_code="temporary",
        reason_params=[["server", {"system": "Specter", "status": 503}]],
    )
    TransferAttempt.objects.create(
        transfer=transfer,
        phase="order",
        outcome=TransferAttempt.Outcome.RETRYABLE,
        http_status=503,
        started_at=transfer.created_at,
        summary="specter: server error 503",
        detail_code="server",
        detail_params={"system": "Specter", "status": 503},
    )
    swedish = order_page(owner_client, transfer)
    assert "Specter svarade med ett serverfel (HTTP 503)" in swedish and "server error" not in swedish
    owner_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = order_page(owner_client, transfer)
    assert "Specter answered with a server error (HTTP 503)" in english and "Order to Specter" in english


@pytest.mark.django_db
def test_a_paused_order_says_paused_not_retrying(owner_client, merchant):
    from tests.connections.factories import ConnectionFactory

    transfer = TransferFactory(
        connection=ConnectionFactory(merchant=merchant),
        state=State.RETRY_WAIT,
        reason_code="paused",
        reason_params=[["paused", {}]],
    )
    body = order_page(owner_client, transfer)
    state = body[body.index('id="transfer-state"') :][:120]
    assert "Pausad" in state and "Försöker igen" not in state


@pytest.mark.django_db
def test_an_unmapped_delivery_method_links_to_the_setting_that_fixes_it(owner_client, merchant):
    from tests.connections.factories import ConnectionFactory

    connection = ConnectionFactory(merchant=merchant, status=Connection.Status.ACTIVE)
    transfer = TransferFactory(
        connection=connection,
        state=State.NEEDS_ATTENTION,
        reason_code="delivery_unmapped",
        reason_params=[["delivery_unmapped", {"name": "DHL"}]],
    )
    settings_url = reverse("portal:settings", args=[merchant.pk, connection.pk]) + "#methods"
    assert f'href="{settings_url}"' in order_page(owner_client, transfer)
    dashboard = owner_client.get(reverse("portal:dashboard", args=[merchant.pk, connection.pk])).content.decode()
    assert f'href="{settings_url}"' in dashboard[dashboard.index('id="attention"') :]


@pytest.mark.django_db
def test_an_ignored_order_is_audited_listed_as_ignored_and_never_sent_or_counted(owner_client, merchant, owner):
    from tests.connections.factories import ConnectionFactory

    connection = ConnectionFactory(merchant=merchant, status=Connection.Status.ACTIVE)
    transfer = TransferFactory(
        connection=connection, state=State.NEEDS_ATTENTION, reason_code="order_gone", reason_params=[["order_gone", {}]]
    )
    url = reverse("portal:ignore", args=[merchant.pk, connection.pk, transfer.public_id])
    owner_client.post(url, {"reason": ""})
    transfer.refresh_from_db()
    assert transfer.state == State.NEEDS_ATTENTION  # a reason is required
    owner_client.post(url, {"reason": "Testorder, raderad i butiken"})
    transfer.refresh_from_db()
    assert transfer.state == State.IGNORED and transfer.ignored_reason == "Testorder, raderad i butiken"
    listing = owner_client.get(reverse("portal:transfers", args=[merchant.pk, connection.pk])).content.decode()
    assert "Ignorerad" in listing and "Testorder, raderad i butiken" in listing
    entry = LogEntry.objects.filter(object_pk=str(connection.pk), additional_data__event="ignore").get()
    assert entry.actor == owner and lines(entry) == [
        f"Ignorerade order {transfer.order_number}: Testorder, raderad i butiken"
    ]
    from syncflows import ledger

    assert ledger.claim(transfer.pk) is None and transfer.pk not in ledger.due()
    assert not OrderUsage.objects.exists()
    dashboard = owner_client.get(reverse("portal:dashboard", args=[merchant.pk, connection.pk])).content.decode()
    assert "Inget. Varje order" in dashboard  # no longer in the attention list


@pytest.mark.django_db
def test_an_order_already_in_specter_cannot_be_ignored(owner_client, merchant):
    from tests.connections.factories import ConnectionFactory

    connection = ConnectionFactory(merchant=merchant)
    transfer = TransferFactory(connection=connection, state=State.DONE, specter_order_no="5001")
    owner_client.post(
        reverse("portal:ignore", args=[merchant.pk, connection.pk, transfer.public_id]), {"reason": "oops"}
    )
    transfer.refresh_from_db()
    assert transfer.state == State.DONE


@pytest.mark.django_db(transaction=True)
def test_export_of_an_order_the_shop_does_not_have_stores_nothing_and_says_so(live_server, settings):
    connection = wired_connection(live_server, settings)
    client = owner_of(connection)
    response = client.post(
        reverse("portal:export", args=[connection.merchant_id, connection.pk]), {"order": "987654"}, follow=True
    )
    assert "Butiken har ingen order 987654" in response.content.decode()
    assert not Transfer.objects.filter(connection=connection).exists()
    placed = place_order(ensure_demo_shop(), seed=52)
    Transfer.objects.filter(connection=connection).delete()  # the webhook's row: Export makes its own
    client.post(reverse("portal:export", args=[connection.merchant_id, connection.pk]), {"order": str(placed.order_id)})
    assert Transfer.objects.filter(
        connection=connection, starweb_order_id=str(placed.order_id), source="manual"
    ).exists()
    entry = LogEntry.objects.filter(object_pk=str(connection.pk), additional_data__event="export").get()
    assert lines(entry) == [f"Exporterade order {placed.order_id} för hand"]


@pytest.mark.django_db
def test_the_last_error_goes_once_its_order_went_through(owner_client, merchant):
    from tests.connections.factories import ConnectionFactory

    connection = ConnectionFactory(merchant=merchant, status=Connection.Status.ACTIVE)
    transfer = TransferFactory(connection=connection, state=State.RETRY_WAIT)
    TransferAttempt.objects.create(
        transfer=transfer,
        phase="order",
        outcome=TransferAttempt.Outcome.RETRYABLE,
        started_at=transfer.created_at,
        summary="specter: server error 503",
        detail_code="server",
        detail_params={"system": "Specter", "status": 503},
    )
    url = reverse("portal:dashboard", args=[merchant.pk, connection.pk])

    def last_error():
        body = owner_client.get(url).content.decode()
        return body[body.index('id="health"') :][:1500].split("</dl>")[0]

    assert "HTTP 503" in last_error()
    Transfer.objects.filter(pk=transfer.pk).update(state=State.DONE, specter_order_no="5002")
    assert "HTTP 503" not in last_error()


@pytest.mark.django_db
def test_pause_resume_retry_are_recorded_with_who_in_words(owner_client, merchant, owner, monkeypatch):
    from portal import activation
    from tests.connections.factories import ConnectionFactory

    connection = ConnectionFactory(merchant=merchant, status=Connection.Status.ACTIVE)
    monkeypatch.setattr(
        activation, "pause", lambda c: Connection.objects.filter(pk=c.pk).update(status=Connection.Status.PAUSED)
    )
    monkeypatch.setattr(
        activation, "resume", lambda c: Connection.objects.filter(pk=c.pk).update(status=Connection.Status.ACTIVE)
    )
    args = [merchant.pk, connection.pk]
    owner_client.post(reverse("portal:lifecycle", args=[*args, "pause"]))
    owner_client.post(reverse("portal:lifecycle", args=[*args, "resume"]))
    transfer = TransferFactory(connection=connection, state=State.NEEDS_ATTENTION)
    owner_client.post(reverse("portal:retry", args=args), {"transfer": str(transfer.public_id)})
    trail = owner_client.get(reverse("portal:settings", args=args)).content.decode()
    trail = trail[trail.index('id="audit"') :]
    for words in ("Pausade kopplingen", "Återupptog kopplingen", f"Försökte igen med order {transfer.order_number}"):
        assert words in trail
    assert trail.count(owner.get_username()) >= 3
