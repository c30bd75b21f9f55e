"""GA4 downloads → web_traffic: preamble, several tables, Grand total, JA headers."""

from __future__ import annotations

import codecs
from datetime import date
from pathlib import Path

import pytest

from ikkan.ingest.base import ReaderContext
from ikkan.ingest.sources.ga4 import Ga4Reader
from ikkan.ingest.sources.registry import detect_reader

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize("bom", [b"", codecs.BOM_UTF8])
def test_main_table_is_read_and_grand_total_dropped(tmp_path, bom):
    path = tmp_path / "ga4.csv"
    path.write_bytes(bom + (FIXTURES / "ga4_traffic_en.csv").read_bytes())
    assert detect_reader(path).name == "ga4"
    result = Ga4Reader().read(path, ReaderContext())
    rows = {(r["day"], r["channel"]): r for r in result.tables["web_traffic"].to_pylist()}
    assert set(rows) == {
        (date(2026, 1, 7), "organic_search"),
        (date(2026, 1, 7), "paid_search"),
        (date(2026, 1, 8), "direct"),
        (date(2026, 1, 8), None),  # Unassigned
    }
    organic = rows[(date(2026, 1, 7), "organic_search")]
    assert (organic["sessions"], organic["conversions"]) == (1200, 18.0)
    assert rows[(date(2026, 1, 7), "paid_search")]["conversions"] == 3.5
    (bad,) = result.rejected
    assert (bad.row_number, bad.column_name, bad.raw_value) == (19, "Date", "2026013x")
    assert sum(r["sessions"] for r in rows.values()) == 1555


def test_ja_without_date_column_rejects_month_rows():
    path = FIXTURES / "ga4_traffic_ja_nodate.csv"
    assert detect_reader(path).name == "ga4"
    result = Ga4Reader().read(path, ReaderContext())
    assert result.tables["web_traffic"].num_rows == 0
    (rejected,) = result.rejected
    assert "2026-01-01..2026-01-31" in rejected.reason


def test_single_day_report_without_date_column_uses_the_day(tmp_path):
    text = (FIXTURES / "ga4_traffic_ja_nodate.csv").read_text(encoding="utf-8")
    path = tmp_path / "oneday.csv"
    path.write_text(text.replace("20260131", "20260101"), encoding="utf-8")
    result = Ga4Reader().read(path, ReaderContext())
    (row,) = result.tables["web_traffic"].to_pylist()
    assert (row["day"], row["channel"], row["sessions"]) == (
        date(2026, 1, 1),
        "organic_search",
        1200,
    )
