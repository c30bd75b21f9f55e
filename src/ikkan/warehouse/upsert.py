"""Set-based upsert of staged Arrow rows by primary key, with inserted/updated/unchanged.

- new key: inserted;
- same key, same ``content_hash``: unchanged, the stored row is not rewritten;
- same key, other ``content_hash``: updated.
Rows missing from a newer export are kept (exports are often filtered or partial).
"""

# ruff: noqa: S608 - SQL text holds only identifiers quoted by quote_ident; values are parameters

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyarrow as pa

from ikkan.model.canonical import Table
from ikkan.warehouse.sql import column_list, quote_ident

if TYPE_CHECKING:
    from ikkan.warehouse.protocols import SessionLike


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


def _key_match(left: str, right: str, keys: tuple[str, ...]) -> str:
    return " AND ".join(f"{left}.{quote_ident(k)} = {right}.{quote_ident(k)}" for k in keys)


def count_changes_sql(definition: Table, stage: str) -> str:
    keys = definition.primary_key
    first = quote_ident(keys[0])
    return (
        f"SELECT count(*) FILTER (WHERE t.{first} IS NULL) AS inserted, "
        f"count(*) FILTER (WHERE t.{first} IS NOT NULL "
        f'AND t."content_hash" <> s."content_hash") AS updated, count(*) AS total '
        f"FROM {quote_ident(stage)} s LEFT JOIN {quote_ident(definition.name)} t "
        f"ON {_key_match('s', 't', keys)}"
    )


def upsert_sql(definition: Table, stage: str, style: str) -> list[str]:
    """The statements that write ``stage`` into ``definition``'s table."""
    target = quote_ident(definition.name)
    keys = definition.primary_key
    cols = column_list(definition.column_names)
    non_keys = [c for c in definition.column_names if c not in keys]
    if style == "on_conflict":
        sets = ", ".join(f"{quote_ident(c)} = EXCLUDED.{quote_ident(c)}" for c in non_keys)
        return [
            f"INSERT INTO {target} ({cols}) SELECT {cols} FROM {quote_ident(stage)} "
            f"ON CONFLICT ({column_list(keys)}) DO UPDATE SET {sets} "
            f'WHERE {target}."content_hash" <> EXCLUDED."content_hash"'
        ]
    if style == "update_then_insert":
        sets = ", ".join(f"{quote_ident(c)} = s.{quote_ident(c)}" for c in non_keys)
        return [
            f"UPDATE {target} SET {sets} FROM {quote_ident(stage)} s "
            f"WHERE {_key_match(target, 's', keys)} "
            f'AND {target}."content_hash" <> s."content_hash"',
            f"INSERT INTO {target} ({cols}) SELECT {column_list(definition.column_names, 's')} "
            f"FROM {quote_ident(stage)} s WHERE NOT EXISTS (SELECT 1 FROM {target} t "
            f"WHERE {_key_match('t', 's', keys)})",
        ]
    raise ValueError(f"unknown upsert style {style!r}")


def upsert_staged(session: SessionLike, definition: Table, data: pa.Table) -> UpsertCounts:
    """Stage ``data`` (every column of ``definition``, keys unique) and upsert it.

    Only the statements the counts call for run: a load of new keys only is one plain
    ``INSERT … SELECT`` on DuckDB (no anti-join; PostgreSQL keeps ``ON CONFLICT`` for
    concurrent writers), an unchanged re-import writes nothing. DuckDB reads
    the Arrow rows in place (registered, not copied into a temporary table first).
    """
    if "content_hash" not in definition.column_names:
        raise ValueError(f"table '{definition.name}' has no content_hash; it is not upserted")
    if data.num_rows == 0:
        return UpsertCounts()
    stage = f"ikkan_stage_{definition.name}"
    with _staged(session, stage, definition, data):
        counts = session.query(count_changes_sql(definition, stage))
        inserted, updated, total = (int(counts.column(i)[0].as_py()) for i in range(3))
        style = session.warehouse.UPSERT_STYLE
        if inserted == total and style == "update_then_insert":  # (one writer per file)
            target = quote_ident(definition.name)
            cols = column_list(definition.column_names)
            session.execute(
                f"INSERT INTO {target} ({cols}) SELECT {cols} FROM {quote_ident(stage)}"
            )
        elif inserted or updated:
            for statement in upsert_sql(definition, stage, style):
                skip = (statement.startswith("UPDATE") and not updated) or (
                    statement.startswith("INSERT") and not inserted and style != "on_conflict"
                )
                if not skip:
                    session.execute(statement)
    return UpsertCounts(inserted, updated, total - inserted - updated)


@contextmanager
def _staged(session: SessionLike, stage: str, definition: Table, data: pa.Table) -> Iterator[None]:
    """``stage`` names ``data`` for SQL while the block runs."""
    con = getattr(session, "con", None)
    if session.warehouse.STAGING == "arrow_register" and hasattr(con, "register"):
        assert con is not None
        con.register(stage, data.select(list(definition.column_names)))
        yield  # (after an error the transaction is aborted: the connection is dropped)
        con.unregister(stage)
        return
    session.stage(stage, definition, data)
    yield  # (a failed transaction is rolled back: no DROP on the way out of an error)
    session.execute(f"DROP TABLE IF EXISTS {quote_ident(stage)}")
