"""A breakdown by one dimension (``status --by``): values ranked, the rest folded into
"others", shares of the total. Pure: no I/O.

Folding many values into one row must not invent a number:

- a node with a numerator and a denominator (rates, averages, unit costs) folds to
  Σ numerator ÷ Σ denominator, the rate of the folded rows together;
- a flow (``aggregate: sum``: counts, money) folds to the sum;
- a formula node folds to its formula over its inputs' folded values;
- anything else (a median, a score) has no folded value: "—", never an average of
  averages.

The share of a flow's value is its part of the sum over *all* values of the dimension
(so the shares of the rows, others included, add up to 100 %); other nodes have none.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

OTHERS = "(others)"


@dataclass(frozen=True)
class Cell:
    """One node's value for one dimension value, with the counts behind it."""

    value: float | None
    numerator: float | None = None
    denominator: float | None = None


@dataclass(frozen=True)
class NodeRule:
    """What the breakdown needs to know of a node."""

    additive: bool  # a flow: values add up over dimension values
    inputs: Sequence[str] = ()  # a formula node's inputs
    evaluate: Callable[[Mapping[str, float]], float] | None = None


@dataclass
class Breakdown:
    ranking_node: str | None
    rows: list[tuple[str, dict[str, Cell]]]  # ranked, best first
    others: dict[str, Cell] | None  # the folded rest; None when nothing was folded
    folded: list[str] = field(default_factory=list)  # the values in "others"
    shares: dict[str, dict[str, float]] = field(default_factory=dict)  # node → value → share

    def share(self, node: str, name: str) -> float | None:
        if name == OTHERS:
            parts = [self.shares.get(node, {}).get(v) for v in self.folded]
            known = [p for p in parts if p is not None]
            return sum(known) if known and len(known) == len(parts) else None
        return self.shares.get(node, {}).get(name)


def shares(cells: Mapping[str, Cell]) -> dict[str, float]:
    """Each value's part of the sum over every value (empty when the sum is 0)."""
    known = {k: c.value for k, c in cells.items() if c.value is not None}
    total = sum(known.values())
    if not known or total == 0:
        return {}
    return {k: v / total for k, v in known.items()}


def fold(
    names: Sequence[str],
    table: Mapping[str, Mapping[str, Cell]],
    rules: Mapping[str, NodeRule],
    order: Sequence[str],
) -> dict[str, Cell]:
    """The folded value of every node over ``names`` (``order``: inputs before formulas)."""
    out: dict[str, Cell] = {}
    for node in order:
        cells = [table.get(node, {}).get(n) for n in names]
        present = [c for c in cells if c is not None]
        rule = rules[node]
        out[node] = Cell(None)
        if not present:
            continue
        nums = [c.numerator for c in present]
        dens = [c.denominator for c in present]
        if all(d is not None for d in dens) and all(n is not None for n in nums):
            num = sum(n for n in nums if n is not None)
            den = sum(d for d in dens if d is not None)
            out[node] = Cell(num / den if den else None, num, den)
        elif rule.additive:
            values = [c.value for c in present if c.value is not None]
            out[node] = Cell(sum(values) if values else None)
        elif rule.evaluate is not None and rule.inputs:
            inputs = {k: out[k].value for k in rule.inputs if k in out}
            if len(inputs) == len(rule.inputs) and all(v is not None for v in inputs.values()):
                try:
                    out[node] = Cell(rule.evaluate({k: float(v or 0.0) for k, v in inputs.items()}))
                except (ZeroDivisionError, ValueError, OverflowError):
                    out[node] = Cell(None)
    return out


def break_down(
    table: Mapping[str, Mapping[str, Cell]],
    rules: Mapping[str, NodeRule],
    order: Sequence[str],
    *,
    ranking_node: str | None,
    top: int,
) -> Breakdown:
    """Rank the dimension values by ``ranking_node`` (largest first; values without one
    last, by name), keep ``top`` rows and fold the rest (a single leftover is kept as
    itself: folding one row into "others" hides its name for nothing)."""
    names = sorted({v for cells in table.values() for v in cells})
    ranked_by = table.get(ranking_node or "", {})

    def key(name: str) -> tuple[int, float, str]:
        cell = ranked_by.get(name)
        if cell is None or cell.value is None:
            return (1, 0.0, name)
        return (0, -cell.value, name)

    names.sort(key=key)
    keep, rest = names[:top], names[top:]
    if len(rest) == 1:
        keep, rest = names, []
    rows = [(n, {node: table.get(node, {}).get(n, Cell(None)) for node in order}) for n in keep]
    others = fold(rest, table, rules, order) if rest else None
    share_of = {
        node: shares(table[node]) for node in order if rules[node].additive and node in table
    }
    return Breakdown(ranking_node, rows, others, list(rest), share_of)
