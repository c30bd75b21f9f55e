"""The vectorised date shapes (``arrow_convert._timestamps``: ISO, ``YYYY/MM/DD``,
``YYYYMMDD`` and US ``M/D/YYYY [h:mm[:ss] AM]``) give exactly what the row-wise
``parse_datetime`` gives, or null (then the row-wise parser decides): over valid and
invalid months, days, hours, minutes, seconds, AM/PM and four-digit years."""

from __future__ import annotations

import itertools

import pyarrow as pa

from ikkan.ingest.engine.arrow_convert import _timestamps
from ikkan.ingest.parsing.dates import parse_datetime
from ikkan.ingest.parsing.values import ParseError

MONTHS = ["0", "1", "01", "9", "09", "10", "12", "13", "00"]
DAYS = ["0", "1", "01", "7", "28", "29", "30", "31", "32", "00"]
YEARS = ["2026", "2024", "1999", "1000", "0999"]
US_TIMES = [
    "", " 9:05 AM", " 12:05 AM", " 12:05 PM", " 0:05 AM", " 13:05 PM", " 09:05 PM",
    " 9:5 AM", " 23:59", " 24:00", " 7:05", " 07:05:09", " 9:05:60 AM", " 11:59 pm",
    " 02:05:09 PM", " 12:00:00 AM", " 12:59:59 PM", " 0:05:09 AM", " 13:05:09 PM",
    " 9:05:09 AM", " 11:59:59 pm", " 10:05:9 AM",
]  # fmt: skip
YMD_TIMES = ["", " 00:00", " 23:59", " 24:00", " 12:60", " 07:05:09", " 23:59:60", " 9:05"]


def _expected(text: str) -> object:
    try:
        return parse_datetime(text)
    except ParseError:
        return None


def _check(cells: list[str]) -> int:
    found = _timestamps(pa.array(cells)).to_pylist()
    wrong = [(c, f) for c, f in zip(cells, found, strict=True) if f is not None]
    assert [(c, f) for c, f in wrong if f != _expected(c)] == []
    return len(wrong)


def test_us_dates_match_the_row_parser():
    cells = [f"{m}/{d}/{y}{t}" for m, d, y, t in itertools.product(MONTHS, DAYS, YEARS, US_TIMES)]
    assert _check(cells) > 1000  # most valid ones are taken by the vectorised path


def test_year_first_dates_match_the_row_parser():
    cells = [
        f"{y}{sep}{m}{sep}{d}{t}"
        for sep in ("-", "/")
        for m, d, y, t in itertools.product(MONTHS, DAYS, YEARS, YMD_TIMES)
    ]
    assert _check(cells) > 500
    assert _timestamps(pa.array(["2026/02/30", "2024/02/29"])).to_pylist()[0] is None


def test_zoom_times_with_seconds_and_am_pm_take_the_vectorised_path():
    from datetime import datetime

    found = _timestamps(pa.array(["01/15/2026 02:05:09 PM", "1/5/2026 12:00:00 AM"]))
    assert found.to_pylist() == [datetime(2026, 1, 15, 14, 5, 9), datetime(2026, 1, 5, 0, 0)]


def test_compact_dates_match_the_row_parser():
    cells = [
        f"{y}{m}{d}"
        for m, d, y in itertools.product(MONTHS, DAYS, YEARS)
        if len(m) == 2 and len(d) == 2
    ]
    cells += ["２０２６０４０１", "2026040", "202604011", "2026 0401", "00000101", "99991231"]
    assert _check(cells) > 50
