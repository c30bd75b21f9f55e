"""The report's charts: the dashboard's chart specs (``web.charts``), filled from the same
history and plan as the trends page, then drawn to SVG by ``svg_chart``."""

from __future__ import annotations

from typing import Any

from ikkan.model.periods import Grain, PeriodError, months_of, parse_period
from ikkan.model.units import UnitKind
from ikkan.reports.review.inputs import ReviewInputs
from ikkan.web.charts import pacing_chart, trend_chart
from ikkan.web.i18n import TEXT


def trend_figure(inputs: ReviewInputs, node_id: str, lang: str) -> dict[str, Any] | None:
    """The node's values up to the review period against the plan's commit target per
    period (the trends page's chart, over the report's window)."""
    tree = inputs.tree
    node = tree.nodes[node_id]
    rows = inputs.history.get(node_id, [])
    if not any(r["value"] is not None for r in rows):
        return None
    fy_start = tree.spec.company.fiscal_year_start
    labels, actual, target = [], [], []
    for r in rows:
        value = None
        if inputs.plan.period is not None and inputs.period.grain is not Grain.WEEK:
            try:
                planned = inputs.plan.for_period("commit", r["period"]).values.get(node_id)
                value = planned.value if planned else None
            except PeriodError:  # outside the plan: no target
                value = None
        labels.append(parse_period(r["period"], fy_start).label(lang))
        actual.append(r["value"])
        target.append(value)
    t = TEXT[lang]
    return trend_chart(
        node.name(lang),
        labels,
        actual,
        target,
        actual_name=t["actual"],
        target_name=t["target"],
        percent=node.unit is not None and node.unit.kind is UnitKind.RATIO,
        green=node.green,
        amber=node.amber,
    )


def pacing_figure(inputs: ReviewInputs, lang: str) -> dict[str, Any] | None:
    """The KGI's cumulative months of the fiscal year against its target phased on
    business days (the trends page's pacing chart for a fiscal year)."""
    year = inputs.year
    if year is None or year.bottleneck is None or not inputs.pacing_line:
        return None
    kgi = year.bottleneck.root
    target = year.nodes[kgi].commit
    if target is None:
        return None
    node = inputs.tree.nodes[kgi]
    by_month = {r["period"]: r["value"] for r in inputs.year_months.get(kgi, [])}
    labels, cumulative, expected = [], [], []
    total = 0.0
    for m in months_of(year.period):
        if m.start > year.as_of:
            break
        total += by_month.get(m.key) or 0.0
        labels.append(m.label(lang))
        cumulative.append(total)
        expected.append(inputs.pacing_line.get(min(m.end, year.as_of)))
    t = TEXT[lang]
    return pacing_chart(
        f"{node.name(lang)} — {year.period.label(lang)}",
        labels,
        cumulative,
        expected,
        target,
        actual_name=t["cumulative"],
        expected_name=t["expected"],
        target_name=t["target"],
    )
