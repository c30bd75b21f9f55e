"""Issue 14, points 1-3 and 5-11, 14: damaged files neither crash a reader nor lose rows.

Each test is a one-line damage of a real export shape; every test also checks that the
rows read add up (loaded + rejected + skipped with a reason)."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from ikkan.ingest.base import ReaderContext, ReadResult, account_rows
from ikkan.ingest.manual import ManualValuesReader
from ikkan.services.ingest import pick_reader

FIXTURES = Path(__file__).parent / "fixtures"


def read(path: Path, reader: str | None = None) -> ReadResult:
    result = pick_reader(path, reader).read(path, ReaderContext())
    account = account_rows(result)
    assert account.unaccounted == 0, account
    return result


def rejected(result: ReadResult) -> dict[tuple[int, str | None], str]:
    return {(r.row_number, r.column_name): r.reason for r in result.rejected}


def write_rows(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def fixture_rows(name: str) -> list[list[str]]:
    with (FIXTURES / name).open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.reader(handle) if row]


ZOOM_HEAD = (
    "Attendee Report\nReport Generated:,01/16/2026 10:00:00 AM\n"
    "Topic,Webinar ID,Actual Start Time\nWebinar X,811 1111 2222,01/15/2026 02:00 PM\n"
    "Host Details\nAttended,User Name (Original Name),Email,Join Time,Time in Session (minutes)\n"
    "Yes,Host,host@ours.jp,01/15/2026 01:50 PM,70\n"
    "Attendee Details\n"
    "Attended,First Name,Email,Registration Time,Join Time,Time in Session (minutes)\n"
)


def zoom(tmp_path: Path, body: str) -> ReadResult:
    path = tmp_path / "attendee.csv"
    path.write_text(ZOOM_HEAD + body, encoding="utf-8")
    return read(path, "zoom")


def activity_emails(result: ReadResult) -> set[tuple[str, str]]:
    rows = result.tables["activities"].to_pylist()
    return {(r["email"], r["activity_type"]) for r in rows}


def test_1_zoom_invalid_email_is_a_reject_not_a_crash(tmp_path):
    result = zoom(tmp_path, "Yes,A,not-an-address,01/05/2026 09:00 AM,01/15/2026 02:00 PM,10\n")
    assert rejected(result) == {(10, "Email"): "not an e-mail address: 'not-an-address'"}


def test_2_bare_cr_inside_a_quoted_cell(tmp_path):
    rows = fixture_rows("hubspot_deals.csv")
    rows[1][1] = "株式会社A\r- 新規導入"
    result = read(write_rows(tmp_path / "deals.csv", rows))
    names = result.tables["deals"].column("name").to_pylist()
    assert "株式会社A\r- 新規導入" in names


def test_2_and_14_manual_values_with_cr_line_ends_and_multi_line_cells(tmp_path):
    path = tmp_path / "nps.csv"
    path.write_bytes(
        b'node_id,period,value,note\r"nps",2026-10,42,"two\rlines"\rnps,2026-11,oops,x\r'
    )
    result = read(path)
    assert isinstance(pick_reader(path, None), ManualValuesReader)
    assert result.tables["manual_values"].column("value").to_pylist() == [42.0]
    # the record after a two-line cell starts on line 4, not record 3
    assert list(rejected(result)) == [(4, "value")]


def test_14_manual_values_line_numbers_after_a_multi_line_note(tmp_path):
    path = tmp_path / "nps.csv"
    path.write_text(
        'node_id,period,value,note\nnps,2026-10,42,"a\nb\nc"\nnps,2026-11,bad,\n',
        encoding="utf-8",
    )
    assert list(rejected(read(path))) == [(5, "value")]


@pytest.mark.parametrize("huge", ["99999999999999999999999", "-9223372036854775809"])
def test_3_integer_beyond_int64_is_rejected_row_by_row_and_fast(tmp_path, huge):
    rows = fixture_rows("hubspot_contacts_en.csv")
    column = rows[0].index("Number of Employees")
    rows[1][column] = huge
    path = write_rows(tmp_path / "contacts.csv", rows)
    for reader in ("hubspot_contacts", None):  # named: row by row; detected: fast path
        result = read(path, reader)
        reasons = rejected(result)
        assert "out of range" in reasons[(2, "Number of Employees")]


def test_3_integer_beyond_int64_in_xlsx(tmp_path):
    rows = fixture_rows("hubspot_contacts_en.csv")
    column = rows[0].index("Number of Employees")
    book = openpyxl.Workbook()
    for i, row in enumerate(rows):
        book.active.append([(10**25 if i == 1 and j == column else c) for j, c in enumerate(row)])
    path = tmp_path / "contacts.xlsx"
    book.save(path)
    assert "out of range" in rejected(read(path))[(2, "Number of Employees")]


def test_5_blank_and_one_cell_rows_do_not_end_a_zoom_section(tmp_path):
    result = zoom(
        tmp_path,
        "Yes,A,a@x.jp,01/05/2026 09:00 AM,01/15/2026 02:00 PM,10\n"
        "\n"
        "stray note\n"
        "Yes,B,b@x.jp,01/05/2026 09:00 AM,01/15/2026 02:01 PM,20\n"
        ",,,,,\n"
        "Yes,C,c@x.jp,01/06/2026 09:00 AM,01/15/2026 02:02 PM,30\n",
    )
    people = {email for email, _ in activity_emails(result)}
    assert people == {"a@x.jp", "b@x.jp", "c@x.jp"}
    assert "no e-mail" in rejected(result)[(12, "Email")]  # the stray line, not lost


def test_5_zoom_registration_report_with_a_blank_line_between_registrants(tmp_path):
    path = tmp_path / "registration.csv"
    path.write_text(
        "Registration Report\nTopic,Webinar ID\nWebinar X,811 1111 2222\n\n"
        "First Name,Email,Registration Time\n"
        "A,a@x.jp,01/05/2026 09:12 AM\n\nB,b@x.jp,01/06/2026 10:00 AM\n",
        encoding="utf-8",
    )
    result = read(path, "zoom")
    assert {e for e, _ in activity_emails(result)} == {"a@x.jp", "b@x.jp"}


@pytest.mark.parametrize("blank", ["--", "-", "(not set)", ""])
def test_9_registrant_without_registration_time_who_did_not_attend(tmp_path, blank):
    result = zoom(tmp_path, f"No,A,a@x.jp,{blank},--,--\n")
    assert result.tables["activities"].num_rows == 0
    (reason,) = rejected(result).values()
    assert "no registration time" in reason


def test_10_zoom_staff_rows_are_listed_as_skipped(tmp_path):
    result = zoom(tmp_path, "Yes,A,a@x.jp,01/05/2026 09:00 AM,01/15/2026 02:00 PM,10\n")
    (staff,) = result.skipped
    assert staff.row_number == 7 and "staff" in staff.reason


def test_6_ga4_data_row_starting_with_a_spreadsheet_error(tmp_path):
    path = tmp_path / "ga4.csv"
    path.write_text(
        "# ----------------------------------------\n# Traffic acquisition\n"
        "# Start date: 20260101\n# End date: 20260131\n"
        "# ----------------------------------------\n\n"
        "Session default channel group,Date,Sessions,Engaged sessions\n"
        "Organic Search,20260101,10,5\n"
        "#N/A,20260101,3,1\n"
        "Direct,20260102,7,2\n"
        "Referral,20260103,4,1\n",
        encoding="utf-8",
    )
    result = read(path, "ga4")
    assert result.tables["web_traffic"].num_rows == 4  # nothing after #N/A dropped
    assert sum(result.tables["web_traffic"].column("sessions").to_pylist()) == 24


def test_6_ga4_comment_line_inside_the_table_does_not_split_it(tmp_path):
    path = tmp_path / "ga4.csv"
    path.write_text(
        "# Start date: 20260101\n# End date: 20260131\n\n"
        "Session default channel group,Date,Sessions\n"
        "Organic Search,20260101,10\n# a note someone typed\nDirect,20260102,7\n",
        encoding="utf-8",
    )
    assert read(path, "ga4").tables["web_traffic"].num_rows == 2


@pytest.mark.parametrize(
    "name", ["Total Solutions株式会社 - 新規導入", "Summit商事 - 更新", "Counter Inc. - 追加"]
)
def test_7_salesforce_names_that_start_like_subtotals(tmp_path, name):
    rows = fixture_rows("salesforce_opps_ja.csv")
    header = next(i for i, r in enumerate(rows) if "商談名" in r)
    column = rows[header].index("商談名")
    rows[header + 1][column] = name
    result = read(write_rows(tmp_path / "opps.csv", rows), "salesforce_opportunities")
    assert name in result.tables["deals"].column("name").to_pylist()
    assert result.tables["deals"].num_rows == 2


def test_7_salesforce_grouped_xlsx_subtotals_are_skipped_with_a_reason(tmp_path):
    book = openpyxl.Workbook()
    for row in [
        ["Stage", "Opportunity Name", "Account Name", "Amount", "Close Date", "Opportunity ID"],
        ["Closed Won", "Total Solutions - 新規", "Acme", 100000, "2026-03-01", "006A"],
        [None, "Sum Corp - 更新", "Beta", 200000, "2026-03-02", "006B"],
        ["Subtotal", None, None, 300000],
        ["Grand Total (2 records)", None, None, 300000],
    ]:
        book.active.append(row)
    path = tmp_path / "report.xlsx"
    book.save(path)
    result = read(path, "salesforce_opportunities")
    assert result.tables["deals"].num_rows == 2
    assert sorted(r.row_number for r in result.skipped) == [4, 5]


def test_8_footer_looking_row_inside_the_data_is_data(tmp_path):
    path = tmp_path / "ads.csv"
    rows = [
        ["日", "キャンペーン", "費用", "表示回数", "クリック数"],
        ["2026/01/07", "検索", "1000", "10", "1"],
        ["Total", "", "500", "5", "1"],  # a campaign group someone named Total
        ["Grand Totals", "", "", "", ""],
    ]
    rows += [["2026/01/08", f"c{i}", "100", "1", "0"] for i in range(156)]
    result = read(write_rows(path, rows), "google_ads")
    assert result.tables["spend"].num_rows == 157  # nothing ignored behind a warning
    assert not any("ignored" in w for w in result.warnings)
    # the two total-looking rows have no day: rejected with that reason, not skipped silently
    assert {r.row_number for r in result.rejected} == {3, 4} and not result.skipped


def test_8_trailing_total_rows_are_listed_as_skipped(tmp_path):
    path = tmp_path / "ads.csv"
    rows = [
        ["日", "キャンペーン", "費用", "表示回数", "クリック数"],
        ["2026/01/07", "検索", "1000", "10", "1"],
        ["合計", "", "1000", "10", "1"],
        ["Confidential Information"],
    ]
    result = read(write_rows(path, rows), "google_ads")
    (footer,) = result.skipped
    assert footer.row_number == 3 and "footer" in footer.reason


def test_10_meta_summary_and_summed_duplicate_rows_are_listed_as_skipped(tmp_path):
    path = tmp_path / "meta.csv"
    rows = [
        ["Reporting starts", "Reporting ends", "Campaign name", "Amount spent (JPY)"],
        ["2026-01-07", "2026-01-07", "", "3000"],
        ["2026-01-07", "2026-01-07", "A", "1000"],
        ["2026-01-07", "2026-01-07", "A", "2000"],
    ]
    result = read(write_rows(path, rows), "meta_ads")
    assert result.tables["spend"].column("cost").to_pylist() == [3000.0]
    reasons = {r.row_number: r.reason for r in result.skipped}
    assert "summary row" in reasons[2] and "added to that row" in reasons[4]


@pytest.mark.parametrize("amount", ["1e309", "9" * 400, "1e305万"])
def test_11_non_finite_amounts_are_rejected_with_the_cell(tmp_path, amount):
    rows = fixture_rows("hubspot_deals.csv")
    rows[1][rows[0].index("Amount")] = amount
    result = read(write_rows(tmp_path / "deals.csv", rows))
    assert "not a finite number" in rejected(result)[(2, "Amount")]


def test_11_non_finite_manual_value(tmp_path):
    path = tmp_path / "nps.csv"
    path.write_text("node_id,period,value\nnps,2026-10," + "9" * 400 + "\n", encoding="utf-8")
    assert "not a finite number" in rejected(read(path))[(2, "value")]


def test_manual_values_header_after_a_blank_or_note_line(tmp_path):
    """Found by the fuzz run: a line above the header crashed the manual reader."""
    path = tmp_path / "nps.csv"
    path.write_text("\nentered by hand\nnode_id,period,value\nnps,2026-10,42\n", encoding="utf-8")
    result = read(path, "manual_values")
    assert result.tables["manual_values"].column("value").to_pylist() == [42.0]


def test_10_manual_value_given_twice_the_earlier_row_is_listed_as_skipped(tmp_path):
    path = tmp_path / "nps.csv"
    path.write_text("node_id,period,value\nnps,2026-10,40\nnps,2026-10,42\n", encoding="utf-8")
    result = read(path, "manual_values")
    assert result.tables["manual_values"].column("value").to_pylist() == [42.0]
    (earlier,) = result.skipped
    assert earlier.row_number == 2 and "row 3" in earlier.reason
