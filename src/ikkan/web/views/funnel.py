"""The funnel: stage counts with step and cumulative conversion, on a period or a cohort
basis, for the whole company or one row per value of a dimension.

- ``period`` (default): the stage entries dated in the period, whoever the lead (the
  stored ``stage_count`` values; a breakdown reads them split by the dimension).
- ``cohort``: the leads created in the period, followed through the stages up to the
  data's last day (``services.cohort_funnel``: one query on the project's warehouse,
  kept per snapshot, period, filter and breakdown).
"""

from __future__ import annotations

from typing import Any

from ikkan.errors import UserError, valid_values
from ikkan.web.filters import Filters
from ikkan.web.i18n import TEXT, Formatter
from ikkan.web.store import Snapshot
from ikkan.web.view_model import funnel_rates, funnel_stage_nodes, funnel_steps, stage_label
from ikkan.web.views.common import (
    header,
    status_of,
)

BASES = ("period", "cohort")


def funnel_view(
    snap: Snapshot,
    f: Filters,
    fmt: Formatter,
    basis: str | None = None,
    by: str | None = None,
) -> dict[str, Any]:
    """Each funnel stage's count from the node counting it (stage_count; the visit stage
    from a web sessions node), with % of the previous measured stage and % of the first;
    ``basis`` period or cohort, ``by`` a dimension for one funnel row per value."""
    tree = snap.ws.tree
    assert tree is not None
    basis = basis or "period"
    if basis not in BASES:
        raise UserError(f"unknown funnel basis '{basis}'", hint=valid_values(BASES))
    dims = list(snap.ws.spec.measure.dimensions)
    if by is not None and by not in dims:
        raise UserError(
            f"unknown dimension '{by}' to break the funnel down by", hint=valid_values(dims)
        )
    report = status_of(snap, f)
    t = TEXT[f.lang]
    stages = tree.spec.funnel.stages
    by_stage = funnel_stage_nodes(tree)
    if basis == "period":
        rows = _period_rows(snap, f, fmt, report)
        breakdown = _period_breakdown(snap, f, fmt, by) if by else []
        note = t["basis_period_note"]
    else:
        counts = _cohort(snap, f, by=None)
        rows = _cohort_rows(tree, counts.get("", {}), f, fmt)
        breakdown = (
            [
                {"value": value, "stages": _cohort_rows(tree, per, f, fmt)}
                for value, per in sorted(_cohort(snap, f, by=by).items())
            ]
            if by
            else []
        )
        note = t["basis_cohort_note"]
    return {
        "header": header(snap, report, f, fmt),
        "basis": basis,
        "basis_note": note,
        "by": by,
        "dimensions": dims,
        "stages": rows,
        "stage_labels": [stage_label(s, f.lang) for s in stages],
        "stage_nodes": [by_stage.get(s.id) for s in stages],
        "breakdown": breakdown,
    }


def _period_rows(snap: Snapshot, f: Filters, fmt: Formatter, report: Any) -> list[dict[str, Any]]:
    tree = snap.ws.tree
    assert tree is not None
    rows = []
    for step in funnel_steps(tree, report, f.lang):
        s, unit = step.status, tree.nodes[step.node].unit if step.node else None
        rows.append(
            {
                "stage": step.stage,
                "label": step.label,
                "node": step.node,
                "count": step.count,
                "count_text": fmt.value(step.count, unit),
                "target_text": fmt.value(s.commit if s else None, unit),
                "step_rate": step.step_rate,
                "step_text": fmt.percent(step.step_rate),
                "cumulative_rate": step.cumulative_rate,
                "cumulative_text": fmt.percent(step.cumulative_rate),
                "measured": step.count is not None,
                "benchmarks": [b.message(f.lang) for b in s.benchmarks] if s else [],
            }
        )
    return rows


def _cells(
    stage_ids: list[str], counts: list[float | None], fmt: Formatter
) -> list[dict[str, Any]]:
    return [
        {
            "stage": stage,
            "count": count,
            "count_text": fmt.value(count, None),
            "step_rate": step,
            "step_text": fmt.percent(step),
            "cumulative_rate": cumulative,
            "cumulative_text": fmt.percent(cumulative),
            "measured": count is not None,
        }
        for stage, count, (step, cumulative) in zip(
            stage_ids, counts, funnel_rates(counts), strict=True
        )
    ]


def _period_breakdown(snap: Snapshot, f: Filters, fmt: Formatter, by: str) -> list[dict[str, Any]]:
    """One funnel per value of ``by`` from the stored stage counts split by it."""
    ws = snap.ws
    tree = ws.tree
    assert tree is not None
    report = snap.cached(("by", f.period, by), lambda: ws.status(period=f.period, by=by))
    assert report.by is not None
    by_stage = funnel_stage_nodes(tree)
    stage_ids = [s.id for s in tree.spec.funnel.stages]
    nodes = [by_stage.get(s) for s in stage_ids]
    values = sorted({v for n in nodes if n and n in report.by.values for v in report.by.values[n]})
    out = []
    for value in values:
        counts = [
            report.by.values[n].get(value) if n and n in report.by.values else None for n in nodes
        ]
        out.append({"value": value, "stages": _cells(stage_ids, counts, fmt)})
    return out


def _cohort(snap: Snapshot, f: Filters, by: str | None) -> dict[str, dict[str, int]]:
    from ikkan.services.cohort_funnel import cohort_counts

    ws = snap.live or snap.ws
    tree = snap.ws.tree
    assert tree is not None
    report = status_of(snap, f)
    stages = _cohort_stages(tree)
    return snap.cached(  # type: ignore[no-any-return]
        ("funnel_cohort", f.period, f.where, by),
        lambda: cohort_counts(
            ws.warehouse(),
            stages,
            [s.id for s in tree.spec.funnel.stages],
            report.period,
            report.as_of,
            fy_start=ws.spec.company.fiscal_year_start,
            by=by,
            where=f.where,
        ),
    )


def _cohort_stages(tree: Any) -> list[tuple[str, str]]:
    """The lead stages with the mode their stage_count node counts them in (a stage
    without such a node: strict); the visit stage has no lead and no cohort."""
    by_stage = funnel_stage_nodes(tree)
    out = []
    for stage in tree.spec.funnel.stages:
        node = by_stage.get(stage.id)
        metric = tree.nodes[node].metric if node else None
        if metric is not None and metric.type == "web":
            continue
        out.append((stage.id, getattr(metric, "mode", "strict") or "strict"))
    return out


def _cohort_rows(
    tree: Any, counts: dict[str, int], f: Filters, fmt: Formatter
) -> list[dict[str, Any]]:
    stages = tree.spec.funnel.stages
    by_stage = funnel_stage_nodes(tree)
    values = [float(counts[s.id]) if s.id in counts else None for s in stages]
    cells = _cells([s.id for s in stages], values, fmt)
    for cell, stage in zip(cells, stages, strict=True):
        cell.update(
            {
                "label": stage_label(stage, f.lang),
                "node": by_stage.get(stage.id),
                "target_text": "--",  # the plan's targets are per period, not per cohort
                "benchmarks": [],
            }
        )
    return cells
