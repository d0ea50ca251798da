"""Prometheus metrics at /metrics (prometheus-client), read from the database at each scrape.

Workers run on many machines and die and restart; counters kept in a process's memory would be
per process and lost with it. The ledger, the broker table and the timeline already hold every
figure, so a scrape of any web process reports the whole service: a handful of aggregate queries,
each over an index or a recent window. Label sets are bounded: states, reasons and phases are our
own codes, and per-connection figures are the `TOP_CONNECTIONS` worst of the last hour.

Like /health/, it is meant for the monitoring inside the network; with METRICS_TOKEN set it also
asks for `Authorization: Bearer <token>`.
"""

import hmac
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Max, Min
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET
from django_q.models import OrmQ
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeHistogramMetricFamily, GaugeMetricFamily

from .models import Circuit, SyncRun, Transfer, TransferAttempt, WorkerHeartbeat

WINDOW = timedelta(hours=1)
TOP_CONNECTIONS = 20
PHASE_BUCKETS_MS = (50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000)


class LedgerCollector:
    """Every metric, from the database."""

    def collect(self):
        now = timezone.now()
        since = now - WINDOW
        yield from self._orders()
        yield from self._queues(now)
        yield from self._phases(since)
        yield from self._recent(since)

    def _orders(self):
        sent = CounterMetricFamily("integrator_orders_transferred", "Orders that reached Specter (each counted once).")
        sent.add_metric([], Transfer.objects.filter(sent_at__isnull=False).count())
        yield sent
        by_state = GaugeMetricFamily("integrator_orders", "Orders in the ledger by state.", labels=["state"])
        counts = dict(Transfer.objects.values_list("state").annotate(n=Count("id")).values_list("state", "n"))
        for state in Transfer.State.values:
            by_state.add_metric([state], counts.get(state, 0))
        yield by_state
        attention = GaugeMetricFamily(
            "integrator_orders_needing_attention", "Orders that need a person, by reason.", labels=["reason"]
        )
        for reason, n in (
            Transfer.objects.filter(state=Transfer.State.NEEDS_ATTENTION)
            .values_list("reason_code")
            .annotate(n=Count("id"))
            .values_list("reason_code", "n")
        ):
            attention.add_metric([(reason or "unknown")[:40]], n)
        yield attention
        circuits = GaugeMetricFamily(
            "integrator_circuits_open", "Accounts whose circuit is open (orders wait for them).", labels=["system"]
        )
        for system, n in (
            Circuit.objects.filter(opened_at__isnull=False)
            .values_list("system")
            .annotate(n=Count("id"))
            .values_list("system", "n")
        ):
            circuits.add_metric([system], n)
        yield circuits

    def _queues(self, now):
        size = GaugeMetricFamily(
            "integrator_queue_tasks", "Tasks waiting in each broker queue (not yet given out).", labels=["queue"]
        )
        age = GaugeMetricFamily(
            "integrator_queue_oldest_age_seconds",
            "How long the oldest waiting task of each queue has waited.",
            labels=["queue"],
        )
        for key, n, oldest in (
            OrmQ.objects.filter(lock__lte=now)
            .values_list("key")
            .annotate(n=Count("id"), oldest=Min("lock"))
            .values_list("key", "n", "oldest")
        ):
            size.add_metric([key[:40]], n)
            age.add_metric([key[:40]], (now - oldest).total_seconds())
        yield size
        yield age
        beat = GaugeMetricFamily(
            "integrator_worker_heartbeat_age_seconds", "Seconds since a worker last ran its heartbeat task."
        )
        last = WorkerHeartbeat.objects.aggregate(last=Max("beat_at"))["last"]
        if last is not None:
            beat.add_metric([], (now - last).total_seconds())
        yield beat

    def _phases(self, since):
        """Phase durations of the last hour (a gauge histogram: a window, not a running total)."""
        histogram = GaugeHistogramMetricFamily(
            "integrator_phase_duration_seconds_last_hour",
            "Duration of each order phase over the last hour.",
            labels=["phase"],
        )
        rows = TransferAttempt.objects.filter(started_at__gte=since).values_list("phase", "duration_ms")
        by_phase: dict[str, list[int]] = {}
        for phase, duration in rows.iterator(chunk_size=5000):
            by_phase.setdefault(phase[:20], []).append(duration)
        for phase, durations in sorted(by_phase.items()):
            buckets = [(str(ms / 1000), sum(1 for d in durations if d <= ms)) for ms in PHASE_BUCKETS_MS]
            buckets.append(("+Inf", len(durations)))
            histogram.add_metric([phase], buckets, gsum_value=sum(durations) / 1000)
        yield histogram

    def _recent(self, since):
        attempts = GaugeMetricFamily(
            "integrator_attempts_last_hour",
            "Order phase attempts of the last hour by outcome (rate_limited: throttle waits).",
            labels=["outcome"],
        )
        for outcome, n in (
            TransferAttempt.objects.filter(started_at__gte=since)
            .values_list("outcome")
            .annotate(n=Count("id"))
            .values_list("outcome", "n")
        ):
            attempts.add_metric([outcome], n)
        yield attempts
        pulls = GaugeMetricFamily(
            "integrator_pulls_last_hour",
            "Specter pulls and other catalogue runs of the last hour.",
            labels=["kind", "ok"],
        )
        for kind, ok, n in (
            SyncRun.objects.filter(started_at__gte=since)
            .values_list("kind", "ok")
            .annotate(n=Count("id"))
            .values_list("kind", "ok", "n")
        ):
            pulls.add_metric([kind[:20], "true" if ok else "false"], n)
        yield pulls
        errors = GaugeMetricFamily(
            "integrator_connection_errors_last_hour",
            f"Failed order attempts of the last hour, for the {TOP_CONNECTIONS} connections with most.",
            labels=["connection"],
        )
        worst = (
            TransferAttempt.objects.filter(started_at__gte=since)
            .exclude(outcome=TransferAttempt.Outcome.OK)
            .values_list("transfer__connection_id")
            .annotate(n=Count("id"))
            .order_by("-n")[:TOP_CONNECTIONS]
        )
        for public_id, n in worst.values_list("transfer__connection_id", "n"):
            errors.add_metric([str(public_id)], n)
        yield errors


def _allowed(request) -> bool:
    token = settings.METRICS_TOKEN
    if not token:
        return True
    given = request.headers.get("Authorization", "")
    return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


@require_GET
def metrics(request):
    if not _allowed(request):
        return HttpResponse(status=401, headers={"WWW-Authenticate": "Bearer"})
    registry = CollectorRegistry(auto_describe=False)
    registry.register(LedgerCollector())
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
