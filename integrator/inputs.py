"""The rules for what comes from outside (webhooks, callbacks, forms, other systems' answers), one
place for each, so every edge parses the same way before anything is stored, queued or mailed.

Pure functions of the standard library only: any app may use them.
"""

import json
import re
import unicodedata

# Starweb's ids are integers (OpenAPI: `type: integer`); 18 ASCII digits fit a 64-bit integer and
# every column that keeps one as text (32 characters). PostgreSQL refuses what SQLite would store.
MAX_ID_DIGITS = 18
# Starweb keeps a SKU in at most 40 characters (OpenAPI `maxLength: 40`); our columns take 50.
MAX_ARTICLE_NUMBER_CHARS = 50
# Starweb's webhook bodies nest three levels; anything deeper than this is not one of them, and
# Python's JSON parser recurses, so tens of thousands of brackets would crash it.
MAX_JSON_DEPTH = 32
_ASCII_DIGITS = re.compile(r"[0-9]+")


class BadInput(ValueError):
    """Outside input that breaks a rule; the message says which, in plain words (English: it
    answers other systems, not people)."""


def outside_id(value) -> str | None:
    """An id from outside as canonical text ("101"), or None unless it is a positive whole number
    of at most MAX_ID_DIGITS ASCII digits (given as a JSON number or a string of digits).

    `str.isdigit` is not the rule: it accepts "²" and "١٢٣", which `int` then refuses or reads.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        text = str(value)
    elif isinstance(value, str):
        text = value.strip()
    else:
        return None
    if len(text) > MAX_ID_DIGITS or not _ASCII_DIGITS.fullmatch(text):
        return None
    number = int(text)
    return str(number) if number > 0 else None


def visible_article_number(text: str) -> bool:
    """An article number (SKU) as Specter and the shop both keep it: present, and every character
    visible: letters, marks, digits, punctuation and symbols. Spaces of every kind, control
    characters and invisible format characters (a zero-width space, a soft hyphen) are refused,
    and so is anything longer than MAX_ARTICLE_NUMBER_CHARS."""
    return (
        bool(text)
        and len(text) <= MAX_ARTICLE_NUMBER_CHARS
        and all(unicodedata.category(ch)[0] in "LMNPS" for ch in text)
    )


def one_line(text: str) -> str:
    """`text` on one line: line breaks, control and format characters become single spaces. For
    e-mail headers (a subject naming a company) and anything else that must stay one line."""
    cleaned = "".join(" " if unicodedata.category(ch)[0] in "CZ" else ch for ch in str(text))
    return " ".join(cleaned.split())


def has_control_characters(text: str) -> bool:
    """Whether `text` holds a line break, a control or an invisible format character."""
    return any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in str(text))


def json_body(body: bytes, *, max_bytes: int, max_depth: int = MAX_JSON_DEPTH):
    """Parse a JSON request body within limits. Returns the value; raises BadInput (too large,
    too deep, not UTF-8 JSON). The depth is measured before parsing, so no input recurses deeply."""
    if len(body) > max_bytes:
        raise BadInput(f"The body is larger than {max_bytes} bytes.")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadInput("The body is not JSON.") from None
    if _depth(text) > max_depth:
        raise BadInput(f"The body nests deeper than {max_depth} levels.")
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise BadInput("The body is not JSON.") from None


_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")


def _depth(text: str) -> int:
    """The deepest nesting of arrays and objects in JSON text (brackets inside strings ignored)."""
    depth = deepest = 0
    for ch in _NOT_BRACKETS.sub("", _STRINGS.sub("", text)):
        depth = depth + 1 if ch in "[{" else depth - 1
        deepest = max(deepest, depth)
    return deepest
