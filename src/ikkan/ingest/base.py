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
    skipped: bool = False  # read and left out on purpose (a summary row, staff, merged)


@dataclass
class ReadResult:
    """Canonical rows read from one file."""

    source_system: str
    reader: str
    file_path: str
    tables: dict[str, Any] = field(default_factory=dict)  # table name -> pyarrow.Table
    rejected: list[RejectedRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # e.g. unknown columns, once each
    skipped: list[RejectedRow] = field(default_factory=list)  # left out on purpose, with why
    rows_read: int = 0  # data rows seen (after the header; blank and layout lines aside)
    encoding: str | None = None
    loaded_rows: Any = None  # source row numbers that reached a table (None: not tracked)
    vectorised: bool = False  # read by the engine's vectorised path (benchmarks print it)


@dataclass(frozen=True)
class RowAccount:
    """Where the data rows of one file went: every row read is loaded, rejected (with a
    reason) or skipped on purpose (with a reason); ``unaccounted`` must be 0."""

    read: int
    loaded: int
    rejected: int
    skipped: int

    @property
    def unaccounted(self) -> int:
        return self.read - self.loaded - self.rejected - self.skipped


def account_rows(result: ReadResult) -> RowAccount:
    """Each row number counts once: loaded if any table holds it (a row may also have a
    rejected cell), else rejected, else skipped."""
    loaded = set() if result.loaded_rows is None else {int(n) for n in result.loaded_rows}
    rejected = {r.row_number for r in result.rejected} - loaded
    skipped = {r.row_number for r in result.skipped} - loaded - rejected
    return RowAccount(result.rows_read, len(loaded), len(rejected), len(skipped))


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
