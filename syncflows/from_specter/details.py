"""A variant's details from Specter (flow #2 and the initial sync Specter → Starweb): the article
number as the variant's external id, its bar code as EAN, its weight and its buy price as the
variant's cost. Written only when they differ from what the binding remembers, so an unchanged
article writes nothing; the first write also binds by external id a shop variant that was only
matched by its SKU."""

from decimal import Decimal

from django.utils import timezone

from ..models import ProductBinding

EXTERNAL_ID_TYPE = "Specter"
EAN_MAX = 20  # Starweb's limit on ean (OpenAPI ProductVariantPatchRequestModel)
EXTERNAL_ID_MAX = 40


def variant_body(article) -> dict:
    """The PATCH body for the bound variant of `article` (an ArticleInfo or a ListedArticle).
    A detail Specter did not send is left out, so the shop keeps its own value."""
    body = {"externalId": article.article_no[:EXTERNAL_ID_MAX], "externalIdType": EXTERNAL_ID_TYPE}
    # A cut bar code would be another product's EAN: one too long for the shop is not sent at all.
    if article.bar_code and len(article.bar_code) <= EAN_MAX:
        body["ean"] = article.bar_code
    if _usable(article.weight_kg):
        body["weightInKg"] = float(article.weight_kg)  # a number in the API
    if _usable(article.buy_price):
        body["costPrice"] = format(article.buy_price.normalize(), "f")  # a string in the API
    return body


def _usable(value: Decimal | None) -> bool:
    # Starweb takes no negative weight or cost (minimum 0); NaN/Infinity are not figures.
    return value is not None and value.is_finite() and value >= 0


def write_details(binding: ProductBinding, article, starweb) -> bool:
    """PATCH the variant's details if they differ from what was last written; remember them.
    Returns whether it wrote."""
    body = variant_body(article)
    if body == binding.last_details:
        return False
    starweb.update_variant(binding.product_id, binding.variant_id, body)
    ProductBinding.objects.filter(pk=binding.pk).update(last_details=body, synced_at=timezone.now())
    binding.last_details = body
    return True
