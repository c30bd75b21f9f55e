"""The shapes canonical tables are described in: column types, columns, tables, and the
loader's bookkeeping columns every record table carries. Nothing here touches a database."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ColumnType(StrEnum):
    STRING = "string"
    INT64 = "int64"
    FLOAT64 = "float64"
    BOOL = "bool"
    DATE = "date"
    TIMESTAMP = "timestamp"
    JSON = "json"  # stored as text holding a JSON object


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    nullable: bool = True
    description: str = ""


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    description: str = ""

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def payload_columns(self) -> tuple[str, ...]:
        """Columns that feed ``content_hash`` (all but keys and bookkeeping)."""
        skip = set(self.primary_key) | set(BOOKKEEPING)
        return tuple(c.name for c in self.columns if c.name not in skip)


S, I, F, B, D, T, J = (  # noqa: E741 - short column-type aliases
    ColumnType.STRING,
    ColumnType.INT64,
    ColumnType.FLOAT64,
    ColumnType.BOOL,
    ColumnType.DATE,
    ColumnType.TIMESTAMP,
    ColumnType.JSON,
)

BOOKKEEPING = ("content_hash", "import_id", "loaded_at")


def _bookkeeping() -> tuple[Column, ...]:
    return (
        Column("content_hash", S, False, "hash of the payload columns"),
        Column("import_id", I, False, "import_log.import_id that last wrote the row"),
        Column("loaded_at", T, False, "when the row was last written"),
    )
