"""ikkan leads score / show, ikkan scoring quality / whatif / publish / log as a user runs
them (real processes) on a demo project with the template's default scoring section, and
the spec's errors at their YAML line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ikkan.demo import generate_exports
from ikkan.project.scaffold import template_text
from ikkan.workspace import Workspace
from tests.cli.test_cli_plan import ikkan


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("scoring-cli")
    (root / "ikkan.yml").write_text(template_text("en"), encoding="utf-8")
    generate_exports(root / "exports", leads=1200, seed=5)
    ikkan("ingest", cwd=root)
    ikkan("refresh", cwd=root)  # scores the leads too
    return root


def test_refresh_scored_every_lead(project: Path) -> None:
    ws = Workspace.open(project)
    counts = (
        ws.warehouse()
        .query(
            "SELECT (SELECT count(*) FROM leads) AS leads, (SELECT count(*) FROM lead_scores) "
            "AS scores, (SELECT count(*) FROM lead_score_reasons WHERE rule_id = "
            "'webinar_attendance') AS attended"
        )
        .to_pylist()[0]
    )
    assert counts["scores"] == counts["leads"] > 1000
    assert counts["attended"] > 0  # the demo's Zoom attendance reaches leads by e-mail


def test_leads_score_and_show(project: Path) -> None:
    scored = json.loads(ikkan("leads", "score", "--json", cwd=project).stdout)
    assert scored["leads"] > 1000 and sum(scored["cells"].values()) == scored["leads"]
    ws = Workspace.open(project)
    key = (
        ws.warehouse()
        .query(
            "SELECT lead_key FROM lead_score_reasons WHERE rule_id = 'webinar_attendance' "
            "ORDER BY lead_key LIMIT 1"
        )
        .to_pylist()[0]["lead_key"]
    )
    shown = json.loads(ikkan("leads", "show", key, "--json", cwd=project).stdout)
    assert shown["lead_key"] == key
    assert sum(r["points"] for r in shown["reasons"]) == pytest.approx(shown["score"])
    assert shown["history"][-1]["score"] == pytest.approx(shown["score"])
    text = ikkan("leads", "show", key, cwd=project).stdout
    assert "Webinar attendance" in text and "total" in text and "MQL" in text
    missing = ikkan("leads", "show", "nobody@example.com", cwd=project, check=False)
    assert missing.returncode == 1 and "no lead 'nobody@example.com'" in missing.stderr


def test_quality_whatif_publish_log(project: Path, tmp_path: Path) -> None:
    figures = json.loads(ikkan("scoring", "quality", "--json", cwd=project).stdout)["figures"]
    assert figures["leads"] > 0
    assert sum(g["leads"] for g in figures["cells"]) == figures["leads"]
    assert 0.0 <= figures["auc_opportunity"] <= 1.0
    new = tmp_path / "new.yml"
    new.write_text("mql: {min_score: 40}\n", encoding="utf-8")
    compared = json.loads(
        ikkan("scoring", "whatif", "--rules", str(new), "--json", cwd=project).stdout
    )
    assert compared["current"]["mql"] == figures["mql"]["mql"]
    assert compared["current"]["auc_opportunity"] == pytest.approx(figures["auc_opportunity"])
    assert compared["new"]["mql"] >= 0
    ikkan("scoring", "publish", "--by", "tanaka", "--why", "first version", cwd=project)
    again = ikkan("scoring", "publish", "--why", "same", cwd=project, check=False)
    assert again.returncode == 1 and "already published" in again.stderr
    log = json.loads(ikkan("scoring", "log", "--json", cwd=project).stdout)
    assert [(v["version"], v["published_by"], v["why"]) for v in log] == [
        (1, "tanaka", "first version")
    ]


def test_bad_rules_file_names_its_line(project: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("fit:\n  rules:\n    x: {field: industry, points: 5}\nmql: {cells: [D1]}\n")
    result = ikkan("scoring", "whatif", "--rules", str(bad), cwd=project, check=False)
    assert result.returncode == 1
    assert "bad.yml:3" in result.stderr and "exactly one condition" in result.stderr
    assert "bad.yml:4" in result.stderr and "'D1' is not a cell" in result.stderr


SPEC = """ikkan: 1
company: {name: Test}
scoring:
  fit:
    rules:
      size: {field: employes, gte: 100, points: 30}
      sector: {field: industry, gte: 3, points: 5}
      range: {field: employees, gte: 300, lt: 100, points: 5}
    caps: {sise: 10}
"""

SCHEMA = """ikkan: 1
company: {name: Test}
scoring:
  engagement:
    rules:
      web: {activity: webinar, points: 5}
  mql: {cells: [A1-B4]}
"""


def test_spec_errors_at_their_lines(write_project: Any) -> None:
    issues = Workspace.open(write_project(SPEC)).issues
    by_line = {i.location.line: i for i in issues if i.location is not None}
    assert sorted(by_line) == [6, 7, 8, 9]
    assert "unknown lead field 'employes'" in by_line[6].message
    assert "employees" in (by_line[6].hint or "")
    assert "is text" in by_line[7].message and "equals" in (by_line[7].hint or "")
    assert "is empty" in by_line[8].message
    assert "sise" in by_line[9].message and "size" in (by_line[9].hint or "")


def test_schema_errors_at_their_lines(write_project: Any, tmp_path: Path) -> None:
    issues = Workspace.open(write_project(SCHEMA)).issues
    by_line = {i.location.line: i for i in issues if i.location is not None}
    assert "unknown activity type" in by_line[6].message
    assert "'A1-B4' is not a cell" in by_line[7].message
