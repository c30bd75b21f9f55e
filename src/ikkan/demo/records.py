"""The simulated facts the demo exports are written from (one truth, many file formats)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from ikkan.demo.names import Company, Person

MAIN = "main"  # the SMB business unit: HubSpot contacts (EN export) and HubSpot deals
ENTERPRISE = "enterprise"  # エンタープライズ事業部: HubSpot contacts (JA export), Salesforce

LIFECYCLE_ORDER = ("lead", "mql", "sql", "opportunity", "customer")


@dataclass
class Lead:
    record_id: int
    unit: str
    person: Person
    company: Company
    company_spelling: str
    email: str
    channel: str  # Channel.key
    drill_down_1: str
    drill_down_2: str
    created: datetime
    mql: datetime | None = None
    sql: datetime | None = None
    opportunity: datetime | None = None
    customer: datetime | None = None
    owner: str = ""
    score: int = 0
    status: str = ""  # neutral lead status id, see writers for labels
    duplicate_of: int | None = None  # record id of the person's first record (near duplicate)
    campaign: str = ""  # HubSpot "First touch converting campaign"
    legacy: bool = False  # a customer from before the window (renewals only)
    title: str = ""  # job title as typed into the form (HubSpot "Job Title")

    @property
    def lifecycle(self) -> str:
        for stage in reversed(LIFECYCLE_ORDER[1:]):
            if getattr(self, stage) is not None:
                return str(stage)
        return "lead"


@dataclass
class Deal:
    record_id: int
    unit: str
    name: str
    company: Company
    company_spelling: str
    lead: Lead | None
    kind: str  # new, upsell, cross_sell, renewal
    stage_index: int  # 0..4 open stages, 5 won, 6 lost
    amount: int  # yen
    created: datetime
    closed: datetime  # actual close (closed deals) or expected close (open deals)
    owner: str
    lead_source: str  # channel key of the originating lead ("" for existing business)

    @property
    def is_won(self) -> bool:
        return self.stage_index == 5

    @property
    def is_closed(self) -> bool:
        return self.stage_index >= 5


@dataclass
class Join:
    joined: datetime
    left: datetime

    @property
    def minutes(self) -> int:
        return max(1, round((self.left - self.joined).total_seconds() / 60))


@dataclass
class Registration:
    lead: Lead
    email_as_typed: str
    registered: datetime
    joins: list[Join] = field(default_factory=list)

    @property
    def attended(self) -> bool:
        return bool(self.joins)


@dataclass
class Webinar:
    webinar_id: str  # e.g. "812 3456 7890" (Zoom shows it with spaces)
    topic: str
    start: datetime
    duration_minutes: int
    registrations: list[Registration] = field(default_factory=list)
    cancelled: int = 0

    @property
    def day(self) -> date:
        return self.start.date()


@dataclass(frozen=True)
class AdDay:
    """One campaign on one day in an ad platform."""

    platform: str
    campaign: str
    channel: str
    day: date
    impressions: int
    clicks: int
    cost: int  # yen
    conversions: int


@dataclass(frozen=True)
class TrafficDay:
    """One GA4 default channel group on one day."""

    day: date
    channel_group: str
    sessions: int
    engaged_sessions: int
    key_events: int


@dataclass
class World:
    start: date
    end: date
    company: str
    leads: list[Lead]  # every contact record, near duplicates included, by created
    deals: list[Deal]
    webinars: list[Webinar]
    ad_days: list[AdDay]
    traffic: list[TrafficDay]
    exact_duplicate_ids: list[int]  # contact records exported twice
    nps: list[tuple[str, float, int]]  # (month key, NPS, responses)
    operating_margin: list[tuple[str, float]]  # (month key, ratio) of each closed month
