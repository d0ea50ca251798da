"""Defaults that work and a pre-flight that means it: red whenever orders would not go, Activate
refusing a red finding unless the owner ticks it by name, nothing typed from memory, and an
overview that says when and why orders are not exported and whether the systems reach each other."""

import pytest
from auditlog.models import LogEntry
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from connections.models import Connection
from simulator.specter.models import Article
from simulator.starweb.models import WebHook
from syncflows import reachability
from tests.portal.test_wizard import new_connection, simulators, step_url, walk_to_activation  # noqa: F401 (fixture)
from tests.syncflows.wiring import drain

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def activate(client, connection, **data):
    return client.post(reverse("portal:activate", args=[connection.merchant_id, connection.pk]), data, follow=True)


def test_a_new_connection_exports_orders_when_they_are_registered_by_default(merchant):
    assert Connection.objects.create(merchant=merchant, name="Ny").export_order == Connection.OrderExport.REGISTERED


@pytest.mark.parametrize("mode, words", [("inactive", "Inactive"), ("manual", "Manual export")])
def test_export_inactive_or_manual_is_red_and_activate_refuses_until_the_owner_ticks_it(
    owner_client, merchant, simulators, live_server, mode, words
):
    connection = new_connection(owner_client, merchant)
    walk_to_activation(owner_client, connection, live_server)
    Connection.objects.filter(pk=connection.pk).update(export_order=mode)
    body = owner_client.get(step_url(connection, "check"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert body.count("finding-problem") == 1 and words in body and 'name="anyway" value="export"' in body
    refused = activate(owner_client, connection)
    connection.refresh_from_db()
    assert (
        connection.status == Connection.Status.DRAFT
        and "Not activated" in refused.content.decode()
        or "Inte aktiverad" in refused.content.decode()
    )
    assert not WebHook.objects.exists()
    activate(owner_client, connection, anyway="export")
    connection.refresh_from_db()
    assert connection.status == Connection.Status.ACTIVE
    entry = LogEntry.objects.filter(object_pk=str(connection.pk), changes__has_key="activated_anyway").get()
    assert entry.actor.email == merchant.memberships.get().user.email and entry.changes["activated_anyway"][1]


def test_a_paused_connection_and_trigger_statuses_the_shop_lacks_are_red(
    owner_client, merchant, simulators, live_server
):
    connection = new_connection(owner_client, merchant)
    walk_to_activation(owner_client, connection, live_server)
    Connection.objects.filter(pk=connection.pk).update(status=Connection.Status.PAUSED, trigger_status_ids=[98, 99])
    body = owner_client.get(step_url(connection, "check")).content.decode()
    assert 'value="paused"' in body and 'value="triggers"' in body and body.count("finding-problem") == 2


def test_a_service_article_specter_lacks_is_red_and_created_in_specter_on_flow_one(
    owner_client, merchant, simulators, live_server
):
    connection = new_connection(owner_client, merchant)
    walk_to_activation(owner_client, connection, live_server)  # flow 1
    Connection.objects.filter(pk=connection.pk).update(shipping_article="FRAKT-NY")
    owner_client.get(step_url(connection, "check"))  # asks a bulk worker to read Specter's register
    drain()
    body = owner_client.get(step_url(connection, "check")).content.decode()
    assert "FRAKT-NY" in body and 'id="create-articles"' in body and body.count("finding-problem") == 1
    owner_client.post(reverse("portal:create_articles", args=[merchant.pk, connection.pk]))
    assert Article.objects.filter(article_no="FRAKT-NY").count() == 1
    assert "finding-problem" not in owner_client.get(step_url(connection, "check")).content.decode()


def test_on_flow_two_the_owner_is_told_to_create_it_in_specter_and_we_create_nothing(
    owner_client, merchant, simulators, live_server
):
    connection = new_connection(owner_client, merchant)
    walk_to_activation(owner_client, connection, live_server)
    Connection.objects.filter(pk=connection.pk).update(flow=Connection.Flow.ERP, cod_article="PF-SAKNAS")
    owner_client.get(step_url(connection, "check"))  # asks a bulk worker to read Specter's register
    drain()
    body = owner_client.get(step_url(connection, "check")).content.decode()
    assert "PF-SAKNAS" in body and 'id="create-articles"' not in body
    assert owner_client.post(reverse("portal:create_articles", args=[merchant.pk, connection.pk])).status_code == 404
    assert not Article.objects.filter(article_no="PF-SAKNAS").exists()


def test_methods_default_to_the_shops_own_ids_and_specters_payment_types_by_name(
    owner_client, merchant, simulators, live_server
):
    connection = new_connection(owner_client, merchant)
    Connection.objects.filter(pk=connection.pk).update(
        starweb_base_url=f"{live_server.url}/sim/starweb/demobutiken/api/v2", starweb_client_id="demo-client"
    )
    connection.refresh_from_db()
    connection.starweb_client_secret = "demo-client-secret"
    connection.save()
    page = owner_client.get(step_url(connection, "methods"))
    form = page.context["form"]
    assert [form[f"ship_{n}"].value() for n in (1, 2, 3)] == ["1", "2", "3"]
    assert [form[f"pay_{n}"].value() for n in (1, 2, 3, 4)] == [
        "K",
        "I",
        "P",
        "SW",
    ]  # Klarna, Faktura, Postförskott, Swish
    assert "Extern nyckel" in page.content.decode() and '<select name="pay_1"' in page.content.decode()
    owner_client.post(
        step_url(connection, "methods"),
        {f"ship_{n}": str(n) for n in (1, 2, 3)} | {"pay_1": "K", "pay_2": "I", "pay_3": "P", "pay_4": "SW"},
    )
    connection.refresh_from_db()
    assert connection.delivery_methods == {"1": "1", "2": "2", "3": "3"} and connection.payment_methods["3"] == "P"
    assert (
        owner_client.post(step_url(connection, "methods"), {"pay_1": "KLARNA-FRAN-MINNET"}).status_code == 200
    )  # not a code


def test_the_overview_says_when_and_why_orders_are_not_exported(owner_client, merchant):
    connection = Connection.objects.create(
        merchant=merchant, name="Shop", status=Connection.Status.ACTIVE, export_order=Connection.OrderExport.INACTIVE
    )
    url = reverse("portal:dashboard", args=[merchant.pk, connection.pk])
    body = owner_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="not-exporting"' in body and "Inactive" in body
    Connection.objects.filter(pk=connection.pk).update(status=Connection.Status.PAUSED, export_order="registered")
    body = owner_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="not-exporting"' in body and "paused" in body


def test_health_is_green_only_when_both_systems_and_we_reach_each_other(
    owner_client, merchant, simulators, live_server, settings
):
    settings.PUBLIC_BASE_URL = live_server.url
    connection = new_connection(owner_client, merchant)
    walk_to_activation(owner_client, connection, live_server)
    activate(owner_client, connection)
    connection.refresh_from_db()
    assert reachability.check(connection, fresh=True) == []
    url = reverse("portal:dashboard", args=[merchant.pk, connection.pk])
    assert 'id="unreachable"' not in owner_client.get(url).content.decode()

    WebHook.objects.filter(event="order-created").delete()  # the shop no longer posts new orders to us
    problems = reachability.check(connection, fresh=True)
    assert len(problems) == 1 and "order-created" in problems[0].what

    settings.PUBLIC_BASE_URL = "http://127.0.0.1:9"  # nobody answers where the shop and Specter are told to call
    assert any("127.0.0.1:9" in p.what for p in reachability.check(connection, fresh=True))

    settings.PUBLIC_BASE_URL = live_server.url
    activate(owner_client, connection)
    connection.refresh_from_db()
    connection.starweb_base_url = "http://127.0.0.1:9/api/v2"  # the secret goes with it, as the form would require
    connection.starweb_client_secret = connection.starweb_client_secret.reveal()
    connection.save()
    with translation.override("en"):
        problems = reachability.check(connection, fresh=True)
    assert len(problems) == 1 and "shop" in problems[0].what
    cache.clear()
    assert 'id="unreachable"' in owner_client.get(url).content.decode()


def test_refused_credentials_turn_the_overviews_credentials_red_too(
    owner_client, merchant, simulators, live_server, settings
):
    settings.PUBLIC_BASE_URL = live_server.url
    connection = new_connection(owner_client, merchant)
    walk_to_activation(owner_client, connection, live_server)
    activate(owner_client, connection)
    connection.refresh_from_db()
    connection.specter_md5key = "no-longer-valid"
    connection.save()
    problems = reachability.check(connection, fresh=True)
    assert [p.credentials for p in problems] == [True]
    body = owner_client.get(
        reverse("portal:dashboard", args=[merchant.pk, connection.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    credentials_row = body.split("Credentials</dt>", 1)[1].split("</dd>", 1)[0]
    assert "text-danger" in credentials_row


def test_the_overviews_probes_wait_briefly_and_every_other_call_keeps_the_configured_timeouts(settings):
    from connections import http

    settings.HTTP_CONNECT_TIMEOUT, settings.HTTP_READ_TIMEOUT = 5, 30
    with http.short_timeouts(3, 8):
        assert http.timeouts() == (3, 8)
    assert http.timeouts() == (5, 30)
