"""DuckDB's memory while a load writes: bounded (memory_limit) while an empty, unindexed
table of a warehouse file takes its first rows, DuckDB's default everywhere else (a table
with rows: the join that tells changed rows apart would spill)."""

from __future__ import annotations

from datetime import datetime

import pyarrow as pa
import pytest

import ikkan.warehouse.upsert as upsert_module
from ikkan.ingest.base import ReadResult
from ikkan.ingest.load import load
from ikkan.warehouse import open_warehouse
from ikkan.warehouse.testing import temporary_warehouse


def _result(ids: range) -> ReadResult:
    leads = pa.table(
        {
            "lead_key": [f"hubspot:{i}" for i in ids],
            "source_system": ["hubspot"] * len(ids),
            "source_id": [str(i) for i in ids],
            "created_at": [datetime(2026, 4, 1, 9, 30)] * len(ids),
            "email": [f"{i}@x.jp" for i in ids],
        }
    )
    return ReadResult("hubspot", "hubspot", "contacts.csv", {"leads": leads}, rows_read=len(ids))


def _setting(session) -> str:
    ((value,),) = session.con.execute("SELECT current_setting('memory_limit')").fetchall()
    return str(value)


@pytest.fixture
def limits(monkeypatch):
    """memory_limit as each upsert saw it, by table."""
    seen: list[tuple[str, str]] = []
    real = upsert_module.upsert_staged

    def recording(session, definition, data):
        seen.append((definition.name, _setting(session)))
        return real(session, definition, data)

    monkeypatch.setattr(upsert_module, "upsert_staged", recording)
    return seen


def _default(warehouse) -> str:
    with warehouse.reading() as session:
        return _setting(session)


def test_first_rows_of_a_file_warehouse_table_are_written_under_a_bounded_limit(tmp_path, limits):
    with temporary_warehouse("duckdb", tmp_path) as warehouse:
        default = _default(warehouse)
        load(warehouse, _result(range(1, 1001)), "a" * 64)
        assert [name for name, _ in limits] == ["leads"]
        assert limits[0][1] != default  # bounded while the empty table took its rows
        assert limits[0][1].endswith("MiB")
        assert _default(warehouse) == default  # and reset afterwards

        limits.clear()  # the table has rows now: DuckDB's default (no spilling join)
        report = load(warehouse, _result(range(1, 1101)), "b" * 64)
        assert report.inserted == 100 and report.unchanged == 1000
        assert limits == [("leads", default)]


def test_an_in_memory_warehouse_keeps_the_default(limits):
    warehouse = open_warehouse("duckdb://:memory:")
    try:
        warehouse.migrate()
        default = _default(warehouse)
        load(warehouse, _result(range(1, 11)), "c" * 64)
        assert limits == [("leads", default)]
    finally:
        warehouse.close()


def test_a_table_with_a_primary_key_keeps_the_default(tmp_path, limits):
    """Warehouses made before upserts dropped table keys: the key's index must fit in
    memory, so no limit there."""
    with temporary_warehouse("duckdb", tmp_path) as warehouse:
        default = _default(warehouse)
        with warehouse.transaction() as session:
            session.execute('CREATE UNIQUE INDEX "leads_key" ON "leads" ("lead_key")')
        load(warehouse, _result(range(1, 11)), "d" * 64)
        assert limits == [("leads", default)]
