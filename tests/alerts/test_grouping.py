"""Mute calendars, grouping per owner and digests: pure checks, then end to end on the
demo with a real webhook receiver on loopback."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from pydantic import TypeAdapter, ValidationError

from ikkan.alerts.calendars import MuteEntry, quiet_reason
from ikkan.alerts.delivery import queue_alerts, send_due
from ikkan.alerts.engine import run_alerts
from ikkan.alerts.grouping import group_messages
from ikkan.clock import FixedClock
from ikkan.monitor.calendar import BusinessCalendar
from ikkan.workspace import Workspace
from tests.alerts.conftest import AlertDemo
from tests.alerts.test_delivery import MESSAGE, Receiver, receiver  # noqa: F401 - fixture

ENTRIES = TypeAdapter(list[MuteEntry])


def _quiet(entries: list[object], at: datetime) -> str | None:
    return quiet_reason(at, ENTRIES.validate_python(entries), BusinessCalendar())


def test_mute_calendars() -> None:
    saturday = datetime(2026, 11, 21, 10, 0)
    labour_day = datetime(2026, 11, 23, 10, 0)  # 勤労感謝の日, a Monday
    tuesday = datetime(2026, 11, 24, 10, 0)
    assert _quiet(["weekends"], saturday) == "weekends"
    assert _quiet(["weekends"], labour_day) is None
    assert _quiet(["holidays"], labour_day) == "holidays"
    assert _quiet(["holidays"], datetime(2026, 12, 30, 10)) == "holidays"  # 年末年始 closure
    assert _quiet(["weekends", "holidays"], tuesday) is None
    assert _quiet(["closed"], saturday) == "closed"
    assert _quiet(["after_hours"], tuesday) is None
    assert _quiet(["after_hours"], tuesday.replace(hour=18)) == "after_hours"  # 18:00 closes
    assert _quiet(["after_hours"], tuesday.replace(hour=8, minute=59)) == "after_hours"
    year_end = {"name": "年末年始", "from": "12-28", "to": "01-04"}
    assert _quiet([year_end], datetime(2027, 1, 4, 23)) == "年末年始"  # wraps the year
    assert _quiet([year_end], datetime(2027, 1, 5, 0)) is None
    gw = {"name": "GW", "from": "2027-04-29", "to": "2027-05-05"}
    assert _quiet([gw], datetime(2027, 5, 5, 12)) == "GW"
    assert _quiet([gw], datetime(2028, 5, 5, 12)) is None  # dates, not every year


@pytest.mark.parametrize(
    ("entry", "error"),
    [
        ("sundays", "unknown mute calendar 'sundays'"),
        ({"name": "x", "from": "12-28", "to": "2027-01-04"}, "both be MM-DD"),
        ({"name": "x", "from": "2027-05-05", "to": "2027-04-29"}, "is after"),
        ({"name": "x", "from": "02-30", "to": "03-01"}, "not a day of the year"),
    ],
)
def test_mute_calendar_errors(entry: object, error: str) -> None:
    with pytest.raises(ValidationError, match=error):
        ENTRIES.validate_python([entry])


def test_group_per_owner() -> None:
    a1 = replace(MESSAGE, key="a1", owner="marketing", department="marketing")
    a2 = replace(MESSAGE, key="a2", owner="marketing", department="marketing", rule="other")
    b1 = replace(MESSAGE, key="b1", owner="inside_sales / 佐藤", department="inside_sales")
    grouped = group_messages([a1, b1, a2], "owner")
    assert [g.items for g in grouped] == [(a1, a2), ()]
    assert grouped[1] is b1  # a group of one is the alert itself
    assert grouped[0].subject == "[ikkan] marketing: アラート 2 件"
    assert "MQLペース遅れ" in grouped[0].text() and grouped[0].text().count("実績: 97") == 2
    # the key follows the alerts it carries: the same run regrouped is the same message
    assert group_messages([a2, a1], "owner")[0].key == grouped[0].key
    digest = group_messages([a1, b1], "none", digest="2026-11-24 09:00")
    assert len(digest) == 1 and digest[0].items == (a1, b1)
    assert digest[0].subject == "[ダイジェスト 2026-11-24 09:00] アラート 2 件"
    back = type(MESSAGE).from_json(json.loads(json.dumps(digest[0].to_json())))
    assert back == digest[0]


NOTIFY = """
notify:
  lang: en
  channels:
    hook: {{type: webhook, url: "{url}", secret: "k3y"}}
{extra}"""


MORE_RULES = """\
  mql_floor: {node: mql, kind: threshold, value: 1_000_000_000_000}  # marketing: always breached
  win_rate_floor: {node: win_rate, kind: threshold, value: 2}   # sales
  new_won_floor: {node: new_won, kind: threshold, value: 1_000_000_000_000}  # sales
"""


def _project(alert_demo: AlertDemo, tmp_path: Path, url: str, extra: str) -> Path:
    root = tmp_path / "project"
    shutil.copytree(alert_demo.root, root)
    spec = root / "ikkan.yml"
    text = spec.read_text(encoding="utf-8").replace("\nalerts:\n", "\nalerts:\n" + MORE_RULES)
    text += NOTIFY.format(url=url, extra=extra)
    spec.write_text(text, encoding="utf-8")
    with Workspace.open(root).warehouse().transaction() as session:
        for table in ("alert_state", "alert_history", "alert_outbox", "schedule_lease"):
            session.execute(f"DELETE FROM {table}")
    return root


def _run(root: Path, at: datetime) -> tuple[list[str], object]:
    ws = Workspace.open(root, clock=FixedClock(at))
    result = run_alerts(ws)
    queue_alerts(ws, result.alerts, result.at)
    report = send_due(ws, result.at)
    return [a.key for a in result.alerts], (result, report)


def _day_after(alert_demo: AlertDemo, weekday: int, hour: int) -> datetime:
    """The first ``weekday`` (0 = Monday) after the demo's import, at ``hour``."""
    day: date = alert_demo.imported_at.date() + timedelta(days=1)
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return datetime.combine(day, time(hour), alert_demo.imported_at.tzinfo)


def test_group_by_owner_sends_one_message_per_owner(
    alert_demo: AlertDemo,
    receiver: Receiver,  # noqa: F811
    tmp_path: Path,
) -> None:
    root = _project(alert_demo, tmp_path, receiver.url, "  group_by: owner\n")
    keys, (result, _) = _run(root, _day_after(alert_demo, 2, 10))
    assert len(keys) >= 4, "several rules fire on the demo"
    ws = Workspace.open(root)
    owners = {}
    for alert in result.alerts:  # type: ignore[attr-defined]
        node = ws.tree.nodes[alert.node] if alert.node else None  # type: ignore[union-attr]
        if str(ws.spec.alerts[alert.rule_id].kind) == "sla":  # the lead owner's alert
            owner = alert.instance
        else:
            owner = node.department if node else None
        owners.setdefault(owner, []).append(alert.key)
    bodies = [json.loads(body) for _, body in receiver.requests]
    assert len(owners) >= 3 and len(bodies) == len(owners)  # one request per owner
    sales = [b for b in bodies if b["owner"] == "sales"]
    assert len(sales) == 1 and {i["rule"] for i in sales[0]["items"]} == {
        "win_rate_floor",
        "new_won_floor",
    }
    assert sales[0]["subject"] == "[ikkan] sales: 2 alerts"
    carried = sorted(
        k for b in bodies for k in ([i["key"] for i in b["items"]] if b["items"] else [b["key"]])
    )
    assert carried == sorted(keys)  # every alert exactly once


def test_daily_digest_and_weekend_mute(
    alert_demo: AlertDemo,
    receiver: Receiver,  # noqa: F811
    tmp_path: Path,
) -> None:
    extra = "  digest: daily\n  group_by: owner\n  mute: [weekends]\n"
    root = _project(alert_demo, tmp_path, receiver.url, extra)
    saturday = _day_after(alert_demo, 5, 10)
    keys, (result, _) = _run(root, saturday)
    assert keys == [] and receiver.requests == []  # firing, but muted on weekends
    firing = [e for e in result.evaluated if e.state.state == "firing"]  # type: ignore[attr-defined]
    assert firing and all(e.muted_by == "weekends" for e in firing)
    monday = saturday + timedelta(days=2)  # 10:00, after the 09:00 digest time
    keys, _ = _run(root, monday)
    assert keys, "announced at the first evaluation after the mute"
    assert receiver.requests == []  # held for the digest: queued after today's 09:00
    ws = Workspace.open(root)
    held = ws.warehouse().query("SELECT count(*) AS n FROM alert_outbox WHERE status = 'held'")
    assert held.to_pylist()[0]["n"] == len(keys)
    tuesday = monday + timedelta(days=1, hours=-0.5)  # 09:30: the digest goes out
    again, _ = _run(root, tuesday)
    assert again == []
    bodies = [json.loads(body) for _, body in receiver.requests]
    assert bodies and all(b["kind"] == "digest" for b in bodies)
    assert all(b["subject"].startswith(f"[Digest {tuesday:%Y-%m-%d} 09:00]") for b in bodies)
    assert sorted(i["key"] for b in bodies for i in b["items"]) == sorted(keys)
    _run(root, tuesday + timedelta(hours=1))  # the same digest slot: nothing more
    assert len(receiver.requests) == len(bodies)


def test_weekly_digest_goes_out_on_monday_morning_only(
    alert_demo: AlertDemo,
    receiver: Receiver,  # noqa: F811
    tmp_path: Path,
) -> None:
    """``digest: weekly``: every notification of the week is held until Monday 09:00, then
    goes out as one digest per channel (group_by none); what a run queues after 09:00 on
    Monday waits for the next Monday."""
    root = _project(alert_demo, tmp_path, receiver.url, "  digest: weekly\n")
    tuesday = _day_after(alert_demo, 1, 10)
    before: list[str] = []
    for moment in (
        tuesday,
        tuesday + timedelta(days=1, hours=-0.5),  # Wednesday 09:30: not a digest day
        tuesday + timedelta(days=5, hours=-0.5),  # Sunday 09:30
        tuesday + timedelta(days=6, hours=-1.5),  # Monday 08:30: before the digest time
    ):
        keys, _ = _run(root, moment)
        before += keys
        assert receiver.requests == [], f"nothing goes out before Monday 09:00 ({moment})"
    assert before, "the demo's rules fire during the week"
    ws = Workspace.open(root)
    held = "SELECT count(*) AS n FROM alert_outbox WHERE status = 'held'"
    assert ws.warehouse().query(held).to_pylist()[0]["n"] == len(before)
    monday = tuesday + timedelta(days=6, hours=-0.5)  # 09:30
    assert monday.weekday() == 0
    after, _ = _run(root, monday)
    bodies = [json.loads(body) for _, body in receiver.requests]
    assert len(bodies) == 1 and bodies[0]["kind"] == "digest"
    assert bodies[0]["subject"].startswith(f"[Digest {monday:%Y-%m-%d} 09:00]")
    assert sorted(i["key"] for i in bodies[0]["items"]) == sorted(before)  # each once
    # queued at 09:30, after this week's digest time: held for next Monday
    assert ws.warehouse().query(held).to_pylist()[0]["n"] == len(after)
    _run(root, monday + timedelta(days=1))  # Tuesday: the weekly slot is spent
    assert len(receiver.requests) == 1
