"""The automatic checks behind the readiness checklist (``checklist.py``).

Each check reads ``ProjectFacts`` and returns (state, detail ja, detail en), or None when
the facts do not say (the item is then ticked by hand or unknown). Pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Literal


class CheckState(StrEnum):
    CHECKED = "checked"
    NOT_CHECKED = "not_checked"
    UNKNOWN = "unknown"

    def label(self, lang: str = "en") -> str:
        ja, en = {
            CheckState.CHECKED: ("済", "Done"),
            CheckState.NOT_CHECKED: ("未", "Not yet"),
            CheckState.UNKNOWN: ("要確認", "Check by hand"),
        }[self]
        return ja if lang == "ja" else en


@dataclass(frozen=True)
class ProjectFacts:
    """What the workspace knows; None means "not known" (the item becomes manual)."""

    has_kgi: bool | None = None  # a KGI node with a target
    ksf_count: int | None = None
    kpi_count: int | None = None
    kpis_connected_to_kgi: int | None = None  # KPIs with a formula path up to the KGI
    targets_worked_back: bool | None = None  # targets derived top-down (plan)
    lint_errors: int | None = None  # SMART lint errors (None: lint not run)
    lint_warnings: int | None = None
    channel_kpi_count: int | None = None  # KPIs per initiative / channel
    kpis_bound_to_data: int | None = None  # KPIs measured from a source or a formula
    sources_connected: int | None = None
    refresh_scheduled: bool | None = None
    last_refresh_at: datetime | None = None
    rejected_rows_open: int | None = None  # rejected source rows not yet resolved
    tracking_verified: bool | None = None
    dashboard_kpi_count: int | None = None
    owner_departments: frozenset[str] | None = None
    review_meetings_scheduled: bool | None = None  # cross-department review cadence
    monthly_review_configured: bool | None = None
    last_review_at: date | None = None
    actions_last_90_days: int | None = None  # PDCA log entries
    revision_rule_defined: bool | None = None
    target_revisions_last_year: int | None = None
    quality_checks_enabled: bool | None = None
    open_quality_issues: int | None = None
    manual: Mapping[str, bool] = field(default_factory=dict)  # item id -> ticked by hand


@dataclass(frozen=True)
class ChecklistSettings:
    max_refresh_age: timedelta = timedelta(days=3)  # "running" = refreshed this recently
    min_departments: int = 3  # marketing, inside sales, sales
    max_review_age: timedelta = timedelta(days=45)  # a monthly review, with slack


Verdict = tuple[CheckState, str, str]  # state, detail ja, detail en
Mode = Literal["auto", "partial", "manual"]


_OK, _NO = CheckState.CHECKED, CheckState.NOT_CHECKED


def _flag(value: bool | None, ja: tuple[str, str], en: tuple[str, str]) -> Verdict | None:
    if value is None:
        return None
    return (_OK, ja[0], en[0]) if value else (_NO, ja[1], en[1])


def check_kgi(f: ProjectFacts, now: datetime, s: ChecklistSettings) -> Verdict | None:
    return _flag(f.has_kgi, ("KGIと目標値あり", "KGIが未設定"), ("KGI with a target", "no KGI"))


def check_ksf(f: ProjectFacts, now: datetime, s: ChecklistSettings) -> Verdict | None:
    if f.ksf_count is None:
        return None
    if f.ksf_count:
        return _OK, f"KSF {f.ksf_count}件", f"{f.ksf_count} KSF(s)"
    return _NO, "KSFが未設定", "no KSF"


def check_tree(f: ProjectFacts, now: datetime, s: ChecklistSettings) -> Verdict | None:
    if f.kpi_count is None or f.kpis_connected_to_kgi is None:
        return None
    loose = f.kpi_count - f.kpis_connected_to_kgi
    if f.kpi_count == 0:
        return _NO, "KPIが未設定", "no KPI yet"
    if loose > 0:
        return _NO, f"KGIにつながらないKPIが{loose}件", f"{loose} KPI(s) not connected to the KGI"
    if f.targets_worked_back is False:
        return _NO, "目標値がKGIから逆算されていない", "targets are not worked back from the KGI"
    return _OK, f"KPI {f.kpi_count}件がKGIに接続", f"{f.kpi_count} KPIs connected to the KGI"


def check_smart(f: ProjectFacts, now: datetime, s: ChecklistSettings) -> Verdict | None:
    if f.lint_errors is None:
        return None
    warnings = f.lint_warnings or 0
    if f.lint_errors:
        return _NO, f"SMARTチェックのエラー{f.lint_errors}件", f"{f.lint_errors} SMART error(s)"
    return _OK, f"エラーなし（警告{warnings}件）", f"no errors ({warnings} warning(s))"


def check_channels(f: ProjectFacts, now: datetime, s: ChecklistSettings) -> Verdict | None:
    if f.channel_kpi_count is None:
        return None
    if f.channel_kpi_count:
        n = f.channel_kpi_count
        return _OK, f"施策別KPI {n}件", f"{n} per-initiative KPI(s)"
    return _NO, "施策別KPIなし", "no per-initiative KPI"


def check_bound(f: ProjectFacts, now: datetime, s: ChecklistSettings) -> Verdict | None:
    if f.kpi_count is None or f.kpis_bound_to_data is None:
        return None
    unbound = f.kpi_count - f.kpis_bound_to_data
    if f.kpi_count and unbound <= 0:
        return _OK, "全KPIがデータに紐づけ済み", "every KPI is bound to data"
    return _NO, f"データ未連携のKPIが{unbound}件", f"{unbound} KPI(s) not bound to data"


def _fresh(f: ProjectFacts, now: datetime, s: ChecklistSettings) -> bool | None:
    if f.last_refresh_at is None:
        return None
    return now - f.last_refresh_at <= s.max_refresh_age


def check_auto(f: ProjectFacts, now: datetime, s: ChecklistSettings) -> Verdict | None:
    if f.sources_connected == 0:
        return _NO, "データソース未接続", "no data source connected"
    if f.refresh_scheduled is False:
        return _NO, "定期更新が未設定", "no scheduled refresh"
    fresh = _fresh(f, now, s)
    if fresh is False:
        assert f.last_refresh_at is not None
        when = f.last_refresh_at.strftime("%Y-%m-%d %H:%M")
        return _NO, f"最終更新 {when}（更新が止まっている）", f"last refresh {when} (stale)"
    if f.sources_connected and f.refresh_scheduled and fresh:
        n = f.sources_connected
        return _OK, f"{n}ソースから自動更新中", f"refreshing from {n} source(s)"
    return None


def check_tracking(f: ProjectFacts, now: datetime, s: ChecklistSettings) -> Verdict | None:
    if f.rejected_rows_open:
        n = f.rejected_rows_open
        return _NO, f"未処理の取込エラー行{n}件", f"{n} rejected row(s) to resolve"
    if f.tracking_verified is None:
        return None
    return _flag(
        f.tracking_verified,
        ("データ取得を確認済み", "データ取得が未確認"),
        ("data capture verified", "data capture not verified"),
    )


def check_dashboard(f: ProjectFacts, now: datetime, s: ChecklistSettings) -> Verdict | None:
    if f.dashboard_kpi_count is None:
        return None
    if not f.dashboard_kpi_count:
        return _NO, "ダッシュボードにKPIなし", "no KPI on the dashboard"
    fresh = _fresh(f, now, s)
    if fresh is None:
        return None
    if not fresh:
        return _NO, "ダッシュボードのデータが古い", "the dashboard's data is stale"
    n = f.dashboard_kpi_count
    return _OK, f"KPI {n}件を表示中", f"{n} KPIs on the dashboard"


def check_shared(f: ProjectFacts, now: datetime, s: ChecklistSettings) -> Verdict | None:
    if f.owner_departments is None:
        return None
    depts = sorted(f.owner_departments)
    names = "、".join(depts) or "なし"
    if len(depts) >= s.min_departments:
        return _OK, f"{len(depts)}部門がKPIを担当: {names}", f"{len(depts)} departments own KPIs"
    return (
        _NO,
        f"KPIを担当する部門が{len(depts)}部門（{names}）",
        f"only {len(depts)} department(s) own KPIs: {', '.join(depts) or 'none'}",
    )


def check_meetings(f: ProjectFacts, now: datetime, s: ChecklistSettings) -> Verdict | None:
    return _flag(
        f.review_meetings_scheduled,
        ("連携会議の周期を設定済み", "連携会議の周期が未設定"),
        ("review meetings scheduled", "no review meeting cadence"),
    )


def check_pdca(f: ProjectFacts, now: datetime, s: ChecklistSettings) -> Verdict | None:
    if f.monthly_review_configured is False:
        return _NO, "月次レビューが未設定", "no monthly review configured"
    if f.last_review_at is None:
        return (
            None
            if f.monthly_review_configured is None
            else (
                _NO,
                "月次レビューの実施記録なし",
                "no monthly review held yet",
            )
        )
    age = now.date() - f.last_review_at
    when = f.last_review_at.isoformat()
    if age <= s.max_review_age:
        return _OK, f"最終レビュー {when}", f"last review {when}"
    return (
        _NO,
        f"最終レビュー {when}（{age.days}日前）",
        f"last review {when} ({age.days} days ago)",
    )


def check_actions(f: ProjectFacts, now: datetime, s: ChecklistSettings) -> Verdict | None:
    if f.actions_last_90_days is None:
        return None
    n = f.actions_last_90_days
    if n:
        return _OK, f"直近90日の改善施策 {n}件", f"{n} action(s) in the last 90 days"
    return _NO, "直近90日の改善施策の記録なし", "no action logged in the last 90 days"


def check_revisions(f: ProjectFacts, now: datetime, s: ChecklistSettings) -> Verdict | None:
    if f.revision_rule_defined:
        return _OK, "見直しルールあり", "revision rule defined"
    if f.target_revisions_last_year:
        n = f.target_revisions_last_year
        return _OK, f"直近1年の目標見直し {n}件", f"{n} target revision(s) in the last year"
    if f.revision_rule_defined is False:
        return _NO, "見直しルールが未設定", "no revision rule"
    return None


def check_quality(f: ProjectFacts, now: datetime, s: ChecklistSettings) -> Verdict | None:
    if f.quality_checks_enabled is None:
        return None
    if not f.quality_checks_enabled:
        return _NO, "データ品質チェックが無効", "data-quality checks are off"
    n = f.open_quality_issues or 0
    return _OK, f"品質チェック稼働中（未解決{n}件）", f"quality checks on ({n} open issue(s))"
