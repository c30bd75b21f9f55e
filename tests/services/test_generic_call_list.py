"""A call list with no id and no date column, loaded through ``identity: content`` and
``default_date: file_name`` on DuckDB and PostgreSQL: every call counted once (repeated rows
too), the date stated in the import report and in ``explain``, re-imports change nothing."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

import pytest

from ikkan.warehouse.testing import postgres_test_url, require_postgres
from ikkan.workspace import Workspace
from tests.ingest.test_generic_mapping import CALLS

PROJECT = """\
ikkan: 1
company: {name: Calls, currency: JPY, locale: en, timezone: Asia/Tokyo}
sources:
  calls:
    reader: generic
    path: data/
    options:
      mapping:
        table: activities
        source_system: calls
        columns: {detail: Outcome}
        constants: {activity_type: call}
        identity: content
        default_date: file_name
measure: {grains: [month], dimensions: [detail]}
nodes:
  calls:
    kind: KGI
    label: Calls made
    unit: count
    target: 10
    metric: {type: activity_count, activity: call}
"""


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def workspace(request: pytest.FixtureRequest, tmp_path: Path) -> Workspace:
    root = tmp_path / "project"
    (root / "data").mkdir(parents=True)
    (root / "ikkan.yml").write_text(PROJECT, encoding="utf-8")
    (root / "data" / "calls_2024-05-07.csv").write_text(CALLS, encoding="utf-8")
    (root / "data" / "calls_2024-06-03.csv").write_text(CALLS.splitlines()[0] + "\nMori,,busy\n")
    if request.param == "postgres":
        require_postgres()
        url = postgres_test_url(f"ikkan_test_{uuid.uuid4().hex[:12]}")
    else:
        url = "duckdb://" + str(tmp_path / "w.duckdb")
    ws = Workspace.open(root, warehouse_url=url)
    yield ws
    warehouse = ws.warehouse()
    warehouse.close()
    drop = getattr(warehouse, "drop_schema", None)
    if drop is not None:
        drop()


def test_call_list_without_id_or_date(workspace: Workspace) -> None:
    assert workspace.validate() == []
    first = workspace.ingest()
    assert [o.report.inserted for o in first] == [4, 1]
    (note,) = [w for w in first[0].warnings if "dated" in w]
    assert (
        "4 row(s) have no occurred_at" in note
        and "2024-05-07 (the date in the file's name; default_date)" in note
    )
    again = workspace.ingest(force=True)
    assert [(o.report.inserted, o.report.unchanged) for o in again] == [(0, 4), (0, 1)]
    workspace.refresh(as_of=date(2024, 6, 30))
    rows = (
        workspace.warehouse()
        .query(
            "SELECT period, value FROM kpi_values WHERE node_id = 'calls' AND grain = 'month' "
            "AND dimension = '' ORDER BY period"
        )
        .to_pylist()
    )
    assert [(r["period"], r["value"]) for r in rows] == [("2024-05", 4.0), ("2024-06", 1.0)]
    explained = workspace.explain("calls")
    (line,) = explained["row_dates"]
    assert "source 'calls' (activities): every row is dated the date in the file's name" in line


def test_explain_on_the_command_line_states_the_default_date(tmp_path: Path) -> None:
    from tests.cli.test_cli_plan import ikkan

    root = tmp_path / "calls"
    (root / "data").mkdir(parents=True)
    (root / "ikkan.yml").write_text(PROJECT, encoding="utf-8")
    (root / "data" / "calls_2024-05-07.csv").write_text(CALLS, encoding="utf-8")
    report = ikkan("ingest", cwd=root).stdout
    assert "dated 2024-05-07 (the date in the file's name; default_date)" in report
    out = ikkan("explain", "calls", cwd=root).stdout
    assert "dates: source 'calls' (activities): every row is dated the date in the file's" in out
