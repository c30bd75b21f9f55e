"""``ikkan ingest``: files and folders (or the project's ``sources:``) into the warehouse.

Each file: pick the reader (named, or sniffed from its first rows), read it into canonical
rows, load it in one transaction. A file that cannot be read is reported and the others
still load; nothing is dropped silently (rejected rows are stored with their reason).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ikkan.errors import Location, SourceError, UserError, did_you_mean
from ikkan.ingest.attribution import attribute_deals
from ikkan.ingest.base import Reader, ReaderContext, ReadResult, RowAccount, account_rows
from ikkan.ingest.load import LoadReport, load, log_failure, skip_if_imported
from ikkan.model.spec import ProjectSpec
from ikkan.warehouse.base import SqlWarehouse
from ikkan.warehouse.paths import stored_path

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
    skipped: int = 0
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    account: RowAccount | None = None  # rows read = loaded + rejected + skipped
    missing: bool = False  # a configured source whose file or folder does not exist yet

    @property
    def ok(self) -> bool:
        return self.error is None and (self.report is None or self.report.status != "failed")


class FileFailed(UserError):
    """An unexpected error while importing one file: recorded against that file (import
    log: failed, the error, a hint) while the run goes on with the next file."""


@dataclass(frozen=True)
class IngestTarget:
    path: Path
    reader: str | None = None  # None: detect
    options: dict[str, Any] = field(default_factory=dict)
    source: str | None = None  # the ikkan.yml source name (None: files named on the line)
    optional: bool = False  # every-source mode: a missing path is reported, not an error


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
            return [IngestTarget(p, name, dict(source.options), first) for p in paths]
        if first in READER_FAMILIES or _is_reader(first):
            if not rest:
                raise UserError(
                    f"which files should the {first} reader read?",
                    hint=f"ikkan ingest {first} exports/{first}/",
                )
            return [IngestTarget(Path(p), first, {}, _source_of(spec, root, p)) for p in rest]
        candidates = [*spec.sources, *READER_FAMILIES]
        raise SourceError(
            f"no such file or folder, source or reader: {first}",
            hint=did_you_mean(first, candidates)
            or "sources: "
            + (", ".join(spec.sources) or "none")
            + "; readers: "
            + ", ".join(READER_FAMILIES),
        )
    return [IngestTarget(Path(p), reader, {}, _source_of(spec, root, p)) for p in args]


def _source_of(spec: ProjectSpec, root: Path, path: str) -> str | None:
    """The one configured source whose file or folder holds ``path`` (its rejects are then
    superseded by this import as by ``ikkan ingest SOURCE``), else None."""
    target = Path(path).resolve()
    found = [
        name
        for name, source in spec.sources.items()
        if target == (root / source.path).resolve()
        or (root / source.path).resolve() in target.parents
    ]
    return found[0] if len(found) == 1 else None


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
    for source_name, source in spec.sources.items():
        name = reader or (None if source.reader in ("auto", "") else source.reader)
        out.append(
            IngestTarget(root / source.path, name, dict(source.options), source_name, optional=True)
        )
    return out


def missing_source(target: IngestTarget, root: Path | None) -> FileOutcome:
    """The outcome of a configured source whose file or folder is not there (yet)."""
    return FileOutcome(
        target.path,
        warnings=[
            f"source '{target.source}': {stored_path(target.path, root)} does not exist, "
            "nothing imported from it; put its exports there, or remove the source from "
            "ikkan.yml"
        ],
        missing=True,
    )


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
    from ikkan.ingest.engine.tabular import head_text
    from ikkan.ingest.manual import ManualValuesReader
    from ikkan.ingest.sources.registry import all_readers, detect_reader, reader_by_name

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
    root: Path | None = None,
) -> list[FileOutcome]:
    """Import every file of ``targets``; files under ``root`` (the project folder) are
    logged with a path relative to it."""
    outcomes: list[FileOutcome] = []
    work: list[tuple[IngestTarget, Path]] = []
    for target in targets:
        if target.optional and not target.path.exists():
            outcomes.append(missing_source(target, root))
            continue
        work.extend((target, path) for path in files_of(target.path))
    for index, (target, path) in enumerate(work, start=1):
        if progress:
            progress(path.name, 0, index, len(work))

        def tick(rows: int, _name: str = path.name, _index: int = index) -> None:
            if progress:
                progress(_name, rows, _index, len(work))

        outcomes.append(
            ingest_file(spec, warehouse, target, path, force=force, progress=tick, root=root)
        )
    if any(o.report is not None and o.report.status == "ok" for o in outcomes):
        attribute_deals(warehouse)  # deals take their lead's channel (first touch)
    return outcomes


def ingest_file(
    spec: ProjectSpec,
    warehouse: SqlWarehouse,
    target: IngestTarget,
    path: Path,
    *,
    force: bool = False,
    progress: Callable[[int], None] | None = None,
    root: Path | None = None,
) -> FileOutcome:
    """Read and load one file. Whatever goes wrong is kept on the outcome (and, for an
    unexpected error, in the import log as a failed import of that file): it never stops
    the run."""
    outcome = FileOutcome(path)
    started = time.perf_counter()
    result: ReadResult | None = None
    try:
        reader = pick_reader(path, target.reader)
        outcome.reader = reader.name
        sha256 = sha256_of(path)
        if not force:  # the same content, reader and options imported already: no read
            outcome.report = skip_if_imported(
                warehouse,
                sha256,
                reader=reader.name,
                file_path=stored_path(path, root),
                source=target.source,
                options=target.options,
                timezone=spec.company.timezone,
            )
            if outcome.report is not None:
                outcome.rows_read = outcome.report.rows_read
                outcome.seconds = time.perf_counter() - started
                return outcome
        result = _stored_paths(
            reader.read(path, reader_context(spec, target.options, progress)),
            stored_path(path, root),
        )
        outcome.rows_read = result.rows_read
        outcome.rejected = len(result.rejected)
        outcome.skipped = len(result.skipped)
        outcome.warnings = list(result.warnings)
        outcome.account = account_rows(result)
        if result.loaded_rows is not None and outcome.account.unaccounted:
            outcome.warnings.append(
                f"{outcome.account.unaccounted} row(s) read were neither loaded, rejected nor "
                "skipped: this is a bug in the reader, please report it with the file"
            )
        outcome.report = load(
            warehouse,
            result,
            sha256,
            force=force,
            timezone=spec.company.timezone,
            source=target.source,
            options=target.options,
        )
    except UserError as exc:
        outcome.error = exc
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as exc:  # contained: recorded against this file, the run goes on
        outcome.error = _record_failure(
            warehouse, path, outcome.reader, result, exc, stored_path(path, root)
        )
    outcome.seconds = time.perf_counter() - started
    return outcome


def _stored_paths(result: ReadResult, stored: str) -> ReadResult:
    """The result with its file spelt as import_log keeps it (relative to the project)."""
    if result.file_path == stored:
        return result
    result.file_path = stored
    result.rejected = [replace(r, file_path=stored) for r in result.rejected]
    result.skipped = [replace(r, file_path=stored) for r in result.skipped]
    return result


def _record_failure(
    warehouse: SqlWarehouse,
    path: Path,
    reader: str | None,
    result: ReadResult | None,
    exc: Exception,
    stored: str,
) -> FileFailed:
    """A FileFailed naming the file and the error; logged as a failed import unless the
    loader has logged it already (it logs every failure inside the load itself)."""
    error = FileFailed(
        f"could not import this file: {type(exc).__name__}: {exc}",
        location=Location(str(path)),
        hint="the other files were imported; please report this error with the file "
        "(or a few rows of it) so the reader can be fixed",
    )
    if getattr(exc, "ikkan_logged", False):
        return error
    failed = result or ReadResult(
        source_system=(reader or "unknown").split("_")[0],
        reader=reader or "unknown",
        file_path=stored,
    )
    report = LoadReport("failed", stored, "", rows_read=failed.rows_read)
    report.message = f"{type(exc).__name__}: {exc}"
    try:
        log_failure(warehouse, failed, report)
    except Exception as log_exc:  # the warehouse itself is broken: say so on the outcome
        error.add_note(f"the failure could not be logged either: {log_exc}")
    return error
