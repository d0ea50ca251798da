"""The initial product sync, in either direction (domain.md): the whole assortment from Starweb into
Specter (a new ERP) or from Specter into Starweb (a new shop). A count first; then page by
page with a persisted cursor and progress, resumable after a crash (the sweeper restarts a stalled
run from its last committed page); a report at the end; its time drawn from the service account.

The machine is here; what one page means is the direction's (registry.py lists them:
starweb_to_specter.TO_SPECTER, specter_to_starweb.TO_STARWEB)."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from billing.entitlements import subscription_in_force
from billing.models import WorkLog
from connections.clients import specter_for, starweb_for
from connections.errors import IntegrationError, Permanent
from connections.models import Connection

from ..models import InitialSync
from .page import Direction
from .registry import directions

PROBLEMS_KEPT = 500
LEASE = timedelta(minutes=10)  # far longer than one page; a dead worker's sync resumes after it
RETRY_AFTER = timedelta(minutes=1)  # a page that failed (Specter or the shop away) is tried again then


class CannotStart(Exception):
    """Why an initial sync cannot start (for the merchant)."""


def sync_count(connection: Connection, direction: str, *, starweb=None, specter=None) -> int:
    """How many products (or articles) the source has: one request."""
    return directions()[direction].count(
        connection, starweb or starweb_for(connection), specter or specter_for(connection)
    )


def start(connection: Connection, direction: str, *, by=None, starweb=None, specter=None) -> InitialSync:
    """Begin a sync (or return the one running). Raises CannotStart."""
    if direction not in directions():
        raise CannotStart(_("There is no such direction."))
    if subscription_in_force(connection.merchant) is None:
        raise CannotStart(
            _("The subscription has not started yet: an initial sync is drawn from the start package's hours.")
        )
    running = InitialSync.objects.filter(connection=connection, state=InitialSync.State.RUNNING).first()
    if running:
        return running
    total = sync_count(connection, direction, starweb=starweb, specter=specter)
    return InitialSync.objects.create(
        connection=connection,
        direction=direction,
        total=total,
        started_by=by if by is not None and by.is_authenticated else None,
    )


def run(sync_id, *, starweb=None, specter=None) -> InitialSync:
    """Work the sync from its cursor to the end. One runner at a time (the lease); each page commits
    its progress with its results, so a crash repeats at most one page; the first page of a run is
    worked `careful`ly, since it may be the one a crashed run had begun."""
    if not _claim(sync_id):
        return InitialSync.objects.get(pk=sync_id)  # another runner holds it
    sync = InitialSync.objects.select_related("connection__merchant").get(pk=sync_id)
    connection = sync.connection
    direction = directions()[sync.direction]
    starweb, specter = starweb or starweb_for(connection), specter or specter_for(connection)
    careful = True
    if connection.status == Connection.Status.INACTIVE:  # a deactivated connection sends nothing
        sync.state, sync.error, sync.finished_at, sync.lease_until = (
            InitialSync.State.FAILED,
            str(_("The connection is deactivated.")),
            timezone.now(),
            None,
        )
        sync.save(update_fields=["state", "error", "finished_at", "lease_until", "updated_at"])
        return sync
    try:
        while sync.state == InitialSync.State.RUNNING:
            number = sync.next_page
            page = direction.page(connection, number, starweb, specter, careful=careful)
            careful = False
            with transaction.atomic():
                sync.done += page.read
                sync.written += page.written
                sync.unchanged += page.unchanged
                sync.problem_count += len(page.problems)
                sync.problems = (sync.problems + page.problems)[:PROBLEMS_KEPT]
                sync.total = max(page.total, sync.done)
                sync.next_page = number + 1
                sync.lease_until = timezone.now() + LEASE
                if sync.next_page > page.last_page or not page.read:
                    _finish(sync, direction)
                sync.save()
    except Permanent as error:
        sync.state, sync.error, sync.finished_at, sync.lease_until = (
            InitialSync.State.FAILED,
            str(error),
            timezone.now(),
            None,
        )
        sync.save(update_fields=["state", "error", "finished_at", "lease_until", "updated_at"])
    except IntegrationError as error:
        # Stays running: the sweeper resumes it from next_page once the short lease runs out.
        sync.error, sync.lease_until = str(error), timezone.now() + RETRY_AFTER
        sync.save(update_fields=["error", "lease_until", "updated_at"])
    return sync


def _claim(sync_id) -> bool:
    """Take the sync's lease if it is running and nobody holds it (one statement: no two runners)."""
    now = timezone.now()
    return bool(
        InitialSync.objects.filter(pk=sync_id, state=InitialSync.State.RUNNING)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(lease_until=now + LEASE)
    )


def _finish(sync: InitialSync, direction: Direction) -> None:
    sync.state, sync.finished_at, sync.error, sync.lease_until = InitialSync.State.DONE, timezone.now(), "", None
    minutes = max(1, int((sync.finished_at - sync.started_at).total_seconds() // 60))
    WorkLog.objects.create(
        merchant_id=sync.connection.merchant_id,
        worked_on=timezone.localdate(),
        minutes=minutes,
        category=WorkLog.Category.INITIAL_SYNC,
        staff_id=sync.started_by_id if _is_staff(sync) else None,
        description=(
            f"Initial sync {direction.code}: {sync.done} read, {sync.written} written, {sync.problem_count} left out"
        ),
    )


def _is_staff(sync: InitialSync) -> bool:
    return (
        bool(sync.started_by_id)
        and not sync.connection.merchant.memberships.filter(user_id=sync.started_by_id).exists()
    )


def stalled(now=None) -> list:
    """Running syncs nobody holds (a worker died, or a failed page waited its minute): the sweeper
    restarts them. A sync whose task is still queued is not held yet: it waits a lease for its turn."""
    now = now or timezone.now()
    return list(_unheld(now).values_list("pk", flat=True))


def restart_stalled(now=None) -> list:
    """The stalled syncs, each marked as queued (no holder, just touched) so that the sweeper does
    not queue it again while its task waits for a worker; the caller queues them."""
    now = now or timezone.now()
    ids = stalled(now)
    return [pk for pk in ids if _unheld(now).filter(pk=pk).update(lease_until=None, updated_at=now)]


def _unheld(now):
    unheld = Q(lease_until__lt=now) | Q(lease_until__isnull=True, updated_at__lt=now - LEASE)
    return InitialSync.objects.filter(state=InitialSync.State.RUNNING).filter(unheld)
