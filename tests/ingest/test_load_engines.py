"""The same file gives the same warehouse contents on DuckDB and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime

import pyarrow as pa
import pytest

from ikkan.ingest.base import ReadResult, RejectedRow
from ikkan.ingest.load import load
from ikkan.model.canonical import TABLES
from ikkan.warehouse.hashing import stored_hashes
from ikkan.warehouse.quality import QualitySettings, quality_report
from ikkan.warehouse.testing import require_postgres, temporary_warehouse
from ikkan.warehouse.upsert import upserted


def read_result():
    leads = pa.table(
        {
            "lead_key": ["h:1", "h:2", "h:3"],
            "source_system": ["hubspot"] * 3,
            "source_id": ["1", "2", "3"],
            "created_at": [datetime(2026, 4, 1, 9, 30, 15, 250000), None, datetime(2026, 4, 3)],
            "company": ["株式会社ＡＢＣ", "ABC(株)", 'O\'Brien & "Sons", Ltd.\n2nd line'],
            "employees": [10, None, 3],
            "score": [0.1, 1e20, None],
            "attributes": ['{"b": 1,  "a": "日本語"}', None, "{}"],
        }
    )
    deals = pa.table(
        {
            "deal_key": ["h:d1"],
            "source_system": ["hubspot"],
            "source_id": ["d1"],
            "amount": [1_234_567.5],
            "is_won": [True],
            "is_closed": [None],
            "closed_at": [datetime(2026, 4, 30, 18)],
        }
    )
    spend = pa.table(
        {
            "spend_key": ["k1"],
            "source_system": ["google_ads"],
            "day": [date(2026, 4, 1)],
            "cost": [5000.0],
            "clicks": [12],
        }
    )
    stages = pa.table(
        {
            "lead_key": ["h:1", "h:3"],
            "stage": ["mql", "won"],
            "entered_at": [datetime(2026, 4, 2)] * 2,
        }
    )
    rejected = [RejectedRow("f.csv", 7, "amount", "¥1,2", "not a number", {"金額": "¥1,2"})]
    tables = {"leads": leads, "deals": deals, "spend": spend, "lead_stages": stages}
    return ReadResult("hubspot", "hubspot", "f.csv", tables, rejected, rows_read=8)


def contents(warehouse):
    """Every table's rows; a row's content hash as ``stored_hashes`` reads it (DuckDB
    stores none at load, the md5 of the stored values stands for it)."""
    data = {}
    for table in TABLES:
        if table.name in ("import_log", "kpi_values"):
            continue
        found = warehouse.query(f'SELECT * FROM "{table.name}" ORDER BY 1, 2, 3')
        if upserted(table):
            hashes = stored_hashes(found, table.payload_columns)
            found = found.set_column(found.schema.get_field_index("content_hash"), "h", hashes)
        rows = found.to_pylist()
        data[table.name] = [{k: v for k, v in r.items() if k != "loaded_at"} for r in rows]
    data["lead_funnel"] = warehouse.query('SELECT * FROM "lead_funnel" ORDER BY 1').to_pylist()
    return data


@pytest.mark.postgres
def test_duckdb_and_postgres_hold_identical_rows(tmp_path):
    require_postgres()
    seen = []
    for engine in ("duckdb", "postgres"):
        with temporary_warehouse(engine, tmp_path / engine) as warehouse:
            report = load(warehouse, read_result(), "sha")
            warehouse.rebuild_lead_funnel(("lead", "mql", "won"), "inferred")
            quality = quality_report(warehouse, QualitySettings())
            seen.append(
                (report.to_dict()["message"], contents(warehouse), quality.to_dict()["findings"])
            )
    duck, pg = seen
    assert duck[0] == pg[0] == "7 inserted, 0 updated, 0 unchanged, 1 rejected"
    for table in duck[1]:
        assert duck[1][table] == pg[1][table], table
    assert duck[1]["leads"][2]["company"].endswith("2nd line")
    assert duck[1]["lead_funnel"][0]["lead_at"] == datetime(2026, 4, 2)
    assert duck[2] == pg[2]
