"""The rules for outside input (integrator/inputs.py), as tables: no database, no HTTP."""

import pytest

from integrator.inputs import BadInput, has_control_characters, json_body, one_line, outside_id, visible_article_number


@pytest.mark.parametrize(
    "value, expected",
    [
        (101, "101"),
        ("101", "101"),
        (" 7 ", "7"),
        ("007", "7"),
        ("9" * 18, "9" * 18),
        ("9" * 19, None),
        (10**18, None),
        ("²", None),
        ("١٢٣", None),
        ("１２３", None),
        ("0", None),
        (0, None),
        (-1, None),
        ("-1", None),
        ("+1", None),
        ("1.0", None),
        (1.0, None),
        (True, None),
        (None, None),
        ([1], None),
        ("", None),
        ("1_000", None),
    ],
)
def test_an_id_from_outside_is_a_positive_whole_number_of_ascii_digits(value, expected):
    assert outside_id(value) == expected


@pytest.mark.parametrize(
    "sku, ok",
    [
        ("MUGG-01", True),
        ("Kaffe_500g", True),
        ("ÅÄÖ.1/2", True),
        ("x" * 50, True),
        ("x" * 51, False),
        ("", False),
        ("MUGG 01", False),
        ("MUGG\u200b01", False),
        ("MUGG\u00ad01", False),
        ("MUGG\u00a001", False),
        ("MUGG\x0001", False),
        ("MUGG\t", False),
        ("\u202eMUGG", False),
        ("MUGG\u2028", False),
    ],
)
def test_an_article_number_is_visible_characters_only(sku, ok):
    assert visible_article_number(sku) is ok


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Exempel AB", "Exempel AB"),
        ("Exempel AB\r\nBcc: x", "Exempel AB Bcc: x"),
        ("A\u2028B", "A B"),
        ("A\x00B\x0bC", "A B C"),
        ("  many   spaces  ", "many spaces"),
        ("zero\u200bwidth", "zero width"),
    ],
)
def test_one_line_folds_breaks_and_control_characters_into_spaces(text, expected):
    assert one_line(text) == expected and not has_control_characters(one_line(text))


def test_json_within_limits_is_parsed_and_brackets_inside_strings_do_not_count():
    assert json_body(b'{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}', max_bytes=1000) == {"a": "[" * 40}
    assert json_body(b'{"a": "\\"["}', max_bytes=1000) == {"a": '"['}


@pytest.mark.parametrize("body", [b"[" * 33 + b"]" * 33, b"[" * 100_000, b"x" * 1001, b"\xff", b"{", b""])
def test_json_too_deep_too_large_or_not_json_is_bad_input(body):
    with pytest.raises(BadInput):
        json_body(body, max_bytes=1000 if len(body) < 2000 else 10**6)
