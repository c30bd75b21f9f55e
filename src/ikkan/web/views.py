"""View models: plain, JSON-ready data built from the façade; the API returns them, the
templates render them (one source for both)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ikkan.model.formulas import BinOp, Call, Expr, Neg, Ref
from ikkan.model.periods import Grain, PeriodError, parse_period
from ikkan.model.tree import KpiTree, Node
from ikkan.model.units import UnitKind
from ikkan.monitor.pacing import PaceStatus
from ikkan.services.status import NodeStatus, StatusReport
from ikkan.web.filters import Filters
from ikkan.web.i18n import TEXT, Formatter
from ikkan.web.store import Snapshot

STALE_DAYS = 7  # a source not imported for longer marks its nodes "stale data"
HEADLINE_MAX = 6
SPARK_PERIODS = 12

RAG_ICON = {"green": "✔", "amber": "▲", "red": "✖", "unknown": "?"}
_PACE_RAG = {
    PaceStatus.ON_TRACK: "green",
    PaceStatus.AT_RISK: "amber",
    PaceStatus.BEHIND: "red",
}


def status_of(snap: Snapshot, f: Filters) -> StatusReport:
    return snap.cached(  # type: ignore[no-any-return]
        ("status", f.period, f.where),
        lambda: snap.ws.status(period=f.period, where=f.where),
    )


def _judgement(s: NodeStatus, lang: str) -> tuple[str, str]:
    """(rag key, word): pacing while the period runs, else achievement."""
    if s.pacing is not None and s.pacing.status in _PACE_RAG:
        return _PACE_RAG[s.pacing.status], s.pacing.status.label(lang)
    rag = s.status.rag
    return rag.value, rag.label(lang)


def _reason(tree: KpiTree, node: Node, report: StatusReport, f: Filters) -> str:
    t = TEXT[f.lang]
    if node.metric is None and node.formula is None:
        return t["reason_no_binding"]
    if node.metric is not None and node.metric.type == "manual":
        return t["reason_manual"]
    if node.formula is not None and node.metric is None:
        missing = [n for n in node.formula.names if report.nodes[n].actual is None]
        if missing:
            return t["reason_inputs"] + ", ".join(tree.nodes[n].name(f.lang) for n in missing)
    return t["reason_not_computed"]


def _delta(d: Any, node: Node, fmt: Formatter) -> dict[str, Any]:
    is_ratio = node.unit is not None and node.unit.kind is UnitKind.RATIO
    if d.absolute is None:
        text = fmt.percent(None)
    elif is_ratio or d.percent is None:
        text = fmt.change(d.absolute, node.unit)
    else:
        text = fmt.percent(d.percent, signed=True)
    arrow = "" if not d.absolute else ("▲" if d.absolute > 0 else "▼")
    return {
        "previous": d.previous,
        "change": d.absolute,
        "percent": d.percent,
        "favourable": d.improved,
        "text": f"{arrow}{text}",
    }


def node_card(
    snap: Snapshot,
    report: StatusReport,
    node_id: str,
    f: Filters,
    fmt: Formatter,
    spark: list[dict[str, Any]] | None = None,
    stale: bool = False,
) -> dict[str, Any]:
    tree = snap.ws.tree
    assert tree is not None
    node = tree.nodes[node_id]
    s = report.nodes[node_id]
    rag, word = _judgement(s, f.lang)
    card: dict[str, Any] = {
        "id": node_id,
        "label": node.name(f.lang),
        "kind": str(node.kind),
        "unit": node.unit.id if node.unit else None,
        "direction": str(node.direction),
        "owner": " / ".join(p for p in (node.department, node.person) if p) or None,
        "actual": s.actual,
        "actual_text": fmt.value(s.actual, node.unit),
        "actual_short": fmt.value(s.actual, node.unit, compact=True),
        "target": s.commit,
        "target_text": fmt.value(s.commit, node.unit),
        "target_short": fmt.value(s.commit, node.unit, compact=True),
        "achievement": s.status.achievement,
        "achievement_text": fmt.percent(s.status.achievement),
        "rag": rag,
        "rag_icon": RAG_ICON[rag],
        "rag_word": word,
        "pacing": None,
        "vs_previous": _delta(s.comparison.mom, node, fmt),
        "vs_year": _delta(s.comparison.yoy, node, fmt),
        "maturing": s.maturing,
        "stale": stale and s.actual is not None and node.metric is not None,
        "reason": None,
        "benchmarks": [b.message(f.lang) for b in s.benchmarks if b.needs_attention],
        "spark": [r["value"] for r in spark or []],
    }
    if s.actual is None:
        card["reason"] = _reason(tree, node, report, f)
    elif s.commit is None and f.where is not None:
        card["reason"] = TEXT[f.lang]["reason_slice"]
    if s.pacing is not None:
        p = s.pacing
        card["pacing"] = {
            "expected_to_date": p.expected_to_date,
            "expected_text": fmt.value(p.expected_to_date, node.unit),
            "projected": p.projected,
            "projected_text": fmt.value(p.projected, node.unit),
            "pace": p.pace,
            "pace_text": fmt.percent(p.pace),
            "status": p.status.value,
            "business_days": f"{p.elapsed_days}/{p.total_days}",
        }
    card["comparison"] = _comparison(card, f)
    return card


def _comparison(card: dict[str, Any], f: Filters) -> dict[str, Any]:
    """The comparison the filter asks for, as one line: pacing against the target phased on
    business days (default), or the change against the previous period or last year."""
    t = TEXT[f.lang]
    if f.compare == "previous":
        d = card["vs_previous"]
        return {
            "mode": "previous",
            "label": t["vs_previous"],
            "text": d["text"],
            "favourable": d["favourable"],
        }
    if f.compare == "year":
        d = card["vs_year"]
        return {
            "mode": "year",
            "label": t["vs_year"],
            "text": d["text"],
            "favourable": d["favourable"],
        }
    pacing = card["pacing"]
    if pacing is None:
        return {
            "mode": "target",
            "label": t["achievement"],
            "text": card["achievement_text"],
            "favourable": None if card["rag"] == "unknown" else card["rag"] == "green",
        }
    return {
        "mode": "target",
        "label": t["pacing"],
        "text": pacing["pace_text"],
        "favourable": None if card["rag"] == "unknown" else card["rag"] == "green",
    }


def _stale(snap: Snapshot, today: date) -> bool:
    last = _last_import(snap)
    return last is not None and (today - last.date()).days > STALE_DAYS


def _last_import(snap: Snapshot) -> datetime | None:
    rows = snap.ws.warehouse().query(
        "SELECT max(finished_at) AS t FROM import_log WHERE status = 'ok'"
    )
    value = rows.column("t")[0].as_py() if rows.num_rows else None
    return value if isinstance(value, datetime) else None


def sparks(snap: Snapshot, report: StatusReport, f: Filters) -> dict[str, list[dict[str, Any]]]:
    return snap.cached(  # type: ignore[no-any-return]
        ("spark", report.period.key, f.where),
        lambda: snap.ws.history(
            str(report.period.grain),
            upto=report.period.start,
            last=SPARK_PERIODS,
            where=f.where,
        ),
    )


def header(snap: Snapshot, report: StatusReport, f: Filters, fmt: Formatter) -> dict[str, Any]:
    spec = snap.ws.spec
    return {
        "company": spec.company.name,
        "period": report.period.key,
        "period_label": report.period.label(f.lang),
        "grain": str(report.period.grain),
        "as_of": report.as_of.isoformat(),
        "as_of_text": fmt.date(report.as_of),
        "running": report.running,
        "computed_at": str(report.computed_at) if report.computed_at else None,
        "where": list(f.where) if f.where else None,
        "compare": f.compare,
    }


# -- overview ----------------------------------------------------------------------------
def headline_ids(tree: KpiTree, report: StatusReport) -> list[str]:
    """The KSFs, then the KPIs nearest the KGI that have a target (tree order), at most 6:
    the 5–7 numbers a dashboard should lead with (seed 001)."""
    walked = [(n, d) for n, d, first in tree.walk() if first]
    ksfs = [n for n, _ in walked if str(tree.nodes[n].kind) == "KSF"]
    kpis = sorted(
        (
            (d, i, n)
            for i, (n, d) in enumerate(walked)
            if str(tree.nodes[n].kind) == "KPI" and report.nodes[n].commit is not None
        ),
    )
    chosen = ksfs[:3]
    for _, _, n in kpis:
        if len(chosen) >= HEADLINE_MAX:
            break
        chosen.append(n)
    return chosen


def overview(snap: Snapshot, f: Filters, fmt: Formatter) -> dict[str, Any]:
    ws = snap.ws
    tree = ws.tree
    assert tree is not None
    report = status_of(snap, f)
    stale = _stale(snap, ws.today())
    spark = sparks(snap, report, f)
    d = report.bottleneck
    kgi_id = d.root if d else (tree.kgis[0] if tree.kgis else tree.order[-1])
    kgi = node_card(snap, report, kgi_id, f, fmt, spark.get(kgi_id), stale)
    kgi_unit = tree.nodes[kgi_id].unit
    bottleneck: dict[str, Any] | None = None
    note = report.bottleneck_note_ja if f.lang == "ja" else report.bottleneck_note
    if f.where is not None:  # a slice has no targets, so no gap to decompose
        note = TEXT[f.lang]["reason_slice"]
    if d is not None:
        kgi["gap"] = d.gap
        kgi["gap_text"] = fmt.change(d.gap, kgi_unit)
        worst = d.bottleneck
        if worst is not None:
            node = tree.nodes[worst.node]
            share = worst.contribution / d.gap if d.gap else None
            bottleneck = {
                "node": worst.node,
                "label": node.name(f.lang),
                "actual_text": fmt.value(worst.actual, node.unit),
                "target_text": fmt.value(worst.target, node.unit),
                "effect": worst.contribution,
                "effect_text": fmt.change(worst.contribution, kgi_unit),
                "share": share,
                # above 100%: other drivers made up part of it; the percentage would mislead
                "share_text": fmt.percent(share)
                if share is not None and 0 <= share <= 1
                else TEXT[f.lang]["offset"],
                "top": _top_dimension(snap, f, fmt, worst.node, kgi_unit),
            }
    return {
        "header": header(snap, report, f, fmt),
        "kgi": kgi,
        "bottleneck": bottleneck,
        "bottleneck_note": note,
        "headline": [
            node_card(snap, report, n, f, fmt, spark.get(n), stale)
            for n in headline_ids(tree, report)
        ],
    }


def _top_dimension(
    snap: Snapshot, f: Filters, fmt: Formatter, node_id: str, kgi_unit: Any
) -> dict[str, Any] | None:
    best: dict[str, Any] | None = None
    for dimension in snap.ws.spec.measure.dimensions:
        dd = drill(snap, f, node_id, dimension)
        top = dd.top
        if top is None:
            continue
        size = abs(top.kgi_effect if top.kgi_effect is not None else top.change or 0)
        if best is None or size > best["size"]:
            best = {
                "dimension": dimension,
                "value": top.value,
                "change_text": fmt.change(top.change, snap.ws.tree.nodes[node_id].unit)  # type: ignore[union-attr]
                if top.change is not None
                else None,
                "effect_text": fmt.change(top.kgi_effect, kgi_unit)
                if top.kgi_effect is not None
                else None,
                "basis": dd.basis,
                "size": size,
            }
    if best is not None:
        best.pop("size")
    return best


def drill(snap: Snapshot, f: Filters, node_id: str, dimension: str) -> Any:
    return snap.cached(
        ("drill", f.period, node_id, dimension),
        lambda: snap.ws.drill_down(node_id, dimension, period=f.period),
    )


# -- tree --------------------------------------------------------------------------------
def edge_operators(node: Node) -> dict[str, str]:
    """child → the operator joining it in the parent's formula (× ÷ + −), '' for a plain
    reference and '…' for an explicit parent link."""
    out: dict[str, str] = {}
    if node.formula is None:
        return out

    def visit(e: Expr, op: str) -> None:
        if isinstance(e, Ref):
            out.setdefault(e.name, op)
        elif isinstance(e, BinOp):
            symbol = {"*": "×", "/": "×", "+": "+", "-": "+"}[e.op]
            visit(e.left, symbol if op == "" else op)
            right = {"*": "×", "/": "÷", "+": "+", "-": "−"}[e.op]
            visit(e.right, right)
        elif isinstance(e, Neg):
            visit(e.operand, "−")
        elif isinstance(e, Call):
            for arg in e.args:
                visit(arg, "+" if e.func == "sum" else "ƒ")

    visit(node.formula.expr, "")
    return out


def tree_view(snap: Snapshot, f: Filters, fmt: Formatter) -> dict[str, Any]:
    ws = snap.ws
    tree = ws.tree
    assert tree is not None
    report = status_of(snap, f)
    spark = sparks(snap, report, f)
    stale = _stale(snap, ws.today())
    nodes = []
    edges = []
    for node_id, depth, first in tree.walk():
        if not first:
            continue
        card = node_card(snap, report, node_id, f, fmt, spark.get(node_id), stale)
        card["depth"] = depth
        nodes.append(card)
    for node_id in tree.order:
        node = tree.nodes[node_id]
        ops = edge_operators(node)
        for child in tree.children.get(node_id, ()):
            operator = ops.get(child, "…")
            # a share is the child's part of its parent's sum: shown on sum edges only
            share = tree.nodes[child].share if operator == "+" else None
            edges.append(
                {
                    "parent": node_id,
                    "child": child,
                    "operator": operator,
                    "share": share,
                    "share_text": fmt.percent(share) if share is not None else None,
                }
            )
    return {"header": header(snap, report, f, fmt), "nodes": nodes, "edges": edges}


# -- node page ---------------------------------------------------------------------------
def node_view(snap: Snapshot, f: Filters, fmt: Formatter, node_id: str) -> dict[str, Any]:
    ws = snap.ws
    tree = ws.tree
    assert tree is not None
    report = status_of(snap, f)
    explanation = ws.explain(node_id, grain=str(report.period.grain))  # unknown → UserError
    node = tree.nodes[node_id]
    spark = sparks(snap, report, f)
    card = node_card(snap, report, node_id, f, fmt, spark.get(node_id), _stale(snap, ws.today()))
    history = ws.history(
        str(report.period.grain), upto=report.period.start, last=24, nodes=[node_id], where=f.where
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


# -- funnel ------------------------------------------------------------------------------
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


# -- trends ------------------------------------------------------------------------------
def trend_view(
    snap: Snapshot, f: Filters, fmt: Formatter, node_id: str | None, grain: str | None
) -> dict[str, Any]:
    from ikkan.errors import UserError, did_you_mean, valid_values
    from ikkan.web.charts import trend_chart

    ws = snap.ws
    tree = ws.tree
    assert tree is not None
    report = status_of(snap, f)
    chosen = node_id or (report.bottleneck.root if report.bottleneck else tree.order[-1])
    if chosen not in tree.nodes:
        raise UserError(f"unknown node '{chosen}'", hint=did_you_mean(chosen, tree.nodes))
    grains = list(ws.spec.measure.grains)
    use = grain or ("month" if "month" in grains else grains[0])
    if use not in grains:
        raise UserError(f"grain '{use}' is not computed", hint=valid_values(grains))
    node = tree.nodes[chosen]
    rows = ws.history(use, upto=report.as_of, last=24, nodes=[chosen], where=f.where).get(
        chosen, []
    )
    plan = ws.plan()
    points = []
    for r in rows:
        target = None
        if f.where is None and plan.period is not None and use != str(Grain.WEEK):
            try:
                value = plan.for_period("commit", r["period"]).values.get(chosen)
                target = value.value if value else None
            except PeriodError:  # a period outside the plan has no target
                target = None
        points.append(
            {
                "period": r["period"],
                "label": parse_period(r["period"], ws.spec.company.fiscal_year_start).label(f.lang),
                "actual": r["value"],
                "target": target,
                "actual_text": fmt.value(r["value"], node.unit),
                "target_text": fmt.value(target, node.unit),
            }
        )
    t = TEXT[f.lang]
    return {
        "header": header(snap, report, f, fmt),
        "node": chosen,
        "label": node.name(f.lang),
        "grain": use,
        "grains": grains,
        "nodes": [
            {"id": n, "label": tree.nodes[n].name(f.lang)} for n, _, first in tree.walk() if first
        ],
        "points": points,
        "chart": trend_chart(
            node.name(f.lang),
            [p["label"] for p in points],
            [p["actual"] for p in points],
            [p["target"] for p in points],
            actual_name=t["actual"],
            target_name=t["target"],
            percent=node.unit is not None and node.unit.kind is UnitKind.RATIO,
            green=node.green,
            amber=node.amber,
        ),
        "pacing": _pacing_chart(snap, f, fmt, chosen, report),
    }


def _pacing_chart(
    snap: Snapshot, f: Filters, fmt: Formatter, node_id: str, report: StatusReport
) -> dict[str, Any] | None:
    """Cumulative actual by month against the target phased on business days, for a flow
    node over a quarter, half or fiscal year (the months computed so far)."""
    from ikkan.model.periods import months_of
    from ikkan.model.spec import Aggregate
    from ikkan.monitor.pacing import pacing_line
    from ikkan.web.charts import pacing_chart

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
    months = [m for m in months_of(period) if m.start <= report.as_of]
    values = ws.history(
        "month", upto=period.end, last=len(months_of(period)), nodes=[node_id], where=f.where
    ).get(node_id, [])
    by_month = {r["period"]: r["value"] for r in values}
    labels, actual, expected = [], [], []
    total = 0.0
    for m in months:
        value = by_month.get(m.key)
        total += value or 0.0
        end = min(m.end, report.as_of)
        labels.append(m.label(f.lang))
        actual.append(total)
        expected.append(line.get(end))
    t = TEXT[f.lang]
    return pacing_chart(
        f"{node.name(f.lang)} — {period.label(f.lang)}",
        labels,
        actual,
        expected,
        target,
        actual_name=t["cumulative"],
        expected_name=t["expected"],
        target_name=t["target"],
    )


# -- channels ----------------------------------------------------------------------------
def channels_view(snap: Snapshot, f: Filters, fmt: Formatter) -> dict[str, Any]:
    ws = snap.ws
    tree = ws.tree
    assert tree is not None
    dims = ws.spec.measure.dimensions
    dimension = "channel" if "channel" in dims else (dims[0] if dims else None)
    base = status_of(snap, f)
    if dimension is None:
        return {"header": header(snap, base, f, fmt), "dimension": None, "columns": [], "rows": []}
    report = snap.cached(
        ("by", f.period, dimension),
        lambda: ws.status(period=f.period, by=dimension),
    )
    assert report.by is not None
    columns = [n for n, _, first in tree.walk() if first and n in report.by.values]
    values = sorted({v for per in report.by.values.values() for v in per})
    rows = []
    for value in values:
        cells = []
        for n in columns:
            node = tree.nodes[n]
            actual = report.by.values[n].get(value)
            flags = report.by.flags.get((n, value), [])
            cells.append(
                {
                    "node": n,
                    "value": actual,
                    "text": fmt.value(actual, node.unit),
                    "flag": " ".join(fl.message(f.lang) for fl in flags if fl.needs_attention),
                }
            )
        rows.append({"value": value, "cells": cells})
    return {
        "header": header(snap, base, f, fmt),
        "dimension": dimension,
        "columns": [
            {
                "id": n,
                "label": tree.nodes[n].name(f.lang),
                "target_text": fmt.value(base.nodes[n].commit, tree.nodes[n].unit),
                "total_text": fmt.value(base.nodes[n].actual, tree.nodes[n].unit),
            }
            for n in columns
        ],
        "rows": rows,
    }


# -- data health -------------------------------------------------------------------------
def health_view(snap: Snapshot, f: Filters, fmt: Formatter, busy: bool) -> dict[str, Any]:
    ws = snap.ws
    today = ws.today()
    imports = (
        ws.warehouse()
        .query(
            "SELECT source_system, reader, file_path, started_at, finished_at, status, rows_read,"
            " inserted, updated, unchanged, rejected, message FROM import_log"
            " ORDER BY import_id DESC"
        )
        .to_pylist()
    )
    latest: dict[str, dict[str, Any]] = {}
    for row in imports:
        latest.setdefault(row["source_system"], row)
    sources = []
    for name, row in sorted(latest.items()):
        finished = row["finished_at"]
        age = (today - finished.date()).days if isinstance(finished, datetime) else None
        sources.append(
            {
                "source": name,
                "file": row["file_path"],
                "finished": fmt.datetime(finished),
                "age_days": age,
                "stale": age is not None and age > STALE_DAYS,
                "rows": row["rows_read"],
                "rejected": row["rejected"],
                "status": row["status"],
                "message": row["message"],
            }
        )
    rejects = ws.rejected_rows(limit=200)
    quality = snap.quality
    findings = []
    if quality is not None:
        for q in quality.findings:
            findings.append(
                {
                    "check": q.check,
                    "severity": q.severity,
                    "count": q.count,
                    "message": q.message,
                    "hint": q.hint,
                }
            )
    report = status_of(snap, f)
    return {
        "header": header(snap, report, f, fmt),
        "sources": sources,
        "imports": len(imports),
        "rejects": [
            {
                "file": r["file_path"],
                "row": r["row_number"],
                "column": r["column_name"],
                "value": r["raw_value"],
                "reason": r["reason"],
            }
            for r in rejects
        ],
        "quality": findings,
        "quality_error": snap.quality_error,
        "refresh": {
            "computed_at": str(report.computed_at) if report.computed_at else None,
            "computed_text": fmt.datetime(report.computed_at),
            "snapshot_taken": snap.taken_at.isoformat(timespec="seconds"),
            "busy": busy,
            "status": TEXT[f.lang]["refresh_busy" if busy else "refresh_ok"],
        },
    }
