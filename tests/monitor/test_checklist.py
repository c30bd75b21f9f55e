from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from ikkan.monitor.checklist import (
    CHECKLIST,
    ChecklistSettings,
    CheckState,
    ProjectFacts,
    checklist_score,
    evaluate_checklist,
)

SEEDS = Path(__file__).resolve().parents[2] / ".." / "shared" / "seeds"
NOW = datetime(2026, 10, 15, 9, 0)

READY = ProjectFacts(
    has_kgi=True,
    ksf_count=3,
    kpi_count=7,
    kpis_connected_to_kgi=7,
    targets_worked_back=True,
    lint_errors=0,
    lint_warnings=2,
    channel_kpi_count=4,
    kpis_bound_to_data=7,
    sources_connected=3,
    refresh_scheduled=True,
    last_refresh_at=datetime(2026, 10, 15, 6, 0),
    rejected_rows_open=0,
    tracking_verified=True,
    dashboard_kpi_count=7,
    owner_departments=frozenset({"marketing", "inside_sales", "sales", "cs"}),
    review_meetings_scheduled=True,
    monthly_review_configured=True,
    last_review_at=date(2026, 9, 30),
    actions_last_90_days=5,
    revision_rule_defined=True,
    quality_checks_enabled=True,
    open_quality_issues=1,
)


def states(facts, **kw):
    return {r.item.id: r.state for r in evaluate_checklist(facts, NOW, **kw)}


def test_items_are_the_seed_checklist_in_order_and_words():
    text = next(SEEDS.glob("000_*.txt")).read_text(encoding="utf-8")
    block = text.split("【チェックリスト】")[1].split("MA/SFA設定でKPIを自動計測する方法")[0]
    seed_items = [line[2:].strip() for line in block.splitlines() if line.startswith("- ")]
    assert [item.label_ja for item in CHECKLIST] == seed_items
    assert len(CHECKLIST) == 15
    assert all(item.label_en and item.hint_ja and item.hint_en for item in CHECKLIST)
    assert len({item.id for item in CHECKLIST}) == 15


def test_a_ready_project_checks_everything():
    results = evaluate_checklist(READY, NOW)
    assert checklist_score(results) == (15, 15)
    assert all(r.hint("ja") == "" for r in results)
    by = {r.item.id: r for r in results}
    assert by["data_quality"].detail("ja") == "品質チェック稼働中（未解決1件）"
    assert by["smart_checked"].detail("en") == "no errors (2 warning(s))"


def test_nothing_known_is_all_unknown_with_hints():
    results = evaluate_checklist(ProjectFacts(), NOW)
    assert {r.state for r in results} == {CheckState.UNKNOWN}
    assert checklist_score(results) == (0, 15)
    assert results[0].hint("ja").startswith("kpis.yaml にKGI")
    assert results[0].detail("en") == "cannot be checked automatically"
    assert CheckState.UNKNOWN.label("ja") == "要確認"


def test_manual_ticks_fill_what_the_facts_do_not_say():
    facts = ProjectFacts(manual={"cross_dept_meetings": True, "revision_rules": False})
    s = states(facts)
    assert s["cross_dept_meetings"] is CheckState.CHECKED
    assert s["revision_rules"] is CheckState.NOT_CHECKED
    # Facts win over a manual tick.
    s = states(replace(READY, lint_errors=3, manual={"smart_checked": True}))
    assert s["smart_checked"] is CheckState.NOT_CHECKED


@pytest.mark.parametrize(
    ("change", "item", "detail_ja"),
    [
        ({"has_kgi": False}, "kgi_set", "KGIが未設定"),
        ({"ksf_count": 0}, "ksf_extracted", "KSFが未設定"),
        ({"kpis_connected_to_kgi": 5}, "tree_worked_back", "KGIにつながらないKPIが2件"),
        ({"targets_worked_back": False}, "tree_worked_back", "目標値がKGIから逆算されていない"),
        ({"lint_errors": 3}, "smart_checked", "SMARTチェックのエラー3件"),
        ({"channel_kpi_count": 0}, "channel_kpis", "施策別KPIなし"),
        ({"kpis_bound_to_data": 4}, "kpis_in_tools", "データ未連携のKPIが3件"),
        ({"sources_connected": 0}, "auto_measurement", "データソース未接続"),
        ({"refresh_scheduled": False}, "auto_measurement", "定期更新が未設定"),
        (
            {"last_refresh_at": datetime(2026, 10, 10, 6, 0)},
            "auto_measurement",
            "最終更新 2026-10-10 06:00（更新が止まっている）",
        ),
        ({"rejected_rows_open": 12}, "tracking_verified", "未処理の取込エラー行12件"),
        ({"dashboard_kpi_count": 0}, "dashboard", "ダッシュボードにKPIなし"),
        (
            {"owner_departments": frozenset({"marketing", "sales"})},
            "tree_shared",
            "KPIを担当する部門が2部門（marketing、sales）",
        ),
        ({"review_meetings_scheduled": False}, "cross_dept_meetings", "連携会議の周期が未設定"),
        ({"monthly_review_configured": False}, "pdca_monthly", "月次レビューが未設定"),
        (
            {"last_review_at": date(2026, 8, 20)},
            "pdca_monthly",
            "最終レビュー 2026-08-20（56日前）",
        ),
        ({"actions_last_90_days": 0}, "improving", "直近90日の改善施策の記録なし"),
        ({"revision_rule_defined": False}, "revision_rules", "見直しルールが未設定"),
        ({"quality_checks_enabled": False}, "data_quality", "データ品質チェックが無効"),
    ],
)
def test_each_gap_is_named(change, item, detail_ja):
    results = {r.item.id: r for r in evaluate_checklist(replace(READY, **change), NOW)}
    result = results[item]
    assert result.state is CheckState.NOT_CHECKED
    assert result.detail("ja") == detail_ja
    assert result.detail("en")
    assert result.hint("ja") and result.hint("en")
    others = [r for k, r in results.items() if k != item and r.state is not CheckState.CHECKED]
    # A stale refresh also makes the dashboard stale; nothing else moves.
    assert all(r.item.id == "dashboard" for r in others)


def test_revisions_count_as_evidence_and_settings_change_limits():
    facts = replace(READY, revision_rule_defined=None, target_revisions_last_year=2)
    assert states(facts)["revision_rules"] is CheckState.CHECKED
    strict = ChecklistSettings(min_departments=5)
    assert states(READY, settings=strict)["tree_shared"] is CheckState.NOT_CHECKED


def test_review_configured_but_never_held():
    facts = replace(READY, last_review_at=None)
    result = {r.item.id: r for r in evaluate_checklist(facts, NOW)}["pdca_monthly"]
    assert result.state is CheckState.NOT_CHECKED
    assert result.detail("en") == "no monthly review held yet"
