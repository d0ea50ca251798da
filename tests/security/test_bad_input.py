"""The bad-input table: what outside input and careless typing can send us, each with the status
it must get, nothing stored, queued or mailed where it is refused, and never a 500.

On SQLite a text longer than its column is stored anyway; PostgreSQL refuses it ("value too
long"), which is a 500 there. So every save here is checked against its columns' lengths as
PostgreSQL would, and a test on SQLite fails where production would.
"""

import json

import pytest
from django.core import mail
from django.urls import reverse
from django_q.models import OrmQ

from billing.models import Merchant
from connections.models import Connection
from syncflows.models import SpecterCallback, Transfer, WebhookEndpoint
from syncflows.orders import intake
from tests.billing.factories import package
from tests.connections.factories import ConnectionFactory
from tests.security.columns import lengths_checked_as_on_postgresql

pytestmark = pytest.mark.django_db
DEEP = 30_000


@pytest.fixture(autouse=True)
def column_lengths_as_on_postgresql():
    with lengths_checked_as_on_postgresql():
        yield


@pytest.fixture
def endpoint():
    connection = ConnectionFactory(status=Connection.Status.ACTIVE, export_order=Connection.OrderExport.REGISTERED)
    return WebhookEndpoint.objects.create(connection=connection)


def _nothing_kept():
    return (
        not Transfer.objects.exists()
        and not OrmQ.objects.exists()
        and not SpecterCallback.objects.exists()
        and not mail.outbox
    )


def _order(order_id):
    return json.dumps({"eventId": "order-created", "orderId": order_id}).encode()


def _raw(text):
    return text.encode("utf-8")


# (name, body, status). Each refused body leaves nothing behind.
WEBHOOK_BODIES = [
    ("arrays nested 30,000 deep", b"[" * DEEP + b"]" * DEEP, 400),
    ("objects nested 10,000 deep", b'{"a":' * 10_000 + b"1" + b"}" * 10_000, 400),
    ("an order id nested 33 deep", b'{"data":' * 33 + _order(5) + b"}" * 33, 400),
    ("order id superscript two", _order("²"), 400),
    ("order id in Arabic-Indic digits", _order("١٢٣"), 400),
    ("order id in full-width digits", _order("１２３"), 400),
    ("order id of 19 digits", _order("1" * 19), 400),
    ("order id of 40 digits", _order("1" * 40), 400),
    ("order id of 400 digits", _order("9" * 400), 400),
    ("order id as a 40-digit JSON number", _raw('{"eventId": "order-created", "orderId": ' + "7" * 40 + "}"), 400),
    ("order id negative", _order(-5), 400),
    ("order id zero", _order(0), 400),
    ("order id a fraction", _order(1.5), 400),
    ("order id in exponent notation", _raw('{"orderId": 1e3}'), 400),
    ("order id infinite", _raw('{"orderId": 1e400}'), 400),
    ("order id NaN", _raw('{"orderId": NaN}'), 400),
    ("order id true", _order(True), 400),
    ("order id a list", _order([1]), 400),
    ("order id an object", _order({"id": 1}), 400),
    ("order id with a space inside", _order("12 34"), 400),
    ("order id in hexadecimal", _order("0x1f"), 400),
    ("order id with a NUL", _order("12\u0000"), 400),
    ("order id with a line break", _order("12\n13"), 400),
    ("order id with SQL", _order("10; DROP TABLE syncflows_transfer"), 400),
    ("nested order id superscript", _raw(json.dumps({"data": {"orderId": "²"}})), 400),
    ("product id superscript two", _raw(json.dumps({"eventId": "product-updated", "productId": "²"})), 400),
    ("product id in Arabic-Indic digits", _raw(json.dumps({"eventId": "product-created", "productId": "١٢٣"})), 400),
    ("product id of 400 digits", _raw(json.dumps({"eventId": "product-updated", "productId": "9" * 400})), 400),
    ("not JSON", b"hello", 400),
    ("not UTF-8", b'{"orderId": "\xff\xfe"}', 400),
    ("UTF-16 with a byte-order mark", '{"orderId": 5}'.encode("utf-16"), 400),
    ("empty", b"", 400),
    ("JSON null", b"null", 400),
    ("a JSON array", b"[1, 2]", 400),
    ("a JSON string", b'"orderId"', 400),
    ("truncated JSON", b'{"orderId": 5', 400),
    ("over the size limit", b'{"pad": "' + b"x" * 70_000 + b'"}', 413),
    ("an event about something else", _raw(json.dumps({"eventId": "shop-opened\r\nX-Evil: 1", "orderId": 5})), 202),
    ("no order at all", _raw(json.dumps({"eventId": "order-created", "orderId": None})), 202),
]


@pytest.mark.parametrize("name, body, status", WEBHOOK_BODIES, ids=[row[0] for row in WEBHOOK_BODIES])
def test_a_bad_webhook_body_gets_its_status_and_leaves_nothing(client, endpoint, name, body, status):
    client.raise_request_exception = False
    url = reverse("syncflows:starweb_webhook", args=[endpoint.pk, endpoint.token])
    response = client.post(url, data=body, content_type="application/json")
    assert response.status_code == status, response.content
    assert _nothing_kept()


def test_the_table_can_see_a_stored_order(client, endpoint):
    """The control: a good body is stored and queued, so "nothing kept" above means something."""
    url = reverse("syncflows:starweb_webhook", args=[endpoint.pk, endpoint.token])
    assert client.post(url, data=_order("4711"), content_type="application/json").status_code == 202
    assert Transfer.objects.get().starweb_order_id == "4711" and not _nothing_kept()


CALLBACK_PARAMS = [
    ("an order id of 65 characters", {"orderId": "1" * 65}, 400),
    ("an order number with a line break", {"orderNo": "A-1\r\nX: y"}, 400),
    ("an invoice id with a NUL", {"invoiceId": "7\u0000"}, 400),
    ("an invoice source with a zero-width space", {"invoiceSource": "web\u200b"}, 400),
]


@pytest.mark.parametrize("name, params, status", CALLBACK_PARAMS, ids=[row[0] for row in CALLBACK_PARAMS])
def test_a_bad_callback_gets_its_status_and_leaves_nothing(client, endpoint, name, params, status):
    client.raise_request_exception = False
    url = reverse("syncflows:specter_callback", args=[endpoint.pk, endpoint.token, "invoice"])
    assert client.get(url, params).status_code == status
    assert client.post(url, params).status_code == status
    assert _nothing_kept()


def test_a_callback_body_over_the_size_limit_is_refused_unread(client, endpoint):
    url = reverse("syncflows:specter_callback", args=[endpoint.pk, endpoint.token, "stock"])
    response = client.post(url, data=b"x" * 70_000, content_type="application/octet-stream")
    assert response.status_code == 413 and _nothing_kept()


def test_a_callback_of_an_unknown_kind_is_404(client, endpoint):
    url = reverse("syncflows:specter_callback", args=[endpoint.pk, endpoint.token, "whatever"])
    assert client.get(url).status_code == 404 and _nothing_kept()


EXPORT_NUMBERS = ["²", "١٢٣", "1" * 40, "9" * 400, "", "-1", "12 34", "0"]


@pytest.mark.parametrize(
    "number",
    EXPORT_NUMBERS,
    ids=["superscript", "arabic-indic", "40 digits", "400 digits", "empty", "negative", "space", "zero"],
)
def test_the_export_button_refuses_an_order_number_that_is_not_one_and_stores_nothing(owner_client, merchant, number):
    connection = ConnectionFactory(merchant=merchant, status=Connection.Status.ACTIVE)
    owner_client.raise_request_exception = False
    response = owner_client.post(
        reverse("portal:export", args=[merchant.pk, connection.pk]), {"order": number}, follow=True
    )
    assert response.status_code == 200
    assert "digits only" in response.content.decode() or "bara siffror" in response.content.decode()
    assert _nothing_kept()


def test_forged_order_ids_to_retry_and_odd_filters_are_no_500(owner_client, merchant):
    connection = ConnectionFactory(merchant=merchant, status=Connection.Status.ACTIVE)
    owner_client.raise_request_exception = False
    args = [merchant.pk, connection.pk]
    assert (
        owner_client.post(reverse("portal:retry", args=args), {"transfer": ["not-a-uuid", "²", "1" * 400]}).status_code
        == 302
    )
    for query in (
        {"order": "9" * 1000},
        {"since": "yesterday"},
        {"until": "2026-13-45"},
        {"page": "²"},
        {"state": "\u0000"},
    ):
        assert owner_client.get(reverse("portal:transfers", args=args), query).status_code == 200, query


ARTICLE_NUMBERS = [
    ("a zero-width space", "FRAKT\u200b"),
    ("a zero-width joiner", "FR\u200dAKT"),
    ("a soft hyphen", "FR\u00adAKT"),
    ("a bell (control character)", "FRAKT\x07"),
    ("a NUL", "FRAKT\x00"),
    ("a no-break space", "FRA\u00a0KT"),
    ("a tab", "FRA\tKT"),
    ("a right-to-left override", "\u202eTKARF"),
    ("51 characters", "F" * 51),
]


@pytest.mark.parametrize("name, article", ARTICLE_NUMBERS, ids=[row[0] for row in ARTICLE_NUMBERS])
def test_an_article_number_takes_visible_characters_only(owner_client, merchant, name, article):
    connection = ConnectionFactory(merchant=merchant, shipping_article="FRAKT")
    owner_client.raise_request_exception = False
    form = {"document_type": "order", "shipping_article": article}
    response = owner_client.post(reverse("portal:setup", args=[merchant.pk, connection.pk, "export"]), form)
    assert response.status_code == 200  # the form again, with the rule
    connection.refresh_from_db()
    assert connection.shipping_article == "FRAKT"


def test_a_visible_article_number_is_still_taken(owner_client, merchant):
    connection = ConnectionFactory(merchant=merchant)
    form = {"document_type": "order", "shipping_article": "FRAKT-Ö.1_a"}
    response = owner_client.post(reverse("portal:setup", args=[merchant.pk, connection.pk, "export"]), form)
    assert response.status_code == 302
    connection.refresh_from_db()
    assert connection.shipping_article == "FRAKT-Ö.1_a"


def _new_customer(staff_client, name):
    return staff_client.post(
        reverse("billing:staff_new_customer"),
        {
            "name": name,
            "org_number": "556677-8899",
            "owner_email": "agare@exempel.se",
            "package": package("200").pk,
            "start_date": "2026-01-01",
            "extra_shops": 0,
        },
    )


@pytest.mark.parametrize(
    "name", ["Exempel AB\r\nBcc: evil@example.com", "Exempel AB\nSubject: x", "Exempel\u2028AB", "Exempel\x0bAB"]
)
def test_a_company_name_with_line_breaks_gets_its_invitation_with_a_safe_subject(
    staff_client, name, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _new_customer(staff_client, name)
    assert response.status_code == 302
    merchant = Merchant.objects.get()
    assert "\n" not in merchant.name and "\r" not in merchant.name
    [invitation] = mail.outbox
    assert not any(ch in invitation.subject for ch in "\r\n\x0b\u2028")
    assert "Exempel" in invitation.subject and invitation.message()["Bcc"] is None


def test_a_company_name_over_its_column_is_refused_in_words_and_nothing_is_made(staff_client):
    staff_client.raise_request_exception = False
    response = _new_customer(staff_client, "X" * 201)
    assert response.status_code == 200 and not Merchant.objects.exists() and not mail.outbox


def test_a_merchant_named_with_line_breaks_in_the_back_office_still_gets_a_safe_invitation(staff_client, merchant):
    Merchant.objects.filter(pk=merchant.pk).update(name="Exempel AB\r\nBcc: evil@example.com")
    from billing import onboarding

    merchant.refresh_from_db()
    onboarding.invite(merchant.memberships.get().user, merchant)
    [invitation] = mail.outbox
    assert "\n" not in invitation.subject and invitation.message()["Bcc"] is None


def test_a_webshop_name_is_one_line_of_bounded_length(owner_client, merchant):
    owner_client.post(
        reverse("portal:new_connection", args=[merchant.pk]), {"name": "Butik\r\nBcc: x@example.com" + "x" * 500}
    )
    name = Connection.objects.get(merchant=merchant).name
    assert "\n" not in name and len(name) <= 200


class _Shop:
    """A shop whose order list carries ids that are not ids (the poller's only outside input)."""

    def orders(self, **_filters):
        return [
            {"orderId": "²"},
            {"orderId": "١٢٣"},
            {"orderId": int("9" * 40)},
            {"orderId": "1" * 400},
            {"orderId": None},
        ]


def test_the_poller_skips_order_ids_that_are_not_ids(endpoint):
    assert intake.poll(endpoint.connection, starweb=_Shop()) == 0
    assert _nothing_kept()


OTHER_KEY = "4ZK9emzdD7yqYnqzO_DFs_nI6VFlM02MXZr6Wp3CHYs="  # a real Fernet key, but not the one that encrypted


@pytest.mark.parametrize("keys", [[OTHER_KEY], ["not-a-fernet-key"]], ids=["another key", "not a key"])
def test_a_wrong_credentials_key_gives_a_page_that_says_so_not_a_500(owner_client, merchant, settings, keys):
    connection = ConnectionFactory(merchant=merchant, status=Connection.Status.ACTIVE, flow=1)
    settings.CREDENTIALS_KEYS = keys
    owner_client.raise_request_exception = False
    for slug in ("settings", "check"):
        url = (
            reverse("portal:settings", args=[merchant.pk, connection.pk])
            if slug == "settings"
            else reverse("portal:setup", args=[merchant.pk, connection.pk, "check"])
        )
        response = owner_client.get(url, HTTP_ACCEPT_LANGUAGE="sv")
        body = response.content.decode()
        assert response.status_code == 503, slug
        assert 'id="credentials-key-error"' in body and "CREDENTIALS_KEYS" in body
        assert "De sparade inloggningsuppgifterna kan inte öppnas" in body
        assert "specter-md5key-value" not in body and OTHER_KEY not in body


@pytest.mark.django_db(transaction=True)  # the health view runs its checks in threads: committed rows
@pytest.mark.parametrize("keys", [[OTHER_KEY], ["not-a-fernet-key"]], ids=["another key", "not a key"])
def test_health_turns_red_with_a_wrong_credentials_key(client, settings, keys):
    from django.utils import timezone

    from syncflows.models import WorkerHeartbeat

    WorkerHeartbeat.objects.create(host="worker-1", beat_at=timezone.now())
    ConnectionFactory()
    assert client.get("/health/", {"format": "json"}).status_code == 200
    settings.CREDENTIALS_KEYS = keys
    client.raise_request_exception = False
    response = client.get("/health/", {"format": "json"})
    assert response.status_code == 500 and "CREDENTIALS_KEYS" in response.content.decode()
    assert OTHER_KEY not in response.content.decode()


def test_the_column_guard_refuses_what_postgresql_would(endpoint):
    """The control for the guard above: a 40-digit order id does not fit varchar(32)."""
    with pytest.raises(AssertionError, match="varchar"):
        Transfer.objects.create(connection=endpoint.connection, starweb_order_id="1" * 40, source="webhook")
