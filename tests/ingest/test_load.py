"""The loader on DuckDB and PostgreSQL: upsert counts, idempotence, one transaction per file."""

from __future__ import annotations

from datetime import datetime

import pyarrow as pa
import pytest

from ikkan.clock import FixedClock
from ikkan.ingest.base import ReadResult, RejectedRow
from ikkan.ingest.load import load
from ikkan.model.canonical import LEADS
from ikkan.warehouse.arrow_schema import ConformError
from ikkan.warehouse.hashing import stored_hashes

JST = datetime.fromisoformat("2026-05-01T12:00:00+09:00").tzinfo


def clock(day=1, hour=12):
    return FixedClock(datetime(2026, 5, day, hour, tzinfo=JST))


def leads(rows):
    """rows: (id, email, company)"""
    return pa.table(
        {
            "lead_key": [f"hubspot:{r[0]}" for r in rows],
            "source_system": ["hubspot"] * len(rows),
            "source_id": [str(r[0]) for r in rows],
            "created_at": [datetime(2026, 4, 1, 9, 30)] * len(rows),
            "email": [r[1] for r in rows],
            "company": [r[2] for r in rows],
            "employees": pa.array([50] * len(rows), pa.int32()),  # cast to int64 on load
        }
    )


def result(tables, rejected=(), path="contacts.csv"):
    rows = sum(t.num_rows for t in tables.values()) + len(rejected)
    return ReadResult("hubspot", "hubspot", path, dict(tables), list(rejected), rows_read=rows)


BASE = [(1, "a@x.jp", "株式会社A"), (2, "b@x.jp", "B社"), (3, "c@x.jp", None)]


def lead_rows(warehouse):
    table = warehouse.query(
        'SELECT "lead_key", "email", "company", "employees", "import_id", "loaded_at", '
        '"content_hash" FROM "leads" ORDER BY "lead_key"'
    )
    return {r["lead_key"]: r for r in table.to_pylist()}


def test_new_same_and_changed_keys(warehouse):
    first = load(warehouse, result({"leads": leads(BASE)}), "sha1", clock=clock(1))
    assert (first.inserted, first.updated, first.unchanged) == (3, 0, 0)
    before = lead_rows(warehouse)
    assert before["hubspot:1"]["employees"] == 50

    newer = [(1, "a@x.jp", "株式会社A"), (2, "b2@x.jp", "B社"), (4, "d@x.jp", "D社")]
    second = load(warehouse, result({"leads": leads(newer)}), "sha2", clock=clock(2))
    assert (second.inserted, second.updated, second.unchanged) == (1, 1, 1)
    after = lead_rows(warehouse)
    # unchanged row not rewritten: same import and load time as before
    assert after["hubspot:1"]["import_id"] == first.import_id
    assert after["hubspot:1"]["loaded_at"] == before["hubspot:1"]["loaded_at"]
    # changed row rewritten by the second import
    assert after["hubspot:2"]["email"] == "b2@x.jp"
    assert after["hubspot:2"]["import_id"] == second.import_id
    assert after["hubspot:2"]["loaded_at"] == datetime(2026, 5, 2, 12)
    # a record absent from the newer export is kept
    assert set(after) == {"hubspot:1", "hubspot:2", "hubspot:3", "hubspot:4"}


def test_content_hash_ignores_column_order(warehouse):
    load(warehouse, result({"leads": leads(BASE)}), "sha1")
    table = leads(BASE)
    shuffled = table.select(list(reversed(table.column_names)))
    report = load(warehouse, result({"leads": shuffled}), "sha-shuffled")
    assert (report.inserted, report.updated, report.unchanged) == (0, 0, 3)
    rows = warehouse.query('SELECT * FROM "leads"')
    hashes = set(stored_hashes(rows, LEADS.payload_columns).to_pylist())
    assert len(hashes) == 3 and all(len(h) == 32 for h in hashes)


def test_same_file_is_recognised_and_force_is_safe(warehouse):
    first = load(warehouse, result({"leads": leads(BASE)}), "same-sha")
    again = load(warehouse, result({"leads": leads(BASE)}), "same-sha")
    assert again.status == "already_imported" and again.changes == 0
    assert again.previous_import_id == first.import_id
    assert "already imported" in again.message
    forced = load(warehouse, result({"leads": leads(BASE)}), "same-sha", force=True)
    assert forced.status == "ok" and (forced.changes, forced.unchanged) == (0, 3)
    log = warehouse.query('SELECT "status", "file_sha256" FROM "import_log" ORDER BY "import_id"')
    assert log.column("status").to_pylist() == ["ok", "skipped", "ok"]
    assert warehouse.query('SELECT count(*) AS n FROM "leads"').to_pylist() == [{"n": 3}]


def test_import_log_records_counts_and_duration(warehouse):
    report = load(
        warehouse,
        result({"leads": leads(BASE)}),
        "sha1",
        clock=FixedClock(datetime(2026, 5, 1, 3, tzinfo=JST)),
    )
    log = warehouse.query('SELECT * FROM "import_log"').to_pylist()
    assert len(log) == 1
    row = log[0]
    assert row["import_id"] == report.import_id
    assert (row["status"], row["file_sha256"], row["reader"]) == ("ok", "sha1", "hubspot")
    assert (row["inserted"], row["updated"], row["unchanged"], row["rejected"]) == (3, 0, 0, 0)
    assert row["started_at"] == datetime(2026, 5, 1, 3)  # naive wall clock in Asia/Tokyo
    assert report.duration_s > 0


def test_rejected_rows_are_kept_with_reason(warehouse):
    rejected = [
        RejectedRow(
            "contacts.csv", 5, "email", "not-an-email", "invalid e-mail", {"Email": "not-an-email"}
        ),
        RejectedRow("contacts.csv", 5, "email", "not-an-email", "duplicate row"),
        RejectedRow("contacts.csv", 9, None, None, "row has 3 fields, header has 7"),
    ]
    report = load(warehouse, result({"leads": leads(BASE)}, rejected), "sha1")
    assert report.rejected == 3
    rows = warehouse.query(
        'SELECT "import_id", "row_number", "column_name", "raw_value", "reason", "raw_record" '
        'FROM "rejected_rows" ORDER BY "row_number"'
    ).to_pylist()
    assert rows == [
        {
            "import_id": report.import_id,
            "row_number": 5,
            "column_name": "email",
            "raw_value": "not-an-email",
            "reason": "invalid e-mail; duplicate row",
            "raw_record": '{"Email": "not-an-email"}',
        },
        {
            "import_id": report.import_id,
            "row_number": 9,
            "column_name": "",
            "raw_value": None,
            "reason": "row has 3 fields, header has 7",
            "raw_record": None,
        },
    ]


def test_repeated_keys_in_one_file_keep_the_last_row(warehouse):
    rows = [(1, "old@x.jp", None), (2, "b@x.jp", None), (1, "new@x.jp", None)]
    report = load(warehouse, result({"leads": leads(rows)}), "sha1")
    assert report.inserted == 2 and report.tables[0].duplicate_keys == 1
    assert any("later row was kept" in w for w in report.warnings)
    assert lead_rows(warehouse)["hubspot:1"]["email"] == "new@x.jp"


def snapshot(warehouse):
    data = {}
    for table in ("leads", "lead_stages", "deals", "rejected_rows"):
        data[table] = warehouse.query(f'SELECT * FROM "{table}" ORDER BY 1, 2').to_pylist()
    return data


def stages(keys):
    return pa.table(
        {
            "lead_key": [f"hubspot:{k}" for k in keys],
            "stage": ["mql"] * len(keys),
            "entered_at": [datetime(2026, 4, 3)] * len(keys),
        }
    )


def test_failure_midway_leaves_the_warehouse_as_it_was(warehouse):
    load(warehouse, result({"leads": leads(BASE)}), "sha1")
    before = snapshot(warehouse)
    changed = [(1, "changed@x.jp", None), (7, "new@x.jp", None)]
    seen = []

    def explode(table, counts):
        seen.append((table, counts.inserted, counts.updated))
        if table == "lead_stages":
            raise RuntimeError("injected failure after two tables")

    bad = result(
        {"leads": leads(changed), "lead_stages": stages([1, 7])},
        [RejectedRow("contacts.csv", 3, "x", "y", "bad")],
    )
    with pytest.raises(RuntimeError, match="injected"):
        load(warehouse, bad, "sha2", after_table=explode)
    assert seen == [("leads", 1, 1), ("lead_stages", 2, 0)]  # the writes did happen...
    assert snapshot(warehouse) == before  # ...and were rolled back
    log = warehouse.query('SELECT "status", "message" FROM "import_log" ORDER BY "import_id"')
    assert log.column("status").to_pylist() == ["ok", "failed"]
    assert "injected failure" in log.column("message")[1].as_py()
    # the same file can be imported once the cause is gone
    assert load(warehouse, bad, "sha2").status == "ok"


def test_database_error_in_a_later_table_rolls_back_earlier_tables(warehouse):
    load(warehouse, result({"leads": leads(BASE)}), "sha1")
    before = snapshot(warehouse)
    deals = pa.table(
        {
            "deal_key": ["hubspot:d1"],
            "source_system": ["hubspot"],
            "source_id": ["d1"],
            "attributes": ["{not json"],  # the engine's JSON type refuses it
        }
    )
    bad = result({"leads": leads([(9, "n@x.jp", None)]), "deals": deals})
    with pytest.raises(Exception, match=r"(?i)json"):
        load(warehouse, bad, "sha-bad-json")
    assert snapshot(warehouse) == before
    failed = warehouse.query(
        'SELECT count(*) AS n FROM "import_log" WHERE "status" = ?', ["failed"]
    )
    assert failed.to_pylist() == [{"n": 1}]


def test_rows_that_do_not_fit_the_canonical_table_fail_clearly(warehouse):
    table = leads(BASE).append_column("Favourite colour", pa.array(["red"] * 3))
    with pytest.raises(ConformError, match="Favourite colour"):
        load(warehouse, result({"leads": table}), "sha1")
    keyless = leads(BASE).set_column(0, "lead_key", pa.array(["hubspot:1", None, None]))
    with pytest.raises(ConformError, match=r"lead_key is empty in 2 row\(s\)"):
        load(warehouse, result({"leads": keyless}), "sha2")
    with pytest.raises(ValueError, match="kpi_values"):
        load(warehouse, result({"kpi_values": leads(BASE)}), "sha3")
    statuses = warehouse.query('SELECT "status" FROM "import_log"').column("status").to_pylist()
    assert statuses == ["failed", "failed", "failed"]
    assert warehouse.query('SELECT count(*) AS n FROM "leads"').to_pylist() == [{"n": 0}]
