"""Ad platform and web analytics exports: GA4, Google Ads, Meta, Yahoo!広告.

Unverified shapes (reference §8), chosen as the most plausible: the GA4 JA total label (合計)
and placing the total row last; the Google Ads JA date-range row (2025年4月1日～2026年3月31日);
Meta's BOM; the Yahoo!広告 date format (2025/04/01) and its 合計 row position (last).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from ikkan.demo.manifest import WrittenFile
from ikkan.demo.output import FileSet, Sheet, slash_date, thousands
from ikkan.demo.records import AdDay, TrafficDay, World

GA4_EN = (
    "Date",
    "Session default channel group",
    "Sessions",
    "Engaged sessions",
    "Engagement rate",
    "Key events",
)
GA4_JA = (
    "日付",
    "セッションのデフォルト チャネル グループ",
    "セッション",
    "エンゲージのあったセッション数",
    "エンゲージメント率",
    "キーイベント",
)


def split_window(world: World) -> list[tuple[date, date, str]]:
    """The window cut at the start of its last fiscal year: (start, end, language)."""
    last_fy_start = date(world.end.year if world.end.month >= 4 else world.end.year - 1, 4, 1)
    parts = []
    if last_fy_start > world.start:
        parts.append((world.start, last_fy_start - timedelta(days=1), "ja"))
        parts.append((last_fy_start, world.end, "en"))
    else:
        parts.append((world.start, world.end, "ja"))
    return parts


def write_ga4(world: World, files: FileSet) -> None:
    for start, end, language in split_window(world):
        ja = language == "ja"
        rows = [t for t in world.traffic if start <= t.day <= end]
        stem = "トラフィック獲得" if ja else "Traffic_acquisition"
        path = f"ga4/{stem}_{start:%Y%m%d}-{end:%Y%m%d}.csv"
        sheet = Sheet()
        dashes = "# " + "-" * 40
        sheet.raw(dashes)
        if ja:
            sheet.raw("# トラフィック獲得: セッションのデフォルト チャネル グループ")
            sheet.raw(f"# アカウント: {world.company}")
            sheet.raw("# プロパティ: sample.co.jp - GA4")
        else:
            sheet.raw("# Traffic acquisition: Session default channel group")
            sheet.raw(f"# Account: {world.company}")
            sheet.raw("# Property: sample.co.jp - GA4")
        sheet.raw(dashes)
        sheet.raw("#")
        sheet.raw(f"# {'開始日' if ja else 'Start date'}: {start:%Y%m%d}")
        sheet.raw(f"# {'終了日' if ja else 'End date'}: {end:%Y%m%d}")
        sheet.raw(dashes)
        sheet.raw("")
        header_line = sheet.row(GA4_JA if ja else GA4_EN)
        for t in rows:
            sheet.row(_ga4_row(t))
        sessions = sum(t.sessions for t in rows)
        engaged = sum(t.engaged_sessions for t in rows)
        events = sum(t.key_events for t in rows)
        rate = round(engaged / sessions, 4) if sessions else 0
        sheet.row(["合計" if ja else "Grand total", "", sessions, engaged, rate, events])
        files.write(
            sheet,
            WrittenFile(
                path=path,
                format="ga4_traffic_acquisition",
                encoding="utf-8",
                delimiter=",",
                language=language,
                header_line=header_line,
                data_rows=len(rows),
                period_start=start,
                period_end=end,
            ),
        )


def _ga4_row(t: TrafficDay) -> list[object]:
    rate = round(t.engaged_sessions / t.sessions, 4) if t.sessions else 0
    return [f"{t.day:%Y%m%d}", t.channel_group, t.sessions, t.engaged_sessions, rate, t.key_events]


def _campaign_type(day: AdDay, ja: bool) -> str:
    if day.channel == "display":
        return "ディスプレイ" if ja else "Display"
    return "検索" if ja else "Search"


MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")  # fmt: skip


def _en_long_date(day: date) -> str:
    """ "April 1, 2026" whatever the process locale."""
    return f"{MONTHS_EN[day.month - 1]} {day.day}, {day.year}"


def _ja_long_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def write_google_ads(world: World, files: FileSet) -> None:
    days = [d for d in world.ad_days if d.platform == "google"]
    for start, end, language in split_window(world):
        ja = language == "ja"
        rows = sorted((d for d in days if start <= d.day <= end), key=lambda d: (d.day, d.campaign))
        if ja:  # Excel CSV: UTF-16LE with BOM, tab separated
            sheet = Sheet(delimiter="\t", newline="\r\n")
            sheet.raw("キャンペーン レポート")
            sheet.raw(f"{_ja_long_date(start)}～{_ja_long_date(end)}")
            header = (
                "日",
                "キャンペーン",
                "キャンペーン タイプ",
                "表示回数",
                "クリック数",
                "費用",
                "コンバージョン",
                "通貨コード",
                "平均クリック単価",
                "コンバージョン単価",
            )
            path = f"google-ads/キャンペーン_レポート_{start:%Y%m%d}-{end:%Y%m%d}.csv"
        else:
            sheet = Sheet()
            sheet.raw("Campaign report")
            sheet.row([f"{_en_long_date(start)} - {_en_long_date(end)}"])
            header = (
                "Day",
                "Campaign",
                "Campaign type",
                "Impr.",
                "Clicks",
                "Cost",
                "Conversions",
                "Currency code",
                "Avg. CPC",
                "Cost / conv.",
            )
            path = f"google-ads/Campaign_report_{start:%Y%m%d}-{end:%Y%m%d}.csv"
        header_line = sheet.row(header)
        for d in rows:
            sheet.row(_google_row(d.day.isoformat(), _campaign_type(d, ja), [d]))
        for kind in ("Search", "Display") if not ja else ():
            subset = [d for d in rows if _campaign_type(d, False) == kind]
            sheet.row(_google_row(f"Total: {kind}", "", subset))
        sheet.row(_google_row("合計: アカウント" if ja else "Total: Account", "", rows))
        files.write(
            sheet,
            WrittenFile(
                path=path,
                format="google_ads_campaigns",
                encoding="utf-16" if ja else "utf-8",
                delimiter="\t" if ja else ",",
                language=language,
                header_line=header_line,
                data_rows=len(rows),
                period_start=start,
                period_end=end,
                note="Excel CSV download" if ja else "plain CSV download",
            ),
        )


def _google_row(first: str, campaign_type: str, days: Iterable[AdDay]) -> list[object]:
    days = list(days)
    impressions = sum(d.impressions for d in days)
    clicks = sum(d.clicks for d in days)
    cost = sum(d.cost for d in days)
    conversions = sum(d.conversions for d in days)
    campaign = days[0].campaign if campaign_type and days else ""
    cpc = thousands(round(cost / clicks)) if clicks else "--"
    per_conversion = thousands(round(cost / conversions)) if conversions else "--"
    return [
        first,
        campaign,
        campaign_type,
        thousands(impressions),
        thousands(clicks),
        thousands(cost),
        f"{conversions:.2f}",
        "JPY",
        cpc,
        per_conversion,
    ]


META_HEADERS = (
    "レポート開始日",
    "レポート終了日",
    "日",
    "キャンペーン名",
    "広告セット名",
    "広告配信",
    "結果",
    "結果の単価",
    "リーチ",
    "インプレッション",
    "リンクのクリック",
    "消化金額 (JPY)",
)


def write_meta(world: World, files: FileSet) -> None:
    rows = sorted(
        (d for d in world.ad_days if d.platform == "meta"), key=lambda d: (d.day, d.campaign)
    )
    sheet = Sheet()
    sheet.row(META_HEADERS)
    for d in rows:
        per_result = round(d.cost / d.conversions) if d.conversions else ""
        ad_set = (
            "類似オーディエンス_決裁者" if d.campaign.startswith("FB") else "興味関心_BtoBマーケ"
        )
        sheet.row(
            [
                d.day.isoformat(),
                d.day.isoformat(),
                d.day.isoformat(),
                d.campaign,
                ad_set,
                "inactive" if d.day < world.end else "active",
                d.conversions or "",
                per_result,
                round(d.impressions * 0.71),
                d.impressions,
                d.clicks,
                d.cost,
            ]
        )
    path = f"meta/Meta_広告_日別_{world.start:%Y%m%d}-{world.end:%Y%m%d}.csv"
    files.write(
        sheet,
        WrittenFile(
            path=path,
            format="meta_ads",
            encoding="utf-8-sig",
            delimiter=",",
            language="ja",
            header_line=1,
            data_rows=len(rows),
            period_start=world.start,
            period_end=world.end,
            note="day breakdown; 結果 = leads",
        ),
    )


YAHOO_HEADERS = (
    "日",
    "アカウント名",
    "キャンペーンID",
    "キャンペーン名",
    "インプレッション数",
    "クリック数",
    "クリック率",
    "コスト",
    "コンバージョン数",
    "平均CPC",
)
REFUND_CAMPAIGN = "無効クリック返金調整"


def refund_amount(world: World) -> tuple[date, int]:
    """The one ad refund in the window: (day, negative yen)."""
    day = world.start + timedelta(days=(world.end - world.start).days * 2 // 3)
    return day, -3_240


def write_yahoo(world: World, files: FileSet) -> None:
    rows = sorted(
        (d for d in world.ad_days if d.platform == "yahoo"), key=lambda d: (d.day, d.campaign)
    )
    campaign_ids = {"YSA_一般キーワード": "301245678", "YDA_リターゲティング": "301245702"}
    account = f"{world.company} 検索・ディスプレイ"
    path = _yahoo_path(world)
    sheet = Sheet(newline="\r\n")
    sheet.row(YAHOO_HEADERS)
    refund_day, refund = refund_amount(world)
    refunded = False
    for d in rows:
        if not refunded and d.day >= refund_day:
            line = sheet.row(
                [
                    slash_date(refund_day),
                    account,
                    "301299001",
                    REFUND_CAMPAIGN,
                    0,
                    0,
                    "0.00%",
                    f"△{thousands(-refund)}",
                    0,
                    0,
                ]
            )
            files.quirk(
                path,
                line,
                "コスト",
                f"△{thousands(-refund)}",
                f"{refund} yen (a refund; △ marks a negative number)",
            )
            refunded = True
        ctr = f"{d.clicks / d.impressions:.2%}" if d.impressions else "0.00%"
        sheet.row(
            [
                slash_date(d.day),
                account,
                campaign_ids.get(d.campaign, "301299999"),
                d.campaign,
                d.impressions,
                d.clicks,
                ctr,
                d.cost,
                d.conversions,
                round(d.cost / d.clicks) if d.clicks else 0,
            ]
        )
    impressions = sum(d.impressions for d in rows)
    clicks = sum(d.clicks for d in rows)
    cost = sum(d.cost for d in rows) + (refund if refunded else 0)
    ctr = f"{clicks / impressions:.2%}" if impressions else "0.00%"
    sheet.row(
        [
            "合計",
            "",
            "",
            "",
            impressions,
            clicks,
            ctr,
            cost,
            sum(d.conversions for d in rows),
            round(cost / clicks) if clicks else 0,
        ]
    )
    files.write(
        sheet,
        WrittenFile(
            path=path,
            format="yahoo_ads",
            encoding="cp932",
            delimiter=",",
            language="ja",
            header_line=1,
            data_rows=len(rows) + (1 if refunded else 0),
            period_start=world.start,
            period_end=world.end,
            note="campaign report, SJIS download",
        ),
    )


def _yahoo_path(world: World) -> str:
    return f"yahoo/キャンペーンレポート_{world.start:%Y%m%d}-{world.end:%Y%m%d}.csv"
