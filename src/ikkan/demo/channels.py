"""Acquisition channels of the fictional company, with their funnel behaviour.

Rates are per stage (MQL of leads, SQL of MQLs, opportunity of SQLs, won of closed deals),
calibrated to the project template (seed 004): about 40% of leads become MQLs (plan 40%),
about 20% of MQLs become opportunities — the designed bottleneck against the plan's 30%
(seed 004: "商談化率30%が現在20%しかない") — and about 20% of opportunities are won (plan
20%). Display leads reach an opportunity about 3% of the time, below seed 000's 5% line.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Channel:
    key: str
    hubspot_source: str  # "Original Source" label in an EN export
    hubspot_source_ja: str  # the same in a JA export (unverified wording)
    drill_downs: tuple[str, ...]  # "Original Source Drill-Down 1" values
    share_main: float
    share_enterprise: float
    mql_rate: float
    sql_rate: float
    opportunity_rate: float
    win_rate: float
    salesforce_lead_source: str
    ga4_channel: str | None  # the GA4 default channel group its form fills land in


CHANNELS: tuple[Channel, ...] = (
    # key, HubSpot source (EN, JA), drill-downs, share main / enterprise,
    # MQL, SQL, opportunity, win rates, Salesforce lead source, GA4 group
    Channel(
        "organic_search",
        "Organic Search",
        "オーガニック検索",
        ("google", "yahoo", "bing"),
        0.22,
        0.12,
        0.38,
        0.50,
        0.40,
        0.22,
        "自然検索",
        "Organic Search",
    ),
    Channel(
        "paid_search",
        "Paid Search",
        "有料検索",
        ("Google", "Yahoo! JAPAN"),
        0.20,
        0.10,
        0.42,
        0.52,
        0.40,
        0.20,
        "リスティング広告",
        "Paid Search",
    ),
    # The drill-down story: display leads rarely become opportunities (about 3% of leads,
    # below seed 000's 5% line — "review targeting and the landing page").
    Channel(
        "display",
        "Other Campaigns",
        "その他のキャンペーン",
        ("display",),
        0.10,
        0.03,
        0.20,
        0.40,
        0.38,
        0.15,
        "ディスプレイ広告",
        "Display",
    ),
    Channel(
        "paid_social",
        "Paid Social",
        "有料ソーシャル",
        ("Facebook", "Instagram"),
        0.10,
        0.03,
        0.30,
        0.56,
        0.40,
        0.18,
        "SNS広告",
        "Paid Social",
    ),
    Channel(
        "email",
        "Email Marketing",
        "Eメールマーケティング",
        ("メルマガ",),
        0.07,
        0.05,
        0.45,
        0.50,
        0.40,
        0.20,
        "メールマガジン",
        "Email",
    ),
    # Webinar registrants sign up on Zoom's registration page (no key event on the site);
    # HubSpot records the contacts the Zoom integration creates as Offline Sources, the
    # template counts them as other leads (その他のリード数) beside the web leads.
    Channel(
        "webinar",
        "Offline Sources",
        "オフラインソース",
        ("INTEGRATION",),
        0.13,
        0.20,
        0.52,
        0.45,
        0.40,
        0.20,
        "ウェビナー",
        None,
    ),
    Channel(
        "event",
        "Offline Sources",
        "オフラインソース",
        ("IMPORT",),
        0.03,
        0.15,
        0.50,
        0.45,
        0.40,
        0.20,
        "展示会",
        None,
    ),
    Channel(
        "referral",
        "Referrals",
        "参照元サイト",
        ("partner-portal.jp", "itreview.jp"),
        0.05,
        0.17,
        0.55,
        0.60,
        0.50,
        0.28,
        "紹介",
        "Referral",
    ),
    Channel(
        "direct",
        "Direct Traffic",
        "ノーリファラー",
        ("",),
        0.09,
        0.05,
        0.40,
        0.50,
        0.40,
        0.22,
        "ダイレクト",
        "Direct",
    ),
)

CHANNELS_BY_KEY = {c.key: c for c in CHANNELS}


@dataclass(frozen=True)
class PaidCampaign:
    platform: str  # google, yahoo, meta
    name: str
    channel: str  # Channel.key
    share: float  # share of the channel's leads
    cost_per_click: int  # yen
    conversion_rate: float  # leads per click
    click_through_rate: float


PAID_CAMPAIGNS: tuple[PaidCampaign, ...] = (
    PaidCampaign("google", "検索_指名", "paid_search", 0.30, 120, 0.080, 0.120),
    PaidCampaign("google", "検索_一般_MA", "paid_search", 0.35, 480, 0.022, 0.045),
    PaidCampaign("google", "検索_競合", "paid_search", 0.10, 650, 0.015, 0.030),
    PaidCampaign("yahoo", "YSA_一般キーワード", "paid_search", 0.25, 420, 0.020, 0.040),
    PaidCampaign("google", "ディスプレイ_リマケ", "display", 1.00, 60, 0.004, 0.004),
    PaidCampaign("meta", "FB_リード獲得_ホワイトペーパー", "paid_social", 0.75, 160, 0.012, 0.009),
    PaidCampaign("meta", "IG_認知_事例動画", "paid_social", 0.25, 90, 0.004, 0.006),
)

# "Original Source Drill-Down 1" of a paid lead, by platform and channel.
PLATFORM_DRILL_DOWN = {
    ("google", "paid_search"): "Google",
    ("yahoo", "paid_search"): "Yahoo! JAPAN",
    ("meta", "paid_social"): "Facebook",
}

# Trade shows: (month, day, name). Leads are imported a few business days later.
TRADE_SHOWS: tuple[tuple[int, int, str], ...] = (
    (5, 21, "マーケティングDX展 春"),
    (10, 22, "営業・マーケティング EXPO 秋"),
    (2, 4, "SaaS比較フェア 冬"),
)

WEBINAR_TOPICS: tuple[str, ...] = (
    "KPIツリーの作り方 — KGIから逆算する営業目標",
    "MQL定義とスコアリング入門",
    "商談化率を上げるインサイドセールスの型",
    "BtoBマーケティング予算の決め方 — CPAとCACの違い",
    "展示会リードを商談につなげるナーチャリング",
    "SFA/MA連携で集計作業をゼロにする方法",
    "カスタマーサクセスのKPI設計 — 継続率とアップセル",
    "Web広告の商談化率 11–20% を目指すLP改善",
)
