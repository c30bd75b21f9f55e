"""Salesforce reports: details-only CSV with footers (cp932, UTF-8), XLSX formatted reports
with grouping rows and subtotals, EN and JA labels."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from ikkan.ingest.base import ReaderContext
from ikkan.ingest.sources.registry import detect_reader
from ikkan.ingest.sources.salesforce import (
    SalesforceLeadsReader,
    SalesforceOpportunitiesReader,
)

FIXTURES = Path(__file__).parent / "fixtures"


def variant(tmp_path: Path, name: str, encoding: str) -> Path:
    path = tmp_path / f"{encoding}-{name}"
    path.write_bytes((FIXTURES / name).read_text(encoding="utf-8").encode(encoding))
    return path


@pytest.mark.parametrize("encoding", ["cp932", "utf-8"])
def test_opportunities_ja_details_only_with_footer(tmp_path, encoding):
    path = variant(tmp_path, "salesforce_opps_ja.csv", encoding)
    assert detect_reader(path).name == "salesforce_opportunities"
    result = SalesforceOpportunitiesReader().read(path, ReaderContext())
    rows = {r["source_id"]: r for r in result.tables["deals"].to_pylist()}
    assert set(rows) == {"0065g00000A1", "0065g00000A2"}
    won = rows["0065g00000A1"]
    assert won["deal_key"] == "salesforce:0065g00000A1"
    assert (won["amount"], won["currency"], won["is_won"], won["is_closed"]) == (
        1_200_000.0,
        "JPY",
        True,
        True,
    )
    assert won["closed_at"] == datetime(2026, 3, 31) and won["created_at"] == datetime(2026, 2, 2)
    assert json.loads(won["attributes"]) == {"account_name": "株式会社サンプル"}
    lost = rows["0065g00000A2"]
    assert (lost["amount"], lost["is_won"], lost["is_closed"]) == (-50_000.0, False, True)
    assert json.loads(lost["attributes"])["account_name"] == "㈱髙橋～商事"
    assert lost["channel"] == "partner"
    (bad,) = result.rejected
    assert (bad.row_number, bad.column_name, bad.raw_value) == (4, "完了予定日", "2026/02/30")
    # the Grand Totals row is read and listed as skipped; confidentiality and org lines
    # are report furniture, not data
    assert result.rows_read == 4 and len(result.skipped) == 1
    assert "Grand Totals" in str(result.skipped[0].raw_record)
    assert not any("ignored" in w for w in result.warnings)


def test_leads_en_with_converted_stage_and_email_keys(tmp_path):
    path = FIXTURES / "salesforce_leads_en.csv"
    assert detect_reader(path).name == "salesforce_leads"
    result = SalesforceLeadsReader().read(path, ReaderContext())
    leads = {r["email"]: r for r in result.tables["leads"].to_pylist()}
    assert set(leads) == {"h.sato@example.co.jp", "t.yamada@example.com"}
    taro = leads["t.yamada@example.com"]
    assert taro["lead_key"] == "salesforce:t.yamada@example.com"
    assert taro["lifecycle_stage"] == "opportunity" and taro["channel"] == "events"
    assert taro["company"] == "Yamada Inc"
    assert leads["h.sato@example.co.jp"]["created_at"] == datetime(2026, 1, 7, 9, 5)
    stages = sorted(
        (r["lead_key"], r["stage"], r["entered_at"])
        for r in result.tables["lead_stages"].to_pylist()
    )
    assert stages == [
        ("salesforce:h.sato@example.co.jp", "lead", datetime(2026, 1, 7, 9, 5)),
        ("salesforce:t.yamada@example.com", "lead", datetime(2026, 1, 8, 10, 0)),
        ("salesforce:t.yamada@example.com", "opportunity", datetime(2026, 1, 20)),
    ]
    assert any("no Lead ID column" in w for w in result.warnings)
    (bad,) = result.rejected
    assert bad.row_number == 4 and "no record id" in bad.reason


def test_xlsx_formatted_report_with_groups_and_subtotals(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    rows = [
        ["Opportunities by Stage"],
        ["As of 2026/04/01"],
        [],
        ["Stage", "Opportunity Name", "Account Name", "Amount", "Close Date", "Opportunity ID"],
        ["Closed Won", "Deal A", "Acme", 100000, datetime(2026, 3, 1), "006A"],
        [None, "Deal B", "Beta", 200000, datetime(2026, 3, 2), "006B"],
        ["Subtotal", None, None, 300000],
        ["Prospecting", "Deal C", "Gamma", 50000, 46100, "006C"],
        [None, "Deal D", "Delta", "JPY 70,000", "2026/04/30", "006D"],
        ["Subtotal", None, None, 120000],
        ["Grand Total (4 records)", None, None, 420000],
        [],
        ["Confidential Information - Do Not Distribute"],
    ]
    for row in rows:
        sheet.append(row)
    path = tmp_path / "report.xlsx"
    book.save(path)
    assert detect_reader(path).name == "salesforce_opportunities"
    result = SalesforceOpportunitiesReader().read(path, ReaderContext())
    deals = {r["source_id"]: r for r in result.tables["deals"].to_pylist()}
    assert set(deals) == {"006A", "006B", "006C", "006D"}
    assert deals["006B"]["stage"] == "Closed Won" and deals["006B"]["is_won"] is True
    assert deals["006D"]["stage"] == "Prospecting" and deals["006D"]["is_closed"] is False
    assert deals["006A"]["closed_at"] == datetime(2026, 3, 1)
    assert deals["006C"]["closed_at"] == datetime(2026, 3, 19)  # Excel serial 46100
    assert deals["006D"]["amount"] == 70000.0 and deals["006D"]["currency"] == "JPY"
    assert result.rejected == []
    assert result.encoding == "xlsx"
