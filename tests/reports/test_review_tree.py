"""The tree of the report is the dashboard's drawing, cut into page slices only between
rows (never through a card)."""

from __future__ import annotations

import re

from ikkan.model.tree import resolve_tree
from ikkan.project.loader import load_project
from ikkan.project.scaffold import template_text
from ikkan.reports.review.cards import slice_cuts, svg_slices, tree_svg
from ikkan.web.i18n import Formatter
from ikkan.web.tree_svg import build_boxes, layout


def test_slices_cut_between_rows(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "ikkan.yml").write_text(template_text("ja"), encoding="utf-8")
    loaded = load_project(tmp_path)
    assert loaded.spec is not None
    tree, _ = resolve_tree(loaded.spec, loaded.source_map, loaded.invalid_nodes)
    cards = {
        n: {
            "id": n,
            "label": tree.nodes[n].name("ja"),
            "kind": str(tree.nodes[n].kind),
            "rag": "green",
            "actual": None,
        }
        for n, _, first in tree.walk()
        if first
    }
    roots = build_boxes(list(tree.walk()), cards, set())
    _, height = layout(roots)
    cuts = slice_cuts(tree, cards, page_height=600)
    assert cuts[0] == 0 and cuts[-1] == height and len(cuts) > 3
    boxes, stack = [], list(roots)
    while stack:
        box = stack.pop()
        boxes.append((box.y, box.y + box.height))
        stack.extend(box.children)
    for cut in cuts[1:-1]:
        assert not any(top < cut < bottom for top, bottom in boxes), cut
    svg = tree_svg(tree, cards, Formatter("ja"), "株式会社サンプル")
    slices = svg_slices(svg, cuts)
    assert len(slices) == len(cuts) - 1
    # every card is drawn in exactly one slice: the one whose window holds it
    pattern = r'<g class="(?:node|ref)[^"]*" data-node="([^"]+)"'
    drawn = [re.findall(pattern, s) for s in slices]
    assert sorted(n for part in drawn for n in part) == sorted(re.findall(pattern, svg))
    assert all(part for part in drawn)
    assert 'class="toggle"' not in svg  # a report has nothing to collapse
