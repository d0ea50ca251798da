"""Stock Specter → Starweb (package 200 and up, flows #2 and #3): each article's stock goes to its
Starweb variant (found by SKU through the bindings) at the connection's stock location; a value
equal to the last one written is not written again."""

from datetime import timedelta

from django.utils import timezone

from connections.models import Connection
from connections.specter.batches import StockChange

from ..models import ProductBinding, SyncRun
from .result import Result

REFRESH_AT_MOST_EVERY = timedelta(minutes=10)


def apply(connection: Connection, changes: list[StockChange], starweb) -> Result:
    result = Result()
    latest = {change.article_no: change for change in changes}  # the last change of an article wins
    bindings = _bindings(connection, latest)
    if set(latest) - set(bindings) and refresh_bindings(connection, starweb):
        bindings = _bindings(connection, latest)
    now = timezone.now()
    for sku, change in latest.items():
        binding = bindings.get(sku)
        if binding is None:
            result.note(f"{sku}: no variant in the shop has this article number")
            continue
        quantity = int(change.quantity) if change.quantity is not None else 0  # "noItemsAvailable"
        if binding.last_stock == quantity:
            result.skipped += 1
            continue
        starweb.set_stock(binding.product_id, binding.variant_id, connection.stock_location_id, quantity)
        ProductBinding.objects.filter(pk=binding.pk).update(last_stock=quantity, synced_at=now)
        result.writes += 1
    return result


def _bindings(connection, skus) -> dict:
    return {b.sku: b for b in ProductBinding.objects.filter(connection=connection, sku__in=list(skus))}


def refresh_bindings(connection: Connection, starweb, *, force: bool = False) -> bool:
    """Read the shop's variants page by page and bind each SKU to its product and variant.
    Not more often than REFRESH_AT_MOST_EVERY unless forced; returns whether it ran."""
    recent = SyncRun.objects.filter(connection=connection, kind="bindings", ok=True,
                                    started_at__gte=timezone.now() - REFRESH_AT_MOST_EVERY).exists()
    if recent and not force:
        return False
    run = SyncRun.objects.create(connection=connection, kind="bindings")
    for product in starweb.products():
        for variant in (product.get("variants") or {}).get("data") or []:
            sku = str(variant.get("sku") or "")
            if not sku or any(ch.isspace() for ch in sku):
                run.skipped += 1
                continue
            ProductBinding.objects.update_or_create(connection=connection, sku=sku, defaults={
                "product_id": product["productId"], "variant_id": variant["variantId"]})
            run.entries += 1
    run.ok, run.finished_at = True, timezone.now()
    run.save()
    return True
