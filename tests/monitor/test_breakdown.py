"""The --by breakdown: ranked values, the rest folded without inventing numbers."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from ikkan.monitor.breakdown import OTHERS, Cell, NodeRule, break_down


def _won(v: Mapping[str, float]) -> float:
    return v["leads"] * v["rate"]


def _cpl(v: Mapping[str, float]) -> float:
    return v["cost"] / v["leads"]


RULES = {
    "leads": NodeRule(additive=True),
    "rate": NodeRule(additive=False),
    "median_days": NodeRule(additive=False),
    "won": NodeRule(additive=True, inputs=("leads", "rate"), evaluate=_won),
    "cpl": NodeRule(additive=False, inputs=("cost", "leads"), evaluate=_cpl),
    "cost": NodeRule(additive=True),
}
ORDER = ["leads", "rate", "median_days", "cost", "won", "cpl"]


def _table(n: int) -> dict[str, dict[str, Cell]]:
    """n values v000 … : value i has i + 1 leads, i // 2 of them converted."""
    table: dict[str, dict[str, Cell]] = {k: {} for k in ORDER}
    for i in range(n):
        name = f"v{i:03d}"
        leads, hits = i + 1, i // 2
        table["leads"][name] = Cell(leads, leads)
        table["rate"][name] = Cell(hits / leads, hits, leads)
        table["median_days"][name] = Cell(float(i))
        table["cost"][name] = Cell(100.0 * leads, 100.0 * leads)
        table["won"][name] = Cell(float(hits))
        table["cpl"][name] = Cell(100.0)
    return table


def test_hundreds_of_values_become_ten_rows_and_others() -> None:
    table = _table(300)
    view = break_down(table, RULES, ORDER, ranking_node="leads", top=10)
    assert [name for name, _ in view.rows] == [f"v{i:03d}" for i in range(299, 289, -1)]
    assert len(view.folded) == 290 and view.others is not None
    rest = range(290)
    assert view.others["leads"].value == sum(i + 1 for i in rest)
    # the folded rate is Σ hits ÷ Σ leads, not the mean of 290 rates
    hits, leads = sum(i // 2 for i in rest), sum(i + 1 for i in rest)
    assert view.others["rate"] == Cell(pytest.approx(hits / leads), hits, leads)
    assert view.others["median_days"].value is None  # no median of medians
    assert view.others["won"].value == sum(i // 2 for i in rest)  # a flow: summed
    assert view.others["cpl"].value == pytest.approx(100.0)  # its formula over folded inputs
    total = sum(i + 1 for i in range(300))
    assert view.share("leads", "v299") == pytest.approx(300 / total)
    assert view.share("leads", OTHERS) == pytest.approx(leads / total)
    shown = sum(view.share("leads", n) or 0 for n, _ in view.rows)
    assert shown + (view.share("leads", OTHERS) or 0) == pytest.approx(1.0)
    assert view.share("rate", "v299") is None  # a rate has no share of a total


def test_one_leftover_is_shown_not_folded() -> None:
    view = break_down(_table(11), RULES, ORDER, ranking_node="leads", top=10)
    assert len(view.rows) == 11 and view.others is None


def test_values_without_the_ranking_node_come_last() -> None:
    table = _table(3)
    table["leads"].pop("v002")
    view = break_down(table, RULES, ORDER, ranking_node="leads", top=10)
    assert [n for n, _ in view.rows] == ["v001", "v000", "v002"]
