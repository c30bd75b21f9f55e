"""``ikkan refresh``: every node of the tree, every period and dimension, into kpi_values.

Everything runs on one connection, in one transaction (the kept funnel table, the day
parts, the values and the mark change together, or not at all: a failed refresh leaves the
previous values readable).

1. Nodes with a ``metric:`` are compiled (compute/) to SQL in the warehouse's dialect and
   the SQL is cached (``sql``). Funnel metrics read the lead funnel table kept between
   refreshes (``funnel_store``). Additive
   metrics (nearly all) are measured once per dimension as day parts and rolled up to
   every grain (``rollup``); the others once per grain and dimension.
2. Nodes with only a ``formula:`` are derived from their inputs' values, period by period
   and dimension value by dimension value (a ratio of two measured counts stays exact).
3. The rows replace kpi_values, together with the refresh's mark.

Incremental: the mark holds the last import seen, the tree's fingerprint, ``as_of`` and a
digest of the event days (``changes``). When only data changed, each node is
recomputed for the periods ending on or after the earliest touched day (cohort
conversions from ``window_days`` earlier, since a late conversion changes an older cohort;
formula nodes from their inputs' earliest day), and only those rows are replaced. Day
parts are queried only from the touched day on; the earlier days of those periods come
from the parts the last refresh stored. The kept funnel table is rebuilt only for the
touched leads (``funnel_store``). When the tree, the grains or the dimensions changed, or
with ``full=True``, everything is.
"""

# ruff: noqa: S608 - SQL text holds only constant identifiers; values are parameters

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ikkan.compute import business_days
from ikkan.compute.parts import PARTS_VERSION
from ikkan.model.canonical import KPI_VALUES
from ikkan.model.metrics import AnyMetric
from ikkan.model.tree import KpiTree
from ikkan.monitor.calendar import BusinessCalendar, CalendarSettings
from ikkan.services.refresh import changes, funnel_store
from ikkan.services.refresh import funnel as refresh_funnel
from ikkan.services.refresh import measure as refresh_measure
from ikkan.services.refresh import rollup as refresh_rollup
from ikkan.services.refresh import window as refresh_window
from ikkan.services.refresh.derive import ValueBook, derive, kpi_schema
from ikkan.services.refresh.measure import reads_funnel
from ikkan.services.refresh.phases import Phases
from ikkan.services.refresh.sources import reads as reads_source
from ikkan.services.refresh.sources import sources_of, tables_read, touched_day
from ikkan.services.refresh.sql import SqlCache, metric_reads_as_of
from ikkan.warehouse.base import Session, SqlWarehouse
from ikkan.warehouse.kpi_values import duplicate_keys

STATE_TABLE = changes.MARK.name
Progress = refresh_measure.Progress


@dataclass
class RefreshReport:
    rows: int = 0
    nodes_measured: int = 0
    nodes_derived: int = 0
    skipped: list[str] = field(default_factory=list)  # "node × dimension: why"
    seconds: float = 0.0
    up_to_date: bool = False
    last_import_id: int | None = None
    incremental: bool = False  # only the periods touched since the last refresh
    recomputed_from: date | None = None  # earliest period end recomputed (incremental)
    queries: int = 0
    sql_compiled: int = 0  # cache misses (the rest came from the SQL cache)
    funnel_leads: int | None = None  # leads whose kept funnel rows were rebuilt (None: all)
    phases: dict[str, float] = field(default_factory=dict)  # wall seconds per phase
    phases_cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds per phase


def tree_fingerprint(
    tree: KpiTree,
    grains: list[str],
    dimensions: list[str],
    calendar_key: str = "",
    engine: str = "",
) -> str:
    parts = {
        node_id: [
            node.metric.model_dump(mode="json", by_alias=True) if node.metric else None,
            node.formula.text if node.formula else None,
        ]
        for node_id, node in sorted(tree.nodes.items())
    }
    payload = json.dumps(
        [
            parts,
            grains,
            dimensions,
            [s.id for s in tree.spec.funnel.stages],
            tree.spec.company.fiscal_year_start,
            PARTS_VERSION,  # stored day parts of another version are rebuilt
            *([calendar_key] if calendar_key else []),  # business days: the calendar
            *([engine] if engine else []),  # the engine's hashes in the kept funnel table
        ],
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def last_import_id(reader: SqlWarehouse | Session) -> int | None:
    value = reader.query("SELECT max(import_id) AS m FROM import_log WHERE status = 'ok'")
    return value.column("m")[0].as_py() if value.num_rows else None


def latest_data_day(warehouse: SqlWarehouse) -> date | None:
    """The last day any fact was recorded (stage entries, closed deals, spend, traffic)."""
    table = warehouse.query(
        "SELECT max(d) AS d FROM ("
        " SELECT CAST(max(entered_at) AS DATE) AS d FROM lead_stages"
        " UNION ALL SELECT CAST(max(closed_at) AS DATE) FROM deals WHERE is_closed"
        " UNION ALL SELECT max(day) FROM spend"
        " UNION ALL SELECT max(day) FROM web_traffic) AS days"
    )
    value = table.column("d")[0].as_py() if table.num_rows else None
    return value if isinstance(value, date) else None


def refresh(
    tree: KpiTree,
    warehouse: SqlWarehouse,
    *,
    as_of: date,
    grains: list[str],
    dimensions: list[str],
    full: bool = False,
    progress: Progress | None = None,
    computed_at: datetime | None = None,
    cache_dir: Path | None = None,
    calendar: BusinessCalendar | None = None,
    calendar_key: str = "",
) -> RefreshReport:
    """Compute kpi_values; incremental unless ``full`` or the tree/grains/dimensions changed.

    ``calendar`` (and ``calendar_key``, its settings as text) numbers the business days
    when a metric counts them (default: the Japanese defaults). ``cache_dir`` keeps the
    compiled SQL between runs (default: the folder of a DuckDB
    warehouse file, i.e. the project's ``.ikkan/``; none for a server warehouse).
    """
    started = time.perf_counter()
    report = RefreshReport()
    # Tables read in place (warehouse.canonical) change without an import to mark it:
    # only a full refresh is sure to see every change.
    full = full or bool(warehouse.mappings)
    metrics = [n.metric for n in tree.nodes.values() if n.metric is not None]
    counts_business_days = business_days.needed(list(metrics))
    fingerprint = tree_fingerprint(
        tree,
        grains,
        dimensions,
        calendar_key if counts_business_days else "",
        warehouse.engine_version() if warehouse.KEY_HASH else "",
    )
    stamp = computed_at or datetime.now().replace(microsecond=0)
    cache = SqlCache(cache_dir if cache_dir is not None else _default_cache_dir(warehouse))
    phase = Phases()
    # One connection and one transaction: the kept funnel table, the day parts, the values
    # and the mark change together or not at all (a failed refresh leaves them as they were).
    with phase("connect+commit"), warehouse.transaction() as session:
        with phase("mark"):
            if counts_business_days:  # the day numbers the business-day velocity joins
                business_days.write_in(session, calendar or CalendarSettings().calendar(), as_of)
            report.last_import_id = last_import_id(session)
            mark = changes.read_mark(session)
            newest = changes.import_mark(session)
        incremental = not full and mark is not None and mark.fingerprint == fingerprint
        seen = (mark.last_import_id, mark.as_of) if mark is not None else None
        if incremental and seen == (newest, as_of):
            report.up_to_date = True
            report.seconds = time.perf_counter() - started
            return report
        with phase("digest"):
            stored, digest, lost, by_new_rows = _digests(
                session, cache, mark if incremental else None
            )
        # incremental needs the last refresh's digest and day parts
        can_increment = incremental and stored is not None and refresh_rollup.has_table(session)
        touched = None
        if can_increment and mark is not None and mark.last_import_id is not None:
            touched = funnel_store.Touched(
                mark.last_import_id,
                () if by_new_rows else _changed_stage_days(lost, digest),
                leads_lost=not by_new_rows,
            )
        with phase("funnel"):
            funnel, updated = _prepare_funnel(session, tree, cache, dimensions, touched)
            report.funnel_leads = updated.leads if updated is not None else None
        run = refresh_measure.Run(
            tree, cache, None, stamp, as_of, grains, dimensions, funnel, {}, None, phase
        )
        since: dict[str, date] | None = None
        with phase("touched days"):
            if can_increment and mark is not None:
                since = _since(session, run, mark, lost, digest, updated)
        if since is not None:
            report.incremental = True
            report.recomputed_from = min(since.values(), default=None)
        floors = refresh_measure.floors(tree, since, grains)
        with phase("views"):
            if floors:
                refresh_window.create_views(
                    session,
                    floors,
                    _funnel_columns(tree) if funnel else None,
                    frozenset({refresh_measure.PARTS_VIEWS}),
                )
        derived = _derived_nodes(tree, since)
        inputs = frozenset(name for n in derived for name in _formula_names(tree, n))
        run.since, run.floors, run.inputs = since, floors, inputs
        measured = refresh_measure.measure(session, run, progress)
        book, tables = measured.book, measured.tables
        report.queries, report.skipped = measured.queries, measured.skipped
        report.nodes_measured = measured.nodes
        with phase("derive"):
            if since is not None and derived:
                _load_previous(session, book, tree, since, derived, inputs)
            derived_rows = derive(tree, derived, book, stamp, since)
            report.nodes_derived = len({r["node_id"] for r in derived_rows})
            if derived_rows:
                tables.append(pa.Table.from_pylist(derived_rows, schema=kpi_schema()))
        if progress:
            progress("write", 1, 1)
        with phase("write values"):
            data = pa.concat_tables(tables) if tables else kpi_schema().empty_table()
            duplicated = duplicate_keys(data)
            if duplicated:  # a bug: kpi_values has no key to refuse it on DuckDB
                raise RuntimeError(f"refresh computed two values for {duplicated!r}")
            _delete_replaced(session, since, [*tree.order])
            if data.num_rows:
                session.insert_arrow(KPI_VALUES, data)
        with phase("store parts"):
            refresh_rollup.store(session, measured.parts)
        with phase("save mark"):
            changes.save(session, changes.Mark(newest, fingerprint, as_of), digest, stamp)
        inside, inside_cpu = dict(phase.seconds), dict(phase.cpu)
    cache.save()
    report.rows = data.num_rows
    report.sql_compiled = cache.compiled
    report.seconds = time.perf_counter() - started
    report.phases = phase.seconds
    report.phases["connect+commit"] -= sum(inside.values())
    report.phases_cpu = phase.cpu
    report.phases_cpu["connect+commit"] -= sum(inside_cpu.values())
    return report


def _default_cache_dir(warehouse: SqlWarehouse) -> Path | None:
    path = getattr(warehouse, "path", None)
    return path.parent if isinstance(path, Path) else None


def _digests(
    session: Session, cache: SqlCache, mark: changes.Mark | None
) -> tuple[pa.Table | None, pa.Table, pa.Table | None, bool]:
    """(stored digest, current digest, what the days that lost rows differ from, whether
    no row older than the mark changed or went).

    Without a ``mark`` (a full refresh) only the current digest. When no row older than
    the mark changed or went, the current digest is the stored one plus the new rows' and
    the third is the stored one itself. Else the current one is computed whole, and a day
    lost rows where it differs from the stored digest or from the stored one plus the new
    rows' (``changes.stored_plus_new``: there a deletion cannot cancel out)."""
    dialect = session.warehouse.NAME
    stored = changes.stored_digest(session) if mark is not None else None
    new_rows_sql = cache.other("digest:new", dialect, changes.new_rows_digest_sql)
    if stored is not None and mark is not None:
        digest = changes.digest_by_new_rows(session, mark.last_import_id, stored, new_rows_sql)
        if digest is not None:
            return stored, digest, stored, True
    digest = changes.current_digest(session, cache.other("digest", dialect, changes.digest_sql))
    if stored is None or mark is None or mark.last_import_id is None:
        return stored, digest, stored, False
    expected = changes.stored_plus_new(session, mark.last_import_id, new_rows_sql)
    expected = expected.select(stored.column_names).cast(stored.schema)
    return stored, digest, pa.concat_tables([stored, expected]), False


def _since(
    session: Session,
    run: refresh_measure.Run,
    mark: changes.Mark,
    stored: pa.Table | None,
    digest: pa.Table,
    funnel: funnel_store.Updated | None,
) -> dict[str, date] | None:
    """Per node, the first period end to recompute (absent: unchanged); None: do it all.

    A measured node is touched from the earliest day touched in the tables it reads
    (``sources``). With the kept funnel table updated lead by lead (``funnel``), the stage
    entries of changed leads are dated by the funnel rows rebuilt, unless a node reads
    ``lead_stages`` other than through that table (then they are looked up by a join)."""
    if stored is None:
        return None
    tree = run.tree
    fy_start = tree.spec.company.fiscal_year_start
    reads = {
        node_id: _tables_read(session, run, node_id, node.metric)
        for node_id, node in tree.nodes.items()
        if node.metric is not None and node.metric.type != "manual"
    }
    by_funnel = funnel is not None and not any("lead_stages" in t for t in reads.values())
    node_sources = [sources_of(t) for t in reads.values()]
    touched = changes.facts_touched_days(
        session,
        mark.last_import_id,
        linked_stages=not by_funnel,
        wanted=lambda source: any(reads_source(n, source) for n in node_sources),
    )
    for source, changed in changes.digest_changed_days(stored, digest).items():
        touched[source] = min(touched.get(source, changed), changed)
    if funnel is not None and funnel.first_day is not None:  # the rebuilt leads' entries
        linked = "lead_stages+leads"
        touched[linked] = min(touched.get(linked, funnel.first_day), funnel.first_day)
    manual_day = changes.manual_touched_day(session, mark.last_import_id, fy_start)
    as_of_day = changes.as_of_touched_day(mark.as_of, run.as_of)
    since: dict[str, date] = {}
    for node_id in tree.order:  # inputs first
        node = tree.nodes[node_id]
        day: date | None = None
        if node.metric is not None and node.metric.type == "manual":
            day = manual_day  # manual values are all a manual metric reads
        elif node.metric is not None:
            day = touched_day(touched, sources_of(reads[node_id]))
            if metric_reads_as_of(node.metric):
                window = getattr(node.metric, "window_days", None) or 0
                day = changes.shift_days(changes.earliest(day, as_of_day), window)
        elif node.formula is not None:
            day = changes.earliest(*(since.get(name) for name in node.formula.names))
        if day is not None:
            since[node_id] = day
    return since


def _tables_read(
    session: Session, run: refresh_measure.Run, node_id: str, metric: AnyMetric
) -> frozenset[str]:
    """The tables the node's full-refresh SQL reads (parsed once, then from the cache)."""
    dialect = session.warehouse.NAME
    statements = refresh_measure.full_statements(session, run, node_id, metric)
    digest = hashlib.sha256("\x00".join(statements).encode()).hexdigest()
    names = run.cache.other(
        f"tables:{digest}", dialect, lambda d: ",".join(sorted(tables_read(statements, d)))
    )
    return frozenset(n for n in names.split(",") if n)


def _prepare_funnel(
    session: Session,
    tree: KpiTree,
    cache: SqlCache,
    dimensions: list[str],
    touched: funnel_store.Touched | None,
) -> tuple[tuple[Callable[[], dict[str, Any]], str] | None, funnel_store.Updated | None]:
    """Bring the kept funnel table up to date when funnel metrics read it: whole (full
    refresh, or no usable table: None), else only the touched leads' rows (``Updated``)."""
    if not any(reads_funnel(n.metric) for n in tree.nodes.values() if n.metric is not None):
        return None, funnel_store.Updated(0, None)
    stages = tuple(s.id for s in tree.spec.funnel.stages)
    wanted = refresh_funnel.needs(tree)
    columns = refresh_funnel.lead_columns(tree, dimensions)
    key = refresh_funnel.signature(stages, wanted, columns)

    def select(sources: tuple[str, str]) -> str:
        return cache.other(
            f"funnel:{key}:{':'.join(sources)}",
            session.warehouse.NAME,
            partial(refresh_funnel.select_sql, stages, wanted, columns, sources),
        )

    names = refresh_funnel.column_names(stages, wanted, columns)
    rebuilt: funnel_store.Updated | None = None
    if touched is None or not funnel_store.usable(session, names):
        funnel_store.rebuild(session, select, _funnel_columns(tree))
    else:
        rebuilt = funnel_store.update(session, select, names, _funnel_columns(tree), touched)
    return (partial(refresh_funnel.bound_tables, stages, wanted, columns), key), rebuilt


def _changed_stage_days(stored: pa.Table | None, digest: pa.Table) -> tuple[date, ...]:
    """Days whose stage-entry digest differs from the last refresh's."""
    if stored is None:
        return ()
    return changes.changed_days(stored, digest, "lead_stages.entered_at")


def _funnel_columns(tree: KpiTree) -> list[str]:
    stages = tuple(s.id for s in tree.spec.funnel.stages)
    return [refresh_funnel.column(s, m, stages) for s, m in refresh_funnel.needs(tree)]


def _derived_nodes(tree: KpiTree, since: dict[str, date] | None) -> list[str]:
    derived = [
        n for n in tree.order if tree.nodes[n].metric is None and tree.nodes[n].formula is not None
    ]
    return derived if since is None else [n for n in derived if n in since]


def _formula_names(tree: KpiTree, node_id: str) -> tuple[str, ...]:
    formula = tree.nodes[node_id].formula
    return tuple(formula.names) if formula is not None else ()


def _load_previous(
    session: Session,
    book: ValueBook,
    tree: KpiTree,
    since: dict[str, date],
    derived: list[str],
    inputs: frozenset[str],
) -> None:
    """Stored values that the ``derived`` formula nodes need where their inputs were not
    recomputed (of the formulas' ``inputs`` only, in the periods they recompute)."""
    wanted = sorted(n for n in inputs if n in tree.nodes)
    if not derived or not wanted:
        return
    first = min(since[n] for n in derived)
    marks = ", ".join("?" for _ in wanted)
    previous = session.query(
        "SELECT node_id, grain, period, period_start, period_end, dimension, "
        f"dimension_value, value FROM kpi_values WHERE period_end >= ? AND node_id IN ({marks})",
        [first, *wanted],
    )
    fresh = dict(book.values)
    for node_id in {str(n) for n in previous.column("node_id").to_pylist()}:
        mask = pc.equal(previous.column("node_id"), node_id)
        book.add(node_id, previous.filter(mask))
        if node_id in since:
            book.drop_from(node_id, since[node_id])
    book.values.update(fresh)


def _delete_replaced(session: Session, since: dict[str, date] | None, nodes: list[str]) -> None:
    """Delete what the new rows replace: everything, or each node's recomputed periods."""
    if since is None:
        session.execute("DELETE FROM kpi_values")
        return
    by_day: dict[date, list[str]] = {}
    for node_id in nodes:
        if node_id in since:
            by_day.setdefault(since[node_id], []).append(node_id)
    for day, ids in sorted(by_day.items()):
        marks = ", ".join("?" for _ in ids)
        session.execute(
            f"DELETE FROM kpi_values WHERE node_id IN ({marks}) AND period_end >= ?",
            [*ids, day],
        )
