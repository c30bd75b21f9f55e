"""The Alerts page over a real ``ikkan serve``: firing alerts listed, acknowledge and mute
through the forms (CSRF token required), the JSON twin, and the history."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from ikkan.alerts.engine import run_alerts
from ikkan.alerts.history import load_instances
from ikkan.clock import FixedClock
from ikkan.workspace import Workspace
from tests.alerts.conftest import AlertDemo
from tests.web.conftest import add_users, free_port, sign_in


@pytest.fixture
def served(alert_demo: AlertDemo, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    root = tmp_path / "p"
    shutil.copytree(alert_demo.root, root)
    with Workspace.open(root).warehouse().transaction() as session:
        for table in ("alert_state", "alert_history", "alert_outbox"):
            session.execute(f"DELETE FROM {table}")
    ws = Workspace.open(root, clock=FixedClock(alert_demo.imported_at + timedelta(minutes=5)))
    assert any(a.notice.kind == "firing" for a in run_alerts(ws).alerts)
    add_users(root)
    port = free_port()
    ikkan = Path(sys.executable).parent / "ikkan"
    proc = subprocess.Popen(
        [str(ikkan), "--project", str(root), "serve", "--port", str(port), "--no-schedule"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(base + "/api/health/ready", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        yield base, root
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_alerts_page_ack_and_mute(served: tuple[str, Path]) -> None:
    base, root = served
    with httpx.Client(base_url=base, follow_redirects=False, timeout=30) as http:
        assert http.get("/alerts").status_code in (302, 303, 401)  # sign-in first
        assert sign_in(http, "aiko").status_code == 303  # an admin
        page = http.get("/alerts?lang=en")
        assert page.status_code == 200
        assert 'aria-current="page">Alerts<' in page.text
        firing = re.findall(r'data-rule="([^"]*)" data-instance="([^"]*)"', page.text)
        assert firing, "the demo's firing alerts are listed"
        rule, instance = firing[0]
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token
        form = {"rule": rule, "instance": instance}
        # without the session's token, or with another one: refused, nothing changes
        assert http.post("/alerts/ack", data=form).status_code == 403
        assert http.post("/alerts/ack", data={**form, "csrf_token": "forged"}).status_code == 403
        assert not load_instances(Workspace.open(root).warehouse(), rule)[instance].acknowledged
        done = http.post("/alerts/ack", data={**form, "csrf_token": token.group(1)})
        assert done.status_code == 303 and done.headers["location"] == "/alerts"
        assert load_instances(Workspace.open(root).warehouse(), rule)[instance].acknowledged
        until = "2099-01-04T09:00"
        muted = http.post(
            "/alerts/mute", data={**form, "csrf_token": token.group(1), "until": until}
        )
        assert muted.status_code == 303
        state = load_instances(Workspace.open(root).warehouse(), rule)[instance]
        assert state.muted_until is not None and state.muted_until.year == 2099
        # the page shows it at once (live, not the snapshot), and the history has both
        again = http.get("/alerts?lang=en").text
        assert "Acknowledged" in again and "Muted (until" in again
        api = http.get("/api/alerts?lang=en").json()
        row = next(i for i in api["instances"] if (i["rule"], i["instance"]) == (rule, instance))
        assert row["acknowledged"] and row["muted_until"]
        events = [e["event"] for e in api["history"] if e["rule"] == rule]
        assert "acknowledge" in events and "mute" in events
        mute_row = next(e for e in api["history"] if e["event"] == "mute")
        assert "by aiko" in mute_row["detail"]
        # a mute end in the past is a clear error
        past = http.post(
            "/alerts/mute",
            data={**form, "csrf_token": token.group(1), "until": "2000-01-01T00:00"},
        )
        assert past.status_code == 400 and "not in the future" in past.text
    # a viewer sees the page but may not acknowledge
    with httpx.Client(base_url=base, follow_redirects=False, timeout=30) as viewer:
        assert sign_in(viewer, "yui").status_code == 303
        page = viewer.get("/alerts?lang=en")
        assert page.status_code == 200
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert csrf
        refused = viewer.post("/alerts/ack", data={**form, "csrf_token": csrf.group(1)})
        assert refused.status_code == 403


def test_rules_and_backtests_on_the_page_are_the_cli_figures(served: tuple[str, Path]) -> None:
    """Each rule is listed with its condition, channels, schedule and mutes, and the
    backtest the page shows is what ``ikkan alerts test RULE --json`` prints (a real
    subprocess), month by month."""
    import json

    base, root = served
    with httpx.Client(base_url=base, follow_redirects=False, timeout=120) as http:
        assert sign_in(http, "aiko").status_code == 303
        api = http.get("/api/alerts?lang=en").json()
        shell = http.get("/alerts?lang=en").text  # the rules come after the page (htmx)
        page = http.get("/alerts/rules?lang=en").text
    assert 'hx-get="/alerts/rules?lang=en"' in shell and 'id="alert-rules"' not in shell
    rules = {r["rule"]: r for r in api["rules"]}
    assert set(rules) == set(Workspace.open(root).spec.alerts)
    sla = rules["mql_first_contact"]
    assert sla["condition"] == "mql → call/connect/meeting, 24 business hours"
    assert rules["opportunities_target"]["condition"] == "margin 10%"
    assert rules["exports_stale"]["condition"] == "7 days"
    ikkan = Path(sys.executable).parent / "ikkan"
    for rule_id, shown in rules.items():
        done = subprocess.run(
            [str(ikkan), "--project", str(root), "alerts", "test", rule_id, "--json"],
            capture_output=True,
            text=True,
            check=True,
        )
        cli = json.loads(done.stdout)
        web = shown["backtest"]
        for key in ("alerts", "breaches", "judged", "evaluations", "since", "until", "months"):
            assert web[key] == cli[key], (rule_id, key)
        assert len(cli["months"]) in (12, 13)
        assert sum(m["alerts"] for m in cli["months"]) == cli["alerts"]
        row = re.search(
            rf'<tr data-rule="{rule_id}" data-alerts="(\d+)" data-breaches="(\d+)"', page
        )
        assert row and (int(row.group(1)), int(row.group(2))) == (cli["alerts"], cli["breaches"])
    assert sla["backtest"]["alerts"] > 0  # the demo's SLA would have fired
