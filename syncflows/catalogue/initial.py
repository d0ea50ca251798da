"""The initial product sync, in either direction (domain.md): the whole assortment from Starweb into
Specter (a new ERP) or from Specter into Starweb (a new shop). A preview count first; then page by
page with a persisted cursor and progress, resumable after a crash (the sweeper restarts a stalled
run from its last committed page); a report at the end; its time drawn from the service account.

The machine is here; what one page means is the direction's (export.TO_SPECTER, from_specter.TO_STARWEB)."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from billing.entitlements import subscription_in_force
from billing.models import WorkLog
from connections.clients import specter_for, starweb_for
from connections.errors import IntegrationError, Permanent
from connections.models import Connection

from ..models import InitialSync

PROBLEMS_KEPT = 500
STALLED = timedelta(minutes=2)


@dataclass
class Page:
    """What one page of a sync did."""

    read: int
    total: int
    last_page: int
    written: int = 0
    unchanged: int = 0
    problems: list = field(default_factory=list)  # [[what, why], ...]


@dataclass(frozen=True)
class Direction:
    code: str
    title: object  # lazy text
    preview: object  # (connection, starweb, specter) -> int
    page: object  # (connection, number, starweb, specter, *, careful: bool) -> Page


class CannotStart(Exception):
    """Why an initial sync cannot start (for the merchant)."""


def directions() -> dict[str, Direction]:
    from . import export, from_specter  # the directions import this module's Page

    return {d.code: d for d in (export.TO_SPECTER, from_specter.TO_STARWEB)}


def offered(connection: Connection) -> list[Direction]:
    """Both directions; the connection's own product direction first (flow #2: Specter → Starweb)."""
    ordered = sorted(directions().values(), key=lambda d: d.code != ("to_starweb" if connection.flow == Connection.Flow.ERP else "to_specter"))
    return ordered


def preview(connection: Connection, direction: str, *, starweb=None, specter=None) -> int:
    """How many products (or articles) the source has: one request."""
    return directions()[direction].preview(connection, starweb or starweb_for(connection), specter or specter_for(connection))


def start(connection: Connection, direction: str, *, by=None, starweb=None, specter=None) -> InitialSync:
    """Begin a sync (or return the one running). Raises CannotStart."""
    if direction not in directions():
        raise CannotStart(_("There is no such direction."))
    if subscription_in_force(connection.merchant) is None:
        raise CannotStart(_("The subscription has not started yet: an initial sync is drawn from the start package's hours."))
    running = InitialSync.objects.filter(connection=connection, state=InitialSync.State.RUNNING).first()
    if running:
        return running
    total = preview(connection, direction, starweb=starweb, specter=specter)
    return InitialSync.objects.create(connection=connection, direction=direction, total=total,
                                      started_by=by if by is not None and by.is_authenticated else None)


def run(sync_id, *, starweb=None, specter=None) -> InitialSync:
    """Work the sync from its cursor to the end. Each page commits its progress with its results,
    so a crash repeats at most one page; the first page of a run is worked `careful`ly, since it may
    be the one a crashed run had begun."""
    sync = InitialSync.objects.select_related("connection__merchant").get(pk=sync_id)
    connection = sync.connection
    direction = directions()[sync.direction]
    starweb, specter = starweb or starweb_for(connection), specter or specter_for(connection)
    careful = True
    try:
        while sync.state == InitialSync.State.RUNNING:
            page = direction.page(connection, sync.next_page, starweb, specter, careful=careful)
            careful = False
            with transaction.atomic():
                sync.done += page.read
                sync.written += page.written
                sync.unchanged += page.unchanged
                sync.problem_count += len(page.problems)
                sync.problems = (sync.problems + page.problems)[:PROBLEMS_KEPT]
                sync.total = max(page.total, sync.done)
                sync.next_page += 1
                if sync.next_page > page.last_page or not page.read:
                    _finish(sync, direction)
                sync.save()
    except Permanent as error:
        sync.state, sync.error, sync.finished_at = InitialSync.State.FAILED, str(error), timezone.now()
        sync.save(update_fields=["state", "error", "finished_at", "updated_at"])
    except IntegrationError as error:
        sync.error = str(error)  # stays running: the sweeper resumes it from next_page
        sync.save(update_fields=["error", "updated_at"])
    return sync


def _finish(sync: InitialSync, direction: Direction) -> None:
    sync.state, sync.finished_at, sync.error = InitialSync.State.DONE, timezone.now(), ""
    minutes = max(1, int((sync.finished_at - sync.started_at).total_seconds() // 60))
    WorkLog.objects.create(merchant_id=sync.connection.merchant_id, worked_on=timezone.localdate(), minutes=minutes,
                           category=WorkLog.Category.INITIAL_SYNC, staff_id=sync.started_by_id if _is_staff(sync) else None,
                           description=f"Initial sync {direction.code}: {sync.done} read, {sync.written} written, {sync.problem_count} left out")


def _is_staff(sync: InitialSync) -> bool:
    return bool(sync.started_by_id) and not sync.connection.merchant.memberships.filter(user_id=sync.started_by_id).exists()


def stalled(now=None) -> list:
    """Running syncs whose worker stopped (no progress for STALLED): the sweeper restarts them."""
    now = now or timezone.now()
    return list(InitialSync.objects.filter(state=InitialSync.State.RUNNING, updated_at__lt=now - STALLED).values_list("pk", flat=True))
