"""The ledger's primitives: one row per order, one worker per row, fenced writes, retries that
wait, and a timeline row for every attempt. (The engine that uses them talks HTTP; see its tests.)"""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from connections.errors import AuthenticationFailed, Permanent, RateLimited, Retryable, UnknownOutcome
from syncflows import ledger
from syncflows.models import Transfer, TransferAttempt
from tests.connections.factories import ConnectionFactory
from tests.syncflows.factories import TransferFactory
from tests.syncflows.wiring import concurrently, postgres_only

pytestmark = pytest.mark.django_db
State = Transfer.State


def test_the_same_order_gets_one_ledger_row_from_any_source():
    conn = ConnectionFactory()
    first, created = ledger.ensure_transfer(conn.pk, 501, source="webhook")
    again, created_again = ledger.ensure_transfer(conn.pk, "501", source="poller")
    assert created and not created_again and first.pk == again.pk
    assert Transfer.objects.count() == 1 and again.source == "webhook"


def test_only_one_claim_wins_and_a_live_lease_blocks_others():
    transfer = TransferFactory()
    first = ledger.claim(transfer.pk)
    assert first is not None and ledger.claim(transfer.pk) is None


def test_an_expired_lease_can_be_taken_over_and_the_old_worker_is_fenced_out(settings):
    transfer = TransferFactory()
    old = ledger.claim(transfer.pk)
    later = timezone.now() + timedelta(seconds=settings.TRANSFER_LEASE_SECONDS + 1)
    new = ledger.claim(transfer.pk, now=later)
    assert new is not None and new.token != old.token
    with pytest.raises(ledger.LeaseLost):
        ledger.advance(old, State.SENDING)
    ledger.advance(new, State.FETCHING)
    assert Transfer.objects.get(pk=transfer.pk).state == State.FETCHING


def test_a_row_waiting_for_its_retry_time_is_not_claimed_early():
    transfer = TransferFactory(state=State.RETRY_WAIT, next_attempt_at=timezone.now() + timedelta(minutes=5))
    assert ledger.claim(transfer.pk) is None
    assert ledger.claim(transfer.pk, now=timezone.now() + timedelta(minutes=6)) is not None


@pytest.mark.parametrize("state", [State.DONE, State.SKIPPED, State.NEEDS_ATTENTION, State.HELD])
def test_finished_held_and_attention_rows_are_not_claimed(state):
    assert ledger.claim(TransferFactory(state=state).pk) is None


def test_a_rate_limit_waits_as_told_without_using_an_attempt():
    transfer = TransferFactory()
    lease = ledger.claim(transfer.pk)
    state = ledger.fail(lease, transfer, RateLimited("starweb: rate limited", wait=42))
    row = Transfer.objects.get(pk=transfer.pk)
    assert state == State.RETRY_WAIT and row.attempts == 0 and row.lease_token is None
    assert 41 <= (row.next_attempt_at - timezone.now()).total_seconds() <= 42


def test_a_temporary_error_uses_an_attempt_and_backs_off():
    transfer = TransferFactory()
    ledger.fail(ledger.claim(transfer.pk), transfer, Retryable("specter: server error 503", status=503))
    row = Transfer.objects.get(pk=transfer.pk)
    assert row.state == State.RETRY_WAIT and row.attempts == 1 and not row.must_reconcile
    assert row.next_attempt_at > timezone.now()


def test_an_unknown_outcome_makes_the_next_run_reconcile_first():
    transfer = TransferFactory()
    ledger.fail(ledger.claim(transfer.pk), transfer, UnknownOutcome("specter: no answer in time"))
    row = Transfer.objects.get(pk=transfer.pk)
    assert row.state == State.UNKNOWN_OUTCOME and row.must_reconcile


def test_a_permanent_error_needs_attention_with_the_merchants_reason():
    transfer = TransferFactory()
    ledger.fail(
        ledger.claim(transfer.pk),
        transfer,
        AuthenticationFailed("specter: refused"),
        reason="Specter refused the smbID/md5key. Enter them again under Settings.",
        reason_code="specter_auth",
    )
    row = Transfer.objects.get(pk=transfer.pk)
    assert row.state == State.NEEDS_ATTENTION and row.reason_code == "specter_auth" and "Settings" in row.reason


def test_retries_give_up_into_needs_attention_after_the_maximum(settings):
    transfer = TransferFactory(attempts=settings.TRANSFER_MAX_ATTEMPTS - 1)
    ledger.fail(ledger.claim(transfer.pk), transfer, Retryable("specter: server error 503"))
    assert Transfer.objects.get(pk=transfer.pk).state == State.NEEDS_ATTENTION


def test_backoff_grows_exponentially_with_jitter_and_is_capped(settings):
    rng = random.Random(7)
    waits = [ledger.backoff(n, rng=rng).total_seconds() for n in range(1, 12)]
    base, cap = settings.TRANSFER_BACKOFF_BASE_SECONDS, settings.TRANSFER_BACKOFF_MAX_SECONDS
    for n, wait in enumerate(waits, start=1):
        ceiling = min(cap, base * 2 ** (n - 1))
        assert ceiling / 2 <= wait <= ceiling
    assert len({round(w) for w in waits[-4:]}) > 1  # jitter: capped waits still differ


def test_a_manual_retry_re_enters_at_reconcile_and_never_touches_a_done_order():
    stuck = TransferFactory(state=State.NEEDS_ATTENTION, attempts=12, reason="x")
    done = TransferFactory(state=State.DONE)
    assert ledger.retry_now(stuck.pk) and not ledger.retry_now(done.pk)
    row = Transfer.objects.get(pk=stuck.pk)
    assert (row.state, row.must_reconcile, row.attempts, row.reason) == (State.RETRY_WAIT, True, 0, "")
    assert ledger.claim(stuck.pk) is not None


def test_the_sweeper_finds_due_waiting_rows_and_abandoned_leases_only():
    now = timezone.now() + ledger.PENDING_GRACE + timedelta(seconds=1)  # the pending row's enqueue was lost
    due_pending = TransferFactory()
    due_retry = TransferFactory(state=State.RETRY_WAIT, next_attempt_at=now - timedelta(seconds=1))
    TransferFactory(state=State.RETRY_WAIT, next_attempt_at=now + timedelta(minutes=1))  # not yet
    abandoned = TransferFactory(state=State.SENDING, lease_until=now - timedelta(seconds=1))
    TransferFactory(state=State.SENDING, lease_until=now + timedelta(minutes=1))  # a live worker
    TransferFactory(state=State.DONE)
    assert set(ledger.due(now)) == {due_pending.pk, due_retry.pk, abandoned.pk}


def test_the_sweeper_leaves_a_fresh_pending_row_to_the_task_already_queued_for_it():
    fresh = TransferFactory()
    assert fresh.pk not in ledger.due()


@pytest.mark.parametrize(
    "error, outcome",
    [
        (RateLimited("starweb: rate limited", status=429), "rate_limited"),
        (UnknownOutcome("specter: no answer in time"), "unknown"),
        (Retryable("specter: server error 503", status=503), "retryable"),
        (Permanent("starweb: request refused with 404", status=404), "permanent"),
        (ledger.LeaseLost(1), "lease_lost"),
        (ValueError("order 17 has secret-ish data"), "permanent"),
    ],
)
def test_every_attempt_leaves_a_timeline_row_with_its_outcome(error, outcome):
    transfer = TransferFactory()
    with pytest.raises(type(error)):
        with ledger.attempt(transfer.pk, "sending"):
            raise error
    row = TransferAttempt.objects.get(transfer=transfer)
    assert row.phase == "sending" and row.outcome == outcome
    assert "secret-ish" not in row.summary


def test_a_successful_attempt_is_recorded_too():
    transfer = TransferFactory()
    with ledger.attempt(transfer.pk, "fetching") as record:
        record.http_status = 200
    assert TransferAttempt.objects.get().outcome == "ok"


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_of_many_concurrent_workers_exactly_one_claims_the_row():
    postgres_only()
    transfer = TransferFactory()
    leases = concurrently(8, lambda: ledger.claim(transfer.pk))
    assert len([lease for lease in leases if lease]) == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_storm_of_concurrent_webhooks_for_one_order_makes_one_row():
    postgres_only()
    conn = ConnectionFactory()
    created = concurrently(10, lambda: ledger.ensure_transfer(conn.pk, "777", source="webhook")[1])
    assert Transfer.objects.filter(connection=conn).count() == 1 and created.count(True) == 1
