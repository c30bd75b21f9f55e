"""The KPI tree of the review: the dashboard's node cards from the same status, drawn by
the dashboard's ``web.tree_svg`` (one drawing), cut into page-high slices for print.

The card fields and the RAG word follow the dashboard's tree page (``web`` views): RAG
from pacing while the period runs, else from achievement; changes against the previous
period and last year from ``StatusReport`` comparisons.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

from ikkan.model.formulas import BinOp, Call, Expr, Neg, Ref
from ikkan.model.tree import KpiTree, Node
from ikkan.model.units import UnitKind
from ikkan.monitor.pacing import PaceStatus
from ikkan.services.status import NodeStatus, StatusReport
from ikkan.web.i18n import TEXT, Formatter
from ikkan.web.tree_svg import ROW_GAP, build_boxes, layout, render_tree_svg

RAG_ICON = {"green": "✔", "amber": "▲", "red": "✖", "unknown": "?"}
_PACE_RAG = {
    PaceStatus.ON_TRACK: "green",
    PaceStatus.AT_RISK: "amber",
    PaceStatus.BEHIND: "red",
}


def judgement(s: NodeStatus, lang: str) -> tuple[str, str]:
    """(rag key, word): pacing while the period runs, else achievement (as the pages)."""
    if s.pacing is not None and s.pacing.status in _PACE_RAG:
        return _PACE_RAG[s.pacing.status], s.pacing.status.label(lang)
    return s.status.rag.value, s.status.rag.label(lang)


def delta(d: Any, node: Node, fmt: Formatter) -> dict[str, Any]:
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
        "favourable": d.improved,
        "text": f"{arrow}{text}",
    }


def owner_of(node: Node) -> str | None:
    return " / ".join(p for p in (node.department, node.person) if p) or None


def card(
    tree: KpiTree, report: StatusReport, node_id: str, fmt: Formatter, spark: list[Any]
) -> dict[str, Any]:
    node = tree.nodes[node_id]
    s = report.nodes[node_id]
    rag, word = judgement(s, fmt.lang)
    return {
        "id": node_id,
        "label": node.name(fmt.lang),
        "kind": str(node.kind),
        "owner": owner_of(node),
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
        "vs_previous": delta(s.comparison.mom, node, fmt),
        "vs_year": delta(s.comparison.yoy, node, fmt),
        "comparison": {"mode": "target"},
        "maturing": s.maturing,
        "stale": False,
        "reason": None if s.actual is not None else TEXT[fmt.lang]["reason_not_computed"],
        "spark": spark,
    }


def edge_operators(node: Node) -> dict[str, str]:
    """child → the operator joining it in the parent's formula (× ÷ + −), as on the tree
    page; '…' for an explicit parent link."""
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


def edges(tree: KpiTree, fmt: Formatter) -> list[dict[str, Any]]:
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


def tree_cards(
    tree: KpiTree, report: StatusReport, fmt: Formatter, history: dict[str, list[dict[str, Any]]]
) -> dict[str, dict[str, Any]]:
    return {
        n: card(tree, report, n, fmt, [r["value"] for r in history.get(n, [])])
        for n, _, first in tree.walk()
        if first
    }


def tree_svg(tree: KpiTree, cards: dict[str, dict[str, Any]], fmt: Formatter, title: str) -> str:
    """The dashboard's tree drawing; links point into the report, no collapse toggles."""
    labels = TEXT[fmt.lang]
    return render_tree_svg(
        list(tree.walk()),
        cards,
        edges(tree, fmt),
        collapsed=set(),
        node_href={n: f"#node-{n}" for n in cards},
        toggle_href={},
        labels=labels,
        title=title,
    )


def slice_cuts(tree: KpiTree, cards: dict[str, dict[str, Any]], page_height: float) -> list[float]:
    """y positions (in drawing units) where the drawing can be cut into slices of at most
    ``page_height``: only in the gaps between rows, never through a card."""
    roots = build_boxes(list(tree.walk()), cards, set())
    _, height = layout(roots)
    spans: list[tuple[float, float]] = []
    stack = list(roots)
    while stack:
        box = stack.pop()
        spans.append((box.y, box.y + box.height))
        stack.extend(box.children)
    candidates = {top - ROW_GAP / 2 for top, _ in spans if top > 0}
    gaps = sorted(g for g in candidates if not any(a < g < b for a, b in spans))
    cuts = [0.0]
    previous: float | None = None
    for gap in [*gaps, height]:
        if gap - cuts[-1] > page_height and previous is not None and previous > cuts[-1]:
            cuts.append(previous)
        previous = gap
    cuts.append(height)
    return cuts


_CARD_GROUP = re.compile(r'<g class="(?:node|ref)[^"]*"[^>]*>.*?</g>', re.S)
_FIRST_Y = re.compile(r'<rect x="[^"]*" y="([-\d.]+)"')


def svg_slices(svg: str, cuts: list[float]) -> list[str]:
    """The same drawing shown through successive windows (one ``viewBox`` per slice).

    Cards and chips lying wholly outside a window are left out of that slice's markup
    (cuts never cross a card, so each card is drawn once), which halves the print time;
    edges are kept, as they may cross windows."""
    match = re.search(r'width="(\d+)" height="(\d+)" viewBox="0 0 (\d+) (\d+)"', svg)
    if match is None or len(cuts) <= 2:
        return [svg]
    width = float(match.group(1))
    out = []
    for top, bottom in itertools.pairwise(cuts):
        h = bottom - top

        def inside(found: re.Match[str], top: float = top, bottom: float = bottom) -> str:
            y = _FIRST_Y.search(found.group(0))
            keep = y is None or top - 1 <= float(y.group(1)) < bottom
            return found.group(0) if keep else ""

        window = f'width="{width:.0f}" height="{h:.0f}" viewBox="0 {top:.0f} {width:.0f} {h:.0f}"'
        out.append(_CARD_GROUP.sub(inside, svg.replace(match.group(0), window, 1)))
    return out
