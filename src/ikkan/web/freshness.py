"""How fresh each node's data is: the age of the last successful import of the sources
feeding the canonical tables the node reads.

A measured node reads the tables its compiled metric touches (found in the Ibis
expression, so the metric definitions are the one source of truth); a formula node
reads what its inputs read. An import feeds the tables its reader writes: the file
readers' tables are listed here (``READER_TABLES``, checked against the reader registry
by the tests), a ``generic`` source's table comes from its mapping in ikkan.yml. An
import whose tables cannot be told (a generic file named on the command line) counts for
every table, so it never makes a node look stale by being left out.

A node's age is that of its *stalest* table: CPL is stale when spend stopped arriving,
even if leads are fresh. Pure apart from the Ibis compile (no warehouse access here).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ikkan.model.spec import SourceSpec
from ikkan.model.tree import KpiTree

READER_TABLES: dict[str, frozenset[str]] = {
    "zoom": frozenset({"activities"}),
    "ga4": frozenset({"web_traffic"}),
    "meta_ads": frozenset({"spend"}),
    "google_ads": frozenset({"spend"}),
    "yahoo_ads": frozenset({"spend"}),
    "hubspot_contacts": frozenset({"leads", "lead_stages"}),
    "hubspot_deals": frozenset({"deals"}),
    "salesforce_leads": frozenset({"leads", "lead_stages"}),
    "salesforce_opportunities": frozenset({"deals"}),
}
"""The canonical tables each file reader writes (``generic``: its mapping's table)."""

NO_IMPORT_TABLES = frozenset({"manual_values"})  # typed in by people, never imported


@dataclass(frozen=True)
class ImportRow:
    source: str | None  # the ikkan.yml source, or 'reader:<name>'
    reader: str
    finished_at: datetime | None


def metric_tables(tree: KpiTree) -> dict[str, frozenset[str]]:
    """node → the canonical tables its value is computed from (empty: none, e.g. manual
    input or a node without binding)."""
    import ibis.expr.operations as ops

    from ikkan.compute.compile import compile_metric

    stages = tuple(s.id for s in tree.spec.funnel.stages)
    fy_start = tree.spec.company.fiscal_year_start
    out: dict[str, frozenset[str]] = {}
    for node_id in tree.order:  # inputs before the formulas using them
        node = tree.nodes[node_id]
        if node.metric is not None:
            expr = compile_metric(
                node.metric,
                grain="month",
                stages=stages,
                fiscal_year_start=fy_start,
                as_of=date(2000, 1, 1),
                node_id=node_id,
            )
            names = {t.name for t in expr.op().find(ops.UnboundTable)}
            out[node_id] = frozenset(names) - NO_IMPORT_TABLES
        elif node.formula is not None:
            found: set[str] = set()
            for name in node.formula.names:
                found |= out.get(name, frozenset())
            out[node_id] = frozenset(found)
        else:
            out[node_id] = frozenset()
    return out


def import_tables(row: ImportRow, sources: Mapping[str, SourceSpec]) -> frozenset[str] | None:
    """The tables an import wrote; None when it cannot be told (counts for every table)."""
    if row.reader in READER_TABLES:
        return READER_TABLES[row.reader]
    spec = sources.get(row.source or "")
    if spec is not None:
        mapping = spec.options.get("mapping")
        if isinstance(mapping, dict) and isinstance(mapping.get("table"), str):
            return frozenset({mapping["table"]})
    return None


def last_import_by_table(
    imports: Iterable[ImportRow], sources: Mapping[str, SourceSpec], tables: Iterable[str]
) -> dict[str, datetime]:
    """table → when the newest successful import feeding it finished."""
    wanted = set(tables)
    out: dict[str, datetime] = {}
    for row in imports:
        if row.finished_at is None:
            continue
        fed = import_tables(row, sources)
        for table in wanted if fed is None else fed & wanted:
            if table not in out or row.finished_at > out[table]:
                out[table] = row.finished_at
    return out


def node_ages(
    node_tables: Mapping[str, frozenset[str]], last: Mapping[str, datetime], today: date
) -> dict[str, int | None]:
    """node → days since its stalest table's last import (None: no imported table, or a
    table never imported: then there is nothing to be stale about). An import after
    ``today`` (a project whose dates are pinned) is 0 days old."""
    out: dict[str, int | None] = {}
    for node_id, tables in node_tables.items():
        ages = [max(0, (today - last[t].date()).days) for t in tables if t in last]
        out[node_id] = max(ages) if ages else None
    return out


def import_rows(rows: Iterable[Mapping[str, Any]]) -> list[ImportRow]:
    return [
        ImportRow(r.get("source"), str(r.get("reader") or ""), r.get("finished_at")) for r in rows
    ]
