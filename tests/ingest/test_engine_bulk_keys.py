"""The engine's bulk keys, checks for repeated keys and per-distinct-value mapping agree
with plain Python on every shape: sorted, unsorted, nulls, dates, integers, duplicates."""

from __future__ import annotations

import hashlib
from datetime import date

import pyarrow as pa
import pytest

from ikkan.ingest.engine.arrow_convert import mapped_by_distinct
from ikkan.ingest.engine.arrow_rows import all_distinct, first_of_key, stable_keys
from ikkan.ingest.engine.keys import stable_key


def _python_distinct(values: list[object]) -> bool:
    return len(set(values)) == len(values)  # (None is one value of its own)


SHA = [hashlib.sha1(str(i).encode()).hexdigest() for i in range(5000)]
CASES = [
    [],
    ["a"],
    SHA,  # unsorted, distinct
    [*SHA, SHA[1234]],  # one repeat at the end
    sorted(SHA),  # rising: the comparison pass
    [*SHA, None],  # one null: distinct
    [*SHA, None, None],  # two nulls repeat
    [None, None],
    ["b", "a", "b"],
    [3, 1, 2],
    [3, 1, 3],
    [date(2026, 4, 1), date(2026, 3, 31), date(2026, 4, 1)],
    [date(2026, 4, 1), date(2026, 3, 31)],
    ["株式会社", "(株)", "株式会社 "],
]


@pytest.mark.parametrize("values", CASES, ids=range(len(CASES)))
def test_all_distinct_equals_python(values):
    assert all_distinct(pa.array(values)) == _python_distinct(values)


@pytest.mark.parametrize("values", CASES, ids=range(len(CASES)))
def test_first_of_key_equals_python(values):
    found = first_of_key(pa.array(values))
    seen: dict[object, int] = {}
    first = [seen.setdefault(v, i) for i, v in enumerate(values)]
    if found is None:
        assert first == list(range(len(values)))
    else:
        is_first, index = found
        assert index.tolist() == first
        assert is_first.tolist() == [f == i for i, f in enumerate(first)]


def test_mapped_by_distinct_calls_once_per_distinct_value_and_keeps_nulls():
    calls: list[str] = []

    def upper(text: str) -> str:
        calls.append(text)
        return text.upper()

    values = pa.chunked_array([["a", None, "b"], ["a", "c", None]])
    assert mapped_by_distinct(values, upper).to_pylist() == ["A", None, "B", "A", "C", None]
    assert sorted(calls) == ["a", "b", "c"]
    lengths = mapped_by_distinct(pa.array(["xy", None, "xy"]), len, pa.int64())
    assert lengths.to_pylist() == [2, None, 2]
    assert mapped_by_distinct(pa.nulls(3, pa.string()), upper).to_pylist() == [None] * 3


@pytest.mark.parametrize(
    "parts",
    [
        ["google_ads", "DAYS", "Paid Search", "TEXTS", None],
        ["DAYS", "TEXTS", "NUMBERS"],
        ["only", None, 7],  # no array: one key for every row
    ],
)
def test_stable_keys_equal_the_row_wise_key(parts):
    arrays = {
        "DAYS": pa.array([date(2026, 4, 1), None, date(999, 1, 2)]),
        "TEXTS": pa.array(["株式会社", "", None]),
        "NUMBERS": pa.array([1, None, -3]),
    }
    given = [arrays.get(p, p) if isinstance(p, str) else p for p in parts]
    rows = [
        stable_key(*(p[i].as_py() if isinstance(p, pa.Array) else p for p in given))
        for i in range(3)
    ]
    assert stable_keys(given, 3).to_pylist() == rows
