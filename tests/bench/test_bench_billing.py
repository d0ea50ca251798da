"""The benchmark command runs end to end and prints its figures (speed is read from its output, not asserted)."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from billing.models import Merchant


@pytest.mark.django_db
def test_bench_billing_prints_its_figures_and_leaves_nothing_behind():
    out = StringIO()
    call_command("bench_billing", merchants=40, requests=3, stdout=out)
    last = out.getvalue().strip().splitlines()[-1]
    match = re.fullmatch(r"queries=(\d+) p95_ms=(\d+)", last)
    assert match, last
    assert int(match.group(1)) <= 5
    assert "40 merchants billed" in out.getvalue()
    assert not Merchant.objects.filter(name__startswith="bench-").exists()
