"""The funnel: stage counts with step and cumulative conversion."""

from __future__ import annotations

from typing import Any

from ikkan.web.filters import Filters
from ikkan.web.i18n import Formatter
from ikkan.web.store import Snapshot
from ikkan.web.views.common import (
    header,
    status_of,
)


def funnel_view(snap: Snapshot, f: Filters, fmt: Formatter) -> dict[str, Any]:
    """Each funnel stage's count from the node counting it (stage_count; the visit stage
    from a web sessions node), with % of the previous measured stage and % of the first."""
    ws = snap.ws
    tree = ws.tree
    assert tree is not None
    report = status_of(snap, f)
    by_stage: dict[str, str] = {}
    for node_id in tree.order:
        metric = tree.nodes[node_id].metric
        if metric is not None and metric.type == "stage_count":
            stage = getattr(metric, "stage", None)
            has_filters = bool(getattr(metric, "filters", None))
            if stage and not has_filters:
                by_stage.setdefault(stage, node_id)
        elif (
            metric is not None
            and metric.type == "web"
            and getattr(metric, "measure", None) == "sessions"
            and not getattr(metric, "filters", None)
        ):
            by_stage.setdefault("visit", node_id)  # site sessions stand for the visit stage
    rows = []
    first: float | None = None
    previous: float | None = None
    for stage in ws.spec.funnel.stages:
        label = stage.label
        name = (label.ja if f.lang == "ja" else label.en) if label else stage.id
        stage_node = by_stage.get(stage.id)
        s = report.nodes[stage_node] if stage_node else None
        count = s.actual if s else None
        step = count / previous if count is not None and previous else None
        cumulative = count / first if count is not None and first else None
        rows.append(
            {
                "stage": stage.id,
                "label": name or stage.id,
                "node": stage_node,
                "count": count,
                "count_text": fmt.value(count, tree.nodes[stage_node].unit if stage_node else None),
                "target_text": fmt.value(
                    s.commit if s else None, tree.nodes[stage_node].unit if stage_node else None
                ),
                "step_rate": step,
                "step_text": fmt.percent(step),
                "cumulative_rate": cumulative,
                "cumulative_text": fmt.percent(cumulative),
                "measured": count is not None,
                "benchmarks": [b.message(f.lang) for b in s.benchmarks] if s else [],
            }
        )
        if count is not None:
            first = count if first is None else first
            previous = count
    return {"header": header(snap, report, f, fmt), "stages": rows}
