from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.formats import date_format

from integrator import formatting

NB = "\u00a0"


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        (Decimal("6400"), "sv", f"6{NB}400,00{NB}kr"),
        (Decimal("1234.5"), "sv", f"1{NB}234,50{NB}kr"),
        (Decimal("1234.5"), "en", f"SEK{NB}1,234.50"),
        (Decimal("-5"), "sv", f"−5,00{NB}kr"),
        (Decimal("0.005"), "sv", f"0,01{NB}kr"),
        (7195, "en", f"SEK{NB}7,195.00"),
        (None, "sv", ""),
    ],
)
def test_money_reads_as_the_reader_writes_it(value, lang, expected):
    assert formatting.money(value, lang=lang) == expected


def test_money_in_another_currency_names_it():
    assert formatting.money(Decimal("12.5"), "EUR", lang="sv") == f"12,50{NB}EUR"
    assert formatting.money(Decimal("12.5"), "EUR", lang="en") == f"EUR{NB}12.50"


def test_csv_numbers_have_the_readers_decimal_mark_and_no_grouping():
    assert formatting.csv_number(Decimal("1234.5"), lang="sv") == "1234,50"
    assert formatting.csv_number(Decimal("-1.5"), 1, lang="sv") == "-1,5"
    assert formatting.csv_number(Decimal("1234.5"), lang="en") == "1234.50"


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [(300, f"5{NB}h"), (90, f"1{NB}h 30{NB}min"), (30, f"30{NB}min"), (-480, f"−8{NB}h"), (0, f"0{NB}min")],
)
def test_durations_read_as_hours_and_minutes(minutes, expected):
    assert formatting.hours_minutes(minutes) == expected


def test_decimal_hours_read_as_hours_and_minutes():
    assert formatting.hours(Decimal("5.00")) == f"5{NB}h"
    assert formatting.hours(Decimal("1.5")) == f"1{NB}h 30{NB}min"


def test_the_money_filter_follows_the_active_language():
    template = Template("{% load formatting %}{{ amount|money }}")
    with translation.override("sv"):
        assert template.render(Context({"amount": Decimal("1234.5")})) == f"1{NB}234,50{NB}kr"
    with translation.override("en"):
        assert template.render(Context({"amount": Decimal("1234.5")})) == f"SEK{NB}1,234.50"


def test_dates_and_times_follow_the_language():
    moment = datetime(2026, 12, 1, 9, 1, tzinfo=ZoneInfo("Europe/Stockholm"))
    with translation.override("sv"):
        assert date_format(moment, "DATETIME_FORMAT") == "2026-12-01 09:01"
    with translation.override("en"):
        assert date_format(moment, "DATETIME_FORMAT") == "1 Dec 2026, 09:01"
