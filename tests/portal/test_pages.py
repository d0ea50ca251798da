"""The connection's pages: tenants apart, secrets never on a page, orders watched and fixed,
settings changed with an audit trail, pause / resume / deactivate without losing an order."""

import pytest
from django.urls import reverse
from django.utils import timezone

from connections.models import Connection
from simulator.starweb.demo import ensure_demo_shop, place_order
from simulator.starweb.models import WebHook
from syncflows.models import Transfer
from tests.syncflows.factories import TransferFactory
from tests.syncflows.wiring import drain, specter_orders, wired_connection

State = Transfer.State


@pytest.fixture
def connection(merchant):
    from tests.connections.factories import ConnectionFactory

    return ConnectionFactory(
        merchant=merchant,
        status=Connection.Status.ACTIVE,
        flow=1,
        starweb_client_secret="sw-secret-value-123",
        specter_md5key="md5-secret-value-456",
    )


def pages(connection):
    transfer = TransferFactory(
        connection=connection, state=State.NEEDS_ATTENTION, reason="The delivery method is not mapped."
    )
    args = [connection.merchant_id, connection.pk]
    return [
        reverse("portal:dashboard", args=args),
        reverse("portal:transfers", args=args),
        reverse("portal:transfer", args=[*args, transfer.public_id]),
        reverse("portal:settings", args=args),
    ]


@pytest.mark.django_db
def test_the_owner_sees_every_page_and_no_page_shows_a_secret(owner_client, connection, settings):
    settings.SPECTER_API_URL = "http://127.0.0.1:9/"  # the shop cannot be read: the page says so and still works
    for url in pages(connection):
        response = owner_client.get(url)
        body = response.content.decode()
        assert response.status_code == 200, url
        assert "sw-secret-value-123" not in body and "md5-secret-value-456" not in body, url


@pytest.mark.django_db
def test_another_merchant_gets_404_and_anonymous_is_sent_to_log_in(other_owner_client, anonymous_client, connection):
    for url in pages(connection):
        assert other_owner_client.get(url).status_code == 404, url
        response = anonymous_client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    args = [connection.merchant_id, connection.pk]
    for name in ("pause", "deactivate"):
        assert other_owner_client.post(reverse("portal:lifecycle", args=[*args, name])).status_code == 404
    assert other_owner_client.post(reverse("portal:retry", args=args), {"transfer": []}).status_code == 404


@pytest.mark.django_db
def test_the_orders_list_filters_by_state_and_order_number(owner_client, connection):
    TransferFactory(connection=connection, starweb_order_id="5001", state=State.DONE)
    TransferFactory(connection=connection, starweb_order_id="5002", state=State.NEEDS_ATTENTION)
    url = reverse("portal:transfers", args=[connection.merchant_id, connection.pk])
    body = owner_client.get(url, {"state": "needs_attention"}).content.decode()
    assert ">5002<" in body and ">5001<" not in body
    body = owner_client.get(url, {"order": "5001"}).content.decode()
    assert ">5001<" in body and ">5002<" not in body


@pytest.mark.django_db
def test_retrying_many_sends_each_back_to_reconcile_and_leaves_done_ones_alone(owner_client, connection):
    stuck = [TransferFactory(connection=connection, state=State.NEEDS_ATTENTION, reason="x") for _ in range(3)]
    done = TransferFactory(connection=connection, state=State.DONE)
    url = reverse("portal:retry", args=[connection.merchant_id, connection.pk])
    owner_client.post(url, {"transfer": [str(t.public_id) for t in [*stuck, done]]})
    assert set(Transfer.objects.filter(pk__in=[t.pk for t in stuck]).values_list("state", "must_reconcile")) == {
        (State.RETRY_WAIT, True)
    }
    assert Transfer.objects.get(pk=done.pk).state == State.DONE


@pytest.mark.django_db
def test_a_replaced_secret_is_audited_without_its_value_and_other_changes_with_theirs(
    owner_client, connection, monkeypatch
):
    from connections.specter.client import SpecterClient

    monkeypatch.setattr(
        SpecterClient, "check_account", lambda self, *a, **k: None
    )  # Specter's answer is tested elsewhere
    args = [connection.merchant_id, connection.pk]
    owner_client.post(
        reverse("portal:settings_section", args=[*args, "specter"]),
        {"specter_smb_id": "2002", "md5key": "brand-new-key-789"},
    )
    owner_client.post(reverse("portal:settings_section", args=[*args, "customers"]), {"ignore_control_email": "on"})
    connection.refresh_from_db()
    assert connection.specter_smb_id == "2002" and connection.specter_md5key.reveal() == "brand-new-key-789"
    assert connection.ignore_control_email is True
    body = owner_client.get(reverse("portal:settings", args=args)).content.decode()
    assert "Specter md5key" in body and "brand-new-key-789" not in body and "md5-secret-value-456" not in body
    trail = body[body.index('id="audit"') :]
    assert "Ignorera e-postkontroll när kund skapas: Nej → Ja" in trail and "2002" in trail
    assert "Specter md5key ersatt" in trail  # a replaced secret, in words, never its value
    assert "None" not in trail and "False" not in trail and "•••" not in trail


@pytest.mark.django_db
def test_leaving_a_secret_empty_keeps_the_stored_one(owner_client, connection, monkeypatch):
    from connections.specter.client import SpecterClient

    monkeypatch.setattr(SpecterClient, "check_account", lambda self, *a, **k: None)
    owner_client.post(
        reverse("portal:settings_section", args=[connection.merchant_id, connection.pk, "specter"]),
        {"specter_smb_id": connection.specter_smb_id, "order_number_prefix": "B-", "md5key": ""},
    )
    connection.refresh_from_db()
    assert connection.order_number_prefix == "B-" and connection.specter_md5key.reveal() == "md5-secret-value-456"


@pytest.mark.django_db(transaction=True)
def test_a_paused_connection_keeps_orders_and_sends_them_on_resume(live_server, settings, owner_client, merchant):
    connection = wired_connection(live_server, settings)
    Connection.objects.filter(pk=connection.pk).update(merchant=merchant)
    args = [merchant.pk, connection.pk]
    owner_client.post(reverse("portal:lifecycle", args=[*args, "pause"]))
    placed = place_order(ensure_demo_shop(), seed=301)
    drain()
    transfer = Transfer.objects.get(connection=connection)
    assert (transfer.state, transfer.reason_code) == (State.RETRY_WAIT, "paused") and specter_orders(
        placed.order_id
    ) == []
    owner_client.post(reverse("portal:lifecycle", args=[*args, "resume"]))
    drain()
    assert Transfer.objects.get(pk=transfer.pk).state == State.DONE and len(specter_orders(placed.order_id)) == 1


@pytest.mark.django_db(transaction=True)
def test_deactivating_removes_our_webhooks_from_the_shop_and_keeps_the_orders(
    live_server, settings, owner_client, merchant
):
    connection = wired_connection(live_server, settings)
    Connection.objects.filter(pk=connection.pk).update(merchant=merchant)
    settings.PUBLIC_BASE_URL = live_server.url  # the URL activation registers and deactivation looks for
    from portal import activation

    connection.refresh_from_db()
    WebHook.objects.all().delete()
    activation.register_webhooks(connection)
    assert WebHook.objects.count() == 2
    TransferFactory(connection=connection, state=State.RETRY_WAIT)
    owner_client.post(reverse("portal:lifecycle", args=[merchant.pk, connection.pk, "deactivate"]))
    connection.refresh_from_db()
    assert connection.status == Connection.Status.INACTIVE and WebHook.objects.count() == 0
    assert Transfer.objects.filter(connection=connection).count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_order_changed_in_the_shop_after_transfer_is_flagged(live_server, settings, owner_client, merchant):
    connection = wired_connection(live_server, settings)
    Connection.objects.filter(pk=connection.pk).update(merchant=merchant)
    placed = place_order(ensure_demo_shop(), seed=302)
    drain()
    Transfer.objects.filter(connection=connection).update(done_at=timezone.now() - timezone.timedelta(minutes=5))
    from simulator.starweb import webhooks

    placed.refresh_from_db()
    placed.data["statusId"] = 3
    placed.save()  # modifiedAt moves on
    webhooks.order_event(placed.shop, placed, "order-status-changed")
    drain()
    transfer = Transfer.objects.get(connection=connection)
    assert transfer.shop_changed_at is not None
    body = owner_client.get(reverse("portal:transfers", args=[merchant.pk, connection.pk])).content.decode()
    assert "changed in the shop after transfer" in body or "ändrad i butiken efter överföring" in body


@pytest.mark.django_db(transaction=True)
def test_activation_registers_specter_callbacks_that_reach_us_and_deactivation_removes_them(
    live_server, settings, merchant
):
    from portal import activation
    from simulator.specter import changes
    from simulator.specter.models import Account
    from syncflows.models import SpecterCallback

    connection = wired_connection(live_server, settings, webhooks=False)
    settings.PUBLIC_BASE_URL = live_server.url
    activation.activate(connection)
    account = Account.objects.get(smb_id="1001")
    assert set(account.callbacks) == {
        "actionstockchange",
        "actionarticlechange",
        "actionorderchange",
        "actionnewinvoice",
        "actionremoveorder",
    }
    changes.set_stock(account, "MUGG-01", 7)  # Specter pings the stock callback
    assert SpecterCallback.objects.filter(connection=connection, kind="stock").count() == 1
    assert changes.ping(account.callbacks["actionremoveorder"], orderNo="10077")
    assert SpecterCallback.objects.get(kind="removed").params == {"orderNo": "10077"}
    activation.deactivate(connection)
    account.refresh_from_db()
    assert account.callbacks == {}


@pytest.mark.django_db
def test_a_callback_with_a_wrong_token_or_kind_is_404(client, connection):
    from syncflows.models import SpecterCallback, WebhookEndpoint

    endpoint = WebhookEndpoint.objects.create(connection=connection)
    assert client.get(reverse("syncflows:specter_callback", args=[endpoint.pk, "x" * 43, "stock"])).status_code == 404
    assert (
        client.get(reverse("syncflows:specter_callback", args=[endpoint.pk, endpoint.token, "bogus"])).status_code
        == 404
    )
    response = client.post(reverse("syncflows:specter_callback", args=[endpoint.pk, endpoint.token, "stock"]))
    assert response.content == b"1;Done" and SpecterCallback.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "language, words", [("sv", ["Översikt", "Ordrar", "Inställningar"]), ("en", ["Overview", "Orders", "Settings"])]
)
def test_every_page_speaks_swedish_by_default_and_english_on_request(
    owner_client, connection, settings, language, words
):
    from django.conf import settings as django_settings

    settings.SPECTER_API_URL = "http://127.0.0.1:9/"
    owner_client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    for url in pages(connection):
        body = owner_client.get(url).content.decode()
        assert f'lang="{language}"' in body and all(word in body for word in words), url


@pytest.mark.django_db
def test_the_staff_checklist_ticks_flow_and_pre_flight_from_the_connection_itself(connection):
    from billing.onboarding import checklist

    done = {item.step: item.done for item in checklist(connection.merchant)}
    assert done["flow"] is True and done["preflight"] is False
    Connection.objects.filter(pk=connection.pk).update(activated_at=timezone.now())
    assert {item.step: item.done for item in checklist(connection.merchant)}["preflight"] is True


@pytest.mark.django_db(transaction=True)
def test_the_merchant_sets_what_the_shop_shows_when_specter_delivers(live_server, settings, owner_client, merchant):
    connection = wired_connection(live_server, settings, flow=Connection.Flow.ERP)
    Connection.objects.filter(pk=connection.pk).update(merchant=merchant)
    url = reverse("portal:settings_section", args=[merchant.pk, connection.pk, "statuses"])
    owner_client.post(
        url,
        {
            "delivered_status": "3",
            "delivered_email": "on",
            "delivered_tracking": "on",
            "cancelled_status": "4",
            "stock_location_id": "1",
        },
    )
    connection.refresh_from_db()
    assert connection.status_rules == {
        "delivered": {"status_id": 3, "email": True, "tracking": True, "capture": False},
        "cancelled": {"status_id": 4, "email": False, "tracking": False, "capture": False},
    }
    assert connection.status_rule("delivered").tracking and connection.status_rule("paid") is None


@pytest.mark.django_db
def test_staff_see_a_connection_setting_change_in_the_customers_audit_trail(owner_client, staff_client, connection):
    owner_client.post(
        reverse("portal:settings_section", args=[connection.merchant_id, connection.pk, "customers"]),
        {"ignore_control_org_no": "on", "force_customer_update": "on"},
    )
    body = staff_client.get(reverse("billing:staff_merchant", args=[connection.merchant_id])).content.decode()
    assert "Ignorera org.nr/personnummer när kund skapas: Nej → Ja" in body and "md5-secret-value-456" not in body
