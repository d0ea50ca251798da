"""The webhook receiver: a secret URL, fast 202, tolerant of shape, strict about size and JSON."""

import json

import pytest
from django.urls import reverse

from integrator.inputs import BadInput
from syncflows.models import Transfer, WebhookEndpoint
from syncflows.webhooks import order_id_of
from tests.connections.factories import ConnectionFactory
from tests.syncflows.wiring import queued

pytestmark = pytest.mark.django_db


@pytest.fixture
def endpoint():
    return WebhookEndpoint.objects.create(connection=ConnectionFactory())


def url(endpoint, token=None):
    return reverse("syncflows:starweb_webhook", args=[endpoint.pk, token or endpoint.token])


def post(client, endpoint, body, token=None, **extra):
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return client.post(url(endpoint, token), data=data, content_type="application/json", **extra)


def test_an_order_event_is_accepted_stored_once_and_queued_once(client, endpoint):
    for _ in range(3):
        response = post(client, endpoint, {"eventId": "order-created", "orderId": 1234, "shopIdCode": "x"})
        assert response.status_code == 202
    transfer = Transfer.objects.get()
    assert (transfer.connection_id, transfer.starweb_order_id, transfer.source) == (
        endpoint.connection_id,
        "1234",
        "webhook",
    )
    assert queued() == [("syncflows.tasks.process_transfer", (transfer.pk,))]


def test_a_wrong_token_or_unknown_endpoint_is_404_and_stores_nothing(client, endpoint):
    assert post(client, endpoint, {"orderId": 1}, token="x" * 43).status_code == 404
    other = WebhookEndpoint(pk="00000000-0000-0000-0000-000000000000", token=endpoint.token)
    assert post(client, other, {"orderId": 1}).status_code == 404
    assert not Transfer.objects.exists() and queued() == []


@pytest.mark.parametrize("body", [b"{not json", b"\xff\xfe", b"[1, 2]", b'"order"'])
def test_a_body_that_is_not_a_json_object_is_400_and_stores_nothing(client, endpoint, body):
    response = post(client, endpoint, body)
    assert response.status_code == 400 and "JSON" in response.json()["detail"]
    assert not Transfer.objects.exists()


def test_a_body_over_the_limit_is_413_before_it_is_parsed(client, endpoint, settings):
    settings.WEBHOOK_MAX_BYTES = 1024
    response = post(client, endpoint, json.dumps({"orderId": 1, "pad": "x" * 2000}))
    assert response.status_code == 413
    assert not Transfer.objects.exists()


def test_a_ten_megabyte_body_is_refused_without_storing_anything(client, endpoint):
    response = post(client, endpoint, b"{" + b" " * (10 * 1024 * 1024) + b"}")
    assert response.status_code == 413 and not Transfer.objects.exists()


def test_an_event_about_something_else_is_accepted_and_ignored(client, endpoint):
    assert post(client, endpoint, {"eventId": "product-updated", "productId": 5}).status_code == 202
    assert post(client, endpoint, {"eventId": "order-created"}).status_code == 202
    assert not Transfer.objects.exists()


def test_only_post_is_answered(client, endpoint):
    assert client.get(url(endpoint)).status_code == 405


@pytest.mark.parametrize(
    "payload, expected",
    [
        ({"eventId": "order-created", "orderId": 7}, "7"),
        ({"EventId": "ORDER-STATUS-CHANGED", "OrderId": "8"}, "8"),
        ({"data": {"orderId": 9}}, "9"),
        ({"orderId": 10, "eventTimeStamp": "x", "orderStatusIdCode": None, "extra": [1]}, "10"),
        ({"eventId": "shop-opened", "orderId": 3}, None),
        ({"eventId": "order-created"}, None),
    ],
)
def test_the_order_id_is_read_tolerantly_and_nothing_else_is_believed(payload, expected):
    assert order_id_of(payload) == expected


@pytest.mark.parametrize("order_id", [True, "10; DROP", "²", "١٢٣", "1" * 40, 0, -5, 1.5])
def test_an_order_id_that_is_not_one_is_refused(order_id):
    with pytest.raises(BadInput):
        order_id_of({"eventId": "order-created", "orderId": order_id})
