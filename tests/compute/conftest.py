"""Compute test fixtures: real DuckDB (in memory) and the real PostgreSQL server, loaded
with the hand-computed dataset; the ``--update-snapshots`` option for SQL snapshots."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import ibis
import pytest

from ikkan.compute import compile_metric, to_sql
from ikkan.model.metrics import parse_metric

from .dataset import DATASET, STAGES, load

PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres", "database": "test"}


@dataclass
class Engine:
    """A loaded backend and the dialect its SQL is rendered in."""

    con: Any
    dialect: str

    def rows(self, expr: Any) -> list[dict[str, Any]]:
        """Run the SQL text compute renders (what the warehouse will run)."""
        cursor = self.con.raw_sql(to_sql(expr, self.dialect))
        try:
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        finally:
            if self.dialect != "duckdb":  # DuckDB hands back the connection itself
                cursor.close()

    def measure(self, spec: dict[str, Any], **kwargs: Any) -> dict[tuple[str, str], dict[str, Any]]:
        """Rows of a compiled metric keyed by (period, dimension_value)."""
        kwargs.setdefault("grain", "month")
        kwargs.setdefault("stages", STAGES)
        expr = compile_metric(parse_metric(spec), **kwargs)
        out = {}
        for row in self.rows(expr):
            key = (row["period"], row["dimension_value"])
            assert key not in out, f"duplicate row for {key}"
            out[key] = row
        return out

    def values(self, spec: dict[str, Any], **kwargs: Any) -> dict[tuple[str, str], float | None]:
        return {k: v["value"] for k, v in self.measure(spec, **kwargs).items()}


def connect_postgres() -> tuple[Any, str]:
    """A connection to the test server with its own fresh schema on the search path."""
    try:
        con = ibis.postgres.connect(**PG)
    except Exception as exc:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"PostgreSQL is not reachable in CI (tests never skip there): {exc}")
        pytest.skip(f"PostgreSQL is not reachable (outside CI only): {exc}")
    schema = f"ikkan_compute_{uuid.uuid4().hex[:10]}"
    con.raw_sql(f'CREATE SCHEMA "{schema}"').close()
    con.raw_sql(f'SET search_path TO "{schema}"').close()
    return con, schema


@pytest.fixture(scope="session")
def duckdb_engine() -> Engine:
    con = ibis.duckdb.connect()
    load(con, DATASET)
    return Engine(con, "duckdb")


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[Engine]:
    con, schema = connect_postgres()
    try:
        load(con, DATASET)
        yield Engine(con, "postgres")
    finally:
        con.raw_sql(f'DROP SCHEMA "{schema}" CASCADE').close()
        con.disconnect()


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest) -> Engine:
    """Every fixture test runs on DuckDB and on PostgreSQL with the same expectations."""
    return request.getfixturevalue(f"{request.param}_engine")
