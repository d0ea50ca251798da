"""Money, numbers and durations as the reader writes them: one helper for every page, mail and export.

Swedish: `1 234,50 kr`, `1,5`; English: `SEK 1,234.50`, `1.5`. The reader's language is the active
one (Django's translation machinery) unless one is passed. Thousands are grouped with a no-break space
in Swedish so an amount never wraps inside itself.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import translation

NBSP = "\u00a0"


def _lang(lang: str | None) -> str:
    code = (lang or translation.get_language() or "sv").lower()
    return "en" if code.startswith("en") else "sv"


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def number(value, decimals: int = 2, lang: str | None = None, grouping: bool = True) -> str:
    """`value` rounded half up to `decimals` places in the reader's notation; '' for no value.

    A negative decimals keeps up to that many places and drops trailing zeros (1.50 → '1,5').
    """
    d = _decimal(value)
    if d is None:
        return ""
    places = abs(decimals)
    d = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{abs(d):,.{places}f}"
    whole, _, frac = text.partition(".")
    if decimals < 0:
        frac = frac.rstrip("0")
    if _lang(lang) == "sv":
        whole = whole.replace(",", NBSP if grouping else "")
        sep = ","
    else:
        whole = whole if grouping else whole.replace(",", "")
        sep = "."
    sign = "−" if d < 0 else ""
    return f"{sign}{whole}{sep + frac if frac else ''}"


def money(value, currency: str = "SEK", lang: str | None = None, decimals: int = 2) -> str:
    """An amount with its currency: sv `6 400,00 kr`, en `SEK 6,400.00`; '' for no value."""
    text = number(value, decimals, lang)
    if not text:
        return ""
    if _lang(lang) == "sv":
        unit = "kr" if currency == "SEK" else currency
        return f"{text}{NBSP}{unit}"
    return f"{currency}{NBSP}{text}"


def csv_number(value, decimals: int = 2, lang: str | None = None) -> str:
    """A number for a spreadsheet cell: no grouping, the reader's decimal mark (Swedish Excel reads
    `1,5` as a number and `1.5` as text or a date); a plain ASCII minus so it parses."""
    return number(value, decimals, lang, grouping=False).replace("−", "-")


def hours_minutes(minutes) -> str:
    """A duration of whole minutes as people say it: `5 h`, `1 h 30 min`, `30 min`, `−1 h`."""
    d = _decimal(minutes)
    if d is None:
        return ""
    total = int(d.to_integral_value(rounding=ROUND_HALF_UP))
    sign, total = ("−", -total) if total < 0 else ("", total)
    h, m = divmod(total, 60)
    if h and m:
        return f"{sign}{h}{NBSP}h {m}{NBSP}min"
    if h:
        return f"{sign}{h}{NBSP}h"
    return f"{sign}{m}{NBSP}min"


def hours(value) -> str:
    """Hours given as a decimal number of hours (5.00, 1.5): `5 h`, `1 h 30 min`."""
    d = _decimal(value)
    return "" if d is None else hours_minutes(d * 60)
