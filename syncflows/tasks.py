"""django-q2 tasks: thin, idempotent, ids only as arguments (design.md §5)."""

import logging
import socket

from django.utils import timezone

from connections.errors import IntegrationError
from connections.models import Connection
from connections.starweb import throttle

from . import alerts, circuits, ledger, queues, retention
from .from_specter import drift, pull, pull_claim
from .initial_sync import runner as initial
from .models import WorkerHeartbeat
from .orders import engine, intake
from .to_specter import assortment, changes, export

log = logging.getLogger(__name__)


def heartbeat() -> None:
    """Record that a worker on this host executed a task just now."""
    WorkerHeartbeat.objects.update_or_create(host=socket.gethostname(), defaults={"beat_at": timezone.now()})


def beat_on_spawn(**_signal_kwargs) -> None:
    """A new worker process queues one heartbeat through the real broker, so /health/ turns green
    seconds after start instead of after the scheduler's first pass (about 30 s)."""
    queues.orders("syncflows.tasks.heartbeat")


def process_transfer(transfer_id: int) -> str | None:
    """One run of one order; a no-op when the row is final, not due, or held by another worker."""
    return engine.run(transfer_id)


def queue_long(func: str, *args) -> None:
    """Long work (an initial sync, an assortment scan) goes to the cluster for long tasks (design.md
    §5): its own timeout, and it never takes the order workers' places."""
    queues.long(func, *args)


def sweep() -> int:
    """Re-enqueue due retries, lost enqueues and abandoned leases; release held orders that may go."""
    ids = ledger.due()
    for transfer_id in ids:
        intake.enqueue(transfer_id)
    throttle.forget_old()
    circuits.probe_due()
    for sync_id in initial.restart_stalled():
        queue_long("syncflows.tasks.initial_sync", str(sync_id))
    return len(ids) + intake.release_held()


def poll_all() -> int:
    """Queue a poll of every connection that exports orders automatically."""
    ids = list(
        Connection.objects.filter(
            status=Connection.Status.ACTIVE, export_order=Connection.OrderExport.REGISTERED
        ).values_list("pk", flat=True)
    )
    for connection_id in ids:
        queues.bulk("syncflows.tasks.poll_connection", str(connection_id))
    return len(ids)


def poll_connection(connection_id: str) -> int:
    """Poll one shop. An outside failure is one line in the log, not a traceback: the next poll
    (2 minutes on, over an overlapping window) covers the same orders."""
    connection = Connection.objects.filter(
        pk=connection_id, status=Connection.Status.ACTIVE, export_order=Connection.OrderExport.REGISTERED
    ).first()
    if connection is None:
        return 0
    try:
        return intake.poll(connection)
    except IntegrationError as error:
        log.warning("poll of connection %s failed: %s", connection_id, error)
        return 0


def check_changed(transfer_id: int) -> bool:
    try:
        return intake.check_changed(transfer_id)
    except IntegrationError as error:
        log.warning("change check of transfer %s failed: %s", transfer_id, error)
        return False


def pull_specter(connection_id: str, kind: str) -> bool:
    """Carry one kind of Specter's changes (pull.APPLY) to the shop, if the connection takes them and
    a pull is wanted; a no-op while another worker pulls the account's queue (from_specter/pull_claim.py)."""
    connection = Connection.objects.select_related("merchant").filter(pk=connection_id).first()
    runs = pull_claim.run(connection, kind) if connection else []
    return bool(runs) and all(run and run.ok for run in runs)


def pull_all_specter() -> int:
    """The schedule's safety net: callbacks trigger pulls at once; this catches missed ones."""
    queued = 0
    for kind in pull.APPLY:
        for connection in pull.connections_taking(kind):
            pull_claim.want_anyway(connection, kind)
            queues.bulk("syncflows.tasks.pull_specter", str(connection.pk), kind)
            queued += 1
    return queued


def check_assortment(check_id: str) -> str:
    return assortment.scan(check_id).state


def initial_sync(sync_id: str) -> str:
    return initial.run(sync_id).state


def export_product(connection_id: str, product_id: int) -> int:
    connection = Connection.objects.filter(pk=connection_id, status=Connection.Status.ACTIVE).first()
    if connection is None:
        return 0
    try:
        return export.export_product(connection, product_id)[0]
    except IntegrationError as error:
        log.warning("export of product %s for connection %s failed: %s", product_id, connection_id, error)
        return 0


def export_changed_all() -> int:
    """The schedule's safety net for product webhooks: queue a run for every connection that
    exports products on change."""
    connections = changes.connections_exporting()
    for connection in connections:
        queues.bulk("syncflows.tasks.export_changed_products", str(connection.pk))
    return len(connections)


def export_changed_products(connection_id: str) -> bool:
    """Send the products changed in the shop since the last run, if the connection still takes them.
    A failure is on the run's row; the next run reads the same changes again."""
    connection = Connection.objects.select_related("merchant").filter(pk=connection_id).first()
    run = changes.export_changed(connection) if connection else None
    return bool(run and run.ok)


def reconcile_stock_all() -> int:
    """Every shop that takes Specter's stock, compared and put right (the daily schedule)."""
    connections = pull.connections_taking("stock")
    for connection in connections:
        queues.bulk("syncflows.tasks.reconcile_stock", str(connection.pk))
    return len(connections)


def reconcile_stock(connection_id: str) -> bool:
    connection = Connection.objects.filter(pk=connection_id, status=Connection.Status.ACTIVE).first()
    return bool(connection and drift.reconcile(connection).ok)


def daily_digest() -> int:
    return alerts.daily_digest()


def purge_history() -> int:
    """The daily purge of history past its retention (syncflows/retention.py)."""
    return sum(retention.purge().values())
