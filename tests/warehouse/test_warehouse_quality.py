from __future__ import annotations

import json
from datetime import datetime

import pyarrow as pa
import pytest

from ikkan.clock import FixedClock
from ikkan.ingest.base import ReadResult, RejectedRow
from ikkan.ingest.load import load
from ikkan.warehouse.quality import QualitySettings, quality_report
from ikkan.warehouse.quality_outliers import robust_bounds

JST = datetime.fromisoformat("2026-05-01T00:00:00+09:00").tzinfo
NOW = FixedClock(datetime(2026, 5, 1, 12, tzinfo=JST))
SETTINGS = QualitySettings(stages=("lead", "mql", "opportunity", "won"), clock=NOW)


def t(month, day, hour=10):
    return datetime(2026, month, day, hour)


LEADS = [
    # key, email, company, created_at, channel, channel_raw, lifecycle
    ("1", "Taro.Yamada@gmail.com", "株式会社ABC", t(4, 1), "web", "Organic", "lead"),
    ("2", "taroyamada+x@gmail.com", "ABC(株)", t(4, 2), "web", "Organic", "lead"),
    ("3", "hanako@corp.jp", "㈱ＡＢＣ", t(4, 3), None, "Paid Social", "lead"),
    ("4", None, "XYZ", t(4, 4), None, "Paid Social", "customer"),
    ("5", "jiro@corp.jp", "XYZ", t(6, 1), None, None, "lead"),  # created in the future
    ("6", "HANAKO@corp.jp", None, None, "web", "Organic", "lead"),
]
STAGES = [
    ("1", "lead", t(4, 1)),
    ("1", "won", t(4, 10)),
    ("1", "opportunity", t(4, 20)),  # opportunity after won: out of order
    ("2", "lead", t(3, 25)),  # before the lead was created
    ("3", "nurture", t(4, 5)),  # not a funnel stage
]


def _read_result():
    leads = pa.table(
        {
            "lead_key": [f"h:{r[0]}" for r in LEADS],
            "source_system": ["hubspot"] * len(LEADS),
            "source_id": [r[0] for r in LEADS],
            "email": [r[1] for r in LEADS],
            "company": [r[2] for r in LEADS],
            "created_at": pa.array([r[3] for r in LEADS], pa.timestamp("us")),
            "channel": [r[4] for r in LEADS],
            "channel_raw": [r[5] for r in LEADS],
            "lifecycle_stage": [r[6] for r in LEADS],
        }
    )
    stages = pa.table(
        {
            "lead_key": [f"h:{r[0]}" for r in STAGES],
            "stage": [r[1] for r in STAGES],
            "entered_at": [r[2] for r in STAGES],
        }
    )
    amounts = [1_000_000, 1_200_000, 900_000, 1_100_000, 1_050_000, 950_000, 120_000_000, None]
    deals = pa.table(
        {
            "deal_key": [f"h:d{i}" for i in range(len(amounts))],
            "source_system": ["hubspot"] * len(amounts),
            "source_id": [f"d{i}" for i in range(len(amounts))],
            "amount": pa.array(amounts, pa.float64()),
            "stage": ["closedwon"] * len(amounts),
            "created_at": [t(4, 10)] * len(amounts),
            "closed_at": [t(4, 20)] * 6 + [t(4, 5), None],  # d6 closes before it is created
            "is_closed": [True] * len(amounts),  # d7 is closed without a date
        }
    )
    accounts = pa.table(
        {
            "account_key": ["h:a1", "h:a2", "h:a3"],
            "source_system": ["hubspot"] * 3,
            "source_id": ["a1", "a2", "a3"],
            "name": ["株式会社ABC", "ABC Co., Ltd.", "XYZ"],
        }
    )
    rejected = [
        RejectedRow("contacts.csv", 4, "email", "x", "invalid e-mail"),
        RejectedRow("contacts.csv", 8, "email", "y", "invalid e-mail"),
        RejectedRow("contacts.csv", 9, "created", "32/13", "invalid date"),
    ]
    tables = {"leads": leads, "lead_stages": stages, "deals": deals, "accounts": accounts}
    return ReadResult("hubspot", "hubspot", "contacts.csv", tables, rejected, rows_read=20)


@pytest.fixture
def report(warehouse):
    load(warehouse, _read_result(), "sha-quality")
    return quality_report(warehouse, SETTINGS)


def test_duplicate_people_by_normalised_email(report):
    finding = report.finding("duplicate_people")
    assert finding.count == 2
    emails = {e["email"]: e for e in finding.examples}
    assert emails["taroyamada@gmail.com"]["lead_keys"] == ["h:1", "h:2"]
    assert emails["hanako@corp.jp"]["spellings"] == ["HANAKO@corp.jp", "hanako@corp.jp"]


def test_duplicate_companies_by_normalised_name(report):
    findings = report.findings_for("duplicate_companies")
    assert [f.subject["kind"] for f in findings] == ["accounts", "lead_company_spellings"]
    kinds = {(e["kind"], e["company"]): e for f in findings for e in f.examples}
    assert kinds[("accounts", "abc")]["account_keys"] == ["h:a1", "h:a2"]
    assert kinds[("lead_company_spellings", "abc")]["names"] == [
        "ABC(株)",
        "㈱ＡＢＣ",
        "株式会社ABC",
    ]
    assert [f.count for f in findings] == [1, 1]


def test_missing_required_fields_by_source(report):
    findings = report.findings_for("missing_fields")
    found = {(f.subject["table"], f.subject["column"]): f.count for f in findings}
    assert found[("leads", "email")] == 1
    assert found[("leads", "created_at")] == 1
    assert found[("leads", "channel_raw")] == 1
    assert found[("deals", "amount")] == 1
    assert found[("deals", "closed_at (closed deals)")] == 1
    assert len(findings) == 5  # one finding per table, source and column


def test_stage_dates_out_of_order(report):
    findings = report.findings_for("stage_order")
    kinds = {f.subject["kind"]: f.examples[0] for f in findings}
    pair = kinds["stage_before_earlier_stage"]
    assert (pair["lead_key"], pair["earlier_stage"], pair["later_stage"]) == (
        "h:1",
        "opportunity",
        "won",
    )
    assert kinds["stage_before_lead_created"]["lead_key"] == "h:2"
    assert kinds["deal_closed_before_created"]["deal_key"] == "h:d6"
    assert sum(f.count for f in findings) == 3  # two leads and one deal


def test_future_dates_use_the_clock(report, warehouse):
    finding = report.finding("future_dates")
    assert finding.count == 1
    assert finding.subject == {"table": "leads", "column": "created_at"}
    assert finding.examples == [{"key": "h:5", "value": "2026-06-01T10:00:00"}]
    later = QualitySettings(
        stages=SETTINGS.stages, clock=FixedClock(datetime(2026, 7, 1, tzinfo=JST))
    )
    assert quality_report(warehouse, later).finding("future_dates") is None


def test_unmapped_channels_and_stages(report):
    channels = report.findings_for("unmapped_channels")
    assert [(f.subject, f.count) for f in channels] == [
        ({"source_system": "hubspot", "channel_raw": "Paid Social"}, 2)
    ]
    stages = report.findings_for("unmapped_stages")
    assert {(f.subject["table"], f.subject["value"], f.count) for f in stages} == {
        ("lead_stages", "nurture", 1),
        ("leads", "customer", 1),
    }


def test_amount_outliers_are_robust(report):
    finding = report.finding("amount_outliers")
    assert finding.count == 1
    assert finding.examples[0]["key"] == "h:d6" and finding.examples[0]["amount"] == 120_000_000


def test_rejected_rows_by_file_and_reason(report):
    finding = report.finding("rejected_rows")
    assert finding.subject == {"file_path": "contacts.csv", "reason": "invalid e-mail"}
    assert finding.count == finding.examples_total == 2
    assert sum(f.count for f in report.findings_for("rejected_rows")) == 3


def test_report_is_json_and_every_finding_has_a_hint(report):
    data = json.loads(report.to_json())
    assert data["generated_at"] == "2026-05-01T12:00:00+09:00"
    assert {f["check"] for f in data["findings"]} == set(data["checks_run"])
    assert all(
        f["hint"] and f["severity"] in ("error", "warning", "info") for f in data["findings"]
    )
    assert all(len(f["examples"]) <= 5 for f in data["findings"])


def test_clean_warehouse_has_no_findings(warehouse):
    report = quality_report(warehouse, SETTINGS)
    assert report.findings == [] and report.ok


def test_robust_bounds():
    assert robust_bounds([1, 2, 3], 3) is None  # too few values
    low, high = robust_bounds([10, 11, 12, 13, 14, 1000], 3)
    assert low < 10 and 14 < high < 1000
    assert robust_bounds([5, 5, 5, 5, 5, 5], 3) is None
    # MAD zero but spread exists: IQR takes over
    assert robust_bounds([5, 5, 5, 5, 5, 6, 7, 100], 3) is not None
