"""A connection wired to the simulators on the live server, as the demo is (bench/demo.py),
and the helpers that run the queue and threads in tests."""

import threading

from bench.demo import DEMO_ORDER_SETTINGS, wire_webhooks
from simulator.specter.demo import ensure_demo_account
from simulator.specter.models import Order as SpecterOrder
from simulator.starweb.demo import ensure_demo_shop
from tests.billing.factories import MembershipFactory, SubscriptionFactory
from tests.billing.factories import package as catalogue_package
from tests.connections.factories import ConnectionFactory

# Each kind of Specter credentials (specs/specter-api.md §2.2, §10.2): the simulated account's keys,
# and the connection's fields for them.
SPECTER_KINDS = {
    "single": (
        {"md5key": "demo-md5key", "md5key2": "", "api_user_id": ""},
        {"specter_key_kind": "single", "specter_md5key": "demo-md5key"},
    ),
    "v1": (
        {"md5key": "demo-md5-key-1", "md5key2": "demo-md5-key-2", "api_user_id": ""},
        {"specter_key_kind": "v1", "specter_md5key": "demo-md5-key-1", "specter_md5key2": "demo-md5-key-2"},
    ),
    "v2": (
        {"md5key": "demo-nyckel", "md5key2": "demo-nyckel2", "api_user_id": "55"},
        {
            "specter_key_kind": "v2",
            "specter_md5key": "demo-nyckel",
            "specter_md5key2": "demo-nyckel2",
            "specter_api_user_id": "55",
        },
    ),
}


def specter_account_of_kind(kind: str, smb_id: str = "1001", **answers):
    """The simulated demo account with credentials of `kind`, answering as `answers` say
    (answer_form, decimal_comma, says_no_items: simulator/specter/answers.py). Returns the
    connection fields that match it."""
    from simulator.specter.models import Account

    account_keys, connection_fields = SPECTER_KINDS[kind]
    ensure_demo_account(smb_id)
    Account.objects.filter(smb_id=smb_id).update(**account_keys, **answers)
    return dict(connection_fields)


def wired_connection(
    live_server, settings, *, webhooks=True, package="200", specter_kind="", answers=None, **overrides
):
    """A connection to the simulators; `specter_kind` (a key of SPECTER_KINDS) and `answers` make
    the simulated Specter account that kind and answer form (default: the demo's one md5key, text)."""
    settings.SPECTER_API_URL = live_server.url + "/sim/specter/"
    ensure_demo_shop()
    ensure_demo_account()
    credentials = (
        specter_account_of_kind(specter_kind or "single", **(answers or {})) if specter_kind or answers else {}
    )
    connection = ConnectionFactory(
        **{
            "starweb_base_url": f"{live_server.url}/sim/starweb/demobutiken/api/v2",
            "starweb_client_id": "demo-client",
            "starweb_client_secret": "demo-client-secret",
            "specter_smb_id": "1001",
            "specter_md5key": "demo-md5key",
            **credentials,
            **DEMO_ORDER_SETTINGS,
            **overrides,
        }
    )
    SubscriptionFactory(merchant=connection.merchant, package=catalogue_package(package))
    MembershipFactory(merchant=connection.merchant, user__email="owner@example.se")
    if webhooks:
        wire_webhooks(connection, "demobutiken", live_server.url)
    return connection


def fail_article_submit_on(monkeypatch, call_no: int) -> None:
    """Specter answers the call_no-th newArticleSubmit with a 503; the others go through."""
    from connections.errors import Retryable
    from connections.specter.client import SpecterClient

    original, calls = SpecterClient.submit_articles, {"n": 0}

    def failing(self, rows, *, update):
        calls["n"] += 1
        if calls["n"] == call_no:
            raise Retryable("specter: 503")
        return original(self, rows, update=update)

    monkeypatch.setattr(SpecterClient, "submit_articles", failing)


def specter_orders(external_order_no) -> list:
    return list(SpecterOrder.objects.filter(external_order_no=str(external_order_no)))


def drain(rounds: int = 50) -> list:
    """Run what the broker holds, as a worker would, until nothing is left; returns the functions run.
    (The worker itself is exercised by the benchmark and `make run`; here we want determinism.)"""
    from pydoc import locate

    from django_q.models import OrmQ

    ran = []
    for _ in range(rounds):
        queued = list(OrmQ.objects.order_by("id"))
        if not queued:
            return ran
        for item in queued:
            task = item.task
            item.delete()
            func = locate(task["func"]) if isinstance(task["func"], str) else task["func"]
            ran.append(task["func"])
            func(*task.get("args", ()), **task.get("kwargs", {}))
    raise AssertionError("the queue never drained")


def queued() -> list:
    from django_q.models import OrmQ

    return [(item.task["func"], item.task.get("args")) for item in OrmQ.objects.order_by("id")]


def concurrently(count: int, work) -> list:
    """Run `work()` in `count` threads released together (each on its own database connection)."""
    return all_at_once([work] * count)


def all_at_once(works) -> list:
    """Run each callable in its own thread, all released together by a barrier; their results."""
    from django.db import connection as thread_connection

    barrier, results = threading.Barrier(len(works)), []

    def run(work):
        barrier.wait()
        try:
            results.append(work())
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=run, args=(work,)) for work in works]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def postgres_only():
    from django.db import connection

    if connection.vendor != "postgresql":
        import pytest

        pytest.skip("row-level concurrency means something only on PostgreSQL (CI's second leg)")


def settle(rounds: int = 30) -> None:
    """Let time pass for the ledger until every order is final or needs a person: make waiting
    rows due, expired leases expire and open circuits' probes due, then sweep and drain, as the
    worker's schedules would."""
    from datetime import timedelta

    from django.utils import timezone

    from syncflows import tasks
    from syncflows.models import Circuit, Transfer

    S = Transfer.State
    for _ in range(rounds):
        open_rows = Transfer.objects.exclude(state__in=[S.DONE, S.SKIPPED, S.NEEDS_ATTENTION, S.HELD])
        if not open_rows.exists():
            return
        past = timezone.now() - timedelta(seconds=1)
        open_rows.update(next_attempt_at=past, updated_at=past - timedelta(minutes=1))
        open_rows.filter(lease_until__isnull=False).update(lease_until=past)
        Circuit.objects.filter(opened_at__isnull=False).update(probe_at=past)  # a circuit's probe is due
        tasks.sweep()
        drain()
    raise AssertionError("orders never settled: " + repr(list(Transfer.objects.values_list("state", "reason"))))
