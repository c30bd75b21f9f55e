"""Canonical tables read from tables and views that already exist (``warehouse.canonical``),
on DuckDB and PostgreSQL: refresh reads them and gives the demo's kpi_values, and
``validate`` names each bad mapping's YAML line, table, column and type."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.services.conftest import NOW, DemoProject, demo_project  # noqa: F401
from tests.warehouse.existing_support import (
    MAPPED,
    assert_same_values,
    company_columns,
    copy_manual_values,
    kpi_values,
)

from ikkan.errors import UserError
from ikkan.model.canonical import LEADS, TABLES_BY_NAME
from ikkan.project.scaffold import template_text
from ikkan.warehouse.base import SqlWarehouse
from ikkan.warehouse.sql import quote_ident
from ikkan.warehouse.testing import require_postgres, temporary_warehouse
from ikkan.workspace import Workspace


def _load_company_tables(source: SqlWarehouse, target: SqlWarehouse, schema: str) -> None:
    """The demo's canonical rows as the company's own tables in ``schema``: leads with
    other column names, deals behind a SQL view."""
    with target.transaction() as session:
        session.execute(f"CREATE SCHEMA {quote_ident(schema)}")
        for table in MAPPED:
            definition = TABLES_BY_NAME[table]
            staged = f"demo_{table}"
            session.stage(staged, definition, source.query(f"SELECT * FROM {table}"))
            columns = company_columns(table, list(definition.column_names))
            select = ", ".join(f"{quote_ident(c)} AS {quote_ident(o)}" for c, o in columns)
            name = f"{quote_ident(schema)}.{quote_ident(table + '_raw')}"
            session.execute(f"CREATE TABLE {name} AS SELECT {select} FROM {quote_ident(staged)}")
            if table == "deals":  # a dbt model: a view over the raw table
                session.execute(
                    f'CREATE VIEW {quote_ident(schema)}."deals" AS SELECT * FROM {name}'
                )


def _canonical_yaml(schema: str) -> str:
    lines = ["  canonical:"]
    for table in MAPPED:
        name = "deals" if table == "deals" else f"{table}_raw"
        lines.append(f"    {table}:")
        lines.append(f"      table: {schema}.{name}")
        if table == "leads":
            lines.append(
                "      columns: {lead_key: id, created_at: createdate, channel: source_channel}"
            )
    return "\n".join(lines) + "\n"


def _project(root: Path, url: str, canonical: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    text = template_text("en") + f"\nwarehouse:\n  url: {url}\n{canonical}"
    (root / "ikkan.yml").write_text(text, encoding="utf-8")
    return root


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def company_warehouse(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SqlWarehouse]:
    if request.param == "postgres":
        require_postgres()
    with temporary_warehouse(request.param, tmp_path) as warehouse:
        yield warehouse


def test_refresh_reads_the_mapped_tables_and_gives_the_same_values(
    demo_project: DemoProject,  # noqa: F811
    company_warehouse: SqlWarehouse,
    tmp_path: Path,
) -> None:
    duck = demo_project.open()
    as_of = duck.data_as_of()
    duck.refresh(as_of=as_of, full=True)
    schema = f"crm_{uuid.uuid4().hex[:8]}"
    _load_company_tables(duck.warehouse(), company_warehouse, schema)
    root = _project(tmp_path / "mapped", company_warehouse.url, _canonical_yaml(schema))
    ws = Workspace.open(root, clock=NOW)
    assert [str(i) for i in ws.validate()] == []
    warehouse = ws.warehouse()
    copy_manual_values(duck.warehouse(), warehouse)
    # the imported tables stay empty: every lead below comes from the mapped tables
    imported = company_warehouse.query("SELECT count(*) AS n FROM leads").column("n")[0]
    assert imported.as_py() == 0
    report = ws.refresh(as_of=as_of)
    assert not report.incremental  # tables read in place: always a full refresh
    assert_same_values(kpi_values(duck.warehouse()), kpi_values(warehouse))
    # the mapped view carries the company's renamed columns under the canonical names
    first = warehouse.query("SELECT lead_key, source_system, source_id FROM leads LIMIT 1")
    row = first.to_pylist()[0]
    assert row["source_system"] == "warehouse" and row["source_id"] == row["lead_key"]
    one_lead = duck.warehouse().query("SELECT * FROM leads LIMIT 1")
    with pytest.raises(UserError, match="does not import into it"), warehouse.transaction() as s:
        s.insert_arrow(LEADS, one_lead)


def test_validate_names_line_table_column_and_type(tmp_path: Path) -> None:
    with temporary_warehouse("duckdb", tmp_path) as warehouse:
        with warehouse.transaction() as session:
            session.execute("CREATE SCHEMA crm")
            session.execute(
                "CREATE TABLE crm.contacts (id INTEGER, createdate VARCHAR, "
                "seen TIMESTAMPTZ, owner_name VARCHAR)"
            )
        canonical = (
            "  canonical:\n"
            "    leads:\n"
            "      table: crm.contacts\n"
            "      columns:\n"
            "        lead_key: id\n"
            "        created_at: createdate\n"
            "        owner: owner_nam\n"
            "        email_adress: seen\n"
            "    deals:\n"
            "      table: crm.opportunities\n"
            "    lead_stages:\n"
            "      table: crm.contacts\n"
            "      columns: {lead_key: id, stage: owner_name, entered_at: seen}\n"
        )
        root = _project(tmp_path / "bad", warehouse.url, canonical)
        issues = Workspace.open(root, clock=NOW).validate()
    text = [str(i) for i in issues]
    line = (root / "ikkan.yml").read_text().splitlines()
    assert len(issues) == 5, text
    created = next(i for i in issues if "createdate" in i.message)
    assert "VARCHAR" not in created.message and "type string" in created.message
    assert "leads.created_at (timestamp)" in created.message
    assert created.location is not None
    assert "created_at: createdate" in line[created.location.line - 1]
    assert created.hint is not None and "view" in created.hint
    owner = next(i for i in issues if "owner_nam" in i.message)
    assert "crm.contacts has no column 'owner_nam'" in owner.message
    assert owner.hint is not None and "owner_name" in owner.hint
    unknown = next(i for i in issues if "email_adress" in i.message)
    assert unknown.hint is not None and "email" in unknown.hint
    missing = next(i for i in issues if "opportunities" in i.message)
    assert "cannot read crm.opportunities" in missing.message
    assert missing.location is not None and "crm.opportunities" in line[missing.location.line - 1]
    zoned = next(i for i in issues if "lead_stages.entered_at" in i.message)
    assert "crm.contacts.seen has type timestamp[us, tz=" in zoned.message
    assert zoned.hint is not None and "AT TIME ZONE" in zoned.hint


def test_spark_urls_are_read_without_starting_spark(tmp_path: Path) -> None:
    from ikkan.errors import ConfigError
    from ikkan.warehouse.spark import SparkWarehouse
    from ikkan.warehouse.url import open_warehouse

    local = open_warehouse(f"spark-local://{tmp_path}/wh?cores=1&spark.driver.memory=2g")
    assert isinstance(local, SparkWarehouse) and local.master == "local[1]"
    assert local.store.root == tmp_path / "wh"
    assert local.conf["spark.driver.memory"] == "2g"
    assert local.conf["spark.sql.shuffle.partitions"] == "8"
    cluster = open_warehouse("spark://master:7077?path=/shared/ikkan&shuffle_partitions=64")
    assert isinstance(cluster, SparkWarehouse) and cluster.master == "spark://master:7077"
    assert cluster.conf["spark.sql.shuffle.partitions"] == "64"
    active = open_warehouse("spark://active?path=/dbfs/ikkan")
    assert isinstance(active, SparkWarehouse) and active.master is None
    with pytest.raises(ConfigError, match="absolute directory"):
        open_warehouse("spark://master:7077")
    with pytest.raises(ConfigError, match="cores must be a positive number"):
        open_warehouse(f"spark-local://{tmp_path}?cores=zero")
    with pytest.raises(ConfigError, match="unknown option"):
        open_warehouse(f"spark-local://{tmp_path}?colors=2")
