"""Data health: imports, rejected rows, quality findings and the refresh."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ikkan.web.filters import Filters
from ikkan.web.i18n import TEXT, Formatter
from ikkan.web.store import Snapshot
from ikkan.web.views.common import (
    STALE_DAYS,
    header,
    status_of,
)


def health_view(snap: Snapshot, f: Filters, fmt: Formatter, busy: bool) -> dict[str, Any]:
    ws = snap.ws
    today = ws.today()
    imports = (
        ws.warehouse()
        .query(
            "SELECT source_system, reader, file_path, started_at, finished_at, status, rows_read,"
            " inserted, updated, unchanged, rejected, message FROM import_log"
            " ORDER BY import_id DESC"
        )
        .to_pylist()
    )
    latest: dict[str, dict[str, Any]] = {}
    for row in imports:
        latest.setdefault(row["source_system"], row)
    sources = []
    for name, row in sorted(latest.items()):
        finished = row["finished_at"]
        age = (today - finished.date()).days if isinstance(finished, datetime) else None
        sources.append(
            {
                "source": name,
                "file": row["file_path"],
                "finished": fmt.datetime(finished),
                "age_days": age,
                "stale": age is not None and age > STALE_DAYS,
                "rows": row["rows_read"],
                "rejected": row["rejected"],
                "status": row["status"],
                "message": row["message"],
            }
        )
    rejects = ws.rejected_rows(limit=200)
    quality = snap.quality
    findings = []
    if quality is not None:
        for q in quality.findings:
            findings.append(
                {
                    "check": q.check,
                    "severity": q.severity,
                    "count": q.count,
                    "message": q.message,
                    "hint": q.hint,
                }
            )
    report = status_of(snap, f)
    runs = (
        ws.warehouse()
        .query(
            "SELECT slot, step, status, started_at, finished_at, message FROM schedule_runs"
            " ORDER BY started_at DESC LIMIT 40"
        )
        .to_pylist()
    )
    return {
        "runs": [
            {
                "slot": fmt.datetime(r["slot"]),
                "step": r["step"],
                "status": r["status"],
                "started": fmt.datetime(r["started_at"]),
                "finished": fmt.datetime(r["finished_at"]),
                "message": r["message"] or "",
            }
            for r in runs
        ],
        "header": header(snap, report, f, fmt),
        "sources": sources,
        "imports": len(imports),
        "rejects": [
            {
                "file": r["file_path"],
                "row": r["row_number"],
                "column": r["column_name"],
                "value": r["raw_value"],
                "reason": r["reason"],
            }
            for r in rejects
        ],
        "quality": findings,
        "quality_error": snap.quality_error,
        "refresh": {
            "computed_at": str(report.computed_at) if report.computed_at else None,
            "computed_text": fmt.datetime(report.computed_at),
            "snapshot_taken": snap.taken_at.isoformat(timespec="seconds"),
            "busy": busy,
            "status": TEXT[f.lang]["refresh_busy" if busy else "refresh_ok"],
        },
    }
