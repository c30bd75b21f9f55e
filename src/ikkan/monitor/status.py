"""Actual vs target: achievement, RAG (red / amber / green) and the stretch line.

Achievement is a ratio where 1.0 means "exactly on target", whatever the direction:

- higher is better (revenue, leads, 商談化率): ``actual ÷ target``;
- lower is better (CPA, CAC, churn): ``target ÷ actual`` (DESIGN: "Semantics").

The ratio is None when it is undefined (a value is missing, the target is zero or negative
for "higher", the actual is zero or negative for "lower"). RAG is still decided in those
cases when both numbers are known, by comparing them directly: a CPA of ¥0 against a
target of ¥5,000 is green; revenue 0 against a target of 0 is green.

Pacing (expected-to-date, projected period end) lives in ``pacing.py``; MoM / YoY in
``comparison.py``; benchmarks in ``benchmarks.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Direction = Literal["higher", "lower"]
DIRECTIONS: tuple[Direction, ...] = ("higher", "lower")


def check_direction(direction: str) -> Direction:
    if direction == "higher":
        return "higher"
    if direction == "lower":
        return "lower"
    raise ValueError(f"direction must be 'higher' or 'lower', got {direction!r}")


def achievement(actual: float | None, target: float | None, direction: str) -> float | None:
    """How much of the target is achieved (1.0 = on target); None when undefined."""
    way = check_direction(direction)
    if actual is None or target is None:
        return None
    if way == "higher":
        return actual / target if target > 0 else None
    if target < 0 or actual <= 0:
        return None
    return target / actual


def meets(actual: float, line: float, direction: str) -> bool:
    """Whether ``actual`` is at or beyond ``line`` in the good direction."""
    return actual >= line if check_direction(direction) == "higher" else actual <= line


class Rag(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    UNKNOWN = "unknown"

    def label(self, lang: str = "en") -> str:
        return _RAG_LABELS[self][0 if lang == "ja" else 1]


_RAG_LABELS: dict[Rag, tuple[str, str]] = {
    Rag.GREEN: ("達成", "On target"),
    Rag.AMBER: ("注意", "At risk"),
    Rag.RED: ("未達", "Off target"),
    Rag.UNKNOWN: ("データなし", "No data"),
}


class RagThresholds(BaseModel):
    """Achievement ratios: green at or above ``green``, amber at or above ``amber``, else red.

    Defaults: green ≥ 100% of the commit target, amber ≥ 90%. A node may override either.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    green: float = Field(default=1.0, gt=0)
    amber: float = Field(default=0.9, gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> RagThresholds:
        if self.amber > self.green:
            raise ValueError(
                f"the amber threshold ({self.amber:.0%}) must not be above green ({self.green:.0%})"
            )
        return self

    def override(self, green: float | None = None, amber: float | None = None) -> RagThresholds:
        """These thresholds with a node's own values where it sets them."""
        return RagThresholds(
            green=self.green if green is None else green,
            amber=self.amber if amber is None else amber,
        )


DEFAULT_THRESHOLDS = RagThresholds()


def rag(
    actual: float | None,
    target: float | None,
    direction: str,
    thresholds: RagThresholds = DEFAULT_THRESHOLDS,
) -> Rag:
    """The RAG status of ``actual`` against the commit ``target``."""
    if actual is None or target is None:
        return Rag.UNKNOWN
    ratio = achievement(actual, target, direction)
    if ratio is None:  # zero or negative edge: compare the numbers directly
        return Rag.GREEN if meets(actual, target, direction) else Rag.RED
    return rag_of_ratio(ratio, thresholds)


def rag_of_ratio(ratio: float | None, thresholds: RagThresholds = DEFAULT_THRESHOLDS) -> Rag:
    if ratio is None:
        return Rag.UNKNOWN
    if ratio >= thresholds.green:
        return Rag.GREEN
    if ratio >= thresholds.amber:
        return Rag.AMBER
    return Rag.RED


def stretch_reached(actual: float | None, stretch: float | None, direction: str) -> bool | None:
    """Whether the stretch target is reached; None when either number is missing."""
    if actual is None or stretch is None:
        return None
    return meets(actual, stretch, direction)


@dataclass(frozen=True)
class StatusResult:
    """One KPI's standing in one period."""

    actual: float | None
    target: float | None
    direction: Direction
    achievement: float | None
    gap: float | None  # actual - target, in the KPI's unit (negative = below the number)
    rag: Rag
    stretch: float | None = None
    stretch_reached: bool | None = None
    stretch_achievement: float | None = None

    def summary(self, lang: str = "en") -> str:
        """'達成率 80.0%（未達）' / 'Achievement 80.0% (Off target)'."""
        pct = "—" if self.achievement is None else f"{self.achievement:.1%}"
        if lang == "ja":
            text = f"達成率 {pct}（{self.rag.label('ja')}）"
            return text + (" ストレッチ目標達成" if self.stretch_reached else "")
        text = f"Achievement {pct} ({self.rag.label('en')})"
        return text + (", stretch reached" if self.stretch_reached else "")


def evaluate_status(
    actual: float | None,
    target: float | None,
    direction: str,
    *,
    stretch: float | None = None,
    thresholds: RagThresholds = DEFAULT_THRESHOLDS,
) -> StatusResult:
    """Achievement, gap, RAG and stretch for one KPI value against its commit target."""
    way = check_direction(direction)
    gap = None if actual is None or target is None else actual - target
    return StatusResult(
        actual=actual,
        target=target,
        direction=way,
        achievement=achievement(actual, target, way),
        gap=gap,
        rag=rag(actual, target, way, thresholds),
        stretch=stretch,
        stretch_reached=stretch_reached(actual, stretch, way),
        stretch_achievement=achievement(actual, stretch, way),
    )


def rank_by_achievement(statuses: Mapping[str, StatusResult]) -> list[tuple[str, StatusResult]]:
    """KPIs ordered by how far they fall short of their targets, the largest gap first
    (seed 001: compare every KPI with its target and start from the largest gap).

    Achievement ratios make KPIs of different units comparable; KPIs without one come last,
    red before green among them.
    """
    order = {Rag.RED: 0, Rag.AMBER: 1, Rag.UNKNOWN: 2, Rag.GREEN: 3}

    def key(item: tuple[str, StatusResult]) -> tuple[int, float, int, str]:
        name, status = item
        if status.achievement is None:
            return (1, 0.0, order[status.rag], name)
        return (0, status.achievement, 0, name)

    return sorted(statuses.items(), key=key)
