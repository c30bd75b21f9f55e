"""What every source reader returns, and what it is given.

A reader turns one file into canonical rows (Arrow tables keyed by canonical table name,
see ``ikkan.model.canonical``) plus the rows it could not read. It never connects to the
warehouse; ``ikkan.ingest.load`` writes a ``ReadResult`` through the warehouse in one
transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

ProgressCallback = Callable[[int], None]
"""Called with the number of rows read so far (for progress bars)."""


@dataclass(frozen=True)
class RejectedRow:
    """A row that could not be loaded. Nothing is dropped without one of these."""

    file_path: str
    row_number: int  # 1-based physical line (CSV) or sheet row (XLSX)
    column_name: str | None
    raw_value: str | None
    reason: str
    raw_record: Mapping[str, Any] | None = None


@dataclass
class ReadResult:
    """Canonical rows read from one file."""

    source_system: str
    reader: str
    file_path: str
    tables: dict[str, Any] = field(default_factory=dict)  # table name -> pyarrow.Table
    rejected: list[RejectedRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # e.g. unknown columns, once each
    rows_read: int = 0
    encoding: str | None = None


@dataclass(frozen=True)
class ReaderContext:
    """Project settings a reader needs."""

    timezone: str = "Asia/Tokyo"
    channels: Mapping[str, str] = field(default_factory=dict)  # raw value (normalised) -> id
    stages: tuple[str, ...] = ("visit", "lead", "mql", "sql", "opportunity", "won")
    stage_map: Mapping[str, str] = field(default_factory=dict)  # raw label/value -> stage id
    options: Mapping[str, Any] = field(default_factory=dict)  # reader-specific (generic mapping)
    progress: ProgressCallback | None = None


class Reader(Protocol):
    name: str  # e.g. "hubspot"
    source_system: str

    def sniff(self, path: Path, head: str) -> bool:
        """True when the file looks like this reader's format (decoded first lines)."""
        ...

    def read(self, path: Path, context: ReaderContext) -> ReadResult: ...
