"""Pull Specter's batches for a connection and carry them to the shop (design.md §4): fetch under a
batchNo, apply, and acknowledge only after what we did is recorded; error 99 brings back an open
batch, whose entries are applied again idempotently. Every pull leaves a SyncRun row."""

from django.utils import timezone

from connections import flows
from connections.clients import specter_for, starweb_for
from connections.errors import IntegrationError
from connections.models import Connection
from connections.specter import batches

from ..models import SpecterArticle, SpecterCallback, SyncRun
from ..orders import articles
from . import order_status, price_lists, products, stock

APPLY = {
    "orders": order_status.apply,
    "stock": stock.apply,
    "articleinfo": products.apply,
    "pricelists": price_lists.apply,
}
# A list price pings actionArticleChange (we know of no callback of its own), as article info does.
CALLBACK_KINDS = {
    "orders": ["order", "invoice", "removed"],
    "stock": ["stock"],
    "articleinfo": ["article"],
    "pricelists": ["article"],
}
LISTS_ARTICLES = ("stock", "articleinfo")  # batches whose entries are Specter's articles
MAX_BATCHES = 50  # per run; the rest waits for the next (moreInfoToFetch)


# What each batch carries to the shop (billing/flows.py): article info is prices, and on flow #2
# the products too, which every package has.
CAPABILITY = {
    "orders": flows.Capability.ORDER_STATUS,
    "stock": flows.Capability.STOCK,
    "articleinfo": flows.Capability.PRICES,
    "pricelists": flows.Capability.PRICE_LISTS,
}


def allowed(connection: Connection, kind: str) -> bool:
    """An active connection that may take this kind today (connections/flows.py: its flow moves it
    and the subscription in force includes it)."""
    return (
        connection.status == Connection.Status.ACTIVE
        and kind in CAPABILITY
        and bool(flows.may(connection, CAPABILITY[kind]))
    )


def connections_taking(kind: str):
    """Every active connection that takes this kind of Specter's changes (for the schedules)."""
    candidates = Connection.objects.filter(status=Connection.Status.ACTIVE, flow__in=flows.flows_with(CAPABILITY[kind]))
    return [c for c in candidates.select_related("merchant") if allowed(c, kind)]


def pull(connection: Connection, kind: str, *, specter=None, starweb=None) -> SyncRun | None:
    """One run: batches of `kind` until none is left (or MAX_BATCHES). None when not allowed.

    Specter's batches belong to the account, not the shop: with several shops on one account
    (multishop), each batch is applied for every one of them that takes this kind, then acknowledged."""
    takers = [c for c in connection.siblings() if allowed(c, kind)]
    if connection.pk not in {c.pk for c in takers}:
        return None
    specter = specter or specter_for(connection)
    shops = {c.pk: (c, starweb if (starweb and c.pk == connection.pk) else starweb_for(c)) for c in takers}
    run = SyncRun.objects.create(connection=connection, kind=kind)
    started = timezone.now()
    notes = []
    # One pull serves every shop on the account: if any of them takes other warehouses than the
    # default one, ask for all of them (each shop then picks its own figure).
    options = {"stock_sites": stock.needs_sites(c for c, _shop in shops.values())} if kind == "stock" else {}
    try:
        for _ in range(MAX_BATCHES):
            batch = batches.pull(specter, kind, **options)
            for taker, shop in shops.values():
                result = APPLY[kind](taker, list(batch.entries), shop)
                run.writes += result.writes
                run.skipped += result.skipped
                notes += result.notes
            if kind in LISTS_ARTICLES:  # what Specter reports, it has: orders waiting for it may go
                articles.learn(list(shops), [entry.article_no for entry in batch.entries], SpecterArticle.Source.BATCH)
            batches.ack(specter, batch)  # only now: what the batch held is done and recorded
            run.entries += len(batch.entries)
            if not batch.more or not batch.entries:
                break
        run.ok = True
        SpecterCallback.objects.filter(
            connection__in=list(shops), kind__in=CALLBACK_KINDS[kind], handled_at__isnull=True, received_at__lte=started
        ).update(handled_at=timezone.now())
    except IntegrationError as error:
        notes.append(str(error))
    finally:
        run.finished_at, run.summary = timezone.now(), "\n".join(notes[:20])
        run.save()
    return run
