"""Write one ``ReadResult`` into the warehouse: one transaction per file.

Every canonical table of the result is upserted by primary key (see
``ikkan.warehouse.upsert``): new keys are inserted, changed rows (other ``content_hash``)
updated, identical rows left alone, and rows absent from a newer export kept. Rejected
rows go to ``rejected_rows``; the run goes to ``import_log``. A failure anywhere rolls the
whole file back, and the failed run is logged afterwards. A file whose sha256 was already
imported is recognised and skipped unless ``force`` is given.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa

from ikkan.clock import Clock, SystemClock
from ikkan.ingest.base import ReadResult, RejectedRow
from ikkan.ingest.engine.memory import release_memory
from ikkan.ingest.load_rows import prepare
from ikkan.model.canonical import IMPORT_LOG, REJECTED_ROWS, TABLES_BY_NAME
from ikkan.warehouse.arrow_schema import arrow_schema
from ikkan.warehouse.base import Session, SqlWarehouse
from ikkan.warehouse.upsert import UpsertCounts

AfterTableHook = Callable[[str, UpsertCounts], None]
"""Called inside the transaction after each table is written (progress, tests)."""

# ruff: noqa: S608 - SQL text holds only identifiers quoted by quote_ident


@dataclass(frozen=True)
class TableLoad:
    table: str
    rows: int
    inserted: int
    updated: int
    unchanged: int
    duplicate_keys: int  # rows sharing a key with a later row of the same file


@dataclass
class LoadReport:
    status: str  # ok, already_imported, failed
    file_path: str
    file_sha256: str
    import_id: int | None = None
    rows_read: int = 0
    tables: list[TableLoad] = field(default_factory=list)
    rejected: int = 0
    skipped: int = 0  # rows read and left out on purpose, listed with their reason
    superseded: int = 0  # rejects of an earlier import of this file by this source, replaced
    duration_s: float = 0.0
    previous_import_id: int | None = None
    warnings: list[str] = field(default_factory=list)
    message: str = ""

    @property
    def inserted(self) -> int:
        return sum(t.inserted for t in self.tables)

    @property
    def updated(self) -> int:
        return sum(t.updated for t in self.tables)

    @property
    def unchanged(self) -> int:
        return sum(t.unchanged for t in self.tables)

    @property
    def changes(self) -> int:
        return self.inserted + self.updated

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(inserted=self.inserted, updated=self.updated, unchanged=self.unchanged)
        return data


def import_key(file_sha256: str, reader: str, options: Mapping[str, Any] | None = None) -> str:
    """An import's identity: the file's content, the reader and its options (a generic
    mapping). The same file read by another source or through another mapping is another
    import, never "already imported"."""
    text = json.dumps(dict(options or {}), ensure_ascii=False, sort_keys=True, default=str)
    digest = hashlib.sha256("\x1f".join((file_sha256, reader, text)).encode("utf-8"))
    return digest.hexdigest()


def skip_if_imported(
    warehouse: SqlWarehouse,
    file_sha256: str,
    *,
    reader: str,
    file_path: str,
    source: str | None = None,
    options: Mapping[str, Any] | None = None,
    clock: Clock | None = None,
    timezone: str = "Asia/Tokyo",
) -> LoadReport | None:
    """Before reading: when this content went through this reader and options in an ``ok``
    import already, log the run as skipped (``rows_read`` as that import counted them) and
    return its report, without reading the file; else None (read and ``load`` it)."""
    clock = clock or SystemClock()
    zone = ZoneInfo(timezone)
    started_at = _naive(clock.now(zone))
    t0 = time.perf_counter()
    key = import_key(file_sha256, reader, options)
    warehouse.migrate()
    with warehouse.reading() as session:
        previous = _previous_import(session, key)
        if previous is None:
            return None
        source_system = session.scalar(
            'SELECT "source_system" FROM "import_log" WHERE "import_id" = ?', [previous]
        )
        rows_read = session.scalar(
            'SELECT "rows_read" FROM "import_log" WHERE "import_id" = ?', [previous]
        )
    result = ReadResult(str(source_system), reader, file_path, rows_read=int(rows_read or 0))
    report = LoadReport("ok", file_path, file_sha256, rows_read=result.rows_read)
    origin = Origin(source or f"reader:{reader}", key)
    return _skip(warehouse, result, report, origin, previous, started_at, clock, zone, t0)


def load(
    warehouse: SqlWarehouse,
    result: ReadResult,
    file_sha256: str,
    *,
    force: bool = False,
    clock: Clock | None = None,
    timezone: str = "Asia/Tokyo",
    after_table: AfterTableHook | None = None,
    source: str | None = None,
    options: Mapping[str, Any] | None = None,
) -> LoadReport:
    """Load ``result`` (read from the file with ``file_sha256``) into ``warehouse``.

    ``source``: the ikkan.yml source the file belongs to (default ``reader:<reader>``); the
    rejects of an earlier import of the same file by the same source are superseded (the
    new import's list replaces them). The "already imported" check is repeated inside the
    transaction, under the warehouse's import lock, so two concurrent runs import a file
    once. Raises whatever made the load fail, after rolling back and logging the failure.
    """
    clock = clock or SystemClock()
    zone = ZoneInfo(timezone)
    started_at = _naive(clock.now(zone))
    t0 = time.perf_counter()
    report = LoadReport("ok", result.file_path, file_sha256, rows_read=result.rows_read)
    report.warnings.extend(result.warnings)
    key = import_key(file_sha256, result.reader, options)
    origin = Origin(source or f"reader:{result.reader}", key)

    warehouse.migrate()
    if not force:
        with warehouse.reading() as session:
            previous = _previous_import(session, key)
        if previous is not None:
            return _skip(warehouse, result, report, origin, previous, started_at, clock, zone, t0)

    try:
        prepared = prepare(result, report.warnings)
        with warehouse.transaction() as session:
            warehouse.lock_imports(session)
            if not force:
                previous = _previous_import(session, key)
                if previous is not None:  # another run imported it while this one read
                    report.previous_import_id = previous
                    _mark_skipped(report, previous, t0)
                    report.import_id = session.next_import_id()
                    finished_at = _naive(clock.now(zone))
                    _insert_log(
                        session,
                        report.import_id,
                        result,
                        report,
                        started_at,
                        finished_at,
                        "skipped",
                        origin,
                    )
                    return report
            import_id = session.next_import_id()
            report.import_id = import_id
            loaded_at = started_at
            for name, (data, duplicates) in prepared.items():
                definition = TABLES_BY_NAME[name]
                rows = _with_bookkeeping(data, import_id, loaded_at)
                release_memory()  # before the warehouse adds its own on top
                counts = session.upsert(definition, rows)
                report.tables.append(
                    TableLoad(
                        name,
                        data.num_rows + duplicates,
                        counts.inserted,
                        counts.updated,
                        counts.unchanged,
                        duplicates,
                    )
                )
                if after_table is not None:
                    after_table(name, counts)
            report.superseded = _supersede_rejects(session, origin.source, result.file_path)
            _store_rejected(session, import_id, [*result.rejected, *result.skipped])
            report.rejected, report.skipped = len(result.rejected), len(result.skipped)
            report.duration_s = time.perf_counter() - t0
            report.message = _summary(report)
            finished_at = _naive(clock.now(zone))
            _insert_log(session, import_id, result, report, started_at, finished_at, "ok", origin)
    except BaseException as exc:
        report.status = "failed"
        report.message = f"{type(exc).__name__}: {exc}"
        report.duration_s = time.perf_counter() - t0
        report.tables = []
        try:
            report.import_id = _log_outside(
                warehouse, result, report, started_at, _naive(clock.now(zone)), "failed", origin
            )
        except Exception as log_exc:  # keep the original error in front of the user
            exc.add_note(f"the failed import could not be logged either: {log_exc}")
        else:
            exc.ikkan_logged = True  # type: ignore[attr-defined]
        raise
    return report


def log_failure(
    warehouse: SqlWarehouse,
    result: ReadResult,
    report: LoadReport,
    *,
    source: str | None = None,
    clock: Clock | None = None,
    timezone: str = "Asia/Tokyo",
) -> int:
    """Log a file that failed before it reached ``load`` (the reader broke on it)."""
    now = _naive((clock or SystemClock()).now(ZoneInfo(timezone)))
    warehouse.migrate()
    origin = Origin(source or f"reader:{result.reader}", "")
    return _log_outside(warehouse, result, report, now, now, "failed", origin)


@dataclass(frozen=True)
class Origin:
    """Which source an import belongs to, and its identity (``import_key``)."""

    source: str
    key: str


def _mark_skipped(report: LoadReport, previous: int, t0: float) -> None:
    report.status = "already_imported"
    report.previous_import_id = previous
    report.message = (
        f"already imported as import {previous}: the same file content through the same "
        "reader and mapping; 0 changes (--force imports it again)"
    )
    report.duration_s = time.perf_counter() - t0


def _skip(
    warehouse: SqlWarehouse,
    result: ReadResult,
    report: LoadReport,
    origin: Origin,
    previous: int,
    started_at: datetime,
    clock: Clock,
    zone: ZoneInfo,
    t0: float,
) -> LoadReport:
    _mark_skipped(report, previous, t0)
    report.import_id = _log_outside(
        warehouse, result, report, started_at, _naive(clock.now(zone)), "skipped", origin
    )
    return report


def _naive(moment: datetime) -> datetime:
    return moment.replace(tzinfo=None)


def _with_bookkeeping(data: pa.Table, import_id: int, loaded_at: datetime) -> pa.Table:
    n = data.num_rows
    data = data.append_column(
        pa.field("import_id", pa.int64(), nullable=False),
        pa.repeat(pa.scalar(import_id, pa.int64()), n),
    )
    return data.append_column(
        pa.field("loaded_at", pa.timestamp("us"), nullable=False),
        pa.repeat(pa.scalar(loaded_at, pa.timestamp("us")), n),
    )


def _supersede_rejects(session: Session, source: str, file_path: str) -> int:
    """Remove the rejects of earlier imports of this file by this source: they belong to
    those imports and the new import's list replaces them (a fixed row disappears, a
    ``--force`` re-import does not list a row twice). How many were removed."""
    where = (
        'WHERE "file_path" = ? AND "import_id" IN (SELECT "import_id" FROM "import_log" '
        'WHERE "file_path" = ? AND "source" = ?)'
    )
    count = session.scalar(
        f'SELECT count(*) FROM "rejected_rows" {where}', [file_path, file_path, source]
    )
    if count:
        session.execute(f'DELETE FROM "rejected_rows" {where}', [file_path, file_path, source])
    return int(count or 0)


SKIPPED_PREFIX = "skipped: "
"""How ``rejected_rows.reason`` marks a row left out on purpose (not an error)."""


def _store_rejected(session: Session, import_id: int, rejected: list[RejectedRow]) -> int:
    """Insert rejected and skipped rows; several reasons for one row and column are
    joined. Skipped rows' reasons start with ``SKIPPED_PREFIX``."""
    if not rejected:
        return 0
    merged: dict[tuple[str, int, str], dict[str, Any]] = {}
    for row in rejected:
        column = row.column_name or ""  # '' = the whole row (the column is part of the key)
        key = (row.file_path, row.row_number, column)
        if key in merged:
            if row.reason not in merged[key]["reason"]:
                merged[key]["reason"] += "; " + _reason(row)
            continue
        merged[key] = {
            "import_id": import_id,
            "file_path": row.file_path,
            "row_number": row.row_number,
            "column_name": column,
            "raw_value": row.raw_value,
            "reason": _reason(row),
            "raw_record": _json(row.raw_record),
        }
    table = pa.Table.from_pylist(list(merged.values()), schema=arrow_schema(REJECTED_ROWS))
    session.insert_arrow(REJECTED_ROWS, table)
    return len(rejected)


def _reason(row: RejectedRow) -> str:
    return SKIPPED_PREFIX + row.reason if row.skipped else row.reason


def _json(record: Mapping[str, Any] | None) -> str | None:
    if record is None:
        return None
    return json.dumps(dict(record), ensure_ascii=False, default=str)


def _previous_import(session: Session, key: str) -> int | None:
    value = session.scalar(
        'SELECT max("import_id") FROM "import_log" WHERE "import_key" = ? AND "status" = \'ok\'',
        [key],
    )
    return None if value is None else int(value)


def _summary(report: LoadReport) -> str:
    text = (
        f"{report.inserted} inserted, {report.updated} updated, "
        f"{report.unchanged} unchanged, {report.rejected} rejected"
    )
    return text + (f", {report.skipped} skipped" if report.skipped else "")


def _insert_log(
    session: Session,
    import_id: int,
    result: ReadResult,
    report: LoadReport,
    started_at: datetime,
    finished_at: datetime,
    status: str,
    origin: Origin,
) -> None:
    row = {
        "import_id": import_id,
        "source_system": result.source_system,
        "reader": result.reader,
        "file_path": result.file_path,
        "file_sha256": report.file_sha256,
        "started_at": started_at,
        "finished_at": finished_at,
        "status": status,
        "rows_read": result.rows_read,
        "inserted": report.inserted,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "rejected": report.rejected,
        "message": report.message,
        "source": origin.source,
        "import_key": origin.key,
    }
    session.insert_arrow(IMPORT_LOG, pa.Table.from_pylist([row], schema=arrow_schema(IMPORT_LOG)))


def _log_outside(
    warehouse: SqlWarehouse,
    result: ReadResult,
    report: LoadReport,
    started_at: datetime,
    finished_at: datetime,
    status: str,
    origin: Origin,
) -> int:
    """Log a run that wrote no data (skipped or failed) in its own transaction."""
    with warehouse.transaction() as session:
        import_id = session.next_import_id()
        _insert_log(session, import_id, result, report, started_at, finished_at, status, origin)
        return import_id
