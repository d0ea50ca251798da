"""One Specter pull per account and queue at a time, across every worker and process, and a burst of
callback pings during a pull makes exactly one more pull (design.md §4, §9.7).

Specter's batches belong to the account: while one pull holds a batch open, another pull of the
same queue is refused with code 99 and steals the open batch. So a pull runs only under a claim on
the account's SpecterPull row, taken by a conditional UPDATE (never process memory):

1. A ping or the schedule marks the row *wanted* (`wanted_since`); a ping queues a task only when
   nothing was wanted yet (or what was wanted is older than STALE, in case its task was lost).
2. A task claims the row only if a pull is wanted and no lease is live, clearing `wanted_since`
   in the same statement; if another worker holds the lease, the task leaves the wish for it.
3. The holder pulls, then releases only if nothing was wanted meanwhile (one statement); if
   something was, it takes that wish, renews its lease and pulls once more. Thirty-three pings
   during one pull therefore make one more pull.
4. A crash releases the lease (the wish stays, for the next ping or the schedule); a killed worker's
   lease runs out after LEASE, longer than any task may run.
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from connections.models import Connection

from ..models import SpecterPull, SyncRun
from . import pull

STALE = timedelta(minutes=5)  # a wish this old without a pull: its task was lost, queue another


def lease() -> timedelta:
    """Longer than a task may run, so a lease outlives only a worker that was killed."""
    return timedelta(seconds=settings.Q_CLUSTER["timeout"] + 30)


def _row(connection: Connection, kind: str) -> SpecterPull:
    try:
        with transaction.atomic():
            return SpecterPull.objects.get_or_create(smb_id=connection.specter_smb_id, kind=kind)[0]
    except IntegrityError:  # created by another worker between our get and create
        return SpecterPull.objects.get(smb_id=connection.specter_smb_id, kind=kind)


def want(connection: Connection, kind: str) -> bool:
    """Mark a pull of `kind` wanted (a ping arrived). True if the caller should queue a task: none
    was wanted yet, or the last wish is stale. Otherwise a queued task or the running pull takes it."""
    now = timezone.now()
    return bool(
        SpecterPull.objects.filter(pk=_row(connection, kind).pk)
        .filter(Q(wanted_since__isnull=True) | Q(wanted_since__lt=now - STALE))
        .update(wanted_since=now)
    )


def want_anyway(connection: Connection, kind: str) -> None:
    """Mark a pull wanted whatever was wanted before (the schedule's safety net queues its task itself)."""
    SpecterPull.objects.filter(pk=_row(connection, kind).pk).update(wanted_since=timezone.now())


def run(connection: Connection, kind: str) -> list[SyncRun | None]:
    """Pull `kind` for the connection's account if a pull is wanted and no other worker pulls it;
    pull again for every wish made meanwhile. Returns the runs made (empty: nothing to do)."""
    row, token = _row(connection, kind), uuid.uuid4()
    now = timezone.now()
    claimed = (
        SpecterPull.objects.filter(pk=row.pk, wanted_since__isnull=False)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(lease_until=now + lease(), lease_token=token, wanted_since=None)
    )
    if not claimed:
        return []
    ours = SpecterPull.objects.filter(pk=row.pk, lease_token=token)
    # The account's batch serves every shop on it: pull as one that takes this kind (the ping may
    # have come to a sibling that does not, e.g. on another flow).
    taker = (
        connection
        if pull.allowed(connection, kind)
        else next((c for c in connection.siblings() if pull.allowed(c, kind)), connection)
    )
    runs = []
    try:
        while True:
            runs.append(pull.pull(taker, kind))
            if ours.filter(wanted_since__isnull=True).update(lease_until=None, lease_token=None):
                return runs  # released: nothing was wanted while we pulled
            # Wanted meanwhile: take the wish and pull once more (0 rows: our lease was taken over).
            if not ours.update(wanted_since=None, lease_until=timezone.now() + lease()):
                return runs
    except BaseException:
        ours.update(lease_until=None, lease_token=None)  # the wish (if any) stays for the next ping or the schedule
        raise
