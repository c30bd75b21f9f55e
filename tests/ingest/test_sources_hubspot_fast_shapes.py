"""The vectorised conversions (used for columns with many distinct values) give exactly
the row-by-row results, on the cell shapes where they could differ.

Small files normally go through the row-by-row parser once per distinct value; these tests
lower the thresholds so that every column takes the vectorised path (on the distinct
values, or on the rows themselves) and compare with ``read_rows``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from ikkan.ingest.base import ReaderContext, ReadResult
from ikkan.ingest.engine import arrow_convert as fast_convert
from ikkan.ingest.sources.hubspot import HubspotContactsReader
from ikkan.ingest.sources.hubspot_fast import read_contacts_fast

HEADER = [
    "Record ID",
    "Email",
    "Create Date",
    "Number of Employees",
    "HubSpot Score",
    "Company Name",
    "Lifecycle Stage",
    "Became a Lead Date",
    "Notes",
]
# (id, email, created, employees, score, company, lifecycle, lead date, notes)
ROWS = [
    ["1001", "A.B@Example.JP", "2026-01-07 10:15", "0012", "30", "Acme", "lead", "2026-01-07", "x"],
    [
        " 1002",
        " sp@x.jp ",
        "2026-01-07",
        "1234567890123456",
        "12.5",
        " padded ",
        "Lead",
        "2026-01-07 10:15:05",
        'say "hi"',
    ],
    [
        "1.2E+11",
        "no-at",
        "2026-02-30 10:00",
        "１，２００",
        "--",
        "(not set)",
        "mql",
        "2026-01-07 24:00",
        "back\\slash",
    ],
    [
        "ＩＤ１",
        "x@y",
        "2026-01-07 10:15:60",
        "-5",
        "1e3",
        "株式会社テスト",
        "customer",
        "2026/01/07 10:15",
        " (none) ",
    ],
    ["a+b", "UP@EXAMPLE.COM", "0999-01-01", "1.5", "", "—", "", "1/7/2026 9:05 AM", "ａｂｃ"],
    ["--", "e@x.jp", "2026-01-11", "", "７", "a\tb", "opportunity", "", "tab\there"],
    ["1003", "f@x.jp", "2026-01-08 09:00:00", "7", "0", "Acme", "lead", "2026-01-08 9:00", ""],
    ["1004", "Ｆ@x.jp", "2026-13-01", "8", "8", "ACME ", "Lead", "2026-01-09T09:00", "—"],
    ["1003", "dup@x.jp", "2026-01-10", "9", "9", "Acme", "lead", "2026-01-05", "dup"],
]


def assert_same(fast: ReadResult | None, slow: ReadResult) -> None:
    assert fast is not None, "the vectorised path declined a clean file"
    for name, table in slow.tables.items():
        assert fast.tables[name].schema == table.schema, name
        assert fast.tables[name].to_pylist() == table.to_pylist(), name
    assert fast.rejected == slow.rejected
    assert fast.warnings == slow.warnings
    assert fast.rows_read == slow.rows_read


@pytest.mark.parametrize(
    ("parse_all", "sample"),
    [(0, 1_000_000), (0, 1)],
    ids=["vectorised-on-distinct-values", "vectorised-on-rows"],
)
def test_vectorised_shapes_match_the_row_by_row_parsers(tmp_path, monkeypatch, parse_all, sample):
    monkeypatch.setattr(fast_convert, "_PARSE_ALL", parse_all)
    monkeypatch.setattr(fast_convert, "_SAMPLE", sample)
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows([HEADER, *ROWS])
    path = tmp_path / "shapes.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    reader = HubspotContactsReader()
    fast = read_contacts_fast(path, ReaderContext(), reader.name)
    slow = reader.read_rows(path, ReaderContext())
    assert_same(fast, slow)
    rejected = {(r.row_number, r.column_name) for r in slow.rejected}
    assert (4, "Create Date") in rejected  # Feb 30 is rejected, not rolled over
    assert (4, "Record ID") in rejected  # an Excel-mangled id
    assert (5, "Create Date") in rejected  # second 60
    assert (7, "Record ID") in rejected  # "--" is an empty id
    assert (9, "Create Date") in rejected  # month 13
    leads = {r["source_id"]: r for r in slow.tables["leads"].to_pylist()}
    assert leads["1001"]["email"] == "a.b@example.jp"
    assert leads["1001"]["employees"] == 12
    assert leads["1002"]["company"] == "padded"
    assert leads["1003"]["email"] == "f@x.jp"  # the first row of a repeated id wins


def test_a_large_file_takes_the_vectorised_path_and_matches(tmp_path):
    """Enough rows that ids, e-mails and timestamps are 'nearly distinct' by default."""
    rows = []
    for i in range(fast_convert._SAMPLE + 500):
        day = 1 + i % 28
        rows.append(
            [
                str(10_000 + i),
                f"user{i}@Example.com",
                f"2026-02-{day:02d} {i % 24:02d}:{i % 60:02d}",
                str(i % 900),
                str(i % 100),
                f"Company {i % 50}",
                "lead",
                f"2026-03-{day:02d} 08:{i % 60:02d}:{i % 59:02d}",
                f"note {i}",
            ]
        )
    rows[7][2] = "2026-02-30 10:00"
    rows[9][1] = "not an e-mail"
    rows[11][7] = "2026-03-01 10:00:60"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([HEADER, *rows])
    path = Path(tmp_path / "large.csv")
    path.write_text(buffer.getvalue(), encoding="utf-8")
    reader = HubspotContactsReader()
    fast = read_contacts_fast(path, ReaderContext(), reader.name)
    slow = reader.read_rows(path, ReaderContext())
    assert_same(fast, slow)
    assert [(r.row_number, r.column_name) for r in slow.rejected] == [  # column by column
        (11, "Email"),
        (9, "Create Date"),
        (13, "Became a Lead Date"),
    ]


@pytest.mark.parametrize("repeats", [True, False], ids=["repeated-ids", "unique-ids"])
def test_stage_rows_across_batches(tmp_path, repeats):
    """More than two batches of the row-by-row reader: stage rows keep its order (batch,
    column, row), and the earliest date wins for a lead named twice or a stage named by
    two columns."""
    header = [
        "Record ID",
        "Create Date",
        "Became a Lead Date",
        "Became a Marketing Qualified Lead Date",
        "hs_lifecyclestage_lead_date",
    ]
    rows = []
    for i in range(105_000):
        lead = f"2026-01-{1 + i % 28:02d} 10:{i % 60:02d}" if i % 3 else ""
        mql = f"2026-02-{1 + i % 28:02d} 09:00" if i % 5 == 0 else ""
        other_lead = f"2026-01-{1 + (i * 7) % 28:02d} 08:00" if i % 11 == 0 else ""
        record = str(i % 60_000 if repeats else i)
        rows.append(
            [record, "2026-01-01", lead, mql, other_lead]
            if repeats
            else [record, "2026-01-01", lead, mql]
        )
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([header if repeats else header[:4], *rows])
    path = tmp_path / "batches.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    reader = HubspotContactsReader()
    fast = read_contacts_fast(path, ReaderContext(), reader.name)
    slow = reader.read_rows(path, ReaderContext())
    assert_same(fast, slow)
    assert slow.tables["leads"].num_rows == (60_000 if repeats else 105_000)
    assert len(slow.rejected) == (45_000 if repeats else 0)  # the repeated ids
    assert slow.tables["lead_stages"].num_rows > 50_000
