"""``ikkan targets|actions|notes|checkins`` as a user runs them: revise with a reason and see
the plan move, export and import YAML and CSV (errors by row and column, formula guard),
log actions, notes and check-ins."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import yaml
from tests.cli.test_cli_plan import ikkan


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("IKKAN_STATE_URL", raising=False)
    monkeypatch.setenv("IKKAN_USER", "mei")
    ikkan("init", "kpis", "--lang", "en", cwd=tmp_path)
    return tmp_path / "kpis"


def commit_plan(root: Path) -> dict[str, float]:
    document = json.loads(ikkan("plan", "--json", "--scenario", "commit", cwd=root).stdout)
    period = document["period"]
    return {
        n["id"]: n["values"]["commit"][period]["value"]
        for n in document["nodes"]
        if n["values"]["commit"][period]
    }


def test_revise_moves_the_plan_and_the_history_keeps_it(project: Path) -> None:
    before = commit_plan(project)
    out = ikkan(
        "targets", "revise", "win_rate", "0.25", "--reason", "new demo script", cwd=project
    ).stdout
    assert "revision #1" in out and "opportunities" in out  # a derived target that moved
    after = commit_plan(project)
    assert after["win_rate"] == 0.25 and before["win_rate"] == 0.2
    assert after["opportunities"] < before["opportunities"]
    history = json.loads(ikkan("targets", "history", "--json", cwd=project).stdout)
    assert history[0]["by"] == "mei" and history[0]["reason"] == "new demo script"
    assert (history[0]["old"], history[0]["new"], history[0]["status"]) == (0.2, 0.25, "applies")
    explained = ikkan("explain", "win_rate", cwd=project).stdout
    assert "commit target: 0.25 (revision #1)" in explained
    assert "stretch target: 0.22 (ikkan.yml)" in explained
    assert "effect: " in explained and "Student's t" in " ".join(explained.split())
    refused = ikkan(
        "targets", "revise", "win_rate", "0.3", "--reason", " ", cwd=project, check=False
    )
    assert refused.returncode == 1 and "reason" in refused.stderr


def test_help_states_the_precedence_rule(project: Path) -> None:
    out = ikkan("targets", "--help", cwd=project).stdout
    assert "newest revision wins" in " ".join(out.split())


def test_export_and_import_both_ways(project: Path) -> None:
    ikkan("targets", "revise", "revenue", "1100000000", "--reason", '=HYPERLINK("x")', cwd=project)
    exported = ikkan("targets", "export", "--format", "yaml", cwd=project).stdout
    rows = yaml.safe_load(exported)["targets"]
    revenue = next(r for r in rows if r["node"] == "revenue" and r["scenario"] == "commit")
    assert revenue["value"] == 1_100_000_000 and revenue["source"] == "revision #1"
    # CSV: the reason that looks like a formula is defused
    ikkan("targets", "export", "targets.csv", cwd=project)
    text = (project / "targets.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text
    table = list(csv.DictReader(io.StringIO(text)))
    for row in table:
        if row["node"] == "win_rate" and row["scenario"] == "commit":
            row["value"] = "24%"
            row["reason"] = "quarterly review"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(table[0]))
    writer.writeheader()
    writer.writerows(table)
    (project / "targets.csv").write_text(buffer.getvalue(), encoding="utf-8")
    out = ikkan("targets", "import", "targets.csv", cwd=project).stdout
    assert "1 target(s) revised" in out
    assert commit_plan(project)["win_rate"] == pytest.approx(0.24)
    # YAML back in (a fresh export): change the stretch of revenue
    exported = ikkan("targets", "export", "--format", "yaml", cwd=project).stdout
    rows = yaml.safe_load(exported)["targets"]
    for row in rows:
        if row["node"] == "revenue" and row["scenario"] == "stretch":
            row["value"] = 1_300_000_000
            row["reason"] = "stretch for the new product"
    (project / "targets.yml").write_text(yaml.safe_dump({"targets": rows}), encoding="utf-8")
    out = ikkan("targets", "import", "targets.yml", cwd=project).stdout
    assert "1 target(s) revised" in out


def test_import_names_every_bad_row_and_column_and_imports_nothing(project: Path) -> None:
    (project / "bad.csv").write_text(
        "node,scenario,period,value,reason\n"
        "win_rate,commit,plan,abc,why\n"
        "win_rat,commit,plan,0.3,why\n"
        "revenue,best,plan,1,why\n"
        "revenue,commit,2031-01,1,why\n"
        "win_rate,stretch,plan,0.3,\n"
        "win_rate,commit,plan,0.2,\n",
        encoding="utf-8",
    )
    result = ikkan("targets", "import", "bad.csv", cwd=project, check=False)
    assert result.returncode == 1
    err = result.stderr
    assert "bad.csv row 2, column value: 'abc' is not a number" in err
    assert "bad.csv row 4, column scenario" in err
    assert "nothing imported" in err
    (project / "bad3.csv").write_text(
        "node,scenario,period,value,reason\nwin_rate,stretch,plan,0.3,\nwin_rate,commit,plan,0.2,\n",
        encoding="utf-8",
    )
    err = ikkan("targets", "import", "bad3.csv", cwd=project, check=False).stderr
    assert "bad3.csv row 2, column reason: empty for a changed target" in err
    assert "row 3" not in err  # unchanged (0.2 is the YAML target): no reason needed
    (project / "bad2.csv").write_text(
        "node,scenario,period,value,reason\nwin_rat,commit,plan,0.3,why\n"
        "revenue,commit,2031-01,1,why\n",
        encoding="utf-8",
    )
    err = ikkan("targets", "import", "bad2.csv", cwd=project, check=False).stderr
    assert "row 2, column node: unknown node 'win_rat'" in err and "win_rate" in err
    assert "row 3, column period" in err
    (project / "bad.yml").write_text("targets:\n  - {node: revenue, scenario: commit}\n")
    err = ikkan("targets", "import", "bad.yml", cwd=project, check=False).stderr
    assert "bad.yml:2, column value" in err
    assert json.loads(ikkan("targets", "history", "--json", cwd=project).stdout) == []


def test_actions_notes_and_checkins(project: Path) -> None:
    out = ikkan(
        "actions",
        "add",
        "opportunity_rate",
        "IS call script v2",
        "--start",
        "2026-09-01",
        "--end",
        "2026-10-31",
        "--hypothesis",
        "better discovery",
        "--expect",
        "5%..15%",
        "--json",
        cwd=project,
    ).stdout
    action = json.loads(out)
    assert action["expected_low"] == 0.05 and action["expected_high"] == 0.15
    assert action["actor"] == "mei" and action["status"] == "planned"
    done = json.loads(ikkan("actions", "done", str(action["id"]), "--json", cwd=project).stdout)
    assert done["status"] == "done"
    assert done["effect"]["verdict"] == "not_enough_history"  # no data imported here
    listed = ikkan("actions", "list", "--lang", "en", cwd=project).stdout
    assert "IS call script v2" in listed and "not enough history" in listed
    bad = ikkan(
        "actions",
        "add",
        "opportunity_rate",
        "x",
        "--start",
        "2026-10-02",
        "--end",
        "2026-10-01",
        cwd=project,
        check=False,
    )
    assert bad.returncode == 1 and "before the start" in bad.stderr
    ikkan(
        "notes",
        "add",
        "opportunity_rate",
        "顧客の声: 導入事例がほしい",
        "--kind",
        "customer_voice",
        cwd=project,
    )
    notes = json.loads(ikkan("notes", "list", "--json", cwd=project).stdout)
    assert notes[0]["body"] == "顧客の声: 導入事例がほしい" and notes[0]["kind"] == "customer_voice"
    ikkan(
        "checkins",
        "add",
        "opportunity_rate",
        "at_risk",
        "--value",
        "0.22",
        "--comment",
        "slow month",
        cwd=project,
    )
    checkins = json.loads(ikkan("checkins", "list", "--json", cwd=project).stdout)
    assert (checkins[0]["status"], checkins[0]["value"]) == ("at_risk", 0.22)
