"""``explain``: how a node's value is computed — definition, formula, the metric as
written after defaults, the SQL the refresh ran (rendered with the refresh's ``as_of``),
and its latest values or, for a range, its value over the range."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ikkan.errors import UserError
from ikkan.model.metrics import effective_definition

if TYPE_CHECKING:
    from ikkan.services.project_view import ProjectView


def explain(
    ws: ProjectView,
    node_id: str,
    grain: str,
    by: str | None,
    dialect: str | None,
    period_text: str | None = None,
) -> dict[str, Any]:
    from ikkan.errors import did_you_mean

    tree = ws.require_valid()
    if node_id not in tree.nodes:
        raise UserError(
            f"unknown node '{node_id}'",
            hint=did_you_mean(node_id, tree.nodes) or "see 'ikkan plan' for ids",
        )
    node = tree.nodes[node_id]
    lang = ws.lang
    as_of = ws.measured_as_of()
    period = ws.resolve_period(period_text, as_of) if period_text else None
    span = None
    if period is not None:
        from ikkan.compute import Span
        from ikkan.model.periods import Grain

        grain = str(period.grain)
        if period.grain is Grain.RANGE:
            span = Span(period.start, period.end, period.key)
    out: dict[str, Any] = {
        "title": f"{node.name(lang)} ({node_id}, {node.kind})",
        "definition": node.definition,
        "unit": node.unit.id if node.unit else None,
        "owner": " / ".join(p for p in (node.department, node.person) if p) or None,
        "formula": node.formula.text if node.formula else None,
        "inputs": list(node.formula.names) if node.formula else [],
        "metric": json.dumps(
            effective_definition(node.metric), ensure_ascii=False, separators=(",", ":")
        )
        if node.metric
        else None,
        "grain": grain,
        "period": None
        if period is None
        else {"key": period.key, "start": period.start, "end": period.end},
    }
    from ikkan.monitor.effect import FORMULA

    effective = ws.effective_targets()
    target = effective.tree.nodes[node_id].target
    if target is not None:
        out["targets"] = {
            scenario: {"value": target.get(scenario), "source": effective.source(node_id, scenario)}
            for scenario in ("commit", "stretch")
        }
    out["effect_formula"] = FORMULA
    from ikkan.ingest.mapping.notes import default_date_notes

    out["row_dates"] = default_date_notes(ws.spec, node.metric)
    if node.metric is not None:
        from ikkan.services.explain_sql import metric_sql

        name = dialect or ws.warehouse_dialect()
        out["as_of"] = as_of.isoformat()
        out["sql"] = metric_sql(
            node.metric,
            node_id=node_id,
            grain=grain,
            dimension=by,
            stages=tuple(s.id for s in ws.spec.funnel.stages),
            fiscal_year_start=ws.spec.company.fiscal_year_start,
            as_of=as_of,
            span=span,
            dialect=name,
        )
        out["dialect"] = name
        from ikkan.ingest.attribution import attribution_note

        note = attribution_note(node.metric, by, lang)
        out["notes"] = [note] if note else []
        if node.metric.type == "manual":
            from ikkan.compute.manual import rollup_note

            out["notes"].append(rollup_note(node.metric, lang))
        if node.metric.type == "sla_attainment":
            from ikkan.compute.sla import rule_note

            metric = node.metric
            out["notes"].append(
                rule_note(
                    stage=metric.stage,
                    within=metric.within,
                    contact=tuple(metric.contact),
                    to_stage=metric.to_stage,
                    calendar=ws.calendar(),
                    lang=lang,
                )
            )
    if period is not None and span is not None:
        from ikkan.services.range_values import measure_ranges

        found = measure_ranges(tree, ws.warehouse(), [period], as_of=as_of, dimension=by or "")
        out["latest"] = [
            {"period": key[1] + (f" {key[2]}" if key[2] else ""), "value": row["value"]}
            for key, row in sorted(found.items())
            if key[0] == node_id
        ]
        return out
    try:
        rows = (
            ws.warehouse()
            .query(
                "SELECT period, value FROM kpi_values WHERE node_id = ? AND grain = ? "
                "AND dimension = '' ORDER BY period_start DESC LIMIT 6",
                [node_id, grain],
            )
            .to_pylist()
        )
        out["latest"] = rows
    except UserError:
        out["latest"] = []
    return out
