"""A node's page: definition, formula, lint, SQL, history, plan by month, drill-down."""

from __future__ import annotations

from typing import Any

from ikkan.services import reading
from ikkan.web.filters import Filters
from ikkan.web.i18n import TEXT, Formatter
from ikkan.web.store import Snapshot
from ikkan.web.views.common import (
    ages,
    drill,
    header,
    history_grain,
    history_upto,
    node_card,
    reader,
    sparks,
    status_of,
)


def node_view(snap: Snapshot, f: Filters, fmt: Formatter, node_id: str) -> dict[str, Any]:
    ws = snap.ws
    tree = ws.tree
    assert tree is not None
    report = status_of(snap, f)
    # the SQL that produced the value shown: the stored grain's, or the range's own
    if f.ranged:
        explanation = reader(snap, f).explain(node_id, period=f.period)
    else:
        explanation = ws.explain(node_id, grain=str(report.period.grain))  # unknown → 4xx
    node = tree.nodes[node_id]
    spark = sparks(snap, report, f)
    card = node_card(
        snap, report, node_id, f, fmt, spark.get(node_id), ages(snap, ws.today()).get(node_id)
    )
    history = reading.history(
        ws,
        history_grain(snap, report.period),
        upto=history_upto(report.period),
        last=24,
        nodes=[node_id],
        where=f.where,
    ).get(node_id, [])
    plan_rows = []
    plan = ws.plan()
    if plan.period is not None and f.where is None:
        for month in plan.months.get("commit", []):
            value = month.values.get(node_id)
            plan_rows.append(
                {
                    "period": month.period.key,
                    "label": month.period.label(f.lang),
                    "target": value.value if value else None,
                    "target_text": fmt.value(value.value if value else None, node.unit),
                }
            )
    drills = []
    for dimension in ws.spec.measure.dimensions:
        dd = drill(snap, f, node_id, dimension)
        drills.append(
            {
                "dimension": dimension,
                "basis": dd.basis,
                "basis_period": dd.basis_period.key if dd.basis_period else None,
                "method": dd.method,
                "note": dd.note,
                "items": [
                    {
                        "value": i.value,
                        "actual": i.actual,
                        "actual_text": fmt.value(i.actual, node.unit),
                        "basis": i.basis,
                        "basis_text": fmt.value(i.basis, node.unit),
                        "change": i.change,
                        "change_text": fmt.change(i.change, node.unit),
                        "share_text": fmt.percent(i.share),
                        "kgi_effect": i.kgi_effect,
                        "kgi_effect_text": fmt.change(
                            i.kgi_effect, tree.nodes[report.bottleneck.root].unit
                        )
                        if i.kgi_effect is not None and report.bottleneck
                        else "--",
                    }
                    for i in dd.items
                ],
            }
        )
    issues = snap.cached(("lint",), ws.lint)
    lint = [
        {
            "severity": str(i.severity),
            "code": i.code,
            "message": i.message,
            "hint": i.hint,
            "line": i.location.line if i.location else None,
        }
        for i in issues
        if i.node == node_id
    ]
    return {
        "header": header(snap, report, f, fmt),
        "card": card,
        "lint": lint,
        "definition": node.definition,
        "formula": node.formula.text if node.formula else None,
        "inputs": [
            {"id": n, "label": tree.nodes[n].name(f.lang)} for n in tree.children.get(node_id, ())
        ],
        "parents": [
            {"id": n, "label": tree.nodes[n].name(f.lang)} for n in tree.parents.get(node_id, ())
        ],
        "direction_text": TEXT[f.lang][str(node.direction)],
        "metric": explanation.get("metric"),
        "sql": explanation.get("sql"),
        "dialect": explanation.get("dialect"),
        "history": [
            {
                "period": r["period"],
                "value": r["value"],
                "value_text": fmt.value(r["value"], node.unit),
                "maturing": r["maturing"],
            }
            for r in history[::-1]
        ],
        "plan": plan_rows,
        "drilldown": drills,
    }
