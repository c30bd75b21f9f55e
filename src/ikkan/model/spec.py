"""The project spec as written in ``ikkan.yml`` (phase one of two; see ``tree.py``).

Every model is frozen and refuses unknown keys. Values that people write as text
(``"25%"``, ``"¥1,000"``, ``"10億"``) are read by ``numbers.parse_number``.
"""

from __future__ import annotations

from datetime import date, time
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, model_validator

from ikkan.alerts.rules import AlertRuleSpec, NotifySpec
from ikkan.model.metrics import FunnelMode, MetricSpec, with_default_mode
from ikkan.model.numbers import parse_number
from ikkan.model.scoring import ScoringSpec
from ikkan.scheduler.spec import ScheduleSpec, implied_rules

Number = Annotated[
    float,
    BeforeValidator(parse_number),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number"},
                {"type": "string", "pattern": r"^[-+△▲]?[¥$]?[\d,_.]+(万|億|兆|k|K|M|B)?(%|円)?$"},
            ],
            "description": "a number, or text such as '25%', '¥1,000', '10億'",
        }
    ),
]


class Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Kind(StrEnum):
    KGI = "KGI"
    KSF = "KSF"
    KPI = "KPI"


class Direction(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"


class Aggregate(StrEnum):
    SUM = "sum"  # a flow: months add up to the year (counts, yen)
    AVERAGE = "average"  # an intensity: rates, averages, unit costs


class LabelSpec(Spec):
    ja: str | None = None
    en: str | None = None


def _label(value: Any) -> Any:
    return {"ja": value, "en": value} if isinstance(value, str) else value


Label = Annotated[LabelSpec, BeforeValidator(_label)]


class CompanySpec(Spec):
    name: str = Field(description="company name, e.g. 株式会社サンプル")
    currency: str = Field("JPY", description="ISO 4217 code of the money units")
    locale: Literal["ja", "en"] = Field("ja", description="language of the UI and reports")
    timezone: str = Field("Asia/Tokyo", description="IANA time zone of the business")
    fiscal_year_start: int = Field(4, ge=1, le=12, description="month the fiscal year starts")


class StageSpec(Spec):
    id: str
    label: Label | None = None


def _stage(value: Any) -> Any:
    return {"id": value} if isinstance(value, str) else value


class FunnelSpec(Spec):
    stages: list[Annotated[StageSpec, BeforeValidator(_stage)]] = Field(
        default_factory=lambda: [
            StageSpec(id=s) for s in ("visit", "lead", "mql", "sql", "opportunity", "won")
        ],
        description="ordered funnel stages, first to last",
    )
    mode: Literal["strict", "inferred"] = Field(
        "inferred",
        description="inferred: a later stage implies the earlier ones; strict: recorded dates only",
    )


class PlanSpec(Spec):
    period: str | None = Field(None, description="plan period, e.g. FY2026 (default: the KGI's)")
    seasonality: list[Number] | dict[str, Number] | None = Field(
        None,
        description="month weights: 12 numbers from the first fiscal month, or {2026-04: 1.2, ...}",
    )
    rounding: Literal["up", "none"] = Field(
        "up", description="round solved counts up at each stage (a target must suffice)"
    )


class OwnerSpec(Spec):
    department: str | None = None
    person: str | None = None


class TargetSpec(Spec):
    commit: Number | None = Field(None, description="the must-reach line (コミット目標)")
    stretch: Number | None = Field(None, description="the challenge line (ストレッチ目標)")

    @model_validator(mode="after")
    def _one_of(self) -> TargetSpec:
        if self.commit is None and self.stretch is None:
            raise ValueError("a target needs commit, stretch or both")
        return self


def _scenario_values(value: Any) -> Any:
    if isinstance(value, dict):
        return value
    return {"commit": value}


ScenarioValues = Annotated[TargetSpec, BeforeValidator(_scenario_values)]


class ThresholdSpec(Spec):
    green: Number = Field(1.0, description="achievement at or above this is green")
    amber: Number = Field(0.9, description="achievement at or above this is amber, else red")


class NodeSpec(Spec):
    kind: Kind = Field(description="KGI, KSF or KPI")
    label: Label | None = None
    definition: str | None = Field(None, description="one sentence: what exactly is counted")
    unit: str | None = Field(None, description="count, JPY, ratio, percent, days, hours, score …")
    direction: Direction = Field(Direction.HIGHER, description="higher or lower is better")
    period: str | None = Field(
        None, description="period of the target: a grain (month, quarter, half) or e.g. FY2026"
    )
    owner: OwnerSpec | None = None
    leading: bool | None = Field(None, description="leading (先行) or lagging (遅行) indicator")
    controllable: bool = Field(True, description="can the owner move it by their own actions")
    formula: str | None = Field(None, description="e.g. opportunities * win_rate")
    share: Number | None = Field(None, description="part of a sum parent, e.g. 0.6 or '60%'")
    assumption: ScenarioValues | None = Field(None, description="a planning input")
    baseline: Number | None = Field(None, description="current / historical value (bottom-up)")
    target: ScenarioValues | None = None
    thresholds: ThresholdSpec | None = None
    aggregate: Aggregate | None = Field(
        None, description="how months roll up: sum (flows) or average (rates, unit costs)"
    )
    parent: str | None = Field(None, description="parent node when no formula links them")
    metric: MetricSpec | None = Field(None, description="how the value is measured")
    benchmark: str | None = Field(
        None, description="benchmark metric to compare with (default: the node id)"
    )


def with_funnel_mode(nodes: dict[str, NodeSpec], mode: FunnelMode) -> dict[str, NodeSpec]:
    """The nodes with the project's ``funnel.mode`` as the default of every funnel metric."""
    out: dict[str, NodeSpec] = {}
    for node_id, node in nodes.items():
        metric = node.metric and with_default_mode(node.metric, mode)
        out[node_id] = node if metric is node.metric else node.model_copy(update={"metric": metric})
    return out


class DepartmentSpec(Spec):
    label: Label | None = None


class ChannelSpec(Spec):
    label: Label | None = None
    match: list[str] = Field(default_factory=list, description="source values mapped here")


class SourceSpec(Spec):
    reader: str = Field(description="hubspot, salesforce, ga4, google_ads, ... or generic")
    path: str = Field(description="a file or a folder, relative to the project")
    options: dict[str, Any] = Field(default_factory=dict)


class CalendarSpec(Spec):
    """The business calendar for pacing and SLAs (Japanese defaults)."""

    public_holidays: bool = Field(True, description="Japanese public holidays are closed")
    year_end: bool = Field(True, description="closed 12/29–1/3 (年末年始)")
    obon: bool = Field(False, description="closed 8/13–8/16 (お盆)")
    holidays: list[date] = Field(default_factory=list, description="extra company holidays")
    workdays: list[date] = Field(default_factory=list, description="extra working days")
    weekend: list[int] = Field(default_factory=lambda: [5, 6], description="0=Mon … 6=Sun")
    day_start: time = Field(time(9, 0), description="business hours start")
    day_end: time = Field(time(18, 0), description="business hours end")


GrainName = Literal["day", "week", "month", "quarter", "half", "fiscal_year"]
DEFAULT_GRAINS: tuple[GrainName, ...] = ("week", "month", "quarter", "half", "fiscal_year")


class MeasureSpec(Spec):
    """What ``ikkan refresh`` computes."""

    grains: list[GrainName] = Field(
        default_factory=lambda: list(DEFAULT_GRAINS),
        description="period grains to compute",
    )
    dimensions: list[str] = Field(
        default_factory=lambda: ["channel"],
        description="breakdowns to compute besides the total (channel, campaign, segment, owner …)",
    )


MappableTable = Literal[
    "leads", "lead_stages", "deals", "accounts", "spend", "web_traffic", "activities"
]
"""Canonical tables that may be read from a table the company already has."""


class CanonicalSourceSpec(Spec):
    """A canonical table read from an existing table or view (see docs/warehouses.md)."""

    table: str | None = Field(
        None, description="an existing table or view: name, schema.name or catalog.schema.name"
    )
    path: str | None = Field(
        None, description="Spark only: a Parquet directory read in place (instead of table)"
    )
    columns: dict[str, str] = Field(
        default_factory=dict,
        description="canonical column -> column of the existing table (same name if absent)",
    )

    @model_validator(mode="after")
    def _one_location(self) -> CanonicalSourceSpec:
        if (self.table is None) == (self.path is None):
            raise ValueError("give exactly one of table or path")
        return self


class WarehouseSpec(Spec):
    url: str | None = Field(
        None,
        description="duckdb:///path, postgresql://…, spark-local:///dir or spark://host:port "
        "(default: embedded DuckDB)",
    )
    canonical: dict[MappableTable, CanonicalSourceSpec] = Field(
        default_factory=dict,
        description="canonical tables read from existing tables or views instead of imports",
    )


class ProjectSpec(Spec):
    ikkan: Literal[1] = Field(description="spec version; always 1 for now")
    company: CompanySpec
    funnel: FunnelSpec = Field(default_factory=FunnelSpec)
    plan: PlanSpec = Field(default_factory=PlanSpec)
    departments: dict[str, DepartmentSpec] = Field(default_factory=dict)
    channels: dict[str, ChannelSpec] = Field(default_factory=dict)
    sources: dict[str, SourceSpec] = Field(default_factory=dict)
    warehouse: WarehouseSpec = Field(default_factory=WarehouseSpec)
    calendar: CalendarSpec = Field(default_factory=CalendarSpec)
    measure: MeasureSpec = Field(default_factory=MeasureSpec)
    include: list[str] = Field(default_factory=list, description="more YAML files with nodes")
    nodes: dict[str, NodeSpec] = Field(default_factory=dict)
    alerts: dict[str, AlertRuleSpec] = Field(
        default_factory=dict, description="alert rules (see docs/alerts.md)"
    )
    notify: NotifySpec = Field(default_factory=NotifySpec, description="alert delivery")
    scoring: ScoringSpec | None = Field(
        None, description="lead scoring: fit and engagement rules, grades, MQL (docs/scoring.md)"
    )
    schedule: ScheduleSpec | None = Field(
        None, description="run import, refresh and alerts on a cron schedule (docs/alerts.md)"
    )

    @model_validator(mode="after")
    def _funnel_mode_default(self) -> ProjectSpec:
        nodes = with_funnel_mode(self.nodes, self.funnel.mode)
        if any(nodes[k] is not v for k, v in self.nodes.items()):
            object.__setattr__(self, "nodes", nodes)  # frozen; the defaults fill in once here
        return self

    @model_validator(mode="after")
    def _schedule_alerts(self) -> ProjectSpec:
        """A schedule brings its own alerts: failed runs and stale sources (implied_rules)."""
        if self.schedule is not None and self.schedule.enabled:
            extra = implied_rules(self.schedule, list(self.sources), self.alerts)
            if extra:
                object.__setattr__(self, "alerts", {**self.alerts, **extra})
        return self


BUILTIN_DEPARTMENTS: dict[str, LabelSpec] = {
    "marketing": LabelSpec(ja="マーケティング", en="Marketing"),
    "inside_sales": LabelSpec(ja="インサイドセールス", en="Inside sales"),
    "sales": LabelSpec(ja="営業", en="Sales"),
    "cs": LabelSpec(ja="カスタマーサクセス", en="Customer success"),
    "exec": LabelSpec(ja="経営", en="Executive"),
}
