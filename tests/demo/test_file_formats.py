"""Each demo file decodes in its declared encoding and has its tool's real structure."""

from __future__ import annotations

import unicodedata

import pytest

from ikkan.demo import DemoManifest
from ikkan.demo.write_hubspot import CONTACT_HEADERS_EN, CONTACT_HEADERS_JA, DEAL_HEADERS

from .conftest import decode, lines, parse, table

BOMS = {"utf-8-sig": b"\xef\xbb\xbf", "utf-16": b"\xff\xfe"}


def test_every_file_decodes_strictly_and_has_the_declared_bom(demo: DemoManifest) -> None:
    assert len(demo.files) >= 10
    for written in demo.files:
        raw = demo.path(written).read_bytes()
        decode(demo, written)  # raises on a single wrong byte
        bom = BOMS.get(written.encoding)
        if bom:
            assert raw.startswith(bom), written.path
        else:
            assert not raw.startswith(b"\xef\xbb\xbf"), written.path
        if written.encoding == "cp932":
            with pytest.raises(UnicodeDecodeError):
                raw.decode("utf-8")


def test_expected_formats_and_languages_are_present(demo: DemoManifest) -> None:
    kinds = {(f.format, f.language, f.encoding) for f in demo.files}
    for expected in [
        ("hubspot_contacts", "en", "utf-8"),
        ("hubspot_contacts", "ja", "utf-8"),
        ("hubspot_deals", "en", "utf-8"),
        ("salesforce_opportunities", "ja", "cp932"),
        ("ga4_traffic_acquisition", "ja", "utf-8"),
        ("ga4_traffic_acquisition", "en", "utf-8"),
        ("google_ads_campaigns", "ja", "utf-16"),
        ("google_ads_campaigns", "en", "utf-8"),
        ("meta_ads", "ja", "utf-8-sig"),
        ("yahoo_ads", "ja", "cp932"),
        ("zoom_attendees", "en", "utf-8-sig"),
        ("zoom_registrations", "en", "utf-8-sig"),
        ("manual_values", "en", "utf-8"),
    ]:
        assert expected in kinds
    assert len(demo.files_of("zoom_attendees")) == demo.webinars >= 10


def test_hubspot_contacts_have_the_export_headers_and_file_name(demo: DemoManifest) -> None:
    for language, headers in (("en", CONTACT_HEADERS_EN), ("ja", CONTACT_HEADERS_JA)):
        written = demo.file("hubspot_contacts", language)
        assert written.path.rsplit("/", 1)[1].startswith("hubspot-crm-exports-")
        assert written.path.endswith(f"-{demo.period_end.isoformat()}.csv")
        header, rows = table(demo, written)
        assert tuple(header) == headers
        assert len(rows) == written.data_rows
        assert all(len(r) == len(header) for r in rows)
        assert lines(demo, written)[0].startswith('"')  # every field quoted
    assert "ライフサイクルステージ" in CONTACT_HEADERS_JA
    for must in ("Record ID", "Became a Marketing Qualified Lead Date", "Original Source"):
        assert must in CONTACT_HEADERS_EN


def test_hubspot_deals_structure(demo: DemoManifest) -> None:
    written = demo.file("hubspot_deals")
    header, rows = table(demo, written)
    assert tuple(header) == DEAL_HEADERS
    assert len(rows) == written.data_rows
    types = {r[header.index("Deal Type")] for r in rows}
    # HubSpot's two default types plus the custom Renewal and Cross-sell options
    assert types == {"New Business", "Existing Business", "Renewal", "Cross-sell"}
    assert {"Closed Won", "Closed Lost"} <= {r[header.index("Deal Stage")] for r in rows}


def test_salesforce_report_is_details_only_with_footer(demo: DemoManifest) -> None:
    written = demo.file("salesforce_opportunities")
    assert written.path.startswith("salesforce/report") and written.path.endswith(".csv")
    rows = parse(demo, written)
    header = rows[0]
    for column in (
        "商談名",
        "取引先名",
        "フェーズ",
        "金額",
        "完了予定日",
        "リードソース",
        "作成日",
        "種別",
    ):
        assert column in header
    body = rows[1 : 1 + written.data_rows]
    assert all(len(r) == len(header) for r in body)
    footer = rows[1 + written.data_rows :]
    assert footer[0] == []
    assert footer[1][0] == f"合計 ({written.data_rows} レコード)"
    assert footer[-2] == ["Confidential Information - Do Not Distribute"]
    assert footer[-1][0].startswith("Copyright (c) 2000-")
    dates = [r[header.index("作成日")] for r in body]
    assert all(len(d) == 10 and d[4] == "/" and d[7] == "/" for d in dates)
    amounts = [unicodedata.normalize("NFKC", r[header.index("金額")]) for r in body]
    assert any("," in a for a in amounts)
    assert "\r\n" in demo.path(written).read_bytes().decode("cp932")


def test_ga4_preamble_header_and_grand_total(demo: DemoManifest) -> None:
    for written in demo.files_of("ga4_traffic_acquisition"):
        text_lines = lines(demo, written)
        preamble = text_lines[: written.header_line - 2]
        assert preamble and all(line.startswith("#") for line in preamble)
        assert text_lines[written.header_line - 2] == ""
        start_label = "開始日" if written.language == "ja" else "Start date"
        assert f"# {start_label}: {written.period_start:%Y%m%d}" in preamble
        header, rows = table(demo, written)
        assert header[0] == ("日付" if written.language == "ja" else "Date")
        data, total = rows[:-1], rows[-1]
        assert len(data) == written.data_rows
        assert total[0] == ("合計" if written.language == "ja" else "Grand total")
        assert int(total[2]) == sum(int(r[2]) for r in data)
        assert int(total[5]) == sum(int(r[5]) for r in data)
        assert all(len(r[0]) == 8 and r[0].isdigit() for r in data)


def test_google_ads_title_range_header_and_account_total(demo: DemoManifest) -> None:
    ja = demo.file("google_ads_campaigns", "ja")
    assert ja.delimiter == "\t"
    rows = parse(demo, ja)
    assert rows[0] == ["キャンペーン レポート"]
    assert rows[1][0].endswith("日") and "～" in rows[1][0]
    assert rows[2][:3] == ["日", "キャンペーン", "キャンペーン タイプ"]
    assert rows[-1][0] == "合計: アカウント"
    data = rows[3:-1]
    assert len(data) == ja.data_rows
    assert int(rows[-1][5].replace(",", "")) == sum(int(r[5].replace(",", "")) for r in data)

    en = demo.file("google_ads_campaigns", "en")
    rows = parse(demo, en)
    assert rows[0] == ["Campaign report"] and " - " in rows[1][0]
    assert rows[2][:2] == ["Day", "Campaign"]
    assert rows[-1][0] == "Total: Account"
    assert len([r for r in rows[3:] if not r[0].startswith("Total")]) == en.data_rows


def test_meta_and_yahoo_reports(demo: DemoManifest) -> None:
    meta = demo.file("meta_ads")
    header, rows = table(demo, meta)
    assert "消化金額 (JPY)" in header and "日" in header
    assert len(rows) == meta.data_rows
    assert all(r[0] == r[1] == r[2] for r in rows)  # day breakdown: one day per row

    yahoo = demo.file("yahoo_ads")
    header, rows = table(demo, yahoo)
    assert header[:4] == ["日", "アカウント名", "キャンペーンID", "キャンペーン名"]
    assert rows[-1][0] == "合計"
    assert len(rows) - 1 == yahoo.data_rows
    assert sum(1 for r in rows if r[7].startswith("△")) == 1


def test_zoom_reports_have_sections_and_one_row_per_join(demo: DemoManifest) -> None:
    repeated_somewhere = False
    for written in demo.files_of("zoom_attendees"):
        text_lines = lines(demo, written)
        assert text_lines[0] == "Attendee Report"
        assert text_lines[1].startswith("Report Generated:")
        order = [
            text_lines.index(s) for s in ("Host Details", "Panelist Details", "Attendee Details")
        ]
        assert order == sorted(order)
        header, rows = table(demo, written)
        assert header[:2] == ["Attended", "User Name (Original Name)"]
        assert len(rows) == written.data_rows
        emails = [r[header.index("Email")].lower() for r in rows if r[0] == "Yes"]
        repeated_somewhere |= len(emails) != len(set(emails))
        meta = parse(demo, written)[3]
        assert " " in meta[1]  # the webinar ID is shown with spaces
    assert repeated_somewhere
    for written in demo.files_of("zoom_registrations"):
        header, rows = table(demo, written)
        assert lines(demo, written)[0] == "Registration Report"
        assert "Email" in header and len(rows) == written.data_rows


def test_manual_values_are_monthly_nps_and_closed_month_margins(demo: DemoManifest) -> None:
    written = demo.file("manual_values")
    header, rows = table(demo, written)
    assert header[:5] == ["node_id", "period", "dimension", "dimension_value", "value"]
    assert len(rows) == written.data_rows
    nps = [r for r in rows if r[0] == "nps"]
    margin = [r for r in rows if r[0] == "operating_margin"]
    assert len(nps) + len(margin) == len(rows)
    # the survey closes by the 10th: April 2025 … November 2026 (the window ends Nov 15)
    assert [r[1] for r in nps][:2] == ["2025-04", "2025-05"] and nps[-1][1] == "2026-11"
    assert len(nps) == 20 and all(-100 <= float(r[4]) <= 100 for r in nps)
    # the monthly close is entered 8 days after the month: October 2026 is the last one
    assert margin[-1][1] == "2026-10" and len(margin) == 19
    assert all(0.05 < float(r[4]) < 0.3 for r in margin)
