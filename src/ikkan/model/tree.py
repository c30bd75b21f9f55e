"""Phase two: ``ProjectSpec`` → the resolved ``KpiTree``, with every design error found.

Checks: formula syntax (at the column), unknown names (with close matches), cycles, shares
of sums, units (yen + count), departments, parents, periods, thresholds. Returns the tree
(with the invalid parts left out) and every issue; only the façade raises.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from ikkan.errors import Location, did_you_mean, valid_values
from ikkan.model.formulas import Formula, FormulaError, Ref, parse_formula, refs
from ikkan.model.issues import Issue, error, warning
from ikkan.model.metrics import MetricSpec
from ikkan.model.periods import Grain, PeriodError, parse_period
from ikkan.model.spec import (
    BUILTIN_DEPARTMENTS,
    Aggregate,
    Direction,
    Kind,
    LabelSpec,
    NodeSpec,
    ProjectSpec,
)
from ikkan.model.units import (
    KNOWN_UNITS,
    Unit,
    UnitKind,
    UnitMismatch,
    describe_dims,
    formula_dims,
    resolve_unit,
)

SHARE_TOLERANCE = 1e-9
PERIOD_GRAINS = ("month", "quarter", "half", "fiscal_year")


class Locator(Protocol):
    def node(self, node_id: str, *path: str | int, key: bool = False) -> Location: ...

    def node_in_value(self, node_id: str, path: tuple[str, ...], column: int) -> Location: ...

    def top(self, *path: str | int, key: bool = False) -> Location: ...


class _NoLocator:
    def node(self, node_id: str, *path: str | int, key: bool = False) -> Location:
        return Location(f"nodes.{node_id}")

    def node_in_value(self, node_id: str, path: tuple[str, ...], column: int) -> Location:
        return Location(f"nodes.{node_id}", None)

    def top(self, *path: str | int, key: bool = False) -> Location:
        return Location(".".join(str(p) for p in path) or "ikkan.yml")


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
    loc: Locator = locator or _NoLocator()
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
        issues += _check_node_fields(node_id, ns, spec, departments, loc)

    cycle_nodes = _find_cycles(formulas, issues, loc)
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

    issues += _check_units(spec, formulas, units, loc)
    issues += _check_shares(spec, formulas, loc)
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


def _check_node_fields(
    node_id: str, ns: NodeSpec, spec: ProjectSpec, departments: set[str], loc: Locator
) -> list[Issue]:
    issues: list[Issue] = []
    if ns.owner and ns.owner.department and ns.owner.department not in departments:
        issues.append(
            error(
                "unknown-department",
                f"unknown department '{ns.owner.department}'",
                loc.node(node_id, "owner", "department"),
                did_you_mean(ns.owner.department, departments)
                or f"{valid_values(departments)}; or declare it under departments:",
                node_id,
            )
        )
    if ns.period is not None and ns.period not in PERIOD_GRAINS:
        try:
            parse_period(ns.period, spec.company.fiscal_year_start)
        except PeriodError as exc:
            issues.append(
                error(
                    "bad-period",
                    exc.message,
                    loc.node(node_id, "period"),
                    f"use a grain ({', '.join(PERIOD_GRAINS)}) or a period key like FY2026",
                    node_id,
                )
            )
    if ns.thresholds and ns.thresholds.amber > ns.thresholds.green:
        issues.append(
            error(
                "bad-thresholds",
                "amber threshold is above green",
                loc.node(node_id, "thresholds"),
                "e.g. green: 1.0, amber: 0.9",
                node_id,
            )
        )
    if ns.target is not None and ns.assumption is not None:
        issues.append(
            warning(
                "target-and-assumption",
                f"'{node_id}' has both a target and an assumption; the target is used",
                loc.node(node_id, "assumption"),
                "keep one of them",
                node_id,
            )
        )
    if ns.formula is not None and ns.assumption is not None:
        issues.append(
            warning(
                "formula-and-assumption",
                f"'{node_id}' has a formula and an assumption; the assumption overrides it "
                "when planning and the formula is only checked",
                loc.node(node_id, "assumption"),
                None,
                node_id,
            )
        )
    if ns.share is not None and not 0 < ns.share <= 1:
        issues.append(
            error(
                "bad-share",
                f"share {ns.share:g} is not between 0 and 1",
                loc.node(node_id, "share"),
                "write e.g. 0.6 or '60%'",
                node_id,
            )
        )
    return issues


def _find_cycles(formulas: Mapping[str, Formula], issues: list[Issue], loc: Locator) -> set[str]:
    graph = {n: [m for m in f.names if m in formulas] for n, f in formulas.items()}
    state: dict[str, int] = {}
    in_cycle: set[str] = set()
    reported: set[frozenset[str]] = set()

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt) :]
                key = frozenset(cycle)
                in_cycle.update(cycle)
                if key not in reported:
                    reported.add(key)
                    path = " → ".join([*cycle, nxt])
                    issues.append(
                        error(
                            "cycle",
                            f"formula cycle: {path}",
                            loc.node(nxt, "formula"),
                            "a node cannot depend on itself; break one link",
                            nxt,
                        )
                    )
            elif state.get(nxt) is None:
                visit(nxt, stack)
        stack.pop()
        state[node] = 2

    for node in graph:
        if state.get(node) is None:
            visit(node, [])
    return in_cycle


def _check_units(
    spec: ProjectSpec,
    formulas: Mapping[str, Formula],
    units: Mapping[str, Unit | None],
    loc: Locator,
) -> list[Issue]:
    issues: list[Issue] = []
    for node_id, formula in formulas.items():
        try:
            dims = formula_dims(formula.expr, dict(units))
        except UnitMismatch as exc:
            where = (
                loc.node_in_value(node_id, ("formula",), exc.column)
                if exc.column
                else loc.node(node_id, "formula")
            )
            issues.append(
                error(
                    "unit-mismatch",
                    f"unit mismatch in '{node_id}': {exc}",
                    where,
                    "only add or compare values of the same unit (yen with yen, counts with "
                    "counts)",
                    node_id,
                )
            )
            continue
        own = units.get(node_id)
        if dims is None or own is None:
            continue
        if dict(own.dims) != dims:
            issues.append(
                error(
                    "unit-mismatch",
                    f"'{node_id}' is in {own.id} but its formula gives {describe_dims(dims)}",
                    loc.node(node_id, "unit"),
                    "fix the unit or the formula",
                    node_id,
                )
            )
    return issues


def _check_shares(spec: ProjectSpec, formulas: Mapping[str, Formula], loc: Locator) -> list[Issue]:
    issues: list[Issue] = []
    summed: set[str] = set()
    for node_id, formula in formulas.items():
        terms = formula.sum_terms
        if terms is None:
            continue
        summed.update(terms)
        with_share = [t for t in terms if t in spec.nodes and spec.nodes[t].share is not None]
        if not with_share:
            continue
        total = sum(spec.nodes[t].share or 0.0 for t in with_share)
        missing = [t for t in terms if t in spec.nodes and spec.nodes[t].share is None]
        for term in missing:
            hint = (
                f"add share: {1 - total:.4g} (the remainder)"
                if len(missing) == 1
                else "give every part of the sum a share"
            )
            issues.append(
                error(
                    "missing-share",
                    f"'{term}' is summed into '{node_id}' with shares but has no share",
                    loc.node(term, key=True),
                    hint,
                    term,
                )
            )
        if total > 1 + SHARE_TOLERANCE or (not missing and abs(total - 1) > SHARE_TOLERANCE):
            issues.append(
                error(
                    "shares-sum",
                    f"the shares of '{node_id}' add up to {total:.4g}, not 1",
                    loc.node(node_id, "formula"),
                    ", ".join(f"{t}: {spec.nodes[t].share:g}" for t in with_share),
                    node_id,
                )
            )
    for node_id, ns in spec.nodes.items():
        if ns.share is not None and node_id not in summed:
            issues.append(
                error(
                    "share-without-sum",
                    f"'{node_id}' has a share but no formula sums it",
                    loc.node(node_id, "share"),
                    "write the parent's formula as a sum, e.g. new_revenue + existing_revenue",
                    node_id,
                )
            )
    return issues


def infer_aggregates(
    spec: ProjectSpec,
    formulas: Mapping[str, Formula],
    units: Mapping[str, Unit | None],
    loc: Locator,
) -> tuple[dict[str, Aggregate], list[Issue]]:
    """Which nodes add up over time (flows) and which average (rates, unit prices).

    A flow has degree 1, an intensity degree 0. Sums keep the degree, products add degrees,
    quotients subtract them. Given: ``aggregate:`` and ratio/score/days units (degree 0);
    then propagation; then defaults (KGI/KSF and counts are flows, money after that).
    """
    from ikkan.model.formulas import Call, Expr, Neg, Num

    degree: dict[str, int] = {}
    CLASH = -99
    for node_id, ns in spec.nodes.items():
        unit = units.get(node_id)
        if ns.aggregate is not None:
            degree[node_id] = 1 if ns.aggregate is Aggregate.SUM else 0
        elif unit is not None and unit.kind in (
            UnitKind.RATIO,
            UnitKind.SCORE,
            UnitKind.DAYS,
            UnitKind.HOURS,
        ):
            degree[node_id] = 0

    def expr_degree(e: Expr) -> int | None:
        if isinstance(e, Num):
            return 0
        if isinstance(e, Ref):
            return degree.get(e.name)
        if isinstance(e, Neg):
            return expr_degree(e.operand)
        if isinstance(e, Call):
            parts = [expr_degree(a) for a in e.args]
            return next((p for p in parts if p is not None), None)
        left, right = expr_degree(e.left), expr_degree(e.right)
        if e.op in ("+", "-"):
            if left is not None and right is not None and left != right:
                return CLASH
            return left if left is not None else right
        if left is None or right is None:
            return None
        if CLASH in (left, right):
            return CLASH
        return left + right if e.op == "*" else left - right

    def unknown_in(e: Expr) -> list[str]:
        return [r.name for r in refs(e) if r.name not in degree]

    def solve_one(node_id: str, formula: Formula) -> bool:
        """Fill one unknown of the equation node = formula when it is determined."""
        own = degree.get(node_id)
        value = expr_degree(formula.expr)
        if own is None and value is not None and value != CLASH:
            degree[node_id] = value
            return True
        if own is None:
            return False
        missing = sorted(set(unknown_in(formula.expr)))
        terms = formula.sum_terms
        if terms is not None and missing:
            for name in missing:  # every part of a sum has the sum's degree
                degree[name] = own
            return True
        if len(missing) != 1:
            return False
        for guess in (0, 1):
            degree[missing[0]] = guess
            if expr_degree(formula.expr) == own:
                return True
            del degree[missing[0]]
        return False

    def propagate() -> None:
        changed = True
        while changed:
            changed = False
            for node_id, formula in formulas.items():
                if solve_one(node_id, formula):
                    changed = True

    propagate()
    defaults = (
        [n for n, ns in spec.nodes.items() if ns.kind in (Kind.KGI, Kind.KSF)],
        [n for n in spec.nodes if (u := units.get(n)) is not None and u.kind is UnitKind.COUNT],
        [n for n in spec.nodes if (u := units.get(n)) is not None and u.kind is UnitKind.CURRENCY],
        list(spec.nodes),
    )
    for group in defaults:
        for node_id in group:
            if node_id not in degree:
                degree[node_id] = 1
                propagate()
    issues: list[Issue] = []
    out: dict[str, Aggregate] = {}
    for node_id in spec.nodes:
        d = degree.get(node_id, 1)
        formula = formulas.get(node_id)
        if formula is not None:
            got = expr_degree(formula.expr)
            if (got is not None and got != d) or d not in (0, 1):
                issues.append(
                    warning(
                        "aggregate-unclear",
                        f"cannot tell whether '{node_id}' adds up over months or is an average",
                        loc.node(node_id, key=True),
                        "set aggregate: sum (counts, amounts) or aggregate: average (rates, "
                        "average deal size, CPA) on it or its inputs",
                        node_id,
                    )
                )
        out[node_id] = Aggregate.SUM if d >= 1 else Aggregate.AVERAGE
    return out, issues


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
        metric=ns.metric,
        spec=ns,
    )


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
