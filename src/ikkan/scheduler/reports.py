"""Scheduled review reports: after alerts, e-mail the report of the month (or fiscal quarter)
that closed last, once. "Sent" is a row of ``schedule_runs`` (step ``report:<key>``, status
ok), so a later run in the same month finds it and sends nothing; a failed send is logged as
failed and retried by the next run."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from ikkan.scheduler.runs import StepOutcome, log_end, log_start

if TYPE_CHECKING:
    from ikkan.scheduler.spec import ReportScheduleSpec
    from ikkan.warehouse.base import SqlWarehouse
    from ikkan.workspace import Workspace


def due_period(ws: Workspace, spec: ReportScheduleSpec, day: date) -> str | None:
    """The period to send on ``day``: the last closed month or quarter, only in the month
    right after it closed and from ``spec.day`` on (a quarter is not sent two months late)."""
    from ikkan.model.periods import Grain, period_containing, shift

    if day.day < spec.day:
        return None
    fy_start = ws.spec.company.fiscal_year_start
    grain = Grain.QUARTER if spec.every == "quarterly" else Grain.MONTH
    closed = shift(period_containing(day, grain, fy_start), -1, fy_start)
    last_month = shift(period_containing(day, Grain.MONTH, fy_start), -1, fy_start)
    return closed.key if closed.end == last_month.end else None


def marker(spec: ReportScheduleSpec, period: str, lang: str) -> str:
    return f"report:{period}:{spec.format}:{lang}:{','.join(sorted(spec.to))}"


def already_sent(warehouse: SqlWarehouse, step: str) -> bool:
    rows = warehouse.query(
        "SELECT COUNT(*) AS n FROM schedule_runs WHERE step = ? AND status = 'ok'", [step]
    ).to_pylist()
    return bool(rows[0]["n"])


def send_reports(
    ws: Workspace, run_id: str, slot: datetime, holder: str, now: datetime
) -> StepOutcome:
    """Send every scheduled report due on the slot's day and not sent yet."""
    from ikkan.alerts.observe import wall_clock
    from ikkan.reports.review import render_with_data
    from ikkan.reports.review.mail import send_review, smtp_from_env

    schedule = ws.spec.schedule
    assert schedule is not None
    warehouse = ws.warehouse()
    sent: list[str] = []
    failed: list[str] = []
    for spec in schedule.reports:
        period = due_period(ws, spec, slot.date())
        if period is None:
            continue
        lang = spec.lang or ws.lang
        step = marker(spec, period, lang)
        if already_sent(warehouse, step):
            continue
        log_start(warehouse, run_id, step, slot, holder, now)
        try:
            settings = smtp_from_env()
            review, data = render_with_data(ws, period, spec.format, lang)
            name = send_review(settings, review, data, spec.format, list(spec.to))
        except Exception as exc:  # logged as this report's outcome; the next run retries
            message = f"{period}: {type(exc).__name__}: {exc}"
            log_end(warehouse, run_id, step, wall_clock(ws), "failed", message)
            failed.append(message)
            continue
        message = f"{name} ({len(data):,} bytes) to {', '.join(spec.to)}"
        log_end(warehouse, run_id, step, wall_clock(ws), "ok", message)
        sent.append(message)
    if not sent and not failed:
        return StepOutcome("reports", "ok", "nothing due")
    return StepOutcome(
        "reports",
        "failed" if failed else "ok",
        "; ".join([f"sent {m}" for m in sent] + failed),
    )
