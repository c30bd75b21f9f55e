"""`status --period ALL / a range`, `status --series` and `explain --period` as a user runs
them (real processes, a DuckDB project of its own)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.cli.test_cli_plan import ikkan
from tests.services.measure_support import PROJECT, rows
from tests.services.test_refresh_support import load

from ikkan.workspace import Workspace


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cli-periods")
    (root / "ikkan.yml").write_text(PROJECT, encoding="utf-8")
    ws = Workspace.open(root)
    load(ws.warehouse(), 1, **rows())
    ws.warehouse().close()
    ikkan("refresh", cwd=root)
    return root


def test_status_all_time_json(project: Path) -> None:
    data = json.loads(ikkan("status", "--period", "ALL", "--json", cwd=project).stdout)
    assert (data["period"], data["period_start"], data["period_end"]) == (
        "ALL",
        "2026-04-01",
        "2026-06-20",
    )
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes["won"]["actual"] == 93 and nodes["leads"]["actual"] == 234
    assert (nodes["win_rate"]["numerator"], nodes["win_rate"]["denominator"]) == (90, 234)


def test_status_range_table_and_series(project: Path) -> None:
    out = ikkan("status", "--period", "2026-05-01..2026-05-31", cwd=project).stdout
    assert "2026-05-01 to 2026-05-31" in out and "38.5% (30 / 78)" in out
    series = ikkan(
        "status", "--series", "leads", "--by", "channel", "--top", "3", cwd=project
    ).stdout
    lines = [line for line in series.splitlines() if line.startswith("2026-")]
    assert [line.split()[0] for line in lines] == ["2026-04", "2026-05", "2026-06"]
    # c12, c11, c10 bring 12, 11, 10 leads a month; 45 from the 9 others; 78 in all
    assert all(line.split()[1:] == ["12", "11", "10", "45", "78"] for line in lines)
    assert "others (9)" in series


def test_explain_a_range_and_bad_ranges(project: Path) -> None:
    out = ikkan("explain", "leads", "--period", "2026-05-01..2026-05-31", cwd=project).stdout
    assert "range" in out and "78" in out
    bad = ikkan("status", "--period", "2026-05-31..2026-05-01", cwd=project, check=False)
    assert bad.returncode == 1 and "ends before it starts" in bad.stderr
    assert "2026-05-01..2026-05-31" in bad.stderr and "Traceback" not in bad.stderr


def test_explain_shows_the_full_effective_metric(project: Path) -> None:
    """The defaults a metric counts by are printed, not only the keys the YAML gave."""
    won = ikkan("explain", "won", cwd=project).stdout
    assert '"type":"deal_count"' in won and '"status":"won"' in won, won
    rate = ikkan("explain", "win_rate", cwd=project).stdout
    assert '"basis":"period"' in rate and '"mode":"strict"' in rate, rate  # funnel.mode
    leads = ikkan("explain", "leads", cwd=project).stdout
    assert '"stage":"lead"' in leads and '"filters"' not in leads, leads  # none given
