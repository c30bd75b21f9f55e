"""``Session.query_planned_once`` gives what ``query`` gives (DuckDB runs it as a DB-API
statement, planned once; PostgreSQL's is ``query`` itself), on both engines (the
``warehouse`` fixture of tests/warehouse/conftest.py)."""

from __future__ import annotations

from datetime import date

from ikkan.warehouse.base import SqlWarehouse


def test_query_planned_once_equals_query(warehouse: SqlWarehouse) -> None:
    sql = (
        "SELECT CAST(? AS VARCHAR) AS node_id, CAST(x AS DOUBLE PRECISION) AS p1, "
        "CAST(? AS DATE) AS day FROM (SELECT 1 AS x UNION ALL SELECT 2) AS q "
        "UNION ALL SELECT CAST(? AS VARCHAR), CAST(NULL AS DOUBLE PRECISION), CAST(NULL AS DATE)"
    )
    params = ["a", date(2026, 4, 1), "b"]
    with warehouse.transaction() as session:
        expected = session.query(sql, params)
        found = session.query_planned_once(sql, params)
        assert found.num_rows == 3
        assert found.equals(expected)
        assert found.schema == expected.schema
        empty = session.query_planned_once("SELECT 1 AS x WHERE 1 = 0")
        assert empty.num_rows == 0 and empty.column_names == ["x"]
