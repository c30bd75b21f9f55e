"""Zoom reports: the vectorised read (``zoom_arrow``) gives the row path's exact result.

Every Zoom input of the tests (the fixture, the reports written in test_sources_zoom and
test_robust_readers, the demo's attendee and registration reports), in UTF-8, with a BOM
and in cp932, and damaged as ``ikkan.ingest.damage`` damages exports, is read both ways:
rows, rejects (with row numbers), skipped rows, warnings, rows read, loaded rows and the
progress calls must be equal. Each rule that sends a file to the row path has a test.
"""

from __future__ import annotations

import codecs
import itertools
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from tests.ingest.test_robust_readers import ZOOM_HEAD

from ikkan.errors import SourceError
from ikkan.ingest.base import ReaderContext, ReadResult
from ikkan.ingest.damage import KINDS, TEXTS, Damage, damaged, make_seed
from ikkan.ingest.sources.zoom import ZoomWebinarReader
from ikkan.ingest.sources.zoom_arrow import read_arrow

FIXTURES = Path(__file__).parent / "fixtures"
REGISTRATION = (
    "Registration Report\nReport Generated:,01/16/2026 10:00:00 AM\n"
    "Topic,Webinar ID,Scheduled Start Time\nWebinar X,811 1111 2222,01/20/2026 02:00 PM\n"
    "\nFirst Name,Last Name,Email,Registration Time,Approval Status\n"
    "花子,佐藤,h.sato@example.co.jp,01/05/2026 09:12:03 AM,approved\n"
    "次郎,田中,j.tanaka@example.jp,01/06/2026 11:00:00 PM,approved\n"
)
NOBODY = (
    "\ufeffRegistration Report\nReport Generated:,11/16/2026 09:00:00 AM\n"
    "Topic,Webinar ID,Scheduled Time,Duration (minutes),# Registered,# Cancelled\n"
    "KPIツリーの作り方,815 4428 9432,04/17/2025 02:00:00 PM,60,0,0\n"
    "Registrant Details\nFirst Name,Last Name,Email,Registration Time,Approval Status\n"
)
BODIES = {  # attendee rows under test_robust_readers.ZOOM_HEAD
    "invalid_email": "Yes,A,not-an-address,01/05/2026 09:00 AM,01/15/2026 02:00 PM,10\n",
    "blank_and_one_cell_rows": (
        "Yes,A,a@x.jp,01/05/2026 09:00 AM,01/15/2026 02:00 PM,10\n\nstray note\n"
        "Yes,B,b@x.jp,01/05/2026 09:00 AM,01/15/2026 02:01 PM,20\n,,,,,\n"
        "Yes,C,c@x.jp,01/06/2026 09:00 AM,01/15/2026 02:02 PM,30\n"
    ),
    "no_time_dashes": "No,A,a@x.jp,--,--,--\n",
    "no_time_not_set": "No,A,a@x.jp,(not set),--,--\n",
    "no_time_empty": "No,A,a@x.jp,,--,--\n",
    "fractional_minutes": (  # summed in row order: 0.1 + 0.2 + 0.3 != 0.3 + 0.2 + 0.1
        "Yes,A,a@x.jp,01/05/2026 09:00 AM,01/15/2026 02:00 PM,0.1\n"
        "Yes,A,A@x.jp,01/05/2026 08:00 AM,01/15/2026 01:00 PM,0.2\n"
        "Yes,B,b@x.jp,,01/15/2026 02:00 PM,1e400\n"
        "Yes,A,a@x.jp,,01/15/2026 03:00 PM,0.3\n"
        "No,C,c@x.jp,01/05/2026 09:00 AM,,\n"
        "Yes,D,d@x.jp,,,5\n"
        "maybe,E,e@x.jp,01/05/2026 09:00 AM,01/15/2026 02:00 PM,5\n"
        "Yes,F,f@x.jp,13/45/2026,01/15/2026 02:00 PM,5\n"
        "Yes,G,g@x.jp,01/05/2026 09:00 AM,01/15/2026 02:00 PM,5分\n"
        "Yes,,,01/05/2026 09:00 AM,01/15/2026 02:00 PM,5\n"
        "--,--,--,--,--,--\n"
    ),
    "names_set_out_of_order": (  # "First Name" of b first seen after "Email"-only rows
        "Yes,,b@x.jp,01/05/2026 09:00 AM,01/15/2026 02:00 PM,1\n"
        "Yes,Bee,b@x.jp,01/05/2026 09:00 AM,01/15/2026 02:00 PM,1\n"
        "No,Cee,c@x.jp,01/05/2026 09:00 AM,--,--\n"
        'Yes,"Q ""x"" \\ y",q@x.jp,01/05/2026 09:00 AM,01/15/2026 02:00 PM,1\n'
    ),
}
NAMES_HEAD = ZOOM_HEAD.rsplit("Attended", 1)[0] + (
    "Attended,User Name (Original Name),First Name,Last Name,Email,Registration Time,"
    "Approval Status,Join Time,Time in Session (minutes)\n"
)
NAMES_BODY = (  # b's first name comes from a later row than the other names: keys in that order
    "Yes,,,Sato,b@x.jp,01/05/2026 09:00 AM,approved,01/15/2026 02:00 PM,1\n"
    "Yes,B S,Bee,Suzuki,b@x.jp,01/05/2026 09:00 AM,,01/15/2026 02:30 PM,2\n"
    "Yes,Cee,Cee,,c@x.jp,01/05/2026 09:00 AM,approved,01/15/2026 02:00 PM,1\n"
    "No,Dee,,,d@x.jp,01/05/2026 09:00 AM,,--,--\n"
    "Yes,,,,e@x.jp,01/05/2026 09:00 AM,,01/15/2026 02:00 PM,1\n"
)
PLACES = list(itertools.product((0.05, 0.5, 0.99), (TEXTS[0], "Email"), (0.0, 0.9)))


def read_both(path: Path) -> tuple[ReadResult | Exception, ReadResult | Exception | None]:
    def run(read: Any) -> Any:
        calls: list[int] = []
        try:
            result = read(path, ReaderContext(progress=calls.append))
        except SourceError as exc:
            return exc
        return None if result is None else (result, calls)

    return run(ZoomWebinarReader().read_rows), run(read_arrow)


def assert_same(path: Path, *, vectorised: bool | None = True) -> None:
    rows, fast = read_both(path)
    if vectorised is not None:
        assert (fast is not None) is vectorised, path.read_bytes()[:300]
    if fast is None:
        assert_equal(rows, read_both_public(path))
        return
    assert_equal(rows, fast)


def read_both_public(path: Path) -> Any:
    calls: list[int] = []
    try:
        return ZoomWebinarReader().read(path, ReaderContext(progress=calls.append)), calls
    except SourceError as exc:
        return exc


def assert_equal(rows: Any, fast: Any) -> None:
    if isinstance(rows, Exception):
        assert type(fast) is type(rows) and str(fast) == str(rows)
        return
    (a, a_calls), (b, b_calls) = rows, fast
    assert b.tables["activities"].schema == a.tables["activities"].schema
    assert b.tables["activities"].to_pylist() == a.tables["activities"].to_pylist()
    assert b.rejected == a.rejected
    assert b.skipped == a.skipped
    assert b.warnings == a.warnings
    assert (b.rows_read, b.encoding) == (a.rows_read, a.encoding)
    assert sorted(int(n) for n in b.loaded_rows) == sorted(a.loaded_rows)
    assert b_calls == a_calls


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_the_fixture_and_report_shapes_read_alike_both_ways(tmp_path, encoding):
    fixture = (FIXTURES / "zoom_attendee.csv").read_text(encoding="utf-8")
    assert_same(write(tmp_path / "fixture.csv", fixture, encoding))
    assert_same(write(tmp_path / "registration.csv", REGISTRATION, encoding))
    assert_same(write(tmp_path / "nobody.csv", NOBODY.lstrip("\ufeff"), encoding))
    assert_same(write(tmp_path / "names.csv", NAMES_HEAD + NAMES_BODY, encoding))
    assert_same(write(tmp_path / "no-eol.csv", REGISTRATION.rstrip("\n"), encoding))
    assert_same(write(tmp_path / "tabs.csv", REGISTRATION.replace(",", "\t"), encoding))
    multi_line = '"次郎\n二行","田中",x@y.jp,01/06/2026 11:00:00 PM,"appr, oved"\nA,B,bad\n'
    assert_same(write(tmp_path / "multi-line.csv", REGISTRATION + multi_line, encoding))
    for name, body in BODIES.items():
        assert_same(write(tmp_path / f"{name}.csv", ZOOM_HEAD + body, encoding))
        crlf = (ZOOM_HEAD + body).replace("\n", "\r\n")
        assert_same(write(tmp_path / f"{name}-crlf.csv", crlf, encoding))


def test_a_file_without_a_people_table_fails_alike(tmp_path):
    path = write(tmp_path / "webinar.csv", "Attendee Report\nTopic,Webinar ID\nX,811\n")
    assert_same(path, vectorised=False)


def test_progress_is_reported_at_the_same_rows(tmp_path):
    body = "".join(
        f"Yes,N{i},p{i % 7000}@x.jp,01/05/2026 09:00 AM,01/15/2026 02:{i % 60:02d} PM,{i % 9}\n"
        for i in range(25_000)
    )
    assert_same(write(tmp_path / "big.csv", ZOOM_HEAD + body))


@pytest.fixture(scope="module")
def demo_reports(tmp_path_factory):
    from ikkan.demo import generate_exports
    from ikkan.services.ingest import files_of

    folder = tmp_path_factory.mktemp("demo")
    generate_exports(folder, leads=100, seed=11, fiscal_years=1, end=date(2025, 7, 31))
    return [p for p in files_of(folder) if p.parent.name == "zoom"]


def test_demo_reports_read_alike_both_ways(demo_reports):
    assert len(demo_reports) >= 8
    for path in demo_reports:
        assert_same(path)


@pytest.mark.parametrize("kind", KINDS)
def test_damaged_demo_reports_read_alike_both_ways(demo_reports, tmp_path, kind):
    """Each kind of damage at several places of the largest attendee and registration
    reports: either path may be taken, ``read`` must give the row path's result."""
    largest = {
        name: max((p for p in demo_reports if name in p.name), key=lambda p: p.stat().st_size)
        for name in ("attendee", "registration")
    }
    seeds = [make_seed(p, "zoom") for p in largest.values()]
    taken = 0
    for k, (seed, (where, text, column)) in enumerate(itertools.product(seeds, PLACES)):
        data, _ = damaged(seed, [Damage(kind, where, text, column)])
        path = tmp_path / f"{k}.csv"
        path.write_bytes(data)
        rows, fast = read_both(path)
        taken += fast is not None
        assert_equal(rows, fast if fast is not None else read_both_public(path))
    if kind not in ("extra_cell", "cr_line_ends", "bare_cr"):  # (the row path's cases)
        assert taken >= len(seeds) * len(PLACES) // 6, taken


# Each rule that leaves a file to the row path (zoom_arrow's docstring), and that the row
# path then reads it (the same result as read_rows).


def test_xlsx_is_read_row_by_row(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    for line in REGISTRATION.splitlines():
        book.active.append(line.split(","))
    book.save(tmp_path / "registration.xlsx")
    assert_same(tmp_path / "registration.xlsx", vectorised=False)


def test_utf16_is_read_row_by_row(tmp_path):
    path = tmp_path / "registration.csv"
    path.write_bytes(codecs.BOM_UTF16_LE + REGISTRATION.encode("utf-16-le"))
    assert_same(path, vectorised=False)


def test_a_lone_carriage_return_in_the_head_is_read_row_by_row(tmp_path):
    text = REGISTRATION.replace("Registration Report\n", "Registration Report\r", 1)
    assert_same(write(tmp_path / "cr.csv", text), vectorised=False)


def test_people_before_the_last_table_are_read_row_by_row(tmp_path):
    text = REGISTRATION + "Attendee Details\n" + ZOOM_HEAD.splitlines()[-1] + "\n"
    text += "Yes,A,h.sato@example.co.jp,01/05/2026 09:00 AM,01/15/2026 02:00 PM,10\n"
    assert_same(write(tmp_path / "two.csv", text), vectorised=False)


def test_a_second_table_after_the_attendees_is_read_row_by_row(tmp_path):
    text = ZOOM_HEAD + BODIES["invalid_email"] + "Other Attended\n"
    text += "Yes,B,b@x.jp,01/05/2026 09:00 AM,01/15/2026 02:00 PM,10\n"
    assert_same(write(tmp_path / "other.csv", text), vectorised=False)
    header = ZOOM_HEAD.splitlines()[-1] + "\n"
    text = ZOOM_HEAD + BODIES["invalid_email"] + header + BODIES["invalid_email"]
    assert_same(write(tmp_path / "header.csv", text), vectorised=False)


def test_a_report_without_a_meta_block_is_read_row_by_row(tmp_path):
    text = "First Name,Email,Registration Time\nA,a@x.jp,01/05/2026 09:12 AM\n"
    assert_same(write(tmp_path / "plain.csv", text), vectorised=False)


def test_a_row_wider_than_the_header_is_read_row_by_row(tmp_path):
    text = ZOOM_HEAD + "Yes,A,a@x.jp,01/05/2026 09:00 AM,01/15/2026 02:00 PM,10,extra\n"
    assert_same(write(tmp_path / "wide.csv", text), vectorised=False)


def test_a_header_cell_with_a_newline_is_read_row_by_row(tmp_path):
    text = REGISTRATION.replace("Approval Status", '"Approval\nStatus"')
    assert_same(write(tmp_path / "newline.csv", text), vectorised=False)


def test_a_head_of_more_than_ten_thousand_rows_is_read_row_by_row(tmp_path):
    lines = ZOOM_HEAD.splitlines()
    staff = "Yes,Host,host@ours.jp,01/15/2026 01:50 PM,70\n" * 10_000
    text = "\n".join(lines[:7]) + "\n" + staff + "\n".join(lines[7:]) + "\n"
    assert_same(write(tmp_path / "staff.csv", text + BODIES["invalid_email"]), vectorised=False)


@pytest.mark.parametrize(
    "header",
    [
        "Attended,Ｅｍａｉｌ,Ｊｏｉｎ Ｔｉｍｅ",  # full-width: NFKC makes it a header
        'x,"  EMAIL ",registration time',
        "ﾒｰﾙｱﾄﾞﾚｽ,参加時間,a@b.jp",  # half-width kana
        "\ufeffメール,登録日時",
    ],
)
def test_a_header_row_in_any_spelling_inside_the_table_is_read_row_by_row(tmp_path, header):
    body = BODIES["invalid_email"] + header + "\n" + BODIES["blank_and_one_cell_rows"]
    assert_same(write(tmp_path / "respelled.csv", ZOOM_HEAD + body), vectorised=False)
