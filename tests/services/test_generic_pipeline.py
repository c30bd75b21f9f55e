"""A CRM pipeline export (one status column, an agent column, side files for agents and
accounts) through the generic mapping into a project, on DuckDB and PostgreSQL: won count,
win rate, and breakdowns by looked-up manager / region / sector equal a csv computation;
``validate`` puts each mapping mistake at its ikkan.yml line."""

from __future__ import annotations

import csv
import uuid
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
import yaml

from ikkan.errors import ProjectInvalid
from ikkan.warehouse.testing import postgres_test_url, require_postgres
from ikkan.workspace import Workspace
from tests.ingest.test_generic_mapping import ACCOUNTS, PIPELINE, TEAMS

DEALS_SOURCE = """\
  pipeline:
    reader: generic
    path: data/sales_pipeline.csv
    options:
      mapping:
        table: deals
        source_system: crm
        columns:
          source_id: opportunity_id
          stage: deal_stage
          is_won: deal_stage
          is_closed: deal_stage
          owner: sales_agent
          created_at: engage_date
          closed_at: close_date
          amount: close_value
        value_maps:
          is_won: {Won: true, "*": false}
          is_closed: {Won: true, Lost: true, "*": false}
        constants: {currency: USD, deal_type: new}
        lookups:
          - {file: sales_teams.csv, key: sales_agent, match: owner,
             columns: {manager: manager, region: regional_office}}
          - {file: accounts.csv, key: account, match_column: account,
             columns: {industry: sector}}
"""

PROJECT = """\
ikkan: 1
company: {name: Pipeline sample, currency: USD, locale: en, timezone: UTC, fiscal_year_start: 1}
funnel: {stages: [engaged, won], mode: strict}
plan: {period: FY2017}
sources:
__SOURCES__measure:
  grains: [month, quarter, fiscal_year]
  dimensions: [manager, region, industry]
nodes:
  won_deals:
    kind: KGI
    label: Won deals
    unit: count
    formula: closed_deals * win_rate
    target: 10
    metric: {type: deal_count, status: won}
  closed_deals:
    kind: KPI
    label: Closed deals
    unit: count
    assumption: 10
    metric: {type: deal_count, status: closed}
  win_rate:
    kind: KPI
    label: Win rate
    unit: ratio
    assumption: 50%
  central_won:
    kind: KPI
    label: Won deals in the Central office
    unit: count
    parent: won_deals
    metric: {type: deal_count, status: won, filters: {region: Central}}
"""


def _write(root: Path, sources: str = DEALS_SOURCE) -> Path:
    (root / "data").mkdir(parents=True, exist_ok=True)
    (root / "data" / "sales_pipeline.csv").write_text(PIPELINE, encoding="utf-8")
    (root / "data" / "sales_teams.csv").write_text(TEAMS, encoding="utf-8")
    (root / "data" / "accounts.csv").write_text(ACCOUNTS, encoding="utf-8")
    (root / "ikkan.yml").write_text(PROJECT.replace("__SOURCES__", sources), encoding="utf-8")
    return root


def _independent(root: Path) -> dict[str, Counter[str]]:
    def rows(name: str) -> list[dict[str, str]]:
        with (root / "data" / name).open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    teams = {r["sales_agent"]: r for r in rows("sales_teams.csv")}
    sectors = {r["account"]: r["sector"] for r in rows("accounts.csv")}
    out: dict[str, Counter[str]] = {
        "manager": Counter(),
        "region": Counter(),
        "industry": Counter(),
    }
    for row in rows("sales_pipeline.csv"):
        if row["deal_stage"] != "Won":
            continue
        team = teams.get(row["sales_agent"])
        out["manager"][team["manager"] if team else "(none)"] += 1
        out["region"][team["regional_office"] if team else "(none)"] += 1
        out["industry"][sectors.get(row["account"], "(none)")] += 1
    return out


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def workspace(request: pytest.FixtureRequest, tmp_path: Path) -> Workspace:
    root = _write(tmp_path / "project")
    if request.param == "postgres":
        require_postgres()
        url = postgres_test_url(f"ikkan_test_{uuid.uuid4().hex[:12]}")
    else:
        url = "duckdb://" + str(tmp_path / "w.duckdb")
    ws = Workspace.open(root, warehouse_url=url)
    assert ws.validate() == []
    outcomes = ws.ingest()
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    ws.refresh(as_of=date(2017, 12, 31))
    yield ws
    warehouse = ws.warehouse()
    warehouse.close()
    drop = getattr(warehouse, "drop_schema", None)
    if drop is not None:
        drop()


def test_won_count_win_rate_and_lookup_breakdowns_match_the_csv(workspace: Workspace) -> None:
    expected = _independent(workspace.root)
    status = workspace.status(period="FY2017", as_of=date(2017, 12, 31))
    assert status.nodes["won_deals"].actual == 3
    assert status.nodes["closed_deals"].actual == 5
    assert status.nodes["central_won"].actual == expected["region"]["Central"] == 2
    for dimension in ("manager", "region", "industry"):
        rows = workspace.warehouse().query(
            "SELECT dimension_value, value FROM kpi_values WHERE node_id = 'won_deals' "
            "AND grain = 'fiscal_year' AND period = 'FY2017' AND dimension = ?",
            [dimension],
        )
        got = {r["dimension_value"]: r["value"] for r in rows.to_pylist() if r["value"]}
        assert got == dict(expected[dimension]), dimension


def _located(root: Path, sources: str) -> dict[str, int | None]:
    _write(root, sources)
    issues = Workspace.open(root).validate()
    return {i.message: i.location.line if i.location else None for i in issues}


def _line_of(root: Path, text: str) -> int:
    lines = (root / "ikkan.yml").read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if text in line)


@pytest.mark.parametrize(
    ("old", "new", "expected", "line_text"),
    [
        ("source_id: opportunity_id", "account_key: account", "source_id is required", "columns:"),
        ("stage: deal_stage", "account_key: account", "account_id_column", "account_key: account"),
        ("stage: deal_stage", "stagee: deal_stage", "did you mean 'stage'", "stagee:"),
        ("deal_type: new}", "deal_type: new, closed_at: soon}", "constants.closed_at", "constants"),
        ("amount: close_value", "amount: closevalue", "'closevalue' is not in", "amount: close"),
        ("file: accounts.csv", "file: acounts.csv", "lookup file not found", "acounts.csv"),
        ("sector}", "sektor}", "'sektor' is not in accounts.csv", "sektor"),
        ("match: owner", "match: manager", "not filled by", "match: manager"),
        ("columns: {industry: sector}", "columns: {deal_key: sector}", "deal_key cannot", "deal_k"),
        ("table: deals", "table: deal", "table", "table: deal"),
        ("constants: {", "oops: 1\n        constants: {", "unknown key 'oops'", "oops: 1"),
    ],
)
def test_validate_names_each_mapping_mistake_at_its_line(
    tmp_path: Path, old: str, new: str, expected: str, line_text: str
) -> None:
    assert old in DEALS_SOURCE
    found = _located(tmp_path, DEALS_SOURCE.replace(old, new, 1))
    matching = {m: line for m, line in found.items() if expected in m}
    assert matching, found
    assert all(m.startswith("source 'pipeline': ") for m in matching)
    assert set(matching.values()) == {_line_of(tmp_path, line_text)}, found


def test_validate_checks_stages_against_the_funnel(tmp_path: Path) -> None:
    source = DEALS_SOURCE + "        stages: [{stage: engagd, column: engage_date}]\n"
    found = _located(tmp_path, source)
    (message,) = [m for m in found if "not a stage of the project's funnel" in m]
    assert found[message] == _line_of(tmp_path, "engagd")


def test_ingest_with_a_wrong_mapping_lists_the_problems_instead_of_crashing(
    tmp_path: Path,
) -> None:
    root = _write(tmp_path, DEALS_SOURCE.replace("stage: deal_stage", "account_key: account", 1))
    ws = Workspace.open(root, warehouse_url="duckdb://" + str(tmp_path / "w.duckdb"))
    with pytest.raises(ProjectInvalid, match="account_id_column"):
        ws.ingest()


def test_the_source_sample_is_valid_yaml() -> None:
    assert yaml.safe_load(DEALS_SOURCE)["pipeline"]["options"]["mapping"]["table"] == "deals"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("stage: deal_stage", "account_key: account"),  # a reserved column
        ("source_id: opportunity_id", "name: opportunity_id"),  # no id
        ("deal_type: new}", "deal_type: new, closed_at: yesterday}"),  # a text date constant
        ("engage_date", "engagement_date"),  # a column the file does not have
    ],
)
def test_the_cli_shows_located_mapping_problems_never_an_internal_error(
    tmp_path: Path, old: str, new: str
) -> None:
    from tests.cli.test_cli_plan import ikkan

    root = _write(tmp_path, DEALS_SOURCE.replace(old, new, 1))
    for command in ("validate", "ingest"):
        result = ikkan(command, cwd=root, check=False)
        text = result.stdout + result.stderr
        assert result.returncode == 1, text
        assert "Internal error" not in text and "Traceback" not in text
        assert "ikkan.yml:" in text and "source 'pipeline'" in text, text


def test_validate_checks_value_map_values_against_the_column_type(tmp_path: Path) -> None:
    found = _located(tmp_path, DEALS_SOURCE.replace("{Won: true, ", "{Won: maybe, ", 1))
    (message,) = [m for m in found if "value_maps.is_won.Won" in m]
    assert "expected yes/no" in message
    assert found[message] == _line_of(tmp_path, "Won: maybe")


def test_a_source_in_an_included_file_is_located_in_that_file(tmp_path: Path) -> None:
    root = _write(tmp_path, "")
    text = (root / "ikkan.yml").read_text(encoding="utf-8").replace("sources:\n", "")
    (root / "ikkan.yml").write_text(text + "include: [more/sources.yml]\n", encoding="utf-8")
    (root / "more").mkdir()
    included = "sources:\n" + DEALS_SOURCE.replace("stage: deal_stage", "stagee: deal_stage", 1)
    (root / "more" / "sources.yml").write_text(included, encoding="utf-8")
    issues = [i for i in Workspace.open(root).validate() if "did you mean 'stage'" in i.message]
    (issue,) = issues
    assert issue.location is not None and issue.location.path.endswith("more/sources.yml")
    lines = included.splitlines()
    assert issue.location.line == next(
        n for n, line in enumerate(lines, start=1) if "stagee:" in line
    )
