"""Stock Specter → Starweb (package 200 and up, flows #2 and #3): each article's stock goes to its
Starweb variant (found by SKU through the bindings) at the connection's stock location; a value
equal to the last one written is not written again."""

from django.utils import timezone

from connections.models import Connection
from connections.specter.batches import StockChange

from ..models import ProductBinding
from . import binder
from .result import Result


def apply(connection: Connection, changes: list[StockChange], starweb) -> Result:
    result = Result()
    latest = {change.article_no: change for change in changes}  # the last change of an article wins
    now = timezone.now()
    for _sku, change, binding in binder.each_bound(connection, latest, starweb, result):
        quantity = int(change.quantity) if change.quantity is not None else 0  # "noItemsAvailable"
        if binding.last_stock == quantity:
            result.skipped += 1
            continue
        starweb.set_stock(binding.product_id, binding.variant_id, connection.stock_location_id, quantity)
        ProductBinding.objects.filter(pk=binding.pk).update(last_stock=quantity, synced_at=now)
        result.writes += 1
    return result
