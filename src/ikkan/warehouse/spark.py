"""Spark: local mode (``spark-local:///dir``) or a cluster (``spark://host:port?path=…``).

Metrics compile through Ibis's PySpark dialect and run as Spark SQL. Tables are Parquet
directories listed in a manifest (``spark_store``): a write session edits a copy and
commits it with one atomic file replace, so ``kpi_values``, the day parts and the
refresh mark change together, and a refresh that fails leaves the previous values
readable. Each session is a ``SparkSession.newSession()`` (its own temporary views over
the current parts) on the process's one Spark context.

The statements ikkan's shared code writes (``CREATE TABLE``, ``INSERT INTO … SELECT``,
``DELETE FROM … WHERE``, temporary tables and views, sequences) are carried out here on
the manifest; queries run as they are, since Spark reads double-quoted identifiers
(``spark.sql.ansi.doubleQuotedIdentifiers``) and ``?`` parameters as DuckDB does.
Imports (upserts) are not supported: on Spark, canonical tables are read from the
tables that already exist (``warehouse.canonical``).
"""

# ruff: noqa: S608 - SQL text holds only identifiers quoted by quote_ident; values are parameters

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import pyarrow as pa

from ikkan.errors import UserError
from ikkan.model.canonical import ColumnType, Table
from ikkan.warehouse.base import Session, SqlWarehouse, UpsertStyle, normalize_arrow
from ikkan.warehouse.spark_store import Manifest, Store, StoredTable
from ikkan.warehouse.sql import quote_ident

if TYPE_CHECKING:
    from ikkan.warehouse.upsert import UpsertCounts


def _ident(n: str) -> str:
    """A quoted or bare identifier, captured as ``<n>q`` or ``<n>b``."""
    return rf'(?:"(?P<{n}q>(?:[^"]|"")+)"|(?P<{n}b>[A-Za-z_][A-Za-z0-9_]*))'


_CREATE = re.compile(
    rf"^CREATE\s+(?P<temp>TEMP(?:ORARY)?\s+)?TABLE\s+(?P<exists>IF\s+NOT\s+EXISTS\s+)?"
    rf"{_ident('t')}\s*(?P<rest>.*)$",
    re.S | re.I,
)
_COLUMN = re.compile(r'"((?:[^"]|"")+)"\s+([A-Z_]+)', re.I)
_DROP = re.compile(rf"^DROP\s+(?P<kind>TABLE|VIEW)\s+IF\s+EXISTS\s+{_ident('t')}\s*$", re.I)
_DELETE = re.compile(rf"^DELETE\s+FROM\s+{_ident('t')}(?:\s+WHERE\s+(?P<where>.*))?$", re.S | re.I)
_INSERT = re.compile(
    rf"^INSERT\s+INTO\s+{_ident('t')}\s*\((?P<cols>[^)]*)\)\s*(?P<rest>.*)$", re.S | re.I
)
_ADD_COLUMN = re.compile(
    rf"^ALTER\s+TABLE\s+{_ident('t')}\s+ADD\s+COLUMN\s+IF\s+NOT\s+EXISTS\s+"
    rf"{_ident('c')}\s+(?P<type>\w+)$",
    re.I,
)
_SEQUENCE = re.compile(rf"^CREATE\s+SEQUENCE\s+IF\s+NOT\s+EXISTS\s+{_ident('t')}$", re.I)
_VIEW = re.compile(r"^CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMP(?:ORARY)?\s+)?VIEW\s+(.*)$", re.S | re.I)


def _name(match: re.Match[str], n: str = "t") -> str:
    quoted, bare = match.group(f"{n}q"), match.group(f"{n}b")
    return quoted.replace('""', '"') if quoted is not None else str(bare)


class SparkSqlSession(Session):
    """One Spark session (own temporary views) over one manifest state."""

    warehouse: SparkWarehouse

    def __init__(self, warehouse: SparkWarehouse, spark: Any, manifest: Manifest, write: bool):
        super().__init__(warehouse)
        self.spark = spark
        self.manifest = manifest
        self.write = write
        self.temporary: dict[str, Any] = {}  # temporary tables: name -> cached DataFrame
        self.registered: set[str] = set()  # stored tables with a view in this session

    def _sql(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """``spark.sql`` after giving each stored table the text names a view (a view
        costs a file listing: only the tables a statement reads get one)."""
        for name in self.manifest.tables:
            if name not in self.registered and name in sql:
                self._register(name)
        return self.spark.sql(sql, args=list(params) or None)

    # -- reading ----------------------------------------------------------------------
    def query(self, sql: str, params: Sequence[Any] = ()) -> pa.Table:
        return normalize_arrow(self._sql(sql, params).toArrow())

    def table_exists(self, name: str) -> bool:
        return name in self.manifest.tables or name in self.temporary

    def next_import_id(self) -> int:
        self._require_write("take an import id")
        sequences = self.manifest.sequences
        value = sequences.get("ikkan_import_id_seq", 0) + 1
        sequences["ikkan_import_id_seq"] = value
        return value

    def _frame(self, name: str) -> Any:
        """The DataFrame of a stored table (its parts read with its schema)."""
        stored = self.manifest.tables[name]
        schema = ", ".join(f"{quote_ident(c)} {t}" for c, t in stored.columns)
        if not stored.parts:
            return self.spark.createDataFrame([], schema)
        paths = [self.warehouse.store.location(p) for p in stored.parts]
        return self.spark.read.schema(schema).parquet(*paths)

    def _register(self, name: str) -> None:
        self._frame(name).createOrReplaceTempView(name)
        self.registered.add(name)

    # -- statements -------------------------------------------------------------------
    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        text = sql.strip().rstrip(";")
        for pattern, handler in (
            (_CREATE, self._create),
            (_DROP, self._drop),
            (_DELETE, self._delete),
            (_INSERT, self._insert),
            (_ADD_COLUMN, self._add_column),
            (_SEQUENCE, self._sequence),
            (_VIEW, self._view),
        ):
            match = pattern.match(text)
            if match:
                handler(match, list(params))
                return
        if re.match(r"^(UPDATE|MERGE)\b", text, re.I):
            raise _no_imports()
        self._sql(text, params)

    def _create(self, match: re.Match[str], params: list[Any]) -> None:
        name, rest = _name(match), match.group("rest").strip()
        if rest.upper().startswith("AS "):  # CREATE TEMPORARY TABLE x AS SELECT …
            frame = self._sql(rest[3:], params).cache()
            frame.count()  # materialise now: many queries read it
            self._drop_temporary(name)
            self.temporary[name] = frame
            frame.createOrReplaceTempView(name)
            return
        columns = _parse_columns(rest)
        if match.group("temp"):
            frame = self.spark.createDataFrame([], _schema(columns))
            self._drop_temporary(name)
            self.temporary[name] = frame
            frame.createOrReplaceTempView(name)
            return
        if name in self.manifest.tables:
            if match.group("exists"):
                return
            raise UserError(f"table {name} already exists in {self.warehouse.url}")
        self._require_write(f"create table {name}")
        self.manifest.tables[name] = StoredTable(columns)
        self._register(name)

    def _drop(self, match: re.Match[str], params: list[Any]) -> None:
        name = _name(match)
        if name in self.temporary:
            self._drop_temporary(name)
        elif match.group("kind").upper() == "TABLE" and name in self.manifest.tables:
            self._require_write(f"drop table {name}")
            del self.manifest.tables[name]
            self.registered.discard(name)
            self.spark.catalog.dropTempView(name)
        else:
            self.spark.catalog.dropTempView(name)

    def _drop_temporary(self, name: str) -> None:
        frame = self.temporary.pop(name, None)
        if frame is not None:
            frame.unpersist()
        self.spark.catalog.dropTempView(name)

    def _delete(self, match: re.Match[str], params: list[Any]) -> None:
        name, where = _name(match), match.group("where")
        self._require_stored(name, "delete from")
        table = self.manifest.tables[name]
        if where is None:
            table.parts = []
            self._register(name)
            return
        kept = self._sql(
            f"SELECT * FROM {quote_ident(name)} WHERE NOT coalesce(({where}), FALSE)", params
        )
        self._replace_parts(name, kept)

    def _insert(self, match: re.Match[str], params: list[Any]) -> None:
        name = _name(match)
        names = [n.strip().strip('"').replace('""', '"') for n in match.group("cols").split(",")]
        rest = match.group("rest").strip()
        frame = self._sql(rest, params).toDF(*names)
        self._append(name, frame)

    def _append(self, name: str, frame: Any) -> None:
        """Add ``frame``'s rows (columns by name; absent ones NULL) to table ``name``."""
        if name in self.temporary:
            raise UserError(f"ikkan does not insert into temporary table {name} on Spark")
        self._require_stored(name, "insert into")
        table = self.manifest.tables[name]
        frame = frame.selectExpr(*_aligned(table.columns, set(frame.columns)))
        part = self.warehouse.store.new_part(name)
        frame.write.mode("errorifexists").parquet(self.warehouse.store.location(part))
        table.parts = [*table.parts, part]
        self._register(name)

    def _replace_parts(self, name: str, frame: Any) -> None:
        table = self.manifest.tables[name]
        part = self.warehouse.store.new_part(name)
        frame.write.mode("errorifexists").parquet(self.warehouse.store.location(part))
        table.parts = [part]
        self._register(name)

    def _add_column(self, match: re.Match[str], params: list[Any]) -> None:
        name, column, kind = _name(match), _name(match, "c"), match.group("type")
        self._require_stored(name, "alter")
        table = self.manifest.tables[name]
        if column not in {c for c, _ in table.columns}:
            table.columns = [*table.columns, (column, kind.upper())]
            self._register(name)

    def _sequence(self, match: re.Match[str], params: list[Any]) -> None:
        self.manifest.sequences.setdefault(_name(match), 0)

    def _view(self, match: re.Match[str], params: list[Any]) -> None:
        self._sql(f"CREATE OR REPLACE TEMPORARY VIEW {match.group(1)}", params)

    def _require_stored(self, name: str, action: str) -> None:
        if name not in self.manifest.tables:
            raise UserError(f"cannot {action} {name}: no such table in {self.warehouse.url}")
        self._require_write(f"{action} {name}")

    def _require_write(self, action: str) -> None:
        if not self.write:
            raise RuntimeError(f"a read-only Spark session cannot {action}")

    # -- Arrow in ---------------------------------------------------------------------
    def stage(self, name: str, definition: Table, data: pa.Table) -> None:
        frame = self.spark.createDataFrame(data.select(list(definition.column_names)))
        self._drop_temporary(name)
        self.temporary[name] = frame
        frame.createOrReplaceTempView(name)

    def insert_arrow(self, definition: Table, data: pa.Table, *, stage_name: str = "") -> int:
        self.refuse_mapped(definition)
        if data.num_rows:
            frame = self.spark.createDataFrame(data.select(list(definition.column_names)))
            self._append(definition.name, frame)
        return int(data.num_rows)

    def upsert(self, definition: Table, data: pa.Table) -> UpsertCounts:
        raise _no_imports()

    def close(self) -> None:
        for name in list(self.temporary):
            self._drop_temporary(name)


def _no_imports() -> UserError:
    return UserError(
        "the Spark warehouse does not import files (Parquet tables cannot update rows)",
        hint="point the canonical tables at the tables already in Spark "
        "(warehouse.canonical in ikkan.yml, see docs/warehouses.md), or import into "
        "DuckDB or PostgreSQL",
    )


def _parse_columns(body: str) -> list[tuple[str, str]]:
    """``(name, type)`` of each column of ``ddl.create_table_sql``'s column list."""
    inner = re.sub(r"PRIMARY\s+KEY\s*\([^)]*\)", "", body.strip(), flags=re.I)
    if not (inner.startswith("(") and inner.endswith(")")):
        raise ValueError(f"cannot read the column list of: {body[:80]}")
    columns = [
        (found.group(1).replace('""', '"'), found.group(2).upper())
        for found in _COLUMN.finditer(inner[1:-1])
    ]
    if not columns:
        raise ValueError(f"cannot read the column list of: {body[:80]}")
    return columns


def _schema(columns: list[tuple[str, str]]) -> str:
    return ", ".join(f"{quote_ident(c)} {t}" for c, t in columns)


def _aligned(columns: list[tuple[str, str]], present: set[str]) -> list[str]:
    out = []
    for column, kind in columns:
        value = quote_ident(column) if column in present else "NULL"
        out.append(f"CAST({value} AS {kind}) AS {quote_ident(column)}")
    return out


_SESSION_LOCK = threading.Lock()


class SparkWarehouse(SqlWarehouse):
    NAME: ClassVar[str] = "pyspark"  # the Ibis / sqlglot dialect its SQL is rendered in
    TYPE_NAMES: ClassVar[dict[ColumnType, str]] = {
        ColumnType.STRING: "STRING",
        ColumnType.INT64: "BIGINT",
        ColumnType.FLOAT64: "DOUBLE",
        ColumnType.BOOL: "BOOLEAN",
        ColumnType.DATE: "DATE",
        ColumnType.TIMESTAMP: "TIMESTAMP",  # without time zone: spark.sql.timestampType
        ColumnType.JSON: "STRING",
    }
    JSON_TYPE: ClassVar[str] = "STRING"
    PARAM_STYLE: ClassVar[Literal["qmark", "format"]] = "qmark"
    UPSERT_STYLE: ClassVar[UpsertStyle] = "update_then_insert"  # unused: no imports
    STAGING: ClassVar[Literal["arrow_register", "copy_csv"]] = "arrow_register"
    SINGLE_WRITER_FILE: ClassVar[bool] = True  # one writer at a time (the manifest lock)
    SUPPORTS_TRANSACTIONAL_DDL: ClassVar[bool] = True  # DDL lands with the manifest

    def __init__(
        self,
        url: str,
        root: Path,
        *,
        master: str | None,
        conf: dict[str, str],
        lock_timeout: float,
    ) -> None:
        super().__init__(url)
        self.path = root / "_ikkan" / "manifest.json"  # beside it: the refresh SQL cache
        self.store = Store(root, lock_timeout=lock_timeout)
        self.master = master
        self.conf = conf
        self._spark: Any = None
        self._path_schemas: dict[str, Any] = {}  # Parquet directory -> its Spark schema
        self._parquet_paths: dict[str, str] = {}

    def spark(self) -> Any:
        """The process's Spark session for this warehouse (created on first use)."""
        with _SESSION_LOCK:
            if self._spark is None:
                self._spark = _spark_session(self.master, self.conf)
            return self._spark

    def _new_session(self) -> Any:
        spark = self.spark().newSession()
        for key, value in SESSION_CONF.items():
            spark.conf.set(key, value)
        return spark

    @contextmanager
    def session(self, *, write: bool) -> Iterator[Session]:
        if not write:
            session = SparkSqlSession(self, self._new_session(), self.store.read(), False)
            try:
                self._map_tables(session)
                yield session
            finally:
                session.close()
            return
        with self.store.writing() as manifest:
            session = SparkSqlSession(self, self._new_session(), manifest, True)
            try:
                self._map_tables(session)
                yield session
            finally:
                session.close()

    def _map_tables(self, session: Session) -> None:
        """Parquet directories mapped with ``path:`` are read with the schema found the
        first time (inferring it reads file footers: a Spark job per session otherwise)."""
        assert isinstance(session, SparkSqlSession)
        for name, mapping in list(self.mappings.items()):
            if not mapping.relation.startswith("parquet.`"):
                continue
            path = mapping.relation[len("parquet.`") : -1]
            schema = self._path_schemas.get(path)
            if schema is None:
                schema = session.spark.read.parquet(path).schema
                self._path_schemas[path] = schema
            view = f"ikkan_source_{name}"
            session.spark.read.schema(schema).parquet(path).createOrReplaceTempView(view)
            self.mappings[name] = replace(mapping, relation=quote_ident(view))
            self._parquet_paths[name] = mapping.relation
        try:
            super()._map_tables(session)
        finally:
            for name, relation in self._parquet_paths.items():
                self.mappings[name] = replace(self.mappings[name], relation=relation)

    @contextmanager
    def ibis_backend(self, *, write: bool = False) -> Iterator[Any]:
        import ibis

        with self.session(write=write) as session:
            assert isinstance(session, SparkSqlSession)
            yield ibis.pyspark.connect(session.spark)


SESSION_CONF = {
    "spark.sql.ansi.enabled": "true",
    "spark.sql.ansi.doubleQuotedIdentifiers": "true",  # "name" as DuckDB and PostgreSQL
    "spark.sql.timestampType": "TIMESTAMP_NTZ",  # ikkan's times carry no zone
    "spark.sql.session.timeZone": "UTC",  # so no conversion shifts a naive time
    "spark.sql.execution.arrow.pyspark.enabled": "true",
}


def _spark_session(master: str | None, conf: dict[str, str]) -> Any:
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise UserError(
            "the Spark warehouse needs pyspark",
            hint="install it: uv pip install 'pyspark>=4' (and a Java 17 runtime)",
        ) from exc
    builder = SparkSession.builder.appName("ikkan")
    if master is not None:
        builder = builder.master(master)
    for key, value in {**SESSION_CONF, **conf}.items():
        builder = builder.config(key, value)
    try:
        return builder.getOrCreate()
    except Exception as exc:  # no Java, or the cluster is unreachable
        raise UserError(
            f"cannot start Spark ({master or 'the active session'}): {str(exc).splitlines()[0]}",
            hint="Spark needs Java 17 (`java -version`; Debian: apt-get install "
            "openjdk-17-jre-headless) and, for spark://, a reachable master",
        ) from exc
