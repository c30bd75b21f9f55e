"""``ikkan status --json``: the status report as plain data (version 1)."""

from __future__ import annotations

from typing import Any

from ikkan.model.tree import KpiTree
from ikkan.services.status import StatusReport

STATUS_JSON_VERSION = 1


def status_to_json(tree: KpiTree | None, report: StatusReport) -> dict[str, Any]:
    nodes = []
    for node_id, s in report.nodes.items():
        node = tree.nodes[node_id] if tree else None
        nodes.append(
            {
                "id": node_id,
                "label": {"ja": node.label.ja, "en": node.label.en} if node else None,
                "kind": str(node.kind) if node else None,
                "unit": node.unit.id if node and node.unit else None,
                "direction": str(node.direction) if node else None,
                "actual": s.actual,
                "implied": s.implied,  # not measured: implied by measured parents (or null)
                "numerator": s.numerator,
                "denominator": s.denominator,
                "commit": s.commit,
                "stretch": s.stretch,
                "achievement": s.status.achievement,
                "gap": s.status.gap,
                "rag": s.status.rag.value,
                "stretch_reached": s.status.stretch_reached,
                "maturing": s.maturing,
                "pacing": None
                if s.pacing is None
                else {
                    "expected_to_date": s.pacing.expected_to_date,
                    "projected": s.pacing.projected,
                    "pace": s.pacing.pace,
                    "status": s.pacing.status.value,
                    "elapsed_business_days": s.pacing.elapsed_days,
                    "business_days": s.pacing.total_days,
                    "required_per_day": s.pacing.required_per_day,
                },
                "previous": {
                    "value": s.comparison.mom.previous,
                    "change": s.comparison.mom.absolute,
                    "percent": s.comparison.mom.percent,
                },
                "year_ago": {
                    "value": s.comparison.yoy.previous,
                    "change": s.comparison.yoy.absolute,
                    "percent": s.comparison.yoy.percent,
                },
                "benchmarks": [
                    {"id": f.benchmark.id, "level": f.level.value, "message": f.message("en")}
                    for f in s.benchmarks
                ],
            }
        )
    d = report.bottleneck
    worst = d.bottleneck if d else None
    return {
        "ikkan_status_version": STATUS_JSON_VERSION,
        "period": report.period.key,
        "grain": str(report.period.grain),
        "period_start": report.period.start.isoformat(),
        "period_end": report.period.end.isoformat(),
        "period_label": {"ja": report.period.label("ja"), "en": report.period.label("en")},
        "as_of": report.as_of.isoformat(),
        "running": report.running,
        "computed_at": report.computed_at,
        "nodes": nodes,
        "bottleneck": None
        if d is None
        else {
            "kgi": d.root,
            "target": d.target,
            "actual": d.actual,
            "gap": d.actual - d.target,
            "node": worst.node if worst else None,
            "contributions": [
                {
                    "node": c.node,
                    "actual": c.actual,
                    "target": c.target,
                    "contribution": c.contribution,
                    "share": c.share,
                    "leaf": c.is_leaf,
                    "method": c.method,
                    "unexplained": c.unexplained,
                }
                for c in d.ranked(leaves_only=False)
            ],
            "note": report.bottleneck_note,
        },
        "by": None
        if report.by is None
        else {
            "dimension": report.by.dimension,
            "values": report.by.values,
            "rows": _by_rows(tree, report),
            "not_split": report.by.skipped,
        },
    }


def _by_rows(tree: KpiTree | None, report: StatusReport) -> list[dict[str, Any]]:
    """Every dimension value (none folded: JSON is not cut), ranked as the table ranks
    them, each node with its value, the counts behind it and its share of the total."""
    assert report.by is not None
    if tree is None:
        return []
    view = report.by.breakdown(tree)
    return [
        {
            "value": name,
            "nodes": {
                node: {
                    "value": cell.value,
                    "numerator": cell.numerator,
                    "denominator": cell.denominator,
                    "share": view.share(node, name),
                }
                for node, cell in cells.items()
                if node in report.by.cells
            },
        }
        for name, cells in view.rows
    ]
