"""The funnel: stage counts with step and cumulative conversion."""

from __future__ import annotations

from typing import Any

from ikkan.web.filters import Filters
from ikkan.web.i18n import Formatter
from ikkan.web.store import Snapshot
from ikkan.web.view_model import funnel_steps
from ikkan.web.views.common import (
    header,
    status_of,
)


def funnel_view(snap: Snapshot, f: Filters, fmt: Formatter) -> dict[str, Any]:
    """Each funnel stage's count from the node counting it (stage_count; the visit stage
    from a web sessions node), with % of the previous measured stage and % of the first."""
    tree = snap.ws.tree
    assert tree is not None
    report = status_of(snap, f)
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
    return {"header": header(snap, report, f, fmt), "stages": rows}
