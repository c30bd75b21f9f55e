"""Row ids for files that have none (``identity:`` of a generic mapping).

- ``columns: [a, b]``: the values of those columns joined by ``|`` (a repeated combination
  is a duplicate row and is rejected like a repeated id).
- ``content: true``: a hash of every cell of the row, plus ``#n`` for the n-th identical
  row of the file. The same file imported again gives the same ids, so nothing doubles.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from ikkan.errors import Location, SourceError
from ikkan.ingest.engine.tabular import LocatedTable, NumberedRow
from ikkan.ingest.mapping.spec import Identity
from ikkan.ingest.parsing.values import normalise_header

ROW_ID_LABEL = "(ikkan row id)"
"""Header of the column the reader adds to carry the made-up id to ``source_id``."""


def content_key(cells: list[object], seen: dict[str, int]) -> str:
    text = "\x1f".join("" if c is None else str(c).strip() for c in cells)
    digest = hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()[:20]
    seen[digest] = seen.get(digest, 0) + 1
    return f"{digest}#{seen[digest]}"


def add_row_ids(table: LocatedTable, identity: Identity, path: str) -> LocatedTable:
    """``table`` with one more column holding each row's id."""
    width = len(table.header)
    positions: list[int] = []
    labels = [normalise_header(h) for h in table.header]
    for name in identity.columns:
        key = normalise_header(name)
        if key not in labels:
            raise SourceError(
                f"identity column {name!r} is not in the file",
                location=Location(path, table.header_row),
                hint="the file's columns are: " + ", ".join(table.header),
            )
        positions.append(labels.index(key))

    def rows() -> Iterator[NumberedRow]:
        seen: dict[str, int] = {}
        for number, cells in table.rows:
            cells = list(cells[:width]) + [None] * (width - len(cells))
            if identity.content:
                row_id: str | None = content_key(cells, seen)
            else:
                parts = ["" if cells[i] is None else str(cells[i]).strip() for i in positions]
                row_id = "|".join(parts) if any(parts) else None
            yield number, [*cells, row_id]

    return LocatedTable([*table.header, ROW_ID_LABEL], table.header_row, table.preamble, rows())
