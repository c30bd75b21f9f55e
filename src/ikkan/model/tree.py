"""Phase two: ``ProjectSpec`` → the resolved ``KpiTree``, with every design error found.

Checks: formula syntax (at the column), unknown names (with close matches), cycles, shares
of sums, units (yen + count), departments, parents, periods, thresholds. Returns the tree
(with the invalid parts left out) and every issue; only the façade raises.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from ikkan.errors import did_you_mean, valid_values
from ikkan.model.aggregates import infer_aggregates
from ikkan.model.formulas import Formula, FormulaError, Ref, parse_formula, refs
from ikkan.model.issues import Issue, error
from ikkan.model.metrics import MetricSpec
from ikkan.model.periods import Grain
from ikkan.model.spec import (
    BUILTIN_DEPARTMENTS,
    Aggregate,
    Direction,
    Kind,
    LabelSpec,
    NodeSpec,
    ProjectSpec,
)
from ikkan.model.tree_checks import check_node_fields, check_shares, check_units, find_cycles
from ikkan.model.tree_types import PERIOD_GRAINS, Locator, NoLocator
from ikkan.model.units import (
    KNOWN_UNITS,
    Unit,
    UnitKind,
    resolve_unit,
)


@dataclass(frozen=True)
class ScenarioValue:
    commit: float | None
    stretch: float | None

    def get(self, scenario: str) -> float | None:
        if scenario == "stretch":
            return self.stretch if self.stretch is not None else self.commit
        return self.commit if self.commit is not None else self.stretch


@dataclass(frozen=True)
class Node:
    id: str
    kind: Kind
    label: LabelSpec
    definition: str | None
    unit: Unit | None
    direction: Direction
    period: str | None  # a grain word (month …) or a period key (FY2026)
    department: str | None
    person: str | None
    leading: bool | None
    controllable: bool
    formula: Formula | None
    share: float | None
    assumption: ScenarioValue | None
    baseline: float | None
    target: ScenarioValue | None
    green: float
    amber: float
    aggregate: Aggregate
    parent: str | None  # explicit parent (no formula link)
    metric: MetricSpec | None
    spec: NodeSpec = field(repr=False, compare=False)

    def name(self, lang: str = "en") -> str:
        text = self.label.ja if lang == "ja" else self.label.en
        return text or self.label.en or self.label.ja or self.id

    @property
    def is_count(self) -> bool:
        return self.unit is not None and self.unit.kind is UnitKind.COUNT

    @property
    def per_grain(self) -> Grain | None:
        """The grain a target is given per (``period: month``), if any."""
        if self.period in PERIOD_GRAINS and self.period != "fiscal_year":
            return Grain(self.period)
        return None


@dataclass(frozen=True)
class KpiTree:
    spec: ProjectSpec
    nodes: Mapping[str, Node]
    children: Mapping[str, tuple[str, ...]]  # formula refs + explicit children, in order
    parents: Mapping[str, tuple[str, ...]]
    order: tuple[str, ...]  # topological: every node after the nodes its formula uses

    @property
    def kgis(self) -> tuple[str, ...]:
        return tuple(n for n in self.order if self.nodes[n].kind is Kind.KGI)

    @property
    def roots(self) -> tuple[str, ...]:
        return tuple(n for n in self.nodes if not self.parents.get(n))

    def walk(self, start: str | None = None) -> Iterator[tuple[str, int, bool]]:
        """Depth-first (node id, depth, first time seen) from the roots (KGIs first)."""
        seen: set[str] = set()
        starts = (
            [start] if start else sorted(self.roots, key=lambda n: self.nodes[n].kind != Kind.KGI)
        )

        def visit(node_id: str, depth: int) -> Iterator[tuple[str, int, bool]]:
            first = node_id not in seen
            seen.add(node_id)
            yield node_id, depth, first
            if first:
                for child in self.children.get(node_id, ()):
                    yield from visit(child, depth + 1)

        for root in starts:
            yield from visit(root, 0)

    def reaches(self, ancestor: str) -> set[str]:
        """Every node below ``ancestor`` (formula inputs and explicit children)."""
        out: set[str] = set()
        stack = [ancestor]
        while stack:
            for child in self.children.get(stack.pop(), ()):
                if child not in out:
                    out.add(child)
                    stack.append(child)
        return out


def resolve_tree(
    spec: ProjectSpec, locator: Locator | None = None, invalid_nodes: set[str] | None = None
) -> tuple[KpiTree, list[Issue]]:
    loc: Locator = locator or NoLocator()
    invalid = invalid_nodes or set()
    issues: list[Issue] = []
    known_ids = set(spec.nodes) | invalid
    departments = set(BUILTIN_DEPARTMENTS) | set(spec.departments)
    formulas: dict[str, Formula] = {}
    units: dict[str, Unit | None] = {}

    for node_id, ns in spec.nodes.items():
        if not node_id.isidentifier():
            issues.append(
                error(
                    "bad-id",
                    f"node id '{node_id}' cannot be used in formulas",
                    loc.node(node_id, key=True),
                    "use letters, digits and '_' (e.g. opportunity_rate); labels carry the text",
                    node_id,
                )
            )
        units[node_id] = resolve_unit(ns.unit, spec.company.currency)
        if ns.unit is not None and units[node_id] is None:
            issues.append(
                error(
                    "unknown-unit",
                    f"unknown unit '{ns.unit}'",
                    loc.node(node_id, "unit"),
                    valid_values(KNOWN_UNITS),
                    node_id,
                )
            )
        if ns.formula is not None:
            try:
                formula = parse_formula(ns.formula)
            except FormulaError as exc:
                where = (
                    loc.node_in_value(node_id, ("formula",), exc.column)
                    if exc.column
                    else loc.node(node_id, "formula")
                )
                issues.append(error("formula-syntax", exc.message, where, exc.hint, node_id))
            else:
                bad = False
                for ref in {r.name: r for r in _refs(formula)}.values():
                    if ref.name in known_ids:
                        continue
                    bad = True
                    issues.append(
                        error(
                            "unknown-name",
                            f"node '{node_id}' uses unknown node '{ref.name}'",
                            loc.node_in_value(node_id, ("formula",), ref.column),
                            did_you_mean(ref.name, known_ids)
                            or f"define '{ref.name}' under nodes:",
                            node_id,
                        )
                    )
                if node_id in formula.names:
                    bad = True
                    issues.append(
                        error(
                            "cycle",
                            f"'{node_id}' uses itself",
                            loc.node(node_id, "formula"),
                            node=node_id,
                        )
                    )
                if not bad and not any(n in invalid for n in formula.names):
                    formulas[node_id] = formula
        issues += check_node_fields(node_id, ns, spec, departments, loc)

    cycle_nodes = find_cycles(formulas, issues, loc)
    for node_id in cycle_nodes:
        formulas.pop(node_id, None)

    # structure: formula refs + explicit parents
    children: dict[str, list[str]] = {n: [] for n in spec.nodes}
    for node_id, formula in formulas.items():
        for name in formula.names:
            if name in spec.nodes and name not in children[node_id]:
                children[node_id].append(name)
    for node_id, ns in spec.nodes.items():
        if ns.parent is None:
            continue
        if ns.parent not in spec.nodes:
            issues.append(
                error(
                    "unknown-name",
                    f"parent '{ns.parent}' is not a node",
                    loc.node(node_id, "parent"),
                    did_you_mean(ns.parent, spec.nodes) or "name an existing node id",
                    node_id,
                )
            )
        elif node_id not in children[ns.parent] and node_id != ns.parent:
            if ns.parent in _descendants(node_id, children):
                issues.append(
                    error(
                        "cycle",
                        f"parent '{ns.parent}' of '{node_id}' is below it",
                        loc.node(node_id, "parent"),
                        node=node_id,
                    )
                )
            else:
                children[ns.parent].append(node_id)
    parents: dict[str, list[str]] = {n: [] for n in spec.nodes}
    for parent_id, kids in children.items():
        for kid in kids:
            parents[kid].append(parent_id)

    issues += check_units(spec, formulas, units, loc)
    issues += check_shares(spec, formulas, loc)
    aggregates, agg_issues = infer_aggregates(spec, formulas, units, loc)
    issues += agg_issues

    nodes = {
        node_id: _node(node_id, ns, units[node_id], formulas.get(node_id), aggregates[node_id])
        for node_id, ns in spec.nodes.items()
    }
    order = _topological(nodes, formulas)
    tree = KpiTree(
        spec,
        nodes,
        {k: tuple(v) for k, v in children.items()},
        {k: tuple(v) for k, v in parents.items()},
        order,
    )
    if not tree.kgis and spec.nodes:
        issues.append(
            error(
                "no-kgi",
                "the tree has no KGI",
                loc.top("nodes", key=True),
                "mark the final company goal (e.g. revenue) with kind: KGI",
            )
        )
    return tree, issues


def _refs(formula: Formula) -> list[Ref]:
    return refs(formula.expr)


def _descendants(node_id: str, children: Mapping[str, list[str]]) -> set[str]:
    out: set[str] = set()
    stack = [node_id]
    while stack:
        for kid in children.get(stack.pop(), []):
            if kid not in out:
                out.add(kid)
                stack.append(kid)
    return out


def _node(
    node_id: str, ns: NodeSpec, unit: Unit | None, formula: Formula | None, aggregate: Aggregate
) -> Node:
    thresholds = ns.thresholds
    label = ns.label or LabelSpec()
    return Node(
        id=node_id,
        kind=ns.kind,
        label=label,
        definition=ns.definition,
        unit=unit,
        direction=ns.direction,
        period=ns.period,
        department=ns.owner.department if ns.owner else None,
        person=ns.owner.person if ns.owner else None,
        leading=ns.leading,
        controllable=ns.controllable,
        formula=formula,
        share=ns.share,
        assumption=ScenarioValue(ns.assumption.commit, ns.assumption.stretch)
        if ns.assumption
        else None,
        baseline=ns.baseline,
        target=ScenarioValue(ns.target.commit, ns.target.stretch) if ns.target else None,
        green=thresholds.green if thresholds else 1.0,
        amber=thresholds.amber if thresholds else 0.9,
        aggregate=aggregate,
        parent=ns.parent,
        metric=_manual_rollup(ns.metric, aggregate),
        spec=ns,
    )


def _manual_rollup(metric: MetricSpec | None, aggregate: Aggregate) -> MetricSpec | None:
    """A manual metric without ``rollup`` rolls its months up as the node aggregates."""
    if metric is None or metric.type != "manual" or metric.rollup is not None:
        return metric
    rollup = "sum" if aggregate is Aggregate.SUM else "average"
    return metric.model_copy(update={"rollup": rollup})


def _topological(nodes: Mapping[str, Node], formulas: Mapping[str, Formula]) -> tuple[str, ...]:
    order: list[str] = []
    done: set[str] = set()

    def visit(node_id: str, trail: set[str]) -> None:
        if node_id in done or node_id in trail:
            return
        trail.add(node_id)
        formula = formulas.get(node_id)
        for name in formula.names if formula else ():
            if name in nodes:
                visit(name, trail)
        trail.discard(node_id)
        done.add(node_id)
        order.append(node_id)

    for node_id in nodes:
        visit(node_id, set())
    return tuple(order)
