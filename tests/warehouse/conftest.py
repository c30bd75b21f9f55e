"""Every warehouse test runs on DuckDB and on PostgreSQL (marked ``postgres``)."""

from __future__ import annotations

import os

import pytest

from ikkan.warehouse.testing import postgres_unreachable_reason, temporary_warehouse


def require_postgres() -> None:
    """Skip when PostgreSQL is down, except in CI where that is a failure."""
    reason = postgres_unreachable_reason()
    if reason is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request) -> str:
    if request.param == "postgres":
        require_postgres()
    return request.param


@pytest.fixture
def warehouse(engine, tmp_path):
    with temporary_warehouse(engine, tmp_path) as wh:
        yield wh
