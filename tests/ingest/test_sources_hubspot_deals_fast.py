"""HubSpot deals: the engine's vectorised read gives the same ReadResult as the row path,
hostile values, full-width digits, 令和 dates, △ and 万円 amounts and cp932 included."""

from __future__ import annotations

from pathlib import Path

import pytest

from ikkan.ingest.base import ReaderContext, ReadResult
from ikkan.ingest.sources.hubspot import HubspotDealsReader

FIXTURES = Path(__file__).parent / "fixtures"
HEADER = (
    '"Record ID","Deal Name","Deal Stage","Amount","Currency","Close Date","Create Date",'
    '"Pipeline","Deal Type","Associated Contact IDs","Associated Company IDs",'
    '"Original Source Type","Region"'
)
ROWS = [
    '"9001","年間契約","Closed Won","1200000","","2026-03-31 00:00","2026-02-01 10:00",'
    '"Sales","New Business","51234;51235","77","Paid Search","関東"',
    '"9002","Lost","closedlost","¥300,000","","2026-03-15","2026-02-02","Sales",'
    '"existingbusiness","","","ORGANIC_SEARCH",""',
    # hostile and Japanese shapes the row parsers decide
    '"9003","値引き","受注","△50,000","","令和8年3月20日","2026/02/04 9:00","Sales","更新",'
    '" ; 9","","Carrier Pigeon","近畿"',
    '"9004","万","appointmentscheduled","1.2万円","JPY","","２０２６－０２－０５","Sales",'
    '"Partner","","","",""',
    '"9005","USD","Closed Won","USD 1,500","","2026-03-01","2026-02-06","Sales","クロスセル",'
    '"","","Direct Traffic",""',
    '"9006","full width","closedwon","１，２００円","","2026-03-02","2026-02-07","Sales",'
    '"","","","",""',
    # rejected cells: an amount and a date; then an empty id; then a duplicate id
    '"9007","bad amount","Closed Won","TBD","","2026-03-03","2026-02-08","Sales","","","","",""',
    '"9008","bad date","Closed Won","100","","2026-02-30","2026-02-08","Sales","","","","",""',
    '"","no id","Closed Won","100","","2026-03-03","2026-02-08","Sales","","","","",""',
    '"9001","dup","Closed Won","100","","2026-03-04","2026-02-09","Sales","","","","",""',
    '"=cmd()","formula id","(1,000)","(1,000)","","2026-03-05","2026-02-10","Sales","","","","",""',
]


def write(tmp_path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path = tmp_path / f"deals-{encoding}.csv"
    text = "\n".join([HEADER, *lines]) + "\n"
    if encoding == "cp932":
        text = text.replace("¥", "￥")  # no half-width yen sign in cp932
    path.write_bytes(text.encode(encoding))
    return path


def assert_same(fast: ReadResult, slow: ReadResult) -> None:
    assert fast.tables.keys() == slow.tables.keys()
    for name, table in slow.tables.items():
        assert fast.tables[name].schema == table.schema, name
        assert fast.tables[name].to_pylist() == table.to_pylist(), name
    assert fast.rejected == slow.rejected
    assert fast.warnings == slow.warnings
    assert (fast.rows_read, fast.encoding, fast.file_path, fast.reader) == (
        slow.rows_read,
        slow.encoding,
        slow.file_path,
        slow.reader,
    )


def both(path: Path, context: ReaderContext | None = None) -> tuple[ReadResult, ReadResult]:
    context = context or ReaderContext()
    reader = HubspotDealsReader()
    return reader.read(path, context), reader.read_rows(path, context)


def _vectorised(result: ReadResult) -> bool:
    """The row path returns a set of row numbers, the vectorised one an array."""
    return not isinstance(result.loaded_rows, set)


@pytest.mark.parametrize("encoding", ["utf-8", "cp932"])
def test_deals_vectorised_equals_row_path(tmp_path, encoding):
    fast, slow = both(write(tmp_path, ROWS, encoding))
    assert _vectorised(fast) and not _vectorised(slow)
    assert_same(fast, slow)
    assert sorted(fast.loaded_rows.tolist()) == sorted(slow.loaded_rows)
    deals = {d["source_id"]: d for d in fast.tables["deals"].to_pylist()}
    assert deals["9003"]["amount"] == -50000 and deals["9003"]["is_won"] is True
    assert deals["9003"]["closed_at"].year == 2026 and deals["9003"]["deal_type"] == "renewal"
    assert deals["9004"]["amount"] == 12000 and deals["9004"]["currency"] == "JPY"
    assert deals["9005"]["currency"] == "USD" and deals["9006"]["amount"] == 1200
    assert deals["9001"]["lead_key"] == "hubspot:51234" and deals["9001"]["name"] == "年間契約"
    reasons = [(r.row_number, r.column_name) for r in fast.rejected]
    assert (8, "Amount") in reasons and (9, "Close Date") in reasons
    assert (10, "Record ID") in reasons
    assert any("duplicate" in r.reason for r in fast.rejected)
    assert any("Partner" in w for w in fast.warnings)


def test_deals_fixture_and_project_stage_map(tmp_path):
    context = ReaderContext(
        stage_map={"appointmentscheduled": "won"}, channels={"Paid Search": "ads"}
    )
    fast, slow = both(FIXTURES / "hubspot_deals.csv", context)
    assert _vectorised(fast)
    assert_same(fast, slow)
    fast, slow = both(write(tmp_path, ROWS), context)
    assert_same(fast, slow)
    assert {d["source_id"]: d["is_won"] for d in fast.tables["deals"].to_pylist()}["9004"]


def test_deals_file_the_vectorised_path_declines_reads_row_by_row(tmp_path):
    path = tmp_path / "preamble.csv"
    path.write_text("\n".join(['"Deals export"', HEADER, *ROWS[:2]]) + "\n", encoding="utf-8")
    fast, slow = both(path)
    assert not _vectorised(fast)
    assert fast.tables["deals"].to_pylist() == slow.tables["deals"].to_pylist()
    assert fast.tables["deals"].num_rows == 2


CONTACT_IDS = [
    "51234;51235",  # plain: taken in bulk
    " ; 9",  # blank first id: no contact
    ";5",
    "12 ;3",  # spaces around: str.strip's
    "\u3000123;4",  # full-width space (stripped by Python)
    "１２３;4",  # full-width digits kept as they are
    "abc def;1",
    "a\tb",
    "x;y;z",
    "\u00a0777",  # no-break space
]


def test_associated_ids_in_bulk_equal_the_row_path(tmp_path):
    rows = [
        f'"{9100 + i}","d","Closed Won","100","","2026-03-01","2026-02-01","Sales","",'
        f'"{ids}","{ids}","",""'
        for i, ids in enumerate(CONTACT_IDS)
    ]
    fast, slow = both(write(tmp_path, rows))
    assert _vectorised(fast)
    assert_same(fast, slow)
    keys = [d["lead_key"] for d in fast.tables["deals"].to_pylist()]
    assert keys[:4] == ["hubspot:51234", None, None, "hubspot:12"]
    assert keys[4:7] == ["hubspot:123", "hubspot:１２３", "hubspot:abc def"]
    assert keys[8:] == ["hubspot:x", "hubspot:777"]
