"""The variant details mapper (syncflows/from_specter/details.py): what of a Specter article goes onto
its Starweb variant, in the types Starweb's API takes."""

from decimal import Decimal

from connections.specter.articles import ListedArticle
from connections.specter.batches import ArticleInfo
from syncflows.from_specter.details import variant_body


def test_an_article_with_every_detail_becomes_the_variants_external_id_ean_weight_and_cost():
    article = ArticleInfo(
        "MUGG-01", "Mugg", Decimal("79.2"), Decimal("25"), "7350000000101", Decimal("0.420"), Decimal("28.0000")
    )
    assert variant_body(article) == {
        "externalId": "MUGG-01",
        "externalIdType": "Specter",
        "ean": "7350000000101",
        "weightInKg": 0.42,
        "costPrice": "28",
    }


def test_a_detail_specter_does_not_send_or_the_shop_cannot_take_is_left_out():
    listed = ListedArticle(
        "A" * 45, "Lång", None, None, 3, bar_code="1" * 21, weight_kg=Decimal("-1"), buy_price=Decimal("NaN")
    )
    assert variant_body(listed) == {
        "externalId": "A" * 40,
        "externalIdType": "Specter",
    }  # a cut EAN would be another product's
