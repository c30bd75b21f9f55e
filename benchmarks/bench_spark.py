"""Refresh time on Spark (local mode) against DuckDB, for N generated leads.

    uv run python benchmarks/bench_spark.py --leads 1000000 [--cores 2]

Generates the canonical rows of ``bench_refresh.py`` (N leads over FY2025-FY2026 with
stage entries, deals, spend, traffic, manual values) into DuckDB, writes the same rows as
Parquet, and measures the English template's KPI tree, in one process:

  duckdb      ``refresh --full`` on the DuckDB warehouse (second run: the SQL cache warm)
  spark       ``refresh --full`` on ``spark-local://`` with the canonical tables mapped
              in place onto the Parquet files (``warehouse.canonical``); one run, so it
              includes Spark's start-up and the PySpark SQL compile
  ratio       spark / duckdb
  check       the two warehouses' kpi_values are equal (counts exactly, amounts and
              rates within 1e-9 relative), else the figure means nothing

A figure, not an aim: Spark pays per query and per job what DuckDB does not; it is there
for data that does not fit one machine.
"""

from __future__ import annotations

import argparse
import math
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

MAPPED = ("leads", "lead_stages", "deals", "accounts", "spend", "web_traffic", "activities")
KEY = ("node_id", "grain", "period", "dimension", "dimension_value")


def timed(label: str, action: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - started
    print(f"  {label:<40} {seconds:8.1f} s", flush=True)
    return seconds, result


def values(warehouse: Any) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    rows = warehouse.query("SELECT * FROM kpi_values").to_pylist()
    return {tuple(r[k] for k in KEY): (r["value"], r["numerator"], r["denominator"]) for r in rows}


def same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b or (a is None and b is None)
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    if float(a).is_integer() and float(b).is_integer():
        return bool(a == b)
    return math.isclose(a, b, rel_tol=1e-9)


def export_parquet(duck: Any, folder: Path) -> None:
    with duck.reading() as session:
        for table in MAPPED:
            (folder / table).mkdir(parents=True)
            target = str(folder / table / "part-0.parquet").replace("'", "''")
            session.execute(f"COPY (SELECT * FROM {table}) TO '{target}' (FORMAT parquet)")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--cores", type=int, default=2, help="Spark local cores")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="ikkan-bench-spark-"))
    try:
        run(folder, args.leads, args.cores)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run(folder: Path, leads: int, cores: int) -> None:
    from bench_refresh import _build_apart

    from ikkan.model.canonical import MANUAL_VALUES
    from ikkan.warehouse import open_warehouse
    from ikkan.workspace import Workspace

    template = (HERE.parent / "src/ikkan/project/templates/ikkan.en.yml").read_text("utf-8")
    (folder / "ikkan.yml").write_text(template, encoding="utf-8")
    print(f"Spark benchmark: {leads:,} leads in {folder}, Spark local[{cores}]")
    timed("generate DuckDB warehouse", lambda: _build_apart(folder, leads))
    duck = open_warehouse("duckdb://" + str(folder / ".ikkan" / "warehouse.duckdb"))
    ws = Workspace.open(folder)
    ws._warehouse = duck
    as_of = date(2026, 12, 31)
    timed("duckdb: first refresh (compiles SQL)", lambda: ws.refresh(as_of=as_of, full=True))
    duck_seconds, _ = timed("duckdb: full refresh", lambda: ws.refresh(as_of=as_of, full=True))
    expected = values(duck)

    parquet = folder / "parquet"
    timed("write the tables as Parquet", lambda: export_parquet(duck, parquet))
    project = folder / "spark-project"
    project.mkdir()
    canonical = "".join(f"    {t}: {{path: {parquet / t}}}\n" for t in MAPPED)
    options = f"cores={cores}&shuffle_partitions={2 * cores}&spark.driver.memory=2g"
    url = f"spark-local://{folder / 'spark'}?{options}"
    (project / "ikkan.yml").write_text(
        template + f"\nwarehouse:\n  url: {url}\n  canonical:\n{canonical}", encoding="utf-8"
    )
    spark_ws = Workspace.open(project)
    spark = timed("spark: start and create tables", spark_ws.warehouse)[1]
    with spark.transaction() as session:
        session.insert_arrow(MANUAL_VALUES, duck.query("SELECT * FROM manual_values"))
    spark_seconds, report = timed(
        "spark: full refresh (first and only run)",
        lambda: spark_ws.refresh(as_of=as_of, full=True),
    )
    got = values(spark)
    differ = [
        k
        for k, v in expected.items()
        if k not in got or not all(same(a, b) for a, b in zip(v, got[k], strict=True))
    ]
    print()
    print(f"  rows                  {report.rows:,} ({len(expected):,} on DuckDB)")
    print(
        f"  values equal          {not differ and len(got) == len(expected)} ({len(differ)} differ)"
    )
    print(
        f"  spark / duckdb        {spark_seconds / duck_seconds:.1f}x "
        f"({spark_seconds:.1f} s vs {duck_seconds:.1f} s)"
    )
    spark.close()


if __name__ == "__main__":
    main()
