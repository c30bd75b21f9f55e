"""Turn rows into file bytes the way each tool does, and keep count of lines."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from ikkan.demo.manifest import BadRow, Quirk, WrittenFile


@dataclass
class Sheet:
    """Lines of one export being built; tracks physical line numbers (1-based)."""

    delimiter: str = ","
    quote_all: bool = False
    newline: str = "\n"
    lines: list[str] = field(default_factory=list)

    @property
    def next_line(self) -> int:
        return len(self.lines) + 1

    def raw(self, text: str) -> int:
        """Append a line as is; return its line number."""
        self.lines.append(text)
        return len(self.lines)

    def row(self, values: Sequence[object]) -> int:
        buffer = io.StringIO()
        writer = csv.writer(
            buffer,
            delimiter=self.delimiter,
            quoting=csv.QUOTE_ALL if self.quote_all else csv.QUOTE_MINIMAL,
            lineterminator="",
        )
        writer.writerow(["" if v is None else str(v) for v in values])
        return self.raw(buffer.getvalue())

    def rows(self, rows: Iterable[Sequence[object]]) -> None:
        for values in rows:
            self.row(values)

    def text(self) -> str:
        return self.newline.join(self.lines) + self.newline


@dataclass
class FileSet:
    """Everything written so far, for the manifest."""

    out_dir: Path
    files: list[WrittenFile] = field(default_factory=list)
    bad_rows: list[BadRow] = field(default_factory=list)
    quirks: list[Quirk] = field(default_factory=list)

    def write(self, sheet: Sheet, written: WrittenFile) -> None:
        target = self.out_dir / written.path
        target.parent.mkdir(parents=True, exist_ok=True)
        # utf-16 and utf-8-sig codecs write the BOM themselves (utf-16: little-endian here).
        codec = "utf-16-le" if written.encoding == "utf-16" else written.encoding
        payload = sheet.text().encode(codec)
        if written.encoding == "utf-16":
            payload = b"\xff\xfe" + payload
        target.write_bytes(payload)
        self.files.append(written)

    def bad(
        self, path: str, line: int, record_id: object, column: str, value: str, reason: str
    ) -> None:
        self.bad_rows.append(BadRow(path, line, str(record_id), column, value, reason))

    def quirk(self, path: str, line: int, column: str, value: str, meaning: str) -> None:
        self.quirks.append(Quirk(path, line, column, value, meaning))


def hubspot_datetime(value: datetime | None, slash: bool = False) -> str:
    if value is None:
        return ""
    return value.strftime("%Y/%m/%d %H:%M" if slash else "%Y-%m-%d %H:%M")


def zoom_datetime(value: datetime) -> str:
    return value.strftime("%m/%d/%Y %I:%M:%S %p")


def slash_date(value: date) -> str:
    return value.strftime("%Y/%m/%d")


def thousands(value: int) -> str:
    return f"{value:,}"


def to_fullwidth(text: str) -> str:
    """ASCII digits and comma as full-width characters (what NFKC undoes)."""
    return text.translate(str.maketrans("0123456789,", "０１２３４５６７８９，"))
