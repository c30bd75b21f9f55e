"""Drill-down: which dimension values (channels, campaigns, owners …) explain a node's gap.

- Counts and amounts (opportunities, revenue): each value's gap is ``actual − target``; the
  gaps add up to the node's gap.
- Ratios (商談化率 = opportunities ÷ leads): the overall rate is a weighted average of the
  values' rates, so its change has two sources per value (midpoint, exact):

  - rate effect = mean weight × (rate_actual − rate_target): the channel converted worse;
  - mix effect = (mean rate − mean overall rate) × (weight_actual − weight_target): more of
    the volume came from a channel that converts below (or above) the average.

  The effects of all values add up to ``overall_actual − overall_target``. A value present
  in only one of the two has no rate change (all mix).

``scale`` turns node units into KGI units (``GapDecomposition.kgi_per_unit(node)``), so a
channel's part of the bottleneck reads in yen. Pure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class DimensionRow:
    value: str
    actual: float
    target: float


@dataclass(frozen=True)
class DimensionGap:
    value: str
    actual: float
    target: float
    gap: float
    share: float | None  # of the total gap
    kgi_effect: float | None


@dataclass(frozen=True)
class DrillDownResult:
    dimension: str
    items: list[DimensionGap]  # most negative gap first
    total_actual: float
    total_target: float
    unallocated_actual: float | None  # node total minus the rows' sum, when given
    unallocated_target: float | None

    @property
    def total_gap(self) -> float:
        return self.total_actual - self.total_target


def drill_down(
    rows: Iterable[DimensionRow],
    *,
    dimension: str = "",
    direction: str = "higher",
    node_actual: float | None = None,
    node_target: float | None = None,
    scale: float | None = None,
) -> DrillDownResult:
    """Rank dimension values of a count or amount node by their gap (worst first)."""
    rows = list(rows)
    total_actual = sum(r.actual for r in rows)
    total_target = sum(r.target for r in rows)
    total = total_actual - total_target
    items = [
        DimensionGap(
            value=r.value,
            actual=r.actual,
            target=r.target,
            gap=r.actual - r.target,
            share=None if total == 0 else (r.actual - r.target) / total,
            kgi_effect=None if scale is None else (r.actual - r.target) * scale,
        )
        for r in rows
    ]
    sign = 1 if direction == "higher" else -1
    items.sort(key=lambda i: (sign * i.gap, i.value))
    return DrillDownResult(
        dimension=dimension,
        items=items,
        total_actual=total_actual,
        total_target=total_target,
        unallocated_actual=None if node_actual is None else node_actual - total_actual,
        unallocated_target=None if node_target is None else node_target - total_target,
    )


@dataclass(frozen=True)
class RateRow:
    value: str
    actual_numerator: float
    actual_denominator: float
    target_numerator: float
    target_denominator: float


@dataclass(frozen=True)
class RateEffect:
    value: str
    actual_rate: float | None
    target_rate: float | None
    actual_weight: float
    target_weight: float
    rate_effect: float  # in rate units (0.01 = 1 point)
    mix_effect: float
    kgi_effect: float | None

    @property
    def total_effect(self) -> float:
        return self.rate_effect + self.mix_effect

    def describe(self, lang: str = "en") -> str:
        rate = f"{self.rate_effect * 100:+.1f}pt"
        mix = f"{self.mix_effect * 100:+.1f}pt"
        if lang == "ja":
            return f"{self.value}: 率の変化 {rate}、構成比の変化 {mix}"
        return f"{self.value}: rate effect {rate}, mix effect {mix}"


@dataclass(frozen=True)
class RateDrillDownResult:
    dimension: str
    items: list[RateEffect]  # most harmful total effect first
    actual_rate: float
    target_rate: float

    @property
    def change(self) -> float:
        return self.actual_rate - self.target_rate

    @property
    def rate_effect(self) -> float:
        return sum(i.rate_effect for i in self.items)

    @property
    def mix_effect(self) -> float:
        return sum(i.mix_effect for i in self.items)


def drill_down_rate(
    rows: Iterable[RateRow],
    *,
    dimension: str = "",
    direction: str = "higher",
    scale: float | None = None,
) -> RateDrillDownResult:
    """Split the change of a ratio node into rate and mix effects per dimension value."""
    rows = list(rows)
    num0 = sum(r.target_numerator for r in rows)
    den0 = sum(r.target_denominator for r in rows)
    num1 = sum(r.actual_numerator for r in rows)
    den1 = sum(r.actual_denominator for r in rows)
    if den0 <= 0 or den1 <= 0:
        raise ValueError(
            "the ratio's denominator totals must be positive "
            f"(target {den0:g}, actual {den1:g}): nothing to compare"
        )
    overall0, overall1 = num0 / den0, num1 / den1
    overall_mid = (overall0 + overall1) / 2
    items = []
    for r in rows:
        w0, w1 = r.target_denominator / den0, r.actual_denominator / den1
        r0 = r.target_numerator / r.target_denominator if r.target_denominator else None
        r1 = r.actual_numerator / r.actual_denominator if r.actual_denominator else None
        a = r1 if r1 is not None else r0
        b = r0 if r0 is not None else r1
        if a is None or b is None:
            if r.actual_numerator or r.target_numerator:
                raise ValueError(f"'{r.value}' has a numerator but no denominator in either period")
            rate_effect, mix_effect = 0.0, 0.0
        else:
            rate_effect = (w0 + w1) / 2 * (a - b)
            mix_effect = ((a + b) / 2 - overall_mid) * (w1 - w0)
        kgi = None if scale is None else (rate_effect + mix_effect) * scale
        items.append(RateEffect(r.value, r1, r0, w1, w0, rate_effect, mix_effect, kgi))
    sign = 1 if direction == "higher" else -1
    items.sort(key=lambda i: (sign * i.total_effect, i.value))
    return RateDrillDownResult(dimension, items, overall1, overall0)
