"""Render compiled expressions to SQL text for an engine, without connecting."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ikkan.compute.scope import MetricCompileError
from ikkan.errors import did_you_mean, valid_values

if TYPE_CHECKING:
    import ibis.expr.types as ir

DIALECTS = ("duckdb", "postgres", "pyspark", "bigquery", "snowflake")
"""Dialects ikkan renders and snapshot-tests; executed in tests: duckdb, postgres, pyspark."""


def to_sql(expr: ir.Expr, dialect: str = "duckdb", *, pretty: bool = True) -> str:
    """The SQL text of ``expr`` in ``dialect`` (one of ``DIALECTS``)."""
    import ibis

    if dialect not in DIALECTS:
        raise MetricCompileError(
            f"unknown SQL dialect '{dialect}'",
            hint=did_you_mean(dialect, DIALECTS) or valid_values(DIALECTS),
        )
    if dialect == "pyspark" and ibis.options.pyspark is None:
        _spark_options()
    return str(ibis.to_sql(expr, dialect=dialect, pretty=pretty))


def _spark_options() -> None:
    """The options Ibis's PySpark compiler reads, set without importing pyspark (the
    backend sets them when it loads; rendering SQL needs no Spark)."""
    import ibis
    from ibis.config import Config

    class SparkOptions(Config):  # type: ignore[misc]
        treat_nan_as_null: bool = False

    ibis.options.pyspark = SparkOptions()
