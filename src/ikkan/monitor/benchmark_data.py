"""The built-in benchmark table. Every entry says where its numbers come from.

Only numbers the source articles (``shared/seeds``) state are shipped; industry, deal size
and product move them a lot, so the articles themselves advise setting targets from the
company's own history. Projects add or replace entries (``benchmarks.merge_benchmarks``).
"""

from __future__ import annotations

from ikkan.monitor.benchmarks import Benchmark, BenchmarkBand, BenchmarkLevel

WEB_AD_CHANNELS = ("web_ad", "paid_search", "paid_social", "display", "display_ad", "web広告")

_SURVEY_JA = (
    "2025年BtoBマーケター調査（n=330）。出典記事: マーケティングKPI設計で失敗する企業に共通する課題"
)
_SURVEY_EN = "2025 B2B marketer survey (n=330), as cited in the seed article on KPI design failures"
_TEMPLATE_JA = "共通KPI設計テンプレート（マーケ・営業・IS共通KPI設計）の例示値"
_TEMPLATE_EN = "the example values of the cross-department KPI template (seed article 004)"
_OWN_HISTORY_JA = (
    "業種・単価・商材により大きく変動します。自社の過去データを基準に目標を設定してください。"
)
_OWN_HISTORY_EN = (
    "Varies widely by industry, deal size and product; set targets from your own history."
)

WEB_AD_OPPORTUNITY_RATE = Benchmark(
    id="web_ad_opportunity_rate",
    metric="opportunity_rate",
    scope={"channel": WEB_AD_CHANNELS},
    unit="ratio",
    label_ja="Web広告経由リードの商談化率",
    label_en="Opportunity rate of web-ad leads",
    basis="survey",
    source_ja=_SURVEY_JA,
    source_en=_SURVEY_EN,
    note_ja=_OWN_HISTORY_JA,
    note_en=_OWN_HISTORY_EN,
    bands=(
        BenchmarkBand(
            upper=0.05,
            level=BenchmarkLevel.REVIEW,
            label_ja="5%未満",
            label_en="below 5%",
            advice_ja="ターゲティングやLPの見直しが必要です",
            advice_en="Review the ad targeting and the landing page",
        ),
        BenchmarkBand(
            lower=0.05,
            upper=0.11,
            level=BenchmarkLevel.BELOW,
            label_ja="ボリュームゾーン（11–20%）未満",
            label_en="below the typical 11–20%",
            advice_ja="リードの質（ターゲティング・訴求）と商談化プロセスを確認しましょう",
            advice_en="Check lead quality (targeting, message) and the follow-up process",
        ),
        BenchmarkBand(
            lower=0.11,
            upper=0.20,
            upper_inclusive=True,
            level=BenchmarkLevel.NORMAL,
            label_ja="ボリュームゾーン（11–20%）",
            label_en="within the typical 11–20%",
        ),
        BenchmarkBand(
            lower=0.20,
            level=BenchmarkLevel.ABOVE,
            label_ja="ボリュームゾーン（11–20%）超",
            label_en="above the typical 11–20%",
            advice_ja="配信量を増やす余地があるか検討しましょう",
            advice_en="Consider whether the channel can take more budget",
        ),
    ),
)

CHURN_RATE = Benchmark(
    id="churn_rate_guideline",
    metric="churn_rate",
    unit="ratio",
    label_ja="解約率",
    label_en="Churn rate",
    basis="guideline",
    source_ja=_TEMPLATE_JA + "（既存顧客維持: 解約率5%以下）",
    source_en=_TEMPLATE_EN + " (retention: churn 5% or less)",
    note_ja=_OWN_HISTORY_JA,
    note_en=_OWN_HISTORY_EN,
    bands=(
        BenchmarkBand(
            upper=0.05,
            upper_inclusive=True,
            level=BenchmarkLevel.NORMAL,
            label_ja="目安（5%以下）内",
            label_en="within the 5% guideline",
        ),
        BenchmarkBand(
            lower=0.05,
            level=BenchmarkLevel.REVIEW,
            label_ja="目安（5%以下）超過",
            label_en="above the 5% guideline",
            advice_ja="既存顧客維持（カスタマーサクセス）の施策を見直しましょう",
            advice_en="Review the retention (customer success) actions",
        ),
    ),
)

RETENTION_RATE = Benchmark(
    id="retention_rate_guideline",
    metric="retention_rate",
    unit="ratio",
    label_ja="継続率",
    label_en="Retention rate",
    basis="guideline",
    source_ja=_TEMPLATE_JA + "（継続率: 95%）",
    source_en=_TEMPLATE_EN + " (retention rate 95%)",
    note_ja=_OWN_HISTORY_JA,
    note_en=_OWN_HISTORY_EN,
    bands=(
        BenchmarkBand(
            upper=0.95,
            level=BenchmarkLevel.BELOW,
            label_ja="目安（95%）未満",
            label_en="below the 95% guideline",
            advice_ja="解約理由を確認し、オンボーディングと定期フォローを見直しましょう",
            advice_en="Look at churn reasons; review onboarding and regular follow-up",
        ),
        BenchmarkBand(
            lower=0.95,
            level=BenchmarkLevel.NORMAL,
            label_ja="目安（95%以上）",
            label_en="at or above the 95% guideline",
        ),
    ),
)

NPS = Benchmark(
    id="nps_guideline",
    metric="nps",
    unit="score",
    label_ja="NPS（顧客推奨度）",
    label_en="NPS",
    basis="guideline",
    source_ja=_TEMPLATE_JA + "（NPS 40以上）",
    source_en=_TEMPLATE_EN + " (NPS 40 or more)",
    note_ja=_OWN_HISTORY_JA,
    note_en=_OWN_HISTORY_EN,
    bands=(
        BenchmarkBand(
            upper=40,
            level=BenchmarkLevel.BELOW,
            label_ja="目安（40以上）未満",
            label_en="below the guideline of 40",
            advice_ja="批判者の声（顧客の声）を集め、改善施策をPDCAログに残しましょう",
            advice_en="Collect detractors' comments and log the improvement actions",
        ),
        BenchmarkBand(
            lower=40,
            level=BenchmarkLevel.NORMAL,
            label_ja="目安（40以上）",
            label_en="at or above the guideline of 40",
        ),
    ),
)

ROMI = Benchmark(
    id="romi_break_even",
    metric="romi",
    unit="ratio",
    label_ja="ROMI（マーケティング投資対効果）",
    label_en="ROMI",
    basis="definition",
    source_ja="定義より: ROMI =（売上 − 費用）÷ 費用。0%未満は投資を回収できていない状態",
    source_en="by definition: ROMI = (revenue - cost) / cost; below 0% the spend is not recovered",
    bands=(
        BenchmarkBand(
            upper=0.0,
            level=BenchmarkLevel.REVIEW,
            label_ja="投資未回収（0%未満）",
            label_en="spend not recovered (below 0%)",
            advice_ja="施策の継続可否と配分を見直しましょう",
            advice_en="Review whether to continue the initiative and its budget share",
        ),
        BenchmarkBand(
            lower=0.0,
            level=BenchmarkLevel.NORMAL,
            label_ja="投資回収済み（0%以上）",
            label_en="spend recovered (0% or more)",
        ),
    ),
)

BUILTIN_BENCHMARKS: tuple[Benchmark, ...] = (
    WEB_AD_OPPORTUNITY_RATE,
    CHURN_RATE,
    RETENTION_RATE,
    NPS,
    ROMI,
)
