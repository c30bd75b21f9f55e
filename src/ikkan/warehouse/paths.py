# ruff: noqa: S608 - SQL text holds constant table names and an int literal; values are "?"
"""How import_log and rejected_rows spell a file: relative to the project folder when the
file lies inside it, so that a project moved or copied elsewhere still knows what it has
imported (stale rules, Data health). Files outside the project keep their absolute path."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ikkan.warehouse.protocols import SessionLike

PATH_TABLES = ("import_log", "rejected_rows")


def stored_path(path: Path | str, root: Path | None) -> str:
    """``exports/hubspot/leads.csv`` for a file under ``root``, else the absolute path."""
    resolved = Path(path).resolve()
    if root is not None:
        base = root.resolve()
        if resolved.is_relative_to(base):
            return resolved.relative_to(base).as_posix()
    return str(resolved)


def resolve_stored(path: str, root: Path) -> Path:
    """The file a stored path names, for a project at ``root``."""
    stored = Path(path)
    return stored if stored.is_absolute() else root / stored


def relativize_paths(session: SessionLike, root: Path) -> None:
    """Rewrite absolute paths under ``root`` as relative ones (the schema-5 migration; safe
    to run again)."""
    prefix = str(root.resolve()).rstrip("/") + "/"
    start = len(prefix) + 1  # an int computed here, not user text
    for table in PATH_TABLES:
        where = f'WHERE substr("file_path", 1, {len(prefix)}) = ?'
        if not session.scalar(f'SELECT count(*) FROM "{table}" {where}', [prefix]):
            continue  # nothing to rewrite (a new warehouse; Spark, which imports nothing)
        session.execute(
            f'UPDATE "{table}" SET "file_path" = substr("file_path", {start}) {where}',
            [prefix],
        )
