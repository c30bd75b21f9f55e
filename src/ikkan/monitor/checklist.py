"""The readiness checklist of seed 000 (KPI設計→MA/SFA実装・運用定着チェックリスト).

Fifteen items, in the article's order and words, checked automatically from what the
workspace knows about the project (``ProjectFacts``) where possible; the rest are ticked by
hand (``ProjectFacts.manual``) or reported as unknown with a hint of what to do. Pure: the
caller passes ``as_of`` (from a Clock).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ikkan.monitor import checklist_checks as checks
from ikkan.monitor.checklist_checks import (
    ChecklistSettings,
    CheckState,
    Mode,
    ProjectFacts,
    Verdict,
)

__all__ = [
    "CHECKLIST",
    "CheckState",
    "ChecklistItem",
    "ChecklistResult",
    "ChecklistSettings",
    "ProjectFacts",
    "checklist_score",
    "evaluate_checklist",
]

_OK, _NO = CheckState.CHECKED, CheckState.NOT_CHECKED


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    label_ja: str
    label_en: str
    mode: Mode
    hint_ja: str
    hint_en: str
    check: Callable[[ProjectFacts, datetime, ChecklistSettings], Verdict | None]

    def label(self, lang: str = "en") -> str:
        return self.label_ja if lang == "ja" else self.label_en


@dataclass(frozen=True)
class ChecklistResult:
    item: ChecklistItem
    state: CheckState
    detail_ja: str
    detail_en: str

    def hint(self, lang: str = "en") -> str:
        if self.state is CheckState.CHECKED:
            return ""
        return self.item.hint_ja if lang == "ja" else self.item.hint_en

    def detail(self, lang: str = "en") -> str:
        return self.detail_ja if lang == "ja" else self.detail_en

    def to_dict(self) -> dict[str, object]:
        """The result as JSON-ready data (``ikkan status --checklist --json``)."""
        return {
            "id": self.item.id,
            "label": {"ja": self.item.label_ja, "en": self.item.label_en},
            "mode": self.item.mode,
            "state": self.state.value,
            "detail": {"ja": self.detail_ja, "en": self.detail_en},
            "hint": {"ja": self.hint("ja"), "en": self.hint("en")},
        }


def _item(
    id_: str,
    ja: str,
    en: str,
    mode: Mode,
    hint: tuple[str, str],
    check: Callable[[ProjectFacts, datetime, ChecklistSettings], Verdict | None],
) -> ChecklistItem:
    return ChecklistItem(id_, ja, en, mode, hint[0], hint[1], check)


CHECKLIST: tuple[ChecklistItem, ...] = (
    _item(
        "kgi_set",
        "KGI(最終目標)を明確に設定済み",
        "KGI (final goal) clearly set",
        "auto",
        ("kpis.yaml にKGIと目標値・期間を書きましょう", "Add the KGI with a target and period"),
        checks.check_kgi,
    ),
    _item(
        "ksf_extracted",
        "KSF(重要成功要因)を抽出済み",
        "KSFs (key success factors) extracted",
        "auto",
        (
            "KGI達成の条件をKSFとして書き出しましょう（例: 新規顧客獲得）",
            "Write the conditions for the KGI as KSFs (e.g. new customers)",
        ),
        checks.check_ksf,
    ),
    _item(
        "tree_worked_back",
        "KPIツリーを作成し、KGIから逆算してKPIを設定済み",
        "KPI tree built, KPI targets worked back from the KGI",
        "auto",
        (
            "KPIを式でKGIにつなぎ、`ikkan plan` で目標を逆算しましょう",
            "Connect each KPI to the KGI by a formula; work targets back with `ikkan plan`",
        ),
        checks.check_tree,
    ),
    _item(
        "smart_checked",
        "SMART原則を満たすKPI設定を確認済み",
        "KPIs checked against SMART",
        "auto",
        ("`ikkan validate` のエラーを解消しましょう", "Fix the errors `ikkan validate` reports"),
        checks.check_smart,
    ),
    _item(
        "channel_kpis",
        "施策別KPIを設定済み(Web広告、オウンドメディア、メルマガ、ウェビナー等)",
        "Per-initiative KPIs set (web ads, owned media, newsletter, webinars …)",
        "auto",
        (
            "施策（チャネル）別の商談化率やCPAをKPIに加えましょう",
            "Add per-channel KPIs such as opportunity rate or CPA",
        ),
        checks.check_channels,
    ),
    _item(
        "kpis_in_tools",
        "MA/SFAツールにKPIを設定済み",
        "KPIs set up in the MA/SFA tools",
        "partial",
        (
            "各KPIにMA/SFAのデータ（metric）を紐づけましょう",
            "Bind each KPI to MA/SFA data (metric:)",
        ),
        checks.check_bound,
    ),
    _item(
        "auto_measurement",
        "データ連携設定を完了し、自動計測が稼働中",
        "Data connections done, automatic measurement running",
        "auto",
        (
            "ソースを接続し、`ikkan refresh` を定期実行しましょう",
            "Connect sources and schedule `ikkan refresh`",
        ),
        checks.check_auto,
    ),
    _item(
        "tracking_verified",
        "トラッキング設定を完了し、正確なデータ取得を確認済み",
        "Tracking set up and accurate data capture verified",
        "partial",
        (
            "取込エラー行を解消し、件数をツールの画面と照合しましょう",
            "Resolve rejected rows and reconcile counts with the tools' own reports",
        ),
        checks.check_tracking,
    ),
    _item(
        "dashboard",
        "ダッシュボードを構築し、KPIをリアルタイムで可視化済み",
        "Dashboard built, KPIs visible in real time",
        "auto",
        (
            "`ikkan serve` でダッシュボードを開き、データを最新に保ちましょう",
            "Open the dashboard with `ikkan serve` and keep the data fresh",
        ),
        checks.check_dashboard,
    ),
    _item(
        "tree_shared",
        "営業・マーケティング・IS部門でKPIツリーを共有済み",
        "KPI tree shared by sales, marketing and inside sales",
        "partial",
        ("各KPIに担当部門（owner）を設定しましょう", "Give each KPI an owning department"),
        checks.check_shared,
    ),
    _item(
        "cross_dept_meetings",
        "部門間KPI連携体制を構築し、定期的な連携会議を設定済み",
        "Cross-department KPI alignment with regular meetings",
        "manual",
        (
            "週次（スモールPDCA）・四半期（ラージPDCA）のレビュー周期を設定しましょう",
            "Set the weekly (small PDCA) and quarterly (large PDCA) review cadence",
        ),
        checks.check_meetings,
    ),
    _item(
        "pdca_monthly",
        "PDCAサイクル(月次)を回す体制を構築済み",
        "Monthly PDCA cycle in place",
        "partial",
        (
            "月次レビューを設定し、実施を記録しましょう",
            "Configure the monthly review and record each one",
        ),
        checks.check_pdca,
    ),
    _item(
        "improving",
        "KPI達成度を定期的に確認し、改善施策を実施中",
        "KPI achievement reviewed regularly, improvements under way",
        "partial",
        (
            "ボトルネックのKPIに改善施策をPDCAログとして記録しましょう",
            "Log actions on the bottleneck KPI in the PDCA log",
        ),
        checks.check_actions,
    ),
    _item(
        "revision_rules",
        "KPIの見直しルールを設定し、継続的に調整中",
        "KPI revision rules set, adjusted continuously",
        "manual",
        (
            "目標見直しのルール（時期・条件）を決め、改定理由を記録しましょう",
            "Agree when and why targets are revised and record each revision",
        ),
        checks.check_revisions,
    ),
    _item(
        "data_quality",
        "データ品質チェック体制を構築済み",
        "Data-quality checks in place",
        "auto",
        (
            "欠損・重複の品質チェックを有効にしましょう",
            "Turn on the data-quality checks (missing values, duplicates)",
        ),
        checks.check_quality,
    ),
)


def evaluate_checklist(
    facts: ProjectFacts, as_of: datetime, settings: ChecklistSettings | None = None
) -> list[ChecklistResult]:
    """Every item's state: from the facts, else from a manual tick, else unknown."""
    settings = settings or ChecklistSettings()
    out = []
    for item in CHECKLIST:
        verdict = item.check(facts, as_of, settings)
        if verdict is None and item.id in facts.manual:
            ticked = facts.manual[item.id]
            verdict = (
                (_OK, "手動でチェック済み", "ticked by hand")
                if ticked
                else (_NO, "手動で未完了", "marked not done")
            )
        if verdict is None:
            verdict = (
                CheckState.UNKNOWN,
                "自動では判定できません",
                "cannot be checked automatically",
            )
        out.append(ChecklistResult(item, *verdict))
    return out


def checklist_score(results: list[ChecklistResult]) -> tuple[int, int]:
    """(checked, total): e.g. 11 of 15."""
    return sum(r.state is CheckState.CHECKED for r in results), len(results)
