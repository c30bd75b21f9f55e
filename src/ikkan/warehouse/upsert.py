"""Set-based upsert of staged Arrow rows by primary key, with inserted/updated/unchanged.

- new key: inserted;
- same key, same ``content_hash``: unchanged, the stored row is not rewritten;
- same key, other ``content_hash``: updated.
Rows missing from a newer export are kept (exports are often filtered or partial).

The staged rows hold each key once (the loader keeps a file's last row per key), and a
key is inserted only when the table does not hold it yet, inside the writer's transaction
(DuckDB: one writer at a time; PostgreSQL: ``ON CONFLICT`` under the import lock). That,
not an index, keeps keys unique on DuckDB, whose upserted tables have no PRIMARY KEY
(``SqlWarehouse.UPSERT_TABLE_KEYS``).

DuckDB stores the hash lazily (``SqlWarehouse.LAZY_CONTENT_HASH``, see
``ikkan.warehouse.hashing``): rows are written with ``UNHASHED``, and a staged row changes a
stored one when their values differ and, if the stored row carries a hash (written by an
earlier version, or fixed before an edit such as attribution), the staged row's hash
differs from it too.
"""

# ruff: noqa: S608 - SQL text holds only identifiers quoted by quote_ident; values are parameters

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyarrow as pa

from ikkan.model.canonical import ColumnType, Table
from ikkan.warehouse.hashing import (
    UNHASHED,
    hash_expression,
    stored_hash_expression,
    with_content_hash,
)
from ikkan.warehouse.sql import column_list, quote_ident

if TYPE_CHECKING:
    from ikkan.warehouse.protocols import SessionLike

NEW_FLAG = "ikkan_new"
"""The column of the changed-rows table that tells a new key from a changed row."""


@dataclass(frozen=True)
class UpsertCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> int:
        return self.inserted + self.updated

    def __add__(self, other: UpsertCounts) -> UpsertCounts:
        return UpsertCounts(
            self.inserted + other.inserted,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
        )


def upserted(definition: Table) -> bool:
    """Whether the loader upserts ``definition`` (it carries a ``content_hash``)."""
    return "content_hash" in definition.column_names


def _key_match(left: str, right: str, keys: tuple[str, ...]) -> str:
    return " AND ".join(f"{left}.{quote_ident(k)} = {right}.{quote_ident(k)}" for k in keys)


def _joined(definition: Table, stage: str) -> str:
    """``stage`` (alias s) LEFT JOIN the table (alias t) on the key."""
    keys = definition.primary_key
    return (
        f"{quote_ident(stage)} s LEFT JOIN {quote_ident(definition.name)} t "
        f"ON {_key_match('s', 't', keys)}"
    )


def count_changes_sql(definition: Table, stage: str) -> str:
    first = quote_ident(definition.primary_key[0])
    return (
        f"SELECT count(*) FILTER (WHERE t.{first} IS NULL) AS inserted, "
        f"count(*) FILTER (WHERE t.{first} IS NOT NULL "
        f'AND t."content_hash" <> s."content_hash") AS updated, count(*) AS total '
        f"FROM {_joined(definition, stage)}"
    )


def on_conflict_sql(definition: Table, stage: str) -> str:
    """PostgreSQL: insert new keys, update changed rows, by the table's PRIMARY KEY."""
    target = quote_ident(definition.name)
    keys = definition.primary_key
    cols = column_list(definition.column_names)
    non_keys = [c for c in definition.column_names if c not in keys]
    sets = ", ".join(f"{quote_ident(c)} = EXCLUDED.{quote_ident(c)}" for c in non_keys)
    return (
        f"INSERT INTO {target} ({cols}) SELECT {cols} FROM {quote_ident(stage)} "
        f"ON CONFLICT ({column_list(keys)}) DO UPDATE SET {sets} "
        f'WHERE {target}."content_hash" <> EXCLUDED."content_hash"'
    )


def _differs(definition: Table, hashed: bool) -> str:
    """SQL true when the staged row s changes the stored row t.

    ``hashed`` (the stage carries ``content_hash``): the hashes differ. Otherwise (DuckDB,
    lazy hashes): the payload values differ (a JSON column compared as its text) and, when
    the stored row carries a hash (not ``UNHASHED``), the staged row's hash differs from it.
    A stored row without a hash holds the export's values as last written, so equal values
    are an unchanged row; a row whose stored values were changed after loading got its hash
    then (a deal's channel filled by attribution) and is compared by hash, so it stays
    unchanged, as on PostgreSQL. (The one difference: a stored row edited to exactly the
    new export's values counts as unchanged here, as updated there.)"""
    if hashed:  # (a stored row without a hash: the hash of its values)
        return f'{stored_hash_expression(definition.payload_columns, "t")} <> s."content_hash"'
    parts = []
    for name in definition.payload_columns:
        column = quote_ident(name)
        stored = f"t.{column}"
        if definition.column(name).type == ColumnType.JSON:
            stored = f"CAST({stored} AS VARCHAR)"
        parts.append(f"s.{column} IS DISTINCT FROM {stored}")
    staged_hash = hash_expression(definition.payload_columns, "s")
    hash_differs = f't."content_hash" = \'{UNHASHED}\' OR t."content_hash" <> {staged_hash}'
    return f"(({' OR '.join(parts)}) AND ({hash_differs}))"


def _stage_rows(definition: Table, hashed: bool) -> str:
    """The columns of an insert from the stage s; without a staged hash, ``UNHASHED``."""
    if hashed:
        return column_list(definition.column_names, "s")
    return ", ".join(
        f"'{UNHASHED}' AS \"content_hash\"" if name == "content_hash" else f"s.{quote_ident(name)}"
        for name in definition.column_names
    )


CANDIDATES_SUFFIX = "_candidates"


def _value_hash(definition: Table, alias: str) -> str:
    """DuckDB's 64-bit ``hash`` of a row's payload values (a JSON column as its text),
    computed inside one statement and never stored (it is not stable across versions)."""
    values = []
    for name in definition.payload_columns:
        column = f"{alias}.{quote_ident(name)}"
        if definition.column(name).type == ColumnType.JSON:
            column = f"CAST({column} AS VARCHAR)"
        values.append(column)
    return f"hash({', '.join(values)})" if values else "0"


def candidates_sql(definition: Table, stage: str, candidates: str) -> str:
    """The keys of ``stage`` that are new, or whose payload's value hash differs from the
    stored row's: a join that holds only keys and one 64-bit hash a row (~40 MB for 1M
    rows, where a join over every payload column held ~800 MB). A changed row is missed
    only if its new values hash like its old ones (2^-64 a changed row)."""
    keys = definition.primary_key
    first = quote_ident(keys[0])
    listed = column_list(keys)
    return (
        f"CREATE TEMPORARY TABLE {quote_ident(candidates)} AS SELECT {column_list(keys, 's')} "
        f"FROM (SELECT {listed}, {_value_hash(definition, 'x')} AS h "
        f"FROM {quote_ident(stage)} x) s "
        f"LEFT JOIN (SELECT {listed}, {_value_hash(definition, 'x')} AS h "
        f"FROM {quote_ident(definition.name)} x) t ON {_key_match('s', 't', keys)} "
        f"WHERE t.{first} IS NULL OR s.h <> t.h"
    )


@dataclass(frozen=True)
class ChangeStatements:
    """``find`` fills the changed-rows table, ``count`` counts its new and changed rows,
    ``update`` and ``insert`` apply them, ``drop`` removes what ``find`` made."""

    find: list[str]
    count: str
    update: str
    insert: str
    drop: list[str]


def changes_sql(definition: Table, stage: str, changes: str, *, hashed: bool) -> ChangeStatements:
    """Without ``ON CONFLICT`` (DuckDB): keep the new and changed rows of ``stage`` in the
    temporary table ``changes`` (flagged ``NEW_FLAG`` when the key is new), then update
    and insert from it. Only the changed rows are copied and rewritten: a re-import
    with 1 % of its rows changed updates from a table of that 1 %, not from the file.

    Without staged hashes (DuckDB's lazy hashes) the rows are first narrowed to the
    candidates (``candidates_sql``: new keys and rows whose values hash otherwise), and
    only those are compared column by column (``_differs``), so that the comparison's
    memory follows the changes, not the file. The statements are then: candidates,
    changes (``find``), then count, update, insert and drop both."""
    target = quote_ident(definition.name)
    keys = definition.primary_key
    first = quote_ident(keys[0])
    names = definition.column_names
    non_keys = [c for c in names if c not in keys]
    sets = ", ".join(f"{quote_ident(c)} = c.{quote_ident(c)}" for c in non_keys)
    flag, table = quote_ident(NEW_FLAG), quote_ident(changes)
    joined = _joined(definition, stage)
    narrowing: list[str] = []
    dropping: list[str] = []
    if not hashed:
        candidates = f"{changes}{CANDIDATES_SUFFIX}"
        listed, picked = column_list(keys), quote_ident(candidates)
        among = f"WHERE ({listed}) IN (SELECT {listed} FROM {picked})"
        staged = f"(SELECT * FROM {quote_ident(stage)} {among})"
        stored = f"(SELECT * FROM {target} {among})"
        joined = f"{staged} s LEFT JOIN {stored} t ON {_key_match('s', 't', keys)}"
        narrowing = [candidates_sql(definition, stage, candidates)]
        dropping = [f"DROP TABLE {picked}"]
    return ChangeStatements(
        [
            *narrowing,
            f"CREATE TEMPORARY TABLE {table} AS SELECT {_stage_rows(definition, hashed)}, "
            f"t.{first} IS NULL AS {flag} FROM {joined} "
            f"WHERE t.{first} IS NULL OR {_differs(definition, hashed)}",
        ],
        f"SELECT count(*) FILTER (WHERE {flag}) AS inserted, count(*) AS changed FROM {table}",
        f"UPDATE {target} SET {sets} FROM {table} c "
        f"WHERE {_key_match(target, 'c', keys)} AND NOT c.{flag}",
        f"INSERT INTO {target} ({column_list(names)}) "
        f"SELECT {column_list(names)} FROM {table} WHERE {flag}",
        [f"DROP TABLE {table}", *dropping],
    )


def upsert_staged(session: SessionLike, definition: Table, data: pa.Table) -> UpsertCounts:
    """Stage ``data`` (every column of ``definition``, keys unique; ``content_hash`` may
    be left out: the warehouse computes it) and upsert it.

    DuckDB reads the Arrow rows in place (registered, not copied) and stores no hash
    (``LAZY_CONTENT_HASH``): when no key is in the table yet, one ``INSERT … SELECT``;
    else one join keeps the new and changed rows apart (``changes_sql``), so that an
    unchanged re-import writes nothing, a few changed rows cost a few rows' work.
    PostgreSQL gets the hashes first (``content_hashes``), counts with one join and merges
    with ``ON CONFLICT`` (concurrent writers).
    """
    if not upserted(definition):
        raise ValueError(f"table '{definition.name}' has no content_hash; it is not upserted")
    if data.num_rows == 0:
        return UpsertCounts()
    style = session.warehouse.UPSERT_STYLE
    if style not in ("on_conflict", "update_then_insert"):
        raise ValueError(f"unknown upsert style {style!r}")
    hashed = "content_hash" in data.column_names
    if not hashed and not _lazy_hashes(session):
        data, hashed = with_content_hash(data, definition.payload_columns), True
    stage = f"ikkan_stage_{definition.name}"
    names = [c for c in definition.column_names if hashed or c != "content_hash"]
    with _staged(session, stage, definition, data.select(names)):
        if style == "on_conflict":
            return _merge(session, definition, stage)
        target = quote_ident(definition.name)
        keys = _key_match("s", "t", definition.primary_key)
        known = f"SELECT 1 FROM {quote_ident(stage)} s JOIN {target} t ON {keys} LIMIT 1"
        if session.scalar(known) is None:  # every key new: no copy of the rows
            session.execute(
                f"INSERT INTO {target} ({column_list(definition.column_names)}) "
                f"SELECT {_stage_rows(definition, hashed)} FROM {quote_ident(stage)} s"
            )
            return UpsertCounts(inserted=data.num_rows)
        sql = changes_sql(definition, stage, f"{stage}_changes", hashed=hashed)
        for statement in sql.find:
            session.execute(statement)
        counted = session.query(sql.count)
        inserted, changed = (int(counted.column(i)[0].as_py()) for i in range(2))
        if changed > inserted:
            session.execute(sql.update)
        if inserted:
            session.execute(sql.insert)
        for statement in sql.drop:
            session.execute(statement)
    return UpsertCounts(inserted, changed - inserted, data.num_rows - changed)


def _merge(session: SessionLike, definition: Table, stage: str) -> UpsertCounts:
    counts = session.query(count_changes_sql(definition, stage))
    inserted, updated, total = (int(counts.column(i)[0].as_py()) for i in range(3))
    if inserted or updated:
        session.execute(on_conflict_sql(definition, stage))
    return UpsertCounts(inserted, updated, total - inserted - updated)


def _lazy_hashes(session: SessionLike) -> bool:
    """Whether rows are stored ``UNHASHED`` (see ``_differs``): the warehouse says so and
    compares in SQL over registered Arrow rows (DuckDB), with the DuckDB expression that
    ``content_hashes`` runs."""
    return session.warehouse.LAZY_CONTENT_HASH and _registers_arrow(session)


def _registers_arrow(session: SessionLike) -> bool:
    """Whether the warehouse reads staged Arrow rows in place (DuckDB)."""
    return session.warehouse.STAGING == "arrow_register" and hasattr(
        getattr(session, "con", None), "register"
    )


@contextmanager
def _staged(session: SessionLike, stage: str, definition: Table, data: pa.Table) -> Iterator[None]:
    """``stage`` names ``data`` for SQL while the block runs."""
    if _registers_arrow(session):
        con = getattr(session, "con", None)
        assert con is not None
        con.register(stage, data)
        yield  # (after an error the transaction is aborted: the connection is dropped)
        con.unregister(stage)
        return
    session.stage(stage, definition, data)
    yield  # (a failed transaction is rolled back: no DROP on the way out of an error)
    session.execute(f"DROP TABLE IF EXISTS {quote_ident(stage)}")
