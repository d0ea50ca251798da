"""The order engine: one run of one transfer through the ledger's phases (design.md §3).

    claim → fetch from Starweb → decide (skip / needs attention / hold) → sending
          → reconcile (only after a possible earlier create) → articles (only for article numbers
          not known in Specter: created, or the order waits for them) → customer → order
          → sent + billing usage, one transaction → [invoice] → write-back → [status] → done

Every step that talks HTTP runs outside any transaction; every phase write is fenced by the lease.
A typed error ends the run with its consequence (ledger.fail); the next run resumes from the last
committed phase: an order with a Specter number never goes to Specter again, and one that may have
gone (state `sending` or `must_reconcile`) is looked up by its webshop order number first.

Database statements on the happy path (9): claim; load (with the month's subscription terms);
sending; sent + timeline + usage (2); done + timeline. Timeline rows ride along with phase writes.
Which article numbers Specter has is read once and trusted for minutes (orders/articles.py).
"""

import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from http.cookiejar import DefaultCookiePolicy

from django.db import transaction
from django.db.models import OuterRef
from django.utils import timezone

from billing.entitlements import MonthTerms, month_terms, month_terms_of
from billing.periods import month_of
from billing.usage import month_count, record_transfer
from connections import http
from connections.clients import specter_for, starweb_for
from connections.errors import AuthenticationFailed, IntegrationError, Permanent, Retryable
from connections.models import Connection
from connections.specter.client import DuplicateOrder, UnknownArticle, named_articles
from connections.starweb.client import NotFound
from connections.starweb.types import ParseError
from integrator import logs

from .. import alerts, circuits, ledger, reasons
from ..models import Transfer
from ..timeline import describe
from . import articles, intake
from .mapper import map_order, problems
from .snapshot import snapshot

State = Transfer.State
PAUSED_RECHECK = timedelta(minutes=10)


@dataclass
class Clients:
    """Injected clients (the benchmark shares HTTP sessions); None: built from the connection."""

    starweb: object = None
    specter: object = None


_local = threading.local()


def _session():
    """This thread's HTTP session, kept from run to run: its pooled connections spare every order a
    TCP (in production a TLS) handshake per system. Runs of many merchants share it, so it takes
    no cookies: nothing one server set is ever sent along with another merchant's calls."""
    session = getattr(_local, "session", None)
    if session is None:
        session = _local.session = http.new_session()
        session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
    return session


def run(transfer_id: int, clients: Clients | None = None) -> str | None:
    """Work the transfer as far as it goes now. Returns the state it was left in, or None when the
    row was not ours to work on (final, not due, or another worker holds it)."""
    lease = ledger.claim(transfer_id)
    if lease is None:
        return None
    month = month_of(timezone.now())
    transfer = (
        Transfer.objects.select_related("connection")
        .annotate(**month_terms(OuterRef("connection__merchant_id"), month))
        .annotate(**circuits.annotations())
        .get(pk=transfer_id)
    )
    run = _Run(lease, transfer, clients or Clients(), month_terms_of(transfer))
    with logs.bound(connection_id=transfer.connection_id, transfer_id=transfer.public_id):
        try:
            state = _work(run)
        finally:
            run.close_circuits()
    if run.parked:
        circuits.unpark_if_closed(transfer_id, run.connection)
    if state in (State.RETRY_WAIT, State.UNKNOWN_OUTCOME):
        intake.requeue_when_due(transfer_id)
    return state


def _work(run: "_Run") -> str | None:
    """The run, and the consequence of the typed error that may end it."""
    lease, transfer = run.lease, run.transfer
    try:
        return run.work()
    except ledger.LeaseLost:
        return None
    except AuthenticationFailed as error:
        alerts.credentials_refused(transfer.connection, error.system)
        # The merchant fixes credentials, not orders: keep retrying with backoff, never drop.
        return ledger.fail(
            lease,
            run.transfer,
            Retryable(str(error), system=error.system, status=error.status),
            **reasons.stored(("credentials", {"system": (error.system or "API").capitalize()})),
            timeline=run.timeline,
        )
    except Permanent as error:
        why = _explain(error)
        state = ledger.fail(lease, run.transfer, error, **why, timeline=run.timeline)
        alerts.needs_attention(run.transfer, why["reason_code"], why["reason"], why.get("reason_params"))
        return state
    except IntegrationError as error:
        run.answered.discard(error.system)  # its last word was a failure
        if circuits.trips(error) and circuits.failed(run.connection, error.system, str(error)):
            # The account is down: wait with the others for its return, spending no attempt.
            run.parked = True
            return ledger.fail(
                lease,
                run.transfer,
                error,
                timeline=run.timeline,
                park=circuits.park_wait(),
                **reasons.stored((circuits.REASON, {"system": error.system.capitalize()})),
            )
        state = ledger.fail(lease, run.transfer, error, timeline=run.timeline)
        if state == State.NEEDS_ATTENTION:
            worded = reasons.stored(describe(error), ("gave_up", {"attempts": run.transfer.attempts + 1}))
            alerts.needs_attention(run.transfer, "gave_up", worded["reason"], worded["reason_params"])
        return state
    except Exception:
        # A bug, not an answer: back off like a temporary error so a fix drains it; the timeline
        # names the exception type. Re-raised so the worker logs it.
        why = reasons.stored(("internal", {}))
        ledger.fail(
            lease,
            run.transfer,
            Retryable("internal error"),
            reason_code="internal",
            reason=why["reason"],
            reason_params=why["reason_params"],
            timeline=run.timeline,
        )
        raise


# Which outside system each phase talks to: a phase that went well is that system answering.
PHASE_SYSTEM = {
    "fetch": "starweb",
    "write_back": "starweb",
    "status": "starweb",
    "reconcile": "specter",
    "customer": "specter",
    "order": "specter",
    "invoice": "specter",
}


class _Run:
    def __init__(self, lease, transfer: Transfer, clients: Clients, terms: MonthTerms):
        self.lease, self.transfer, self.timeline = lease, transfer, []
        self.answered: set[str] = set()  # systems that answered a phase of this run
        self.parked = False  # this run left the order waiting for an open circuit
        self.connection: Connection = transfer.connection
        self.starweb = clients.starweb or starweb_for(self.connection, _session())
        self._specter = clients.specter
        self.terms = terms  # this month's subscription terms, read with the row

    @property
    def specter(self):
        if self._specter is None:
            self._specter = specter_for(self.connection, _session())
        return self._specter

    @contextmanager
    def attempt(self, phase: str):
        with ledger.attempt(self.transfer.pk, phase, self.timeline) as record:
            yield record
        self.answered.add(PHASE_SYSTEM.get(phase, ""))

    def close_circuits(self) -> None:
        """An account that answered while it had a circuit row: forget its failures (and, if the
        circuit was open, release everything waiting for it)."""
        for system in circuits.SYSTEMS:
            if getattr(self.transfer, f"{system}_circuit_id", None) and system in self.answered:
                circuits.answered(self.connection, system)

    def work(self) -> str:
        if self.connection.status == Connection.Status.INACTIVE:
            # Deactivated: send nothing (not even a write-back); reactivation offers to send it.
            ledger.release(self.lease, State.SKIPPED, next_attempt_at=None, **reasons.stored(("deactivated", {})))
            return State.SKIPPED
        if self.connection.status == Connection.Status.PAUSED:
            # Paused by the merchant: keep the order, look again later; resume makes it due at once.
            ledger.release(
                self.lease,
                State.RETRY_WAIT,
                next_attempt_at=timezone.now() + PAUSED_RECHECK,
                **reasons.stored(("paused", {})),
            )
            return State.RETRY_WAIT
        circuit = circuits.open_circuit(self.transfer)
        if circuit is not None:
            # Its account is down and another order probes it: wait, no call, no attempt spent.
            state = State.UNKNOWN_OUTCOME if self.transfer.state == State.UNKNOWN_OUTCOME else State.RETRY_WAIT
            self.parked = True
            ledger.release(
                self.lease,
                state,
                next_attempt_at=timezone.now() + circuits.park_wait(),
                **reasons.stored((circuits.REASON, {"system": circuit.system.capitalize()})),
            )
            return state
        if not self.transfer.specter_order_no:
            decided = self.send()
            if decided:
                return decided
        return self.finish()

    # -- 1. fetch and decide, 2. send ------------------------------------------------------------------

    def send(self) -> str | None:
        """Bring the order into Specter and count it; returns a state if the run ends here."""
        transfer, connection = self.transfer, self.connection
        settings = connection.export_settings  # built once: the mapper, problems and reconcile share it
        with self.attempt("fetch") as record:
            order = self.starweb.order(transfer.starweb_order_id)
            record.detail(
                "fetched",
                f"order {order.order_id}, status {order.status_id}, "
                f"{order.amount_to_pay} {order.currency_code or 'SEK'}",
                order=order.order_id,
                status=order.status_id,
                amount={"value": str(order.amount_to_pay), "currency": order.currency_code or "SEK"},
            )
        skip = self.skip_reason(order)
        if skip:
            ledger.release(
                self.lease,
                State.SKIPPED,
                timeline=self.timeline,
                **reasons.stored((skip, {})),
                order_number=order.order_id,
            )
            return State.SKIPPED
        found = problems(order, settings)
        if found:
            why = reasons.stored(*[(p.code, p.params) for p in found])
            ledger.release(
                self.lease,
                State.NEEDS_ATTENTION,
                timeline=self.timeline,
                **why,
                order_number=order.order_id,
                next_attempt_at=None,
            )
            alerts.needs_attention(transfer, why["reason_code"], why["reason"], why["reason_params"])
            return State.NEEDS_ATTENTION
        if self.over_hard_cap(timezone.now()):
            ledger.release(
                self.lease,
                State.HELD,
                timeline=self.timeline,
                **reasons.stored(("quota", {})),
                order_number=order.order_id,
            )
            return State.HELD
        mapped = map_order(order, settings)
        reconcile = transfer.must_reconcile or transfer.state in (State.SENDING, State.UNKNOWN_OUTCOME)
        # From here a create may reach Specter: any later run must look before it creates (rule 3).
        ledger.advance(
            self.lease,
            State.SENDING,
            order_number=order.order_id,
            starweb_modified_at=order.modified_at,
            must_reconcile=True,
            sent_snapshot=snapshot(mapped),
        )
        transfer.state, transfer.must_reconcile = State.SENDING, True  # what fail() will build on
        order_no, customer_no = None, ""
        if reconcile:
            with self.attempt("reconcile") as record:
                order_no = self.specter.find_order(settings.external_order_no(order.order_id))
                if order_no:
                    record.detail("found", f"already in Specter as {order_no}", order=order_no)
                else:
                    record.detail("not_found", "not in Specter")
        taken_unknown = ()
        if not order_no:
            waiting = self.articles_known(mapped, settings, order.order_id)
            if waiting:
                return waiting
            with self.attempt("customer") as record:
                customer_no = self.specter.submit_customer(mapped.customer)
                record.detail("customer", f"customer {customer_no}", customer=customer_no)
            with self.attempt("order") as record:
                try:
                    receipt = self.specter.place_order(customer_no, mapped.order_params(customer_no))
                    order_no, taken_unknown = receipt.order_no, receipt.unknown_articles
                    summary = f"order {order_no}, {len(mapped.rows)} rows, {mapped.total} SEK"
                    total = {"value": str(mapped.total), "currency": "SEK"}
                    if taken_unknown:
                        record.detail(
                            "order_unknown_articles",
                            f"{summary}; Specter took it but does not know {', '.join(taken_unknown)}",
                            order=order_no,
                            rows=len(mapped.rows),
                            total=total,
                            articles=", ".join(taken_unknown),
                        )
                    else:
                        record.detail("order", summary, order=order_no, rows=len(mapped.rows), total=total)
                except DuplicateOrder as duplicate:  # Specter's own guard: it is there already
                    order_no = duplicate.existing_order_no
                    record.detail("found", f"already in Specter as {order_no}", order=order_no)
                except UnknownArticle as refused:  # we were wrong to think it there: look again next time
                    articles.forget(self.connection, named_articles(str(refused)))
                    raise
        self.mark_sent(order_no, customer_no)
        if taken_unknown:
            # In Specter, but with rows for articles it lacks: the owner must look at it there.
            articles.forget(self.connection, taken_unknown)
            alerts.unknown_articles_taken(transfer, taken_unknown)
        return None

    def articles_known(self, mapped, settings, order_id) -> str | None:
        """Make every article number on the order known in Specter (orders/articles.py); returns
        the state if the order must wait for some, naming them."""
        missing = articles.unknown(self.connection, [row.article_no for row in mapped.rows if row.article_no])
        if not missing:
            return None
        with self.attempt("articles") as record:
            still, done = articles.make_known(
                self.connection,
                mapped.rows,
                self.specter,
                service_articles=settings.special_articles(),
                missing=missing,
                keep_alive=lambda: ledger.extend(self.lease),
            )
            if done:
                record.detail(done.code, done.summary, **done.params)
        if not still:
            return None
        why = reasons.stored((articles.WAITING, {"articles": ", ".join(still)}))
        ledger.release(
            self.lease,
            State.NEEDS_ATTENTION,
            timeline=self.timeline,
            **why,
            order_number=order_id,
            next_attempt_at=None,
        )
        alerts.needs_attention(self.transfer, why["reason_code"], why["reason"])
        return State.NEEDS_ATTENTION

    def skip_reason(self, order) -> str | None:
        """The reason code (syncflows.reasons) for not sending this order now, or None."""
        c, manual = self.connection, self.transfer.source == Transfer.Source.MANUAL
        if manual:
            return None  # the merchant asked for this order explicitly
        if c.export_order == Connection.OrderExport.INACTIVE:
            return "export_inactive"
        if c.export_order == Connection.OrderExport.MANUAL:
            return "export_manual"
        if not c.triggers_on(order.status_id):
            return "status"
        return None

    def over_hard_cap(self, now) -> bool:
        terms = self.terms
        if not (terms.hold_over_quota and terms.quota is not None):
            return False
        return month_count(self.connection.merchant_id, month_of(now)) >= terms.quota

    def mark_sent(self, order_no: str, customer_no: str) -> None:
        """`sent` and the billing count in one transaction (rule 4), fenced by the lease."""
        now = timezone.now()
        transfer = self.transfer
        with transaction.atomic():
            ledger.advance(
                self.lease,
                State.SENT,
                timeline=self.timeline,
                specter_order_no=order_no,
                specter_customer_no=customer_no or transfer.specter_customer_no,
                sent_at=now,
                must_reconcile=False,
                reason="",
                reason_code="",
                reason_params=[],
            )
            record_transfer(
                merchant_id=self.connection.merchant_id,
                connection_id=self.connection.pk,
                order_id=transfer.starweb_order_id,
                order_number=transfer.order_number,
                at=now,
                quota=self.terms.quota,
            )
        transfer.specter_order_no, transfer.sent_at = order_no, now

    # -- 3. invoice, write-back, status, done ---------------------------------------------------------

    def finish(self) -> str:
        transfer, connection = self.transfer, self.connection
        fields = {}
        if connection.document_type == Connection.Document.INVOICE and not transfer.specter_invoice_no:
            with self.attempt("invoice") as record:
                fields["specter_invoice_no"] = self.specter.submit_invoice(transfer.specter_order_no)
                record.detail(
                    "invoice", f"invoice {fields['specter_invoice_no']}", invoice=fields["specter_invoice_no"]
                )
        with self.attempt("write_back") as record:
            self.starweb.set_external_id(transfer.starweb_order_id, transfer.specter_order_no)
            record.detail(
                "write_back", f"external order number {transfer.specter_order_no}", order=transfer.specter_order_no
            )
        if connection.status_on_transfer_id and self.terms.order_status:
            with self.attempt("status") as record:
                self.starweb.set_status(
                    transfer.starweb_order_id, connection.status_on_transfer_id, send_email=False, process_payment=False
                )
                record.detail(
                    "status", f"status {connection.status_on_transfer_id}", status=connection.status_on_transfer_id
                )
        ledger.release(
            self.lease,
            State.DONE,
            timeline=self.timeline,
            done_at=timezone.now(),
            next_attempt_at=None,
            reason="",
            reason_code="",
            reason_params=[],
            **fields,
        )
        if connection.credentials_failed_at:
            Connection.objects.filter(pk=connection.pk).update(credentials_failed_at=None, credentials_failed_system="")
        return State.DONE


def _explain(error: Permanent) -> dict:
    """A permanent refusal as the transfer stores it: ours in words a merchant understands, an
    outside system's own words kept as they came."""
    if isinstance(error, UnknownArticle):
        return reasons.stored(("unknown_article", {"detail": str(error)}))
    if isinstance(error, NotFound):
        return reasons.stored(("order_gone", {}))
    if isinstance(error, ParseError):  # Starweb's order as it is cannot be read: a person must look
        return reasons.stored(("unreadable", {"field": error.field, "row": error.row}))
    code, params = describe(error)
    return {**reasons.stored((code, params)), "reason_code": code if code.startswith("address_") else "refused"}
