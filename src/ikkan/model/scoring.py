"""Lead scoring as written under ``scoring:`` in ``ikkan.yml`` (the spec, and the pure rules
that read it: grade, engagement level, grid cell, MQL).

Two numbers are kept apart, as the CRM anchors do (HubSpot's fit / engagement, Pardot's
grade / score): **fit** from what the lead *is* (company size, industry, role, region …) and
**engagement** from what the lead *did* (e-mail, downloads, webinars, pricing page, forms),
with decay. Fit gives a grade A–C, engagement a level 1–3, together a cell A1 … C3; the
score is fit + engagement. The MQL rule names cells (``A1-B2`` is the rectangle A1, A2, B1,
B2) and/or a minimum score.

Every rule's points, after caps, become one reason row per lead; the score is the sum of
its reasons (``compute.scoring`` builds the SQL).
"""

from __future__ import annotations

import itertools
import re
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from ikkan.model.canonical import ACTIVITY_TYPES
from ikkan.model.numbers import parse_number

Number = Annotated[float, BeforeValidator(parse_number)]


class Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class ScoreLabelSpec(Spec):
    ja: str | None = None
    en: str | None = None


def _label(value: object) -> object:
    return {"ja": value, "en": value} if isinstance(value, str) else value


Label = Annotated[ScoreLabelSpec, BeforeValidator(_label)]

GRADES = ("A", "B", "C")
LEVELS = ("1", "2", "3")
CELLS = tuple(g + lv for g in GRADES for lv in LEVELS)

FIT_COLUMNS: dict[str, Literal["text", "number"]] = {
    "industry": "text",
    "employees": "number",
    "country": "text",
    "region": "text",
    "segment": "text",
    "channel": "text",
    "campaign": "text",
    "company": "text",
    "email": "text",
    "source_system": "text",
    "owner": "text",
    "department": "text",
}
"""Lead columns a fit rule may read (known before contact), besides ``attributes.<key>``.
``status``, ``lifecycle_stage`` and ``score`` are left out on purpose: sales sets them after
contact, so a rule on them would predict the outcome from the outcome."""

ATTRIBUTE_PREFIX = "attributes."


class FitRuleSpec(Spec):
    """A firmographic condition on one lead field, with the points it gives."""

    field: str = Field(
        description="a lead column (industry, employees, region …) or attributes.<key>"
    )
    points: Number = Field(description="points when the condition holds (negative allowed)")
    group: str | None = Field(None, description="cap group (default: the rule id)")
    label: Label | None = None
    equals: str | None = None
    in_: list[str] | None = Field(None, alias="in", description="any of these values")
    contains: list[str] | None = Field(None, description="the text contains any of these")
    gte: Number | None = Field(None, description="a number at least this")
    lt: Number | None = Field(None, description="a number below this")
    missing: bool | None = Field(None, description="true: the field is empty")

    @model_validator(mode="after")
    def _one_condition(self) -> FitRuleSpec:
        given = [
            k for k in ("equals", "in_", "contains", "missing") if getattr(self, k) is not None
        ]
        numeric = self.gte is not None or self.lt is not None
        if len(given) + (1 if numeric else 0) != 1:
            raise ValueError(
                "a fit rule needs exactly one condition: equals, in, contains, missing, "
                "or gte / lt (both together make a range)"
            )
        empty_in = self.in_ is not None and not self.in_
        if empty_in or (self.contains is not None and not self.contains):
            raise ValueError("'in' and 'contains' need at least one value")
        return self

    @property
    def numeric(self) -> bool:
        return self.gte is not None or self.lt is not None


class DecaySpec(Spec):
    """How an engagement event's points fade with age (per section, or per rule)."""

    kind: Literal["linear", "window", "none"] = Field(
        "linear",
        description="linear: full points on the day, zero after `days`; window: full points "
        "within `days`, none after; none: points never fade",
    )
    days: int = Field(90, ge=1, le=3660, description="the length of the fade or the window")
    calendar: Literal["business", "calendar"] = Field(
        "business",
        description="business: days counted on the project's business calendar "
        "(weekends, Japanese holidays and calendar: closures skipped)",
    )


class EngagementRuleSpec(Spec):
    """Points per activity of one type (optionally only some details)."""

    activity: str = Field(description="an activity type: " + ", ".join(ACTIVITY_TYPES))
    points: Number = Field(description="points per event (negative allowed)")
    group: str | None = Field(None, description="cap group (default: the rule id)")
    label: Label | None = None
    detail_contains: list[str] | None = Field(
        None, description="only events whose detail (page, asset, topic) contains one of these"
    )
    max_per_day: int | None = Field(None, ge=1, description="count at most this many a day")
    max_events: int | None = Field(
        None, ge=1, description="count only the first N events (1: the first open only)"
    )
    decay: DecaySpec | None = Field(None, description="overrides the section's decay")

    @field_validator("activity")
    @classmethod
    def _known_activity(cls, value: str) -> str:
        if value not in ACTIVITY_TYPES:
            raise ValueError(f"unknown activity type; valid: {', '.join(ACTIVITY_TYPES)}")
        return value


def _caps(value: object) -> object:
    return value if value is not None else {}


class FitSpec(Spec):
    rules: dict[str, FitRuleSpec] = Field(default_factory=dict)
    caps: Annotated[dict[str, Number], BeforeValidator(_caps)] = Field(
        default_factory=dict, description="most points per group, e.g. {size: 30}"
    )
    cap: Number | None = Field(None, description="most fit points in all")


class EngagementSpec(Spec):
    rules: dict[str, EngagementRuleSpec] = Field(default_factory=dict)
    caps: Annotated[dict[str, Number], BeforeValidator(_caps)] = Field(
        default_factory=dict, description="most points per group, e.g. {email: 15}"
    )
    cap: Number | None = Field(None, description="most engagement points in all")
    decay: DecaySpec = Field(default_factory=DecaySpec)


class GradeSpec(Spec):
    """Fit ≥ A → grade A, ≥ B → B, else C; engagement ≥ 1 → level 1, ≥ 2 → 2, else 3."""

    A: Number = Field(50, description="least fit points for grade A")
    B: Number = Field(25, description="least fit points for grade B")
    level_1: Number = Field(40, alias="1", description="least engagement points for level 1")
    level_2: Number = Field(15, alias="2", description="least engagement points for level 2")

    @model_validator(mode="after")
    def _ordered(self) -> GradeSpec:
        if self.B > self.A:
            raise ValueError("the grade thresholds must fall: A ≥ B")
        if self.level_2 > self.level_1:
            raise ValueError("the level thresholds must fall: 1 ≥ 2")
        return self


CELL_RANGE = re.compile(r"^([ABC])([123])(?:\s*-\s*([ABC])([123]))?$")


def expand_cells(items: list[str]) -> list[str]:
    """``["A1-B2", "C1"]`` → ``["A1", "A2", "B1", "B2", "C1"]`` (grid order, no repeats).
    Raises ValueError naming the item that is not a cell or a range of cells."""
    chosen: set[str] = set()
    for item in items:
        match = CELL_RANGE.match(item.strip().upper())
        if match is None:
            raise ValueError(f"'{item}' is not a cell (A1 … C3) or a range such as A1-B2")
        g1, l1, g2, l2 = match.groups()
        g2, l2 = g2 or g1, l2 or l1
        grades = GRADES[
            min(GRADES.index(g1), GRADES.index(g2)) : max(GRADES.index(g1), GRADES.index(g2)) + 1
        ]
        levels = LEVELS[
            min(LEVELS.index(l1), LEVELS.index(l2)) : max(LEVELS.index(l1), LEVELS.index(l2)) + 1
        ]
        chosen |= {g + lv for g in grades for lv in levels}
    return [c for c in CELLS if c in chosen]


class MqlSpec(Spec):
    cells: list[str] = Field(
        default_factory=list, description="grid cells that are MQL, e.g. [A1-B2] or [A1, A2, B1]"
    )
    min_score: Number | None = Field(None, description="score (fit + engagement) at least this")
    match: Literal["any", "all"] = Field(
        "any", description="with both: any (either makes an MQL) or all (both needed)"
    )

    @field_validator("cells")
    @classmethod
    def _cells(cls, value: list[str]) -> list[str]:
        expand_cells(value)
        return value

    @model_validator(mode="after")
    def _something(self) -> MqlSpec:
        if not self.cells and self.min_score is None:
            raise ValueError("the MQL rule needs cells, min_score or both")
        return self

    @property
    def cell_set(self) -> list[str]:
        return expand_cells(self.cells)


class ScoringSpec(Spec):
    fit: FitSpec = Field(default_factory=FitSpec)
    engagement: EngagementSpec = Field(default_factory=EngagementSpec)
    grades: GradeSpec = Field(default_factory=GradeSpec)
    mql: MqlSpec = Field(default_factory=lambda: MqlSpec(cells=["A1-B2"]))
    bands: list[Number] = Field(
        default_factory=lambda: [20.0, 40.0, 60.0, 80.0],
        description="score band edges for `ikkan scoring quality`",
    )
    # not rules (left out of the rules' hash): who edits them and whom they feed
    department: str = Field(
        "marketing", description="the department whose editors may edit and publish the rules"
    )
    capacity: int | None = Field(
        None, ge=1, description="leads a month inside sales can work (`ikkan scoring advise`)"
    )

    @model_validator(mode="after")
    def _rule_ids_apart(self) -> ScoringSpec:
        reserved = [r for r in (*self.fit.rules, *self.engagement.rules) if r.startswith("cap:")]
        if reserved:
            raise ValueError(f"rule ids starting with 'cap:' name caps: {', '.join(reserved)}")
        both = set(self.fit.rules) & set(self.engagement.rules)
        if both:
            raise ValueError(f"rule ids used in both fit and engagement: {', '.join(sorted(both))}")
        if list(self.bands) != sorted(set(self.bands)):
            raise ValueError("bands must be increasing numbers, e.g. [20, 40, 60, 80]")
        return self


NOT_RULES = frozenset({"department", "capacity"})
"""ScoringSpec fields that say who edits the rules and for whom, not how leads score: they
are left out of the rules' hash (changing them changes no score)."""


def grade_of(fit: float, grades: GradeSpec) -> str:
    return "A" if fit >= grades.A else "B" if fit >= grades.B else "C"


def level_of(engagement: float, grades: GradeSpec) -> str:
    return "1" if engagement >= grades.level_1 else "2" if engagement >= grades.level_2 else "3"


def is_mql(cell: str, score: float, mql: MqlSpec) -> bool:
    """The MQL rule in Python (the SQL in ``compute.scoring`` is the same rule)."""
    tests = []
    if mql.cells:
        tests.append(cell in mql.cell_set)
    if mql.min_score is not None:
        tests.append(score >= mql.min_score)
    return all(tests) if mql.match == "all" else any(tests)


def band_labels(edges: list[float]) -> list[str]:
    """``[20, 40]`` → ``["<20", "20–39", "≥40"]`` style labels, lowest first."""
    if not edges:
        return ["all"]
    out = [f"<{_n(edges[0])}"]
    out += [f"{_n(lo)}–<{_n(hi)}" for lo, hi in itertools.pairwise(edges)]
    out.append(f"≥{_n(edges[-1])}")
    return out


def _n(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
