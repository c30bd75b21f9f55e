"""Throwaway warehouses for tests (ikkan's own and a project's), on every engine.

``temporary_warehouse("duckdb", tmp_path)`` gives a migrated DuckDB file;
``temporary_warehouse("postgres", tmp_path)`` a migrated schema of its own in the test
database (``IKKAN_TEST_POSTGRES_URL``, default ``postgresql://postgres@127.0.0.1:5432/test``)
that is dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ikkan.warehouse.base import SqlWarehouse
from ikkan.warehouse.url import open_warehouse

ENGINES = ("duckdb", "postgres")
DEFAULT_TEST_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"


def postgres_test_url(schema: str) -> str:
    base = os.environ.get("IKKAN_TEST_POSTGRES_URL", DEFAULT_TEST_POSTGRES)
    return f"{base}{'&' if '?' in base else '?'}schema={schema}"


def postgres_unreachable_reason() -> str | None:
    """None when the test PostgreSQL answers, else why not."""
    import psycopg

    url = os.environ.get("IKKAN_TEST_POSTGRES_URL", DEFAULT_TEST_POSTGRES)
    try:
        psycopg.connect(url, connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        return f"PostgreSQL at {url} is unreachable: {exc}"
    return None


@contextmanager
def temporary_warehouse(
    engine: str, tmp_path: Path, *, migrate: bool = True
) -> Iterator[SqlWarehouse]:
    if engine == "duckdb":
        warehouse = open_warehouse("duckdb://" + str(tmp_path / "warehouse.duckdb"))
    elif engine == "postgres":
        warehouse = open_warehouse(postgres_test_url(f"ikkan_test_{uuid.uuid4().hex[:12]}"))
    else:
        raise ValueError(f"unknown engine {engine!r}; valid values are: {', '.join(ENGINES)}")
    try:
        if migrate:
            warehouse.migrate()
        yield warehouse
    finally:
        warehouse.close()
        drop = getattr(warehouse, "drop_schema", None)
        if drop is not None:
            drop()


def require_postgres() -> None:
    """In a pytest test: skip when PostgreSQL is down, except in CI (CI=true) where it fails."""
    import pytest

    reason = postgres_unreachable_reason()
    if reason is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason)
    pytest.skip(reason)
