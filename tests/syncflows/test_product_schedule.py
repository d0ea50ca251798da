"""Products Starweb → Specter on a schedule, over real HTTP: what the shop changed since the last run
reaches Specter even when no webhook came, an unchanged re-run sends nothing, a failure leaves the
cursor so the next run sends the rest, and only connections exporting products on change take part."""

from datetime import timedelta
from decimal import Decimal
from pydoc import locate
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django_q.models import Schedule

from connections.clients import starweb_for
from connections.errors import Permanent
from connections.models import Connection
from simulator.models import CallLog
from simulator.specter.models import Article
from simulator.starweb.demo import add_products, ensure_demo_shop
from simulator.starweb.models import Product
from syncflows import tasks
from syncflows.models import ExportedArticle, PollCursor, SyncRun
from syncflows.to_specter import changes
from tests.syncflows.wiring import drain, fail_article_submit_on, queued, wired_connection

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def shop():
    """The demo shop, its products last changed yesterday (before the connection was activated)."""
    shop = ensure_demo_shop()
    Product.objects.filter(shop=shop).update(modified_at=timezone.now() - timedelta(days=1))
    return shop


@pytest.fixture
def connection(live_server, settings, shop):
    return wired_connection(
        live_server,
        settings,
        flow=Connection.Flow.ECOM,
        export_product="changed",
        update_existing_articles="direct",
        webhooks=False,
        activated_at=timezone.now() - timedelta(hours=1),
    )


def article_calls():
    return CallLog.objects.filter(system="specter", operation="newarticlesubmit").count()


def change_price(shop, product_id, price):
    product = Product.objects.get(shop=shop, product_id=product_id)
    product.data["variants"][0]["prices"]["1"]["priceExVat"] = price
    product.save()  # modified_at moves on, as Starweb's modifiedAt does; no webhook is sent


def scheduled_run() -> SyncRun:
    tasks.export_changed_all()
    drain()
    return SyncRun.objects.filter(kind="products").latest("pk")


def test_a_first_run_starts_at_the_activation_and_leaves_the_assortment_to_the_initial_sync(connection):
    run = scheduled_run()
    assert (run.ok, run.entries, run.writes) == (True, 0, 0) and run.finished_at is not None
    assert article_calls() == 0
    assert PollCursor.objects.get(connection=connection).products_seen_until == connection.activated_at


def test_a_product_changed_in_the_shop_without_a_webhook_reaches_specter_on_the_next_run(connection, shop):
    scheduled_run()
    change_price(shop, 101, 99)
    first_new = add_products(shop, 1, prefix="NY")
    Product.objects.create(
        shop=shop,
        product_id=first_new + 1,
        data={
            "languages": [{"langCode": "sv", "name": "Mellanslag"}],
            "defaultVatRate": "25",
            "variants": [{"variantId": 99990, "sku": "MED MELLANSLAG", "stocks": {}, "prices": {}}],
        },
    )
    run = scheduled_run()
    assert run.ok and run.entries == 3 and run.writes == 4  # three T-shirt variants and the new product
    assert Article.objects.get(account__smb_id="1001", article_no="TSHIRT-S").price_ex_vat == Decimal("99")
    assert Article.objects.filter(account__smb_id="1001", article_no=f"NY-{first_new}").exists()
    assert not Article.objects.filter(article_no="MED MELLANSLAG").exists()
    assert "MED MELLANSLAG: the article number contains a space" in run.summary
    assert not Article.objects.filter(account__smb_id="1001", article_no="MUGG-01", price_ex_vat=Decimal("99")).exists()
    cursor = PollCursor.objects.get(connection=connection).products_seen_until
    assert cursor > connection.activated_at


def test_a_rerun_without_changes_sends_nothing(connection, shop):
    scheduled_run()
    change_price(shop, 101, 99)
    scheduled_run()
    calls = article_calls()
    again = scheduled_run()  # the overlap reads the same product again; its content is unchanged
    assert again.ok and (again.entries, again.writes, again.skipped) == (1, 0, 3)
    assert article_calls() == calls


def test_a_failure_from_specter_mid_run_leaves_the_cursor_and_the_next_run_sends_the_rest(
    connection, shop, monkeypatch
):
    scheduled_run()
    before = PollCursor.objects.get(connection=connection).products_seen_until
    add_products(shop, 60)  # two pages of changed products: 50 and 10
    fail_article_submit_on(monkeypatch, 2)  # the second page's call
    failed = scheduled_run()
    assert not failed.ok and "503" in failed.summary and failed.writes == 50
    assert PollCursor.objects.get(connection=connection).products_seen_until == before
    assert ExportedArticle.objects.filter(connection=connection).count() == 50

    sent = article_calls()
    run = scheduled_run()
    assert run.ok and (run.writes, run.skipped) == (10, 50)  # the first page is not sent twice
    assert article_calls() == sent + 1
    assert Article.objects.filter(account__smb_id="1001", article_no__startswith="ART-").count() == 60
    assert PollCursor.objects.get(connection=connection).products_seen_until > before


def test_only_connections_exporting_products_on_change_on_a_flow_their_package_allows_are_run(
    live_server, settings, shop
):
    exporting = wired_connection(
        live_server, settings, flow=Connection.Flow.ECOM, export_product="changed", webhooks=False
    )
    erp = wired_connection(live_server, settings, flow=Connection.Flow.ERP, export_product="changed", webhooks=False)
    inactive = wired_connection(
        live_server, settings, flow=Connection.Flow.ECOM, export_product="inactive", webhooks=False
    )
    combo_on_200 = wired_connection(
        live_server, settings, flow=Connection.Flow.COMBO, export_product="changed", webhooks=False
    )
    paused = wired_connection(
        live_server,
        settings,
        flow=Connection.Flow.ECOM,
        export_product="changed",
        webhooks=False,
        status=Connection.Status.PAUSED,
    )
    assert [c.pk for c in changes.connections_exporting()] == [exporting.pk]
    assert tasks.export_changed_all() == 1
    assert queued() == [("syncflows.tasks.export_changed_products", (str(exporting.pk),))]
    for connection in (erp, inactive, combo_on_200, paused):
        assert changes.export_changed(connection) is None
        assert tasks.export_changed_products(str(connection.pk)) is False
    assert not SyncRun.objects.exclude(connection=exporting).exists()


def test_the_simulated_shop_lists_only_products_changed_since_updated_since(connection, shop):
    Product.objects.filter(shop=shop, product_id=102).update(modified_at=timezone.now())
    since = timezone.now() - timedelta(hours=1)
    starweb = starweb_for(connection)
    for written in (
        since.isoformat(timespec="seconds"),
        since.astimezone(ZoneInfo("Europe/Stockholm")).isoformat(),
        since.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%SZ"),
    ):
        rows, total, _pages = starweb.page("/products", 1, {"updatedSince": written})
        assert [row["productId"] for row in rows] == [102] and total == 1
    rows, total, _pages = starweb.page("/products", 1, {"updatedSince": (since - timedelta(days=2)).isoformat()})
    assert total == 5


def test_the_simulated_shop_refuses_an_updated_since_that_is_not_a_time(connection):
    with pytest.raises(Permanent, match="updatedSince"):
        starweb_for(connection).page("/products", 1, {"updatedSince": "yesterday"})


def test_the_product_export_schedule_exists_after_migrate():
    schedule = Schedule.objects.get(name="product export")
    assert schedule.func == "syncflows.tasks.export_changed_all" and schedule.repeats == -1 and schedule.minutes == 15
    assert locate(schedule.func) is tasks.export_changed_all
