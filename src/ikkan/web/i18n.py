"""UI strings (ja / en) and value formatting with Babel (yen, percentages, dates).

The language comes from ``?lang=`` (remembered in a cookie), else the cookie, else the
project's ``company.locale``.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

from babel.dates import format_date, format_datetime
from babel.numbers import (
    format_compact_currency,
    format_compact_decimal,
    format_currency,
    format_decimal,
)

from ikkan.model.units import Unit, UnitKind
from ikkan.web.alert_rule_text import ALERT_RULE_TEXT
from ikkan.web.alert_sla_text import ALERT_SLA_TEXT
from ikkan.web.scoring_text import SCORING_TEXT

LANGS = ("ja", "en")
BABEL_LOCALE = {"ja": "ja_JP", "en": "en_US"}
MISSING = "--"

TEXT: dict[str, dict[str, str]] = {
    "ja": {
        "overview": "概要",
        "tree": "KPIツリー",
        "funnel": "ファネル",
        "trends": "推移",
        "channels": "チャネル",
        "health": "データの健全性",
        "alerts": "アラート",
        "alerts_open": "対応が必要なアラート",
        "alerts_none": "発報中・保留中のアラートはありません。",
        "alert_rule": "ルール",
        "alert_instance": "内訳",
        "alert_since": "開始",
        "alert_observed": "実績",
        "alert_line": "基準",
        "alert_ack": "確認済みにする",
        "alert_acked": "確認済み",
        "alert_mute": "ミュート",
        "alert_mute_until": "ミュート終了",
        "alert_muted_until": "ミュート中（終了",
        "alert_history": "履歴",
        "alert_event": "出来事",
        "alert_at": "日時",
        "alert_detail": "詳細",
        "alert_rules": "ルールと過去12か月の発報（バックテスト）",
        "alert_rules_loading": "バックテストを計算しています…",
        "alert_rules_open": "（表示されない場合はこちら）",
        "alert_kind": "種類",
        "alert_watches": "対象",
        "alert_condition": "条件",
        "alert_channels": "通知先",
        "alert_schedule": "評価",
        "alert_mutes": "ミュート",
        "alert_backtest": "発報 / 超過 / 判定",
        "alert_per_month": "月別の発報（超過）",
        "schedule_runs": "定期実行",
        "schedule_slot": "予定時刻",
        "schedule_step": "処理",
        "node": "ノード",
        "score_score": "スコア",
        "score_fit": "属性",
        "score_engagement": "行動",
        "score_grade": "グレード",
        "score_level": "レベル",
        "score_cell": "セル",
        "score_as_of": "時点",
        "score_created": "作成日時",
        "score_reasons": "内訳（合計がスコア）",
        "score_kind": "種類",
        "score_group": "グループ",
        "score_rule": "ルール",
        "score_events": "件数",
        "score_points": "点",
        "score_total": "合計",
        "score_mql_yes": "MQL（該当）",
        "score_mql_no": "非該当",
        "period": "期間",
        "compare": "比較",
        "compare_target": "目標（営業日で按分）",
        "compare_previous": "前期間",
        "compare_year": "前年同期",
        "dimension": "絞り込み",
        "all": "すべて",
        "apply": "適用",
        "as_of": "時点",
        "actual": "実績",
        "target": "目標",
        "stretch": "ストレッチ",
        "achievement": "達成率",
        "pacing": "ペース",
        "expected": "今日までの目標",
        "projected": "期末見込み",
        "gap": "ギャップ",
        "bottleneck": "ボトルネック",
        "bottleneck_share": "KGIギャップに占める割合",
        "effect": "KGIへの影響",
        "top_dimension": "最も影響した内訳",
        "no_bottleneck": "KGIを押し下げている要因はありません",
        "headline": "主要KPI",
        "owner": "担当",
        "definition": "定義",
        "formula": "計算式",
        "unit": "単位",
        "direction": "方向",
        "higher": "高いほど良い",
        "lower": "低いほど良い",
        "sql": "SQL（explain）",
        "history": "履歴",
        "plan_by_month": "月別計画",
        "drilldown": "内訳",
        "value": "値",
        "change": "増減",
        "share": "構成比",
        "basis_year_ago": "前年同期比",
        "basis_previous": "前期間比",
        "basis_none": "比較できる期間がありません",
        "vs_previous": "前期間比",
        "vs_year": "前年同期比",
        "maturing": "成熟待ち",
        "stale": "データが古い",
        "no_value": "計算できません",
        "reason_no_binding": "データの紐付けも計算式もありません",
        "reason_manual": "手入力の値が取り込まれていません",
        "reason_inputs": "入力が不足: ",
        "reason_not_computed": "この期間の値がありません",
        "reason_slice": "目標は全体に対して立てられています（内訳ごとの目標はありません）",
        "implied": "推定",
        "reason_implied": "未計測のため、実測の上位ノード（{parents}）から計算式で逆算した推定値"
        "（ボトルネックの計算に使用）",
        "stage": "段階",
        "count": "件数",
        "step_rate": "前段階比",
        "cumulative_rate": "初段階比",
        "not_measured": "未計測",
        "benchmark": "ベンチマーク",
        "grain": "粒度",
        "imports": "取り込み",
        "source": "ソース",
        "file": "ファイル",
        "finished": "完了",
        "age_days": "経過日数",
        "rows": "行数",
        "rejected": "除外",
        "status": "状態",
        "rejects": "除外された行",
        "row": "行",
        "column": "列",
        "reason": "理由",
        "quality": "品質チェック",
        "refresh": "再計算",
        "computed_at": "計算時刻",
        "refresh_busy": "取り込みまたは再計算が実行中です。直前の値を表示しています。",
        "refresh_ok": "最新の計算結果を表示しています",
        "export_csv": "CSV",
        "export_xlsx": "Excel",
        "export_svg": "SVG",
        "review_pdf": "レビュー資料（PDF）",
        "review_xlsx": "レビュー資料（Excel）",
        "language": "English",
        "expand": "展開",
        "collapse": "折りたたむ",
        "none": "なし",
        "channel": "チャネル",
        "fy": "年度",
        "h1": "上期",
        "h2": "下期",
        "grain_fiscal_year": "年度",
        "grain_half": "半期",
        "grain_quarter": "四半期",
        "grain_month": "月",
        "grain_week": "週",
        "grain_day": "日",
        "skip": "本文へ移動",
        "findings": "件の指摘",
        "no_findings": "指摘はありません",
        "slice_note": "絞り込み中: ",
        "cumulative": "実績（累計）",
        "offset": "ギャップを上回る影響（他の要因が一部を相殺）",
        "days_ago": "{days}日経過",
        "projected_short": "見込",
        "band_green": "達成圏",
        "band_amber": "注意圏",
        "band_red": "未達圏",
        "allowable": "許容値",
        "allowable_over": "許容値超過",
        "allowable_within": "許容値内",
        "channel_kpis": "チャネルKPI",
        "type_large": "大きな文字",
        "type_normal": "標準の文字",
        "phone_read_only": "スマートフォンでは閲覧のみです（編集はPCから）",
        "basis": "集計基準",
        "basis_period": "期間基準",
        "basis_cohort": "コホート基準",
        "basis_period_note": (
            "期間基準: 期間中に各段階へ進んだ件数（リードの作成時期は問いません）"
        ),
        "basis_cohort_note": (
            "コホート基準: 期間中に作成されたリードが、データの最終日までに各段階へ進んだ件数"
        ),
        "breakdown": "内訳",
        "breakdown_none": "内訳なし",
    },
    "en": {
        "overview": "Overview",
        "tree": "KPI tree",
        "funnel": "Funnel",
        "trends": "Trends",
        "channels": "Channels",
        "health": "Data health",
        "alerts": "Alerts",
        "alerts_open": "Alerts that need attention",
        "alerts_none": "No alert is firing or pending.",
        "alert_rule": "Rule",
        "alert_instance": "Breakdown",
        "alert_since": "Since",
        "alert_observed": "Actual",
        "alert_line": "Expected",
        "alert_ack": "Acknowledge",
        "alert_acked": "Acknowledged",
        "alert_mute": "Mute",
        "alert_mute_until": "Mute until",
        "alert_muted_until": "Muted (until",
        "alert_history": "History",
        "alert_event": "Event",
        "alert_at": "When",
        "alert_detail": "Detail",
        "alert_rules": "Rules and how often they would have fired in the last 12 months (backtest)",
        "alert_rules_loading": "Replaying the rules over the last 12 months…",
        "alert_rules_open": "(open it here if it does not appear)",
        "alert_kind": "Kind",
        "alert_watches": "Watches",
        "alert_condition": "Condition",
        "alert_channels": "Channels",
        "alert_schedule": "Evaluated",
        "alert_mutes": "Mutes",
        "alert_backtest": "Alerts / breaches / judged",
        "alert_per_month": "Alerts per month (breaches)",
        "schedule_runs": "Scheduled runs",
        "schedule_slot": "Scheduled for",
        "schedule_step": "Step",
        "node": "Node",
        "score_score": "Score",
        "score_fit": "Fit",
        "score_engagement": "Engagement",
        "score_grade": "grade",
        "score_level": "level",
        "score_cell": "Cell",
        "score_as_of": "As of",
        "score_created": "Created",
        "score_reasons": "Reasons (they add up to the score)",
        "score_kind": "Kind",
        "score_group": "Group",
        "score_rule": "Rule",
        "score_events": "Events",
        "score_points": "Points",
        "score_total": "Total",
        "score_mql_yes": "MQL (yes)",
        "score_mql_no": "no",
        "period": "Period",
        "compare": "Compare",
        "compare_target": "Target (phased on business days)",
        "compare_previous": "Previous period",
        "compare_year": "Last year",
        "dimension": "Filter",
        "all": "All",
        "apply": "Apply",
        "as_of": "as of",
        "actual": "Actual",
        "target": "Target",
        "stretch": "Stretch",
        "achievement": "Achievement",
        "pacing": "Pacing",
        "expected": "Expected to date",
        "projected": "Projected",
        "gap": "Gap",
        "bottleneck": "Bottleneck",
        "bottleneck_share": "share of the KGI gap",
        "effect": "Effect on the KGI",
        "top_dimension": "Top contributor",
        "no_bottleneck": "Nothing is pulling the KGI down",
        "headline": "Headline KPIs",
        "owner": "Owner",
        "definition": "Definition",
        "formula": "Formula",
        "unit": "Unit",
        "direction": "Direction",
        "higher": "higher is better",
        "lower": "lower is better",
        "sql": "SQL (explain)",
        "history": "History",
        "plan_by_month": "Plan by month",
        "drilldown": "Drill-down",
        "value": "Value",
        "change": "Change",
        "share": "Share",
        "basis_year_ago": "vs same period last year",
        "basis_previous": "vs previous period",
        "basis_none": "no period to compare with",
        "vs_previous": "vs previous",
        "vs_year": "vs last year",
        "maturing": "maturing",
        "stale": "stale data",
        "no_value": "cannot be computed",
        "reason_no_binding": "no data binding and no formula",
        "reason_manual": "no manual value imported",
        "reason_inputs": "missing inputs: ",
        "reason_not_computed": "no value for this period",
        "reason_slice": "targets are planned for the whole, not per dimension value",
        "implied": "implied",
        "reason_implied": "not measured: the value that the measured {parents} imply through "
        "the formula (the bottleneck counts it)",
        "stage": "Stage",
        "count": "Count",
        "step_rate": "% of previous",
        "cumulative_rate": "% of first",
        "not_measured": "not measured",
        "benchmark": "Benchmark",
        "grain": "Grain",
        "imports": "Imports",
        "source": "Source",
        "file": "File",
        "finished": "Finished",
        "age_days": "Age (days)",
        "rows": "Rows",
        "rejected": "Rejected",
        "status": "Status",
        "rejects": "Rejected rows",
        "row": "Row",
        "column": "Column",
        "reason": "Reason",
        "quality": "Quality checks",
        "refresh": "Refresh",
        "computed_at": "Computed at",
        "refresh_busy": "An import or refresh is running; showing the previous values.",
        "refresh_ok": "Showing the latest computed values",
        "export_csv": "CSV",
        "export_xlsx": "Excel",
        "export_svg": "SVG",
        "review_pdf": "Review report (PDF)",
        "review_xlsx": "Review report (Excel)",
        "language": "日本語",
        "expand": "expand",
        "collapse": "collapse",
        "none": "none",
        "channel": "Channel",
        "fy": "FY",
        "h1": "H1",
        "h2": "H2",
        "grain_fiscal_year": "Fiscal year",
        "grain_half": "Half",
        "grain_quarter": "Quarter",
        "grain_month": "Month",
        "grain_week": "Week",
        "grain_day": "Day",
        "skip": "Skip to content",
        "findings": "findings",
        "no_findings": "No findings",
        "slice_note": "Filtered: ",
        "cumulative": "Actual (cumulative)",
        "offset": "more than the whole gap (other drivers offset part of it)",
        "days_ago": "{days} d old",
        "projected_short": "proj.",
        "band_green": "on target zone",
        "band_amber": "at risk zone",
        "band_red": "off target zone",
        "allowable": "Allowable",
        "allowable_over": "outside allowable",
        "allowable_within": "within allowable",
        "channel_kpis": "Channel KPIs",
        "type_large": "Large type",
        "type_normal": "Normal type",
        "phone_read_only": "Read-only on a phone (edit on a computer)",
        "basis": "Basis",
        "basis_period": "Period basis",
        "basis_cohort": "Cohort basis",
        "basis_period_note": (
            "Period basis: entries into each stage dated in the period, whenever the lead"
            " was created"
        ),
        "basis_cohort_note": (
            "Cohort basis: the leads created in the period, followed through the stages up"
            " to the data's last day"
        ),
        "breakdown": "Breakdown",
        "breakdown_none": "No breakdown",
    },
}

for _lang, _strings in SCORING_TEXT.items():
    TEXT[_lang].update(_strings)
for _lang, _strings in ALERT_RULE_TEXT.items():
    TEXT[_lang].update(_strings)
for _lang, _strings in ALERT_SLA_TEXT.items():
    TEXT[_lang].update(_strings)


def pick_lang(query: str | None, cookie: str | None, default: str) -> str:
    for candidate in (query, cookie, default):
        if candidate in LANGS:
            return str(candidate)
    return "ja"


class Formatter:
    """Numbers, money and dates for one language."""

    def __init__(self, lang: str, currency: str = "JPY") -> None:
        self.lang = lang
        self.locale = BABEL_LOCALE.get(lang, "ja_JP")
        self.currency = currency

    def value(self, value: float | None, unit: Unit | None, *, compact: bool = False) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return MISSING
        if math.isinf(value):
            return "∞"
        kind = unit.kind if unit else None
        if kind is UnitKind.CURRENCY:
            return self.money(value, (unit.currency if unit else None) or self.currency, compact)
        if kind is UnitKind.RATIO:
            return self.percent(value)
        if kind is UnitKind.DAYS:
            text = format_decimal(value, "#,##0.0", locale=self.locale)
            return f"{text}日" if self.lang == "ja" else f"{text} days"
        if kind is UnitKind.HOURS:
            text = format_decimal(value, "#,##0.0", locale=self.locale)
            return f"{text}時間" if self.lang == "ja" else f"{text} h"
        if compact and abs(value) >= 10_000:
            return format_compact_decimal(value, locale=self.locale, fraction_digits=1)
        pattern = "#,##0" if float(value).is_integer() or abs(value) >= 100 else "#,##0.0#"
        return format_decimal(value, pattern, locale=self.locale)

    def money(self, value: float, currency: str, compact: bool = False) -> str:
        if compact and abs(value) >= 100_000:
            return format_compact_currency(
                value, currency, locale=self.locale, fraction_digits=1 if self.lang == "en" else 0
            )
        return format_currency(
            value, currency, locale=self.locale, format_type="standard", currency_digits=True
        )

    def percent(self, value: float | None, *, signed: bool = False) -> str:
        if value is None or math.isnan(value) or math.isinf(value):
            return MISSING
        pattern = "+#,##0.0%;-#,##0.0%" if signed else "#,##0.0%"
        return format_decimal(value, pattern, locale=self.locale)

    def change(self, value: float | None, unit: Unit | None) -> str:
        """A signed change in the node's unit (points for ratios)."""
        if value is None or math.isnan(value):
            return MISSING
        if unit is not None and unit.kind is UnitKind.RATIO:
            return format_decimal(value * 100, "+#,##0.0;-#,##0.0", locale=self.locale) + "pt"
        text = self.value(abs(value), unit)
        return ("+" if value >= 0 else "-") + text

    def date(self, day: date | None) -> str:
        if day is None:
            return MISSING
        return format_date(day, "long" if self.lang == "ja" else "medium", locale=self.locale)

    def datetime(self, moment: datetime | Any) -> str:
        if not isinstance(moment, datetime):
            return MISSING if moment is None else str(moment)
        return format_datetime(moment, "medium", locale=self.locale)
