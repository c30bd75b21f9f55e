"""Render compiled expressions to SQL text for an engine, without connecting."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ikkan.compute.scope import MetricCompileError
from ikkan.errors import did_you_mean, valid_values

if TYPE_CHECKING:
    import ibis.expr.types as ir

DIALECTS = ("duckdb", "postgres", "bigquery", "snowflake")
"""Dialects ikkan renders and snapshot-tests; executed in tests: duckdb and postgres."""


def to_sql(expr: ir.Expr, dialect: str = "duckdb", *, pretty: bool = True) -> str:
    """The SQL text of ``expr`` in ``dialect`` (one of ``DIALECTS``)."""
    import ibis

    if dialect not in DIALECTS:
        raise MetricCompileError(
            f"unknown SQL dialect '{dialect}'",
            hint=did_you_mean(dialect, DIALECTS) or valid_values(DIALECTS),
        )
    return str(ibis.to_sql(expr, dialect=dialect, pretty=pretty))
