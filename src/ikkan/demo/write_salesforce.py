"""Salesforce opportunity report, "Details Only" CSV, Japanese (Windows) = cp932, ja_JP.

Unverified (reference §2, §8): the JA wording of the total line ("合計 (N レコード)"), the
type values (種別) and the 商談 所有者 label; the English default stage names are kept as many
JA orgs do (the reference example shows "Closed Won" in a JA file).
"""

from __future__ import annotations

from datetime import datetime

from ikkan.demo.channels import CHANNELS_BY_KEY
from ikkan.demo.manifest import WrittenFile
from ikkan.demo.output import FileSet, Sheet, slash_date, thousands, to_fullwidth
from ikkan.demo.records import ENTERPRISE, Deal, World

HEADERS = (
    "商談名",
    "取引先名",
    "フェーズ",
    "金額",
    "完了予定日",
    "リードソース",
    "作成日",
    "種別",
    "商談 所有者",
)
STAGES = (
    "Prospecting",
    "Qualification",
    "Needs Analysis",
    "Proposal/Price Quote",
    "Negotiation/Review",
    "Closed Won",
    "Closed Lost",
)
# 種別: Salesforce's default JA values for new and upgrade; 更新 and クロスセル are the
# custom values a subscription business adds.
TYPES = {
    "new": "新規顧客",
    "upsell": "既存顧客 - アップグレード",
    "cross_sell": "クロスセル",
    "renewal": "更新",
}
FULLWIDTH_EVERY = 37  # every 37th amount is typed with full-width digits


def report_name(export_time: datetime) -> str:
    epoch_ms = int((export_time - datetime(1970, 1, 1)).total_seconds() * 1000) - 9 * 3_600_000
    return f"salesforce/report{epoch_ms}.csv"


def _lead_source(deal: Deal) -> str:
    """The customer's original lead source: set on lead conversion for the first deal and
    copied from the account onto renewals and expansions (a common org setting)."""
    channel = deal.lead_source or (deal.lead.channel if deal.lead is not None else "")
    return CHANNELS_BY_KEY[channel].salesforce_lead_source if channel else ""


def write_opportunities(world: World, files: FileSet, export_time: datetime) -> None:
    path = report_name(export_time)
    sheet = Sheet(quote_all=True, newline="\r\n")
    sheet.row(HEADERS)
    deals = [d for d in world.deals if d.unit == ENTERPRISE]
    deals.sort(key=lambda d: (d.closed, d.record_id))
    total = 0
    bad_at = (len(deals) // 4, len(deals) * 3 // 4)
    for index, deal in enumerate(deals):
        if index == bad_at[0]:
            line = sheet.row(
                [
                    "株式会社テスト 全社導入",
                    "株式会社テスト",
                    "Closed Won",
                    "4,800,000",
                    "2026/02/30",
                    "展示会",
                    "2025/12/01",
                    TYPES["new"],
                    "木村 隆",
                ]
            )
            files.bad(
                path,
                line,
                "株式会社テスト 全社導入",
                "完了予定日",
                "2026/02/30",
                "impossible date (February has no 30th)",
            )
        if index == bad_at[1]:
            line = sheet.row(
                [
                    "(株)テスト 追加ライセンス",
                    "(株)テスト",
                    "Negotiation/Review",
                    "未定",
                    "2026/12/18",
                    "",
                    "2026/08/03",
                    TYPES["upsell"],
                    "清水 千尋",
                ]
            )
            files.bad(
                path, line, "(株)テスト 追加ライセンス", "金額", "未定", "amount is not a number"
            )
        amount = thousands(deal.amount)
        fullwidth = index % FULLWIDTH_EVERY == 5
        if fullwidth:
            amount = to_fullwidth(amount)
        name = deal.name.replace(deal.company.canonical, deal.company_spelling)
        line = sheet.row(
            [
                name,
                deal.company_spelling,
                STAGES[deal.stage_index],
                amount,
                slash_date(deal.closed.date()),
                _lead_source(deal),
                slash_date(deal.created.date()),
                TYPES[deal.kind],
                deal.owner,
            ]
        )
        total += deal.amount
        if fullwidth:
            files.quirk(path, line, "金額", amount, f"{deal.amount} yen in full-width digits")
        if deal.company_spelling != deal.company.canonical:
            files.quirk(
                path,
                line,
                "取引先名",
                deal.company_spelling,
                f"the company {deal.company.canonical}",
            )
    rows = len(deals) + 2
    sheet.raw("")
    sheet.row([f"合計 ({rows} レコード)", "", "", thousands(total)])
    sheet.row([""])
    sheet.row(["Confidential Information - Do Not Distribute"])
    sheet.row([f"Copyright (c) 2000-{export_time.year} salesforce.com, inc. All rights reserved."])
    written = WrittenFile(
        path=path,
        format="salesforce_opportunities",
        encoding="cp932",
        delimiter=",",
        language="ja",
        header_line=1,
        data_rows=rows,
        period_start=world.start,
        period_end=world.end,
        note="エンタープライズ事業部 opportunities; the total line sums valid amounts only",
    )
    files.write(sheet, written)
