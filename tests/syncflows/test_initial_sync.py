"""The initial product sync Starweb → Specter over real HTTP: every variant an article, bad SKUs
reported per product, page by page with progress, resumable after a crash, a re-run writes nothing,
its time on the service account."""

import pytest
from django.conf import settings
from django.urls import reverse

from billing.models import WorkLog
from connections.models import Connection
from connections.starweb import paging
from simulator.models import CallLog
from simulator.specter.models import Article
from simulator.starweb.demo import add_products, ensure_demo_shop
from simulator.starweb.models import Product
from syncflows.initial_sync import runner as initial
from syncflows.models import InitialSync
from tests.syncflows.wiring import drain, fail_article_submit_on, wired_connection

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def connection(live_server, settings):
    return wired_connection(live_server, settings, flow=Connection.Flow.ECOM, webhooks=False)


def article_calls():
    return CallLog.objects.filter(system="specter", operation="newarticlesubmit").count()


def test_every_variant_of_every_page_becomes_an_article_and_a_rerun_writes_nothing(connection):
    add_products(ensure_demo_shop(), 120)  # 5 demo products + 120: three pages
    sync = initial.run(initial.start(connection, "to_specter").pk)
    assert (sync.state, sync.total, sync.done) == ("done", 125, 125)
    assert Article.objects.filter(account__smb_id="1001", article_no__startswith="ART-").count() == 120
    assert sync.written == 127 and article_calls() == 3  # 7 + 120 variants, one call per page of 50 products
    assert WorkLog.objects.filter(merchant=connection.merchant, category="initial_sync").count() == 1
    calls = article_calls()
    again = initial.run(initial.start(connection, "to_specter").pk)
    assert (again.state, again.written, again.unchanged) == ("done", 0, 127) and article_calls() == calls


def test_a_product_without_or_with_a_bad_article_number_is_left_out_and_named(connection):
    shop = ensure_demo_shop()
    Product.objects.create(
        shop=shop,
        product_id=900,
        data={
            "languages": [{"langCode": "sv", "name": "Namnlös"}],
            "defaultVatRate": "25",
            "variants": [{"variantId": 9000, "sku": "", "stocks": {}, "prices": {}}],
        },
    )
    Product.objects.create(
        shop=shop,
        product_id=901,
        data={
            "languages": [{"langCode": "sv", "name": "Mellanslag"}],
            "defaultVatRate": "25",
            "variants": [{"variantId": 9010, "sku": "MED MELLANSLAG", "stocks": {}, "prices": {}}],
        },
    )
    sync = initial.run(initial.start(connection, "to_specter").pk)
    assert sync.state == "done" and sync.problem_count == 2
    assert ["Namnlös", "no article number"] in sync.problems and [
        "MED MELLANSLAG",
        "the article number contains a space",
    ] in sync.problems
    assert (
        not Article.objects.filter(article_no="MED MELLANSLAG").exists()
        and Article.objects.filter(article_no="MUGG-01").exists()
    )


def test_a_sync_that_stops_on_a_page_resumes_from_it_and_sends_nothing_twice(connection, monkeypatch):
    add_products(ensure_demo_shop(), 120)
    fail_article_submit_on(monkeypatch, 2)  # the second page's call
    sync = initial.run(initial.start(connection, "to_specter").pk)
    assert (sync.state, sync.next_page, sync.done) == ("running", 2, 50) and "503" in sync.error
    InitialSync.objects.filter(pk=sync.pk).update(lease_until=sync.updated_at.replace(year=2000))  # its minute is up
    assert sync.pk in initial.stalled()  # the sweeper would restart it
    sync = initial.run(sync.pk)
    assert (sync.state, sync.done, sync.written) == ("done", 125, 127)
    assert Article.objects.filter(account__smb_id="1001", article_no__startswith="ART-").count() == 120


def test_the_merchant_sees_the_count_starts_the_sync_and_watches_it_finish(connection, client):
    user = connection.merchant.memberships.get().user
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("portal:initial_sync", args=[connection.merchant_id, connection.pk])
    page = client.get(url).content.decode()
    assert "The shop has 5 products." in page and "Specter has 13 articles." in page
    client.post(
        reverse("portal:start_initial_sync", args=[connection.merchant_id, connection.pk]), {"direction": "to_specter"}
    )
    drain()
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-state="done"' in fragment and "100 %" in fragment


def test_a_product_change_in_the_shop_goes_to_specter_when_products_export_on_change(live_server, settings, client):
    connection = wired_connection(
        live_server, settings, flow=Connection.Flow.ECOM, export_product="changed", update_existing_articles="direct"
    )
    from syncflows.models import WebhookEndpoint

    endpoint = WebhookEndpoint.objects.get(connection=connection)
    response = client.post(
        reverse("syncflows:starweb_webhook", args=[endpoint.pk, endpoint.token]),
        data={"eventId": "product-updated", "productId": 101},
        content_type="application/json",
    )
    assert response.status_code == 202
    drain()
    assert Article.objects.filter(account__smb_id="1001", article_no="TSHIRT-S").exists()


def test_reading_a_page_waits_out_the_rate_limit_and_reads_on():
    from connections.errors import RateLimited

    class Limited:
        calls = 0

        def product_page(self, page, params):
            Limited.calls += 1
            if Limited.calls < 3:
                raise RateLimited("starweb: rate limited", wait=0.01)
            return ["row"], 1, 1

    assert paging.read_page(Limited(), 1) == (["row"], 1, 1) and Limited.calls == 3


def test_the_assortment_check_reads_every_page_and_finds_missing_spaced_and_duplicate_skus(connection):
    from syncflows.models import AssortmentCheck
    from syncflows.to_specter import assortment

    shop = ensure_demo_shop()
    add_products(shop, 60)  # a second page
    Product.objects.create(
        shop=shop,
        product_id=990,
        data={
            "defaultVatRate": "25",
            "variants": [
                {"variantId": 9900, "sku": "MUGG-01", "stocks": {}, "prices": {}},  # the demo shop's, again
                {"variantId": 9901, "sku": "", "stocks": {}, "prices": {}},
                {"variantId": 9902, "sku": "A B", "stocks": {}, "prices": {}},
            ],
        },
    )
    check = assortment.scan(AssortmentCheck.objects.create(connection=connection).pk)
    assert (check.state, check.done, check.variants) == ("done", 66, 70)
    assert check.counts == {"missing": 1, "spaced": 1, "duplicated": 1}
    assert check.duplicated == ["MUGG-01"] and check.spaced == ["A B"]


def test_a_second_runner_leaves_a_sync_alone_while_the_first_holds_it(connection):
    from datetime import timedelta

    from django.utils import timezone

    sync = initial.start(connection, "to_specter")
    InitialSync.objects.filter(pk=sync.pk).update(lease_until=timezone.now() + timedelta(minutes=5))  # another worker's
    again = initial.run(sync.pk)
    assert (again.state, again.done, again.next_page) == ("running", 0, 1) and article_calls() == 0


def test_the_sweeper_restarts_a_sync_whose_worker_died_once_on_the_cluster_for_long_work(connection, settings):
    from datetime import timedelta

    from django.utils import timezone
    from django_q.models import OrmQ

    from syncflows.tasks import sweep

    sync = initial.start(connection, "to_specter")
    InitialSync.objects.filter(pk=sync.pk).update(lease_until=timezone.now() - timedelta(seconds=1))  # its holder died
    sweep()
    sweep()  # queued already: not again while it waits for a worker
    queued = [q for q in OrmQ.objects.all() if q.task["func"] == "syncflows.tasks.initial_sync"]
    assert [q.key for q in queued] == [settings.Q_LONG_CLUSTER]
    drain()
    assert InitialSync.objects.get(pk=sync.pk).state == "done"
