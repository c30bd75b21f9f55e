"""What a read collects besides rows: rejected rows and warnings (each warning once)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ikkan.ingest.base import RejectedRow


@dataclass
class ReadLog:
    file_path: str
    rejected: list[RejectedRow] = field(default_factory=list)
    skipped: list[RejectedRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rows_seen: int = 0  # data rows met (counted where rows are iterated, whatever their fate)
    _seen: set[str] = field(default_factory=set)

    def reject(
        self,
        row_number: int,
        column: str | None,
        raw_value: object,
        reason: str,
        record: Mapping[str, Any] | None = None,
    ) -> None:
        raw = None if raw_value is None else str(raw_value)
        self.rejected.append(
            RejectedRow(self.file_path, row_number, column, raw, reason, _jsonable(record))
        )

    def skip(
        self,
        row_number: int,
        reason: str,
        record: Mapping[str, Any] | None = None,
        column: str | None = None,
        raw_value: object = None,
    ) -> None:
        """A row read and left out on purpose (summary row, staff, merged into another): kept
        in ``rejected_rows`` marked as skipped, so every row read is accounted for."""
        raw = None if raw_value is None else str(raw_value)
        self.skipped.append(
            RejectedRow(
                self.file_path, row_number, column, raw, reason, _jsonable(record), skipped=True
            )
        )

    def warn(self, message: str, key: str | None = None) -> None:
        """Add a warning unless one with the same key (default: the text) was given."""
        key = key or message
        if key not in self._seen:
            self._seen.add(key)
            self.warnings.append(message)


def _jsonable(record: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if record is None:
        return None
    out: dict[str, Any] = {}
    for key, value in record.items():
        if value is None or isinstance(value, str | int | float | bool):
            out[str(key)] = value
        else:
            out[str(key)] = str(value)
    return out
