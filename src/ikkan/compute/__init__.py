"""Compute: metric definitions -> Ibis expressions on unbound tables -> SQL per engine.

Never opens a connection; ``ikkan.warehouse`` runs the SQL.

    expr = compile_metric(spec, grain="month", dimension="channel", stages=STAGES,
                          fiscal_year_start=4, as_of=date(2026, 10, 31))
    sql = to_sql(expr, "postgres")
"""

from ikkan.compute.compile import OUTPUT_COLUMNS, compile_metric
from ikkan.compute.scope import MISSING_VALUE, NO_DIMENSION, MetricCompileError, Span
from ikkan.compute.sql import DIALECTS, to_sql
from ikkan.compute.tables import bind_tables, ibis_schema

__all__ = [
    "DIALECTS",
    "MISSING_VALUE",
    "NO_DIMENSION",
    "OUTPUT_COLUMNS",
    "MetricCompileError",
    "Span",
    "bind_tables",
    "compile_metric",
    "ibis_schema",
    "to_sql",
]
