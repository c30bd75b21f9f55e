"""Metric definitions bound to nodes (``metric:`` in the spec).

A node's ``metric:`` says how its actual is measured from the warehouse. ``type`` selects
one of the classes below (a discriminated union); every type except ``manual`` takes
``filters`` on any dimension of the table it reads::

    metric: {type: stage_count, stage: mql, mode: inferred, filters: {channel: [paid_search]}}
    metric: {type: conversion, from: mql, to: sql, basis: cohort, window_days: 90}
    metric: {type: deal_amount, deal_type: new, average: true}

The specs are pure data; ``ikkan.compute`` turns them into SQL. Derived formulas over other
nodes are the tree's business, not a metric type. Stage names are checked against the
project's funnel when the metric is compiled (``stages_used()`` lets the tree check early).
"""

from __future__ import annotations

import math
from typing import Annotated, Literal, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    field_validator,
    model_validator,
)

from ikkan.model.canonical import ACTIVITY_TYPES
from ikkan.model.metric_filters import FilterCondition, FilterValue

FunnelMode = Literal["strict", "inferred"]
"""strict: only recorded stage entries count. inferred: a lead that reached a later stage
counts as having passed every earlier one (HubSpot's cumulative funnel); the inferred entry
time is the earliest entry of that stage or any later one."""

DealType = Literal["new", "upsell", "cross_sell", "renewal"]
DealStatus = Literal["won", "lost", "closed", "due", "created"]


class MetricBase(BaseModel):
    """Fields every metric type shares."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    filters: dict[str, FilterValue] = Field(default_factory=dict)
    """``{column: value, [values] or a condition}``: a value or a list keeps the rows whose
    column equals one of them; a condition (``FilterCondition``) says more."""

    @field_validator("filters")
    @classmethod
    def _filters_not_empty(cls, value: dict[str, FilterValue]) -> dict[str, FilterValue]:
        for column, wanted in value.items():
            if isinstance(wanted, list) and not wanted:
                raise ValueError(f"filter '{column}' has an empty list; give at least one value")
        return value

    def filter_values(self) -> dict[str, FilterCondition]:
        """Every filter as a condition (a value or a list is ``in``)."""
        out: dict[str, FilterCondition] = {}
        for column, wanted in self.filters.items():
            if isinstance(wanted, FilterCondition):
                out[column] = wanted
            else:
                values = tuple(wanted) if isinstance(wanted, list) else (wanted,)
                out[column] = FilterCondition.model_validate({"in": values})
        return out

    def stages_used(self) -> tuple[str, ...]:
        """Funnel stages this metric reads (checked against the project's stages)."""
        return ()


def _deal_types(value: object) -> object:
    if isinstance(value, str):
        return [value]
    return value


class StageCountMetric(MetricBase):
    """Leads entering ``stage`` in the period (by the stage's entry time)."""

    type: Literal["stage_count"]
    stage: str
    mode: FunnelMode = "strict"

    def stages_used(self) -> tuple[str, ...]:
        return (self.stage,)


Stat = Annotated[str, AfterValidator(lambda v: check_stat(v))]
"""median, mean, min, max or a percentile p1 … p99 (p50 is the median)."""

STATS = ("median", "mean", "min", "max", "p90")


def check_stat(value: str) -> str:
    if value in ("median", "mean", "min", "max"):
        return value
    if value.startswith("p") and value[1:].isdigit() and 1 <= int(value[1:]) <= 99:
        return value
    raise ValueError(f"unknown stat '{value}'; use median, mean, min, max or p1 … p99 (e.g. p90)")


def percentile_of(stat: str) -> float | None:
    """0.9 for 'p90', 0.5 for 'median'; None for mean, min and max."""
    if stat == "median":
        return 0.5
    return int(stat[1:]) / 100 if stat.startswith("p") else None


class _StagePair(MetricBase):
    from_stage: str = Field(alias="from")
    to_stage: str = Field(alias="to")
    mode: FunnelMode = "strict"

    def stages_used(self) -> tuple[str, ...]:
        return (self.from_stage, self.to_stage)

    @model_validator(mode="after")
    def _distinct_stages(self) -> _StagePair:
        if self.from_stage == self.to_stage:
            raise ValueError(f"'from' and 'to' are both '{self.from_stage}'; use two stages")
        return self


class ConversionMetric(_StagePair):
    """Conversion from stage ``from`` to stage ``to``.

    - ``basis: period``: leads entering ``to`` in the period ÷ leads entering ``from`` in
      the period (two independent counts; can exceed 100% in a quiet month).
    - ``basis: cohort``: of the leads entering ``from`` in the period, the share that entered
      ``to`` within ``window_days`` days of their ``from`` entry. Each base lead counts once,
      so the rate never exceeds 100%. A cohort whose window has not ended by ``as_of`` is
      flagged ``maturing``.
    """

    type: Literal["conversion"]
    basis: Literal["period", "cohort"] = "period"
    window_days: int | None = Field(default=None, ge=1, le=3650)

    @model_validator(mode="after")
    def _window_for_cohort(self) -> ConversionMetric:
        if self.basis == "cohort" and self.window_days is None:
            raise ValueError("basis 'cohort' needs window_days (e.g. window_days: 90)")
        if self.basis == "period" and self.window_days is not None:
            raise ValueError("window_days applies only to basis 'cohort'")
        return self


class VelocityMetric(_StagePair):
    """Days from entering ``from`` to entering ``to``, for the leads entering ``to`` in the
    period that have both entries; ``stat`` median (default), mean, min, max or a
    percentile (``p90``).

    ``days: elapsed`` (default): the time between the two entries in days, fractions
    included (36 hours = 1.5). ``days: calendar``: whole calendar days between the two
    entry dates (Monday 23:00 → Tuesday 01:00 = 1). A lead whose ``to`` entry is dated
    before its ``from`` entry (only ``mode: strict`` can see one) is left out; ``ikkan
    quality`` reports those leads (``stage_order``)."""

    type: Literal["velocity"]
    stat: Stat = "median"
    days: Literal["elapsed", "calendar", "business"] = "elapsed"


class _DealMetric(MetricBase):
    deal_type: tuple[DealType, ...] | None = None
    """One type or a list; None means every type."""
    status: DealStatus = "won"
    """won / lost / closed deals by ``closed_at``; ``due``: every deal by ``closed_at``
    (the expected close date of an open one), whatever its outcome: the renewals due, the
    denominator of ``retention``; ``created``: every deal by ``created_at``."""

    _normalise_deal_type = field_validator("deal_type", mode="before")(_deal_types)


class DealAmountMetric(_DealMetric):
    """Sum of deal amounts (won deals by close date by default); ``average: true`` gives
    the average deal size (deals without an amount are left out of both sum and count);
    ``stat: min | max | median | p90 …`` another statistic of the amounts (numerator the
    total, denominator the number of deals with an amount)."""

    type: Literal["deal_amount"]
    average: bool = False
    stat: Stat | None = None

    @model_validator(mode="after")
    def _one_statistic(self) -> DealAmountMetric:
        if self.stat is not None and self.average:
            raise ValueError("give 'average: true' or 'stat', not both (stat: mean is average)")
        return self


class OpenPipelineMetric(MetricBase):
    """Deals open at the end of each period (a snapshot, as every SFA pipeline report has):
    ``measure: count`` or ``amount`` (Σ amount, deals without one count 0). Split by
    ``stage`` (``status --by stage``) it is the open pipeline by stage.

    A deal is open at the end of day S when it was created by S — or has no created date
    and S is ``as_of`` (today's snapshot counts every open deal, dated or not) — and was
    not won or lost by S (a deal closed later was open then). A running period's snapshot
    is ``as_of``. The stage is the deal's current stage (exports carry no history). Not
    additive: months do not add up to a quarter; it is measured per grain."""

    type: Literal["open_pipeline"]
    measure: Literal["count", "amount"] = "count"
    deal_type: tuple[DealType, ...] | None = None

    _normalise_deal_type = field_validator("deal_type", mode="before")(_deal_types)


class DealCountMetric(_DealMetric):
    """Number of deals (won deals by close date by default)."""

    type: Literal["deal_count"]


class SpendMetric(MetricBase):
    """Advertising spend: the sum of ``measure`` (cost by default) from the spend table."""

    type: Literal["spend"]
    measure: Literal["cost", "impressions", "clicks"] = "cost"


class CostPerMetric(MetricBase):
    """Spend ÷ results. ``per: lead`` is CPL (leads by ``created_at``), ``per: stage`` is
    CPA (leads entering ``stage``), ``per: won`` is CAC (won deals by ``closed_at``,
    optionally of ``deal_type``). Filters also narrow spend where spend has the column."""

    type: Literal["cost_per"]
    per: Literal["lead", "stage", "won"]
    stage: str | None = None
    mode: FunnelMode = "strict"
    deal_type: tuple[DealType, ...] | None = None

    _normalise_deal_type = field_validator("deal_type", mode="before")(_deal_types)

    def stages_used(self) -> tuple[str, ...]:
        return (self.stage,) if self.stage else ()

    @model_validator(mode="after")
    def _stage_only_for_stage(self) -> CostPerMetric:
        if self.per == "stage" and not self.stage:
            raise ValueError("per: stage needs 'stage' (e.g. stage: mql)")
        if self.per != "stage" and self.stage:
            raise ValueError(f"'stage' applies only to per: stage, not per: {self.per}")
        if self.per != "won" and self.deal_type:
            raise ValueError("'deal_type' applies only to per: won")
        return self


class RomiMetric(MetricBase):
    """Return on marketing investment: (won amount − spend) ÷ spend, both in the period."""

    type: Literal["romi"]
    deal_type: tuple[DealType, ...] | None = None

    _normalise_deal_type = field_validator("deal_type", mode="before")(_deal_types)


class WebMetric(MetricBase):
    """Web analytics totals; ``cvr`` = conversions ÷ sessions. ``users`` is a sum of daily
    users (not unique users over the period)."""

    type: Literal["web"]
    measure: Literal["sessions", "users", "page_views", "conversions", "cvr"]


def _check_activity(value: str) -> str:
    if value not in ACTIVITY_TYPES:
        raise ValueError(f"unknown activity '{value}'; use one of: {', '.join(ACTIVITY_TYPES)}")
    return value


class ActivityCountMetric(MetricBase):
    """Activities of one type in the period; ``count: leads`` counts distinct people."""

    type: Literal["activity_count"]
    activity: str
    count: Literal["events", "leads"] = "events"

    _check = field_validator("activity")(_check_activity)


class ActivityRateMetric(MetricBase):
    """Activities of type ``numerator`` ÷ activities of type ``denominator`` in the same
    period (e.g. webinar_attendance ÷ webinar_registration, connect ÷ call). With
    ``count: leads`` both sides count distinct people."""

    type: Literal["activity_rate"]
    numerator: str
    denominator: str
    count: Literal["events", "leads"] = "events"

    _check = field_validator("numerator", "denominator")(_check_activity)


DEFAULT_CONTACT = ("call", "connect", "meeting")
"""Activity types that count as a contact for a handoff SLA (a metric's or a rule's)."""

MAX_SLA_HOURS = 2000.0
"""The longest SLA (business hours): the business-day table runs three years ahead."""


class SlaAttainmentMetric(MetricBase):
    """Handoff SLA attainment: of the leads entering ``stage`` in the period (first
    recorded entry), the share that got a first contact (an activity of the ``contact``
    types; with ``to:``, an entry of that stage or a later one) within ``within`` business
    hours on the project's business calendar. Numerator: leads met; denominator: leads
    judged (met, late, or not reached and past the deadline); leads whose deadline is
    after ``as_of`` and not reached yet are not judged, and their period is ``maturing``.
    The same rule as an alert of ``kind: sla`` (``compute.sla``)."""

    type: Literal["sla_attainment"]
    stage: str
    within: float = Field(gt=0, le=MAX_SLA_HOURS)
    contact: tuple[str, ...] = DEFAULT_CONTACT
    to_stage: str | None = Field(default=None, alias="to")

    def stages_used(self) -> tuple[str, ...]:
        return (self.stage,) if self.to_stage is None else (self.stage, self.to_stage)

    @property
    def window_days(self) -> int:
        """Calendar days after an entry within which a contact can still change the
        entry's period (incremental refresh): at least one business hour a day, weekends
        (7/5) and three weeks of closures."""
        return math.ceil(self.within * 7 / 5) + 21

    @field_validator("contact")
    @classmethod
    def _check_contact(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError("contact needs at least one activity type, e.g. [call]")
        return tuple(_check_activity(v) for v in value)

    @model_validator(mode="after")
    def _to_or_contact(self) -> SlaAttainmentMetric:
        if self.to_stage is not None and "contact" in self.model_fields_set:
            raise ValueError("give to: (a stage) or contact: (activity types), not both")
        if self.to_stage == self.stage:
            raise ValueError(f"'stage' and 'to' are both '{self.stage}'; use two stages")
        return self


class RetentionMetric(MetricBase):
    """Contract continuation from renewal deals.

    Renewals *due* in a period are the deals with ``deal_type = renewal`` whose ``closed_at``
    (the close date, which CRMs keep as the expected date while a renewal is open) falls in
    the period, whatever their state. ``kind: retention`` = renewals won ÷ renewals due;
    ``kind: churn`` = renewals lost (closed, not won) ÷ renewals due. ``basis: amount`` uses
    deal amounts instead of counts (gross revenue retention). A period with renewals still
    open is flagged ``maturing``: its rate can still change.
    """

    type: Literal["retention"]
    kind: Literal["retention", "churn"] = "retention"
    basis: Literal["count", "amount"] = "count"


ManualRollup = Literal["sum", "average", "last"]


class ManualMetric(BaseModel):
    """A value typed in by people (NPS, survey scores), read from ``manual_values`` by node
    and period key. A quarter, half or fiscal year without a value of its own rolls up the
    months entered in it (``rollup``): ``sum`` (flows), ``average`` (the mean of the months:
    rates, scores) or ``last`` (the latest month: a level such as headcount). Left out, it
    follows the node's aggregate (``sum`` → sum, ``average`` → average)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["manual"]
    rollup: ManualRollup | None = None

    def stages_used(self) -> tuple[str, ...]:
        return ()


AnyMetric = Union[  # noqa: UP007 - a discriminated union reads better spelled out
    StageCountMetric,
    ConversionMetric,
    VelocityMetric,
    DealAmountMetric,
    DealCountMetric,
    OpenPipelineMetric,
    SpendMetric,
    CostPerMetric,
    RomiMetric,
    WebMetric,
    ActivityCountMetric,
    ActivityRateMetric,
    RetentionMetric,
    SlaAttainmentMetric,
    ManualMetric,
]

MetricSpec = Annotated[AnyMetric, Field(discriminator="type")]
"""The type of a node's ``metric:`` field."""

METRIC_TYPES: tuple[str, ...] = (
    "stage_count",
    "conversion",
    "velocity",
    "deal_amount",
    "deal_count",
    "open_pipeline",
    "spend",
    "cost_per",
    "romi",
    "web",
    "activity_count",
    "activity_rate",
    "retention",
    "sla_attainment",
    "manual",
)

_ADAPTER: TypeAdapter[AnyMetric] = TypeAdapter(MetricSpec)


def parse_metric(data: object) -> AnyMetric:
    """Validate a ``metric:`` mapping (raises pydantic's ValidationError)."""
    return _ADAPTER.validate_python(data)


def with_default_mode(metric: AnyMetric, mode: FunnelMode) -> AnyMetric:
    """The metric with the project's ``funnel.mode`` where it reads funnel stages and gives
    no ``mode:`` of its own (a metric's own ``mode:`` wins)."""
    if "mode" not in type(metric).model_fields or "mode" in metric.model_fields_set:
        return metric
    if not metric.stages_used():
        return metric  # cost_per per lead / won reads no stage; its mode means nothing
    return metric.model_copy(update={"mode": mode})


def effective_definition(metric: AnyMetric) -> dict[str, object]:
    """Everything the metric counts, defaults included (``status: won``, ``basis: period``,
    ``mode``), for ``explain``; empty filters and a mode no stage reads are left out."""
    data = metric.model_dump(mode="json", by_alias=True, exclude_none=True)
    if not data.get("filters"):
        data.pop("filters", None)
    if "mode" in data and not metric.stages_used():
        data.pop("mode")
    return {"type": data.pop("type"), **data}
