"""The Starweb client against the simulated Starweb over real HTTP: token, orders, write-back,
status, web hooks, pagination, faults, throttle; every answer checked against Starweb's OpenAPI spec."""

from datetime import UTC

import pytest
import requests

from connections.errors import AuthenticationFailed, RateLimited, Retryable, UnknownOutcome
from connections.models import StarwebToken
from connections.starweb import throttle
from connections.starweb.client import NotFound, StarwebClient
from simulator.models import CallLog, FaultRule
from simulator.starweb import webhooks
from simulator.starweb.demo import ensure_demo_shop, place_order
from simulator.starweb.models import Delivery, Order
from tests.connections.factories import ConnectionFactory
from tests.contracts.openapi import errors
from tests.simulator_helpers import wait_until_answered

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def shop(db):
    return ensure_demo_shop()


@pytest.fixture
def starweb(live_server, shop) -> StarwebClient:
    """A client for the demo shop of the simulated Starweb."""
    connection = ConnectionFactory(
        starweb_base_url=f"{live_server.url}/sim/starweb/demobutiken/api/v2",
        starweb_client_id="demo-client",
        starweb_client_secret="demo-client-secret",
    )
    return StarwebClient(connection)


def raw(client, path, **params):
    """The same request as the client makes, to check the raw JSON against the spec."""
    token = client._token()
    return requests.get(
        f"{client.base_url}{path}", params=params, headers={"Authorization": f"Bearer {token}"}, timeout=10
    ).json()


def fault(kind, operation="", **values):
    return FaultRule.objects.create(
        system="starweb", account="demobutiken", operation=operation, kind=kind, remaining=1, **values
    )


def test_the_shop_statuses_and_methods_read_back_and_match_the_spec(starweb):
    assert starweb.shop()["baseCurrency"] == "SEK"
    assert [s["statusId"] for s in starweb.order_statuses()][:3] == [1, 2, 3]
    assert {m["paymentMethodId"] for m in starweb.payment_methods()} == {1, 2, 3, 4}
    for path, schema in [
        ("/shop", "ShopItem"),
        ("/order-statuses", "OrderStatusModelCollection"),
        ("/payment-methods", "PaymentMethodModelCollection"),
        ("/shipping-methods", "ShippingMethodModelCollection"),
    ]:
        assert errors(raw(starweb, path), schema) == [], path


def test_an_order_is_read_with_items_and_addresses_and_matches_the_spec(starweb, shop):
    placed = place_order(shop, seed=3)
    order = starweb.order(placed.order_id)
    assert order.order_id == str(placed.order_id) and order.items and order.invoice_address.city
    assert (
        errors(raw(starweb, f"/orders/{placed.order_id}", include="items,addresses,customer"), "OrderModelItem") == []
    )


def test_the_token_is_fetched_once_and_shared_by_every_client(starweb):
    starweb.shop()
    StarwebClient(starweb.connection).order_statuses()
    assert CallLog.objects.filter(system="starweb", operation="POST /token").count() == 1
    assert StarwebToken.objects.get().access_token.reveal() not in str(
        StarwebToken.objects.values_list("access_token", flat=True)[0]
    )


def test_an_expired_token_is_renewed_once_and_the_call_retried(starweb):
    starweb.shop()
    fault("expired_token", "GET /shop")
    assert starweb.shop()["baseCurrency"] == "SEK"
    assert CallLog.objects.filter(system="starweb", operation="POST /token").count() == 2


def test_wrong_client_credentials_are_an_authentication_error_without_the_secret(live_server, shop):
    connection = ConnectionFactory(
        starweb_base_url=f"{live_server.url}/sim/starweb/demobutiken/api/v2",
        starweb_client_id="demo-client",
        starweb_client_secret="wrong-secret-value",
    )
    with pytest.raises(AuthenticationFailed) as caught:
        StarwebClient(connection).shop()
    assert "wrong-secret-value" not in f"{caught.value} {caught.value!r}"


def test_a_missing_order_is_not_found(starweb):
    with pytest.raises(NotFound):
        starweb.order(999999)


def test_the_specter_number_and_a_status_are_written_back_with_deliberate_flags(starweb, shop):
    placed = place_order(shop, seed=4)
    starweb.set_external_id(placed.order_id, "88311")
    starweb.set_status(placed.order_id, 3, send_email=False, process_payment=True, tracking_no="00370712345678901234")
    data = Order.objects.get(pk=placed.pk).data
    assert (data["externalId"], data["externalIdType"], data["statusId"]) == ("88311", "Specter", 3)
    assert data["_lastStatusChange"] == {"sendEmail": False, "processPayment": True}
    assert data["shippingTrackingNo"] == "00370712345678901234"
    with pytest.raises(TypeError):
        starweb.set_status(placed.order_id, 3)  # the flags are never left to Starweb's defaults


def test_orders_are_read_page_by_page(starweb, shop):
    for n in range(55):
        place_order(shop, seed=n)
    orders = list(starweb.orders())
    assert len(orders) == 55 and len({o["orderId"] for o in orders}) == 55
    assert errors(raw(starweb, "/orders", include="items,addresses,customer"), "OrderModelCollection") == []


def test_web_hooks_are_created_listed_and_deleted(starweb):
    hook_id = starweb.create_web_hook("order-created", "https://integrator.example.se/hooks/x/y/", name="integrator")
    assert [h["webHookId"] for h in starweb.web_hooks()] == [hook_id]
    assert errors(raw(starweb, "/web-hooks"), "WebHookModelCollection") == []
    starweb.delete_web_hook(hook_id)
    starweb.delete_web_hook(hook_id)  # already gone is fine
    assert starweb.web_hooks() == []


def test_a_new_order_fires_its_web_hook_and_a_failed_delivery_is_kept_for_retry(starweb, shop):
    starweb.create_web_hook("order-created", "http://127.0.0.1:9/unreachable", name="integrator")
    place_order(shop, seed=5)
    delivery = Delivery.objects.get()
    assert delivery.tries == 1 and not delivery.delivered and delivery.payload["eventId"] == "order-created"
    webhooks.deliver_pending()
    assert Delivery.objects.get().tries == 2


@pytest.mark.parametrize(
    "kind, values, error",
    [
        ("server_error", {"status": 502}, Retryable),
        ("rate_limit", {"retry_after": 9}, RateLimited),
        ("malformed_body", {}, Retryable),
        ("connection_reset", {}, Retryable),
    ],
)
def test_each_fault_on_a_read_maps_to_its_typed_error(starweb, kind, values, error):
    starweb.shop()  # token first, so the fault hits the read
    fault(kind, "GET /shop", **values)
    with pytest.raises(error) as caught:
        starweb.shop()
    assert not isinstance(caught.value, UnknownOutcome)
    if kind == "rate_limit":
        assert caught.value.wait == 9


@pytest.mark.parametrize("kind", ["commit_then_timeout", "connection_reset", "malformed_body"])
def test_a_lost_answer_to_a_write_is_an_unknown_outcome(starweb, shop, settings, kind):
    placed = place_order(shop, seed=6)
    starweb.shop()
    settings.HTTP_READ_TIMEOUT = 0.5
    fault(kind, "PATCH /orders/{id}", delay_ms=1500)
    with pytest.raises(UnknownOutcome):
        starweb.set_external_id(placed.order_id, "1")
    wait_until_answered(kind)
    assert Order.objects.get(pk=placed.pk).data["externalId"] == "1"  # it was committed


def test_a_read_timeout_on_a_read_is_retryable(starweb, settings):
    starweb.shop()
    settings.HTTP_READ_TIMEOUT = 0.5
    fault("read_timeout", "GET /shop", delay_ms=1500)
    with pytest.raises(Retryable) as caught:
        starweb.shop()
    wait_until_answered("read_timeout")
    assert not isinstance(caught.value, UnknownOutcome)


def test_the_throttle_stops_a_connection_at_its_limit_until_its_requests_age_out(starweb):
    connection_id = starweb.connection.pk
    for _ in range(3):
        throttle.take(connection_id, limit=3)
    with pytest.raises(RateLimited) as caught:
        throttle.take(connection_id, limit=3)
    assert 60 <= caught.value.wait <= 75  # this bucket ages out of the count


def test_a_burst_still_counts_for_sixty_seconds_whatever_the_clock_minute(starweb):
    # Starweb may count the last sixty seconds, not the clock's minute: 20 at 12:00:50 and 20 more
    # at 12:01:05 would be 40 within fifteen seconds.
    from datetime import datetime

    connection_id = starweb.connection.pk
    at = lambda minute, second: datetime(2026, 12, 1, 12, minute, second, tzinfo=UTC)  # noqa: E731
    for _ in range(20):
        throttle.take(connection_id, limit=20, now=at(0, 50))
    with pytest.raises(RateLimited) as caught:
        throttle.take(connection_id, limit=20, now=at(1, 5))  # a new clock minute: still full
    assert caught.value.wait == 55  # the burst's bucket (12:00:45) leaves the count at 12:02:00
    with pytest.raises(RateLimited):
        throttle.take(connection_id, limit=20, now=at(1, 59))
    for _ in range(20):
        throttle.take(connection_id, limit=20, now=at(2, 0))


def test_latency_only_slows_a_call(starweb):
    starweb.shop()
    fault("latency", "GET /shop", delay_ms=200)
    assert starweb.shop()["baseCurrency"] == "SEK"
    assert CallLog.objects.filter(operation="GET /shop", fault="latency").count() == 1


def test_no_error_or_log_line_shows_the_access_token_or_client_secret(starweb, settings, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    starweb.shop()
    token = StarwebToken.objects.get().access_token.reveal()
    settings.HTTP_READ_TIMEOUT = 0.3
    caught = []
    for kind in ("server_error", "rate_limit", "read_timeout", "connection_reset", "malformed_body"):
        fault(kind, "GET /shop", delay_ms=1000)
        with pytest.raises(Exception) as error:
            starweb.shop()
        caught.append(error.value)
        wait_until_answered(kind)
    text = " ".join(f"{e!s} {e!r}" for e in caught) + caplog.text
    assert token not in text and "demo-client-secret" not in text


def test_the_sweeper_forgets_counters_of_minutes_long_gone(starweb):
    from datetime import timedelta

    from django.utils import timezone

    from connections.models import RateWindow

    now = timezone.now().replace(second=0, microsecond=0)
    RateWindow.objects.create(connection=starweb.connection, window_start=now - timedelta(minutes=10), count=5)
    RateWindow.objects.create(connection=starweb.connection, window_start=now, count=5)
    assert throttle.forget_old(now) == 1
    assert list(RateWindow.objects.values_list("window_start", flat=True)) == [now]
