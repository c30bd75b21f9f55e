"""The Warehouse protocol and the engine-neutral part of every SQL warehouse.

Engine differences are class attributes (as SQLMesh's ``EngineAdapter.SUPPORTS_*`` and
dlt's capabilities): type names, JSON type, placeholder style, upsert syntax, how Arrow
data is staged. The shared code below (migrations, upserts, the KPI value swap, the lead
funnel) reads them instead of branching on the engine's name.
"""

# ruff: noqa: S608 - SQL text holds only identifiers quoted by quote_ident; values are parameters

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Protocol

import pyarrow as pa

from ikkan.errors import UserError
from ikkan.model.canonical import (
    ADDED_COLUMNS,
    ADDED_TABLES,
    RELATIVE_PATHS_VERSION,
    SCHEMA_VERSION,
    TABLES,
    TABLES_BY_NAME,
    ColumnType,
    Table,
)
from ikkan.warehouse import ddl
from ikkan.warehouse.sql import column_list, quote_ident
from ikkan.warehouse.upsert import upserted

if TYPE_CHECKING:
    from ikkan.warehouse.funnel import FunnelMode
    from ikkan.warehouse.kpi_values import ReplaceCounts
    from ikkan.warehouse.mapping import TableMapping
    from ikkan.warehouse.upsert import UpsertCounts

UpsertStyle = Literal["on_conflict", "update_then_insert"]


class Session(ABC):
    """One connection, inside one transaction when opened for writing."""

    def __init__(self, warehouse: SqlWarehouse) -> None:
        self.warehouse = warehouse

    @abstractmethod
    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Run one statement; ``?`` placeholders, values only as ``params``."""

    @abstractmethod
    def query(self, sql: str, params: Sequence[Any] = ()) -> pa.Table:
        """Run one query and return its rows as Arrow (types normalised, see below)."""

    @abstractmethod
    def stage(self, name: str, definition: Table, data: pa.Table) -> None:
        """Create temporary table ``name`` shaped like ``definition`` holding ``data``."""

    def query_planned_once(self, sql: str, params: Sequence[Any] = ()) -> pa.Table:
        """``query`` for a long statement with a small result, where planning is most of
        the cost (the engine's fastest way to plan it once; by default ``query``)."""
        return self.query(sql, params)

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        result = self.query(sql, params)
        return result.column(0)[0].as_py() if result.num_rows else None

    def insert_arrow(self, definition: Table, data: pa.Table, *, stage_name: str = "") -> int:
        """Append ``data`` (all columns of ``definition``) to ``definition``'s table."""
        self.refuse_mapped(definition)
        name = stage_name or f"ikkan_stage_{definition.name}"
        self.stage(name, definition, data)
        cols = column_list(definition.column_names)
        self.execute(
            f"INSERT INTO {quote_ident(definition.name)} ({cols}) "
            f"SELECT {cols} FROM {quote_ident(name)}"
        )
        self.execute(f"DROP TABLE IF EXISTS {quote_ident(name)}")
        return int(data.num_rows)

    def upsert(self, definition: Table, data: pa.Table) -> UpsertCounts:
        from ikkan.warehouse.upsert import upsert_staged

        self.refuse_mapped(definition)
        return upsert_staged(self, definition, data)

    def refuse_mapped(self, definition: Table) -> None:
        mapping = self.warehouse.mappings.get(definition.name)
        if mapping is not None:
            raise UserError(
                f"{definition.name} is read from the existing table {mapping.written} "
                "(warehouse.canonical in ikkan.yml); ikkan does not import into it",
                hint=f"remove the source that imports {definition.name}, or the mapping",
            )

    def table_exists(self, name: str) -> bool:
        found = self.scalar(
            "SELECT count(*) FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_name = ?",
            [name],
        )
        return bool(found)

    def next_import_id(self) -> int:
        value = self.scalar(f"SELECT nextval('{ddl.IMPORT_ID_SEQUENCE}')")
        return int(value or 0)


class Warehouse(Protocol):
    """What the rest of ikkan may ask of a warehouse."""

    url: str
    NAME: ClassVar[str]

    def migrate(self, project_root: Path | None = None) -> int: ...
    def schema_version(self) -> int | None: ...
    def transaction(self) -> AbstractContextManager[Session]: ...
    def reading(self) -> AbstractContextManager[Session]: ...
    def query(self, sql: str, params: Sequence[Any] = ()) -> pa.Table: ...
    def ibis_backend(self, *, write: bool = False) -> AbstractContextManager[Any]: ...
    def replace_kpi_values(
        self, rows: pa.Table | Sequence[Mapping[str, Any]], scope: Mapping[str, Any]
    ) -> ReplaceCounts: ...
    def rebuild_lead_funnel(self, stages: Sequence[str], mode: FunnelMode) -> int: ...
    def close(self) -> None: ...


class SqlWarehouse(ABC):
    """Shared behaviour; subclasses set the class attributes and open sessions."""

    NAME: ClassVar[str]
    TYPE_NAMES: ClassVar[Mapping[ColumnType, str]]
    JSON_TYPE: ClassVar[str]
    PARAM_STYLE: ClassVar[Literal["qmark", "format"]]
    UPSERT_STYLE: ClassVar[UpsertStyle]
    STAGING: ClassVar[Literal["arrow_register", "copy_csv"]]
    SINGLE_WRITER_FILE: ClassVar[bool]  # one read-write process per database file
    SUPPORTS_TRANSACTIONAL_DDL: ClassVar[bool] = True
    UPSERT_TABLE_KEYS: ClassVar[bool] = True
    """Whether the tables the loader upserts (those with a ``content_hash``) are created
    with their PRIMARY KEY. PostgreSQL needs it for ``ON CONFLICT``; DuckDB does without
    (its index makes a bulk insert and its commit slow; the loader keeps keys unique, see
    ``ikkan.warehouse.upsert``). Every other table keeps its key on every engine but
    those of ``UNKEYED_TABLES``."""
    UNKEYED_TABLES: ClassVar[frozenset[str]] = frozenset()
    """Tables created without their PRIMARY KEY on this engine: written only by ikkan's
    own code, unique by construction (kpi_values: a refresh deletes a scope, then inserts
    one row per key of it)."""
    LAZY_CONTENT_HASH: ClassVar[bool] = False
    """Whether the loader stores rows without their content hash (``hashing.UNHASHED``)
    and compares values in SQL (DuckDB; see ``ikkan.warehouse.hashing``). Code that edits
    a loaded row sets ``content_hash`` to ``hashing.stored_hash_expression`` in the same
    ``UPDATE``, so that the row's hash stays the export's."""
    KEY_HASH: ClassVar[str | None] = None
    """SQL of an integer hash of the text expression ``{}``, when a table keeps one beside a
    text key to be found by (a column store scans the hash many times faster than the
    text); None: tables are searched by the text itself. The same within one
    ``engine_version()``; a stored hash of another version is stale."""
    ROW_ID: ClassVar[str | None] = None
    """The pseudo-column naming a row of a table within a transaction (DuckDB's ``rowid``):
    rows found once are deleted by it, with no second search by key. Used with
    ``KEY_HASH``."""

    def engine_version(self) -> str:
        """The version of the engine's own code (what ``KEY_HASH`` depends on)."""
        return ""

    def __init__(self, url: str) -> None:
        self.url = url
        self.mappings: dict[str, TableMapping] = {}  # canonical tables read in place
        self._mapped_columns: dict[str, frozenset[str]] | None = None

    def read_existing_tables(self, mappings: Mapping[str, TableMapping]) -> None:
        """Read these canonical tables from existing tables (``warehouse.canonical``):
        every session then sees a temporary view in place of the imported table."""
        self.mappings = dict(mappings)
        self._mapped_columns = None

    def _map_tables(self, session: Session) -> None:
        """Create the mapped canonical tables' views in a session just opened (checked
        once per warehouse: a broken mapping fails with ``validate``'s message)."""
        if not self.mappings:
            return
        from ikkan.warehouse.mapping import check_mapping, problem_text, source_types, view_sql

        if self._mapped_columns is None:
            columns: dict[str, frozenset[str]] = {}
            for name, mapping in self.mappings.items():
                found = source_types(session, mapping)
                problems = check_mapping(mapping, found)
                if problems:
                    raise UserError(
                        problem_text(problems[0]),
                        hint=f"{problems[0].hint}; `ikkan validate` lists every problem",
                    )
                columns[name] = frozenset(found)
            self._mapped_columns = columns
        for name, mapping in self.mappings.items():
            session.execute(view_sql(mapping, self.TYPE_NAMES, self._mapped_columns[name]))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.url!r})"

    @abstractmethod
    def session(self, *, write: bool) -> AbstractContextManager[Session]:
        """A connection; when ``write``, one transaction committed on success."""

    @abstractmethod
    def ibis_backend(self, *, write: bool = False) -> AbstractContextManager[Any]:
        """An Ibis backend over the same database, closed when the block ends."""

    def transaction(self) -> AbstractContextManager[Session]:
        return self.session(write=True)

    def reading(self) -> AbstractContextManager[Session]:
        return self.session(write=False)

    def close(self) -> None:  # noqa: B027 - only in-memory engines keep anything open
        """Release what the warehouse keeps open between calls."""

    def query(self, sql: str, params: Sequence[Any] = ()) -> pa.Table:
        """Rows of one read-only query, parameters passed apart (``?`` placeholders)."""
        with self.reading() as session:
            return session.query(sql, params)

    # -- schema -----------------------------------------------------------------------
    def _prepare_namespace(self, session: Session) -> None:  # noqa: B027 - optional hook
        """Create what must exist before tables (PostgreSQL: the schema)."""

    def schema_version(self) -> int | None:
        """The applied schema version, or None when the warehouse is empty."""
        with self.reading() as session:
            return _applied_version(session)

    def migrate(self, project_root: Path | None = None) -> int:
        """Bring the warehouse to this code's schema version; safe to run again.
        ``project_root`` lets the step to version 5 rewrite import paths inside the project
        as relative ones (without it, older rows keep their absolute paths)."""
        with self.transaction() as session:
            self._prepare_namespace(session)
            session.execute(ddl.create_schema_version_sql(self.TYPE_NAMES))
            current = _applied_version(session) or 0
            if current > SCHEMA_VERSION:
                raise UserError(
                    f"the warehouse {self.url} has schema version {current}, newer than this "
                    f"ikkan (which knows up to version {SCHEMA_VERSION})",
                    hint="upgrade ikkan (`uv pip install -U ikkan`) or point the project "
                    "at another warehouse; older code must not write to it",
                )
            for version in range(current + 1, SCHEMA_VERSION + 1):
                for statement in self._migration(version):
                    session.execute(statement)
                if version == RELATIVE_PATHS_VERSION and project_root is not None:
                    from ikkan.warehouse.paths import relativize_paths

                    relativize_paths(session, project_root)
                session.execute(
                    f"INSERT INTO {quote_ident(ddl.SCHEMA_VERSION_TABLE)} "
                    '("version", "applied_at") VALUES (?, ?)',
                    [version, datetime.now().replace(microsecond=0)],
                )
            return SCHEMA_VERSION

    def lock_imports(self, session: Session) -> None:  # noqa: B027 - optional hook
        """Hold the warehouse's import lock until ``session``'s transaction ends, so that
        the "already imported" check and the import are one step for concurrent runs.
        DuckDB needs nothing: one process writes the file at a time."""

    def _migration(self, version: int) -> list[str]:
        if version == 1:
            return [*map(self._create_table_sql, TABLES), ddl.create_sequence_sql()]
        if version not in ADDED_TABLES and version not in ADDED_COLUMNS:
            raise AssertionError(f"no migration to schema version {version}")
        created = [self._create_table_sql(t) for t in ADDED_TABLES.get(version, ())]
        return created + [
            ddl.add_column_sql(TABLES_BY_NAME[table], column, self.TYPE_NAMES)
            for table, column in ADDED_COLUMNS.get(version, ())
        ]

    def _create_table_sql(self, table: Table) -> str:
        keyed = self.UPSERT_TABLE_KEYS or not upserted(table)
        keyed = keyed and table.name not in self.UNKEYED_TABLES
        return ddl.create_table_sql(table, self.TYPE_NAMES, primary_key=keyed)

    # -- writes used by compute --------------------------------------------------------
    def replace_kpi_values(
        self, rows: pa.Table | Sequence[Mapping[str, Any]], scope: Mapping[str, Any]
    ) -> ReplaceCounts:
        """Delete the ``scope`` of kpi_values and insert ``rows``, in one transaction."""
        from ikkan.warehouse.kpi_values import replace_kpi_values

        return replace_kpi_values(self, rows, scope)

    def rebuild_lead_funnel(self, stages: Sequence[str], mode: FunnelMode = "strict") -> int:
        """Rebuild the derived ``lead_funnel`` table; returns its row count."""
        from ikkan.warehouse.funnel import rebuild_lead_funnel

        return rebuild_lead_funnel(self, stages, mode)


def _applied_version(session: Session) -> int | None:
    if not session.table_exists(ddl.SCHEMA_VERSION_TABLE):
        return None
    value = session.scalar(f'SELECT max("version") FROM {quote_ident(ddl.SCHEMA_VERSION_TABLE)}')
    return None if value is None else int(value)


def normalize_arrow(table: pa.Table) -> pa.Table:
    """Give every engine's results the same Arrow types.

    Integers and whole decimals (DuckDB's HUGEINT sums) become int64, floats and other
    decimals float64, large strings string, timestamps microseconds: a query returns the
    same table on DuckDB and PostgreSQL.
    """
    fields = []
    changed = False
    for field in table.schema:
        target = _normal_type(field.type)
        changed |= target != field.type
        fields.append(pa.field(field.name, target))
    return table.cast(pa.schema(fields)) if changed else table


def _normal_type(t: pa.DataType) -> pa.DataType:
    if pa.types.is_integer(t) or (pa.types.is_decimal(t) and t.scale == 0):
        return pa.int64()
    if pa.types.is_floating(t) or pa.types.is_decimal(t):
        return pa.float64()
    if pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return pa.string()
    if pa.types.is_timestamp(t) and t.unit != "us":
        return pa.timestamp("us", t.tz)
    return t


def iter_batches(data: pa.Table, rows: int = 100_000) -> Iterator[pa.RecordBatch]:
    yield from data.to_batches(max_chunksize=rows)
