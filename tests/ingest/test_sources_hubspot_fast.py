"""The vectorised HubSpot contacts path gives the same ReadResult as the row-by-row one."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from ikkan.ingest.base import ReaderContext, ReadResult
from ikkan.ingest.sources.hubspot import HubspotContactsReader
from ikkan.ingest.sources.hubspot_fast import read_contacts_fast

FIXTURES = Path(__file__).parent / "fixtures"
HEADER = (
    '"Record ID","First Name","Last Name","Email","Create Date","Lifecycle Stage",'
    '"Original Source","Became a Lead Date","Became a Marketing Qualified Lead Date",'
    '"Number of Employees","HubSpot Score","Associated Company ID","Job Title","Notes"'
)
GOOD = [
    '"1001","花子","佐藤","H.Sato@Example.co.jp","2026-01-07 10:15","Lead","Paid Search",'
    '"2026-01-07 10:15","","120","30","77;78","部長",""',
    '"1002","Taro","Yamada","t.yamada@example.com","2026-01-08 14:30:05","customer",'
    '"ORGANIC_SEARCH","2026-01-08","2026-02-01 09:00","","12.5","","CEO","said ""hi"""',
]
BAD_AND_ODD = [
    # bad month and bad e-mail in one row: two RejectedRows, in column order
    '"1003","Bad","Date","not-an-email","2026/13/07","Lead","PAID_SOCIAL","","","","","","",""',
    # empty id: rejected after the batch's bad cells
    '"","No","Id","noid@example.com","2026-01-09","Lead","Direct Traffic","","","","","","",""',
    # shapes the SQL fast path leaves to the row-by-row parsers
    '"1004","ｊｉｒｏ","Ｔａｎａｋａ","ＪＩＲＯ@EXAMPLE.JP","2026年1月10日 9:05","mql",'
    '"Carrier Pigeon","1/10/2026 9:05 AM","1767744000000","１，２００","--","","(not set)",'
    '" padded "',
    # Feb 30 is rejected, not rolled over to March
    '"1005","Feb","Thirty","f@example.com","2026-02-30 10:00","Lead","Email","","","","","","",""',
    # a duplicate id: the first row wins
    '"1001","Dup","Licate","dup@example.com","2026-01-11 10:15","Lead","Direct Traffic",'
    '"2026-01-05 08:00","","","","","",""',
    # a multi-line note keeps the row numbers after it exact
    '"1006","Multi","Line","m@example.com","2026-01-12","Lead","Referrals","","","","",'
    '"","","line one\nline two"',
    '"1007","After","Multi","a@example.com","2026-13-12","Lead","Referrals","","","","","","",""',
    # a short row is padded
    '"1008","Short","Row"',
    # a row that is only commas is blank and skipped
    ",,,,,,,,,,,,,",
    '"1009","Excel","Id","e@example.com","2026-01-12","Lead","Referrals","","","","","","",""',
    '"1.2E+11","Excel","Mangled","x@example.com","2026-01-12","Lead","Referrals","","","",'
    '"","","",""',
]


def write(tmp_path: Path, lines: list[str], encoding: str = "utf-8", name: str = "c.csv") -> Path:
    text = "\n".join([HEADER, *lines]) + "\n"
    data = text.encode(encoding.replace("-sig", ""))
    if encoding == "utf-8-sig":
        data = codecs.BOM_UTF8 + data
    path = tmp_path / name
    path.write_bytes(data)
    return path


def assert_same(fast: ReadResult | None, slow: ReadResult) -> None:
    assert fast is not None, "the vectorised path declined a clean file"
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


def both(path: Path, context: ReaderContext | None = None) -> tuple[ReadResult | None, ReadResult]:
    context = context or ReaderContext()
    reader = HubspotContactsReader()
    return read_contacts_fast(path, context, reader.name), reader.read_rows(path, context)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_good_and_bad_rows_give_the_same_result_as_row_by_row(tmp_path, encoding):
    lines = GOOD + BAD_AND_ODD
    if encoding == "cp932":
        lines = [line.replace("ＪＩＲＯ", "JIRO") for line in lines]
    fast, slow = both(write(tmp_path, lines, encoding))
    assert_same(fast, slow)
    assert fast is not None
    # the file really exercises rejects, duplicates, stages and attributes
    reasons = [(r.row_number, r.column_name) for r in fast.rejected]
    assert (4, "Email") in reasons and (4, "Create Date") in reasons
    assert (5, "Record ID") in reasons  # empty id
    assert (7, "Create Date") in reasons  # Feb 30
    assert (11, "Create Date") in reasons  # after the two-line note: line 11, not 10
    assert any("duplicate" in r.reason and r.row_number == 8 for r in fast.rejected)
    assert any("Excel" in r.reason for r in fast.rejected)
    leads = {r["source_id"]: r for r in fast.tables["leads"].to_pylist()}
    assert leads["1001"]["email"] == "h.sato@example.co.jp"
    assert leads["1002"]["attributes"] == '{"Job Title": "CEO", "Notes": "said \\"hi\\""}'
    assert leads["1001"]["account_key"] == "hubspot:77"
    assert fast.tables["lead_stages"].num_rows >= 3


def test_progress_is_called_like_the_row_by_row_reader(tmp_path):
    path = write(tmp_path, GOOD + BAD_AND_ODD)
    seen_fast: list[int] = []
    seen_slow: list[int] = []
    reader = HubspotContactsReader()
    read_contacts_fast(path, ReaderContext(progress=seen_fast.append), reader.name)
    reader.read_rows(path, ReaderContext(progress=seen_slow.append))
    assert seen_fast == seen_slow and seen_fast


def test_project_maps_and_fixture_files(tmp_path):
    context = ReaderContext(
        stages=("lead", "mql", "won"),
        stage_map={"Marketing Qualified Lead": "mql"},
        channels={"Carrier Pigeon": "offline"},
    )
    for name in ("hubspot_contacts_en.csv", "hubspot_contacts_ja.csv"):
        assert_same(*both(FIXTURES / name, context))
    assert_same(*both(write(tmp_path, GOOD + BAD_AND_ODD), context))


@pytest.mark.parametrize(
    ("lines", "why"),
    [
        (['"Contacts export"', HEADER.replace('"', ""), *GOOD], "preamble before the header"),
        ([*GOOD, "", *GOOD[:1], *[GOOD[0]] * 60], "a blank line between rows, not near the end"),
        ([*GOOD, '"1010", "quoted after a blank"'], "csv keeps the quotes, DuckDB would not"),
        ([*GOOD, '"1011","a","b","c","d","e","f","g","h","i","j","k","l","m","n"'], "too wide"),
        ([*GOOD, "Total,,,,,,,,,,,,,"], "a footer row"),
    ],
)
def test_files_the_vectorised_path_declines_still_read_row_by_row(tmp_path, lines, why):
    path = tmp_path / "odd.csv"
    path.write_text("\n".join(lines if "preamble" in why else [HEADER, *lines]) + "\n")
    fast, slow = both(path)
    assert fast is None, why
    assert HubspotContactsReader().read(path, ReaderContext()).rejected == slow.rejected


def test_a_blank_line_near_the_end_keeps_the_fast_path_and_its_row_numbers(tmp_path):
    """Blank lines in the last 4 KiB (a report footer block has them) are counted into
    the row numbers of the records after them."""
    path = tmp_path / "blank.csv"
    path.write_text("\n".join([HEADER, *GOOD, "", "", *GOOD[:1]]) + "\n")
    fast, slow = both(path)
    assert fast is not None
    assert_same(fast, slow)
    assert slow.rejected and fast.rejected[0].row_number > len(GOOD) + 3


def test_trailing_blank_lines_and_crlf_keep_the_fast_path(tmp_path):
    path = tmp_path / "crlf.csv"
    text = "\r\n".join([HEADER, *GOOD, BAD_AND_ODD[0]]) + "\r\n\r\n\r\n"
    path.write_bytes(text.encode("utf-8"))
    assert_same(*both(path))
