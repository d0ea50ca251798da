"""The initial sync Specter → Starweb (a new shop): every article of Specter's register becomes a
product of the shop, or updates the one with its SKU (name, price on the master price list, the
variant's external id, EAN, weight and cost, and stock where the package includes stock). Hidden
products, as in flow #2: the merchant shows them.

A repeated page changes nothing twice: the bindings remember what was written. The first page of a
run that may repeat a crashed one (`careful`) asks the shop for each SKU before creating it."""

import re

from django.utils.translation import gettext_lazy as _  # reasons stored in English, shown translated

from connections import flows
from connections.models import Connection
from connections.patience import patiently
from connections.specter import articles

from .. import bindings
from ..from_specter import details, products
from ..models import ProductBinding, SpecterArticle
from ..orders import articles as specter_articles
from .page import Direction, Page

FILTERABLE_SKU = re.compile(r"[A-Za-z0-9._-]+")  # Starweb's pattern for filterSku (OpenAPI 2.12)


def _count(connection, starweb, specter) -> int:
    return patiently(lambda: articles.page(specter, 1)).total


def _page(connection: Connection, number: int, starweb, specter, *, careful: bool) -> Page:
    listing = patiently(lambda: articles.page(specter, number))
    specter_articles.learn([connection.pk], [a.article_no for a in listing.articles], SpecterArticle.Source.REGISTER)
    if number == 1:
        bindings.refresh(connection, starweb, force=True)  # the shop's own products are matched, not doubled
    writer = _Writer(connection, starweb)
    own = connection.export_settings.special_articles()
    known = {
        b.sku: b
        for b in ProductBinding.objects.filter(connection=connection, sku__in=[a.article_no for a in listing.articles])
    }
    page = Page(len(listing.articles), listing.total, listing.pages)
    for article in listing.articles:
        sku = article.article_no
        why_not = bindings.not_a_product(sku, own)
        if why_not:
            page.problems.append([sku or article.name, why_not])
            continue
        binding = known.get(sku) or (writer.find(sku) if careful else None)
        if binding is None:
            binding = products.create(
                connection, sku, article.name, article.vat_percent, starweb, details.variant_body(article)
            )
        if writer.put(binding, article):
            page.written += 1
        else:
            page.unchanged += 1
    return page


class _Writer:
    """Writes what changed of one article onto its bound variant, remembering it on the binding."""

    def __init__(self, connection: Connection, starweb):
        self.connection, self.starweb = connection, starweb
        # A new shop gets Specter's stock once if the package has stock, whatever the flow.
        self.stock = bool(flows.Permits(connection).package(flows.Capability.STOCK))
        self._refreshed = False

    def find(self, sku: str) -> ProductBinding | None:
        """The shop's variant with this SKU, if any, bound. Starweb's filterSku takes only
        [A-Za-z0-9._-]; for another SKU the whole shop is read once (bindings refreshed) instead."""
        if not FILTERABLE_SKU.fullmatch(sku):
            bindings.refresh(self.connection, self.starweb, force=not self._refreshed)
            self._refreshed = True
            return ProductBinding.objects.filter(connection=self.connection, sku=sku).first()
        for product in self.starweb.products_with_sku(sku):
            for variant in (product.get("variants") or {}).get("data") or []:
                if variant.get("sku") == sku:
                    binding, _ = ProductBinding.objects.update_or_create(
                        connection=self.connection,
                        sku=sku,
                        defaults={"product_id": product["productId"], "variant_id": variant["variantId"]},
                    )
                    return binding
        return None

    def put(self, binding: ProductBinding, article) -> bool:
        changed = {}
        name = (article.name or article.article_no)[:150]
        renamed = name != binding.last_name and products.rename(
            binding, name, self.starweb
        )  # remembers the name itself
        if article.price_ex_vat is not None and binding.last_price != article.price_ex_vat:
            self.starweb.set_price(
                binding.product_id, binding.variant_id, self.starweb.master_pricelist_id(), article.price_ex_vat
            )
            changed["last_price"] = article.price_ex_vat
        if self.stock and article.stock is not None and binding.last_stock != article.stock:
            self.starweb.set_stock(
                binding.product_id, binding.variant_id, self.connection.stock_location_id, article.stock
            )
            changed["last_stock"] = article.stock
        if changed:
            ProductBinding.objects.filter(pk=binding.pk).update(**changed)
        detailed = details.write_details(binding, article, self.starweb)  # remembers them itself
        return renamed or bool(changed) or detailed


TO_STARWEB = Direction("to_starweb", _("Specter → Starweb"), _count, _page)
