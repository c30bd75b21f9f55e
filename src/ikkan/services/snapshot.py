# ruff: noqa: S608 - SQL text holds only table and column names from the canonical schema
"""A consistent in-memory copy of the measured state, for readers (the web pages).

A refresh replaces kpi_values in one transaction; copying the table in one statement
therefore gives one refresh's values, never a mix. Readers then work on the copy while the
next refresh writes the real warehouse.
"""

from __future__ import annotations

from typing import Any

from ikkan.model.canonical import IMPORT_LOG, KPI_VALUES, REJECTED_ROWS, SCHEDULE_RUNS, Table
from ikkan.warehouse.base import SqlWarehouse
from ikkan.warehouse.sql import quote_ident

REJECTED_ROWS_KEPT = 1000  # the newest rejected rows copied (the total is in import_log)


def _select(table: Table, tail: str = "") -> str:
    columns = ", ".join(quote_ident(c) for c in table.column_names)
    return f"SELECT {columns} FROM {quote_ident(table.name)}{tail}"


def copy_measured_state(source: SqlWarehouse) -> SqlWarehouse:
    """kpi_values, import_log, the newest rejected rows and scheduled runs in a fresh
    in-memory DuckDB."""
    from ikkan.warehouse import open_warehouse

    with source.reading() as session:
        values = session.query(_select(KPI_VALUES))
        imports = session.query(_select(IMPORT_LOG))
        rejected = session.query(
            _select(REJECTED_ROWS, " ORDER BY import_id DESC, file_path, row_number LIMIT ?"),
            [REJECTED_ROWS_KEPT],
        )
        runs = session.query(_select(SCHEDULE_RUNS, " ORDER BY started_at DESC LIMIT 200"))
    memory = open_warehouse("duckdb://:memory:")
    memory.migrate()
    with memory.transaction() as session:
        for table, data in (
            (KPI_VALUES, values),
            (IMPORT_LOG, imports),
            (REJECTED_ROWS, rejected),
            (SCHEDULE_RUNS, runs),
        ):
            if data.num_rows:
                session.insert_arrow(table, data)
    return memory


def data_version(warehouse: SqlWarehouse) -> tuple[Any, ...]:
    """Changes whenever a refresh (kpi_values) or an import (import_log) lands."""
    row = warehouse.query(
        "SELECT (SELECT max(computed_at) FROM kpi_values) AS computed,"
        " (SELECT count(*) FROM kpi_values) AS n,"
        " (SELECT max(import_id) FROM import_log) AS last_import,"
        " (SELECT max(finished_at) FROM import_log) AS finished,"
        " (SELECT max(finished_at) FROM schedule_runs) AS run"
    ).to_pylist()[0]
    return (row["computed"], row["n"], row["last_import"], row["finished"], row["run"])
