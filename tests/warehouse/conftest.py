"""Every warehouse test runs on DuckDB and on PostgreSQL (marked ``postgres``)."""

from __future__ import annotations

import pytest

from ikkan.warehouse.testing import require_postgres, temporary_warehouse


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request) -> str:
    if request.param == "postgres":
        require_postgres()  # fails instead of skipping when CI=true
    return request.param


@pytest.fixture
def warehouse(engine, tmp_path):
    with temporary_warehouse(engine, tmp_path) as wh:
        yield wh
