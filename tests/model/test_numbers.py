from __future__ import annotations

import pytest

from ikkan.model.numbers import NumberFormatError, parse_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (0.25, 0.25),
        (3, 3.0),
        ("25%", 0.25),
        ("12.5%", 0.125),
        ("1,000,000", 1e6),
        ("1_000_000", 1e6),
        ("¥1,000", 1000),
        ("￥１，０００", 1000),
        ("1,000円", 1000),
        ("10億", 1e9),
        ("10億円", 1e9),
        ("1.2万", 12000),
        ("△500", -500),
        ("-3", -3),
        ("JPY 10,000", 10000),
        ("200件", 200),
        ("５０％", 0.5),
    ],
)
def test_parse_number(text: object, expected: float) -> None:
    assert parse_number(text) == pytest.approx(expected)


@pytest.mark.parametrize("bad", ["abc", "25%%", "1.2.3", True, None, [1]])
def test_parse_number_rejects(bad: object) -> None:
    with pytest.raises(NumberFormatError):
        parse_number(bad)
