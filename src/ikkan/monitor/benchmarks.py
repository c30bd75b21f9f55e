"""Benchmarks: where a KPI value sits against a published or agreed range, and what to do.

A benchmark applies to a metric (``opportunity_rate``) in a scope (``channel: web_ad``) and
cuts the number line into bands (below 5% → review; 5–11% → below the typical range;
11–20% → typical; above 20% → above). Ratios are fractions (0.11 = 11%).

The built-in table is ``benchmark_data.BUILTIN_BENCHMARKS`` (each entry cites its seed);
a project adds or replaces entries with its own (same shape, same ``id`` replaces).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class BenchmarkLevel(StrEnum):
    REVIEW = "review"  # act now (要見直し)
    BELOW = "below"  # below the typical range (目安未満)
    NORMAL = "normal"  # within the typical range (目安内)
    ABOVE = "above"  # better than the typical range (目安超)

    def label(self, lang: str = "en") -> str:
        return _LEVEL_LABELS[self][0 if lang == "ja" else 1]


_LEVEL_LABELS = {
    BenchmarkLevel.REVIEW: ("要見直し", "Review needed"),
    BenchmarkLevel.BELOW: ("目安未満", "Below typical range"),
    BenchmarkLevel.NORMAL: ("目安内", "Within typical range"),
    BenchmarkLevel.ABOVE: ("目安超", "Above typical range"),
}


class BenchmarkBand(BaseModel):
    """``lower`` ≤ value < ``upper`` (``upper_inclusive``: ≤ upper); None = unbounded."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    lower: float | None = None
    upper: float | None = None
    upper_inclusive: bool = False
    level: BenchmarkLevel
    label_ja: str
    label_en: str
    advice_ja: str = ""
    advice_en: str = ""

    def contains(self, value: float) -> bool:
        if self.lower is not None and value < self.lower:
            return False
        if self.upper is None:
            return True
        return value <= self.upper if self.upper_inclusive else value < self.upper


class Benchmark(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    metric: str
    scope: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    unit: Literal["ratio", "count", "yen", "score", "multiple"] = "ratio"
    label_ja: str
    label_en: str
    bands: tuple[BenchmarkBand, ...]
    basis: Literal["survey", "guideline", "definition", "own"] = "own"
    source_ja: str = ""
    source_en: str = ""
    note_ja: str = ""
    note_en: str = ""

    @field_validator("scope", mode="before")
    @classmethod
    def _scope_lists(cls, value: object) -> object:
        if isinstance(value, Mapping):
            return {k: (v,) if isinstance(v, str) else v for k, v in value.items()}
        return value

    @model_validator(mode="after")
    def _bands_ordered(self) -> Benchmark:
        if not self.bands:
            raise ValueError(f"benchmark '{self.id}' needs at least one band")
        for band in self.bands:
            if band.lower is not None and band.upper is not None and band.upper < band.lower:
                raise ValueError(f"benchmark '{self.id}': a band's upper is below its lower")
        for before, after in zip(self.bands, self.bands[1:], strict=False):
            if before.upper is None or after.lower is None or after.lower < before.upper:
                raise ValueError(
                    f"benchmark '{self.id}': bands must be in ascending order without overlap"
                    f" (a band ends at {before.upper}, the next starts at {after.lower})"
                )
        return self

    def applies_to(self, metric: str, scope: Mapping[str, str]) -> bool:
        if metric != self.metric:
            return False
        for key, allowed in self.scope.items():
            value = scope.get(key)
            if value is None or value.casefold() not in {a.casefold() for a in allowed}:
                return False
        return True

    def label(self, lang: str = "en") -> str:
        return self.label_ja if lang == "ja" else self.label_en


def _fmt(value: float, unit: str) -> str:
    if unit == "ratio":
        return f"{value:.1%}"
    if unit == "yen":
        return f"¥{value:,.0f}"
    return f"{value:,.4g}"


@dataclass(frozen=True)
class BenchmarkFlag:
    benchmark: Benchmark
    value: float
    band: BenchmarkBand

    @property
    def level(self) -> BenchmarkLevel:
        return self.band.level

    @property
    def needs_attention(self) -> bool:
        return self.level in (BenchmarkLevel.REVIEW, BenchmarkLevel.BELOW)

    def message(self, lang: str = "en") -> str:
        bm, band = self.benchmark, self.band
        value = _fmt(self.value, bm.unit)
        if lang == "ja":
            text = f"{bm.label_ja} {value}: {band.label_ja}"
            return text + (f"。{band.advice_ja}" if band.advice_ja else "")
        text = f"{bm.label_en} {value}: {band.label_en}"
        return text + (f". {band.advice_en}" if band.advice_en else "")


def evaluate_benchmark(benchmark: Benchmark, value: float | None) -> BenchmarkFlag | None:
    """The band ``value`` falls in (None for a missing value or one in a gap)."""
    if value is None:
        return None
    for band in benchmark.bands:
        if band.contains(value):
            return BenchmarkFlag(benchmark, value, band)
    return None


def merge_benchmarks(
    builtin: Iterable[Benchmark], own: Iterable[Benchmark]
) -> tuple[Benchmark, ...]:
    """The built-in table with the project's entries added; the same ``id`` replaces."""
    merged = {b.id: b for b in builtin}
    merged.update({b.id: b for b in own})
    return tuple(merged.values())


def find_benchmarks(
    benchmarks: Iterable[Benchmark], metric: str, scope: Mapping[str, str] | None = None
) -> list[Benchmark]:
    """Benchmarks for ``metric`` in ``scope``, the most specific (most scope keys) first."""
    found = [b for b in benchmarks if b.applies_to(metric, scope or {})]
    return sorted(found, key=lambda b: -len(b.scope))


def check_benchmarks(
    benchmarks: Iterable[Benchmark],
    metric: str,
    value: float | None,
    scope: Mapping[str, str] | None = None,
) -> list[BenchmarkFlag]:
    """Every applicable benchmark's verdict on ``value``."""
    flags = [evaluate_benchmark(b, value) for b in find_benchmarks(benchmarks, metric, scope)]
    return [f for f in flags if f is not None]
