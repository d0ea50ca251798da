"""The transfer ledger's primitives (design.md §3): one row per order, claimed with a lease, every
phase write fenced by the lease token, retries with capped exponential backoff and jitter, and a
timeline row for every attempt. The order engine is built from these; nothing here does HTTP.

Rule 1: no transaction is held across an HTTP call. Each function here is its own short
transaction (autocommit), so a worker that dies resumes from the last committed phase.
"""

import random
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from connections.errors import IntegrationError, Permanent, RateLimited, Retryable, UnknownOutcome

from . import reasons
from .models import Transfer, TransferAttempt
from .timeline import describe

State = Transfer.State
Outcome = TransferAttempt.Outcome

# States a worker may (re)claim: waiting ones, and mid-phase ones whose worker died (lease expired).
CLAIMABLE = [State.PENDING, State.RETRY_WAIT, State.UNKNOWN_OUTCOME, State.FETCHING, State.SENDING, State.SENT]
FINAL = [State.DONE, State.SKIPPED]
PENDING_GRACE = timedelta(seconds=20)


class LeaseLost(Exception):
    """Our lease expired and another worker may own the row: stop at once, write nothing more."""


@dataclass(frozen=True)
class Lease:
    transfer_id: int
    token: uuid.UUID


def ensure_transfer(connection_id, starweb_order_id, *, source: str, order_number: str = "") -> tuple[Transfer, bool]:
    """Return the order's ledger row, creating it if needed: (row, created).

    Safe under any concurrency: the unique constraint lets one insert win; the others read it.
    """
    order_id = str(starweb_order_id)
    try:
        with transaction.atomic():
            return Transfer.objects.get_or_create(
                connection_id=connection_id,
                starweb_order_id=order_id,
                defaults={"source": source, "order_number": order_number},
            )
    except IntegrityError:
        return Transfer.objects.get(connection_id=connection_id, starweb_order_id=order_id), False


def claim(transfer_id: int, *, now: datetime | None = None) -> Lease | None:
    """Take the row for one run if it is claimable, due, and nobody holds a live lease.

    A conditional UPDATE that must change exactly one row: of two workers, exactly one wins.
    Returns the lease, or None when the row is not ours to work on now.
    """
    now = now or timezone.now()
    token = uuid.uuid4()
    won = (
        Transfer.objects.filter(pk=transfer_id, state__in=CLAIMABLE)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(lease_until=now + timedelta(seconds=settings.TRANSFER_LEASE_SECONDS), lease_token=token, updated_at=now)
    )
    return Lease(transfer_id, token) if won == 1 else None


def _fenced(lease: Lease, now: datetime):
    return Transfer.objects.filter(pk=lease.transfer_id, lease_token=lease.token, lease_until__gt=now)


def advance(lease: Lease, state: str, *, timeline: list | None = None, **fields) -> None:
    """Commit a phase: set `state` (and fields) if we still hold the lease, with the phase's
    buffered timeline rows in the same transaction. Raises LeaseLost otherwise (rows still kept)."""
    now = timezone.now()
    with transaction.atomic(savepoint=False):  # inside a caller's transaction, no savepoint round trips
        won = _fenced(lease, now).update(state=state, updated_at=now, **fields) == 1
        flush(timeline)
    if not won:
        raise LeaseLost(lease.transfer_id)


def extend(lease: Lease) -> None:
    """Keep the row for a long phase (reading Specter's whole register): a fresh lease term, if we
    still hold it. Raises LeaseLost otherwise."""
    now = timezone.now()
    if _fenced(lease, now).update(lease_until=now + timedelta(seconds=settings.TRANSFER_LEASE_SECONDS)) != 1:
        raise LeaseLost(lease.transfer_id)


def flush(timeline: list | None) -> None:
    """Write buffered timeline rows (see attempt(buffer=…)) and empty the buffer."""
    if timeline:
        TransferAttempt.objects.bulk_create(timeline)
        timeline.clear()


def release(lease: Lease, state: str, *, timeline: list | None = None, **fields) -> None:
    """End the run: write the final state of this run and give the lease up. Raises LeaseLost."""
    advance(lease, state, timeline=timeline, lease_until=None, lease_token=None, **fields)


def backoff(attempt: int, *, rng: random.Random | None = None) -> timedelta:
    """Wait before retry number `attempt` (1, 2, ...): base·2^(attempt-1), capped, with full jitter
    in its upper half so a crowd of failed orders does not come back at the same instant."""
    rng = rng or random
    ceiling = min(
        settings.TRANSFER_BACKOFF_MAX_SECONDS, settings.TRANSFER_BACKOFF_BASE_SECONDS * 2 ** max(0, attempt - 1)
    )
    return timedelta(seconds=rng.uniform(ceiling / 2, ceiling))


def fail(
    lease: Lease,
    transfer: Transfer,
    error: IntegrationError,
    *,
    reason: str = "",
    reason_code: str = "",
    reason_params: list | None = None,
    timeline: list | None = None,
    park: timedelta | None = None,
) -> str:
    """Record the consequence of a typed error and end the run; returns the state written.

    - RateLimited: wait as told; does not use an attempt.
    - Retryable: back off; after TRANSFER_MAX_ATTEMPTS the order needs attention.
    - UnknownOutcome: back off, and reconcile in Specter before any further create.
    - Permanent: needs attention, with the merchant-readable `reason`.
    - With `park` (the account's circuit is open, syncflows/circuits.py): a Retryable or
      UnknownOutcome waits that long at most, without using an attempt.
    """
    now = timezone.now()
    if not reason and not reason_params:
        # Ours to word: stored as codes so each reader sees it in their language.
        reason, reason_params = _worded(error, transfer)
    reason_params = reason_params or []
    if isinstance(error, RateLimited):
        wait = timedelta(seconds=error.wait) if error.wait is not None else backoff(1)
        release(lease, State.RETRY_WAIT, timeline=timeline, next_attempt_at=now + wait)
        return State.RETRY_WAIT
    if isinstance(error, Permanent):
        release(
            lease,
            State.NEEDS_ATTENTION,
            timeline=timeline,
            reason=reason or str(error),
            reason_code=reason_code or type(error).__name__,
            reason_params=reason_params,
            next_attempt_at=None,
        )
        return State.NEEDS_ATTENTION
    attempts = transfer.attempts + (park is None)
    uncertain = isinstance(error, UnknownOutcome)
    if park is None and attempts >= settings.TRANSFER_MAX_ATTEMPTS:
        release(
            lease,
            State.NEEDS_ATTENTION,
            timeline=timeline,
            attempts=attempts,
            must_reconcile=transfer.must_reconcile or uncertain,
            reason=reason or str(error),
            reason_code=reason_code or "gave_up",
            reason_params=reason_params,
            next_attempt_at=None,
        )
        return State.NEEDS_ATTENTION
    wait = backoff(attempts) if park is None else park
    if isinstance(error, Retryable) and error.wait is not None:
        wait = max(wait, timedelta(seconds=error.wait))
    state = State.UNKNOWN_OUTCOME if uncertain else State.RETRY_WAIT
    # Why it waits, for the merchant's timeline (the last error, redacted at the client boundary).
    release(
        lease,
        state,
        timeline=timeline,
        attempts=attempts,
        next_attempt_at=now + wait,
        must_reconcile=transfer.must_reconcile or uncertain,
        reason=reason or str(error),
        reason_code=reason_code or ("uncertain" if uncertain else "temporary"),
        reason_params=reason_params,
    )
    return state


def _worded(error: IntegrationError, transfer: Transfer) -> tuple[str, list]:
    items = [describe(error)]
    attempts = transfer.attempts + 1
    if not isinstance(error, (Permanent, RateLimited)) and attempts >= settings.TRANSFER_MAX_ATTEMPTS:
        items.append(("gave_up", {"attempts": attempts}))
    stored = reasons.stored(*items)
    return stored["reason"], stored["reason_params"]


def retry_now(transfer_id: int) -> bool:
    """The merchant's Retry: a stuck or failed order goes back to the queue, re-entering at
    reconcile, never at create (rule 3). Returns False if the order is final or being worked on."""
    now = timezone.now()
    return bool(
        Transfer.objects.filter(pk=transfer_id)
        .exclude(state__in=FINAL)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(
            state=State.RETRY_WAIT,
            next_attempt_at=now,
            must_reconcile=True,
            reason="",
            reason_code="",
            reason_params=[],
            ignored_reason="",
            attempts=0,
            updated_at=now,
        )
    )


def ignore(transfer_id: int, reason: str, states) -> bool:
    """The merchant's "ignore this order": never sent, never counted. Only an order in one of
    `states` (not sent, not final) that no worker holds; returns whether it was ignored."""
    now = timezone.now()
    return bool(
        Transfer.objects.filter(pk=transfer_id, state__in=states, specter_order_no="")
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(state=State.IGNORED, ignored_reason=reason, next_attempt_at=None, updated_at=now)
    )


def due(now: datetime | None = None, limit: int = 500) -> list[int]:
    """Ids the sweeper should enqueue: waiting rows that are due, and rows whose lease expired.

    A new pending row already has its task queued (webhook, poller and Export enqueue directly), so
    it is only swept once it has waited PENDING_GRACE without being claimed: a lost enqueue.
    """
    now = now or timezone.now()
    waiting = Q(state__in=[State.RETRY_WAIT, State.UNKNOWN_OUTCOME]) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    ) | Q(state=State.PENDING, updated_at__lt=now - PENDING_GRACE)
    abandoned = Q(state__in=CLAIMABLE, lease_until__lt=now)
    live_lease = Q(lease_until__gte=now)
    return list(
        Transfer.objects.filter(waiting | abandoned)
        .exclude(live_lease)
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )


@contextmanager
def attempt(transfer_id: int, phase: str, buffer: list | None = None):
    """Time a phase and leave a timeline row whatever happens.

    Inside, set `record.http_status` / `record.summary` as known; a typed error sets the outcome.
    With `buffer`, the row is appended there instead of inserted, to be written by the next
    advance/release/fail in the phase's own transaction (one statement, not one per attempt).
    """
    record = _AttemptRecord()
    started, clock = timezone.now(), time.monotonic()
    try:
        yield record
    except RateLimited as error:
        record.fail(Outcome.RATE_LIMITED, error)
        raise
    except UnknownOutcome as error:
        record.fail(Outcome.UNKNOWN, error)
        raise
    except Retryable as error:
        record.fail(Outcome.RETRYABLE, error)
        raise
    except Permanent as error:
        record.fail(Outcome.PERMANENT, error)
        raise
    except LeaseLost:
        record.outcome = Outcome.LEASE_LOST
        raise
    except Exception as error:
        # A bug, not an answer from outside: name it, but keep its text (it may hold data) out.
        record.outcome, record.summary = Outcome.PERMANENT, f"internal error: {type(error).__name__}"
        record.detail_code, record.detail_params = describe(error)
        raise
    finally:
        row = TransferAttempt(
            transfer_id=transfer_id,
            phase=phase,
            outcome=record.outcome,
            http_status=record.http_status,
            started_at=started,
            duration_ms=int((time.monotonic() - clock) * 1000),
            summary=record.summary[:500],
            detail_code=record.detail_code,
            detail_params=record.detail_params,
        )
        if buffer is None:
            row.save()
        else:
            buffer.append(row)


class _AttemptRecord:
    def __init__(self):
        self.outcome = Outcome.OK
        self.http_status = None
        self.summary = ""
        self.detail_code, self.detail_params = "", {}

    def detail(self, code: str, summary: str, **params) -> None:
        """What the step did, as a code of syncflows.timeline with its parameters, and in English."""
        self.detail_code, self.detail_params, self.summary = code, params, summary

    def fail(self, outcome: str, error: IntegrationError) -> None:
        # Typed errors' messages are redacted at the client boundary (connections/http.py).
        self.outcome, self.http_status, self.summary = outcome, error.status, str(error)
        self.detail_code, self.detail_params = describe(error)
