"""What a firing stale-data, import-failed or refresh-failed alert silences.

- ``inhibits:`` written on the rule: those nodes, nothing else.
- A stale rule: the nodes whose metric reads a canonical table the rule's source loads,
  and every node computed from those (a node without a metric of its own, whose value is
  its formula's). The tables a source loads are read from the data:
  the canonical tables holding rows of the systems the source's imports logged (or rows
  of those imports, for tables without ``source_system``), plus the table a configured
  ``generic`` source maps to. The tables a metric reads are those of
  its compiled query (the same Ibis expression ``ikkan refresh`` runs). So a stale GA4
  source silences the web-traffic nodes and what is computed from them, not the deal
  nodes. A source never imported loads nothing known: then every node measured from
  imported data is silenced, as for the run kinds.
- import_failed / refresh_failed: every node measured from imported data (any metric but
  manual) and every node computed from those.

The SLA rules read leads, lead stages and activities: they are inhibited when an active
rule silences any of those tables (or every node).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from ikkan.alerts.rules import AlertRuleSpec, RuleKind

if TYPE_CHECKING:
    from ikkan.model.tree import KpiTree
    from ikkan.workspace import Workspace

# canonical tables rows are imported into (not logs, not computed values)
FACT_TABLES = frozenset(
    {"leads", "lead_stages", "deals", "accounts", "spend", "web_traffic", "activities"}
    | {"manual_values"}
)
SLA_TABLES = frozenset({"leads", "lead_stages", "activities"})
EVERYTHING = None  # a rule whose reach is not known silences every measured node


def metric_tables(metric: Any, stages: tuple[str, ...], node_id: str) -> frozenset[str]:
    """The canonical tables the metric's compiled query reads (every one when it does not
    compile: refresh reports that; here it must not hide a silence)."""
    import ibis.expr.operations as ops

    from ikkan.compute.compile import compile_metric
    from ikkan.compute.scope import MetricCompileError

    try:
        expr = compile_metric(
            metric, grain="month", stages=stages, as_of=date(2000, 1, 1), node_id=node_id
        )
    except MetricCompileError:
        return FACT_TABLES
    names = {op.name for op in expr.op().find(ops.UnboundTable)}
    return frozenset(names) & FACT_TABLES


def source_tables(ws: Workspace, source: str) -> frozenset[str] | None:
    """The canonical tables the source's imports loaded rows into (None: not known).

    A table with a ``source_system`` column holds the source's rows when it has rows of
    one of the systems its imports logged (``import_id`` is not enough there: a later
    step re-stamps rows, e.g. deal attribution); a table without one (lead stages, manual
    values) when it has rows of one of its imports."""
    from ikkan.alerts.observe import source_imports
    from ikkan.model.canonical import TABLES_BY_NAME

    imports = source_imports(ws, source, ok_only=False)
    ids = {row["import_id"] for row in imports}
    systems = {row["source_system"] for row in imports}
    found: set[str] = set()
    configured = ws.spec.sources.get(source)
    mapping = configured.options.get("mapping") if configured else None
    if isinstance(mapping, dict) and mapping.get("table") in FACT_TABLES:
        found.add(str(mapping["table"]))
    if imports:
        warehouse = ws.warehouse()
        for name in sorted(FACT_TABLES - found):
            by_system = "source_system" in TABLES_BY_NAME[name].column_names
            column = "source_system" if by_system else "import_id"
            # ``name`` and ``column`` are constants of this module, not user input
            sql = f"SELECT DISTINCT {column} AS v FROM {name}"  # noqa: S608
            held = {r["v"] for r in warehouse.query(sql).to_pylist()}
            if held & (systems if by_system else ids):
                found.add(name)
    return frozenset(found) if found else EVERYTHING


def silenced_tables(ws: Workspace, rule: AlertRuleSpec) -> frozenset[str] | None:
    """The tables a firing system rule makes untrustworthy (None: every one)."""
    if rule.kind is RuleKind.STALE and rule.source is not None:
        return source_tables(ws, rule.source)
    return EVERYTHING


def dependent_nodes(ws: Workspace, rule: AlertRuleSpec) -> set[str]:
    """Node ids a firing system rule silences (see the module's docstring)."""
    if rule.inhibits is not None:
        return set(rule.inhibits)
    tree = ws.tree
    assert tree is not None
    tables = silenced_tables(ws, rule)
    if tables is EVERYTHING:
        return measured_nodes(tree)
    stages = tuple(s.id for s in ws.spec.funnel.stages)
    out = {
        node_id
        for node_id, node in tree.nodes.items()
        if node.metric is not None and metric_tables(node.metric, stages, node_id) & tables
    }
    return with_formulas(tree, out, computed_only=True)


def measured_nodes(tree: KpiTree) -> set[str]:
    """Every node measured from imported data (any metric but manual) and every node
    computed from those."""
    out = {
        node_id
        for node_id, node in tree.nodes.items()
        if node.metric is not None and str(node.metric.type) != "manual"
    }
    return with_formulas(tree, out)


def with_formulas(tree: KpiTree, nodes: set[str], *, computed_only: bool = False) -> set[str]:
    """``nodes`` and every node with a formula over them; ``computed_only``: only the nodes
    whose value is the formula's (no metric of their own: a measured node with a formula
    is read from its own tables, the formula only decomposes it)."""
    out = set(nodes)
    for node_id in tree.order:  # inputs come first
        node = tree.nodes[node_id]
        if computed_only and node.metric is not None:
            continue
        if node.formula is not None and any(name in out for name in node.formula.names):
            out.add(node_id)
    return out


def silences_sla(ws: Workspace, rule: AlertRuleSpec) -> bool:
    """Whether a firing system rule (without ``inhibits:``) inhibits the SLA rules."""
    if rule.inhibits is not None:
        return False
    tables = silenced_tables(ws, rule)
    return tables is EVERYTHING or bool(tables & SLA_TABLES)
