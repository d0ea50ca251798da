"""Products Starweb → Specter on a schedule (flows #1 and #3): webhooks carry a product change at
once, but a missed one (Starweb down, us down, a hook not registered) would never reach Specter. So
every run reads the products the shop changed since the last run and sends what changed.

The whole assortment goes once by the initial sync (syncflows/initial_sync/), not by this: a first run
starts from the connection's activation. Every run leaves a SyncRun row."""

from datetime import timedelta

from django.utils import timezone

from connections import flows
from connections.clients import specter_for, starweb_for
from connections.errors import IntegrationError
from connections.models import Connection
from connections.starweb.paging import product_pages

from ..models import PollCursor, SyncRun
from ..orders.intake import parse_time
from ..run_result import Result
from .export import articles_of, send_changed
from .on_change import exports_on_change

KIND = "products"
# Starweb's clock and ours differ a little, and a change in the same second as the newest one seen
# must not fall between two runs; what the overlap reads again is not sent again (content hashes).
OVERLAP = timedelta(minutes=2)


def takes_changes(connection: Connection) -> bool:
    """An active connection exporting products on change that may send products today."""
    return (
        connection.status == Connection.Status.ACTIVE
        and exports_on_change(connection)
        and bool(flows.may(connection, flows.Capability.PRODUCTS, direction=flows.Direction.TO_SPECTER))
    )


def connections_exporting() -> list[Connection]:
    """Every connection the schedule exports changed products for."""
    candidates = Connection.objects.filter(
        status=Connection.Status.ACTIVE,
        export_product=Connection.ProductExport.CHANGED,
        flow__in=flows.flows_with(flows.Capability.PRODUCTS, flows.Direction.TO_SPECTER),
    )
    return [c for c in candidates.select_related("merchant") if takes_changes(c)]


def export_changed(connection: Connection, *, now=None, starweb=None, specter=None) -> SyncRun | None:
    """One run: every product changed since the cursor (minus OVERLAP), page by page, sent as
    articles where their content changed. Returns the run, or None when the connection takes none.

    1. Start at the cursor; with none, at the activation (or now): the initial sync sends the rest.
    2. Read the changed products a page at a time and send each page's changed rows.
    3. Only when every page is sent, move the cursor to the newest change seen. Starweb sorts by
       productId only, so a page's newest change says nothing of the pages after it: moving the
       cursor per page could skip them after a failure. A failed run leaves the cursor; the next
       one reads the same products and sends only what Specter has not taken (content hashes).
    """
    if not takes_changes(connection):
        return None
    started = now or timezone.now()
    cursor, _ = PollCursor.objects.get_or_create(connection=connection)
    base = cursor.products_seen_until or connection.activated_at or started
    run = SyncRun.objects.create(connection=connection, kind=KIND)
    result = Result()
    try:
        newest = _send_pages(
            connection,
            base - OVERLAP,
            run,
            result,
            starweb or starweb_for(connection),
            specter or specter_for(connection),
        )
        # A product changed while we read may sit on a page already read: never past our start.
        seen_until = max(base, min(newest, started)) if newest else base
        PollCursor.objects.filter(pk=cursor.pk).update(products_seen_until=seen_until)
        run.ok = True
    except IntegrationError as error:
        result.notes.insert(0, str(error))
        if cursor.products_seen_until is None:  # keep a first run's start, so a retry begins there too
            PollCursor.objects.filter(pk=cursor.pk, products_seen_until__isnull=True).update(products_seen_until=base)
    finally:
        run.writes, run.skipped = result.writes, result.skipped
        run.finished_at, run.summary = timezone.now(), "\n".join(result.notes[:20])
        run.save()
    return run


def _send_pages(connection, since, run: SyncRun, result: Result, starweb, specter):
    """Read and send every page of products changed since `since`; returns the newest change seen."""
    params = {"updatedSince": since.isoformat(timespec="seconds")}
    update = connection.update_existing_articles == Connection.ExistingArticles.UPDATE
    newest = None
    for products, _total in product_pages(starweb, params):
        rows = []
        for product in products:
            product_rows, problems = articles_of(product)
            rows += product_rows
            for what, why in problems:
                result.note(f"{what}: {why}")
            changed_at = parse_time(product.get("modifiedAt"))
            if changed_at and (newest is None or changed_at > newest):
                newest = changed_at
        written, unchanged = send_changed(connection, rows, specter, update=update)
        result.writes += written
        result.skipped += unchanged
        run.entries += len(products)
    return newest
