"""How orders enter the ledger: webhooks, the poller and the merchant's Export button all come
here, and all go through ensure_transfer, so an order has one row however often it is announced.

A task is enqueued only when this call created (or reopened) the row; in a storm of duplicate
webhooks, exactly one enqueues and the rest answer 202 with nothing to do. The sweeper re-enqueues
anything whose enqueue was lost.
"""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from billing.entitlements import subscription_for_month
from billing.periods import month_of
from billing.usage import month_count
from connections.clients import starweb_for
from connections.models import Connection
from integrator.inputs import outside_id

from .. import ledger, queues
from ..models import PollCursor, Transfer

State, Source = Transfer.State, Transfer.Source
PROCESS = "syncflows.tasks.process_transfer"
CHECK_CHANGED = "syncflows.tasks.check_changed"
CHANGE_SLACK = timedelta(seconds=5)
POLL_OVERLAP = timedelta(minutes=15)
REQUEUE_HORIZON = timedelta(minutes=10)


def enqueue(transfer_id: int, *, bulk: bool = False) -> None:
    """Queue one run on the orders' cluster (or, for the orders a poll catches up on, the bulk
    one, so a catch-up of hundreds never delays a webhook's order). The ORM broker writes to our
    database, so inside a transaction the task commits or rolls back with the row (design.md §5);
    the sweeper covers any other loss."""
    (queues.bulk if bulk else queues.orders)(PROCESS, transfer_id)


def requeue_when_due(transfer_id: int, *, now=None) -> bool:
    """A run that ended waiting (a 429, a backoff) is queued again for the moment it is due, so a
    short wait costs that wait, not the sweeper's minute; long waits are left to the sweeper."""
    now = now or timezone.now()
    at = (
        Transfer.objects.filter(pk=transfer_id, state__in=[State.RETRY_WAIT, State.UNKNOWN_OUTCOME])
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    if at is None or at - now > REQUEUE_HORIZON:
        return False
    queues.orders_at(PROCESS, transfer_id, at=at)
    return True


def announce(connection_id, starweb_order_id, *, source: str, order_number: str = "") -> Transfer:
    """An order exists (webhook or poller): make sure it has its row, and queue it if it is new or
    was skipped only for its status (which may have changed). Returns the row."""
    transfer, created = ledger.ensure_transfer(
        connection_id, starweb_order_id, source=source, order_number=order_number
    )
    if created or _reopen(transfer, Q(reason_code="status")):
        enqueue(transfer.pk)
    elif transfer.state == State.DONE and transfer.shop_changed_at is None:
        queues.bulk(CHECK_CHANGED, transfer.pk)  # a change announced after we were done: flag it
    return transfer


def check_changed(transfer_id: int, *, starweb=None) -> bool:
    """Flag a done order that was changed in the shop after it reached Specter. Returns the flag."""
    transfer = (
        Transfer.objects.select_related("connection")
        .filter(pk=transfer_id, state=State.DONE)
        .exclude(connection__status=Connection.Status.INACTIVE)
        .first()
    )
    if transfer is None:
        return False
    order = (starweb or starweb_for(transfer.connection)).order(transfer.starweb_order_id)
    return _flag_if_changed(transfer, order.modified_at)


def _flag_if_changed(transfer: Transfer, modified_at) -> bool:
    # Our own write-back changes the order before `done_at`; a change after it is someone else's.
    if modified_at and transfer.done_at and modified_at > transfer.done_at + CHANGE_SLACK:
        Transfer.objects.filter(pk=transfer.pk, shop_changed_at__isnull=True).update(shop_changed_at=modified_at)
        return True
    return False


def export_manually(connection: Connection, starweb_order_id) -> Transfer:
    """The merchant's Export button: send this order now, whatever the event settings say. A done
    order stays done; a failed, held or skipped one goes again, re-entering at reconcile."""
    transfer, created = ledger.ensure_transfer(connection.pk, starweb_order_id, source=Source.MANUAL)
    if created or _reopen(transfer, Q()) or ledger.retry_now(transfer.pk):
        Transfer.objects.filter(pk=transfer.pk).update(source=Source.MANUAL)
        enqueue(transfer.pk)
    transfer.refresh_from_db()
    return transfer


def _reopen(transfer: Transfer, which: Q) -> bool:
    if transfer.state != State.SKIPPED:
        return False
    return bool(
        Transfer.objects.filter(which, pk=transfer.pk, state=State.SKIPPED).update(
            state=State.PENDING, reason="", reason_code="", next_attempt_at=None, updated_at=timezone.now()
        )
    )


def release_held(now=None) -> int:
    """Held orders go when their merchant's quota allows again (upgrade, new month, hold lifted),
    oldest first and no more than the room. Returns how many were released."""
    now = now or timezone.now()
    month = month_of(now)
    released = 0
    merchants = Transfer.objects.filter(state=State.HELD).values_list("connection__merchant_id", flat=True).distinct()
    for merchant_id in merchants:
        sub = subscription_for_month(merchant_id, month)
        held = Transfer.objects.filter(state=State.HELD, connection__merchant_id=merchant_id).order_by(
            "created_at", "id"
        )
        if sub and sub.hold_over_quota and sub.orders_per_month is not None:
            held = held[: max(0, sub.orders_per_month - month_count(merchant_id, month))]
        for transfer_id in list(held.values_list("id", flat=True)):
            if Transfer.objects.filter(pk=transfer_id, state=State.HELD).update(
                state=State.PENDING, reason="", reason_code="", updated_at=now
            ):
                enqueue(transfer_id)
                released += 1
    return released


def poll(connection: Connection, *, now=None, starweb=None) -> int:
    """Catch what webhooks missed: every order created since the last poll (minus an overlap, as
    clocks and Starweb's indexing are not exact), in a trigger status. Returns how many were new."""
    now = now or timezone.now()
    cursor, _ = PollCursor.objects.get_or_create(connection=connection, defaults={"seen_until": connection.created_at})
    since = (cursor.seen_until or connection.created_at) - POLL_OVERLAP
    newest, new = cursor.seen_until, 0
    client = starweb or starweb_for(connection)
    for raw in client.orders(created_after=since, status_ids=connection.trigger_status_ids):
        order_id = outside_id(raw.get("orderId"))
        if order_id is None:  # none, or not an id a row can keep (integrator.inputs)
            continue
        transfer, created = ledger.ensure_transfer(
            connection.pk, order_id, source=Source.POLLER, order_number=str(order_id)
        )
        if created:
            enqueue(transfer.pk, bulk=True)
            new += 1
        elif transfer.state == State.DONE and transfer.shop_changed_at is None:
            _flag_if_changed(transfer, parse_time(raw.get("modifiedAt")))
        created_at = parse_time(raw.get("createdAt"))
        if created_at and (newest is None or created_at > newest):
            newest = created_at
    PollCursor.objects.filter(pk=cursor.pk).update(seen_until=newest, polled_at=now)
    return new


def parse_time(value):
    """A Starweb time (ISO-8601) as an aware datetime; one without an offset is in our time zone.
    None when missing or not a time."""
    try:
        parsed = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:
        return None
    if parsed and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed
