"""Fixtures shared by the ingest tests."""

from __future__ import annotations

import pytest

from ikkan.warehouse.testing import require_postgres, temporary_warehouse


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def warehouse(request, tmp_path):  # type: ignore[no-untyped-def]
    """A fresh warehouse on each engine (PostgreSQL: a schema of its own on the test server)."""
    if request.param == "postgres":
        require_postgres()
    with temporary_warehouse(request.param, tmp_path) as wh:
        yield wh
