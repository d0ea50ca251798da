"""The Specter client against the simulated Specter over real HTTP, faults included."""

import logging

import pytest

from connections.errors import AuthenticationFailed, RateLimited, Retryable, UnknownOutcome
from connections.specter.client import DuplicateOrder, SpecterClient, UnknownArticle
from connections.specter.signature import Credentials
from simulator.models import CallLog, FaultRule
from simulator.specter.demo import ensure_demo_account
from simulator.specter.models import Article, Customer, Order
from tests.simulator_helpers import wait_until_answered

pytestmark = pytest.mark.django_db(transaction=True)

KEY = "demo-md5key"


@pytest.fixture
def specter(live_server) -> SpecterClient:
    """A client for the demo account of the simulated Specter (smbID 1001)."""
    ensure_demo_account("1001", KEY)
    return SpecterClient(Credentials("1001", KEY), base_url=live_server.url + "/sim/specter/")


def person(email="anna@example.se", org="19800101-1234", **extra):
    return {
        "customerOrganizationalForm": "P",
        "firstName": "Anna",
        "surName": "Svensson",
        "emailAddress": email,
        "orgNo": org,
        "forceCustomerUpdate": "1",
        **extra,
    }


def order(external="WS-1001", rows=(("TSHIRT-M", "159.2", "2", "25"), ("FRAKT", "39.2", "1", "25"))):
    params = {"externalOrderNo": external, "currency": "SEK"}
    for n, (article, price, qty, vat) in enumerate(rows, start=1):
        params.update(
            {
                f"articleNo_{n}": article,
                f"articleName_{n}": article,
                f"priceExclVAT_{n}": price,
                f"noOfItems_{n}": qty,
                f"vatPercent_{n}": vat,
            }
        )
    return params


def fault(kind, operation="", **values):
    return FaultRule.objects.create(
        system="specter", account="1001", operation=operation.lower(), kind=kind, remaining=1, **values
    )


def test_the_credentials_are_verified_and_callbacks_registered(specter):
    specter.check_account({"actionStockChange": "https://integrator.example.se/cb/stock"})
    assert specter.credentials.smb_id == "1001"


def test_a_wrong_md5key_is_an_authentication_error_that_shows_no_key(live_server, specter):
    bad = SpecterClient(Credentials("1001", "wrong-key-value"), base_url=specter.base_url)
    with pytest.raises(AuthenticationFailed) as caught:
        bad.check_account()
    assert "wrong-key-value" not in str(caught.value) and "wrong-key-value" not in repr(caught.value)


def test_an_order_is_created_with_its_rows_and_lowers_stock(specter):
    customer_no = specter.submit_customer(person())
    order_no = specter.submit_order(customer_no, order())
    saved = Order.objects.get(order_no=order_no)
    assert saved.external_order_no == "WS-1001" and str(saved.total) == "447.00"
    assert Article.objects.get(article_no="TSHIRT-M").stock == 38


def test_a_set_article_lowers_its_components(specter):
    customer_no = specter.submit_customer(person())
    specter.submit_order(customer_no, order(rows=(("PRESENTSET-01", "140", "2", "25"),)))
    assert (
        Article.objects.get(article_no="MUGG-01").stock == 98
        and Article.objects.get(article_no="KAFFE-500").stock == 198
    )


def test_the_same_external_order_number_is_refused_with_the_existing_order_number(specter):
    customer_no = specter.submit_customer(person())
    first = specter.submit_order(customer_no, order())
    with pytest.raises(DuplicateOrder) as caught:
        specter.submit_order(customer_no, order())
    assert caught.value.existing_order_no == first and Order.objects.count() == 1


def test_reconcile_finds_an_order_by_its_webshop_number_or_says_none(specter):
    assert specter.find_order("WS-404") is None
    order_no = specter.submit_order(specter.submit_customer(person()), order("WS-7"))
    assert specter.find_order("WS-7") == order_no


def test_an_unknown_article_number_is_its_own_error(specter):
    with pytest.raises(UnknownArticle) as caught:
        specter.submit_order(specter.submit_customer(person()), order(rows=(("NOPE-1", "10", "1", "25"),)))
    assert "NOPE-1" in str(caught.value)


@pytest.mark.parametrize(
    "first_flags, second, same",
    [
        ({}, person(org="556677-8899"), True),  # default: same e-mail matches
        ({}, person(email="annat@example.se"), True),  # default: e-mail differs, org.nr matches
        ({"ignoreControlEmail": "1"}, person(org="19990101-0000"), False),  # only org.nr counts
        ({"ignoreControlOrgNo": "1"}, person(email="annat@example.se"), False),  # only e-mail counts
        ({"ignoreControlEmail": "1", "ignoreControlOrgNo": "1"}, person(), False),  # always new
    ],
)
def test_customer_matching_follows_the_flags(specter, first_flags, second, same):
    first = specter.submit_customer(person())
    again = specter.submit_customer({**second, **first_flags})
    assert (first == again) is same


def test_a_match_is_updated_only_with_force_customer_update(specter):
    specter.submit_customer(person())
    specter.submit_customer({**person(), "city": "Malmö", "forceCustomerUpdate": "0"})
    assert Customer.objects.get().data.get("city") is None
    specter.submit_customer({**person(), "city": "Malmö"})
    assert Customer.objects.get().data["city"] == "Malmö"  # Latin-1 both ways


def test_a_server_error_is_retryable(specter):
    fault("server_error", status=503)
    with pytest.raises(Retryable) as caught:
        specter.find_order("WS-1")
    assert caught.value.status == 503 and not isinstance(caught.value, UnknownOutcome)


def test_a_rate_limit_carries_its_wait(specter):
    fault("rate_limit", retry_after=7)
    with pytest.raises(RateLimited) as caught:
        specter.submit_customer(person())
    assert caught.value.wait == 7


def test_a_lost_answer_to_a_create_is_an_unknown_outcome_and_reconcile_finds_the_order(specter, settings):
    customer_no = specter.submit_customer(person())
    settings.HTTP_READ_TIMEOUT = 0.5
    fault("commit_then_timeout", "newOrderSubmit", delay_ms=1500)
    with pytest.raises(UnknownOutcome):
        specter.submit_order(customer_no, order("WS-55"))
    wait_until_answered("commit_then_timeout")
    settings.HTTP_READ_TIMEOUT = 30
    found = specter.find_order("WS-55")  # the order was committed before the answer was lost
    assert found and Order.objects.filter(external_order_no="WS-55").count() == 1
    assert CallLog.objects.filter(system="specter", operation="newordersubmit", status=200).count() == 1


def test_a_read_that_times_out_is_retryable(specter, settings):
    settings.HTTP_READ_TIMEOUT = 0.5
    fault("read_timeout", delay_ms=1500)
    with pytest.raises(Retryable) as caught:
        specter.find_order("WS-1")
    wait_until_answered("read_timeout")
    assert not isinstance(caught.value, UnknownOutcome)


def test_a_reset_after_a_create_is_an_unknown_outcome(specter):
    customer_no = specter.submit_customer(person())
    fault("connection_reset", "newOrderSubmit")
    with pytest.raises(UnknownOutcome):
        specter.submit_order(customer_no, order("WS-66"))
    assert Order.objects.filter(external_order_no="WS-66").count() == 1


@pytest.mark.parametrize("write, error", [(True, UnknownOutcome), (False, Retryable)])
def test_a_garbled_answer_is_unknown_for_a_write_and_retryable_for_a_read(specter, write, error):
    customer_no = specter.submit_customer(person())
    fault("malformed_body")
    with pytest.raises(error) as caught:
        specter.submit_order(customer_no, order()) if write else specter.find_order("WS-1")
    assert isinstance(caught.value, UnknownOutcome) is write


def test_latency_only_slows_the_call(specter):
    fault("latency", delay_ms=200)
    assert specter.find_order("WS-1") is None


def test_no_error_or_log_line_shows_the_key_or_the_signature(specter, settings, caplog):
    caplog.set_level(logging.DEBUG)
    settings.HTTP_READ_TIMEOUT = 0.3
    errors = []
    for kind in ("server_error", "rate_limit", "read_timeout", "connection_reset", "malformed_body"):
        fault(kind, delay_ms=1000)
        try:
            specter.submit_customer(person())
        except Exception as error:  # noqa: BLE001 - every kind must be checked
            errors.append(error)
        wait_until_answered(kind)
    assert len(errors) == 5
    signature = __import__("connections.specter.signature", fromlist=["sign"]).sign(
        specter.credentials, "Anna Svensson"
    )
    text = " ".join(f"{e!s} {e!r}" for e in errors) + caplog.text
    assert KEY not in text and signature not in text


def test_articles_are_created_in_batches_and_updated_only_when_asked(specter):
    specter.submit_articles(
        [
            {
                "articleNo": "NY-1",
                "name": "Ny",
                "priceExclVAT": "10",
                "vatPercent": "25",
                "createArticleStock": "1",
                "noItemsInStock": "4",
            },
            {"articleNo": "NY-2", "name": "Ny två", "priceExclVAT": "20", "vatPercent": "12"},
        ],
        update=False,
    )
    assert (
        Article.objects.get(article_no="NY-1").stock == 4 and Article.objects.get(article_no="NY-2").vat_percent == 12
    )
    specter.submit_articles([{"articleNo": "NY-1", "name": "Ändrad", "priceExclVAT": "11"}], update=False)
    assert Article.objects.get(article_no="NY-1").name == "Ny"
    specter.submit_articles([{"articleNo": "NY-1", "name": "Ändrad", "priceExclVAT": "11"}], update=True)
    assert Article.objects.get(article_no="NY-1").name == "Ändrad"
    with pytest.raises(ValueError):
        specter.submit_articles([{"articleNo": f"A{n}"} for n in range(101)], update=True)


def test_an_order_becomes_an_invoice(specter):
    order_no = specter.submit_order(specter.submit_customer(person()), order("WS-21"))
    invoice_no = specter.submit_invoice(order_no)
    assert Order.objects.get(order_no=order_no).invoice_no == invoice_no
