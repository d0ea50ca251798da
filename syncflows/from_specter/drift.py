"""Stock reconciliation (flows #2 and #3): the shop's stock against what Specter last reported for
each SKU (the bindings), page by page over the whole assortment; a difference is reported and, by
default, put right. Runs on a schedule and leaves a SyncRun whose summary the portal shows."""

import json

from django.utils import timezone

from connections.clients import starweb_for
from connections.errors import IntegrationError
from connections.models import Connection
from connections.starweb.paging import product_pages

from ..models import ProductBinding, SyncRun

REPORTED = 50  # differences kept in the run's summary


def reconcile(connection: Connection, *, starweb=None, fix: bool = True) -> SyncRun:
    starweb = starweb or starweb_for(connection)
    run = SyncRun.objects.create(connection=connection, kind="drift")
    known = dict(
        ProductBinding.objects.filter(connection=connection, last_stock__isnull=False).values_list("sku", "last_stock")
    )
    differences = []
    try:
        for products, _total in product_pages(starweb) if known else ():  # nothing reported yet: no request
            for product in products:
                for variant in (product.get("variants") or {}).get("data") or []:
                    sku = str(variant.get("sku") or "")
                    if sku not in known:
                        continue
                    run.entries += 1
                    in_shop = int(variant.get("stockQuantity") or 0)
                    if in_shop != known[sku]:
                        differences.append({"sku": sku, "shop": in_shop, "specter": known[sku]})
                        if fix:
                            starweb.set_stock(
                                product["productId"], variant["variantId"], connection.stock_location_id, known[sku]
                            )
                            run.writes += 1
        run.ok = True
    except IntegrationError as error:
        run.summary = str(error)
    run.skipped = len(differences)
    if run.ok:
        run.summary = json.dumps(differences[:REPORTED], ensure_ascii=False)
    run.finished_at = timezone.now()
    run.save()
    return run


def latest_report(connection: Connection) -> dict | None:
    """The last reconciliation as the portal shows it, or None."""
    run = connection.sync_runs.filter(kind="drift").order_by("-started_at").first()
    if run is None:
        return None
    try:
        differences = json.loads(run.summary) if run.ok and run.summary else []
    except ValueError:
        differences = []
    return {"run": run, "differences": differences}
