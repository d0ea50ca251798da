"""Benchmark of the initial product sync Starweb → Specter against the simulators.

    python manage.py bench_catalogue --products 50000

1. Seeds two simulated shops with the same N one-variant products (in bulk; Starweb's 1000
   requests a minute are per shop, so each loop gets its own) and two empty simulated Specter
   accounts, and serves this app (with the simulators) on a free local port.
2. Engine: the initial sync (page by page, hashes, progress rows) into the first account.
3. Bare: the same HTTP calls with the same clients (read every page, send articles in calls of
   100) into the second account, and nothing else.
4. Re-run: the initial sync again over the unchanged shop; it should write nothing.
5. Last line exactly: `peak_rss_mb=<MB> ratio=<engine/bare throughput> rerun_writes=<writes>`.
   Peak RSS is this whole process's (the simulators serving it included), so it is an upper bound.
"""

import resource
import time

import requests
from django.conf import settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.management.base import BaseCommand

from bench.benchkit import ServerThread, bench_connection
from connections.clients import specter_for, starweb_for
from connections.models import Connection
from connections.starweb.paging import product_pages
from simulator.specter.demo import ensure_demo_account
from simulator.starweb.demo import add_products, ensure_demo_shop
from simulator.starweb.models import Shop
from syncflows.initial_sync import runner as initial
from syncflows.to_specter import export

SHOPS = ("bench-catalogue-engine", "bench-catalogue-bare")  # Starweb limits requests per shop: one each


class Command(BaseCommand):
    help = (
        "Measure the initial product sync against a bare loop of the same calls, "
        "its peak memory and an unchanged re-run."
    )

    def add_arguments(self, parser):
        parser.add_argument("--products", type=int, default=5000)

    def handle(self, *args, products, **options):
        server = ServerThread("127.0.0.1", StaticFilesHandler)
        server.daemon = True
        server.start()
        server.is_ready.wait()
        base = f"http://127.0.0.1:{server.port}"
        settings.SPECTER_API_URL = f"{base}/sim/specter/"
        try:
            self._run(products, base)
        finally:
            server.terminate()

    def _run(self, products, base):
        out = self.stdout.write
        started = time.perf_counter()
        shops = []
        for slug in SHOPS:
            Shop.objects.filter(slug=slug).delete()
            shop = ensure_demo_shop(slug, f"{slug}-client", f"{slug}-secret")
            shop.products.all().delete()
            add_products(shop, products, prefix="BENCH")
            shops.append(shop)
        out(f"seeded {products} products in each of two shops in {time.perf_counter() - started:.1f} s")
        engine_conn, bare_conn = (self._connection(n, shop, base) for n, shop in zip((1, 2), shops, strict=True))
        session = requests.Session()

        started = time.perf_counter()
        sync = initial.run(
            initial.start(engine_conn, "to_specter", starweb=starweb_for(engine_conn, session)).pk,
            starweb=starweb_for(engine_conn, session),
            specter=specter_for(engine_conn, session),
        )
        engine_s = time.perf_counter() - started
        out(
            f"engine: {sync.done} products, {sync.written} articles in {engine_s:.1f} s "
            f"= {sync.done / engine_s:.0f} products/s ({sync.state})"
        )

        started = time.perf_counter()
        bare_done = self._bare(bare_conn, session)
        bare_s = time.perf_counter() - started
        out(f"bare:   {bare_done} products in {bare_s:.1f} s = {bare_done / bare_s:.0f} products/s")

        started = time.perf_counter()
        rerun = initial.run(
            initial.start(engine_conn, "to_specter").pk,
            starweb=starweb_for(engine_conn, session),
            specter=specter_for(engine_conn, session),
        )
        out(
            f"re-run: {rerun.done} products read, {rerun.written} written, "
            f"{rerun.unchanged} unchanged in {time.perf_counter() - started:.1f} s"
        )
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        ratio = (sync.done / engine_s) / (bare_done / bare_s)
        out(f"peak_rss_mb={peak_mb:.0f} ratio={ratio:.2f} rerun_writes={rerun.written}")

    def _connection(self, n: int, shop, base) -> Connection:
        account = ensure_demo_account(str(9100 + n), f"bench-catalogue-md5key-{n}")
        account.articles.all().delete()
        # Being set up: no schedule serves it (they take active connections), and unlike a
        # deactivated one it may still run an initial sync.
        connection = bench_connection(
            f"bench-catalogue-{n}", shop, account, base, flow=Connection.Flow.ECOM, status=Connection.Status.DRAFT
        )
        connection.exported_articles.all().delete()
        connection.initial_syncs.all().delete()
        return connection

    def _bare(self, connection, session) -> int:
        """Every page read, every article sent in calls of 100: the same calls, nothing around them."""
        starweb, specter = starweb_for(connection, session), specter_for(connection, session)
        done = 0
        for products, _total in product_pages(starweb):  # waits out the rate limit alike
            rows = [row for product in products for row in export.articles_of(product)[0]]
            for start in range(0, len(rows), export.CHUNK):
                specter.submit_articles(rows[start : start + export.CHUNK], update=False)
            done += len(products)
        return done
