"""Trends: a node over time with its target line, and the cumulative pacing chart."""

from __future__ import annotations

from typing import Any

from ikkan.model.periods import Grain, parse_period
from ikkan.services.series import Series, SeriesPoint
from ikkan.services.status import StatusReport
from ikkan.web.filters import Filters
from ikkan.web.i18n import Formatter
from ikkan.web.store import Snapshot
from ikkan.web.view_model import commit_target, pacing_figure, trend_figure
from ikkan.web.views.common import (
    header,
    status_of,
)
from ikkan.workspace import Workspace

TREND_PERIODS = 24
DAY = str(Grain.DAY)


def trend_view(
    snap: Snapshot, f: Filters, fmt: Formatter, node_id: str | None, grain: str | None
) -> dict[str, Any]:
    from ikkan.errors import UserError, did_you_mean, valid_values

    ws = snap.ws
    tree = ws.tree
    assert tree is not None
    report = status_of(snap, f)
    chosen = node_id or (report.bottleneck.root if report.bottleneck else tree.order[-1])
    if chosen not in tree.nodes:
        raise UserError(f"unknown node '{chosen}'", hint=did_you_mean(chosen, tree.nodes))
    stored = list(ws.spec.measure.grains)
    # day: computed on demand for the one node when refresh does not store it
    grains = stored if DAY in stored else [DAY, *stored]
    use = grain or ("month" if "month" in grains else grains[0])
    if use not in grains:
        raise UserError(f"grain '{use}' is not computed", hint=valid_values(grains))
    node = tree.nodes[chosen]
    plan = ws.plan()
    points: list[dict[str, Any]] = []
    # the series is the snapshot's (kept per snapshot: the node page asks for it on every
    # request); targets and action markers come from the state database, read per request
    on_demand = use == DAY and DAY not in stored
    series: list[SeriesPoint] = snap.cached(
        ("trend_points", chosen, use, f.period, f.where),
        lambda: (
            day_series(snap, chosen, f, report)
            if on_demand
            else trend_points(ws, chosen, use, f, report)
        ),
    )
    for r in series:
        target = None
        if f.where is None and use not in (str(Grain.WEEK), DAY):
            target = commit_target(plan, r.period, chosen)
        points.append(
            {
                "period": r.period,
                "label": parse_period(r.period, ws.spec.company.fiscal_year_start).label(f.lang),
                "actual": r.value,
                "target": target,
                "actual_text": fmt.value(r.value, node.unit),
                "target_text": fmt.value(target, node.unit),
                "maturing": r.maturing,
            }
        )
    from ikkan.web.views.pdca import action_markers

    labels = {p["period"]: p["label"] for p in points}
    markers = action_markers(snap, chosen, use, labels, f.lang) if ws.state_exists() else []
    return {
        "header": header(snap, report, f, fmt),
        "markers": markers,
        "node": chosen,
        "label": node.name(f.lang),
        "grain": use,
        "grains": grains,
        "on_demand": on_demand,
        "nodes": [
            {"id": n, "label": tree.nodes[n].name(f.lang)} for n, _, first in tree.walk() if first
        ],
        "points": points,
        "chart": trend_figure(
            node,
            [p["label"] for p in points],
            [p["actual"] for p in points],
            [p["target"] for p in points],
            f.lang,
            markers=markers,
        ),
        "pacing": _pacing_chart(snap, f, fmt, chosen, report),
    }


def day_series(snap: Snapshot, node_id: str, f: Filters, report: StatusReport) -> list[SeriesPoint]:
    """The node by day over the page's period (``services.day_series``), measured on the
    project's warehouse with the snapshot's dates pinned."""
    from ikkan.services.day_series import day_points

    ws = snap.live or snap.ws
    tree = snap.ws.tree
    assert tree is not None
    period = report.period
    return day_points(
        ws.warehouse(), tree, node_id, period.start, period.end, report.as_of, f.where
    )


def trend_points(
    ws: Workspace, node_id: str, grain: str, f: Filters, report: StatusReport
) -> list[SeriesPoint]:
    """``node_id`` at ``grain`` as ``Workspace.series`` gives it (what ``ikkan status
    --series`` prints, so both show the same numbers): the periods overlapping the page's
    period when it holds two or more of them (a year by month, a range, ALL), else the
    last ``TREND_PERIODS`` up to the page's period. A ``where`` slice keeps its value's
    points of the series split by that dimension."""
    by = f.where[0] if f.where else None

    def kept(series: Series) -> list[SeriesPoint]:
        return [p for p in series.points if f.where is None or p.dimension_value == f.where[1]]

    inside = kept(ws.series(node_id, grain=grain, by=by, period=f.period))
    if len(inside) >= 2:
        return inside
    end = min(report.period.end, report.as_of)
    every = kept(ws.series(node_id, grain=grain, by=by))
    return [p for p in every if p.start <= end][-TREND_PERIODS:]


def _pacing_chart(
    snap: Snapshot, f: Filters, fmt: Formatter, node_id: str, report: StatusReport
) -> dict[str, Any] | None:
    """Cumulative actual by month against the target phased on business days, for a flow
    node over a quarter, half or fiscal year (the months computed so far)."""
    from ikkan.model.periods import months_of
    from ikkan.model.spec import Aggregate
    from ikkan.monitor.pacing import pacing_line

    ws = snap.ws
    tree = ws.tree
    assert tree is not None
    node = tree.nodes[node_id]
    period = report.period
    target = report.nodes[node_id].commit
    if (
        period.grain not in (Grain.QUARTER, Grain.HALF, Grain.FISCAL_YEAR)
        or node.aggregate is not Aggregate.SUM
        or target is None
        or "month" not in ws.spec.measure.grains
    ):
        return None
    line = dict(pacing_line(target, period, ws.calendar()))
    by = f.where[0] if f.where else None
    by_month: dict[str, float | None] = snap.cached(
        ("pacing_months", node_id, period.key, f.where),
        lambda: {
            p.period: p.value
            for p in ws.series(node_id, grain="month", by=by, period=period.key).points
            if f.where is None or p.dimension_value == f.where[1]
        },
    )
    return pacing_figure(
        node, period, months_of(period), by_month, line, target, report.as_of, f.lang
    )
