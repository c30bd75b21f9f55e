"""The foundation CLI as a user runs it: init, validate, lint, plan, schema, errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

REPO = Path(__file__).resolve().parents[2]


def ikkan(*args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "160", "NO_COLOR": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "ikkan", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"ikkan {args} failed ({result.returncode}):\n{result.stderr}")
    return result


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cli")
    ikkan("init", "my-kpis", "--lang", "ja", cwd=root)
    return root / "my-kpis"


def test_version(tmp_path: Path) -> None:
    out = ikkan("--version", cwd=tmp_path).stdout
    assert out.startswith("ikkan ")


def test_init_writes_a_valid_project(demo: Path) -> None:
    assert (demo / "ikkan.yml").is_file()
    result = ikkan("validate", cwd=demo)
    assert "問題は見つかりませんでした" in result.stdout


def test_init_refuses_to_overwrite(demo: Path) -> None:
    result = ikkan("init", str(demo), cwd=demo.parent, check=False)
    assert result.returncode == 1
    assert result.stderr.startswith("Error: ")
    assert "--force" in result.stderr


def test_lint_warns_but_succeeds(demo: Path) -> None:
    result = ikkan("lint", cwd=demo)
    assert "0 error(s)" in result.stdout


def test_plan_prints_the_worked_back_tree(demo: Path) -> None:
    out = ikkan("plan", cwd=demo).stdout
    assert "年間売上" in out and "¥1,000,000,000" in out and "¥1,200,000,000" in out
    assert "商談化率" in out and "30.0%" in out
    assert "rounded up" in out  # the rounding is stated


def test_plan_json_is_complete(demo: Path) -> None:
    data = json.loads(ikkan("plan", "--json", cwd=demo).stdout)
    assert data["ikkan_plan_version"] == 1 and data["period"] == "FY2026"
    nodes = {n["id"]: n for n in data["nodes"]}
    won = nodes["new_won"]["values"]["commit"]["FY2026"]
    assert won == {"value": 150.0, "how": "solved", "unrounded": None, "from": "new_revenue"}
    assert nodes["revenue"]["values"]["stretch"]["FY2026"]["value"] == 1_200_000_000
    assert len([p for p in data["periods"] if len(p) == 7]) == 12  # the months
    assert "FY2026-H1" in data["periods"] and "FY2026-Q4" in data["periods"]
    months = [
        nodes["revenue"]["values"]["commit"][m]["value"]
        for m in data["periods"]
        if len(p := m) == 7 and p[4] == "-"
    ]
    assert sum(months) == pytest.approx(1_000_000_000)
    assert {g["node"] for g in data["gaps"]["commit"]} >= {"opportunities"}
    assert data["bottom_up"]["kgi"] == "revenue"


def test_plan_for_one_period_and_scenario(demo: Path) -> None:
    data = json.loads(
        ikkan("plan", "--json", "--period", "FY2026-H1", "--scenario", "stretch", cwd=demo).stdout
    )
    assert data["periods"] == ["FY2026-H1"] and data["scenarios"] == ["stretch"]
    text = ikkan("plan", "--period", "2027-03", cwd=demo).stdout
    assert "2027年3月" in text


def test_plan_outside_the_plan_period_is_a_clear_error(demo: Path) -> None:
    result = ikkan("plan", "--period", "FY2030", cwd=demo, check=False)
    assert result.returncode == 1
    assert "not inside the plan period FY2026" in result.stderr
    assert "Traceback" not in result.stderr


def test_plan_export_xlsx(demo: Path, tmp_path: Path) -> None:
    target = tmp_path / "plan.xlsx"
    ikkan("plan", "--export", str(target), cwd=demo)
    book = load_workbook(target)
    assert book.sheetnames[:3] == ["計画", "月次 コミット", "月次 ストレッチ"]
    plan = book["計画"]
    assert plan["A1"].value == "ID" and plan["A2"].value == "revenue"
    assert plan["F2"].value == 1_000_000_000 and plan["F2"].number_format == '"¥"#,##0'
    monthly = book["月次 コミット"]
    assert [c.value for c in monthly[1]][2] == "2026-04"


def test_schema_is_json_schema(tmp_path: Path) -> None:
    schema = json.loads(ikkan("schema", cwd=tmp_path).stdout)
    assert schema["title"].startswith("ikkan")
    assert "nodes" in schema["properties"]
    assert schema["$defs"]["NodeSpec"]["additionalProperties"] is False


def test_bad_spec_exits_1_with_located_errors_and_no_traceback(tmp_path: Path) -> None:
    (tmp_path / "ikkan.yml").write_text(
        "ikkan: 1\ncompany: {name: x}\nnodes:\n"
        "  won: {kind: KGI, formula: opps * rate}\n  rate: {kind: KPI, unit: percnt}\n",
        encoding="utf-8",
    )
    result = ikkan("validate", cwd=tmp_path, check=False)
    assert result.returncode == 1
    assert "ikkan.yml:4:29: error[unknown-name]" in result.stdout
    assert "unknown unit 'percnt'" in result.stdout
    plan = ikkan("plan", cwd=tmp_path, check=False)
    assert plan.returncode == 1 and plan.stderr.startswith("Error:")
    assert "Traceback" not in plan.stderr


def test_missing_project_is_a_hint_not_a_traceback(tmp_path: Path) -> None:
    result = ikkan("plan", cwd=tmp_path, check=False)
    assert result.returncode == 1
    assert "no ikkan.yml" in result.stderr and "ikkan init" in result.stderr


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    result = ikkan("--debug", "plan", cwd=tmp_path, check=False)
    assert result.returncode != 0 and "Traceback" in result.stderr


def test_english_template(tmp_path: Path) -> None:
    ikkan("init", "en-kpis", "--lang", "en", cwd=tmp_path)
    out = ikkan("plan", cwd=tmp_path / "en-kpis").stdout
    assert "Annual revenue" in out and "Commit" in out
