"""One row per key without a PRIMARY KEY: DuckDB's upserted tables have none, so the
loader's own steps keep keys unique (one row per key per file; a key inserted only when
the table lacks it, in a transaction the import lock serialises). Warehouses created
with the key by earlier versions keep it and keep working."""

from __future__ import annotations

import threading
from datetime import datetime

import duckdb
import pyarrow as pa

from ikkan.ingest.base import ReadResult
from ikkan.ingest.load import load
from ikkan.model.canonical import LEADS, TABLES
from ikkan.warehouse import open_warehouse
from ikkan.warehouse.ddl import create_table_sql
from ikkan.warehouse.duckdb import DuckDbWarehouse
from ikkan.warehouse.hashing import UNHASHED, content_hashes, stored_hash_expression, stored_hashes
from ikkan.warehouse.upsert import upserted


def leads(ids, email="x@x.jp", score=1.5):
    n = len(ids)
    return pa.table(
        {
            "lead_key": [f"h:{i}" for i in ids],
            "source_system": ["hubspot"] * n,
            "source_id": [str(i) for i in ids],
            "created_at": [datetime(2026, 4, 1, 9, 30, 15, 250000)] * n,
            "email": pa.array([None if i % 3 == 0 else f"{i}{email}" for i in ids], pa.string()),
            "score": [score] * n,
            "attributes": ['{"b": 1,  "a": "日本語"}'] * n,  # kept as written
        }
    )


def read(table, path="f.csv"):
    return ReadResult("hubspot", "hubspot", path, {"leads": table}, rows_read=table.num_rows)


def repeated_keys(warehouse) -> list[tuple[str, int]]:
    found = warehouse.query(
        'SELECT "lead_key", count(*) AS n FROM "leads" GROUP BY "lead_key" HAVING count(*) > 1'
    )
    return list(zip(*found.to_pydict().values(), strict=True))


def stored(warehouse) -> pa.Table:
    columns = ", ".join(f'"{c}"' for c in LEADS.column_names if c != "loaded_at")
    return warehouse.query(f'SELECT {columns} FROM "leads" ORDER BY "lead_key"')


def assert_hashes_are_the_documented_md5(warehouse):
    """Every row's hash (DuckDB: of its stored values, the loader stores none) is the
    documented md5 of its payload, on every engine."""
    rows = warehouse.query('SELECT * FROM "leads" ORDER BY "lead_key"')
    expected = content_hashes(rows, LEADS.payload_columns).to_pylist()
    assert stored_hashes(rows, LEADS.payload_columns).to_pylist() == expected
    lazy = warehouse.LAZY_CONTENT_HASH
    assert all((h == UNHASHED) == lazy for h in rows.column("content_hash").to_pylist())


def test_a_second_import_with_overlapping_keys_updates_instead_of_duplicating(warehouse):
    first = load(warehouse, read(leads(range(1, 7))), "s1")
    assert (first.inserted, first.updated, first.unchanged) == (6, 0, 0)
    changed = leads(range(4, 10)).set_column(4, "email", pa.array(["new@x.jp"] * 6))
    newer = pa.concat_tables([leads([1, 2]), changed.slice(0, 2), leads([6]), changed.slice(3)])
    second = load(warehouse, read(newer), "s2")  # 1, 2, 6 same; 4, 5 changed; 7, 8, 9 new
    assert (second.inserted, second.updated, second.unchanged) == (3, 2, 3)
    assert repeated_keys(warehouse) == []
    assert warehouse.query('SELECT count(*) AS n FROM "leads"').to_pylist() == [{"n": 9}]
    emails = dict(zip(*stored(warehouse).select(["lead_key", "email"]).to_pydict().values()))
    assert emails["h:4"] == emails["h:9"] == "new@x.jp" and emails["h:1"] == "1x@x.jp"
    assert_hashes_are_the_documented_md5(warehouse)
    forced = load(warehouse, read(newer), "s2", force=True)
    assert (forced.inserted, forced.updated, forced.unchanged) == (0, 0, 8)
    again = load(warehouse, read(leads(range(1, 10), score=2.5)), "s3")  # every row changed
    assert (again.inserted, again.updated, again.unchanged) == (0, 9, 0)
    assert repeated_keys(warehouse) == [] and set(
        stored(warehouse).column("score").to_pylist()
    ) == {2.5}
    assert_hashes_are_the_documented_md5(warehouse)
    only_new = load(warehouse, read(leads(range(20, 23))), "s4")  # no key known yet
    assert (only_new.inserted, only_new.updated, only_new.unchanged) == (3, 0, 0)
    assert repeated_keys(warehouse) == []
    assert_hashes_are_the_documented_md5(warehouse)


def test_a_row_edited_after_loading_is_compared_by_its_hash(warehouse):
    """A step after the load may fill values in a stored row and keep its hash (the
    export's), as attribution fills a deal's channel, by setting ``content_hash`` to
    ``stored_hash_expression`` in its update (DuckDB stores no hash until then):
    re-importing the export leaves the row alone (unchanged, the filled value kept) on
    every engine."""
    load(warehouse, read(leads(range(1, 4))), "s1")
    fix = stored_hash_expression(LEADS.payload_columns, "leads")
    with warehouse.transaction() as session:
        session.execute(
            f'UPDATE "leads" SET "channel" = ?, "content_hash" = {fix} WHERE "lead_key" = ?',
            ["web", "h:2"],
        )
    again = load(warehouse, read(leads(range(1, 4))), "s1", force=True)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    channels = stored(warehouse).column("channel").to_pylist()
    assert channels == [None, "web", None]
    changed = load(warehouse, read(leads(range(1, 4), email="z@x.jp")), "s2")
    assert (changed.inserted, changed.updated, changed.unchanged) == (0, 2, 1)  # h:3 no e-mail
    assert stored(warehouse).column("channel").to_pylist() == [None, None, None]


def test_concurrent_imports_of_overlapping_keys_are_serialised(warehouse):
    """Four threads import overlapping files at once: the import lock (DuckDB: one writer
    per file; PostgreSQL: an advisory lock) makes each key inserted once."""
    files = [leads(range(start, start + 300)) for start in (0, 100, 200, 250)]
    reports: list = []
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            reports.append(load(warehouse, read(files[index], f"f{index}.csv"), f"sha{index}"))
        except BaseException as exc:  # collected: the assertion below shows it
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(files))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == [] and len(reports) == 4
    assert sum(r.inserted for r in reports) == 550  # keys 0..549, each inserted once
    assert sum(r.updated for r in reports) == 0
    assert repeated_keys(warehouse) == []
    assert warehouse.query('SELECT count(*) AS n FROM "leads"').to_pylist() == [{"n": 550}]


def test_a_duckdb_warehouse_created_with_primary_keys_keeps_them_and_works(tmp_path):
    """Earlier versions created every DuckDB table with its PRIMARY KEY; such a warehouse
    is left as it is (no rebuild) and loads, updates and re-imports as a new one does."""
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    for table in TABLES:  # what version 1 created before
        con.execute(create_table_sql(table, DuckDbWarehouse.TYPE_NAMES))
    con.close()
    old = open_warehouse(f"duckdb://{path}")
    new = open_warehouse(f"duckdb://{tmp_path / 'new.duckdb'}")
    keyed = (
        "SELECT count(*) AS n FROM information_schema.table_constraints "
        "WHERE table_name = 'leads' AND constraint_type = 'PRIMARY KEY'"
    )
    seen = []
    for warehouse in (old, new):
        counts = []
        for sha, table in (
            ("s1", leads(range(5))),
            ("s2", leads(range(3, 8), email="y@x.jp")),
            ("s3", leads(range(3, 8), email="y@x.jp")),
        ):
            report = load(warehouse, read(table), sha)
            counts.append((report.inserted, report.updated, report.unchanged))
        assert counts == [(5, 0, 0), (3, 1, 1), (0, 0, 5)]  # h:3 has no e-mail
        assert repeated_keys(warehouse) == []
        assert_hashes_are_the_documented_md5(warehouse)
        seen.append(stored(warehouse).drop_columns(["import_id"]))
    assert seen[0] == seen[1]
    assert old.query(keyed).to_pylist() == [{"n": 1}]
    assert new.query(keyed).to_pylist() == [{"n": 0}]
    assert all(upserted(t) == ("content_hash" in t.column_names) for t in TABLES)
