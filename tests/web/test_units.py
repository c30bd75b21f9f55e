"""Pure parts of the web layer: label wrapping, the tree layout, Babel formatting, filters,
edge operators."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

import pytest

from ikkan.errors import UserError
from ikkan.model.formulas import parse_formula
from ikkan.model.periods import Period, all_time, is_all_time, parse_period
from ikkan.model.units import Unit, UnitKind
from ikkan.web.filters import parse_filters, period_choices
from ikkan.web.i18n import Formatter
from ikkan.web.tree_svg import CARD_H, build_boxes, layout, wrap

YEN = Unit("JPY", UnitKind.CURRENCY, "JPY")
RATIO = Unit("ratio", UnitKind.RATIO)


def test_wrap_counts_cjk_as_two_and_cuts_with_an_ellipsis() -> None:
    assert wrap("許容CPA（MQL単価）", 30) == ["許容CPA（MQL単価）"]
    lines = wrap("あ" * 40, 30, 2)
    assert lines == ["あ" * 15, "あ" * 14 + "…"]
    assert wrap("abc", 30) == ["abc"]


def test_layout_never_overlaps_cards_in_a_column() -> None:
    walk = [
        ("k", 0, True),
        ("a", 1, True),
        ("a1", 2, True),
        ("a2", 2, True),
        ("b", 1, True),
        ("a1", 2, False),
        ("c", 1, True),
    ]
    cards = {n: {"label": n} for n, _, first in walk if first}
    roots = build_boxes(walk, cards, set())
    layout(roots)
    boxes = []

    def collect(box):  # type: ignore[no-untyped-def]
        boxes.append(box)
        for child in box.children:
            collect(child)

    for root in roots:
        collect(root)
    by_column: dict[float, list[tuple[float, float]]] = {}
    for box in boxes:
        by_column.setdefault(box.x, []).append((box.y, box.y + box.height))
    for spans in by_column.values():
        spans.sort()
        for (_, end), (start, _) in itertools.pairwise(spans):
            assert start >= end
    refs = [b for b in boxes if b.ref]
    assert [r.node for r in refs] == ["a1"]


def test_collapse_hides_and_counts_descendants() -> None:
    walk = [("k", 0, True), ("a", 1, True), ("a1", 2, True), ("x", 3, True), ("b", 1, True)]
    roots = build_boxes(walk, {n: {} for n, _, _ in walk}, {"a"})
    a = roots[0].children[0]
    assert a.node == "a" and a.children == [] and a.hidden == 2
    assert [c.node for c in roots[0].children] == ["a", "b"]
    layout(roots)
    assert roots[0].children[1].y >= a.y + CARD_H


def test_babel_formats_yen_percent_and_dates() -> None:
    ja, en = Formatter("ja"), Formatter("en")
    assert ja.value(28_470_000, YEN) == "￥28,470,000"
    assert en.value(28_470_000, YEN) == "¥28,470,000"
    assert ja.value(28_470_000, YEN, compact=True) == "￥2847万"
    assert ja.value(0.3331, RATIO) == "33.3%"
    assert ja.change(-0.1, RATIO) == "-10.0pt"
    assert en.change(-1500, YEN) == "-¥1,500"
    assert ja.value(None, YEN) == "--"
    assert ja.date(date(2026, 11, 15)) == "2026年11月15日"
    assert en.date(date(2026, 11, 15)) == "Nov 15, 2026"


def _resolve(text: str) -> Period:
    """Workspace.resolve_period for data from 2025-01-10 to 2026-11-15."""
    if is_all_time(text):
        return all_time(date(2025, 1, 10), date(2026, 11, 15))
    return parse_period(text, 4)


def test_filters() -> None:
    kwargs: dict[str, Any] = {
        "dimensions": ["channel"],
        "grains": ["month", "half"],
        "resolve": _resolve,
    }
    f = parse_filters("2026年度下期", "channel:paid_search", "year", "en", **kwargs)
    assert f.period == "FY2026-H2" and f.where == ("channel", "paid_search")
    assert not f.ranged
    assert "where=channel%3Apaid_search" in f.query()
    for bad in (("2026-W41", None, None), (None, "segment:x", None), (None, None, "no")):
        with pytest.raises(UserError):
            parse_filters(*bad, "en", **kwargs)


def test_filters_take_the_cli_ranges_and_all() -> None:
    kwargs: dict[str, Any] = {"dimensions": [], "grains": ["month"], "resolve": _resolve}
    ranged = parse_filters("2026-04-01〜2026-09-30", None, None, "ja", **kwargs)
    assert ranged.period == "2026-04-01..2026-09-30" and ranged.ranged
    assert "period=2026-04-01..2026-09-30" in ranged.query().replace("%2E", ".")
    everything = parse_filters("全期間", None, None, "ja", **kwargs)
    assert everything.period == "ALL" and everything.ranged
    for bad, says in (
        ("2026-09-30..2026-04-01", "ends before it starts"),
        ("2026-04..2026-09", "not a range of days"),
        ("2026-04-01..", "not a range of days"),
    ):
        with pytest.raises(UserError, match=says) as caught:
            parse_filters(bad, None, None, "en", **kwargs)
        assert caught.value.hint  # says how to write one
    keys = [p.key for p in period_choices(date(2026, 11, 15), ["month", "half"], 4)]
    assert "FY2026-H1" in keys and "2026-11" in keys and "2026-12" not in keys


def test_edge_operators() -> None:
    from types import SimpleNamespace

    from ikkan.web.views.tree import edge_operators

    node = SimpleNamespace(formula=parse_formula("(revenue - budget) / budget"))
    assert edge_operators(node) == {"revenue": "×", "budget": "−"}  # type: ignore[arg-type]
    node = SimpleNamespace(formula=parse_formula("budget / leads"))
    assert edge_operators(node) == {"budget": "×", "leads": "÷"}  # type: ignore[arg-type]
