"""Price lists Specter → Starweb over real HTTP (package 400): matched by name, plain and volume
prices, written once, and what cannot be matched reported while the rest goes."""

from decimal import Decimal

import pytest

from bench.demo import wire_callbacks
from connections.models import Connection
from connections.specter.price_lists import PriceList
from simulator.models import CallLog
from simulator.specter import changes
from simulator.specter.models import Account
from simulator.starweb.models import Product
from syncflows.from_specter import price_lists, pull
from syncflows.models import ProductBinding, SyncRun
from tests.syncflows.wiring import drain, wired_connection

pytestmark = pytest.mark.django_db(transaction=True)

RESELLERS = 2  # the demo shop's "Återförsäljare"; Specter's list of that name has id 3


@pytest.fixture
def connection(live_server, settings):
    connection = wired_connection(live_server, settings, flow=Connection.Flow.ERP, package="400")
    wire_callbacks(connection, "1001", live_server.url)
    return connection


@pytest.fixture
def account(connection):
    return Account.objects.get(smb_id="1001")


def shop_price(sku: str, pricelist_id: int = RESELLERS) -> dict:
    return next(
        v for p in Product.objects.filter(shop__slug="demobutiken") for v in p.data["variants"] if v["sku"] == sku
    )["prices"].get(str(pricelist_id))


def price_writes() -> int:
    return CallLog.objects.filter(system="starweb", operation__contains="/prices/", mutating=True).count()


def test_a_price_list_price_in_specter_reaches_the_shops_price_list_of_the_same_name(account):
    changes.set_list_price(account, "Återförsäljare", "TSHIRT-M", Decimal("120.00"))
    drain()  # actionArticleChange queued the pulls
    assert shop_price("TSHIRT-M")["priceExVat"] == 120.0
    assert shop_price("TSHIRT-M", 1)["priceExVat"] == 159.2  # the master list is not touched
    assert ProductBinding.objects.get(sku="TSHIRT-M").last_list_prices == {f"{RESELLERS}:1": "120.00"}


def test_a_volume_price_reaches_the_variants_volume_prices_on_that_list(account):
    changes.set_list_price(account, "Återförsäljare", "MUGG-01", Decimal("63.20"))
    changes.set_list_price(account, "Återförsäljare", "MUGG-01", Decimal("55.00"), from_quantity=10)
    drain()
    assert shop_price("MUGG-01") == {"priceExVat": 63.2, "specialPriceExVat": None, "volumePrices": {"10": 55.0}}


def test_an_unchanged_price_run_again_writes_nothing(connection, account):
    changes.set_list_price(account, "Återförsäljare", "MUGG-01", Decimal("63.20"))
    changes.set_list_price(account, "Återförsäljare", "MUGG-01", Decimal("55.00"), from_quantity=10)
    drain()
    writes, before = price_writes(), SyncRun.objects.latest("pk").pk
    assert writes == 3  # the price, then the volume price: a PUT not found and a POST
    changes.set_list_price(account, "Återförsäljare", "MUGG-01", Decimal("63.20"))
    changes.set_list_price(account, "Återförsäljare", "MUGG-01", Decimal("55.00"), from_quantity=10)
    drain()
    assert price_writes() == writes
    runs = SyncRun.objects.filter(kind="pricelists", ok=True, pk__gt=before)  # each ping queued a pull
    assert [sum(getattr(run, field) for run in runs) for field in ("entries", "writes", "skipped")] == [2, 0, 2]


def test_a_specter_price_list_without_a_same_named_shop_list_is_reported_and_the_other_prices_go(connection, account):
    account.price_lists.create(price_list_id=7, name="Export", currency="SEK")
    changes.set_list_price(account, "Export", "BOK-01", Decimal("150.00"))
    changes.set_list_price(account, " ÅTERFÖRSÄLJARE", "BOK-01", Decimal("160.00"))
    drain()
    assert shop_price("BOK-01")["priceExVat"] == 160.0
    runs = SyncRun.objects.filter(kind="pricelists")
    assert all(run.ok for run in runs) and any(
        "“Export” has no price list of that name in the shop" in run.summary for run in runs
    )


def test_an_article_the_shop_lacks_is_reported_and_the_rest_goes(connection, account):
    changes.set_list_price(account, "Återförsäljare", "BARA-I-SPECTER", Decimal("10.00"))
    changes.set_list_price(account, "Återförsäljare", "KAFFE-500", Decimal("60.00"))
    drain()
    assert shop_price("KAFFE-500")["priceExVat"] == 60.0
    assert any("BARA-I-SPECTER" in run.summary for run in SyncRun.objects.filter(kind="pricelists"))


def test_the_schedule_and_the_article_callback_pull_price_lists_for_package_400(connection, account):
    from syncflows import tasks
    from tests.syncflows.wiring import queued

    drain()
    tasks.pull_all_specter()  # the 5-minute schedule's task
    assert ("syncflows.tasks.pull_specter", (str(connection.pk), "pricelists")) in queued()
    drain()
    changes.set_list_price(account, 3, "TSHIRT-S", Decimal("125.00"))  # pings actionArticleChange
    assert ("syncflows.tasks.pull_specter", (str(connection.pk), "pricelists")) in queued()


@pytest.mark.parametrize("package_code", ["100", "200"])
def test_a_package_below_400_gets_no_price_lists(live_server, settings, package_code):
    connection = wired_connection(live_server, settings, flow=Connection.Flow.ERP, package=package_code)
    wire_callbacks(connection, "1001", live_server.url)
    writes = price_writes()
    changes.set_list_price(Account.objects.get(smb_id="1001"), "Återförsäljare", "TSHIRT-L", Decimal("99.00"))
    drain()
    assert pull.pull(connection, "pricelists") is None and not SyncRun.objects.filter(kind="pricelists").exists()
    assert price_writes() == writes and shop_price("TSHIRT-L") is None
    assert connection not in pull.connections_taking("pricelists")


class Lists:
    """A stand-in for Specter's price-list call."""

    def __init__(self, *lists):
        self.lists = list(lists)

    def price_lists(self):
        return self.lists


def test_names_match_trimmed_and_case_ignored_but_not_across_currencies():
    shop = [
        {"pricelistId": 1, "name": "Standard", "currencyCode": "SEK"},
        {"pricelistId": 2, "name": "Återförsäljare ", "currencyCode": "SEK"},
        {"pricelistId": 5, "name": "Export", "currencyCode": "SEK"},
    ]
    matched, unmatched = price_lists.targets(
        [
            PriceList("3", "återförsäljare", "SEK", ""),
            PriceList("4", "Export", "EUR", ""),
            PriceList("9", "Grossist", "SEK", ""),
        ],
        shop,
    )
    assert matched == {"3": 2}
    assert set(unmatched) == {"4", "9"} and "EUR" in unmatched["4"]
