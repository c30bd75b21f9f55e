"""The embedded default: one DuckDB file in the project folder (or in memory).

Connections are short-lived so that the CLI and a running web server can share the file:
writers open it read-write, readers read-only, both through ``ikkan.warehouse.locks``
(retry with backoff across processes, a readers-writer lock inside one process).
"""

# ruff: noqa: S608 - SQL text holds only identifiers quoted by quote_ident; values are parameters

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, ClassVar, Literal

import pyarrow as pa

from ikkan.errors import UserError
from ikkan.model.canonical import ColumnType, Table
from ikkan.warehouse.base import Session, SqlWarehouse, UpsertStyle, normalize_arrow
from ikkan.warehouse.locks import busy_error, open_with_retry, process_lock
from ikkan.warehouse.sql import column_list, quote_ident

DEFAULT_LOCK_TIMEOUT = 30.0
# DuckDB warns of the copy ``query_planned_once`` makes, which it means to make (set once:
# ``warnings.catch_warnings`` around each call is not thread-safe)
warnings.filterwarnings("ignore", r"Arrow output on a DB-API result", UserWarning)


class DuckDbSession(Session):
    def __init__(self, warehouse: DuckDbWarehouse, con: Any) -> None:
        super().__init__(warehouse)
        self.con = con

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.con.execute(sql, list(params))

    def query(self, sql: str, params: Sequence[Any] = ()) -> pa.Table:
        relation = self.con.sql(sql, params=list(params) or None)
        if relation is None:
            return pa.table({})
        return normalize_arrow(relation.to_arrow_table())

    def query_planned_once(self, sql: str, params: Sequence[Any] = ()) -> pa.Table:
        """Run as a DB-API statement: ``query`` (a relation) binds the statement to learn
        its columns, then binds and plans it again to run it, which costs more than the
        extra copy of a few thousand rows this way makes (the refresh's day parts: one
        statement of dozens of branches)."""
        result = self.con.execute(sql, list(params))
        if result.description is None:
            return pa.table({})
        return normalize_arrow(result.to_arrow_table())

    def insert_arrow(self, definition: Table, data: pa.Table, *, stage_name: str = "") -> int:
        """Append ``data`` straight from Arrow (DuckDB scans it in place: no staged copy)."""
        self.refuse_mapped(definition)
        view = f"{stage_name or 'ikkan_stage_' + definition.name}_arrow"
        cols = column_list(definition.column_names)
        with self._registered(view, data):
            self.con.execute(
                f"INSERT INTO {quote_ident(definition.name)} ({cols}) "
                f"SELECT {cols} FROM {quote_ident(view)}"
            )
        return int(data.num_rows)

    def stage(self, name: str, definition: Table, data: pa.Table) -> None:
        view = f"{name}_arrow"
        with self._registered(view, data):
            self.con.execute(
                f"CREATE OR REPLACE TEMPORARY TABLE {quote_ident(name)} AS "
                f"SELECT {column_list(definition.column_names)} FROM {quote_ident(view)}"
            )

    @contextmanager
    def _registered(self, view: str, data: pa.Table) -> Iterator[None]:
        """``data`` readable as ``view`` (scanned in place, not copied) while the block runs."""
        self.con.register(view, data)
        try:
            yield
        finally:
            self.con.unregister(view)


def _is_lock_error(exc: BaseException) -> bool:
    import duckdb

    return isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower()


class DuckDbWarehouse(SqlWarehouse):
    NAME: ClassVar[str] = "duckdb"
    TYPE_NAMES: ClassVar[dict[ColumnType, str]] = {
        ColumnType.STRING: "VARCHAR",
        ColumnType.INT64: "BIGINT",
        ColumnType.FLOAT64: "DOUBLE",
        ColumnType.BOOL: "BOOLEAN",
        ColumnType.DATE: "DATE",
        ColumnType.TIMESTAMP: "TIMESTAMP",
        ColumnType.JSON: "JSON",
    }
    JSON_TYPE: ClassVar[str] = "JSON"
    PARAM_STYLE: ClassVar[Literal["qmark", "format"]] = "qmark"
    UPSERT_STYLE: ClassVar[UpsertStyle] = "update_then_insert"
    STAGING: ClassVar[Literal["arrow_register", "copy_csv"]] = "arrow_register"
    SINGLE_WRITER_FILE: ClassVar[bool] = True
    UPSERT_TABLE_KEYS: ClassVar[bool] = False  # warehouses made before keep theirs
    LAZY_CONTENT_HASH: ClassVar[bool] = True
    # its index made a refresh's writes and commit several times slower (made before: kept)
    UNKEYED_TABLES: ClassVar[frozenset[str]] = frozenset({"kpi_values"})
    KEY_HASH: ClassVar[str | None] = "CAST(hash({}) >> 33 AS INTEGER)"  # 31 bits: 4 bytes
    ROW_ID: ClassVar[str | None] = "rowid"

    def engine_version(self) -> str:
        import duckdb

        return f"duckdb {duckdb.__version__}"

    def __init__(self, url: str, path: Path | None, *, lock_timeout: float) -> None:
        super().__init__(url)
        self.path = path  # None: in memory
        self.lock_timeout = lock_timeout
        self._memory: Any = None
        self._memory_guard = threading.Lock()

    @property
    def _lock_key(self) -> str:
        return str(self.path) if self.path else f"memory:{id(self)}"

    def _connect(self, *, write: bool) -> Any:
        import duckdb

        if self.path is None:
            with self._memory_guard:
                if self._memory is None:
                    self._memory = duckdb.connect(":memory:")
                return self._memory.cursor()
        path = self.path
        if not write and not path.exists():
            raise UserError(
                f"there is no warehouse at {path} yet",
                hint="import data first (`ikkan ingest ...`) or create it with `ikkan migrate`",
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        return open_with_retry(
            lambda: duckdb.connect(str(path), read_only=not write),
            is_lock_error=_is_lock_error,
            timeout=self.lock_timeout,
            path=str(path),
        )

    @contextmanager
    def _connection(self, *, write: bool) -> Iterator[Any]:
        lock = process_lock(self._lock_key)
        with ExitStack() as stack:
            try:
                held = lock.writing if write else lock.reading
                stack.enter_context(held(self.lock_timeout))
            except TimeoutError:
                raise busy_error(str(self.path or ":memory:"), self.lock_timeout) from None
            con = self._connect(write=write)
            stack.callback(con.close)
            yield con

    @contextmanager
    def session(self, *, write: bool) -> Iterator[Session]:
        with self._connection(write=write) as con:
            self._map_tables(DuckDbSession(self, con))
            if not write:
                yield DuckDbSession(self, con)
                return
            con.execute("BEGIN TRANSACTION")
            try:
                yield DuckDbSession(self, con)
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")

    @contextmanager
    def ibis_backend(self, *, write: bool = False) -> Iterator[Any]:
        import ibis

        with self._connection(write=write) as con:
            self._map_tables(DuckDbSession(self, con))
            backend = ibis.duckdb.from_connection(con)
            yield backend

    def close(self) -> None:
        with self._memory_guard:
            if self._memory is not None:
                self._memory.close()
                self._memory = None
