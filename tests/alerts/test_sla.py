"""The handoff SLA on the Japanese business calendar: weekends, holidays, business-hour
edges, company closures; then per owner on a real warehouse."""

from __future__ import annotations

import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from ikkan.alerts.engine import run_alerts
from ikkan.alerts.messages import message_for
from ikkan.alerts.sla import LeadClock, SlaCase, per_owner
from ikkan.clock import FixedClock
from ikkan.monitor.calendar import BusinessCalendar
from ikkan.workspace import Workspace
from tests.alerts.conftest import AlertDemo

CAL = BusinessCalendar(company_holidays=frozenset({date(2026, 11, 27)}))


def _deadline(entered: datetime, hours: float) -> datetime:
    """The calendar's arithmetic; ``tests/compute/test_sla.py`` checks that the SQL every
    SLA rule and metric runs gives the same deadlines."""
    return CAL.add_business_hours(entered, hours)


@pytest.mark.parametrize(
    ("entered", "hours", "deadline"),
    [
        # Friday 17:00 + 8 business hours: 1 h on Friday, 7 h on Monday → Monday 16:00
        (datetime(2026, 11, 13, 17, 0), 8, datetime(2026, 11, 16, 16, 0)),
        # Friday 2026-11-20 17:00: Monday 11-23 is 勤労感謝の日 → Tuesday 16:00
        (datetime(2026, 11, 20, 17, 0), 8, datetime(2026, 11, 24, 16, 0)),
        # entered at 20:00: the clock starts at 09:00 the next business day
        (datetime(2026, 11, 17, 20, 0), 2, datetime(2026, 11, 18, 11, 0)),
        # entered on Saturday: from Monday's opening
        (datetime(2026, 11, 14, 10, 0), 1, datetime(2026, 11, 16, 10, 0)),
        # a deadline exactly at closing time stays on that day
        (datetime(2026, 11, 17, 9, 0), 9, datetime(2026, 11, 17, 18, 0)),
        # 24 business hours = 2 days and 6 hours of 9-hour days
        (datetime(2026, 11, 16, 9, 0), 24, datetime(2026, 11, 18, 15, 0)),
        # a company holiday (Friday 11-27) is skipped like a weekend
        (datetime(2026, 11, 26, 17, 0), 2, datetime(2026, 11, 30, 10, 0)),
        # 年末年始 (12/29-1/3) closure: Monday 12-28 17:00 + 2 h → Monday 2027-01-04 10:00
        (datetime(2026, 12, 28, 17, 0), 2, datetime(2027, 1, 4, 10, 0)),
    ],
)
def test_deadlines_on_the_business_calendar(
    entered: datetime, hours: float, deadline: datetime
) -> None:
    assert _deadline(entered, hours) == deadline


def test_attainment_per_owner() -> None:
    entered = datetime(2026, 11, 16, 9, 0)  # deadline 11-16 17:00 with 8 h
    due = datetime(2026, 11, 16, 17, 0)
    later = datetime(2026, 11, 17, 9, 0)

    def case(key: str, owner: str, status: str, start: datetime = entered) -> SlaCase:
        return SlaCase(LeadClock(key, owner, start, None), due, status, None)

    cases = [
        case("met", "佐藤", "met"),
        case("late", "佐藤", "late"),
        case("breach", "佐藤", "breaching"),
        case("future", "佐藤", "breaching"),
        case("open", "鈴木", "open", later),
    ]
    owners = per_owner(cases)
    assert [c.lead.lead_key for c in owners["佐藤"].breaching] == ["breach", "future"]
    assert owners["佐藤"].attainment == 0.25
    assert owners["鈴木"].attainment is None and owners["鈴木"].open == 1


def test_sla_rule_names_the_owner(alert_demo: AlertDemo, tmp_path: Path) -> None:
    root = tmp_path / "p"
    shutil.copytree(alert_demo.root, root)
    ws = Workspace.open(root)  # the template's rule: MQL → first contact in 24 business hours
    assert ws.spec.alerts["mql_first_contact"].window == timedelta(days=30)
    wh = ws.warehouse()
    with wh.transaction() as session:  # the shared demo may hold state at a later clock
        for table in ("alert_state", "alert_history", "alert_outbox"):
            session.execute(f"DELETE FROM {table}")
    # the MQLs of the last 30 days, with their owners; contacts for all but the latest two
    now = alert_demo.imported_at + timedelta(hours=1)  # after the import: no stale alert
    mqls = wh.query(
        "SELECT s.lead_key, s.entered_at, l.owner, l.email FROM lead_stages s "
        "JOIN leads l USING (lead_key) WHERE s.stage = 'mql' AND l.owner IS NOT NULL "
        "AND s.entered_at >= ? ORDER BY s.entered_at DESC, s.lead_key",
        [now.replace(tzinfo=None) - timedelta(days=30)],
    ).to_pylist()
    assert len(mqls) >= 6
    with wh.transaction() as session:
        session.execute(
            "DELETE FROM activities WHERE activity_type IN ('call', 'connect', 'meeting')"
        )
        for i, row in enumerate(mqls[2:]):
            contact = row["entered_at"] + timedelta(minutes=30)
            session.execute(
                "INSERT INTO activities (activity_key, source_system, lead_key, email, "
                "occurred_at, activity_type, content_hash, import_id, loaded_at) "
                "VALUES (?, 'test', ?, ?, ?, 'call', 'h', 0, ?)",
                # half by lead key, half by e-mail only
                [f"t{i}", row["lead_key"] if i % 2 else None, row["email"], contact, contact],
            )
    ws = Workspace.open(root, clock=FixedClock(now))
    result = run_alerts(ws)
    sla = [e for e in result.evaluated if e.rule_id == "mql_first_contact"]
    firing = {e.instance for e in sla if e.state.state == "firing"}
    assert firing == {mqls[0]["owner"], mqls[1]["owner"]}
    assert all(not e.inhibited for e in sla)
    breaching = next(e for e in sla if e.instance == mqls[0]["owner"])
    assert breaching.finding.observed == (2 if mqls[0]["owner"] == mqls[1]["owner"] else 1)
    alert = next(a for a in result.alerts if a.rule_id == "mql_first_contact")
    message = message_for(ws, alert, lang="en")
    assert message.owner == alert.instance and message.owner in firing
    assert "not contacted within 24 business hours" in message.why


def test_the_demo_call_log_keeps_and_breaches_the_sla(alert_demo: AlertDemo) -> None:
    """The demo's calls/ log (the template's calls source) gives the default SLA rule kept
    and late first contacts, and live breaches at the end of the data."""
    from ikkan.alerts.backtest import backtest

    ws = alert_demo.open(alert_demo.imported_at + timedelta(hours=1))
    calls = (
        ws.warehouse()
        .query(
            "SELECT activity_type, count(*) AS n FROM activities WHERE source_system = 'calls' "
            "GROUP BY 1 ORDER BY 1"
        )
        .to_pylist()
    )
    assert {r["activity_type"] for r in calls} == {"call", "connect", "meeting"}
    result = backtest(ws, "mql_first_contact")
    late = [h for h in result.hits if h.finding.observed is not None]
    never = [h for h in result.hits if h.finding.observed is None]
    assert result.judged > 100 and late and never
    assert 0.05 < len(result.hits) / result.judged < 0.3  # most MQLs are called in time
    assert all(h.dimension_value and h.dimension_value != "(unassigned)" for h in result.hits)
    assert all(h.finding.observed is None or h.finding.observed > 24 for h in result.hits)
