"""Products Specter → Starweb (flow #2, Specter rules products): an article Specter reports that
no shop variant has becomes a product with one variant, hidden until the merchant shows it,
bound by SKU and carrying Specter's article number as its external id, put in the connection's
category for new products (categories follow the products where the legacy API allows: it
carries no category or variant template of its own); a known one whose name
changed in Specter gets the new name; either way the variant's details (external id, EAN, weight,
cost: details.py) follow when they changed; then prices follow (prices.apply) for every article."""

from decimal import Decimal

from connections import flows
from connections.models import Connection
from connections.specter.batches import ArticleInfo

from .. import bindings
from ..models import ProductBinding
from ..run_result import Result
from . import details, prices


def apply(connection: Connection, changes: list[ArticleInfo], starweb) -> Result:
    created = Result()
    # Where Specter rules products (flow #2); the pull asked `may` before it fetched the batch.
    if flows.moves(connection, flows.Capability.PRODUCTS, flows.Direction.TO_STARWEB):
        own = connection.export_settings.special_articles()  # shipping, discounts, fees...: never products
        latest = {c.article_no: c for c in changes if not bindings.not_a_product(c.article_no, own)}
        known = bindings.bound(connection, latest, starweb)
        for sku, change in latest.items():
            if sku not in known:
                create(
                    connection,
                    change.article_no,
                    change.name,
                    change.vat_percent,
                    starweb,
                    details.variant_body(change),
                )
                created.writes += 1
                continue
            if (
                change.name
                and change.name[:150] != known[sku].last_name
                and rename(known[sku], change.name[:150], starweb)
            ):
                created.writes += 1
            # Also binds by external id a shop variant that was only matched by its SKU.
            if details.write_details(known[sku], change, starweb):
                created.writes += 1
    result = prices.apply(connection, changes, starweb)
    result.writes += created.writes
    return result


def create(
    connection: Connection,
    article_no: str,
    name: str,
    vat_percent: Decimal | None,
    starweb,
    variant_details: dict | None = None,
) -> ProductBinding:
    """A hidden product with one variant for a Specter article, in the connection's category for new
    products (if one is chosen), bound by SKU with Specter's article number as its external id.
    `variant_details` (details.variant_body) go onto the new variant and are remembered, so they
    are not written a second time."""
    vat = vat_percent if vat_percent is not None else Decimal("25")
    name = (name or article_no)[:150]
    product = starweb.create_product(
        {
            "defaultVatRate": format(vat.normalize(), "f"),
            "visibility": "hidden",
            "externalId": article_no[:40],
            "externalIdType": "Specter",
            "languages": [{"langCode": "sv", "name": name}],
        }
    )
    variant_details = variant_details or {"externalId": article_no[:40], "externalIdType": "Specter"}
    variant = starweb.create_variant(product["productId"], {"sku": article_no, **variant_details})
    if connection.product_category_id:
        starweb.add_to_category(product["productId"], connection.product_category_id)
    binding, _ = ProductBinding.objects.update_or_create(
        connection=connection,
        sku=article_no,
        defaults={
            "product_id": product["productId"],
            "variant_id": variant["variantId"],
            "last_name": name,
            "last_details": variant_details,
        },
    )
    return binding


def rename(binding: ProductBinding, name: str, starweb) -> bool:
    """Give the product its article's name (Swedish, the shop's default), when the product is that
    one article. A product of several variants keeps the shop's name: each variant is its own
    Specter article ("T-shirt S", "T-shirt M"), and none of their names is the product's. The name
    is remembered either way, so it is weighed once. Returns whether the shop was written."""
    ProductBinding.objects.filter(pk=binding.pk).update(last_name=name)
    if ProductBinding.objects.filter(connection_id=binding.connection_id, product_id=binding.product_id).count() > 1:
        return False
    starweb.update_product(binding.product_id, {"languages": [{"langCode": "sv", "name": name}]})
    return True
