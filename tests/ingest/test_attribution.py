"""Deals take their lead's first-touch channel and campaign after ingest (DuckDB and PG).

Small files of our own: HubSpot contacts (one person with two records) and deals associated
with them, a Salesforce opportunity report whose Lead Source must win, and a generic deals
file whose lead column is mapped with ``lead_id:``.
"""

# ruff: noqa: E501 - export rows are kept whole, as the tools write them

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from ikkan.ingest.attribution import MARKER, CandidateDeal, Touch, attribute
from ikkan.warehouse.testing import require_postgres, temporary_warehouse
from ikkan.workspace import Workspace

PROJECT = """\
ikkan: 1
company: {name: テスト株式会社, currency: JPY}
funnel:
  stages: [{id: lead}, {id: mql}, {id: opportunity}, {id: won}]
channels:
  paid_search: {label: {ja: リスティング, en: Paid search}}
  display: {label: {ja: ディスプレイ, en: Display}, match: [Other Campaigns]}
  events: {label: {ja: 展示会, en: Events}}
sources:
  crm: {reader: auto, path: exports}
  partner_deals:
    reader: generic
    path: generic/deals.csv
    options:
      mapping:
        table: deals
        source_system: partner
        columns: {source_id: Deal, amount: Amount, closed_at: Closed, name: Title}
        constants: {is_won: true, is_closed: true, deal_type: new}
        lead_id_column: Contact
        lead_source_system: hubspot
plan: {period: FY2026}
measure: {grains: [month], dimensions: [channel]}
nodes:
  revenue:
    kind: KGI
    label: {ja: 売上, en: Revenue}
    unit: JPY
    target: 100_000_000
    metric: {type: deal_amount}
"""

CONTACTS = """\
"Record ID","Email","Create Date","Lifecycle Stage","Original Source","First touch converting campaign"
"101","a@example.jp","2026-04-02 10:00","Customer","Paid Search","検索_一般"
"102","A@Example.jp","2026-06-10 10:00","Lead","Other Campaigns","リタゲ"
"103","b@example.jp","2026-05-01 10:00","Customer","Other Campaigns","リタゲ"
"104","c@example.jp","2026-05-03 10:00","Lead","",""
"""

DEALS = """\
"Record ID","Deal Name","Deal Stage","Amount","Close Date","Create Date","Deal Type","Associated Contact IDs"
"9001","A社 新規","Closed Won","3000000","2026-07-01 10:00","2026-06-12 10:00","New Business","102"
"9002","B社 新規","Closed Won","2000000","2026-07-02 10:00","2026-05-20 10:00","New Business","103;101"
"9003","C社 新規","Closed Won","1000000","2026-07-03 10:00","2026-05-20 10:00","New Business","104"
"9004","D社 新規","Closed Won","500000","2026-07-04 10:00","2026-05-20 10:00","New Business",""
"""

SALESFORCE = """\
"商談名","取引先名","フェーズ","金額","完了予定日","リードソース","作成日","種別"
"E社 新規","E社","Closed Won","4,000,000","2026/07/05","展示会","2026/05/01","新規顧客"
"""

GENERIC = """\
Deal,Contact,Amount,Closed,Title
G1,103,700000,2026-07-06,F社
"""


def _project(root: Path) -> Path:
    (root / "ikkan.yml").write_text(PROJECT, encoding="utf-8")
    exports = root / "exports"
    exports.mkdir()
    (exports / "contacts.csv").write_text(CONTACTS, encoding="utf-8")
    (exports / "deals.csv").write_text(DEALS, encoding="utf-8")
    (exports / "report1.csv").write_bytes(SALESFORCE.encode("cp932"))
    (root / "generic").mkdir()
    (root / "generic" / "deals.csv").write_text(GENERIC, encoding="utf-8")
    return root


def _deals(ws: Workspace) -> dict[str, dict[str, object]]:
    rows = ws.warehouse().query(
        "SELECT deal_key, channel, campaign, CAST(attributes AS VARCHAR) AS attributes FROM deals"
    )
    return {r["deal_key"]: r for r in rows.to_pylist()}


def _check_attribution(ws: Workspace) -> None:
    outcomes = ws.ingest()
    assert outcomes and all(o.ok for o in outcomes), [(o.path, o.error) for o in outcomes]
    deals = _deals(ws)
    # associated with the person's second record: the first record's channel (first touch)
    assert (deals["hubspot:9001"]["channel"], deals["hubspot:9001"]["campaign"]) == (
        "paid_search",
        "検索_一般",
    )
    assert json.loads(str(deals["hubspot:9001"]["attributes"]))[MARKER] == (
        "first_touch hubspot:101"
    )
    # several associated contacts: the first listed one
    assert (deals["hubspot:9002"]["channel"], deals["hubspot:9002"]["campaign"]) == (
        "display",
        "リタゲ",
    )
    # a lead without a channel, and a deal without a lead, stay empty
    assert deals["hubspot:9003"]["channel"] is None
    assert deals["hubspot:9004"]["channel"] is None
    # the export's own value wins: Salesforce's Lead Source, untouched
    salesforce = [d for k, d in deals.items() if k.startswith("salesforce:")]
    assert [d["channel"] for d in salesforce] == ["events"]
    assert MARKER not in str(salesforce[0]["attributes"] or "")
    # a generic file's mapped lead column links the deal the same way
    assert deals["partner:G1"]["channel"] == "display"

    # by channel, revenue sits under real channels
    ws.refresh(as_of=date(2026, 7, 31))
    by = ws.status(period="2026-07", by="channel").by
    assert by is not None
    revenue = {k: v for k, v in by.values["revenue"].items() if v}
    # 9001 (paid search, first touch) 3.0M; 9002 + generic G1 (display) 2.0M + 0.7M;
    # the Salesforce deal (events) 4.0M; 9003 and 9004 have no channel (1.5M)
    assert revenue == {
        "paid_search": 3_000_000,
        "display": 2_700_000,
        "events": 4_000_000,
        "(none)": 1_500_000,
    }


def test_first_touch_attribution_duckdb(tmp_path: Path) -> None:
    ws = Workspace.open(_project(tmp_path))
    _check_attribution(ws)


@pytest.mark.postgres
def test_first_touch_attribution_postgres(tmp_path: Path) -> None:
    require_postgres()
    with temporary_warehouse("postgres", tmp_path / "pg") as pg:
        root = tmp_path / "p"
        root.mkdir()
        ws = Workspace.open(_project(root), warehouse_url=pg.url)
        _check_attribution(ws)


def test_reimport_keeps_filled_values_and_follows_changed_leads(tmp_path: Path) -> None:
    root = _project(tmp_path)
    ws = Workspace.open(root)
    ws.ingest()
    ws.ingest(force=True)  # the same files again: the filled values stay
    assert _deals(ws)["hubspot:9001"]["channel"] == "paid_search"
    # the person's first record moves to another source: the deal follows it
    contacts = root / "exports" / "contacts.csv"
    contacts.write_text(
        CONTACTS.replace('"Paid Search","検索_一般"', '"Other Campaigns","バナー"'),
        encoding="utf-8",
    )
    ws.refresh(as_of=date(2026, 7, 31))
    ws.ingest()
    deal = _deals(ws)["hubspot:9001"]
    assert (deal["channel"], deal["campaign"]) == ("display", "バナー")
    # an incremental refresh sees the moved deal (it carries the latest import id)
    report = ws.refresh(as_of=date(2026, 7, 31))
    assert report.incremental
    by = ws.status(period="2026-07", by="channel").by
    assert by is not None
    revenue = {k: v for k, v in by.values["revenue"].items() if v}
    assert "paid_search" not in revenue
    assert revenue["display"] == 5_700_000  # 9001 3.0M + 9002 2.0M + G1 0.7M


def test_rule_export_value_wins_and_stale_fill_is_cleared() -> None:
    touches = {"h:1": Touch("h:0", "email", "メルマガ")}
    exported = CandidateDeal("d1", "h:1", "events", None, {})
    fresh = CandidateDeal("d2", "h:1", None, None, {"x": 1})
    same = CandidateDeal("d3", "h:1", "email", "メルマガ", {MARKER: "first_touch h:0"})
    orphan = CandidateDeal("d4", "h:9", "email", None, {MARKER: "first_touch h:9"})
    changes = {c.deal_key: c for c in attribute([exported, fresh, same, orphan], touches)}
    assert set(changes) == {"d2", "d4"}
    assert (changes["d2"].channel, changes["d2"].campaign) == ("email", "メルマガ")
    assert changes["d2"].attributes == {"x": 1, MARKER: "first_touch h:0"}
    assert changes["d4"].channel is None and MARKER not in changes["d4"].attributes


def test_explain_states_the_rule_where_deals_are_split_by_channel(tmp_path: Path) -> None:
    ws = Workspace.open(_project(tmp_path))
    ws.ingest()
    by_channel = ws.explain("revenue", by="channel")
    assert any("first touch" in n or "ファーストタッチ" in n for n in by_channel["notes"])
    assert ws.explain("revenue")["notes"] == []  # no split, nothing to say
