"""Google Ads, Meta and Yahoo!広告 downloads → spend."""

from __future__ import annotations

import codecs
import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest

from ikkan.ingest.base import ReaderContext, account_rows
from ikkan.ingest.engine.builder import stable_key
from ikkan.ingest.sources.google_ads import GoogleAdsReader
from ikkan.ingest.sources.meta_ads import MetaAdsReader
from ikkan.ingest.sources.registry import detect_reader
from ikkan.ingest.sources.yahoo_ads import YahooAdsReader
from ikkan.model.canonical import SPEND

FIXTURES = Path(__file__).parent / "fixtures"
PAYLOAD = [
    c.name for c in SPEND.columns if c.name not in ("content_hash", "import_id", "loaded_at")
]


def variant(tmp_path: Path, name: str, encoding: str) -> Path:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    bom = {"utf-8-sig": codecs.BOM_UTF8, "utf-16-le": codecs.BOM_UTF16_LE}.get(encoding, b"")
    path = tmp_path / f"{encoding}-{name}"
    path.write_bytes(bom + text.encode(encoding.replace("-sig", "")))
    return path


def by_key(table):
    return {(r["day"], r["campaign"], r["ad_group"]): r for r in table.to_pylist()}


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-8-sig", "cp932"])
def test_google_ads_ja_excel_csv_variants(tmp_path, encoding):
    path = variant(tmp_path, "google_ads_ja.txt", encoding)
    assert detect_reader(path).name == "google_ads"
    result = GoogleAdsReader().read(path, ReaderContext())
    spend = result.tables["spend"]
    assert spend.column_names == PAYLOAD
    rows = by_key(spend)
    assert set(rows) == {
        (date(2026, 1, 7), "検索_指名", None),
        (date(2026, 1, 7), "ディスプレイ_リタゲ", None),
    }
    search = rows[(date(2026, 1, 7), "検索_指名", None)]
    assert (search["cost"], search["impressions"], search["clicks"], search["conversions"]) == (
        12345.0,
        1204,
        88,
        3.0,
    )
    assert search["channel"] == "paid_search" and search["currency"] == "JPY"
    assert search["spend_key"] == stable_key(
        "google_ads", date(2026, 1, 7), "検索", "検索_指名", None
    )
    display = rows[(date(2026, 1, 7), "ディスプレイ_リタゲ", None)]
    assert display["channel"] == "display" and display["conversions"] is None
    (bad,) = result.rejected
    assert (bad.row_number, bad.column_name, bad.raw_value) == (6, "費用", "abc")
    # the 合計 row is read and listed as skipped (a footer), so the rows add up
    (footer,) = result.skipped
    assert footer.row_number == 7 and "footer" in footer.reason
    assert result.rows_read == 4 and account_rows(result).unaccounted == 0


def test_google_ads_en_with_title_and_totals():
    path = FIXTURES / "google_ads_en.csv"
    assert detect_reader(path).name == "google_ads"
    result = GoogleAdsReader().read(path, ReaderContext())
    rows = result.tables["spend"].to_pylist()
    assert [(r["day"], r["cost"], r["impressions"]) for r in rows] == [
        (date(2026, 9, 1), 12345.0, 1204),
        (date(2026, 9, 2), 9000.0, 900),
    ]
    assert json.loads(rows[0]["attributes"]) == {"Avg. CPC": "140.28"}
    assert result.rejected == []


def test_google_ads_without_day_rejects_multi_day_rows(tmp_path):
    path = tmp_path / "noday.csv"
    path.write_text(
        'Campaign report\n"September 1, 2026 - September 3, 2026"\n'
        "Campaign,Impr.,Clicks,Cost,Currency code\n"
        'Brand,"2,104",148,"21,345.00",JPY\nGeneric,10,1,100,JPY\n'
        'Total: Account,"2,114",149,"21,445.00",JPY\n',
        encoding="utf-8",
    )
    result = GoogleAdsReader().read(path, ReaderContext())
    assert result.tables["spend"].num_rows == 0
    assert [r.row_number for r in result.rejected] == [4, 5]
    assert all(
        "2026-09-01..2026-09-03" in r.reason and "not one day" in r.reason for r in result.rejected
    )


def test_google_ads_single_day_report_without_day_column_uses_that_day(tmp_path):
    path = tmp_path / "oneday.csv"
    path.write_text(
        'Campaign report\n"September 2, 2026 - September 2, 2026"\n'
        "Campaign,Impr.,Clicks,Cost,Currency code\nBrand,10,1,100,JPY\n",
        encoding="utf-8",
    )
    result = GoogleAdsReader().read(path, ReaderContext())
    (row,) = result.tables["spend"].to_pylist()
    assert (row["day"], row["cost"]) == (date(2026, 9, 2), 100.0)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_meta_daily_rows_sum_ads_into_ad_sets(tmp_path, encoding):
    path = variant(tmp_path, "meta_ads_en.csv", encoding)
    assert detect_reader(path).name == "meta_ads"
    result = MetaAdsReader().read(path, ReaderContext())
    rows = by_key(result.tables["spend"])
    day7 = rows[(date(2026, 1, 7), "Lead gen", "Lookalike 1%")]
    assert (day7["cost"], day7["impressions"], day7["clicks"], day7["conversions"]) == (
        15000.0,
        6000,
        100,
        4.0,
    )
    assert day7["currency"] == "JPY" and day7["channel"] == "paid_social"
    assert rows[(date(2026, 1, 8), "Lead gen", "Lookalike 1%")]["cost"] == 9000.0
    assert any("added to it" in w for w in result.warnings)


def test_meta_range_rows_are_rejected_not_spread():
    path = FIXTURES / "meta_ads_ja_range.csv"
    assert detect_reader(path).name == "meta_ads"
    result = MetaAdsReader().read(path, ReaderContext())
    rows = result.tables["spend"].to_pylist()
    assert [(r["day"], r["ad_group"], r["cost"]) for r in rows] == [
        (date(2026, 1, 7), "類似2%", 4000.0)
    ]
    (rejected,) = result.rejected
    assert rejected.row_number == 2 and "2026-01-01..2026-01-31" in rejected.reason
    assert "daily breakdown" in rejected.reason
    assert any("summary" in w and "row 4" in w for w in result.warnings)


@pytest.mark.parametrize("encoding", ["cp932", "utf-16-le", "utf-8-sig"])
def test_yahoo_ads(tmp_path, encoding):
    path = variant(tmp_path, "yahoo_ads_ja.csv", encoding)
    if encoding == "utf-16-le":  # Yahoo's UTF16LE download is tab-separated
        rows = list(csv.reader(io.StringIO((FIXTURES / "yahoo_ads_ja.csv").read_text("utf-8"))))
        buffer = io.StringIO()
        csv.writer(buffer, delimiter="\t").writerows(rows)
        path.write_bytes(codecs.BOM_UTF16_LE + buffer.getvalue().encode("utf-16-le"))
    assert detect_reader(path).name == "yahoo_ads"
    result = YahooAdsReader().read(path, ReaderContext())
    rows = by_key(result.tables["spend"])
    assert len(rows) == 3
    a = rows[(date(2026, 1, 7), "検索_一般", "グループA")]
    assert (a["cost"], a["impressions"], a["clicks"], a["conversions"], a["currency"]) == (
        5000.0,
        1000,
        50,
        2.0,
        "JPY",
    )
    assert a["channel"] == "paid_search"
    assert json.loads(a["attributes"])["アカウント名"] == "サンプル株式会社"
    assert result.rejected == [] and result.rows_read == 4  # the total row: skipped
    assert [r.row_number for r in result.skipped] == [5]
