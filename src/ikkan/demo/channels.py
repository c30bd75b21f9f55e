"""Acquisition channels of the fictional company, with their funnel behaviour.

Rates are per stage (MQL of leads, SQL of MQLs, opportunity of SQLs, won of closed deals) and
follow the seed articles: web-ad leads reach an opportunity 11–20% of the time (paid search
here: 0.45 × 0.62 × 0.60 ≈ 17%), display below 5% (the "review targeting / LP" case), events
and webinars have good MQL rates, win rates around 20%.
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
    Channel(
        "organic_search",
        "Organic Search",
        "オーガニック検索",
        ("google", "yahoo", "bing"),
        0.20,
        0.10,
        0.35,
        0.55,
        0.55,
        0.22,
        "Web",
        "Organic Search",
    ),
    Channel(
        "paid_search",
        "Paid Search",
        "有料検索",
        ("Google", "Yahoo! JAPAN"),
        0.19,
        0.10,
        0.45,
        0.62,
        0.60,
        0.22,
        "Web広告",
        "Paid Search",
    ),
    Channel(
        "display",
        "Other Campaigns",
        "その他のキャンペーン",
        ("display",),
        0.08,
        0.02,
        0.18,
        0.40,
        0.45,
        0.15,
        "Web広告",
        "Display",
    ),
    Channel(
        "paid_social",
        "Paid Social",
        "有料ソーシャル",
        ("Facebook", "Instagram"),
        0.10,
        0.03,
        0.25,
        0.50,
        0.50,
        0.18,
        "Web広告",
        "Paid Social",
    ),
    Channel(
        "email",
        "Email Marketing",
        "Eメールマーケティング",
        ("メルマガ",),
        0.06,
        0.05,
        0.40,
        0.50,
        0.55,
        0.20,
        "メールマガジン",
        "Email",
    ),
    Channel(
        "webinar",
        "Offline Sources",
        "オフラインソース",
        ("ZOOM",),
        0.14,
        0.20,
        0.55,
        0.50,
        0.50,
        0.20,
        "ウェビナー",
        None,
    ),
    Channel(
        "event",
        "Offline Sources",
        "オフラインソース",
        ("IMPORT",),
        0.10,
        0.30,
        0.50,
        0.45,
        0.50,
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
        0.15,
        0.50,
        0.70,
        0.70,
        0.28,
        "パートナー紹介",
        "Referral",
    ),
    Channel(
        "direct",
        "Direct Traffic",
        "ノーリファラー",
        ("",),
        0.08,
        0.05,
        0.35,
        0.55,
        0.55,
        0.22,
        "Web",
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
    PaidCampaign("google", "ディスプレイ_リマケ", "display", 0.60, 60, 0.004, 0.004),
    PaidCampaign("yahoo", "YDA_リターゲティング", "display", 0.40, 45, 0.003, 0.003),
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
