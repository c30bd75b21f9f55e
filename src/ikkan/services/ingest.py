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

from ikkan.errors import Location, SourceError, UserError, did_you_mean
from ikkan.ingest.attribution import attribute_deals
from ikkan.ingest.base import Reader, ReaderContext
from ikkan.ingest.load import LoadReport, load
from ikkan.model.spec import ProjectSpec
from ikkan.warehouse.base import SqlWarehouse

SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx")
FileProgress = Callable[[str, int, int, int], None]  # (file, rows so far, file no., files)
READER_FAMILIES = (
    "hubspot",
    "salesforce",
    "ga4",
    "google_ads",
    "meta_ads",
    "yahoo_ads",
    "zoom",
    "generic",
    "manual_values",
)


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
    path = path.resolve()  # one spelling per file in import_log and rejected_rows
    if path.is_file():
        return [path]
    if path.is_dir():
        return sorted(
            p
            for p in path.rglob("*")
            if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith((".", "~$"))
        )
    raise SourceError(f"no such file or folder: {path}", hint="check the path")


def targets_from_args(
    spec: ProjectSpec, root: Path, args: list[str], reader: str | None
) -> list[IngestTarget]:
    """``ikkan ingest [SOURCE|READER] [PATH …]``: a configured source name or a reader
    (family) may come first; the rest are files or folders."""
    if not args:
        return targets_from_sources(spec, root, reader)
    first, rest = args[0], args[1:]
    if not Path(first).exists():
        if first in spec.sources:
            source = spec.sources[first]
            paths = [Path(p) for p in rest] or [root / source.path]
            name = reader or (None if source.reader in ("auto", "") else source.reader)
            return [IngestTarget(p, name, dict(source.options)) for p in paths]
        if first in READER_FAMILIES or _is_reader(first):
            if not rest:
                raise UserError(
                    f"which files should the {first} reader read?",
                    hint=f"ikkan ingest {first} exports/{first}/",
                )
            return [IngestTarget(Path(p), first) for p in rest]
        candidates = [*spec.sources, *READER_FAMILIES]
        raise SourceError(
            f"no such file or folder, source or reader: {first}",
            hint=did_you_mean(first, candidates)
            or "sources: "
            + (", ".join(spec.sources) or "none")
            + "; readers: "
            + ", ".join(READER_FAMILIES),
        )
    return [IngestTarget(Path(p), reader) for p in args]


def _is_reader(name: str) -> bool:
    from ikkan.ingest.sources.registry import FORMAT_DESCRIPTIONS

    return name in FORMAT_DESCRIPTIONS


def targets_from_sources(
    spec: ProjectSpec, root: Path, reader: str | None = None
) -> list[IngestTarget]:
    if not spec.sources:
        raise UserError(
            "no files given and no sources: in ikkan.yml",
            hint="run 'ikkan ingest exports/' or declare sources: {name: {reader, path}}",
        )
    out = []
    for source in spec.sources.values():
        name = reader or (None if source.reader in ("auto", "") else source.reader)
        out.append(IngestTarget(root / source.path, name, dict(source.options)))
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
    """The reader called ``name``; a family (``hubspot``) detects among its readers;
    None detects among all."""
    from ikkan.ingest.manual import ManualValuesReader
    from ikkan.ingest.sources.registry import all_readers, detect_reader, reader_by_name
    from ikkan.ingest.sources.tabular import head_text

    manual = ManualValuesReader()
    if name == manual.name:
        return manual
    if name is not None and name in READER_FAMILIES and name not in ("generic",):
        head = head_text(path)
        family = [r for r in all_readers() if r.name.startswith(name)]
        for reader in family:
            if reader.sniff(path, head):
                return reader
        raise SourceError(
            f"this does not look like a {name} export",
            location=Location(str(path), 1),
            hint="readers of that family: "
            + ", ".join(r.name for r in family)
            + "; or leave the reader out to detect it",
        )
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
    work = [(target, path) for target in targets for path in files_of(target.path)]
    for index, (target, path) in enumerate(work, start=1):
        outcome = FileOutcome(path)
        started = time.perf_counter()
        if progress:
            progress(path.name, 0, index, len(work))
        try:
            reader = pick_reader(path, target.reader)
            outcome.reader = reader.name

            def tick(rows: int, _name: str = path.name, _index: int = index) -> None:
                if progress:
                    progress(_name, rows, _index, len(work))

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
    if any(o.report is not None and o.report.status == "ok" for o in outcomes):
        attribute_deals(warehouse)  # deals take their lead's channel (first touch)
    return outcomes
