"""Circuits: when a Specter account or a shop stops answering, its orders wait together.

Without this, every order backs off on its own (up to an hour), so after a long outage orders keep
waiting long after the system is back. Instead:

1. A temporary failure (timeout, 5xx, a lost answer; not a 429, which is the throttle's) counts
   against the account. CIRCUIT_FAILURES in a row open its circuit.
2. While it is open an order for that account waits without spending an attempt and without any
   HTTP call: a run that finds the circuit open parks it at once.
3. Once a minute (the sweeper) one waiting order, the oldest, is let through as the probe.
4. The first answer from the account (the probe's, or any order's) closes the circuit and makes
   every waiting order due at once, queued in order of arrival; the Starweb throttle keeps them
   within the rate limit.

Exactly once is untouched: a parked order keeps its state and `must_reconcile`, so an order whose
create may have reached Specter is still looked up before any new create.

A run reads whether a circuit exists with its ledger row (two subqueries in the same statement), so
an account without trouble costs no extra statement.
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils import timezone

from connections.errors import IntegrationError, RateLimited, Retryable, UnknownOutcome
from connections.models import Connection

from . import queues
from .models import Circuit, Transfer

SYSTEMS = ("specter", "starweb")
REASON = "circuit"
State = Transfer.State
WAITING = [State.RETRY_WAIT, State.UNKNOWN_OUTCOME]


def account_of(connection: Connection, system: str) -> str:
    return connection.specter_smb_id if system == "specter" else connection.starweb_base_url


def _connections_on(system: str, account: str) -> Q:
    field = "connection__specter_smb_id" if system == "specter" else "connection__starweb_base_url"
    return Q(**{field: account})


def annotations() -> dict:
    """For the run's load: the id of each system's circuit row for the connection, or None."""

    def row(system, account_field):
        return Subquery(Circuit.objects.filter(system=system, account=OuterRef(account_field)).values("pk")[:1])

    return {
        "specter_circuit_id": row("specter", "connection__specter_smb_id"),
        "starweb_circuit_id": row("starweb", "connection__starweb_base_url"),
    }


def trips(error: IntegrationError) -> bool:
    """Does this error count against the account? Temporary failures do; a 429 does not."""
    return (
        isinstance(error, (Retryable, UnknownOutcome))
        and not isinstance(error, RateLimited)
        and error.system in SYSTEMS
    )


def park_wait() -> timedelta:
    """How long a parked order waits if no probe ever answers: the longest backoff (a safety net)."""
    return timedelta(seconds=settings.TRANSFER_BACKOFF_MAX_SECONDS)


def open_circuit(transfer, exclude_probe: bool = True) -> Circuit | None:
    """The open circuit that holds this order back now, or None (also when it is the probe)."""
    ids = [
        pk
        for pk in (getattr(transfer, "specter_circuit_id", None), getattr(transfer, "starweb_circuit_id", None))
        if pk
    ]
    if not ids:
        return None
    for circuit in Circuit.objects.filter(pk__in=ids, opened_at__isnull=False):
        if not (exclude_probe and circuit.probe_transfer_id == transfer.pk):
            return circuit
    return None


def failed(connection: Connection, system: str, error: str, *, now=None) -> bool:
    """Count a failure against the account; returns whether its circuit is open now."""
    now = now or timezone.now()
    account = account_of(connection, system)
    try:
        with transaction.atomic():
            circuit, _ = Circuit.objects.get_or_create(system=system, account=account)
    except IntegrityError:
        circuit = Circuit.objects.get(system=system, account=account)
    rows = Circuit.objects.filter(pk=circuit.pk)
    rows.update(failures=F("failures") + 1, last_error=error[:500])
    rows.filter(opened_at__isnull=True, failures__gte=settings.CIRCUIT_FAILURES).update(
        opened_at=now, probe_at=now + timedelta(seconds=settings.CIRCUIT_PROBE_SECONDS)
    )
    return rows.filter(opened_at__isnull=False).exists()


def answered(connection: Connection, system: str, *, now=None) -> int:
    """The account answered: forget its failures; if its circuit was open, every order waiting
    for it is due now, queued oldest first. Returns how many were released."""
    now = now or timezone.now()
    account = account_of(connection, system)
    circuit = Circuit.objects.filter(system=system, account=account).first()
    if circuit is None:
        return 0
    # Only the worker whose delete wins releases, so the orders are queued once.
    if not Circuit.objects.filter(pk=circuit.pk).delete()[0] or circuit.opened_at is None:
        return 0
    return release(system, account, now=now)


def release(system: str, account: str, *, now=None) -> int:
    now = now or timezone.now()
    # Every waiting order of the account, also those that failed before the circuit opened.
    waiting = Transfer.objects.filter(_connections_on(system, account), state__in=WAITING).order_by("created_at", "id")
    ids = list(waiting.values_list("pk", flat=True))
    Transfer.objects.filter(pk__in=ids).update(next_attempt_at=now)
    for transfer_id in ids:
        queues.orders("syncflows.tasks.process_transfer", transfer_id)
    return len(ids)


def probe_due(*, now=None) -> int:
    """Let the oldest waiting order of each open circuit through as its probe, at most once a
    minute per circuit (the sweeper calls this), and release orders whose circuit has closed.
    Returns how many probes were queued."""
    now = now or timezone.now()
    release_orphans(now=now)
    probes = 0
    for circuit in Circuit.objects.filter(opened_at__isnull=False, probe_at__lte=now):
        # Whoever moves probe_at on sends this minute's probe; a second sweeper finds nothing due.
        if not Circuit.objects.filter(pk=circuit.pk, probe_at=circuit.probe_at).update(
            probe_at=now + timedelta(seconds=settings.CIRCUIT_PROBE_SECONDS)
        ):
            continue
        oldest = (
            Transfer.objects.filter(_connections_on(circuit.system, circuit.account), state__in=WAITING)
            .order_by("created_at", "id")
            .values_list("pk", flat=True)
            .first()
        )
        if oldest is None:
            Circuit.objects.filter(pk=circuit.pk).delete()  # nothing waits: the next order finds out for itself
            continue
        Circuit.objects.filter(pk=circuit.pk).update(probe_transfer_id=oldest)
        Transfer.objects.filter(pk=oldest).update(next_attempt_at=now)
        queues.orders("syncflows.tasks.process_transfer", oldest)
        probes += 1
    return probes


def _open_for(connection_fields: dict) -> Q:
    return Q(opened_at__isnull=False) & (
        Q(system="specter", account=connection_fields["specter"])
        | Q(system="starweb", account=connection_fields["starweb"])
    )


def unpark_if_closed(transfer_id: int, connection: Connection, *, now=None) -> bool:
    """Called right after a run parked its order: if the circuit closed meanwhile (its release may
    have looked for waiting orders just before this one was parked), the order is due now.
    Parking is written first and checked second, so either the release sees it or this does."""
    accounts = {"specter": connection.specter_smb_id, "starweb": connection.starweb_base_url}
    if Circuit.objects.filter(_open_for(accounts)).exists():
        return False
    return bool(
        Transfer.objects.filter(pk=transfer_id, state__in=WAITING, reason_code=REASON).update(
            next_attempt_at=now or timezone.now()
        )
    )


def release_orphans(*, now=None) -> int:
    """Orders parked for a circuit that is no longer open are due now (the sweeper's safety net)."""
    now = now or timezone.now()
    open_specter = Circuit.objects.filter(
        opened_at__isnull=False, system="specter", account=OuterRef("connection__specter_smb_id")
    )
    open_starweb = Circuit.objects.filter(
        opened_at__isnull=False, system="starweb", account=OuterRef("connection__starweb_base_url")
    )
    ids = list(
        Transfer.objects.filter(state__in=WAITING, reason_code=REASON, next_attempt_at__gt=now)
        .exclude(Exists(open_specter))
        .exclude(Exists(open_starweb))
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:1000]
    )
    Transfer.objects.filter(pk__in=ids).update(next_attempt_at=now)
    for transfer_id in ids:
        queues.orders("syncflows.tasks.process_transfer", transfer_id)
    return len(ids)
