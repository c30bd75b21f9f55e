"""PostgreSQL: one schema per project (``?schema=name`` in the URL, default ``ikkan``).

Arrow rows are staged with ``COPY ... FROM STDIN (FORMAT csv)`` into a temporary table
and merged with ``INSERT ... ON CONFLICT``; query results come back as Arrow with the
same types DuckDB gives.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any, ClassVar, Literal

import pyarrow as pa
import pyarrow.csv as pacsv

from ikkan.errors import ConfigError, UserError
from ikkan.model.canonical import ColumnType, Table
from ikkan.warehouse import ddl
from ikkan.warehouse.base import (
    Session,
    SqlWarehouse,
    UpsertStyle,
    iter_batches,
    normalize_arrow,
)
from ikkan.warehouse.sql import column_list, qmark_to_format, quote_ident

_SCHEMA_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")

# PostgreSQL type OIDs -> Arrow types for query results.
_OID_TYPES: dict[int, pa.DataType] = {
    16: pa.bool_(),
    20: pa.int64(),
    21: pa.int64(),
    23: pa.int64(),
    700: pa.float64(),
    701: pa.float64(),
    1700: pa.float64(),
    25: pa.string(),
    1043: pa.string(),
    1042: pa.string(),
    19: pa.string(),
    114: pa.string(),
    3802: pa.string(),
    1082: pa.date32(),
    1114: pa.timestamp("us"),
}


_NUMERIC = 1700


def _all_whole(values: list[Any]) -> bool:
    """True when every numeric value is whole (SUM of integers), as DuckDB types it."""
    return all(v is None or (isinstance(v, Decimal) and v == v.to_integral_value()) for v in values)


_IMPORT_LOCK = 0x696B6B616E  # "ikkan": the key of the import lock


class PostgresSession(Session):
    def __init__(self, warehouse: PostgresWarehouse, con: Any) -> None:
        super().__init__(warehouse)
        self.con = con

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.con.execute(qmark_to_format(sql), list(params))

    def query(self, sql: str, params: Sequence[Any] = ()) -> pa.Table:
        cur = self.con.execute(qmark_to_format(sql), list(params))
        if cur.description is None:
            return pa.table({})
        rows = cur.fetchall()
        arrays = {}
        for index, column in enumerate(cur.description):
            values = [row[index] for row in rows]
            arrow_type = _OID_TYPES.get(column.type_code)
            if column.type_code == _NUMERIC:
                whole = _all_whole(values)
                arrow_type = pa.int64() if whole else pa.float64()
                convert = int if whole else float
                values = [None if v is None else convert(v) for v in values]
            arrays[column.name] = pa.array(values, type=arrow_type)
        return normalize_arrow(pa.table(arrays))

    def stage(self, name: str, definition: Table, data: pa.Table) -> None:
        types = self.warehouse.TYPE_NAMES
        self.execute(f"DROP TABLE IF EXISTS {quote_ident(name)}")
        create = ddl.create_table_sql(
            definition, types, name=name, temporary=True, if_not_exists=False, primary_key=False
        )
        self.execute(create + " ON COMMIT DROP")
        data = data.select(list(definition.column_names))
        copy_sql = (
            f"COPY {quote_ident(name)} ({column_list(data.column_names)}) FROM STDIN (FORMAT csv)"
        )
        options = pacsv.WriteOptions(include_header=False, quoting_style="all_valid")
        with self.con.cursor().copy(copy_sql) as copy:
            for batch in iter_batches(data):
                buffer = io.BytesIO()
                pacsv.write_csv(pa.Table.from_batches([batch]), buffer, options)
                copy.write(buffer.getvalue())


class PostgresWarehouse(SqlWarehouse):
    NAME: ClassVar[str] = "postgres"
    TYPE_NAMES: ClassVar[dict[ColumnType, str]] = {
        ColumnType.STRING: "TEXT",
        ColumnType.INT64: "BIGINT",
        ColumnType.FLOAT64: "DOUBLE PRECISION",
        ColumnType.BOOL: "BOOLEAN",
        ColumnType.DATE: "DATE",
        ColumnType.TIMESTAMP: "TIMESTAMP",
        ColumnType.JSON: "JSON",  # json keeps the text as written (jsonb would reorder keys)
    }
    JSON_TYPE: ClassVar[str] = "JSON"
    PARAM_STYLE: ClassVar[Literal["qmark", "format"]] = "format"
    UPSERT_STYLE: ClassVar[UpsertStyle] = "on_conflict"
    STAGING: ClassVar[Literal["arrow_register", "copy_csv"]] = "copy_csv"
    SINGLE_WRITER_FILE: ClassVar[bool] = False

    def __init__(self, url: str, conninfo: str, schema: str) -> None:
        super().__init__(url)
        if not _SCHEMA_NAME.match(schema):
            raise ConfigError(
                f"invalid PostgreSQL schema name {schema!r} in warehouse URL",
                hint="use letters, digits and underscores, starting with a letter",
            )
        self.conninfo = conninfo
        self.schema = schema

    def _connect(self, *, autocommit: bool = False) -> Any:
        import psycopg
        from psycopg.types.string import TextLoader

        try:
            con = psycopg.connect(
                self.conninfo,
                autocommit=autocommit,
                options=f"-c search_path={self.schema}",
                connect_timeout=10,
            )
        except psycopg.OperationalError as exc:
            raise UserError(
                f"cannot connect to the PostgreSQL warehouse {self.url}: {exc}".strip(),
                hint="check host, port, user and database in the warehouse URL and that the "
                "server is running",
            ) from exc
        for json_type in ("json", "jsonb"):
            con.adapters.register_loader(json_type, TextLoader)
        return con

    @contextmanager
    def session(self, *, write: bool) -> Iterator[Session]:
        con = self._connect()
        try:
            if self.mappings:  # temporary views outlive this transaction: the connection's
                self._map_tables(PostgresSession(self, con))
                con.commit()
            if not write:
                con.execute("SET TRANSACTION READ ONLY")
            yield PostgresSession(self, con)
            if write:
                con.commit()
            else:
                con.rollback()
        except BaseException:
            con.rollback()
            raise
        finally:
            con.close()

    def lock_imports(self, session: Session) -> None:
        # a transaction-level advisory lock, released at commit or rollback
        session.execute("SELECT pg_advisory_xact_lock(?)", [_IMPORT_LOCK])

    def _prepare_namespace(self, session: Session) -> None:
        session.execute(f"CREATE SCHEMA IF NOT EXISTS {quote_ident(self.schema)}")

    @contextmanager
    def ibis_backend(self, *, write: bool = False) -> Iterator[Any]:
        import ibis

        con = self._connect(autocommit=True)
        try:
            self._map_tables(PostgresSession(self, con))
            yield ibis.postgres.from_connection(con)
        finally:
            con.close()

    def drop_schema(self) -> None:
        """Drop the project's schema with everything in it (tests, ``ikkan reset``)."""
        with self.transaction() as session:
            session.execute(f"DROP SCHEMA IF EXISTS {quote_ident(self.schema)} CASCADE")
