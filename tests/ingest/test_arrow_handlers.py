"""The Arrow batch handlers (``read_tabular(handle_arrow=...)``: rows stay Arrow from the
vectorised scan to the load) give the row path's ReadResult exactly: over several batches
(rejections, summed duplicates and stage rows in the row path's order), without id
columns (fallback keys), and ``TableBuilder``'s Arrow steps equal its row-wise ones."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest
from tests.ingest.test_sources_ads_vectorised import GOOGLE, META, YAHOO
from tests.ingest.test_sources_ads_vectorised import assert_same as assert_same_ads
from tests.ingest.test_sources_salesforce_vectorised import (
    LEAD_HEADER,
    LEAD_ROWS,
    OPP_HEADER,
    OPP_ROWS,
    assert_same,
)

from ikkan.ingest.base import ReaderContext
from ikkan.ingest.engine import columnar, tabular
from ikkan.ingest.engine.builder import TableBuilder
from ikkan.ingest.engine.log import ReadLog
from ikkan.ingest.sources.google_ads import GoogleAdsReader
from ikkan.ingest.sources.meta_ads import MetaAdsReader
from ikkan.ingest.sources.salesforce import (
    SalesforceLeadsReader,
    SalesforceOpportunitiesReader,
)
from ikkan.ingest.sources.yahoo_ads import YahooAdsReader
from ikkan.model.canonical import LEAD_STAGES, LEADS, SPEND


@pytest.fixture
def small_batches(monkeypatch):
    """Batches of 3 rows on both paths, so that order across batches is tested."""
    monkeypatch.setattr(columnar, "BATCH_ROWS", 3)
    monkeypatch.setattr(tabular.iter_batches, "__defaults__", (3,))


def _write(tmp_path, lines, name="f.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


@pytest.mark.parametrize(
    ("reader", "lines"),
    [
        (GoogleAdsReader(), GOOGLE[:-1] + GOOGLE[1:3] + GOOGLE[1:]),
        (MetaAdsReader(), META + META[1:]),
        (YahooAdsReader(), YAHOO[:-1] + YAHOO[1:]),
    ],
    ids=["google", "meta", "yahoo"],
)
def test_spend_over_several_batches(tmp_path, small_batches, reader, lines):
    path = _write(tmp_path, lines)
    context = ReaderContext(channels={"Brand": "paid_search"})
    fast, slow = reader.read(path, context), reader.read_rows(path, context)
    assert fast.vectorised and not slow.vectorised
    assert_same_ads(fast, slow)
    assert fast.skipped and fast.rejected


def test_google_campaign_types_and_fixed_channel(tmp_path, small_batches):
    lines = [
        "Day,Campaign,Campaign type,Impr.,Clicks,Cost,Conversions,Currency code",
        "2026-09-01,A,Search,1,1,10,0,JPY",
        "2026-09-01,B,Display,1,1,10,0,",
        "2026-09-01,C,,1,1,10,0,USD",
        "2026-09-01,D,Brand new type,1,1,10,0,JPY",
        "2026-09-01,A,Search,1,1,5,1,JPY",
    ]
    path = _write(tmp_path, lines)
    reader = GoogleAdsReader()
    for options in ({}, {"channel": "other"}):
        context = ReaderContext(options=options, channels={"Display": "display"})
        fast, slow = reader.read(path, context), reader.read_rows(path, context)
        assert fast.vectorised
        assert_same_ads(fast, slow)
        assert fast.tables["spend"].num_rows == 4


@pytest.mark.parametrize(
    ("reader", "header", "rows"),
    [
        (SalesforceOpportunitiesReader(), OPP_HEADER, OPP_ROWS + OPP_ROWS[2:]),
        (SalesforceLeadsReader(), LEAD_HEADER, LEAD_ROWS + LEAD_ROWS[1:]),
    ],
    ids=["opportunities", "leads"],
)
def test_salesforce_over_several_batches(tmp_path, small_batches, reader, header, rows):
    path = _write(tmp_path, [header, *rows])
    context = ReaderContext(stage_map={"Negotiation/Review": "won"}, channels={"Web": "web"})
    fast, slow = reader.read(path, context), reader.read_rows(path, context)
    assert fast.vectorised and not slow.vectorised
    assert_same(fast, slow)
    assert any("duplicate" in r.reason for r in fast.rejected)


def _without_first_column(header, rows):
    def drop(line):
        return line.split(",", 1)[1]

    return [drop(header), *(drop(r) for r in rows)]


@pytest.mark.parametrize(
    ("reader", "header", "rows"),
    [
        (SalesforceOpportunitiesReader(), OPP_HEADER, OPP_ROWS),
        (SalesforceLeadsReader(), LEAD_HEADER, LEAD_ROWS),
    ],
    ids=["opportunities", "leads"],
)
def test_salesforce_without_id_column_keys_alike(tmp_path, reader, header, rows):
    """Keys from the fallback (e-mail; name + account + created date), rows with nothing
    to key them by rejected, as row by row."""
    extra = ['"x","","Z","Closed Won","1","2026-03-03","2026-02-08","Web","","","",""']
    lines = _without_first_column(header, [*rows, *(extra if "Opportunity" in header else [])])
    path = _write(tmp_path, lines)
    fast, slow = reader.read(path, ReaderContext()), reader.read_rows(path, ReaderContext())
    assert fast.vectorised
    assert_same(fast, slow)
    assert any("nothing to key it by" in r.reason for r in fast.rejected)


def test_account_name_next_to_an_extra_column_named_so(tmp_path):
    lines = [
        "Opportunity ID,Opportunity Name,Account Name,Stage,account_name,Notes",
        '1,A,"Acme ""East""",Closed Won,shadow,"x\\y"',
        "2,B,,Closed Lost,shadow,",
        "3,C,Beta,Prospecting,,",
    ]
    path = _write(tmp_path, lines)
    reader = SalesforceOpportunitiesReader()
    fast, slow = reader.read(path, ReaderContext()), reader.read_rows(path, ReaderContext())
    assert fast.vectorised
    assert_same(fast, slow)


def _random_rows(seed, n):
    rng = random.Random(seed)
    start = datetime(2026, 1, 1)
    return [
        {
            "key": rng.choice(["a", "b", "c", None, "d"]) if rng.random() < 0.9 else f"k{i}",
            "stage": rng.choice(["lead", "mql", None]),
            "at": start + timedelta(days=rng.randrange(4)),
            "cost": rng.choice([None, 1.5, 2.25, 1e16]),
            "clicks": rng.choice([None, 1, 3]),
        }
        for i in range(n)
    ]


def _both(table, columns_of, rows, numbers):
    rows_builder, arrow_builder = TableBuilder(table), TableBuilder(table)
    columns = columns_of(rows)
    rows_builder.add(columns, numbers)
    import pyarrow as pa

    half = len(numbers) // 2
    for part in (slice(0, half), slice(half, None)):
        arrow_builder.add_arrow(
            {k: pa.array(v[part]) for k, v in columns.items()}, pa.array(numbers[part])
        )
    return rows_builder, arrow_builder


@pytest.mark.parametrize("seed", range(5))
def test_builder_arrow_steps_equal_row_steps(seed):
    rows = _random_rows(seed, 60)
    numbers = list(range(2, 62))

    def spend(found):
        return {
            "spend_key": [r["key"] for r in found],
            "day": [r["at"].date() for r in found],
            "cost": [r["cost"] for r in found],
            "clicks": [r["clicks"] for r in found],
        }

    slow, fast = _both(SPEND, spend, rows, numbers)
    slow_log, fast_log = ReadLog("f"), ReadLog("f")
    slow.sum_duplicates(slow_log, ("cost", "clicks"))
    fast.sum_duplicates(fast_log, ("cost", "clicks"))
    assert fast.to_arrow().to_pylist() == slow.to_arrow().to_pylist()
    assert (fast_log.skipped, fast_log.warnings) == (slow_log.skipped, slow_log.warnings)
    assert fast.row_numbers() == slow.row_numbers() and slow_log.skipped

    def leads(found):
        return {"lead_key": [r["key"] for r in found], "status": [r["stage"] for r in found]}

    slow, fast = _both(LEADS, leads, rows, numbers)
    slow_log, fast_log = ReadLog("f"), ReadLog("f")
    slow.reject_duplicates(slow_log, "key")
    fast.reject_duplicates(fast_log, "key")
    assert fast.to_arrow().to_pylist() == slow.to_arrow().to_pylist()
    assert fast_log.rejected == slow_log.rejected and slow_log.rejected

    def stages(found):
        return {
            "lead_key": [r["key"] for r in found],
            "stage": [r["stage"] for r in found],
            "entered_at": [r["at"] for r in found],
        }

    slow, fast = _both(LEAD_STAGES, stages, rows, numbers)
    slow.keep_earliest(("lead_key", "stage"), "entered_at")
    fast.keep_earliest(("lead_key", "stage"), "entered_at")
    assert fast.to_arrow().to_pylist() == slow.to_arrow().to_pylist()
    assert fast.row_numbers() == slow.row_numbers() and len(slow) < len(rows)


GA4 = [
    "Date,Session default channel group,Session source / medium,Sessions,Total users,"
    "Views,Key events,Bounce rate",
    "20260107,Organic Search,google / organic,1200,900,3000,18,0.41",
    "20260107,Paid Search,google / cpc,３００,200,700,3.5,0.3",
    "20260107,Organic Search,google / organic,10,9,30,,0.4",  # same grain: summed
    "",
    "20260108,Direct,(direct) / (none),40,,90,0,",
    "2026013x,Direct,(direct) / (none),1,1,1,0,0",  # bad date
    "20260109,Unassigned,(not set),many,1,1,0,0",  # bad sessions
    "20260109,Email,newsletter / email,5,5,5,1.25,0.1",
    "20260107,Organic Search,google / organic,1,1,1,0.5,0.2",  # summed again
]


@pytest.mark.parametrize("encoding", ["utf-8", "cp932"])
@pytest.mark.parametrize("footer", [[], ["Grand total,,,1556,1115,3827,23.25,"]])
def test_ga4_plain_table_reads_alike(tmp_path, small_batches, encoding, footer):
    from ikkan.ingest.sources.ga4 import Ga4Reader

    path = _write(tmp_path, [*GA4, *footer], encoding=encoding)
    reader, context = Ga4Reader(), ReaderContext(channels={"Email": "email"})
    fast, slow = reader.read(path, context), reader.read_rows(path, context)
    assert fast.vectorised and not slow.vectorised
    assert_same_ads(fast, slow)
    assert len(fast.rejected) == 2 and len(fast.skipped) == 2 + len(footer)


@pytest.mark.parametrize(
    "lines",
    [
        ["# Start date: 20260107", "# End date: 20260107", "", *GA4],  # preamble
        [*GA4[:3], "# a comment line", *GA4[3:]],  # a comment inside the table
        ["#Date,Sessions,Views", *GA4],  # a "#" line before the header
        [GA4[0], "Grand total,,,1556,1115,3827,23.25,", *GA4[1:]],  # total first
    ],
    ids=["preamble", "comment", "comment-header", "total-first"],
)
def test_ga4_layouts_keep_the_row_path(tmp_path, lines):
    from ikkan.ingest.sources.ga4 import Ga4Reader

    path = _write(tmp_path, lines)
    reader = Ga4Reader()
    fast, slow = reader.read(path, ReaderContext()), reader.read_rows(path, ReaderContext())
    assert not fast.vectorised
    assert_same_ads(fast, slow)


def test_ga4_fixture_reads_alike():
    from pathlib import Path

    from ikkan.ingest.sources.ga4 import Ga4Reader

    path = Path(__file__).parent / "fixtures" / "ga4_traffic_en.csv"
    reader = Ga4Reader()
    assert_same_ads(reader.read(path, ReaderContext()), reader.read_rows(path, ReaderContext()))
