"""Benchmark of the billing dashboard and its CSV export at scale.

    python manage.py bench_billing --merchants 10000

1. Seeds N merchants (names "bench-…") with a subscription each (a mix of packages, some with an
   upgrade during the year, some with extra webshops) and 12 months of usage counters.
2. Requests the dashboard (sorted by revenue, the heaviest order) and the CSV export through the
   full Django stack (middleware, session, permissions, templates) as a logged-in billing admin.
3. Prints the figures; the last line is exactly `queries=<dashboard queries> p95_ms=<ms>`.
4. Removes what it seeded (unless --keep).

The usage counters (MonthlyUsage) are what the dashboard reads; that they equal the transfer
ledger's rows is proven by the tests, not re-proven here with millions of rows.
"""

import random
import statistics
import time
import uuid
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from billing import dashboard
from billing.models import Merchant, MonthlyUsage, Package, Subscription
from billing.periods import add_months, month_of, months_back
from billing.roles import BILLING_ADMINS

PREFIX = "bench-"
BATCH = 2000


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))]


class Command(BaseCommand):
    help = "Seed N merchants x 12 months of usage and measure the billing dashboard and CSV export."

    def add_arguments(self, parser):
        parser.add_argument("--merchants", type=int, default=1000)
        parser.add_argument("--requests", type=int, default=30, help="dashboard requests to time")
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--keep", action="store_true", help="keep the seeded rows afterwards")

    def handle(self, *args, merchants, requests, seed, keep, **options):
        rng = random.Random(seed)
        month = month_of(timezone.localdate())
        self._cleanup()
        started = time.perf_counter()
        self._seed(merchants, month, rng)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # what autovacuum does soon after a bulk load
                cursor.execute("ANALYZE billing_merchant, billing_subscription, billing_monthlyusage, billing_package")
        self.stdout.write(
            f"seeded {merchants} merchants x 12 months in {time.perf_counter() - started:.1f} s on {connection.vendor}"
        )
        client = self._billing_client()
        try:
            url = reverse("billing:billing_home")
            params = {"month": month.strftime("%Y-%m"), "sort": "-revenue"}
            client.get(url, params, HTTP_HOST="localhost")  # warm caches and connections
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url, params, HTTP_HOST="localhost")
            assert response.status_code == 200, response.status_code
            queries = len(captured)
            timings = []
            for _ in range(requests):
                t0 = time.perf_counter()
                client.get(url, params, HTTP_HOST="localhost")
                timings.append((time.perf_counter() - t0) * 1000)
            csv_timings, csv_bytes = [], 0
            for _ in range(3):
                t0 = time.perf_counter()
                body = b"".join(
                    client.get(reverse("billing:billing_csv"), params, HTTP_HOST="localhost").streaming_content
                )
                csv_timings.append((time.perf_counter() - t0) * 1000)
                csv_bytes = len(body)
            totals = dashboard.totals(dashboard.billed_merchants(month))
            self.stdout.write(
                f"dashboard: {requests} requests, p50 {statistics.median(timings):.0f} ms, "
                f"p95 {percentile(timings, 95):.0f} ms, {queries} queries, "
                f"{totals['merchant_count']} merchants billed, MRR {totals['mrr']:.0f} kr"
            )
            self.stdout.write(
                f"csv export: {csv_bytes / 1024:.0f} KiB, p50 {statistics.median(csv_timings):.0f} ms, "
                f"max {max(csv_timings):.0f} ms"
            )
            self.stdout.write(f"queries={queries} p95_ms={percentile(timings, 95):.0f}")
        finally:
            if not keep:
                self._cleanup()

    def _seed(self, count: int, month, rng: random.Random) -> None:
        packages = {p.code: p for p in Package.objects.all()}
        codes = ["100", "200", "400", "800"]
        year_ago = add_months(month, -11)
        span = months_back(month, 12)
        for first in range(0, count, BATCH):
            with transaction.atomic():
                batch = [
                    Merchant(id=uuid.uuid4(), name=f"{PREFIX}{n:06d}", org_number=f"55{n:08d}")
                    for n in range(first, min(count, first + BATCH))
                ]
                Merchant.objects.bulk_create(batch)
                subscriptions, usage = [], []
                for merchant in batch:
                    code = rng.choice(codes)
                    extra = rng.choice([0, 0, 0, 1, 2]) if code in ("400", "800") else 0
                    if rng.random() < 0.2 and code != "800":  # upgraded half-way through the year
                        upgrade = add_months(year_ago, 6)
                        subscriptions.append(
                            Subscription(
                                merchant=merchant,
                                package=packages[code],
                                start_date=year_ago,
                                end_date=upgrade - timedelta(days=1),
                            )
                        )
                        code = codes[codes.index(code) + 1]
                        subscriptions.append(
                            Subscription(
                                merchant=merchant,
                                package=packages[code],
                                start_date=upgrade,
                                extra_shops=extra if code in ("400", "800") else 0,
                            )
                        )
                    else:
                        subscriptions.append(
                            Subscription(
                                merchant=merchant, package=packages[code], start_date=year_ago, extra_shops=extra
                            )
                        )
                    quota = packages[code].orders_per_month
                    usage += [
                        MonthlyUsage(
                            merchant=merchant, month=m, orders=max(0, int(rng.gauss(quota * 0.8, quota * 0.3)))
                        )
                        for m in span
                    ]
                Subscription.objects.bulk_create(subscriptions)
                MonthlyUsage.objects.bulk_create(usage)

    def _billing_client(self) -> Client:
        user, _ = get_user_model().objects.get_or_create(username=f"{PREFIX}billing-admin")
        user.groups.add(Group.objects.get(name=BILLING_ADMINS))
        client = Client()
        client.force_login(user)
        return client

    def _cleanup(self) -> None:
        bench = Merchant.objects.filter(name__startswith=PREFIX)
        MonthlyUsage.objects.filter(merchant__in=bench).delete()
        Subscription.objects.filter(merchant__in=bench).delete()
        bench.delete()
        get_user_model().objects.filter(username__startswith=PREFIX).delete()
