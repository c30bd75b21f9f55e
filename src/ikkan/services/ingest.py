"""``ikkan ingest``: files and folders (or the project's ``sources:``) into the warehouse.

Each file: pick the reader (named, or sniffed from its first rows), read it into canonical
rows, load it in one transaction. A file that cannot be read is reported and the others
still load; nothing is dropped silently (rejected rows are stored with their reason).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ikkan.errors import SourceError, UserError
from ikkan.ingest.base import Reader, ReaderContext
from ikkan.ingest.load import LoadReport, load
from ikkan.model.spec import ProjectSpec
from ikkan.warehouse.base import SqlWarehouse

SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx")
FileProgress = Callable[[str, int], None]  # (file name, rows read so far)


@dataclass
class FileOutcome:
    path: Path
    reader: str | None = None
    report: LoadReport | None = None
    error: UserError | None = None
    rows_read: int = 0
    rejected: int = 0
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None and (self.report is None or self.report.status != "failed")


@dataclass(frozen=True)
class IngestTarget:
    path: Path
    reader: str | None = None  # None: detect
    options: dict[str, Any] = field(default_factory=dict)


def files_of(path: Path) -> list[Path]:
    """The path itself, or every export file below a folder (sorted)."""
    if path.is_file():
        return [path]
    if path.is_dir():
        return sorted(
            p
            for p in path.rglob("*")
            if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith((".", "~$"))
        )
    raise SourceError(f"no such file or folder: {path}", hint="check the path")


def targets_from_sources(spec: ProjectSpec, root: Path) -> list[IngestTarget]:
    if not spec.sources:
        raise UserError(
            "no files given and no sources: in ikkan.yml",
            hint="run 'ikkan ingest exports/' or declare sources: {name: {reader, path}}",
        )
    out = []
    for source in spec.sources.values():
        reader = None if source.reader in ("auto", "") else source.reader
        out.append(IngestTarget(root / source.path, reader, dict(source.options)))
    return out


def reader_context(
    spec: ProjectSpec, options: dict[str, Any], progress: Callable[[int], None] | None
) -> ReaderContext:
    channels: dict[str, str] = {}
    for channel_id, channel in spec.channels.items():
        channels[channel_id] = channel_id
        for raw in channel.match:
            channels[raw] = channel_id
    return ReaderContext(
        timezone=spec.company.timezone,
        channels=channels,
        stages=tuple(s.id for s in spec.funnel.stages),
        options={"fiscal_year_start": spec.company.fiscal_year_start, **options},
        progress=progress,
    )


def pick_reader(path: Path, name: str | None) -> Reader:
    from ikkan.ingest.manual import ManualValuesReader
    from ikkan.ingest.sources.registry import detect_reader, reader_by_name
    from ikkan.ingest.sources.tabular import head_text

    manual = ManualValuesReader()
    if name == manual.name:
        return manual
    if name is not None:
        return reader_by_name(name)
    if manual.sniff(path, head_text(path)):
        return manual
    return detect_reader(path)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def ingest(
    spec: ProjectSpec,
    warehouse: SqlWarehouse,
    targets: Iterable[IngestTarget],
    *,
    force: bool = False,
    progress: FileProgress | None = None,
) -> list[FileOutcome]:
    outcomes: list[FileOutcome] = []
    for target in targets:
        for path in files_of(target.path):
            outcome = FileOutcome(path)
            started = time.perf_counter()
            try:
                reader = pick_reader(path, target.reader)
                outcome.reader = reader.name

                def tick(rows: int, _name: str = path.name) -> None:
                    if progress:
                        progress(_name, rows)

                result = reader.read(path, reader_context(spec, target.options, tick))
                outcome.rows_read = result.rows_read
                outcome.rejected = len(result.rejected)
                outcome.warnings = list(result.warnings)
                outcome.report = load(
                    warehouse, result, sha256_of(path), force=force, timezone=spec.company.timezone
                )
            except UserError as exc:
                outcome.error = exc
            outcome.seconds = time.perf_counter() - started
            outcomes.append(outcome)
    return outcomes
