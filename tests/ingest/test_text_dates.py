"""Dates and datetimes in every export shape, eras, zones, epochs, Excel serials, ranges."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from ikkan.ingest.parsing.dates import (
    parse_date,
    parse_date_range,
    parse_datetime,
    parse_loose_date,
)
from ikkan.ingest.parsing.values import ParseError

TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.mark.parametrize(
    "raw",
    [
        "2026/1/7",
        "2026/01/07",
        "2026-01-07",
        "2026.1.7",
        "20260107",
        "2026年1月7日",
        "2026年1月7日(水)",
        "令和8年1月7日",
        "R8.1.7",
        "r8/1/7",
        "1/7/2026",
        "２０２６／０１／０７",
    ],
)
def test_dates(raw):
    assert parse_date(raw) == date(2026, 1, 7)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("令和元年5月1日", date(2019, 5, 1)),
        ("平成31年4月30日", date(2019, 4, 30)),
        ("H31.4.30", date(2019, 4, 30)),
        ("昭和64年1月7日", date(1989, 1, 7)),
    ],
)
def test_era_dates(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    "raw", ["令和元年4月30日", "平成31年5月1日", "令和0年1月1日", "元年1月1日"]
)
def test_dates_outside_their_era_are_rejected(raw):
    with pytest.raises(ParseError):
        parse_date(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1/7/2026 9:05 AM", datetime(2026, 1, 7, 9, 5)),
        ("1/7/2026 12:05 AM", datetime(2026, 1, 7, 0, 5)),
        ("04/26/2026 10:45:17 AM", datetime(2026, 4, 26, 10, 45, 17)),
        ("04/26/2026 01:58:40 PM", datetime(2026, 4, 26, 13, 58, 40)),
        ("2026/01/07 9:05", datetime(2026, 1, 7, 9, 5)),
        ("2026-01-07 10:15", datetime(2026, 1, 7, 10, 15)),
        ("2026-01-07 10:15:30", datetime(2026, 1, 7, 10, 15, 30)),
        ("2026年1月7日 9:05", datetime(2026, 1, 7, 9, 5)),
        ("2026/01/07 午後9:05", datetime(2026, 1, 7, 21, 5)),
        ("2026-01-07T09:05:00.123", datetime(2026, 1, 7, 9, 5, 0, 123000)),
    ],
)
def test_datetimes(raw, expected):
    assert parse_datetime(raw, TOKYO) == expected


def test_iso_with_zone_is_converted_to_project_zone():
    assert parse_datetime("2026-01-07T00:30:00.000Z", TOKYO) == datetime(2026, 1, 7, 9, 30)
    assert parse_datetime("2026-01-07T09:30:00+09:00", TOKYO) == datetime(2026, 1, 7, 9, 30)
    assert parse_datetime("2026-01-07T00:30:00Z", ZoneInfo("UTC")) == datetime(2026, 1, 7, 0, 30)
    aware = datetime(2026, 1, 7, 0, 0, tzinfo=ZoneInfo("UTC"))
    assert parse_datetime(aware, TOKYO) == datetime(2026, 1, 7, 9, 0)


def test_ms_epoch_is_utc_converted():
    assert parse_datetime("1572480000000", TOKYO) == datetime(2019, 10, 31, 9, 0)


def test_excel_serials_for_numeric_cells():
    assert parse_date(46029) == date(2026, 1, 7)
    assert parse_datetime(46029.5) == datetime(2026, 1, 7, 12, 0)
    with pytest.raises(ParseError):
        parse_date(-3)


def test_explicit_formats_are_tried_first():
    assert parse_date("07-01-2026", formats=["%d-%m-%Y"]) == date(2026, 1, 7)


@pytest.mark.parametrize(
    "raw", ["2026/13/07", "2026-02-30", "1/7/26", "yesterday", "13:00 PM", "2026/1/7 13:05 PM"]
)
def test_bad_dates(raw):
    with pytest.raises(ParseError):
        parse_datetime(raw, TOKYO)


def test_loose_dates_and_ranges():
    assert parse_loose_date("September 1, 2026") == date(2026, 9, 1)
    assert parse_loose_date("Sep 1, 2026") == date(2026, 9, 1)
    assert parse_date_range("September 1, 2026 - September 3, 2026") == (
        date(2026, 9, 1),
        date(2026, 9, 3),
    )
    assert parse_date_range("2026年1月1日～2026年1月31日") == (date(2026, 1, 1), date(2026, 1, 31))
    assert parse_date_range("20251001-20260228") == (date(2025, 10, 1), date(2026, 2, 28))
    assert parse_date_range("Campaign report") is None
    assert parse_date_range("2026/02/01 - 2026/01/01") is None
