"""The binder (design.md §4): a shop variant known by its SKU, found once by reading the shop's
assortment page by page, then looked up in our table."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_noop

from connections.models import Connection
from integrator import article_numbers

from .models import ProductBinding, SyncRun

REFRESH_AT_MOST_EVERY = timedelta(minutes=10)


def usable_sku(sku: str) -> bool:
    """An article number we can bind and send: present, visible characters only, no spaces
    (domain.md; the one rule is integrator.article_numbers)."""
    return article_numbers.usable(sku)


def not_a_product(sku: str, service_articles: set[str]) -> str | None:
    """Why a Specter article number must not become a shop product, or None if it may: one rule for
    flow #2 and the initial sync Specter → Starweb. `service_articles` are the connection's own
    articles for shipping, discounts, fees, gift cards and rounding (ExportSettings.special_articles),
    which Specter lists like any article. The reasons are stored in English, shown translated."""
    wrong = article_numbers.problem(sku)
    if wrong:
        return article_numbers.STORED_REASONS[wrong]
    if sku in service_articles:
        return gettext_noop(
            "the connection's own article for shipping, discounts, fees, gift cards or rounding: not a product"
        )
    return None


def each_bound(connection, latest: dict, starweb, result):
    """(sku, change, binding) for each SKU of `latest` that the shop has; the others are noted on
    `result` as missing in the shop."""
    bindings = bound(connection, latest, starweb)
    for sku, change in latest.items():
        binding = bindings.get(sku)
        if binding is None:
            result.note(f"{sku}: no variant in the shop has this article number")
            continue
        yield sku, change, binding


def bound(connection, skus, starweb) -> dict:
    """{sku: ProductBinding} for the SKUs the shop has; an unknown SKU refreshes the bindings once
    (not more often than REFRESH_AT_MOST_EVERY)."""
    found = {b.sku: b for b in ProductBinding.objects.filter(connection=connection, sku__in=list(skus))}
    if set(skus) - set(found) and refresh(connection, starweb):
        found = {b.sku: b for b in ProductBinding.objects.filter(connection=connection, sku__in=list(skus))}
    return found


def refresh(connection: Connection, starweb, *, force: bool = False) -> bool:
    """Read the shop's variants page by page and bind each SKU to its product and variant.
    Not more often than REFRESH_AT_MOST_EVERY unless forced; returns whether it ran."""
    recent = SyncRun.objects.filter(
        connection=connection, kind="bindings", ok=True, started_at__gte=timezone.now() - REFRESH_AT_MOST_EVERY
    ).exists()
    if recent and not force:
        return False
    run = SyncRun.objects.create(connection=connection, kind="bindings")
    for product in starweb.products():
        for variant in (product.get("variants") or {}).get("data") or []:
            sku = str(variant.get("sku") or "")
            if not usable_sku(sku):
                run.skipped += 1
                continue
            ProductBinding.objects.update_or_create(
                connection=connection,
                sku=sku,
                defaults={"product_id": product["productId"], "variant_id": variant["variantId"]},
            )
            run.entries += 1
    run.ok, run.finished_at = True, timezone.now()
    run.save()
    return True
