"""The filters that apply to a whole page, read from and written to the URL."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any
from urllib.parse import urlencode

from ikkan.errors import UserError, valid_values
from ikkan.model.periods import (
    ALL_TIME,
    RANGE_SEPARATOR,
    Grain,
    Period,
    fiscal_year,
    fiscal_year_of,
    period_containing,
    periods_between,
)

COMPARISONS = ("target", "previous", "year")


@dataclass(frozen=True)
class Filters:
    # a period key as Workspace.resolve_period gives it: a calendar key (2026-10, FY2026),
    # a range of days (2026-04-01..2026-09-30) or ALL; None = the month holding the data's
    # last day
    period: str | None = None
    where: tuple[str, str] | None = None  # (dimension, value)
    compare: str = "target"
    lang: str = "ja"

    def params(self, **changes: Any) -> dict[str, str]:
        f = replace(self, **changes)
        out: dict[str, str] = {}
        if f.period:
            out["period"] = f.period
        if f.where:
            out["where"] = f"{f.where[0]}:{f.where[1]}"
        if f.compare != "target":
            out["compare"] = f.compare
        out["lang"] = f.lang
        return out

    def query(self, **changes: Any) -> str:
        return urlencode(self.params(**changes))

    @property
    def ranged(self) -> bool:
        """A custom range or ALL: measured from the imported rows, not read from the
        stored calendar periods."""
        return self.period is not None and (
            self.period == ALL_TIME or RANGE_SEPARATOR in self.period
        )


def parse_filters(
    period: str | None,
    where: str | None,
    compare: str | None,
    lang: str,
    *,
    dimensions: list[str],
    grains: list[str],
    resolve: Callable[[str], Period],
) -> Filters:
    """Check the URL's filters; a clear UserError (→ 400) for anything unknown. ``resolve``
    is ``Workspace.resolve_period``: the CLI's parser, so ``period`` takes what ``ikkan
    status --period`` takes (calendar keys, ``2026-04-01..2026-09-30``, ``ALL``)."""
    key = None
    if period:
        chosen = resolve(period)
        if chosen.grain is not Grain.RANGE and str(chosen.grain) not in grains:
            raise UserError(
                f"period '{period}' is a {chosen.grain}, which refresh does not compute",
                hint="computed grains: " + ", ".join(grains),
            )
        key = chosen.key
    slice_ = None
    if where:
        dimension, sep, value = where.partition(":")
        if not sep or not value:
            raise UserError(
                f"filter '{where}' is not dimension:value", hint="write e.g. channel:paid_search"
            )
        if dimension not in dimensions:
            raise UserError(
                f"unknown dimension '{dimension}'",
                hint=valid_values(dimensions) if dimensions else "measure.dimensions is empty",
            )
        slice_ = (dimension, value)
    mode = compare or "target"
    if mode not in COMPARISONS:
        raise UserError(f"unknown comparison '{mode}'", hint=valid_values(COMPARISONS))
    return Filters(key, slice_, mode, lang)


def period_choices(as_of: date, grains: list[str], fy_start: int) -> list[Period]:
    """Periods offered in the picker: this and last fiscal year, their halves and
    quarters, this fiscal year's months and the last 8 weeks (only computed grains)."""
    fy = fiscal_year_of(as_of, fy_start)
    out: list[Period] = []
    for year in (fy, fy - 1):
        whole = fiscal_year(year, fy_start)
        for grain in (Grain.FISCAL_YEAR, Grain.HALF, Grain.QUARTER):
            if str(grain) in grains:
                out += periods_between(whole.start, whole.end, grain, fy_start)
    if "month" in grains:
        this = fiscal_year(fy, fy_start)
        out += periods_between(this.start, min(this.end, as_of), Grain.MONTH, fy_start)[::-1]
    if "week" in grains:
        week = period_containing(as_of, Grain.WEEK, fy_start)
        out += [
            period_containing(date.fromordinal(week.start.toordinal() - 7 * i), Grain.WEEK)
            for i in range(8)
        ]
    return out
