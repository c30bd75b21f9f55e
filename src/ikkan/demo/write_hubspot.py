"""HubSpot exports: contacts (EN and JA headers) and deals, UTF-8, comma, all quoted."""

from __future__ import annotations

from datetime import date

from ikkan.demo.channels import CHANNELS_BY_KEY
from ikkan.demo.manifest import WrittenFile
from ikkan.demo.names import INDUSTRY_JA
from ikkan.demo.output import FileSet, Sheet, hubspot_datetime
from ikkan.demo.records import ENTERPRISE, MAIN, Lead, World

CONTACT_HEADERS_EN = (
    "Record ID",
    "First Name",
    "Last Name",
    "Email",
    "Company Name",
    "Industry",
    "Number of Employees",
    "Job Title",
    "Create Date",
    "Lifecycle Stage",
    "Lead Status",
    "Original Source",
    "Original Source Drill-Down 1",
    "Original Source Drill-Down 2",
    "First touch converting campaign",
    "Contact owner",
    "Became a Lead Date",
    "Became a Marketing Qualified Lead Date",
    "Became a Sales Qualified Lead Date",
    "Became an Opportunity Date",
    "Became a Customer Date",
    "HubSpot Score",
)

# JA labels. Verified (reference §1): ライフサイクルステージ. Seen on a 2018 machine-translated
# HubSpot page: "MQL(マーケティング上の有望な見込み客)になった日付". Every other label below is
# UNVERIFIED (no JA export sample found): レコードID, 名, 姓, Eメール, 会社名, 業種, 従業員数,
# 役職, 作成日, リードステータス, 初回のソース, 初回のソースの詳細1/2, コンタクト担当者,
# リードになった日付, SQL(…)になった日付, 商談になった日付, 顧客になった日付, HubSpotスコア.
CONTACT_HEADERS_JA = (
    "レコードID",
    "名",
    "姓",
    "Eメール",
    "会社名",
    "業種",
    "従業員数",
    "役職",
    "作成日",
    "ライフサイクルステージ",
    "リードステータス",
    "初回のソース",
    "初回のソースの詳細1",
    "初回のソースの詳細2",
    "最初のタッチでコンバージョンに至ったキャンペーン",
    "コンタクト担当者",
    "リードになった日付",
    "MQL(マーケティング上の有望な見込み客)になった日付",
    "SQL(営業上の有望な見込み客)になった日付",
    "商談になった日付",
    "顧客になった日付",
    "HubSpotスコア",
)

LIFECYCLE_EN = {
    "lead": "Lead",
    "mql": "Marketing Qualified Lead",
    "sql": "Sales Qualified Lead",
    "opportunity": "Opportunity",
    "customer": "Customer",
}
LIFECYCLE_JA = {
    "lead": "リード",
    "mql": "MQL",
    "sql": "SQL",
    "opportunity": "商談",
    "customer": "顧客",
}

LEAD_STATUS_EN = {
    "new": "New",
    "open": "Open",
    "in_progress": "In Progress",
    "open_deal": "Open Deal",
    "unqualified": "Unqualified",
    "attempted_to_contact": "Attempted to Contact",
    "connected": "Connected",
    "bad_timing": "Bad Timing",
}
LEAD_STATUS_JA = {  # unverified JA labels of HubSpot's default lead statuses
    "new": "新規",
    "open": "オープン",
    "in_progress": "進行中",
    "open_deal": "商談中",
    "unqualified": "見込みなし",
    "attempted_to_contact": "接触試行中",
    "connected": "接続済み",
    "bad_timing": "タイミングが悪い",
}

DEAL_HEADERS = (
    "Record ID",
    "Deal Name",
    "Deal Stage",
    "Amount",
    "Close Date",
    "Create Date",
    "Pipeline",
    "Deal Type",
    "Deal owner",
    "Associated Contact IDs",
)
# Deal Type: HubSpot's two default options plus the custom ones a subscription business adds.
DEAL_TYPES = {
    "new": "New Business",
    "upsell": "Existing Business",
    "cross_sell": "Cross-sell",
    "renewal": "Renewal",
}
DEAL_STAGES = (
    "Appointment Scheduled",
    "Qualified To Buy",
    "Presentation Scheduled",
    "Decision Maker Bought-In",
    "Contract Sent",
    "Closed Won",
    "Closed Lost",
)


def export_name(view: str, day: date) -> str:
    return f"hubspot/hubspot-crm-exports-{view}-{day.isoformat()}.csv"


def _contact_row(lead: Lead, ja: bool) -> list[object]:
    channel = CHANNELS_BY_KEY[lead.channel]
    industry = INDUSTRY_JA[lead.company.industry] if ja else lead.company.industry
    return [
        lead.record_id,
        lead.person.first,
        lead.person.last,
        lead.email,
        lead.company_spelling,
        industry,
        lead.company.employees,
        lead.title,
        hubspot_datetime(lead.created, ja),
        (LIFECYCLE_JA if ja else LIFECYCLE_EN)[lead.lifecycle],
        (LEAD_STATUS_JA if ja else LEAD_STATUS_EN)[lead.status],
        channel.hubspot_source_ja if ja else channel.hubspot_source,
        lead.drill_down_1,
        lead.drill_down_2,
        lead.campaign,
        lead.owner,
        hubspot_datetime(lead.created, ja),
        hubspot_datetime(lead.mql, ja),
        hubspot_datetime(lead.sql, ja),
        hubspot_datetime(lead.opportunity, ja),
        hubspot_datetime(lead.customer, ja),
        lead.score,
    ]


def write_contacts(world: World, files: FileSet, *, unit: str) -> None:
    ja = unit == ENTERPRISE
    path = export_name("enterprise-contacts" if ja else "all-contacts", world.end)
    sheet = Sheet(quote_all=True)
    sheet.row(CONTACT_HEADERS_JA if ja else CONTACT_HEADERS_EN)
    leads = [lead for lead in world.leads if lead.unit == unit]
    leads.sort(key=lambda lead: lead.record_id, reverse=True)  # newest first, as HubSpot lists
    repeat = set(world.exact_duplicate_ids) if unit == MAIN else set()
    repeated: list[list[object]] = []
    bad_at = len(leads) // 3
    for index, lead in enumerate(leads):
        if index == bad_at:
            _bad_contact(world, files, sheet, path, ja)
        row = _contact_row(lead, ja)
        line = sheet.row(row)
        if lead.record_id in repeat:
            repeated.append(row)
        if lead.duplicate_of is not None:
            files.quirk(
                path,
                line,
                "Email",
                lead.email,
                f"same person as Record ID {lead.duplicate_of} (e-mail differs in case)",
            )
        elif lead.mql is None and lead.sql is not None:
            mql_column = CONTACT_HEADERS_JA[17] if ja else CONTACT_HEADERS_EN[17]
            files.quirk(
                path,
                line,
                mql_column,
                "",
                "reached SQL without an MQL date (passed MQL only by inference)",
            )
    for row in repeated:  # an exact copy of an earlier row, e.g. two exports pasted together
        line = sheet.row(row)
        column = "レコードID" if ja else "Record ID"
        files.quirk(path, line, column, str(row[0]), "exact duplicate of an earlier row")
    written = WrittenFile(
        path=path,
        format="hubspot_contacts",
        encoding="utf-8",
        delimiter=",",
        language="ja" if ja else "en",
        header_line=1,
        data_rows=sheet.next_line - 2,
        period_start=world.start,
        period_end=world.end,
        note="エンタープライズ事業部 contacts, JA UI export"
        if ja
        else "all contacts, EN UI export",
    )
    files.write(sheet, written)


def _bad_contact(world: World, files: FileSet, sheet: Sheet, path: str, ja: bool) -> None:
    record_id = 49_990 + (1 if ja else 0)
    created = "2025/09/31 09:30" if ja else "2026-02-30 10:12"
    row: list[object] = [
        record_id,
        "太郎",
        "不正",
        f"invalid.date{record_id}@example.jp",
        "株式会社テスト",
        "",
        50,
        "",
        created,
        "リード" if ja else "Lead",
        "",
        "Direct Traffic",
        "",
        "",
        "",
        "",
        created,
        "",
        "",
        "",
        "",
        5,
    ]
    line = sheet.row(row)
    column = "作成日" if ja else "Create Date"
    files.bad(path, line, record_id, column, created, "impossible date (no such day)")


def _associated(deal_lead: Lead | None) -> str:
    return str(deal_lead.record_id) if deal_lead is not None else ""


def write_deals(world: World, files: FileSet) -> None:
    path = export_name("all-deals", world.end)
    sheet = Sheet(quote_all=True)
    sheet.row(DEAL_HEADERS)
    deals = sorted((d for d in world.deals if d.unit == MAIN), key=lambda d: -d.record_id)
    bad_at = len(deals) // 2
    for index, deal in enumerate(deals):
        if index == bad_at:
            _bad_deals(files, sheet, path)
        new = deal.kind == "new"
        deal_type = DEAL_TYPES[deal.kind]
        sheet.row(
            [
                deal.record_id,
                deal.name,
                DEAL_STAGES[deal.stage_index],
                deal.amount,
                hubspot_datetime(deal.closed),
                hubspot_datetime(deal.created),
                "Sales Pipeline" if new else "既存顧客パイプライン",
                deal_type,
                deal.owner,
                _associated(deal.lead),
            ]
        )
    written = WrittenFile(
        path=path,
        format="hubspot_deals",
        encoding="utf-8",
        delimiter=",",
        language="en",
        header_line=1,
        data_rows=sheet.next_line - 2,
        period_start=world.start,
        period_end=world.end,
        note="all deals of the SMB unit (two pipelines)",
    )
    files.write(sheet, written)


def _bad_deals(files: FileSet, sheet: Sheet, path: str) -> None:
    line = sheet.row(
        [
            18_199_999_001,
            "株式会社テスト - 新規導入",
            "Presentation Scheduled",
            "TBD",
            "2026-12-25 00:00",
            "2026-06-02 11:20",
            "Sales Pipeline",
            "New Business",
            "高橋 健太",
            "",
        ]
    )
    files.bad(path, line, 18_199_999_001, "Amount", "TBD", "amount is not a number")
    line = sheet.row(
        [
            18_199_999_002,
            "株式会社テスト２ - 新規導入",
            "Closed Won",
            1_500_000,
            "2025-10-01 15:00",
            "2025-11-20 10:00",
            "Sales Pipeline",
            "New Business",
            "井上 誠",
            "",
        ]
    )
    files.bad(
        path,
        line,
        18_199_999_002,
        "Close Date",
        "2025-10-01 15:00",
        "won before it was created (Close Date is before Create Date)",
    )
