"""What HubSpot's export columns mean: the field specs of contacts and deals, the
lifecycle stage-date columns and the deal vocabularies. Declarations only; the reading is
the engine's (``ikkan.ingest.engine``)."""

from __future__ import annotations

import re

from ikkan.ingest.engine.fields import FieldSpec, Kind, spec
from ikkan.ingest.parsing.values import normalise_header
from ikkan.ingest.stages import LIFECYCLE_LABELS

SOURCE = "hubspot"
_ID = ("Record ID", "Contact ID", "hs_object_id", "vid", "レコードID", "コンタクトID")

CONTACT_FIELDS = (
    spec("record_id", Kind.ID, *_ID),
    spec("created_at", Kind.DATETIME, "Create Date", "createdate", "作成日", "作成日時"),
    spec("email", Kind.EMAIL, "Email", "E-mail", "Eメール", "メール", "メールアドレス"),
    spec("first_name", Kind.TEXT, "First Name", "firstname", "名"),
    spec("last_name", Kind.TEXT, "Last Name", "lastname", "姓"),
    spec("company", Kind.TEXT, "Company Name", "company", "会社名"),
    spec("industry", Kind.TEXT, "Industry", "業種"),
    spec("employees", Kind.INT, "Number of Employees", "numemployees", "従業員数"),
    spec("country", Kind.TEXT, "Country/Region", "Country", "国/地域", "国"),
    spec(
        "channel_raw",
        Kind.TEXT,
        "Original Source",
        "Original Traffic Source",
        "hs_analytics_source",
        "初回のソース",
        "元のソース",
        "オリジナルソース",
    ),
    spec(
        "campaign",
        Kind.TEXT,
        "First touch converting campaign",
        "hs_analytics_first_touch_converting_campaign",
        "最初のタッチでコンバージョンに至ったキャンペーン",  # JA label unverified
    ),
    spec("owner", Kind.TEXT, "Contact owner", "hubspot_owner_id", "コンタクト担当者", "担当者"),
    spec("lifecycle", Kind.TEXT, "Lifecycle Stage", "lifecyclestage", "ライフサイクルステージ"),
    spec("status", Kind.TEXT, "Lead Status", "hs_lead_status", "リードステータス"),
    spec("score", Kind.FLOAT, "HubSpot Score", "hubspotscore", "HubSpotスコア"),
    spec(
        "company_id",
        Kind.TEXT,
        "Associated Company ID",
        "Associated Company IDs (Primary)",
        "associatedcompanyid",
        "関連付けられた会社ID",
    ),
)

DEAL_FIELDS = (
    spec("record_id", Kind.ID, "Record ID", "Deal ID", "hs_object_id", "レコードID", "取引ID"),
    spec("name", Kind.TEXT, "Deal Name", "dealname", "取引名"),
    spec("stage", Kind.TEXT, "Deal Stage", "dealstage", "取引ステージ"),
    spec("amount", Kind.AMOUNT, "Amount", "amount", "金額"),
    spec("currency", Kind.TEXT, "Currency", "deal_currency_code", "通貨"),
    spec("closed_at", Kind.DATETIME, "Close Date", "closedate", "クローズ日", "完了日"),
    spec("created_at", Kind.DATETIME, "Create Date", "createdate", "作成日"),
    spec("pipeline", Kind.TEXT, "Pipeline", "パイプライン"),
    spec("deal_type", Kind.TEXT, "Deal Type", "dealtype", "取引タイプ", "取引の種類"),
    spec("owner", Kind.TEXT, "Deal owner", "hubspot_owner_id", "取引担当者", "担当者"),
    spec("contact_ids", Kind.TEXT, "Associated Contact IDs", "Associated Contact ID"),
    spec("company_ids", Kind.TEXT, "Associated Company IDs", "Associated Company ID"),
    spec("channel_raw", Kind.TEXT, "Original Source Type", "Original Traffic Source"),
)

_STAGE_PATTERNS = (
    re.compile(r"^became an? (.+) date$"),
    re.compile(r"^hs_lifecyclestage_(.+)_date$"),
    re.compile(r'^date entered "?(.+?) \(lifecycle stage pipeline\)"?$'),
    re.compile(r"^hs_v2_date_entered_(.+)$"),
    re.compile(r"^(?:ライフサイクルステージが)?[「\"]?(.+?)[」\"]?になった日(?:付|時)?$"),
    re.compile(
        r"^[「\"]?(.+?)\s*\(ライフサイクルステージ ?パイプライン\)[」\"]?に入った日(?:付|時)?$"
    ),
)
WON = frozenset({"closedwon", "closed won", "成約", "受注", "成約済み"})
LOST = frozenset({"closedlost", "closed lost", "失注", "不成立"})
DEAL_TYPES = {
    "newbusiness": "new",
    "new business": "new",
    "新規ビジネス": "new",
    "新規": "new",
    "existingbusiness": "upsell",
    "existing business": "upsell",
    "既存ビジネス": "upsell",
    "upsell": "upsell",
    "アップセル": "upsell",
    "cross-sell": "cross_sell",
    "クロスセル": "cross_sell",
    "renewal": "renewal",
    "更新": "renewal",
}


def stage_columns(header: list[str]) -> list[FieldSpec]:
    """A datetime field per lifecycle stage-date column, named ``stage:<internal value>``."""
    found: list[FieldSpec] = []
    for label in header:
        key = normalise_header(label)
        for pattern in _STAGE_PATTERNS:
            match = pattern.match(key)
            if match:
                raw = match.group(1).strip()
                internal = LIFECYCLE_LABELS.get(raw, raw.replace(" ", ""))
                found.append(FieldSpec(f"stage:{internal}:{label}", Kind.DATETIME, (label,)))
                break
    return found


def first_id(text: str | None) -> str | None:
    if not text:
        return None
    first = text.split(";")[0].strip()
    return first or None
