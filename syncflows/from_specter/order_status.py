"""Order status Specter → Starweb (package 200 and up, flows #2 and #3): each event Specter reports
on one of our orders sets the status the merchant chose for it, with e-mail, tracking number and
payment capture as chosen, once per event (a partial delivery once per tracking number). One change
may carry several events (a delivery that made the invoice): each goes by its own rule, in order."""

from django.db.models import Q

from connections.errors import Permanent
from connections.models import Connection
from connections.specter.batches import OrderChange, order_events

from ..models import OrderStatusSync, Transfer
from ..run_result import Result


def _ours(connection: Connection, change: OrderChange) -> Q:
    """Our transfer of this Specter order: by its number, or by our externalOrderNo (with this
    shop's prefix, so a sibling shop's order with the same webshop number is never taken)."""
    match = Q(specter_order_no=change.order_no) if change.order_no else Q(pk__in=[])
    prefix, external = connection.order_number_prefix, change.external_order_no
    if external and external.startswith(prefix) and external[len(prefix) :].isdigit():
        match |= Q(starweb_order_id=external[len(prefix) :], specter_order_no__in=["", change.order_no])
    return match


def apply(connection: Connection, changes: list[OrderChange], starweb) -> Result:
    """Carry the changes to the shop. Raises Retryable errors (the batch is then not acknowledged,
    and comes back: what was done is recorded and not done again)."""
    result = Result()
    for change in changes:
        events = order_events(change)
        rules = [(event, connection.status_rule(event)) for event in events]
        rules = [(event, rule) for event, rule in rules if rule is not None]
        transfer = (
            Transfer.objects.filter(connection=connection).filter(_ours(connection, change)).first() if rules else None
        )
        if transfer is None:
            result.skipped += 1
            continue
        done = set(OrderStatusSync.objects.filter(transfer=transfer).values_list("event", "detail"))
        for event, rule in rules:
            detail = change.tracking_nos[-1] if event == "partly_delivered" and change.tracking_nos else ""
            if (event, detail) in done:
                result.skipped += 1
                continue
            # The tracking number belongs to the delivery; a later event's rule may still carry it.
            tracking = change.tracking_nos[-1] if rule.tracking and change.tracking_nos else ""
            try:
                starweb.set_status(
                    transfer.starweb_order_id,
                    rule.status_id,
                    send_email=rule.email,
                    process_payment=rule.capture,
                    tracking_no=tracking,
                )
            except Permanent as refused:  # e.g. the order was deleted in the shop: note it, go on
                result.note(f"order {transfer.starweb_order_id}: {refused}")
                break
            OrderStatusSync.objects.get_or_create(
                transfer=transfer, event=event, detail=detail, defaults={"status_id": rule.status_id}
            )
            result.writes += 1
    return result
