"""Stock Specter → Starweb (package 200 and up, flows #2 and #3): each article's stock goes to its
Starweb variant (found by SKU through the bindings) at the connection's stock location; a value
equal to the last one written is not written again.

Which figure a shop gets is its own setting (Connection.stock_site): Specter's default warehouse,
all warehouses added up, or one of them. A SET (package) article is an article like any other here:
Specter reports its availability itself (connections/specter/assumptions.py)."""

from django.utils import timezone

from connections.models import Connection
from connections.specter.batches import SiteNotReported, StockChange, stock_figure

from .. import bindings
from ..models import ProductBinding
from ..run_result import Result


def needs_sites(connections) -> bool:
    """Whether a stock pull serving `connections` must ask Specter for every warehouse's figure."""
    return any(connection.stock_site for connection in connections)


def apply(connection: Connection, changes: list[StockChange], starweb) -> Result:
    result = Result()
    latest = {change.article_no: change for change in changes}  # the last change of an article wins
    now = timezone.now()
    for _sku, change, binding in bindings.each_bound(connection, latest, starweb, result):
        try:
            quantity = int(stock_figure(change, connection.stock_site))
        except SiteNotReported as missing:
            result.note(str(missing))  # nothing written: a guess would be worse than the last figure
            continue
        if binding.last_stock == quantity:
            result.skipped += 1
            continue
        starweb.set_stock(binding.product_id, binding.variant_id, connection.stock_location_id, quantity)
        ProductBinding.objects.filter(pk=binding.pk).update(last_stock=quantity, synced_at=now)
        result.writes += 1
    return result


def forget_written(connection: Connection) -> int:
    """Forget the figures last written to the shop (after the warehouse setting changed): the next
    batch writes every article it holds, and the daily reconciliation does not put back figures of
    the old setting. Returns how many were forgotten."""
    return ProductBinding.objects.filter(connection=connection, last_stock__isnull=False).update(last_stock=None)
