"""Google, Meta and Yahoo! ads: the engine's vectorised read (``engine.columnar``) gives
the same ReadResult as the row path: hostile cells, full-width digits, 令和 dates, a bad
cost, rows repeating a grain (summed and listed as skipped), total footers, cp932."""

from __future__ import annotations

from pathlib import Path

import pytest

from ikkan.ingest.base import ReaderContext, ReadResult
from ikkan.ingest.sources.google_ads import GoogleAdsReader
from ikkan.ingest.sources.meta_ads import MetaAdsReader
from ikkan.ingest.sources.yahoo_ads import YahooAdsReader

FIXTURES = Path(__file__).parent / "fixtures"
GOOGLE = [
    "Day,Campaign,Impr.,Clicks,Cost,Conversions,Currency code,Avg. CPC",
    '2026-09-01,Brand,"1,204",88,"12,345.00",3.00,JPY,140.28',
    "2026-09-01,Brand,１２,８,１，０００,0,JPY,1",  # same grain: summed
    '令和8年9月2日,Generic,"2,000",9,"△1,200",1.00,JPY,3',
    "2026-09-03,Generic,10,1,TBD,0,JPY,1",  # bad cost
    "2026-02-30,Generic,10,1,100,0,JPY,1",  # bad day
    '=cmd(),"=1+1",10,1,100,0,USD,1',
    'Total: Account,,"2,104",148,"21,345.00",5.00,JPY,144.22',
]
META = [
    "Reporting starts,Reporting ends,Day,Campaign name,Ad set name,Ad name,Results,"
    "Amount spent (JPY),Impressions,Link clicks,Reach",
    '2026-01-01,2026-01-31,2026-01-07,Lead gen,Lookalike 1%,Ad A,3,"12,000",5000,80,4000',
    '2026-01-01,2026-01-31,2026-01-07,Lead gen,Lookalike 1%,Ad B,1,"3,000",1000,20,900',
    "2026-01-01,2026-01-31,令和8年1月8日,リード獲得,類似1%,Ad A,２,１．２万円,4000,60,3500",
    "2026-01-01,2026-01-31,2026-01-09,Lead gen,Lookalike 1%,Ad A,2,TBD,4000,60,3500",
    "2026-01-01,2026-01-31,,,,,,,,,",
]
YAHOO = [
    "日,アカウント名,キャンペーン名,広告グループ名,インプレッション数,クリック数,クリック率,コスト,"
    "コンバージョン数",
    '2026/01/07,サンプル株式会社,検索_一般,グループA,"1,000",50,5.00%,"5,000",2.00',
    '2026/01/07,サンプル株式会社,検索_一般,グループA,８００,40,5.00%,"￥4,000",0.00',
    "2026/01/08,㈱髙橋～商事,検索_一般,グループB,800,40,5.00%,△100,0.00",
    "2026/02/30,サンプル株式会社,検索_一般,グループA,800,40,5.00%,100,0.00",
    "2026/01/09,サンプル株式会社,検索_一般,グループA,many,40,5.00%,100,0.00",
    '合計,--,--,--,"2,300",110,4.78%,"11,000",3.00',
]
CASES = [(GoogleAdsReader(), GOOGLE), (MetaAdsReader(), META), (YahooAdsReader(), YAHOO)]


def assert_same(fast: ReadResult, slow: ReadResult) -> None:
    assert fast.tables.keys() == slow.tables.keys()
    for name, table in slow.tables.items():
        assert fast.tables[name].schema == table.schema, name
        assert fast.tables[name].to_pylist() == table.to_pylist(), name
    assert fast.rejected == slow.rejected
    assert fast.skipped == slow.skipped
    assert fast.warnings == slow.warnings
    assert {int(n) for n in fast.loaded_rows} == {int(n) for n in slow.loaded_rows}
    assert (fast.rows_read, fast.encoding, fast.file_path, fast.reader) == (
        slow.rows_read,
        slow.encoding,
        slow.file_path,
        slow.reader,
    )


@pytest.mark.parametrize("encoding", ["utf-8", "cp932"])
@pytest.mark.parametrize(("reader", "lines"), CASES, ids=["google", "meta", "yahoo"])
def test_vectorised_equals_row_path(tmp_path, reader, lines, encoding):
    path = tmp_path / f"ads-{encoding}.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    context = ReaderContext(channels={"Brand": "paid_search"})
    fast, slow = reader.read(path, context), reader.read_rows(path, context)
    assert fast.vectorised and not slow.vectorised
    assert_same(fast, slow)
    assert fast.rejected and fast.tables["spend"].num_rows >= 2


@pytest.mark.parametrize(
    "name", ["google_ads_en.csv", "meta_ads_en.csv", "yahoo_ads_ja.csv", "meta_ads_ja_range.csv"]
)
def test_fixtures_read_alike(name):
    path = FIXTURES / name
    for reader, _ in CASES:
        head = path.read_text(encoding="utf-8")
        if not reader.sniff(path, head):
            continue
        fast = reader.read(path, ReaderContext())
        assert_same(fast, reader.read_rows(path, ReaderContext()))
        assert fast.vectorised == (name != "google_ads_en.csv")  # a title: the row path
