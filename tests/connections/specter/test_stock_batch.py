"""The stock batch as Specter writes it, read without a server: text mode (the default warehouse)
and the multi-warehouse XML (getMultipleStocksites=1), and the figure each shop setting takes."""

from decimal import Decimal

import pytest

from connections.specter import assumptions as A
from connections.specter.batches import PARSERS, SUM_OF_SITES, SiteNotReported, StockChange, stock_figure

MULTI_SITE = f"""<?xml version="1.0" encoding="ISO-8859-1"?><response><APIresponse><result>1</result></APIresponse>
<stockChanges>
  <stock {A.STOCK_SITE_ATTRIBUTE}="2" {A.STOCK_SITE_DEFAULT_ATTRIBUTE}="0"><articles>
    <article><articleNo>MUGG-01</articleNo><noItemsAv>7</noItemsAv></article>
    <article><articleNo>KAFFE-500</articleNo><noItemsAv>noItemsAvailable</noItemsAv></article>
  </articles></stock>
  <stock {A.STOCK_SITE_ATTRIBUTE}="1" {A.STOCK_SITE_DEFAULT_ATTRIBUTE}="1"><articles>
    <article><articleNo>MUGG-01</articleNo><noItemsAv>12,0</noItemsAv></article>
    <article><articleNo>KAFFE-500</articleNo><noItemsAv>40</noItemsAv></article>
  </articles></stock>
</stockChanges></response>"""


def read(text):
    return {change.article_no: change for change in PARSERS["stock"](text, "b1").entries}


def test_the_multi_warehouse_batch_gives_each_article_its_figure_per_site_and_the_default_one():
    changes = read(MULTI_SITE)
    assert changes["MUGG-01"] == StockChange("MUGG-01", Decimal(12), {"2": Decimal(7), "1": Decimal(12)}, "1")
    assert changes["KAFFE-500"].sites == {"2": None, "1": Decimal(40)}  # noItemsAvailable on site 2


def test_without_a_block_marked_default_the_first_block_is_the_default_warehouse():
    unmarked = MULTI_SITE.replace(f' {A.STOCK_SITE_DEFAULT_ATTRIBUTE}="1"', "")
    assert read(unmarked)["MUGG-01"].quantity == Decimal(7)


def test_each_setting_takes_its_own_figure_from_one_change():
    mugg = read(MULTI_SITE)["MUGG-01"]
    assert [stock_figure(mugg, site) for site in ("", SUM_OF_SITES, "1", "2")] == [12, 19, 12, 7]
    assert stock_figure(read(MULTI_SITE)["KAFFE-500"], SUM_OF_SITES) == 40  # nothing available counts as none


def test_a_warehouse_the_batch_does_not_mention_is_not_guessed():
    with pytest.raises(SiteNotReported, match="warehouse 3"):
        stock_figure(read(MULTI_SITE)["MUGG-01"], "3")


def test_a_text_mode_batch_serves_the_default_warehouse_only():
    [change] = PARSERS["stock"]("5531;MUGG-01;14;b1\r", "b1").entries
    assert (change.quantity, change.sites, stock_figure(change, "")) == (Decimal(14), None, Decimal(14))
    with pytest.raises(SiteNotReported):
        stock_figure(change, SUM_OF_SITES)
