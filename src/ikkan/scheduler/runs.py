"""The ``schedule_runs`` log: one row per run and step (status, message). Read by the
pipeline, the reports step, the import_failed / refresh_failed alert rules, Data health
and ``ikkan schedule status``; it imports nothing of the alerts or the pipeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ikkan.warehouse.base import SqlWarehouse


@dataclass(frozen=True)
class StepOutcome:
    step: str
    status: str  # ok, failed, skipped
    message: str = ""


def log_start(
    warehouse: SqlWarehouse, run_id: str, step: str, slot: datetime, holder: str, at: datetime
) -> None:
    with warehouse.transaction() as session:
        session.execute(
            "INSERT INTO schedule_runs (run_id, step, slot, holder, started_at, status) "
            "VALUES (?, ?, ?, ?, ?, 'running')",
            [run_id, step, slot, holder, at],
        )


def log_end(
    warehouse: SqlWarehouse, run_id: str, step: str, at: datetime, status: str, message: str
) -> None:
    with warehouse.transaction() as session:
        session.execute(
            "UPDATE schedule_runs SET finished_at = ?, status = ?, message = ? "
            "WHERE run_id = ? AND step = ?",
            [at, status, message, run_id, step],
        )


def recent_runs(warehouse: SqlWarehouse, limit: int = 20) -> list[dict[str, object]]:
    """The latest runs with their steps, newest first (Data health, ``schedule status``)."""
    rows: list[dict[str, object]] = warehouse.query(
        "SELECT run_id, step, slot, holder, started_at, finished_at, status, message "
        "FROM schedule_runs WHERE run_id IN (SELECT run_id FROM schedule_runs "
        "WHERE step = 'run' ORDER BY started_at DESC LIMIT ?) "
        "ORDER BY started_at DESC, step",
        [limit],
    ).to_pylist()
    return rows


def last_step(warehouse: SqlWarehouse, step: str) -> dict[str, object] | None:
    """The latest finished (ok or failed) run of ``step``, for import_failed/refresh_failed."""
    rows = warehouse.query(
        "SELECT status, message, finished_at FROM schedule_runs "
        "WHERE step = ? AND status IN ('ok', 'failed') ORDER BY finished_at DESC LIMIT 1",
        [step],
    ).to_pylist()
    return rows[0] if rows else None
