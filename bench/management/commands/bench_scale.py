"""Many processes, proven: orders through several qclusters and web processes under faults and kills.

    python manage.py bench_scale --orders 1000 --clusters 3
    python manage.py bench_scale --orders 500 --outage 600

1. Starts two web processes (gunicorn, each serving the app and the simulator) and `--clusters`
   orders' `qcluster` processes plus one bulk cluster, all separate OS processes on the configured
   database (PostgreSQL to mean anything), as they would run on separate machines.
2. Wires `--shops` simulated shops, each to its own simulated Specter account; a shop's API and
   webhooks go to one web process, Specter to the other.
3. Places `--orders` orders at `--rate` a second (the webhook goes out at once), injecting faults
   every few seconds while it does: Specter 5xx, a create that commits and then times out, Starweb
   429 bursts. Every `--kill-every` seconds one orders' cluster is killed with SIGKILL and started
   again. With `--outage S`, Specter answers 503 to every call for S seconds from the start, and the
   orders arrive during it (spread over the outage); the command then says how long after Specter's
   return the last order reached it.
4. Waits until every order is in Specter and its ledger row final (or `--drain-seconds` pass),
   then counts, from Specter's and billing's own tables: orders in Specter more than once, orders
   never there, and orders whose billing count differs from Specter (not counted, or counted
   without being there).

The worker processes use short timeouts so a killed worker's orders come back within a minute:
TRANSFER_LEASE_SECONDS=20, Q_TIMEOUT=60, HTTP timeouts 2 s, backoff from 2 s up to 20 s. These are
the benchmark's, not production's; the circuit's one probe a minute is production's.

Last line exactly: `duplicates=<n> lost=<n> billing_mismatch=<n> p95_ms=<ms> orders_per_s=<n>`.
The command exits 1 when any of the first three is not 0.
"""

import os
import random
import statistics
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection as db
from django.utils import timezone

from bench.benchkit import Processes, bench_connection, free_port, wait_for_web, web_command, where_time_went
from bench.demo import DEMO_ORDER_SETTINGS, wire_webhooks
from bench.management.commands.bench_billing import percentile
from billing.models import OrderUsage
from connections.models import Connection
from simulator.models import FaultRule
from simulator.specter.demo import ensure_demo_account
from simulator.specter.models import Order as SpecterOrder
from simulator.starweb.demo import ensure_demo_shop, place_order
from simulator.starweb.models import WebHook
from syncflows.models import Transfer, WorkerHeartbeat

WORKER_ENV = {
    "TRANSFER_LEASE_SECONDS": "20",
    "Q_TIMEOUT": "60",
    "HTTP_CONNECT_TIMEOUT": "2",
    "HTTP_READ_TIMEOUT": "2",
    "TRANSFER_BACKOFF_BASE_SECONDS": "2",
    "TRANSFER_BACKOFF_MAX_SECONDS": "20",
}


class Command(BaseCommand):
    help = (
        "Orders through several qclusters and two web processes under faults and SIGKILLs; "
        "counts duplicates, losses, billing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--orders", type=int, default=1000)
        parser.add_argument(
            "--clusters", type=int, default=3, help="orders' qcluster processes (one bulk cluster besides)"
        )
        parser.add_argument("--workers", type=int, default=2, help="workers of each qcluster")
        parser.add_argument("--shops", type=int, default=4)
        parser.add_argument("--rate", type=float, default=20.0, help="orders placed a second")
        parser.add_argument(
            "--kill-every", type=float, default=30.0, help="seconds between SIGKILLs of a cluster (0: none)"
        )
        parser.add_argument("--outage", type=float, default=0.0, help="seconds Specter answers 503 from the start")
        parser.add_argument("--drain-seconds", type=float, default=300.0, help="how long to wait for the last orders")
        parser.add_argument("--seed", type=int, default=17)

    def handle(self, *args, orders, clusters, workers, shops, rate, kill_every, outage, drain_seconds, seed, **options):
        if not settings.SIMULATOR_ENABLED:
            raise CommandError("bench_scale needs the simulator (local or test settings)")
        out = self.stdout.write
        rng = random.Random(seed)
        web_ports = [free_port(), free_port()]
        hooks_base, specter_base = (f"http://127.0.0.1:{port}" for port in web_ports)
        env = {k: v for k, v in os.environ.items() if k != "Q_CLUSTER_NAME"}
        env.update(
            WORKER_ENV,
            Q_WORKERS=str(workers),
            SPECTER_API_URL=f"{specter_base}/sim/specter/",
            PUBLIC_BASE_URL=hooks_base,
            DEBUG="false",
        )
        procs = Processes(env)
        for n, port in enumerate(web_ports):
            procs.start(f"web{n}", web_command(port))
        settings.SPECTER_API_URL = f"{specter_base}/sim/specter/"
        wired = [self._wire(n, hooks_base) for n in range(1, shops + 1)]
        ids = [conn.pk for conn, _ in wired]
        outage_rules = []
        since = timezone.now()
        try:
            wait_for_web(web_ports)
            for n in range(clusters):
                procs.start(f"orders{n}", [sys.executable, "manage.py", "qcluster"])
            procs.start("bulk", [sys.executable, "manage.py", "qcluster"], Q_CLUSTER_NAME=settings.Q_BULK_CLUSTER)
            self._wait_for_workers(since)
            out(
                f"database: {db.vendor}; {clusters} orders' clusters of {workers} workers, "
                "a bulk cluster, 2 web processes, "
                f"{shops} shops; load: {os.getloadavg()[0]:.2f}"
            )
            if outage:
                outage_rules = [
                    FaultRule.objects.create(
                        system="specter", account=conn.specter_smb_id, kind=FaultRule.Kind.SERVER_ERROR, status=503
                    )
                    for conn, _ in wired
                ]
                rate = min(rate, orders / outage)
            placed, kills, outage_over = self._place(
                wired, orders, rate, rng, procs, clusters, kill_every, outage, outage_rules
            )
            out(
                f"placed {orders} orders in {placed['seconds']:.1f} s "
                f"({orders / placed['seconds']:.1f}/s asked {rate:g}/s); "
                f"{placed['faults']} faults injected; {len(kills)} SIGKILLs so far"
            )
            if outage_rules and outage_over is None:
                while time.monotonic() < placed["outage_ends"]:
                    time.sleep(1)
                FaultRule.objects.filter(pk__in=[r.pk for r in outage_rules]).delete()
                outage_over = timezone.now()
            arrived = self._drain(placed["sent"], wired, drain_seconds, procs, clusters, kill_every, rng)
        finally:
            FaultRule.objects.filter(
                system__in=["specter", "starweb"], account__in=[a for c, s in wired for a in (c.specter_smb_id, s.slug)]
            ).delete()
            procs.stop_all()
            Connection.objects.filter(pk__in=ids).update(export_order=Connection.OrderExport.INACTIVE)
            for _, shop in wired:
                WebHook.objects.filter(shop=shop).delete()
        self._report(placed, arrived, wired, since, kills, outage_over)

    def _wire(self, n: int, base: str):
        shop = ensure_demo_shop(f"scale-{n}", f"scale-client-{n}", f"scale-secret-{n}")
        account = ensure_demo_account(str(7000 + n), f"scale-md5key-{n}")
        conn = bench_connection(f"scale-{n}", shop, account, base, **DEMO_ORDER_SETTINGS)
        WebHook.objects.filter(shop=shop).delete()
        wire_webhooks(conn, shop.slug, base)
        return conn, shop

    def _wait_for_workers(self, since) -> None:
        deadline = time.monotonic() + 90
        while not WorkerHeartbeat.objects.filter(beat_at__gte=since).exists():
            if time.monotonic() > deadline:
                raise CommandError("the workers did not start")
            time.sleep(0.3)

    def _maybe_kill(self, procs, clusters, kill_every, kills, rng) -> None:
        if kill_every and clusters and time.monotonic() >= kills["next"]:
            name = f"orders{rng.randrange(clusters)}"
            procs.kill(name)
            procs.start(name, [sys.executable, "manage.py", "qcluster"])
            kills["log"].append(name)
            kills["next"] = time.monotonic() + kill_every

    def _faults(self, wired, rng) -> int:
        """A few faults on a random shop and account, used up by the next calls."""
        conn, shop = rng.choice(wired)
        rules = [
            FaultRule(
                system="specter",
                account=conn.specter_smb_id,
                operation=rng.choice(["newcustomersubmit", "newordersubmit"]),
                kind=FaultRule.Kind.SERVER_ERROR,
                status=rng.choice([500, 502, 503]),
                remaining=1,
            ),
            FaultRule(
                system="specter",
                account=conn.specter_smb_id,
                operation="newordersubmit",
                kind=FaultRule.Kind.COMMIT_THEN_TIMEOUT,
                delay_ms=3000,
                remaining=1,
            ),
            FaultRule(
                system="starweb",
                account=shop.slug,
                operation="GET /orders/{id}",
                kind=FaultRule.Kind.RATE_LIMIT,
                retry_after=2,
                remaining=3,
            ),
        ]
        FaultRule.objects.bulk_create(rules)
        return len(rules)

    def _place(self, wired, count, rate, rng, procs, clusters, kill_every, outage, outage_rules):
        kills = {"next": time.monotonic() + kill_every, "log": []}
        sent, faults = {}, 0
        started = time.monotonic()
        outage_ends = started + outage
        outage_over = None
        next_faults = started
        for n in range(count):
            time.sleep(max(0.0, started + n / rate - time.monotonic()))
            if not outage and time.monotonic() >= next_faults:
                faults += self._faults(wired, rng)
                next_faults = time.monotonic() + 3
            if outage_rules and outage_over is None and time.monotonic() >= outage_ends:
                FaultRule.objects.filter(pk__in=[r.pk for r in outage_rules]).delete()
                outage_over = timezone.now()
            conn, shop = wired[n % len(wired)]
            placing = timezone.now()
            order = place_order(shop)
            sent[(conn.specter_smb_id, conn.export_settings.external_order_no(order.order_id))] = (
                conn.pk,
                str(order.order_id),
                placing,
            )
            self._maybe_kill(procs, clusters, kill_every, kills, rng)
        placed = {"sent": sent, "seconds": time.monotonic() - started, "faults": faults, "outage_ends": outage_ends}
        self._kills = kills
        return placed, kills["log"], outage_over

    def _drain(self, sent, wired, seconds, procs, clusters, kill_every, rng) -> dict:
        """{(account, external order no): first time in Specter} once all are there or time is up."""
        deadline = time.monotonic() + seconds
        arrived = {}
        accounts = [conn.specter_smb_id for conn, _ in wired]
        while time.monotonic() < deadline:
            for row in SpecterOrder.objects.filter(account__smb_id__in=accounts).values(
                "account__smb_id", "external_order_no", "created_at"
            ):
                key = (row["account__smb_id"], row["external_order_no"])
                if key in sent and (key not in arrived or row["created_at"] < arrived[key]):
                    arrived[key] = row["created_at"]
            if len(arrived) == len(sent) and not self._open(wired):
                break
            self._maybe_kill(procs, clusters, kill_every, self._kills, rng)
            time.sleep(1)
        return arrived

    def _open(self, wired) -> int:
        """Bench orders not final yet (a create whose answer was lost is in Specter before it is counted)."""
        final = [Transfer.State.DONE, Transfer.State.SKIPPED, Transfer.State.NEEDS_ATTENTION]
        return Transfer.objects.filter(connection_id__in=[c.pk for c, _ in wired]).exclude(state__in=final).count()

    def _report(self, placed, arrived, wired, since, kills, outage_over):
        out = self.stdout.write
        sent = placed["sent"]
        accounts = [conn.specter_smb_id for conn, _ in wired]
        in_specter: dict[tuple, int] = {}
        for row in SpecterOrder.objects.filter(account__smb_id__in=accounts).values(
            "account__smb_id", "external_order_no"
        ):
            key = (row["account__smb_id"], row["external_order_no"])
            if key in sent:
                in_specter[key] = in_specter.get(key, 0) + 1
        duplicates = sum(n - 1 for n in in_specter.values() if n > 1)
        lost = len(sent) - len(in_specter)
        conns = {conn.pk for conn, _ in wired}
        counted: dict[tuple, int] = {}
        for connection_id, order_id in OrderUsage.objects.filter(connection_id__in=conns).values_list(
            "connection_id", "order_id"
        ):
            counted[(connection_id, order_id)] = counted.get((connection_id, order_id), 0) + 1
        billing_mismatch = sum(
            1
            for key, (conn_id, order_id, _) in sent.items()
            if counted.get((conn_id, order_id), 0) != (1 if key in in_specter else 0)
        )
        latencies = [
            (arrived[key] - placing).total_seconds() * 1000 for key, (_, _, placing) in sent.items() if key in arrived
        ]
        first = min(placing for _, _, placing in sent.values())
        last = max(arrived.values()) if arrived else timezone.now()
        per_s = len(arrived) / max(0.001, (last - first).total_seconds())
        p95 = percentile(latencies, 95) if latencies else float("nan")
        states = {}
        for state in Transfer.objects.filter(connection_id__in=conns, created_at__gte=since).values_list(
            "state", flat=True
        ):
            states[state] = states.get(state, 0) + 1
        out(
            f"SIGKILLs: {len(kills)} ({', '.join(kills) or 'none'}); ledger states: {states}; "
            f"load: {os.getloadavg()[0]:.2f}"
        )
        if latencies:
            out(
                f"placing to Specter: p50 {statistics.median(latencies):.0f} ms, p95 {p95:.0f} ms, "
                f"max {max(latencies):.0f} ms"
            )
            rows = {
                (t.connection_id, t.starweb_order_id): t.pk
                for t in Transfer.objects.filter(connection_id__in=conns, created_at__gte=since)
            }
            samples = [
                (rows[(c, o)], placing, max(arrived[key], placing))
                for key, (c, o, placing) in sent.items()
                if key in arrived and (c, o) in rows
            ]
            for line in where_time_went(samples):
                out(line)
        if outage_over is not None:
            after = (last - outage_over).total_seconds()
            out(
                f"Specter back at {outage_over:%H:%M:%S}; the last order reached it {after:.0f} s after "
                f"(after_return_s={after:.0f})"
            )
        out(
            f"duplicates={duplicates} lost={lost} billing_mismatch={billing_mismatch} "
            f"p95_ms={p95:.0f} orders_per_s={per_s:.1f}"
        )
        if duplicates or lost or billing_mismatch:
            sys.exit(1)
