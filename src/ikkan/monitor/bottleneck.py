"""The bottleneck: which driver explains most of the KGI's gap (actual − target).

The gap is decomposed down the formula tree, node by node, into contributions that sum
*exactly* to the gap, all in the KGI's unit (yen for revenue):

- ``sum`` nodes: additive (each child's own change; exact for any linear formula);
- ``product`` / ``ratio`` nodes: LMDI (logarithmic mean Divisia index), exact for a
  product ``Π children`` or a ratio ``children[0] ÷ Π children[1:]`` of positive values;
- anything else, and products or ratios with a zero or negative value: the Shapley value
  (every order of changing the children, averaged; exact, 2^n evaluations).

A node's contribution is passed to its children in proportion to their local
contributions, so every level sums to its parent and the leaves sum to the KGI gap. For a
chain of products this equals LMDI on the leaves directly.

Measured parents (``measured_parents=True``, what ``status`` uses): a node measured on its
own (the KGI counted from won deals) need not equal its formula over its measured inputs
(leads × a stage-based conversion). Its measured value is then the one decomposed (the gap
the status table shows), and the difference ``measured − formula over measured inputs`` is
a line of its own, "not explained by the tree" (ツリーで説明できない差), beside the
node's children: the parts still add up to the measured gap.

The tree is generic (this module does not know the formula language): each node gives its
children, a function computing it from their values, its kind and whether it is
controllable. Pure: no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Literal

from ikkan.errors import UserError, did_you_mean

NodeKind = Literal["sum", "product", "ratio", "other"]
Method = Literal["additive", "lmdi", "shapley"]
MAX_SHAPLEY_CHILDREN = 16
_REL_TOL = 1e-9


class DecompositionError(UserError):
    pass


@dataclass(frozen=True)
class TreeNode:
    name: str
    children: Sequence[str] = ()
    evaluate: Callable[[Mapping[str, float]], float] | None = None
    kind: NodeKind = "other"
    controllable: bool = True
    label_ja: str = ""
    label_en: str = ""

    def label(self, lang: str = "en") -> str:
        return (self.label_ja if lang == "ja" else self.label_en) or self.name


@dataclass(frozen=True)
class Contribution:
    node: str
    label_ja: str
    label_en: str
    depth: int  # 0 = KGI
    is_leaf: bool
    controllable: bool
    target: float
    actual: float
    contribution: float  # in the KGI's unit; the parts of a node sum to it
    share: float | None  # contribution ÷ KGI gap (None when the gap is 0)
    method: Method | None  # how the parent split its gap onto this node
    unexplained: bool = False
    """A measured node's difference from its formula over its measured inputs (``node`` is
    ``<parent>:unexplained``; ``actual`` the measured value, ``target`` the formula's)."""

    @property
    def gap(self) -> float:
        return self.actual - self.target

    def label(self, lang: str = "en") -> str:
        return (self.label_ja if lang == "ja" else self.label_en) or self.node

    def describe(self, lang: str = "en") -> str:
        share = "" if self.share is None else f"{self.share:.0%}"
        if lang == "ja":
            text = f"{self.label('ja')}: 目標 {self.target:,.4g} → 実績 {self.actual:,.4g}、"
            return (
                text
                + f"KGIへの影響 {self.contribution:+,.0f}"
                + (f"（ギャップの{share}）" if share else "")
            )
        text = f"{self.label('en')}: target {self.target:,.4g} → actual {self.actual:,.4g}, "
        return (
            text
            + f"effect on the KGI {self.contribution:+,.0f}"
            + (f" ({share} of the gap)" if share else "")
        )


@dataclass(frozen=True)
class GapDecomposition:
    root: str
    target: float
    actual: float
    direction: Literal["higher", "lower"]
    nodes: dict[str, Contribution]
    methods: dict[str, Method]  # internal node -> how its gap was split
    notes: list[str] = field(default_factory=list)
    mismatches: dict[str, tuple[float, float]] = field(default_factory=dict)

    @property
    def gap(self) -> float:
        return self.actual - self.target

    def _harm(self, c: Contribution) -> float:
        return c.contribution if self.direction == "higher" else -c.contribution

    def ranked(self, *, leaves_only: bool = True) -> list[Contribution]:
        """Most harmful first (most negative contribution to a higher-is-better KGI)."""
        items = [c for c in self.nodes.values() if c.depth > 0]
        if leaves_only:
            items = [c for c in items if c.is_leaf]
        return sorted(items, key=lambda c: (self._harm(c), c.node))

    def drivers(self) -> list[Contribution]:
        """Controllable drivers: controllable leaves, and controllable nodes whose children
        are all uncontrollable (the lowest level someone can act on). Most harmful first."""
        found = []
        for c in self.nodes.values():
            if c.depth == 0 or not c.controllable:
                continue
            kids = self._children.get(c.node, ())
            if c.is_leaf or all(not self.nodes[k].controllable for k in kids):
                found.append(c)
        return sorted(found, key=lambda c: (self._harm(c), c.node))

    @property
    def bottleneck(self) -> Contribution | None:
        """The controllable driver that hurts the KGI most; None if none hurts it."""
        drivers = self.drivers()
        if drivers and self._harm(drivers[0]) < 0:
            return drivers[0]
        return None

    def kgi_per_unit(self, node: str) -> float | None:
        """KGI units per unit of ``node``'s gap here (for scaling a drill-down)."""
        c = self.nodes[node]
        return None if c.gap == 0 else c.contribution / c.gap

    _children: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)


# -- local decomposition of one node -------------------------------------------------------


def _close(a: float, b: float, scale: float) -> bool:
    return abs(a - b) <= _REL_TOL * max(1.0, scale)


def _shapley(
    f: Callable[[Mapping[str, float]], float],
    names: Sequence[str],
    before: Mapping[str, float],
    after: Mapping[str, float],
) -> dict[str, float]:
    n = len(names)
    cache: dict[frozenset[str], float] = {}

    def value(changed: frozenset[str]) -> float:
        if changed not in cache:
            cache[changed] = f({k: after[k] if k in changed else before[k] for k in names})
        return cache[changed]

    weights = [math.factorial(s) * math.factorial(n - s - 1) / math.factorial(n) for s in range(n)]
    out = {}
    for name in names:
        others = [k for k in names if k != name]
        total = 0.0
        for size in range(n):
            for subset in combinations(others, size):
                s = frozenset(subset)
                total += weights[size] * (value(s | {name}) - value(s))
        out[name] = total
    return out


def _log_mean(a: float, b: float) -> float:
    return a if math.isclose(a, b, rel_tol=1e-15) else (a - b) / (math.log(a) - math.log(b))


def split_node(
    node: TreeNode, before: Mapping[str, float], after: Mapping[str, float]
) -> tuple[dict[str, float], Method, str | None]:
    """Split ``f(after) - f(before)`` over the node's children; exact. Returns a note when
    the node's kind could not be used (and Shapley was)."""
    if node.evaluate is None or not node.children:
        raise DecompositionError(f"'{node.name}' has no inputs and formula to split")
    f, names = node.evaluate, list(node.children)
    f0, f1 = f(before), f(after)
    delta = f1 - f0
    note = None
    if node.kind == "sum":
        parts = {k: f({**before, k: after[k]}) - f0 for k in names}
        if _close(sum(parts.values()), delta, abs(f0) + abs(f1)):
            return parts, "additive", None
        note = f"'{node.name}' is marked 'sum' but is not additive; Shapley used"
    elif node.kind in ("product", "ratio"):
        values = [before[k] for k in names] + [after[k] for k in names]
        if min(values) > 0 and f0 > 0 and f1 > 0:
            signs = [1.0] * len(names)
            if node.kind == "ratio":
                signs = [1.0] + [-1.0] * (len(names) - 1)
            logs = {
                k: s * math.log(after[k] / before[k]) for k, s in zip(names, signs, strict=True)
            }
            if _close(math.log(f1 / f0), sum(logs.values()), 1.0):
                weight = _log_mean(f1, f0)
                return {k: weight * v for k, v in logs.items()}, "lmdi", None
            note = f"'{node.name}' is marked '{node.kind}' but its formula is not one; Shapley used"
        else:
            note = f"'{node.name}' has a zero or negative value; Shapley used instead of LMDI"
    if len(names) > MAX_SHAPLEY_CHILDREN:
        raise DecompositionError(
            f"'{node.name}' has {len(names)} inputs; the exact split handles at most "
            f"{MAX_SHAPLEY_CHILDREN}",
            hint="group the inputs into intermediate nodes (e.g. one per KSF)",
        )
    return _shapley(f, names, before, after), "shapley", note


# -- the tree ---------------------------------------------------------------------------


def _order(nodes: Mapping[str, TreeNode], root: str) -> list[str]:
    """Nodes reachable from ``root``, every parent before its children."""
    if root not in nodes:
        raise DecompositionError(
            f"the KGI '{root}' is not in the tree", hint=did_you_mean(root, nodes)
        )
    state: dict[str, int] = {}
    post: list[str] = []

    def visit(name: str, path: tuple[str, ...]) -> None:
        if state.get(name) == 2:
            return
        if state.get(name) == 1:
            raise DecompositionError("the tree has a cycle: " + " → ".join((*path, name)))
        if name not in nodes:
            raise DecompositionError(
                f"'{path[-1]}' uses '{name}', which is not in the tree",
                hint=did_you_mean(name, nodes),
            )
        state[name] = 1
        for child in nodes[name].children:
            visit(child, (*path, name))
        state[name] = 2
        post.append(name)

    visit(root, ())
    return post[::-1]


def _unexplained(name: str) -> str:
    return f"{name}:unexplained"


def _values(
    nodes: Mapping[str, TreeNode],
    order: list[str],
    given: Mapping[str, float],
    which: str,
    measured: Mapping[str, float] | None = None,
    *,
    inputs_only: bool = False,
) -> dict[str, float]:
    """Every node's value: leaves as given, parents from their formulas over their inputs'
    values, where a parent in ``measured`` counts with its measured value (for its own
    parents; ``inputs_only``: its own value is still its formula's)."""
    out: dict[str, float] = {}
    measured = measured or {}
    inputs: dict[str, float] = {}
    missing = [n for n in order if not nodes[n].children and given.get(n) is None]
    if missing:
        raise DecompositionError(
            f"no {which} value for {', '.join(repr(m) for m in sorted(missing))}",
            hint=f"every input of the tree needs an {which} value (measured or entered)",
        )
    for name in reversed(order):
        node = nodes[name]
        if not node.children:
            out[name] = float(given[name])
            continue
        if node.evaluate is None:
            raise DecompositionError(f"'{name}' has inputs but no formula to compute it")
        try:
            computed = float(node.evaluate({k: inputs.get(k, out[k]) for k in node.children}))
        except (ZeroDivisionError, ValueError, OverflowError) as exc:
            raise DecompositionError(
                f"cannot compute the {which} value of '{name}': {exc}",
                hint="check for a zero denominator among its inputs",
            ) from exc
        out[name] = computed if inputs_only or name not in measured else measured[name]
        if inputs_only and name in measured:
            inputs[name] = measured[name]  # what its parents see
    return out


def decompose_gap(
    tree: Mapping[str, TreeNode] | Iterable[TreeNode],
    root: str,
    actual: Mapping[str, float],
    target: Mapping[str, float],
    *,
    direction: Literal["higher", "lower"] = "higher",
    measured_parents: bool = False,
) -> GapDecomposition:
    """Decompose the gap of ``root`` into contributions of every node below it.

    ``actual`` and ``target`` need a value for every leaf. Intermediate nodes are computed
    from their formulas; given actual values for them are compared and reported in
    ``mismatches`` when they differ. With ``measured_parents`` the given values are the
    ones decomposed and each difference becomes an ``unexplained`` line (module doc);
    otherwise they are not used.
    """
    nodes = dict(tree) if isinstance(tree, Mapping) else {n.name: n for n in tree}
    order = _order(nodes, root)
    v0 = _values(nodes, order, target, "target")
    measured = {
        n: float(v)
        for n, v in actual.items()
        if measured_parents and n in nodes and nodes[n].children and v is not None
    }
    v1 = _values(nodes, order, actual, "actual", measured)
    from_inputs = _values(nodes, order, actual, "actual", measured, inputs_only=True)
    mismatches = {}
    for name in order:
        if nodes[name].children and actual.get(name) is not None:
            given = float(actual[name])
            if not _close(given, from_inputs[name], abs(given) * 1e3):
                mismatches[name] = (given, from_inputs[name])
    residual = {n: v1[n] - from_inputs[n] for n in measured if n in mismatches}

    contribution = dict.fromkeys(order, 0.0)
    contribution[root] = v1[root] - v0[root]
    methods: dict[str, Method] = {}
    method_of: dict[str, Method] = {}
    notes: list[str] = []
    depth = {root: 0}
    for name in order:
        node = nodes[name]
        if not node.children:
            continue
        for child in node.children:
            depth[child] = max(depth.get(child, 0), depth[name] + 1)
        before = {k: v0[k] for k in node.children}
        after = {k: v1[k] for k in node.children}
        parts, method, note = split_node(node, before, after)
        methods[name] = method
        if note:
            notes.append(note)
        if name in residual:
            parts[_unexplained(name)] = residual[name]
        delta = v1[name] - v0[name]
        scale = abs(v0[name]) + abs(v1[name]) + sum(abs(p) for p in parts.values())
        if abs(delta) <= 1e-12 * max(scale, 1e-300):
            rate = _sensitivity(nodes, order, root, name, v1)
        else:
            rate = contribution[name] / delta
        shares = {k: rate * p for k, p in parts.items()}
        _absorb_rounding(shares, contribution[name], name)
        for child, value in shares.items():
            if child == _unexplained(name):
                contribution[child] = value
                continue
            contribution[child] += value
            method_of[child] = method

    gap = v1[root] - v0[root]
    result = {
        name: Contribution(
            node=name,
            label_ja=nodes[name].label_ja,
            label_en=nodes[name].label_en,
            depth=depth[name],
            is_leaf=not nodes[name].children,
            controllable=nodes[name].controllable,
            target=v0[name],
            actual=v1[name],
            contribution=contribution[name],
            share=None if gap == 0 else contribution[name] / gap,
            method=method_of.get(name),
        )
        for name in order
    }
    for name, difference in residual.items():
        key = _unexplained(name)
        value = contribution[key]
        result[key] = Contribution(
            node=key,
            label_ja=f"{nodes[name].label('ja')}: ツリーで説明できない差",
            label_en=f"{nodes[name].label('en')}: not explained by the tree",
            depth=depth[name] + 1,
            is_leaf=True,
            controllable=False,
            target=v1[name] - difference,
            actual=v1[name],
            contribution=value,
            share=None if gap == 0 else value / gap,
            method=None,
            unexplained=True,
        )
    children = {n: tuple(nodes[n].children) for n in order}
    return GapDecomposition(
        root, v0[root], v1[root], direction, result, methods, notes, mismatches, children
    )


def _absorb_rounding(shares: dict[str, float], total: float, name: str) -> None:
    """Make the parts add up to the last bit: floating-point rounding only."""
    if not shares:
        return
    residual = total - sum(shares.values())
    scale = abs(total) + sum(abs(v) for v in shares.values())
    if abs(residual) > 1e-7 * max(scale, 1.0):
        raise AssertionError(f"decomposition of '{name}' is off by {residual}")  # a bug
    largest = max(shares, key=lambda k: abs(shares[k]))
    shares[largest] += residual


def _sensitivity(
    nodes: Mapping[str, TreeNode], order: list[str], root: str, name: str, v1: Mapping[str, float]
) -> float:
    """d root / d node at the actual values (used only when the node's own gap is zero, where
    any finite rate keeps the sum exact; this one keeps the parts meaningful)."""
    if name == root:
        return 1.0
    h = max(abs(v1[name]), 1.0) * 1e-6

    def root_with(value: float) -> float:
        values = dict(v1)
        values[name] = value
        for other in reversed(order):
            node = nodes[other]
            if node.children and other != name and node.evaluate is not None:
                values[other] = float(node.evaluate({k: values[k] for k in node.children}))
        return values[root]

    try:
        return (root_with(v1[name] + h) - root_with(v1[name] - h)) / (2 * h)
    except (ZeroDivisionError, ValueError, OverflowError):
        return 0.0
