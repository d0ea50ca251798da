"""Purge history past HISTORY_RETENTION_DAYS now (the daily schedule does the same), and say what it
costs: rows deleted a second and, on PostgreSQL, database bytes per transferred order.

    python manage.py purge_history            # purge, print rows and speed
    python manage.py purge_history --report   # only the bytes per order
"""

import time

from django.core.management.base import BaseCommand

from syncflows import retention


class Command(BaseCommand):
    help = "Purge order timelines, task results and catalogue runs past the retention; report bytes per order."

    def add_arguments(self, parser):
        parser.add_argument("--report", action="store_true", help="only report bytes per transferred order")
        parser.add_argument("--batch", type=int, default=retention.BATCH)

    def handle(self, *args, report, batch, **options):
        if not report:
            started = time.perf_counter()
            deleted = retention.purge(batch=batch)
            seconds = time.perf_counter() - started
            total = sum(deleted.values())
            self.stdout.write(
                ", ".join(f"{name} {n}" for name, n in deleted.items())
                + f": {total} rows in {seconds:.2f} s ({total / max(seconds, 1e-6):.0f} rows/s, batches of {batch})"
            )
        sizes = retention.bytes_per_order()
        if sizes:
            orders = sizes.pop("orders")
            self.stdout.write(
                f"bytes per transferred order ({orders} orders): "
                + ", ".join(f"{name} {value:.0f}" for name, value in sizes.items())
                + f"; total {sum(sizes.values()):.0f}"
            )
