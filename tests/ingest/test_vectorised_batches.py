"""The vectorised read across batch boundaries (``BATCH_ROWS`` rows per batch): files a
little longer than one batch give the same ReadResult as the row path, with the row numbers
of the file (a quoted newline before the boundary moves every later row one line down), a
duplicate key whose first row is in the previous batch, and a rejected row in the second
batch, in UTF-8 and cp932."""

from __future__ import annotations

from pathlib import Path

import pytest

from ikkan.ingest.base import ReaderContext, ReadResult
from ikkan.ingest.engine.tabular import BATCH_ROWS
from ikkan.ingest.sources.google_ads import GoogleAdsReader
from ikkan.ingest.sources.salesforce import SalesforceLeadsReader

EXTRA = 20  # rows in the second batch
LEAD_HEADER = (
    '"Lead ID","First Name","Last Name","Company / Account","Email","Lead Source",'
    '"Lead Status","Created Date","Converted","Converted Date","Note"'
)
NEWLINE_AT = BATCH_ROWS - 1  # the last row of the first batch holds a quoted newline
DUPLICATE_AT = BATCH_ROWS + 3  # repeats the id of row index 10
BAD_DATE_AT = BATCH_ROWS + 5


def lead_line(i: int) -> str:
    lead_id = "00Q0000000010" if i == DUPLICATE_AT else f"00Q{i:010d}"
    created = "2026-13-40" if i == BAD_DATE_AT else f"2026/0{1 + i % 9}/1{i % 10}"
    note = '"first line\nsecond line"' if i == NEWLINE_AT else f'"メモ {i % 7}"'
    converted = '"1","2026/12/01"' if i % 3 == 0 else '"0",""'
    return (
        f'"{lead_id}","花子","佐藤 {i % 50}","株式会社サンプル {i % 11}","u{i}@example.com",'
        f'"Web","Open","{created}",{converted},{note}'
    )


def write(path: Path, header: str, lines: list[str], encoding: str) -> Path:
    path.write_bytes(("\n".join([header, *lines]) + "\n").encode(encoding))
    return path


def assert_same(fast: ReadResult, slow: ReadResult) -> None:
    assert fast.vectorised and not slow.vectorised
    assert fast.tables.keys() == slow.tables.keys()
    for name, table in slow.tables.items():
        assert fast.tables[name].to_pylist() == table.to_pylist(), name
    assert fast.rejected == slow.rejected
    assert fast.skipped == slow.skipped
    assert fast.warnings == slow.warnings
    assert {int(n) for n in fast.loaded_rows} == {int(n) for n in slow.loaded_rows}
    assert fast.rows_read == slow.rows_read


@pytest.mark.parametrize("encoding", ["utf-8", "cp932"])
def test_leads_across_a_batch_boundary(tmp_path, encoding):
    lines = [lead_line(i) for i in range(BATCH_ROWS + EXTRA)]
    path = write(tmp_path / f"leads-{encoding}.csv", LEAD_HEADER, lines, encoding)
    reader = SalesforceLeadsReader()
    fast, slow = reader.read(path, ReaderContext()), reader.read_rows(path, ReaderContext())
    assert_same(fast, slow)
    # file line of data row i: 2 + i, one more after the row with the newline
    assert [(r.row_number, r.reason) for r in fast.rejected] == [
        (2 + BAD_DATE_AT + 1, fast.rejected[0].reason),
        (
            2 + DUPLICATE_AT + 1,
            "duplicate lead key 'salesforce:00Q0000000010' (first seen at row 12)",
        ),
    ]
    assert fast.rejected[0].column_name == "Created Date"
    assert fast.rows_read == BATCH_ROWS + EXTRA
    leads = fast.tables["leads"]
    assert leads.num_rows == BATCH_ROWS + EXTRA - 2
    notes = [a for a in leads.column("attributes").to_pylist() if a and "second line" in a]
    assert len(notes) == 1


def test_spend_merged_across_a_batch_boundary(tmp_path):
    header = "Day,Campaign,Impr.,Clicks,Cost,Conversions,Currency code"
    lines = [
        f"2026-01-{1 + i % 28:02d},Campaign {i // 28},{i % 1000},{i % 90},{i % 9000}.00,1.00,JPY"
        for i in range(BATCH_ROWS + EXTRA)
    ]
    lines[BATCH_ROWS + 2] = "2026-01-01,Campaign 0,5,1,10.00,1.00,JPY"  # repeats row index 0
    lines[BATCH_ROWS + 4] = "2026-01-01 - 2026-01-03,Campaign 0,5,1,10.00,1.00,JPY"
    path = write(tmp_path / "google.csv", header, lines, "utf-8")
    reader = GoogleAdsReader()
    fast, slow = reader.read(path, ReaderContext()), reader.read_rows(path, ReaderContext())
    assert_same(fast, slow)
    assert [s.row_number for s in fast.skipped] == [2 + BATCH_ROWS + 2]
    assert "as row 2:" in fast.skipped[0].reason
    assert [r.row_number for r in fast.rejected] == [2 + BATCH_ROWS + 4]
    spend = {(r["day"].day, r["campaign"]): r for r in fast.tables["spend"].to_pylist()}
    assert spend[(1, "Campaign 0")]["impressions"] == 5 and spend[(1, "Campaign 0")]["cost"] == 10
