"""Helpers for the tests of canonical tables read from existing tables: the demo's
canonical rows copied into "company" tables, and kpi_values compared across engines."""

from __future__ import annotations

import math
from typing import Any

from ikkan.model.canonical import MANUAL_VALUES
from ikkan.warehouse.base import SqlWarehouse

MAPPED = ("leads", "lead_stages", "deals", "accounts", "spend", "web_traffic", "activities")
# the company's CRM names some lead columns its own way (mapped in ikkan.yml)
LEAD_RENAMES = {"lead_key": "id", "created_at": "createdate", "channel": "source_channel"}
KEY = ("node_id", "grain", "period", "dimension", "dimension_value")
COUNTS = ("maturing",)


# ... and has none of ikkan's own bookkeeping (the mapping fills it in)
LEAD_ABSENT = ("source_system", "source_id", "content_hash", "import_id", "loaded_at")


def company_columns(table: str, columns: list[str]) -> list[tuple[str, str]]:
    """(canonical column, the company table's column) for ``table``."""
    if table != "leads":
        return [(c, c) for c in columns]
    return [(c, LEAD_RENAMES.get(c, c)) for c in columns if c not in LEAD_ABSENT]


def copy_manual_values(source: SqlWarehouse, target: SqlWarehouse) -> int:
    rows = source.query("SELECT * FROM manual_values")
    with target.transaction() as session:
        session.insert_arrow(MANUAL_VALUES, rows)
    return rows.num_rows


def kpi_values(warehouse: SqlWarehouse) -> dict[tuple[Any, ...], dict[str, Any]]:
    rows = warehouse.query("SELECT * FROM kpi_values").to_pylist()
    return {tuple(r[k] for k in KEY): r for r in rows}


def assert_same_values(
    expected: dict[tuple[Any, ...], dict[str, Any]], got: dict[tuple[Any, ...], dict[str, Any]]
) -> None:
    """Same rows; counts exact, money and rates within 1e-9 relative."""
    assert len(expected) > 1000
    assert set(got) == set(expected)
    for key, want in expected.items():
        have = got[key]
        for column in ("value", "numerator", "denominator"):
            a, b = want[column], have[column]
            if a is None or (isinstance(a, float) and math.isnan(a)):
                assert b is None or (isinstance(b, float) and math.isnan(b)), (key, column)
            elif float(a).is_integer() and float(b).is_integer():
                assert a == b, (key, column, a, b)
            else:
                assert math.isclose(a, b, rel_tol=1e-9), (key, column, a, b)
        for column in ("period_start", "period_end", "maturing"):
            assert want[column] == have[column], (key, column)
