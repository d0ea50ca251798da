"""The catalogue benchmark runs end to end and prints its figures (speed is read, not asserted)."""

import re
from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db(transaction=True)
def test_bench_catalogue_prints_its_figures_and_an_unchanged_rerun_writes_nothing():
    out = StringIO()
    call_command("bench_catalogue", products=120, stdout=out)
    text = out.getvalue()
    assert "engine: 120 products, 120 articles" in text and "bare:   120 products" in text
    last = text.strip().splitlines()[-1]
    match = re.fullmatch(r"peak_rss_mb=(\d+) ratio=(\d+\.\d\d) rerun_writes=(\d+)", last)
    assert match, last
    assert match.group(3) == "0"
