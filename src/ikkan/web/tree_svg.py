"""The KPI tree laid out server-side and drawn as SVG (no JavaScript): the page, the SVG
export and a report all use this one drawing.

Layout: left to right, one column per depth; leaves take consecutive rows and a parent
sits level with its first child (an indented tree, so the KGI is at the top left). A node
reached a second time (a shared input, such as leads in both 商談数 and CPL) is drawn as a
small reference chip. Collapsed branches
show how many nodes they hide. Every text is escaped here, since the SVG goes into the
page as markup.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from html import escape
from typing import Any

CARD_W = 250
CARD_H = 124
CHIP_H = 30
COL_GAP = 70
ROW_GAP = 16
PAD = 16
LINE_UNITS = 30  # label width per line (a CJK character counts 2)

RAG_STROKE = {"green": "#1b7f3b", "amber": "#a35f00", "red": "#b3261e", "unknown": "#6b6b6b"}
GREY = "#444444"  # secondary text, and an implied (not measured) value
FAVOURABLE = {True: "#1b7f3b", False: "#b3261e", None: "#555555"}


@dataclass
class Box:
    card: dict[str, Any] | None  # None for a reference chip
    node: str
    depth: int
    ref: bool = False
    children: list[Box] = field(default_factory=list)
    hidden: int = 0  # descendants hidden by a collapse
    x: float = 0.0
    y: float = 0.0

    @property
    def height(self) -> int:
        return CHIP_H if self.ref else CARD_H


def _width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def wrap(text: str, units: int = LINE_UNITS, lines: int = 2) -> list[str]:
    """Split a label into at most ``lines`` lines of ``units`` width (… when cut)."""
    out: list[str] = []
    current, used = "", 0
    for ch in text:
        w = _width(ch)
        if used + w > units:
            out.append(current)
            current, used = "", 0
            if len(out) == lines:
                break
        current += ch
        used += w
    else:
        out.append(current)
        return out
    last = out[-1]
    out[-1] = last[:-1] + "…"
    return out


def build_boxes(
    walk: list[tuple[str, int, bool]], cards: dict[str, dict[str, Any]], collapsed: set[str]
) -> list[Box]:
    """Roots of the drawn tree from ``KpiTree.walk()`` (depth-first, ``first`` visits)."""
    roots: list[Box] = []
    stack: list[Box] = []
    hide_below: int | None = None
    hidden_owner: Box | None = None
    for node_id, depth, first in walk:
        if hide_below is not None:
            if depth > hide_below:
                if hidden_owner is not None:
                    hidden_owner.hidden += 1
                continue
            hide_below, hidden_owner = None, None
        box = Box(cards.get(node_id) if first else None, node_id, depth, ref=not first)
        while stack and stack[-1].depth >= depth:
            stack.pop()
        if stack:
            stack[-1].children.append(box)
        else:
            roots.append(box)
        if first:
            stack.append(box)
            if node_id in collapsed:
                hide_below, hidden_owner = depth, box
    return roots


def layout(roots: list[Box]) -> tuple[float, float]:
    """Assign x, y; returns (width, height)."""
    cursor = PAD
    max_depth = 0

    def place(box: Box) -> tuple[float, float]:
        nonlocal cursor, max_depth
        max_depth = max(max_depth, box.depth)
        box.x = PAD + box.depth * (CARD_W + COL_GAP)
        if not box.children:
            box.y = cursor
            cursor += box.height + ROW_GAP
            return box.y, box.y + box.height
        start = cursor
        spans = [place(c) for c in box.children]
        box.y = start  # aligned with its first child: the tree reads top-down, left-right
        if box.y + box.height + ROW_GAP > cursor:
            cursor = box.y + box.height + ROW_GAP
        return box.y, max(spans[-1][1], box.y + box.height)

    for root in roots:
        place(root)
    return PAD * 2 + (max_depth + 1) * CARD_W + max_depth * COL_GAP, cursor + PAD


def _spark(values: list[float | None], x: float, y: float, w: float, h: float) -> str:
    points = [(i, v) for i, v in enumerate(values) if v is not None]
    if len(points) < 2:
        return ""
    lo = min(v for _, v in points)
    hi = max(v for _, v in points)
    span = hi - lo or 1.0
    step = w / max(len(values) - 1, 1)
    coords = " ".join(f"{x + i * step:.1f},{y + h - (v - lo) / span * h:.1f}" for i, v in points)
    return (
        f'<polyline class="spark" points="{coords}" fill="none" stroke="#1f4e99" '
        'stroke-width="1.5"><title>sparkline</title></polyline>'
    )


def _text(
    x: float,
    y: float,
    text: str,
    *,
    size: int = 12,
    weight: str = "normal",
    fill: str = "#1a1a1a",
    anchor: str = "start",
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" font-weight="{weight}" '
        f'fill="{fill}" text-anchor="{anchor}">{escape(text)}</text>'
    )


def _pacing(p: dict[str, Any] | None, x: float, y: float, labels: dict[str, str]) -> str:
    """Pacing to date on the card: icon, the pace status in words (judged by the node's
    direction), the pace and the projected period end; grey ``--`` when the period has
    no pacing (closed, or no target)."""
    if not p:
        return _text(x, y, f"{labels['pacing']} --", size=11, fill=GREY)
    text = (
        f"{p.get('icon', '')} {labels['pacing']} {p.get('pace_text', '--')} "
        f"{p.get('word', '')} · {labels['projected_short']} {p.get('projected_short', '--')}"
    )
    fill = RAG_STROKE.get(p.get("rag", "unknown"), GREY)
    return (
        f'<g class="pacing pace-{escape(str(p.get("status", "")))}">'
        + _text(x, y, wrap(text, 40, 1)[0], size=11, weight="bold", fill=fill)
        + "</g>"
    )


def _card(box: Box, href: str, toggle: str | None, labels: dict[str, str]) -> str:
    c = box.card or {}
    x, y = box.x, box.y
    stroke = RAG_STROKE.get(c.get("rag", "unknown"), "#6b6b6b")
    parts = [
        f'<g class="node rag-{escape(c.get("rag", "unknown"))}" data-node="{escape(box.node)}">',
        f'<a href="{escape(href)}">',
        f'<rect x="{x}" y="{y}" width="{CARD_W}" height="{CARD_H}" rx="8" fill="#ffffff" '
        f'stroke="{stroke}" stroke-width="2"/>',
        f'<rect x="{x}" y="{y}" width="7" height="{CARD_H}" rx="3" fill="{stroke}"/>',
    ]
    ty = y + 18
    kind = c.get("kind", "")
    label_lines = wrap(c.get("label", box.node), LINE_UNITS - (4 if kind != "KPI" else 0))
    for i, line in enumerate(label_lines):
        prefix = f"{kind} " if i == 0 and kind in ("KGI", "KSF") else ""
        parts.append(_text(x + 14, ty, prefix + line, size=13, weight="bold"))
        ty += 16
    if len(label_lines) == 1:
        ty += 2
    implied = c.get("actual") is None and c.get("implied") is not None  # marked, not measured
    if c.get("actual") is None and not implied:
        parts.append(_text(x + 14, ty + 8, "--", size=18, weight="bold"))
        reason = c.get("reason") or labels["no_value"]
        for i, line in enumerate(wrap(reason, 34, 2)):
            parts.append(_text(x + 50, ty + 2 + i * 14, line, size=11, fill="#444444"))
        ty += 34
    else:
        if implied:
            parts.append(_text(x + 14, ty + 6, c.get("implied_short", ""), size=15, fill=GREY))
        else:
            parts.append(_text(x + 14, ty + 6, c.get("actual_short", ""), size=17, weight="bold"))
        parts.append(
            _text(
                x + CARD_W - 10,
                ty + 6,
                f"/ {c.get('target_short', '--')}",
                size=12,
                fill="#444444",
                anchor="end",
            )
        )
        ty += 26
        rag_text = (
            f"{c.get('rag_icon', '')} {c.get('rag_word', '')}  {c.get('achievement_text', '')}"
        )
        parts.append(_text(x + 14, ty, rag_text, size=12, weight="bold", fill=stroke))
    ty += 16
    parts.append(_pacing(c.get("pacing"), x + 14, ty, labels))
    ty += 16
    prev, year = c.get("vs_previous") or {}, c.get("vs_year") or {}
    mode = (c.get("comparison") or {}).get("mode")  # the comparison asked for is bold
    parts.append(
        _text(
            x + 14,
            ty,
            f"{labels['vs_previous']} {prev.get('text', '--')}",
            size=11,
            weight="bold" if mode == "previous" else "normal",
            fill=FAVOURABLE.get(prev.get("favourable"), "#555555"),
        )
    )
    parts.append(
        _text(
            x + 128,
            ty,
            f"{labels['vs_year']} {year.get('text', '--')}",
            size=11,
            weight="bold" if mode == "year" else "normal",
            fill=FAVOURABLE.get(year.get("favourable"), "#555555"),
        )
    )
    ty += 16
    owner = c.get("owner") or ""
    badges = [labels["maturing"]] if c.get("maturing") else []
    if c.get("stale"):
        badges.append(f"{labels['stale']} {labels['days_ago'].format(days=c.get('stale_days'))}")
    footer = "  ".join([*([owner] if owner else []), *(f"[{b}]" for b in badges)])
    parts.append(
        _text(x + 14, ty, wrap(footer, 22, 1)[0] if footer else "", size=10, fill="#444444")
    )
    parts.append(_spark(c.get("spark", []), x + CARD_W - 82, ty - 14, 70, 16))
    parts.append("</a>")
    if toggle is not None:
        sign = "+" if box.hidden else "−"
        label = labels["expand"] if box.hidden else labels["collapse"]
        tx, tyy = x + CARD_W - 4, y + CARD_H / 2
        parts.append(
            f'<a class="toggle" href="{escape(toggle)}" aria-label="{escape(label)}">'
            f'<circle cx="{tx + 12}" cy="{tyy}" r="10" fill="#ffffff" stroke="#444"/>'
            f"{_text(tx + 12, tyy + 5, sign, size=14, weight='bold', anchor='middle')}"
            + (
                _text(tx + 26, tyy - 10, f"+{box.hidden}", size=10, fill="#444444")
                if box.hidden
                else ""
            )
            + "</a>"
        )
    parts.append("</g>")
    return "".join(parts)


def _chip(box: Box, href: str, label: str) -> str:
    x, y = box.x, box.y
    return (
        f'<g class="ref" data-node="{escape(box.node)}"><a href="{escape(href)}">'
        f'<rect x="{x}" y="{y}" width="{CARD_W}" height="{CHIP_H}" rx="6" fill="#f4f4f4" '
        'stroke="#888" stroke-dasharray="4 3"/>'
        + _text(x + 12, y + 19, "↗ " + wrap(label, LINE_UNITS, 1)[0], size=12, fill="#333333")
        + "</a></g>"
    )


def render_tree_svg(
    walk: list[tuple[str, int, bool]],
    cards: dict[str, dict[str, Any]],
    edges: list[dict[str, Any]],
    *,
    collapsed: set[str],
    node_href: dict[str, str],
    toggle_href: dict[str, str],
    labels: dict[str, str],
    title: str,
) -> str:
    roots = build_boxes(walk, cards, collapsed)
    width, height = layout(roots)
    edge_info = {(e["parent"], e["child"]): e for e in edges}
    lines: list[str] = []
    shapes: list[str] = []

    def draw(box: Box) -> None:
        if box.ref:
            shapes.append(_chip(box, node_href[box.node], cards[box.node]["label"]))
            return
        has_children = bool(box.children) or box.hidden > 0
        shapes.append(
            _card(
                box,
                node_href[box.node],
                toggle_href.get(box.node) if has_children else None,
                labels,
            )
        )
        for child in box.children:
            x1, y1 = box.x + CARD_W + (22 if has_children else 0), box.y + CARD_H / 2
            x2, y2 = child.x, child.y + child.height / 2
            mid = (x1 + x2) / 2
            info = edge_info.get((box.node, child.node), {})
            op = info.get("operator", "")
            dashed = ' stroke-dasharray="5 4"' if op in ("…", "") else ""
            lines.append(
                f'<path d="M{x1:.1f},{y1:.1f} C{mid:.1f},{y1:.1f} {mid:.1f},{y2:.1f} '
                f'{x2:.1f},{y2:.1f}" fill="none" stroke="#8a8a8a" stroke-width="1.5"{dashed}/>'
            )
            tag = op if op not in ("", "…") else ""
            if info.get("share_text"):
                tag = f"{tag} {info['share_text']}".strip()
            if tag:
                lines.append(
                    f'<g class="op"><rect x="{x2 - 50:.1f}" y="{y2 - 20:.1f}" width="44" '
                    f'height="16" rx="3" fill="#ffffff"/>'
                    + _text(
                        x2 - 28,
                        y2 - 8,
                        tag,
                        size=12,
                        weight="bold",
                        fill="#333333",
                        anchor="middle",
                    )
                    + "</g>"
                )
            draw(child)

    for root in roots:
        draw(root)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="kpi-tree" role="group" '
        f'width="{width:.0f}" height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'font-family="Noto Sans CJK JP, Noto Sans JP, Hiragino Sans, Meiryo, sans-serif" '
        f'aria-label="{escape(title)}">' + "".join(lines) + "".join(shapes) + "</svg>"
    )
