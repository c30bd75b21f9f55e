"""The view-model pieces the dashboard pages (``web.views``) and the monthly review report
(``reports.review``) both show, so the two cannot disagree: a node's RAG judgement, the
change texts, the fields of a node card, the tree's edges, the funnel's stages and the
trend and pacing chart specs.

Pure functions of the status report, the tree and the plan: no snapshot, filters or web
framework here (the CLI report path imports this module; it must stay free of
FastAPI/Starlette, like ``web.i18n``, ``web.charts`` and ``web.tree_svg``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from ikkan.model.formulas import BinOp, Call, Expr, Neg, Ref
from ikkan.model.periods import Period, PeriodError
from ikkan.model.planning import Plan
from ikkan.model.tree import KpiTree, Node
from ikkan.model.units import UnitKind
from ikkan.monitor.pacing import PaceStatus
from ikkan.services.status import NodeStatus, StatusReport
from ikkan.web.charts import pacing_chart, trend_chart
from ikkan.web.i18n import TEXT, Formatter

RAG_ICON = {"green": "✔", "amber": "▲", "red": "✖", "unknown": "?"}
PACE_RAG = {
    PaceStatus.ON_TRACK: "green",
    PaceStatus.AT_RISK: "amber",
    PaceStatus.BEHIND: "red",
}


def judgement(s: NodeStatus, lang: str) -> tuple[str, str]:
    """(rag key, word): pacing while the period runs, else achievement."""
    if s.pacing is not None and s.pacing.status in PACE_RAG:
        return PACE_RAG[s.pacing.status], s.pacing.status.label(lang)
    rag = s.status.rag
    return rag.value, rag.label(lang)


def delta(d: Any, node: Node, fmt: Formatter) -> dict[str, Any]:
    """A comparison (against the previous period or last year) as card data: the change
    in points/units for a ratio or when there is no percentage, else in percent, with an
    arrow for its sign."""
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
        "previous_text": fmt.value(d.previous, node.unit),
        "change": d.absolute,
        "percent": d.percent,
        "favourable": d.improved,
        "text": f"{arrow}{text}",
    }


def owner_of(node: Node) -> str | None:
    return " / ".join(p for p in (node.department, node.person) if p) or None


def card_fields(
    tree: KpiTree, report: StatusReport, node_id: str, fmt: Formatter, spark: list[Any]
) -> dict[str, Any]:
    """The fields every node card has, on the tree page, the overview and in the report;
    each caller adds what only it shows (pacing, the comparison line, the reason)."""
    node = tree.nodes[node_id]
    s = report.nodes[node_id]
    rag, word = judgement(s, fmt.lang)
    if s.actual is None and s.implied is not None:  # marked, not judged (as the CLI does)
        word = TEXT[fmt.lang]["implied"]
    return {
        "id": node_id,
        "label": node.name(fmt.lang),
        "kind": str(node.kind),
        "owner": owner_of(node),
        "actual": s.actual,
        "actual_text": fmt.value(s.actual, node.unit),
        "actual_short": fmt.value(s.actual, node.unit, compact=True),
        **implied_fields(s, node, fmt),
        "target": s.commit,
        "target_text": fmt.value(s.commit, node.unit),
        "target_short": fmt.value(s.commit, node.unit, compact=True),
        "achievement": s.status.achievement,
        "achievement_text": fmt.percent(s.status.achievement),
        "rag": rag,
        "rag_icon": RAG_ICON[rag],
        "rag_word": word,
        "vs_previous": delta(s.comparison.mom, node, fmt),
        "vs_year": delta(s.comparison.yoy, node, fmt),
        "maturing": s.maturing,
        "spark": spark,
    }


def pacing_fields(s: NodeStatus, node: Node, fmt: Formatter) -> dict[str, Any] | None:
    """Pacing to date as card data (None when the period has none): the pace against the
    target phased on business days, the projection, and the pace status (judged in the
    node's direction) as RAG, icon and word."""
    p = s.pacing
    if p is None:
        return None
    rag = PACE_RAG.get(p.status, "unknown")
    return {
        "expected_to_date": p.expected_to_date,
        "expected_text": fmt.value(p.expected_to_date, node.unit),
        "projected": p.projected,
        "projected_text": fmt.value(p.projected, node.unit),
        "projected_short": fmt.value(p.projected, node.unit, compact=True),
        "pace": p.pace,
        "pace_text": fmt.percent(p.pace),
        "status": p.status.value,
        "rag": rag,
        "icon": RAG_ICON[rag],
        "word": p.status.label(fmt.lang),
        "business_days": f"{p.elapsed_days}/{p.total_days}",
    }


def implied_fields(s: NodeStatus, node: Node, fmt: Formatter) -> dict[str, Any]:
    """The value a node without measured data takes from its measured parent and siblings
    (``NodeStatus.implied``, the value ``ikkan status`` prints marked "implied"), as card
    data: ``implied`` stays None for a measured node, and ``actual`` stays None for an
    implied one, so nothing reads it as measured."""
    value = s.implied if s.actual is None else None
    label = TEXT[fmt.lang]["implied"]
    return {
        "implied": value,
        "implied_text": None if value is None else f"{fmt.value(value, node.unit)} ({label})",
        "implied_short": None
        if value is None
        else f"{fmt.value(value, node.unit, compact=True)} ({label})",
    }


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
            visit(e.right, {"*": "×", "/": "÷", "+": "+", "-": "−"}[e.op])
        elif isinstance(e, Neg):
            visit(e.operand, "−")
        elif isinstance(e, Call):
            for arg in e.args:
                visit(arg, "+" if e.func == "sum" else "ƒ")

    visit(node.formula.expr, "")
    return out


def tree_edges(tree: KpiTree, fmt: Formatter) -> list[dict[str, Any]]:
    """Every parent → child edge with its operator and, on sum edges only, the child's
    share of its parent."""
    out = []
    for node_id in tree.order:
        ops = edge_operators(tree.nodes[node_id])
        for child in tree.children.get(node_id, ()):
            operator = ops.get(child, "…")
            share = tree.nodes[child].share if operator == "+" else None
            out.append(
                {
                    "parent": node_id,
                    "child": child,
                    "operator": operator,
                    "share": share,
                    "share_text": fmt.percent(share) if share is not None else None,
                }
            )
    return out


def is_cost_node(node: Node) -> bool:
    """A node the plan gives an *allowable* value per channel: CPL / CPA / CAC / ROMI."""
    return node.metric is not None and node.metric.type in ("cost_per", "romi")


def over_allowable(direction: str, value: float | None, allowable: float | None) -> bool:
    """Whether a cost value misses the plan's allowable value in the node's direction
    (a CPL above it, a ROMI below it); False when either is missing. The channels page
    and the monthly review report both judge with this."""
    if value is None or allowable is None:
        return False
    return value > allowable if direction == "lower" else value < allowable


def channel_name(channels: Mapping[str, Any], value: str, lang: str) -> str:
    """A channel's label from ikkan.yml ``channels`` (its id when it has none)."""
    spec = channels.get(value)
    if spec is None or spec.label is None:
        return value
    return (spec.label.ja if lang == "ja" else spec.label.en) or value


def channel_kpis(tree: KpiTree) -> list[str]:
    """The channel KPI set of seeds 000 / 003 the tree measures, in that order: leads,
    MQL, opportunity rate, CPL, CPA, CAC, ROMI (the first node of each kind; a kind the
    tree lacks is left out)."""
    stages = funnel_stage_nodes(tree)
    wanted: list[str | None] = [stages.get("lead"), stages.get("mql")]

    def first(match: Any) -> str | None:
        return next((n for n in tree.order if (m := tree.nodes[n].metric) and match(m)), None)

    wanted.append(first(lambda m: m.type == "conversion" and m.to_stage == "opportunity"))
    for per in ("lead", "stage", "won"):
        wanted.append(first(lambda m, per=per: m.type == "cost_per" and m.per == per))
    wanted.append(first(lambda m: m.type == "romi"))
    return list(dict.fromkeys(n for n in wanted if n is not None))


def funnel_stage_nodes(tree: KpiTree) -> dict[str, str]:
    """stage → the node counting it: the first stage_count without filters for the stage;
    the visit stage from a web sessions node without filters."""
    by_stage: dict[str, str] = {}
    for node_id in tree.order:
        metric = tree.nodes[node_id].metric
        if metric is None or getattr(metric, "filters", None):
            continue
        stage = getattr(metric, "stage", None)
        if metric.type == "stage_count" and stage:
            by_stage.setdefault(stage, node_id)
        elif metric.type == "web" and getattr(metric, "measure", None) == "sessions":
            by_stage.setdefault("visit", node_id)  # site sessions stand for the visit stage
    return by_stage


@dataclass(frozen=True)
class FunnelStep:
    stage: str
    label: str
    node: str | None
    status: NodeStatus | None
    count: float | None
    step_rate: float | None  # of the previous measured stage
    cumulative_rate: float | None  # of the first measured stage


def funnel_rates(
    counts: list[float | None],
) -> list[tuple[float | None, float | None]]:
    """(step, cumulative) conversion of each stage count: of the previous measured stage
    and of the first (unmeasured stages are passed over when rating the next one)."""
    out: list[tuple[float | None, float | None]] = []
    first: float | None = None
    previous: float | None = None
    for count in counts:
        step = count / previous if count is not None and previous else None
        cumulative = count / first if count is not None and first else None
        out.append((step, cumulative))
        if count is not None:
            first = count if first is None else first
            previous = count
    return out


def stage_label(stage: Any, lang: str) -> str:
    label = stage.label
    name = (label.ja if lang == "ja" else label.en) if label else stage.id
    return str(name or stage.id)


def funnel_steps(tree: KpiTree, report: StatusReport, lang: str) -> list[FunnelStep]:
    """Each configured funnel stage with its count and its step and cumulative
    conversion (unmeasured stages are passed over when rating the next one)."""
    by_stage = funnel_stage_nodes(tree)
    stages = tree.spec.funnel.stages
    nodes = [by_stage.get(stage.id) for stage in stages]
    statuses = [report.nodes[n] if n else None for n in nodes]
    counts = [s.actual if s else None for s in statuses]
    return [
        FunnelStep(stage.id, stage_label(stage, lang), n, s, count, step, cumulative)
        for stage, n, s, count, (step, cumulative) in zip(
            stages, nodes, statuses, counts, funnel_rates(counts), strict=True
        )
    ]


def commit_target(plan: Plan, period_key: str, node_id: str) -> float | None:
    """The plan's commit target for the node in a period; None outside the plan."""
    if plan.period is None:
        return None
    try:
        value = plan.for_period("commit", period_key).values.get(node_id)
    except PeriodError:  # a period outside the plan has no target
        return None
    return value.value if value else None


def trend_figure(
    node: Node,
    labels: list[str],
    actual: list[float | None],
    target: list[float | None],
    lang: str,
    markers: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The trend chart of a node: actual against target per period."""
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
        markers=markers,
        direction=str(node.direction),
        band_names=band_names(lang),
    )


def band_names(lang: str) -> dict[str, str]:
    """The RAG band legend: icon and word, never the colour alone."""
    t = TEXT[lang]
    return {rag: f"{RAG_ICON[rag]} {t[f'band_{rag}']}" for rag in ("green", "amber", "red")}


def pacing_figure(
    node: Node,
    period: Period,
    months: Iterable[Period],
    by_month: Mapping[str, float | None],
    line: Mapping[date, float],
    target: float,
    as_of: date,
    lang: str,
) -> dict[str, Any]:
    """The cumulative pacing chart: the months of ``period`` up to ``as_of`` summed
    (a month without a value adds nothing) against the target phased on business days
    (``line``: date → expected to date), read at each month's end or ``as_of``."""
    labels, cumulative, expected = [], [], []
    total = 0.0
    for m in months:
        if m.start > as_of:
            break
        total += by_month.get(m.key) or 0.0
        labels.append(m.label(lang))
        cumulative.append(total)
        expected.append(line.get(min(m.end, as_of)))
    t = TEXT[lang]
    return pacing_chart(
        f"{node.name(lang)} — {period.label(lang)}",
        labels,
        cumulative,
        expected,
        target,
        actual_name=t["cumulative"],
        expected_name=t["expected"],
        target_name=t["target"],
        green=node.green if str(node.direction) == "higher" else 1.0,
        amber=node.amber if str(node.direction) == "higher" else 0.9,
        band_names=band_names(lang),
    )


def empty_reason(tree: KpiTree, node: Node, report: StatusReport, lang: str) -> str:
    """Why a node's card is empty (no binding, manual input, which formula inputs are
    missing …): the dashboard's cards and the review report's say the same."""
    t = TEXT[lang]
    if report.nodes[node.id].implied is not None:
        parents = sorted(
            tree.nodes[p].name(lang)
            for p in tree.parents.get(node.id, ())
            if (formula := tree.nodes[p].formula) is not None and node.id in formula.names
        )
        return t["reason_implied"].format(parents=", ".join(parents))
    if node.metric is None and node.formula is None:
        return t["reason_no_binding"]
    if node.metric is not None and node.metric.type == "manual":
        return t["reason_manual"]
    if node.formula is not None and node.metric is None:
        missing = [n for n in node.formula.names if report.nodes[n].actual is None]
        if missing:
            return t["reason_inputs"] + ", ".join(tree.nodes[n].name(lang) for n in missing)
    return t["reason_not_computed"]
