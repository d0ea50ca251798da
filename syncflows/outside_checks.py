"""Checks that call Starweb or Specter on a page's behalf run on the bulk queue, never in the page
load: a page asks for one (`ensure`), shows the last answer and its age, and while one runs shows
"checking…" with its progress and polls. A slow or silent system then costs the worker its
timeout, not the merchant's page.

Each kind's work is a function `(connection, subject, progress) -> result`, named in `KINDS`;
`progress(done, total)` writes how far it got, the result (JSON) is stored for the page to read.
"""

import logging
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from connections.models import Connection

from . import queues
from .models import OutsideCheck

log = logging.getLogger(__name__)

FRESH = timedelta(seconds=60)  # an answer younger than this is shown without asking again
STALE_RUN = timedelta(minutes=5)  # a run not finished by then lost its worker: ask again
KINDS = {  # kind -> the function that does it, in the module that owns the check
    OutsideCheck.Kind.REACHABILITY: "syncflows.reachability.probe",
    OutsideCheck.Kind.SERVICE_ARTICLES: "syncflows.to_specter.service_articles.probe",
}


def latest(connection: Connection, name: str) -> OutsideCheck | None:
    return OutsideCheck.objects.filter(connection=connection, kind=name).first()


def ensure(connection: Connection, name: str, subject: list | None = None) -> OutsideCheck:
    """The latest check of this kind; a new one is queued when there is none, it is older than
    FRESH, it asked about something else, or its run was lost. Database only: no outside call."""
    subject = subject or []
    now = timezone.now()
    row = latest(connection, name)
    if row is None:
        try:
            with transaction.atomic():
                row = OutsideCheck.objects.create(connection=connection, kind=name, subject=subject, requested_at=now)
        except IntegrityError:  # another request created it a moment ago
            return latest(connection, name)
        queues.bulk("syncflows.outside_checks.run", row.pk)
        return row
    running = row.state == OutsideCheck.State.RUNNING
    due = (
        row.subject != subject
        or (running and now - row.requested_at > STALE_RUN)
        or (not running and (row.finished_at is None or now - row.finished_at > FRESH))
    )
    if due and OutsideCheck.objects.filter(pk=row.pk, requested_at=row.requested_at).update(
        state=OutsideCheck.State.RUNNING, subject=subject, done=0, total=0, requested_at=now
    ):
        queues.bulk("syncflows.outside_checks.run", row.pk)
        row.refresh_from_db()
    return row


def store(connection: Connection, name: str, subject: list, result: dict) -> OutsideCheck:
    """Keep an answer got now (by a worker, or by an action that had to ask at once)."""
    now = timezone.now()
    row, _created = OutsideCheck.objects.update_or_create(
        connection=connection,
        kind=name,
        defaults={
            "state": OutsideCheck.State.DONE,
            "subject": subject,
            "result": result,
            "finished_at": now,
            "requested_at": now,
        },
    )
    return row


def run(check_id: int) -> str:
    """The bulk task: do the check, store its answer (or that it stopped)."""
    row = OutsideCheck.objects.select_related("connection").filter(pk=check_id).first()
    if row is None:
        return "gone"
    requested_at = row.requested_at

    def progress(done: int, total: int) -> None:
        OutsideCheck.objects.filter(pk=row.pk, requested_at=requested_at).update(done=done, total=total)

    try:
        result = import_string(KINDS[row.kind])(row.connection, row.subject, progress)
        state = OutsideCheck.State.DONE
    except Exception as error:  # the page says it stopped; the next visit asks again
        log.exception("outside check %s of connection %s stopped", row.kind, row.connection_id)
        result, state = {"error": type(error).__name__}, OutsideCheck.State.FAILED
    # A newer request (another subject) since this run started keeps its own state.
    OutsideCheck.objects.filter(pk=row.pk, requested_at=requested_at).update(
        state=state, result=result, finished_at=timezone.now()
    )
    return state
