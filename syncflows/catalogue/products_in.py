"""Products Specter → Starweb (flow #2, Specter rules products): an article Specter reports that
no shop variant has becomes a product with one variant, hidden until the merchant shows it,
bound by SKU and carrying Specter's article number as its external id; a known one whose name
changed in Specter gets the new name; then prices follow (prices.apply) for every article."""

from decimal import Decimal

from connections.models import Connection
from connections.specter.batches import ArticleInfo

from ..models import ProductBinding
from . import binder, prices
from .result import Result


def apply(connection: Connection, changes: list[ArticleInfo], starweb) -> Result:
    created = Result()
    if connection.flow == Connection.Flow.ERP:
        latest = {c.article_no: c for c in changes if c.article_no and not any(ch.isspace() for ch in c.article_no)}
        known = binder.bound(connection, latest, starweb)
        for sku, change in latest.items():
            if sku not in known:
                _create(connection, change, starweb)
                created.writes += 1
            elif change.name and change.name[:150] != known[sku].last_name:
                _rename(known[sku], change.name[:150], starweb)
                created.writes += 1
    result = prices.apply(connection, changes, starweb)
    result.writes += created.writes
    return result


def _create(connection: Connection, change: ArticleInfo, starweb) -> None:
    vat = change.vat_percent if change.vat_percent is not None else Decimal("25")
    product = starweb.create_product({
        "defaultVatRate": format(vat.normalize(), "f"), "visibility": "hidden", "externalId": change.article_no[:40],
        "externalIdType": "Specter", "languages": [{"langCode": "sv", "name": (change.name or change.article_no)[:150]}],
    })
    variant = starweb.create_variant(product["productId"], {"sku": change.article_no, "externalId": change.article_no[:40],
                                                           "externalIdType": "Specter"})
    ProductBinding.objects.update_or_create(connection=connection, sku=change.article_no, defaults={
        "product_id": product["productId"], "variant_id": variant["variantId"], "last_name": (change.name or change.article_no)[:150]})


def _rename(binding: ProductBinding, name: str, starweb) -> None:
    # One variant per article here, so the product's name is the article's (Swedish, the shop's default).
    starweb.update_product(binding.product_id, {"languages": [{"langCode": "sv", "name": name}]})
    ProductBinding.objects.filter(pk=binding.pk).update(last_name=name)
