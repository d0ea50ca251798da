"""Pull Specter's batches for a connection and carry them to the shop (design.md §4): fetch under a
batchNo, apply, and acknowledge only after what we did is recorded; error 99 brings back an open
batch, whose entries are applied again idempotently. Every pull leaves a SyncRun row."""

from django.utils import timezone

from billing.entitlements import entitlements_for
from connections.clients import specter_for, starweb_for
from connections.errors import IntegrationError
from connections.models import Connection
from connections.specter import batches

from ..models import SpecterCallback, SyncRun
from . import order_status, products_in, stock

APPLY = {"orders": order_status.apply, "stock": stock.apply, "articleinfo": products_in.apply}
CALLBACK_KINDS = {"orders": ["order", "invoice", "removed"], "stock": ["stock"], "articleinfo": ["article"]}
MAX_BATCHES = 50  # per run; the rest waits for the next (moreInfoToFetch)


def allowed(connection: Connection, kind: str) -> bool:
    """Flows #2 and #3, an active connection, and the package: order status and stock from 200 up;
    prices with every package that has these flows."""
    if connection.status != Connection.Status.ACTIVE or connection.flow not in (Connection.Flow.ERP, Connection.Flow.COMBO):
        return False
    entitled = entitlements_for(connection.merchant)
    return {"orders": entitled.order_status, "stock": entitled.stock, "articleinfo": entitled.has_subscription}.get(kind, False)


def pull(connection: Connection, kind: str, *, specter=None, starweb=None) -> SyncRun | None:
    """One run: batches of `kind` until none is left (or MAX_BATCHES). None when not allowed."""
    if not allowed(connection, kind):
        return None
    specter, starweb = specter or specter_for(connection), starweb or starweb_for(connection)
    run = SyncRun.objects.create(connection=connection, kind=kind)
    started = timezone.now()
    notes = []
    try:
        for _ in range(MAX_BATCHES):
            batch = batches.pull(specter, kind)
            result = APPLY[kind](connection, list(batch.entries), starweb)
            batches.ack(specter, batch)  # only now: what the batch held is done and recorded
            run.entries += len(batch.entries)
            run.writes += result.writes
            run.skipped += result.skipped
            notes += result.notes
            if not batch.more or not batch.entries:
                break
        run.ok = True
        SpecterCallback.objects.filter(connection=connection, kind__in=CALLBACK_KINDS[kind], handled_at__isnull=True,
                                       received_at__lte=started).update(handled_at=timezone.now())
    except IntegrationError as error:
        notes.append(str(error))
    finally:
        run.finished_at, run.summary = timezone.now(), "\n".join(notes[:20])
        run.save()
    return run
