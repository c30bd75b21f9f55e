"""The KPI tree of the review: the dashboard's node cards from the same status, drawn by
the dashboard's ``web.tree_svg`` (one drawing), cut into page-high slices for print.

The card fields, the RAG word and the edges come from ``web.view_model``, the functions
the dashboard's tree page uses too: RAG from pacing while the period runs, else from
achievement; changes against the previous period and last year from ``StatusReport``
comparisons.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

from ikkan.model.tree import KpiTree
from ikkan.services.status import StatusReport
from ikkan.web.i18n import TEXT, Formatter
from ikkan.web.tree_svg import ROW_GAP, build_boxes, layout, render_tree_svg
from ikkan.web.view_model import card_fields, empty_reason, pacing_fields, tree_edges


def card(
    tree: KpiTree, report: StatusReport, node_id: str, fmt: Formatter, spark: list[Any]
) -> dict[str, Any]:
    """The dashboard's card fields; the report compares with the target and gives an
    uncomputed node the dashboard's reason (``empty_reason``)."""
    out = card_fields(tree, report, node_id, fmt, spark)
    out["comparison"] = {"mode": "target"}
    out["stale"] = False
    out["pacing"] = pacing_fields(report.nodes[node_id], tree.nodes[node_id], fmt)
    out["reason"] = (
        None
        if report.nodes[node_id].actual is not None
        else empty_reason(tree, tree.nodes[node_id], report, fmt.lang)
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
        tree_edges(tree, fmt),
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
