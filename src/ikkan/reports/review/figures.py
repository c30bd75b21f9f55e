"""The report's charts: the trends page's chart builders (``web.view_model``), filled from
the same history and plan, then drawn to SVG by ``svg_chart``."""

from __future__ import annotations

from typing import Any

from ikkan.model.periods import Grain, months_of, parse_period
from ikkan.reports.review.inputs import ReviewInputs
from ikkan.web import view_model


def trend_figure(inputs: ReviewInputs, node_id: str, lang: str) -> dict[str, Any] | None:
    """The node's values up to the review period against the plan's commit target per
    period (the trends page's chart, over the report's window)."""
    tree = inputs.tree
    node = tree.nodes[node_id]
    rows = inputs.history.get(node_id, [])
    if not any(r["value"] is not None for r in rows):
        return None
    fy_start = tree.spec.company.fiscal_year_start
    weekly = inputs.period.grain is Grain.WEEK
    return view_model.trend_figure(
        node,
        [parse_period(r["period"], fy_start).label(lang) for r in rows],
        [r["value"] for r in rows],
        [
            None if weekly else view_model.commit_target(inputs.plan, r["period"], node_id)
            for r in rows
        ],
        lang,
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
    return view_model.pacing_figure(
        node,
        year.period,
        months_of(year.period),
        by_month,
        inputs.pacing_line,
        target,
        year.as_of,
        lang,
    )
