"""Prices Specter → Starweb (flows #2 and #3): each article's price ex VAT from Specter's article
info goes to its variant on the shop's master price list; an unchanged price is not written.
(Specter's per-customer-group price lists, matched by name for package 400, are not in the batch
this reads; they wait for the catalogue flows' next part.)"""

from django.utils import timezone

from connections.models import Connection
from connections.specter.batches import ArticleInfo

from .. import bindings
from ..models import ProductBinding
from ..run_result import Result


def apply(connection: Connection, changes: list[ArticleInfo], starweb) -> Result:
    result = Result()
    latest = {change.article_no: change for change in changes if change.price_ex_vat is not None}
    result.skipped += len(changes) - len(latest)
    now = timezone.now()
    for _sku, change, binding in bindings.each_bound(connection, latest, starweb, result):
        if binding.last_price is not None and binding.last_price == change.price_ex_vat:
            result.skipped += 1
            continue
        starweb.set_price(binding.product_id, binding.variant_id, starweb.master_pricelist_id(), change.price_ex_vat)
        ProductBinding.objects.filter(pk=binding.pk).update(last_price=change.price_ex_vat, synced_at=now)
        result.writes += 1
    return result
