"""The handoff SLA live per lead (``ikkan alerts sla``, ``/alerts/sla``, ``/api/alerts/sla``):
on a copy of the demo whose call log is replaced by a known one (every MQL of the window
called 30 minutes after entry except two, every older MQL never called), the board lists
exactly the two uncalled leads with the deadline and elapsed business hours the business
calendar gives, and per owner the counts and attainments counted here; on the demo's own
call log, the per-owner breaches are those the alert rule fires on."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from ikkan.alerts.engine import run_alerts
from ikkan.alerts.sla_live import boards_json, sla_boards
from ikkan.alerts.sla_read import UNASSIGNED
from ikkan.clock import FixedClock
from ikkan.workspace import Workspace
from tests.alerts.conftest import AlertDemo
from tests.cli.test_cli_plan import ikkan
from tests.web.conftest import NOW, add_users, new_client

RULE = "mql_first_contact"
WALL = datetime(2026, 11, 20, 12, 0)  # NOW (the web tests' clock) on the project's wall clock
HISTORY = 90


@dataclass
class Known:
    root: Path
    uncalled: list[dict[str, Any]]  # the two MQLs of the window left without a call
    window: list[dict[str, Any]]  # every MQL of the window (first entry, owner)
    older: list[dict[str, Any]]  # MQLs of the history span before the window


def _copy(alert_demo: AlertDemo, root: Path) -> Path:
    shutil.copytree(alert_demo.root, root)
    with Workspace.open(root).warehouse().transaction() as session:
        for table in ("alert_state", "alert_history", "alert_outbox"):
            session.execute(f"DELETE FROM {table}")
    return root


@pytest.fixture(scope="module")
def known(alert_demo: AlertDemo, tmp_path_factory: pytest.TempPathFactory) -> Known:
    root = _copy(alert_demo, tmp_path_factory.mktemp("sla-live") / "p")
    wh = Workspace.open(root).warehouse()
    # the demo's last MQL is days old: one lead becomes an MQL two hours before now (open)
    fresh = wh.query(
        "SELECT lead_key FROM leads WHERE owner IS NOT NULL AND lead_key NOT IN "
        "(SELECT lead_key FROM lead_stages WHERE stage = 'mql') ORDER BY lead_key LIMIT 1"
    ).to_pylist()[0]["lead_key"]
    with wh.transaction() as session:
        session.execute(
            "INSERT INTO lead_stages (lead_key, stage, entered_at, source, content_hash, "
            "import_id, loaded_at) VALUES (?, 'mql', ?, 'test', 'h', 0, ?)",
            [fresh, WALL - timedelta(hours=2), WALL],
        )
    mqls = wh.query(
        "SELECT f.lead_key, f.entered_at, l.owner FROM (SELECT lead_key, min(entered_at) "
        "AS entered_at FROM lead_stages WHERE stage = 'mql' GROUP BY lead_key) f "
        "LEFT JOIN leads l USING (lead_key) WHERE f.entered_at >= ? AND f.entered_at < ? "
        "ORDER BY f.entered_at DESC, f.lead_key",
        [WALL - timedelta(days=HISTORY), WALL],
    ).to_pylist()
    for row in mqls:
        row["owner"] = row["owner"] or UNASSIGNED
    window = [r for r in mqls if r["entered_at"] >= WALL - timedelta(days=30)]
    older = [r for r in mqls if r["entered_at"] < WALL - timedelta(days=30)]
    assert len(window) >= 10 and older
    assert window[0]["lead_key"] == fresh
    uncalled = [window[0], window[-1]]  # the latest (still open) and the oldest (breached)
    with wh.transaction() as session:
        session.execute(
            "DELETE FROM activities WHERE activity_type IN ('call', 'connect', 'meeting')"
        )
        for i, row in enumerate(window[1:-1]):
            at = row["entered_at"] + timedelta(minutes=30)
            session.execute(
                "INSERT INTO activities (activity_key, source_system, lead_key, email, "
                "occurred_at, activity_type, content_hash, import_id, loaded_at) "
                "VALUES (?, 'test', ?, NULL, ?, 'call', 'h', 0, ?)",
                [f"t{i}", row["lead_key"], at, at],
            )
    return Known(root, uncalled, window, older)


def _expected_leads(ws: Workspace, known: Known) -> list[dict[str, Any]]:
    calendar = ws.calendar()
    out = []
    for row in known.uncalled:
        deadline = calendar.add_business_hours(row["entered_at"], 24)
        elapsed = round(calendar.business_hours_between(row["entered_at"], WALL), 2)
        out.append(
            {
                "lead_key": row["lead_key"],
                "owner": row["owner"],
                "entered_at": row["entered_at"].isoformat(sep=" ", timespec="minutes"),
                "elapsed_hours": elapsed,
                "allowed_hours": 24.0,
                "left_hours": round(24 - elapsed, 2),
                "deadline": deadline.isoformat(sep=" ", timespec="minutes"),
                "status": "breaching" if deadline < WALL else "open",
            }
        )
    return sorted(out, key=lambda x: (x["status"] != "breaching", x["deadline"]))


def test_known_breach_per_lead_and_owner(known: Known) -> None:
    ws = Workspace.open(known.root, clock=NOW)
    (board,) = boards_json(sla_boards(ws, WALL, history_days=HISTORY))["rules"]
    want = _expected_leads(ws, known)
    assert [x["status"] for x in want] == ["breaching", "open"]  # the fixture's two kinds
    got = [{k: v for k, v in x.items() if k != "name"} for x in board["leads"]]
    assert got == want
    assert all(x["name"] for x in board["leads"])  # company / person, not only the key
    assert (board["breaching"], board["at_risk"]) == (1, 1)
    # per owner: the called leads are met, the uncalled split as above
    met = Counter(r["owner"] for r in known.window[1:-1])
    owners = {o["owner"]: o for o in board["owners"]}
    assert {o: owners[o]["met"] for o in met} == dict(met)
    assert sum(o["late"] for o in owners.values()) == 0
    assert owners[want[0]["owner"]]["breaching"] == 1
    assert owners[want[1]["owner"]]["at_risk"] >= 1
    due = len(known.window) - 1  # all but the open one
    assert board["attainment"] == pytest.approx((len(known.window) - 2) / due)
    # the older MQLs were never called: all breached in the 90-day history
    assert board["history_attainment"] == pytest.approx(
        (len(known.window) - 2) / (due + len(known.older))
    )
    worst = board["owners"][0]
    assert worst["breaching"] == max(o["breaching"] for o in owners.values())


def test_owner_filter_and_unknown_rule(known: Known) -> None:
    ws = Workspace.open(known.root, clock=NOW)
    owner = known.uncalled[0]["owner"]
    (board,) = boards_json(sla_boards(ws, WALL, owner=owner))["rules"]
    assert board["leads"] and {x["owner"] for x in board["leads"]} == {owner}
    assert [o["owner"] for o in board["owners"]] == [owner]
    assert owner in board["owner_choices"] and len(board["owner_choices"]) > 1
    result = ikkan("alerts", "sla", "--rule", "nope", cwd=known.root, check=False)
    assert result.returncode == 1
    assert "'nope' is not an SLA alert rule" in result.stderr and RULE in result.stderr


def test_cli_matches_the_service(known: Known) -> None:
    ws = Workspace.open(known.root, clock=NOW)
    want = boards_json(sla_boards(ws, WALL, rule_id=RULE))
    out = ikkan("alerts", "sla", "--json", "--now", WALL.isoformat(), cwd=known.root)
    assert json.loads(out.stdout) == json.loads(json.dumps(want))
    # the same moment given with an offset (UTC) reads the same board
    utc = "2026-11-20T03:00:00+00:00"
    again = ikkan("alerts", "sla", "--json", "--now", utc, "--rule", RULE, cwd=known.root)
    assert json.loads(again.stdout) == json.loads(out.stdout)
    text = ikkan("alerts", "sla", "--now", WALL.isoformat(), "--lang", "en", cwd=known.root)
    lead = known.uncalled[-1]  # the breached one: its owner and entry are printed
    assert "BREACHED" in text.stdout and "h left" in text.stdout
    assert lead["entered_at"].strftime("%Y-%m-%d %H:%M") in text.stdout


@pytest.fixture(scope="module")
def web(known: Known) -> Iterator[httpx.Client]:
    add_users(known.root)
    yield from new_client(known.root, "yui")  # a viewer may read it


def test_api_and_page(known: Known, web: httpx.Client) -> None:
    ws = Workspace.open(known.root, clock=NOW)
    response = web.get("/api/alerts/sla?lang=en")
    assert response.status_code == 200, response.text
    data = response.json()
    want = json.loads(json.dumps(boards_json(sla_boards(ws, WALL))))
    assert data["rules"] == want["rules"]
    owner = known.uncalled[0]["owner"]
    one = web.get("/api/alerts/sla", params={"owner": owner, "days": 30}).json()
    assert {x["owner"] for x in one["rules"][0]["leads"]} == {owner}
    assert one["rules"][0]["history_days"] == 30
    bad = web.get("/api/alerts/sla?rule=nope")
    assert bad.status_code == 400 and RULE in bad.json()["hint"]
    assert web.get("/api/alerts/sla?days=0").status_code == 422
    page = web.get("/alerts/sla?lang=ja")
    assert page.status_code == 200
    assert "引き継ぎSLA" in page.text and "超過" in page.text
    for lead in want["rules"][0]["leads"]:
        assert f'data-lead="{lead["lead_key"]}"' in page.text
    english = web.get("/alerts/sla", params={"lang": "en", "owner": owner})
    assert "Handoff SLA" in english.text and "Per owner" in english.text
    assert f'<option value="{owner}" selected>' in english.text
    assert 'href="/alerts/sla' in web.get("/alerts?lang=en").text  # linked from Alerts


def test_demo_breaches_are_the_firing_alerts(alert_demo: AlertDemo, tmp_path: Path) -> None:
    """On the demo's own call log, each owner's breaching leads are the count the SLA rule
    fires on for that owner, and every breached lead is past its allowed hours."""
    root = _copy(alert_demo, tmp_path / "p")
    now = alert_demo.imported_at.replace(tzinfo=None) + timedelta(hours=1)
    ws = Workspace.open(root, clock=FixedClock(alert_demo.imported_at + timedelta(hours=1)))
    out = ikkan("alerts", "sla", "--json", "--now", now.isoformat(), cwd=root)
    (board,) = json.loads(out.stdout)["rules"]
    assert board["breaching"] > 0, "the demo's call log leaves live breaches"
    firing = {
        e.instance: e.finding.observed
        for e in run_alerts(ws).evaluated
        if e.rule_id == RULE and e.state.state == "firing"
    }
    breaching = {o["owner"]: o["breaching"] for o in board["owners"] if o["breaching"]}
    assert breaching == firing
    for lead in board["leads"]:
        late = lead["elapsed_hours"] >= lead["allowed_hours"]
        assert late == (lead["status"] == "breaching"), lead
