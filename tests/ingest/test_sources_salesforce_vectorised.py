"""Salesforce leads and opportunities: the engine's vectorised read (``engine.columnar``)
gives the same ReadResult as the row path: hostile values, full-width digits, 令和 dates,
△ and 万円 amounts, USD, duplicates, the report footer and cp932 included."""

from __future__ import annotations

from pathlib import Path

import pytest

from ikkan.ingest.base import ReaderContext, ReadResult
from ikkan.ingest.sources.salesforce import (
    SalesforceLeadsReader,
    SalesforceOpportunitiesReader,
)

FIXTURES = Path(__file__).parent / "fixtures"
FOOTER = [
    "",
    '"Grand Totals (9 records)"',
    "",
    '"Confidential Information - Do Not Distribute"',
    '"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."',
    '"Sample KK"',
]
OPP_HEADER = (
    '"Opportunity ID","Opportunity Name","Account Name","Stage","Amount","Close Date",'
    '"Created Date","Lead Source","Type","Won","Closed","Region"'
)
OPP_ROWS = [
    '"0061","年間契約","株式会社サンプル","Closed Won","JPY 1,200,000","2026/03/31",'
    '"2026/02/01","Web","New Business","1","1","関東"',
    '"0062","値引き","㈱髙橋～商事","失注","△50,000","令和8年3月20日","２０２６／０２／０４",'
    '"パートナー","更新","","",""',
    '"0063","万","X","Negotiation/Review","1.2万円","","2026-02-05","Web","Partner","0","0",""',
    '"0064","USD","Y","Closed Won","USD 1,500","2026-03-01","2026-02-06","Carrier Pigeon",'
    '"クロスセル","","",""',
    '"0065","bad amount","Z","Closed Won","TBD","2026-03-03","2026-02-08","Web","","","",""',
    '"0066","bad date","Z","Closed Won","100","2026-02-30","2026-02-08","Web","","","",""',
    '"","no id","Z","Closed Won","100","2026-03-03","2026-02-08","Web","","","",""',
    '"0061","dup","Z","Closed Won","100","2026-03-04","2026-02-09","Web","","","",""',
    '"=cmd()","formula","(1,000)","(1,000)","(1,000)","2026-03-05","2026-02-10","","","","",""',
]
LEAD_HEADER = (
    '"Lead ID","First Name","Last Name","Company / Account","Email","Lead Source",'
    '"Lead Status","Created Date","Converted","Converted Date","No. of Employees","Note"'
)
LEAD_ROWS = [
    '"00Q1","花子","佐藤","株式会社サンプル","h.sato@example.co.jp","Web",'
    '"Open - Not Contacted","1/7/2026 9:05 AM","0","","１２０","メモ"',
    '"00Q2","Taro","Yamada","Yamada Inc","T.Yamada@Example.com","Trade Show",'
    '"Closed - Converted","令和8年1月8日","1","1/20/2026","50",""',
    '"00Q3","Bad","Mail","X","not-an-email","Web","Open","2026-01-09","0","","",""',
    '"00Q4","Bad","Date","X","","Web","Open","2026-13-40","0","","",""',
    '"","No","Id","X","","Web","Open","2026-01-09","0","","",""',
    '"00Q1","Dup","Row","X","","Web","Open","2026-01-10","0","","",""',
    '"00Q5","Bad","Count","X","","Web","Open","2026-01-11","no","","many",""',
]


def write(tmp_path: Path, header: str, rows: list[str], encoding: str, footer: bool) -> Path:
    path = tmp_path / f"sf-{encoding}-{footer}.csv"
    text = "\n".join([header, *rows, *(FOOTER if footer else [])]) + "\n"
    path.write_bytes(text.encode(encoding))
    return path


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


def _took_vectorised(path: Path, reader: object, context: ReaderContext) -> bool:
    from ikkan.ingest.engine.columnar import open_columnar
    from ikkan.ingest.sources.salesforce import LEAD_FIELDS, OPPORTUNITY_FIELDS, _header

    specs = LEAD_FIELDS if isinstance(reader, SalesforceLeadsReader) else OPPORTUNITY_FIELDS
    return open_columnar(path, specs, _header(specs), None, True) is not None


@pytest.mark.parametrize("encoding", ["utf-8", "cp932"])
@pytest.mark.parametrize("footer", [False, True])
@pytest.mark.parametrize(
    ("reader", "header", "rows"),
    [
        (SalesforceOpportunitiesReader(), OPP_HEADER, OPP_ROWS),
        (SalesforceLeadsReader(), LEAD_HEADER, LEAD_ROWS),
    ],
    ids=["opportunities", "leads"],
)
def test_vectorised_equals_row_path(tmp_path, reader, header, rows, encoding, footer):
    context = ReaderContext(stage_map={"Negotiation/Review": "won"}, channels={"Web": "web"})
    path = write(tmp_path, header, rows, encoding, footer)
    assert _took_vectorised(path, reader, context)
    fast, slow = reader.read(path, context), reader.read_rows(path, context)
    assert_same(fast, slow)
    assert fast.rejected and any("duplicate" in r.reason for r in fast.rejected)
    assert len(fast.skipped) == (1 if footer else 0)


def test_opportunity_values_through_the_vectorised_path(tmp_path):
    path = write(tmp_path, OPP_HEADER, OPP_ROWS, "cp932", True)
    result = SalesforceOpportunitiesReader().read(path, ReaderContext())
    deals = {d["source_id"]: d for d in result.tables["deals"].to_pylist()}
    assert deals["0062"]["amount"] == -50000 and deals["0062"]["closed_at"].year == 2026
    assert deals["0063"]["amount"] == 12000 and deals["0064"]["currency"] == "USD"
    assert deals["0061"]["is_won"] is True and deals["0062"]["is_closed"] is True
    reasons = {(r.row_number, r.column_name) for r in result.rejected}
    assert (6, "Amount") in reasons and (7, "Close Date") in reasons


@pytest.mark.parametrize("name", ["salesforce_leads_en.csv", "salesforce_opps_ja.csv"])
def test_fixtures_read_alike(name):
    path = FIXTURES / name
    for reader in (SalesforceLeadsReader(), SalesforceOpportunitiesReader()):
        if not reader.sniff(path, path.read_text(encoding="utf-8")):
            continue
        assert _took_vectorised(path, reader, ReaderContext())
        assert_same(reader.read(path, ReaderContext()), reader.read_rows(path, ReaderContext()))


def test_grouped_report_keeps_the_row_path(tmp_path):
    """A group heading row (few cells) needs the row path's fill-down."""
    rows = ['"Closed Won"', *OPP_ROWS[:2]]
    path = write(tmp_path, OPP_HEADER, rows, "utf-8", True)
    reader = SalesforceOpportunitiesReader()
    assert not _took_vectorised(path, reader, ReaderContext())
    assert_same(reader.read(path, ReaderContext()), reader.read_rows(path, ReaderContext()))


def test_data_after_a_total_row_keeps_the_row_path(tmp_path):
    rows = [OPP_ROWS[0], '"Total","","","","100","","","","","","",""', OPP_ROWS[3]]
    path = write(tmp_path, OPP_HEADER, rows, "utf-8", False)
    reader = SalesforceOpportunitiesReader()
    assert not _took_vectorised(path, reader, ReaderContext())
    assert_same(reader.read(path, ReaderContext()), reader.read_rows(path, ReaderContext()))
