"""Orders of a deactivated connection: a deactivated connection sends nothing. Its waiting orders
stop (skipped, "connection deactivated", still listed with their timelines), and on reactivation
the owner chooses whether they go after all.

A row a worker holds right now is left to that worker: the engine stops it at its next claim,
as it stops any row of a deactivated connection (orders/engine.py).
"""

from django.db.models import Q
from django.utils import timezone

from .. import reasons
from ..models import Transfer
from .intake import enqueue

State = Transfer.State
REASON = "deactivated"
# Everything that would still go somewhere: waiting, held, or mid-phase with an expired lease.
WAITING = [
    State.PENDING,
    State.FETCHING,
    State.SENDING,
    State.SENT,
    State.RETRY_WAIT,
    State.UNKNOWN_OUTCOME,
    State.HELD,
]


def stop_waiting(connection_id) -> int:
    """Stop the connection's waiting orders; returns how many were stopped."""
    now = timezone.now()
    return (
        Transfer.objects.filter(connection_id=connection_id, state__in=WAITING)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(
            state=State.SKIPPED,
            next_attempt_at=None,
            lease_until=None,
            lease_token=None,
            updated_at=now,
            **reasons.stored((REASON, {})),
        )
    )


def stopped(connection_id):
    """The orders stopped by a deactivation (and not sent since)."""
    return Transfer.objects.filter(connection_id=connection_id, state=State.SKIPPED, reason_code=REASON)


def send_stopped(connection_id) -> int:
    """Send the orders a deactivation stopped. Each re-enters at reconcile (one may have reached
    Specter before it stopped), so none goes twice. Returns how many were queued."""
    now = timezone.now()
    queued = 0
    for transfer_id in list(stopped(connection_id).values_list("id", flat=True)):
        if (
            stopped(connection_id)
            .filter(pk=transfer_id)
            .update(
                state=State.RETRY_WAIT,
                next_attempt_at=now,
                must_reconcile=True,
                attempts=0,
                reason="",
                reason_code="",
                reason_params=[],
                updated_at=now,
            )
        ):
            enqueue(transfer_id)
            queued += 1
    return queued
