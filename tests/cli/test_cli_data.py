"""ingest / quality / refresh / status / explain as a user runs them (real processes)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.cli.test_cli_plan import ikkan

from ikkan.demo import generate_exports
from ikkan.project.scaffold import template_text


def _new_project(root: Path) -> Path:
    (root / "ikkan.yml").write_text(template_text("ja"), encoding="utf-8")
    generate_exports(root / "exports", leads=1200, seed=3)
    return root


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An ingested and refreshed project (each test stands on its own)."""
    root = _new_project(tmp_path_factory.mktemp("cli-data"))
    ikkan("ingest", cwd=root)
    ikkan("refresh", cwd=root)
    return root


def test_ingest_reports_per_file_and_is_idempotent(tmp_path: Path) -> None:
    project = _new_project(tmp_path)
    first = json.loads(ikkan("ingest", "--json", cwd=project).stdout)
    assert len(first) > 10
    assert sum(f["load"]["inserted"] for f in first) > 1000
    assert any(f["rejected"] for f in first)  # the planted bad rows
    second = json.loads(ikkan("ingest", "--json", cwd=project).stdout)
    assert {f["load"]["status"] for f in second} == {"already_imported"}
    text = ikkan("ingest", "exports/hubspot", cwd=project).stdout
    assert "hubspot_contacts" in text and "取込済" in text  # the project is Japanese


def test_ingest_by_reader_family_and_source_name(project: Path) -> None:
    rows = json.loads(ikkan("ingest", "hubspot", "exports/hubspot", "--json", cwd=project).stdout)
    assert {r["reader"] for r in rows} == {"hubspot_contacts", "hubspot_deals"}
    wrong = ikkan("ingest", "hubspot", "exports/ga4", cwd=project, check=False)
    assert wrong.returncode == 1 and "does not look like a hubspot export" in wrong.stderr
    rows = json.loads(ikkan("ingest", "exports", "--json", cwd=project).stdout)
    assert len(rows) > 10  # 'exports' is the source declared in the template
    typo = ikkan("ingest", "hubspt", "x.csv", cwd=project, check=False)
    assert typo.returncode == 1 and "did you mean 'hubspot'" in typo.stderr


def test_ingest_of_an_unknown_file_is_a_clear_error(project: Path, tmp_path: Path) -> None:
    strange = tmp_path / "strange.csv"
    strange.write_bytes("品目,数量\nりんご,3\n".encode("cp932"))
    result = ikkan("ingest", str(strange), cwd=project, check=False)
    assert result.returncode == 1
    assert "cannot tell which tool exported this file" in result.stderr
    assert "strange.csv:1" in result.stderr  # file and row
    assert "generic" in result.stderr and "Traceback" not in result.stderr


def test_quality_lists_findings(project: Path) -> None:
    data = json.loads(ikkan("quality", "--json", cwd=project).stdout)
    checks = {f["check"] for f in data["findings"]}
    assert "rejected_rows" in checks
    assert "duplicate" in ikkan("quality", cwd=project).stdout


def test_rejects_lists_each_quarantined_row(project: Path) -> None:
    rows = json.loads(ikkan("rejects", "--json", cwd=project).stdout)
    assert rows and all(r["row_number"] > 1 and r["reason"] for r in rows)
    dates = [r for r in rows if "not a valid date" in r["reason"]]
    assert dates and all(r["column_name"] and r["raw_value"] for r in dates)
    only = json.loads(ikkan("rejects", "--json", "--file", "deals", cwd=project).stdout)
    assert only and all("deals" in r["file_path"] for r in only)


def test_refresh_then_status(project: Path) -> None:
    out = ikkan("refresh", "--full", cwd=project).stdout
    assert "Computed" in out
    assert "Up to date" in ikkan("refresh", cwd=project).stdout
    status = json.loads(ikkan("status", "--period", "FY2026-H1", "--json", cwd=project).stdout)
    nodes = {n["id"]: n for n in status["nodes"]}
    assert nodes["revenue"]["actual"] > 0 and nodes["revenue"]["commit"] > 0
    assert status["bottleneck"]["gap"] == pytest.approx(
        sum(c["contribution"] for c in status["bottleneck"]["contributions"] if c["leaf"]),
        rel=1e-6,
        abs=1.0,
    )
    text = ikkan("status", "--period", "2026-10", "--by", "channel", cwd=project).stdout
    assert "年間売上" in text and "ボトルネック" in text and "paid_search" in text


def test_status_errors_name_the_fix(project: Path) -> None:
    result = ikkan("status", "--by", "campaign", cwd=project, check=False)
    assert result.returncode == 1 and "measure.dimensions" in result.stderr
    result = ikkan("status", "--period", "2026-10-05", cwd=project, check=False)
    assert result.returncode == 1 and "measure.grains" in result.stderr


def test_checklist(project: Path) -> None:
    out = ikkan("status", "--checklist", "--lang", "en", cwd=project).stdout
    assert "✔" in out and "KGI" in out


def test_explain(project: Path) -> None:
    out = ikkan("explain", "opportunity_rate", cwd=project).stdout
    assert "SELECT" in out.upper() and "商談化率" in out
    result = ikkan("explain", "oportunity_rate", cwd=project, check=False)
    assert result.returncode == 1 and "did you mean 'opportunity_rate'" in result.stderr
