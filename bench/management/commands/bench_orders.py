"""Benchmark of the order engine against the simulators over real HTTP.

    python manage.py bench_orders --orders 100 --latency-ms 50

1. Starts this project's web app (with the simulators) on a free local port, and wires K bench
   shops, each to its own simulated Specter account (Starweb allows 1000 requests a minute per
   shop, so a high order rate needs several shops, as it would in production). Every simulated
   call waits `--latency-ms` first.
2. Throughput: N orders through the engine (claim, phases, timeline, usage, write-back), then N
   orders through a bare loop making the same HTTP calls with the same clients and nothing else.
   Both in one thread; database statements of the engine are counted on its connection.
3. Latency: starts `--clusters` real `qcluster` processes for orders and one for bulk work, as in
   production, registers the webhooks, makes every schedule due (and fans out polls, pulls,
   exports and reconciliations itself halfway, so that burst surely meets the orders), places
   orders at `--rate` a second and measures from placing (the webhook goes out at once) to the
   order existing in Specter. It prints the rate it really achieved, p50/p95/max, where the
   slowest tenth's time went, and how many of its orders reached the engine through the poller
   (none should: the throughput loops' orders are in the ledger, so the poller leaves them).
4. Removes its latency faults. Last line exactly: `ratio=… queries_per_order=… p95_ms=…`.

Each run starts with no article known in Specter, so the engine's figures include making them
known: with `--flow 2` (Specter rules products) each shop's first order reads Specter's register;
with `--flow 1` (the shop rules and exports products) each article is created once, before the
first order that has it. The bare loop does neither.
"""

import os
import signal
import statistics
import subprocess
import sys
import time

import requests
from django.conf import settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.management.base import BaseCommand
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_q.models import Schedule

from bench.benchkit import (
    CpuMeter,
    Processes,
    ServerThread,
    bench_connection,
    free_port,
    wait_for_web,
    web_command,
    where_time_went,
)
from bench.demo import DEMO_ORDER_SETTINGS, wire_webhooks
from bench.management.commands.bench_billing import percentile
from connections import credentials
from connections.clients import specter_for, starweb_for
from connections.models import Connection
from simulator.models import FaultRule
from simulator.specter.demo import ensure_demo_account
from simulator.specter.models import Order as SpecterOrder
from simulator.starweb.demo import ensure_demo_shop, place_order
from simulator.starweb.models import WebHook
from syncflows import tasks
from syncflows.models import SpecterArticle, SyncRun, Transfer, WorkerHeartbeat
from syncflows.orders import articles, engine
from syncflows.orders.mapper import map_order


def statements(queries) -> int:
    """Statements that do work (CaptureQueriesContext or its list): SQLite's BEGIN/COMMIT show in
    the log, PostgreSQL's do not."""
    control = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")
    queries = getattr(queries, "captured_queries", queries)
    return sum(1 for query in queries if not query["sql"].upper().startswith(control))


class Command(BaseCommand):
    help = "Measure the order engine against a bare loop, and webhook-to-Specter latency with a worker running."

    def add_arguments(self, parser):
        parser.add_argument("--orders", type=int, default=100, help="orders for each throughput loop")
        parser.add_argument("--latency-ms", type=int, default=50, help="added to every simulated call")
        parser.add_argument("--rate", type=float, default=20.0, help="orders a second in the latency run")
        parser.add_argument("--latency-orders", type=int, default=200, help="orders in the latency run (0 skips it)")
        parser.add_argument("--shops", type=int, default=8)
        parser.add_argument(
            "--workers", type=int, default=4, help="workers of each orders' qcluster in the latency run"
        )
        parser.add_argument("--clusters", type=int, default=2, help="orders' qcluster processes in the latency run")
        parser.add_argument(
            "--flow",
            type=int,
            default=2,
            choices=[1, 2],
            help="2: articles known from Specter's register; 1: the shop exports products, so articles are created",
        )
        parser.add_argument(
            "--web-processes",
            type=int,
            default=2,
            help="gunicorn processes serving the simulators and webhooks in the latency run "
            "(0: this process's server thread)",
        )

    def handle(
        self,
        *args,
        orders,
        latency_ms,
        rate,
        latency_orders,
        shops,
        workers,
        clusters,
        web_processes,
        flow=2,
        **options,
    ):
        self.flow = flow
        server = ServerThread("127.0.0.1", StaticFilesHandler)
        server.daemon = True
        server.start()
        server.is_ready.wait()
        if server.error:
            raise server.error
        base = f"http://127.0.0.1:{server.port}"
        settings.SPECTER_API_URL = f"{base}/sim/specter/"
        wired = [self._wire(n, base) for n in range(1, shops + 1)]
        faults = [
            FaultRule.objects.create(system=system, account=account, kind=FaultRule.Kind.LATENCY, delay_ms=latency_ms)
            for conn, shop in wired
            for system, account in (("starweb", shop.slug), ("specter", conn.specter_smb_id))
        ]
        try:
            self._report(wired, orders, latency_ms, rate, latency_orders, workers, clusters, web_processes, base)
        finally:
            FaultRule.objects.filter(pk__in=[f.pk for f in faults]).delete()
            # Its server is gone: keep the poller away from the bench shops until the next run.
            Connection.objects.filter(pk__in=[conn.pk for conn, _ in wired]).update(
                export_order=Connection.OrderExport.INACTIVE
            )
            server.terminate()

    def _report(self, wired, orders, latency_ms, rate, latency_orders, workers, clusters, web_processes, base):
        session = requests.Session()
        clients = {conn.pk: engine.Clients(starweb_for(conn, session), specter_for(conn, session)) for conn, _ in wired}
        for conn, _ in wired:
            clients[conn.pk].starweb.shop()  # token and connection pool warm for both loops

        placed = [self._place(wired[n % len(wired)]) for n in range(orders)]
        transfers = [
            Transfer.objects.create(connection=conn, starweb_order_id=str(o.order_id), source="manual")
            for conn, o in placed
        ]
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            states = [engine.run(t.pk, clients[t.connection_id]) for t in transfers]
            engine_s = time.perf_counter() - started
        done = states.count(Transfer.State.DONE)

        placed = [self._place(wired[n % len(wired)]) for n in range(orders)]
        started = time.perf_counter()
        for conn, order in placed:
            self._bare(clients[conn.pk], conn, order.order_id)
        bare_s = time.perf_counter() - started
        # The bare loop's orders are in the shop in a trigger status: give them ledger rows, so the
        # poller (which runs during the latency run) leaves them alone instead of sending them.
        Transfer.objects.bulk_create(
            [
                Transfer(
                    connection=conn,
                    starweb_order_id=str(o.order_id),
                    source="manual",
                    state=Transfer.State.SKIPPED,
                    reason_code="bench",
                )
                for conn, o in placed
            ]
        )

        engine_rate, bare_rate = orders / engine_s, orders / bare_s
        ratio = engine_rate / bare_rate
        per_order = statements(queries) / orders
        out = self.stdout.write
        out(
            f"database: {connection.vendor}; simulated latency {latency_ms} ms per call; "
            f"{len(wired)} shops; flow #{self.flow}"
        )
        made_known = SpecterArticle.objects.filter(connection__in=[c for c, _ in wired])
        out(
            f"articles made known by the engine: {made_known.filter(source='register').count()} "
            "from Specter's register, "
            f"{made_known.filter(source='created').count()} created in Specter"
        )
        out(f"engine: {orders} orders in {engine_s:.2f} s = {engine_rate:.1f} orders/s ({done} done)")
        out(f"bare:   {orders} orders in {bare_s:.2f} s = {bare_rate:.1f} orders/s")
        out(
            f"added per order: {(engine_s - bare_s) / orders * 1000:.1f} ms; "
            f"database statements per order: {per_order:.1f} "
            "(transaction control not counted)"
        )
        p50 = p95 = float("nan")
        if latency_orders:
            samples, achieved, via_poller, fanned_out, cpu = self._latency(
                wired, latency_orders, rate, workers, clusters, web_processes, base
            )
            latencies = [(at_specter - placed).total_seconds() * 1000 for _, placed, at_specter in samples]
            p50, p95 = statistics.median(latencies), percentile(latencies, 95)
            out(
                f"webhook to Specter, {clusters} orders' qcluster(s) of {workers} workers and a bulk one, "
                f"{web_processes or 'no'} web processes, "
                f"load {os.getloadavg()[0]:.2f}, schedules due and "
                f"{fanned_out} fan-out tasks queued halfway: {len(latencies)} orders, "
                f"asked {rate:g}/s, placed {achieved:.1f}/s; "
                f"p50 {p50:.0f} ms, p95 {p95:.0f} ms, max {max(latencies):.0f} ms; "
                f"{via_poller} reached the engine through the poller"
            )
            for line in where_time_went(samples):
                out(line)
            for line in cpu.lines(latency_orders, outside={"placing loop", "simulators"}):
                out(line)
        out(f"ratio={ratio:.2f} queries_per_order={per_order:.1f} p95_ms={p95:.0f}")

    def _wire(self, n: int, base: str):
        shop = ensure_demo_shop(f"bench-{n}", f"bench-client-{n}", f"bench-secret-{n}")
        account = ensure_demo_account(str(9000 + n), f"bench-md5key-{n}")
        flow = (
            {"flow": Connection.Flow.ECOM, "export_product": Connection.ProductExport.CHANGED}
            if self.flow == 1
            else {"export_product": Connection.ProductExport.INACTIVE}
        )
        conn = bench_connection(f"bench-{n}", shop, account, base, **{**DEMO_ORDER_SETTINGS, **flow})
        WebHook.objects.filter(shop=shop).delete()  # throughput loops run without webhooks
        # Nothing known in Specter yet: the run pays for the register read or the article creation.
        SpecterArticle.objects.filter(connection=conn).delete()
        SyncRun.objects.filter(connection=conn, kind="specter_register").delete()
        articles.forget_all()
        return conn, shop

    def _place(self, wired):
        conn, shop = wired
        return conn, place_order(shop)

    def _bare(self, clients, conn, order_id) -> None:
        """The same HTTP calls as the engine's happy path, with nothing around them."""
        order = clients.starweb.order(order_id)
        mapped = map_order(order, conn.export_settings)
        customer_no = clients.specter.submit_customer(mapped.customer)
        order_no = clients.specter.submit_order(customer_no, mapped.order_params(customer_no))
        clients.starweb.set_external_id(order_id, order_no)
        if conn.status_on_transfer_id:
            clients.starweb.set_status(order_id, conn.status_on_transfer_id, send_email=False, process_payment=False)

    def _cpu_meter(self, webs, processes, clusters) -> CpuMeter:
        """What the CPU per order is spent by: this process places the orders (the simulated shop's
        side: its webhook goes out before placing returns); the first web process serves the
        simulators, the last our webhooks."""
        web = [child.pid for child in webs.children.values()]
        kinds = {"placing loop": [("self", 0)]}
        if len(web) > 1:
            kinds |= {"simulators": [("session", pid) for pid in web[:-1]], "webhooks (web)": [("session", web[-1])]}
        elif web:
            kinds["web (simulators + webhooks)"] = [("session", web[0])]
        kinds["orders' qclusters"] = [("session", p.pid) for p in processes[:clusters]]
        kinds["bulk qcluster"] = [("session", p.pid) for p in processes[clusters:]]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # its postmaster: the parent of this connection's backend
                cursor.execute("SELECT pg_backend_pid()")
                backend = cursor.fetchone()[0]
            try:
                with open(f"/proc/{backend}/stat") as f:
                    kinds["PostgreSQL"] = [("tree", int(f.read().rsplit(")", 1)[1].split()[1]))]
            except OSError:
                pass  # a server on another machine: not ours to count
        return CpuMeter(kinds)

    def _latency(self, wired, count, rate, workers, clusters, web_processes, base):
        """(samples, orders placed a second, orders that came through the poller, fan-out tasks queued,
        the CPU each kind of process spent from the first order placed until the last was in Specter)."""
        env = {**os.environ, "Q_WORKERS": str(workers)}
        env.pop("Q_CLUSTER_NAME", None)
        webs = Processes(env)
        api = hooks = base
        if web_processes:
            # The simulators and our webhooks served by separate processes, as in production: this
            # process's server thread would otherwise serve every worker's calls under one GIL.
            ports = [free_port() for _ in range(web_processes)]
            for n, port in enumerate(ports):
                webs.start(f"bench-orders-web{n}", web_command(port))
            wait_for_web(ports)
            api, hooks = f"http://127.0.0.1:{ports[0]}", f"http://127.0.0.1:{ports[-1]}"
            for conn, shop in wired:
                url = f"{api}/sim/starweb/{shop.slug}/api/v2"
                # The stored client secret may be sent only to the address it was entered for: move that too.
                Connection.objects.filter(pk=conn.pk).update(
                    starweb_base_url=url, starweb_secret_for=credentials.starweb_identity(conn, url)
                )
        env["SPECTER_API_URL"] = f"{api}/sim/specter/"
        for conn, shop in wired:
            wire_webhooks(conn, shop.slug, hooks)
        since = timezone.now()
        Schedule.objects.update(next_run=since)  # every schedule due: their first pass meets the orders
        commands = [env] * clusters + [{**env, "Q_CLUSTER_NAME": settings.Q_BULK_CLUSTER}]
        processes = [
            subprocess.Popen(
                [sys.executable, "manage.py", "qcluster"],
                env=cmd_env,
                cwd=settings.BASE_DIR,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            for cmd_env in commands
        ]
        try:
            deadline = time.monotonic() + 60
            while not WorkerHeartbeat.objects.filter(beat_at__gte=since).exists():
                if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
                    raise RuntimeError("the workers did not start")
                time.sleep(0.2)
            sent, fanned_out = {}, 0
            cpu = self._cpu_meter(webs, processes, clusters)
            cpu.start()
            started = time.perf_counter()
            for n in range(count):
                time.sleep(max(0.0, started + n / rate - time.perf_counter()))
                placing = timezone.now()  # placing posts the webhook before it returns
                conn, order = self._place(wired[n % len(wired)])
                sent[(conn.pk, str(order.order_id))] = (placing, conn.export_settings.external_order_no(order.order_id))
                if n == count // 2:  # what the scheduler's pass does, surely inside the run
                    fanned_out = (
                        tasks.poll_all()
                        + tasks.pull_all_specter()
                        + tasks.export_changed_all()
                        + tasks.reconcile_stock_all()
                    )
            achieved = count / (time.perf_counter() - started)
            smb = {conn.pk: conn.specter_smb_id for conn, _ in wired}
            deadline = time.monotonic() + 120
            found = {}
            while len(found) < len(sent) and time.monotonic() < deadline:
                for row in SpecterOrder.objects.filter(created_at__gte=since).values(
                    "account__smb_id", "external_order_no", "created_at"
                ):
                    found[(row["account__smb_id"], row["external_order_no"])] = row["created_at"]
                time.sleep(0.5)
            cpu.stop()
            arrived = {
                key: found[(smb[key[0]], external)]
                for key, (_, external) in sent.items()
                if (smb[key[0]], external) in found
            }
            missing = len(sent) - len(arrived)
            if missing:
                self.stderr.write(f"{missing} orders did not reach Specter within 120 s")
            rows = {(t.connection_id, t.starweb_order_id): t for t in Transfer.objects.filter(created_at__gte=since)}
            samples = [
                (rows[key].pk, sent[key][0], max(at, sent[key][0])) for key, at in arrived.items() if key in rows
            ]
            via_poller = sum(1 for key in sent if key in rows and rows[key].source == Transfer.Source.POLLER)
            return samples, achieved, via_poller, fanned_out, cpu
        finally:
            for process in processes:
                os.killpg(process.pid, signal.SIGTERM)
            for process in processes:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
            webs.stop_all()
            for _conn, shop in wired:
                WebHook.objects.filter(shop=shop).delete()
