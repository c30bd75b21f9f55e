"""Scoring tests run on real DuckDB and on the real PostgreSQL server (marked postgres)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest

from ikkan.warehouse.base import SqlWarehouse
from ikkan.warehouse.testing import require_postgres, temporary_warehouse

LOADED = datetime(2026, 11, 30, 9, 0)


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: Any) -> str:
    if request.param == "postgres":
        require_postgres()  # fails instead of skipping when CI=true
    return str(request.param)


@pytest.fixture
def warehouse(engine: str, tmp_path: Any) -> Any:
    with temporary_warehouse(engine, tmp_path) as wh:
        yield wh


def add_lead(
    session: Any,
    key: str,
    created: datetime,
    *,
    email: str | None = None,
    employees: int | None = None,
    industry: str | None = None,
    attributes: dict[str, Any] | None = None,
    stages: dict[str, datetime] | None = None,
) -> None:
    session.execute(
        "INSERT INTO leads (lead_key, source_system, source_id, created_at, email, industry, "
        "employees, attributes, content_hash, import_id, loaded_at) "
        "VALUES (?, 'test', ?, ?, ?, ?, ?, ?, 'h', 1, ?)",
        [
            key,
            key,
            created,
            email,
            industry,
            employees,
            json.dumps(attributes or {}, ensure_ascii=False),
            LOADED,
        ],
    )
    for stage, at in {"lead": created, **(stages or {})}.items():
        session.execute(
            "INSERT INTO lead_stages (lead_key, stage, entered_at, source, content_hash, "
            "import_id, loaded_at) VALUES (?, ?, ?, 'test', 'h', 1, ?)",
            [key, stage, at, LOADED],
        )


def add_activity(
    session: Any,
    key: str,
    activity: str,
    at: datetime,
    *,
    lead: str | None = None,
    email: str | None = None,
    detail: str | None = None,
) -> None:
    session.execute(
        "INSERT INTO activities (activity_key, source_system, lead_key, email, occurred_at, "
        "activity_type, detail, content_hash, import_id, loaded_at) "
        "VALUES (?, 'test', ?, ?, ?, ?, ?, 'h', 1, ?)",
        [key, lead, email, at, activity, detail, LOADED],
    )


def fill(warehouse: SqlWarehouse, build: Any) -> None:
    with warehouse.transaction() as session:
        build(session)
