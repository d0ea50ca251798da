"""The order benchmark runs end to end and prints its figures (speed is read from its output, not asserted)."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from connections.models import Connection
from simulator.models import FaultRule
from syncflows.models import Transfer


@pytest.mark.django_db(transaction=True)
def test_bench_orders_prints_its_figures_and_removes_its_faults():
    out = StringIO()
    call_command("bench_orders", orders=20, latency_ms=0, latency_orders=0, shops=1, stdout=out)
    text = out.getvalue()
    assert "engine: 20 orders" in text and "(20 done)" in text and "bare:   20 orders" in text
    last = text.strip().splitlines()[-1]
    match = re.fullmatch(r"ratio=(\d+\.\d\d) queries_per_order=(\d+\.\d) p95_ms=(nan|\d+)", last)
    assert match, last
    # The shop's first order reads Specter's register once: counted, spread over the twenty.
    assert float(match.group(2)) <= 10
    assert Transfer.objects.filter(state=Transfer.State.DONE).count() == 20
    assert not FaultRule.objects.exists()
    assert not Connection.objects.filter(
        name__startswith="bench-", export_order=Connection.OrderExport.REGISTERED
    ).exists()
