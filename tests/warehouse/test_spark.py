"""The Spark warehouse in local mode (one core, one shuffle partition): the demo measured
from Parquet tables mapped in place gives DuckDB's kpi_values, and a refresh or write that
fails leaves the previous values readable. Few tests, one Spark session for the module."""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from tests.conftest import in_ci
from tests.services.conftest import NOW, DemoProject, demo_project  # noqa: F401
from tests.warehouse.existing_support import (
    LEAD_RENAMES,
    MAPPED,
    assert_same_values,
    company_columns,
    copy_manual_values,
    kpi_values,
)

from ikkan.project.scaffold import template_text
from ikkan.warehouse.base import SqlWarehouse
from ikkan.workspace import Workspace

pytestmark = pytest.mark.spark
# tiny data: one core, one shuffle partition, no whole-stage code generation
OPTIONS = "cores=1&shuffle_partitions=1&spark.sql.codegen.wholeStage=false"


def _require_spark() -> None:
    missing = []
    if shutil.which("java") is None:
        missing.append("java (Debian: openjdk-17-jre-headless; scripts/bootstrap.sh --test)")
    if importlib.util.find_spec("pyspark") is None:
        missing.append("pyspark (uv sync)")
    if not missing:
        return
    reason = "the Spark tests need " + " and ".join(missing)
    if in_ci():
        pytest.fail(reason + " (tests never skip in CI)")
    pytest.skip(reason)


@dataclass
class SparkDemo:
    duck: Workspace
    spark: Workspace
    sources: Path  # the company's Parquet tables
    as_of: date
    expected: dict[tuple[Any, ...], dict[str, Any]]


def _write_sources(duck: SqlWarehouse, folder: Path) -> None:
    """The demo's canonical rows as the company's Parquet tables (leads renamed)."""
    for table in MAPPED:
        data = duck.query(f"SELECT * FROM {table}")
        columns = company_columns(table, data.column_names)
        data = pa.table({theirs: data.column(ours) for ours, theirs in columns})
        (folder / table).mkdir(parents=True)
        pq.write_table(data, folder / table / "part-0.parquet")


@pytest.fixture(scope="module")
def spark_demo(
    demo_project: DemoProject,  # noqa: F811
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[SparkDemo]:
    _require_spark()
    duck = demo_project.open()
    as_of = duck.data_as_of()
    duck.refresh(as_of=as_of, full=True)
    base = tmp_path_factory.mktemp("spark")
    sources = base / "company"
    _write_sources(duck.warehouse(), sources)
    lines = [f"warehouse:\n  url: spark-local://{base / 'warehouse'}?{OPTIONS}\n  canonical:"]
    for table in MAPPED:
        lines.append(f"    {table}:\n      path: {sources / table}")
        if table == "leads":
            renames = ", ".join(f"{k}: {v}" for k, v in LEAD_RENAMES.items())
            lines.append(f"      columns: {{{renames}}}")
    root = base / "project"
    root.mkdir()
    text = template_text("en") + "\n" + "\n".join(lines) + "\n"
    (root / "ikkan.yml").write_text(text, encoding="utf-8")
    spark = Workspace.open(root, clock=NOW)
    assert [str(i) for i in spark.validate()] == []
    copy_manual_values(duck.warehouse(), spark.warehouse())
    yield SparkDemo(duck, spark, sources, as_of, kpi_values(duck.warehouse()))
    spark.warehouse().close()


def test_demo_kpi_values_on_spark_equal_duckdb(spark_demo: SparkDemo) -> None:
    report = spark_demo.spark.refresh(as_of=spark_demo.as_of)
    assert report.rows == len(spark_demo.expected)
    assert_same_values(spark_demo.expected, kpi_values(spark_demo.spark.warehouse()))
    # the funnel metrics were measured from the renamed Parquet columns
    assert spark_demo.spark.warehouse().mappings["leads"].columns["lead_key"] == "id"


def test_a_failed_refresh_leaves_the_previous_values_readable(spark_demo: SparkDemo) -> None:
    warehouse = spark_demo.spark.warehouse()
    before = kpi_values(warehouse)
    assert len(before) == len(spark_demo.expected)  # measured by the test above
    # a stage file whose entered_at is text: Spark fails reading it mid-refresh
    bad = pa.table({"lead_key": ["x"], "stage": ["lead"], "entered_at": ["yesterday"]})
    bad_file = spark_demo.sources / "lead_stages" / "part-9-late-export.parquet"
    pq.write_table(bad, bad_file)
    try:
        with pytest.raises(Exception, match=r"(?i)parquet|convert|entered_at"):
            spark_demo.spark.refresh(as_of=spark_demo.as_of)
    finally:
        bad_file.unlink()
    assert kpi_values(warehouse) == before
    # inside one write session: the delete lands only with the insert that follows it
    failing = pytest.raises(Exception, match=r"(?i)cast|number|double")
    with failing, warehouse.transaction() as session:
        session.execute("DELETE FROM kpi_values")
        session.execute(
            "INSERT INTO kpi_values (node_id, value) SELECT node_id, "
            "CAST('not a number' AS DOUBLE) FROM kpi_values"
        )
    assert kpi_values(warehouse) == before
    parts = {p.name for p in (warehouse.store.root / "kpi_values").iterdir()}
    manifest = warehouse.store.read().tables["kpi_values"].parts
    assert parts == {Path(p).name for p in manifest}  # the failed write left no part
