"""DuckDB stores no content hash when it loads a row (``hashing.UNHASHED``): a re-import
compares values, and a row edited after loading (attribution) got its hash, the export's,
in the same update, so it stays unchanged; rows hashed by earlier versions keep theirs."""

from __future__ import annotations

from datetime import datetime

import pyarrow as pa

from ikkan.ingest.attribution import attribute_deals
from ikkan.ingest.base import ReadResult
from ikkan.ingest.load import load
from ikkan.model.canonical import DEALS, LEADS
from ikkan.warehouse.arrow_schema import conform
from ikkan.warehouse.hashing import (
    UNHASHED,
    content_hashes,
    stored_hash_expression,
    stored_hashes,
)
from ikkan.warehouse.testing import temporary_warehouse


def leads(emails: list[str | None]) -> pa.Table:
    n = len(emails)
    return pa.table(
        {
            "lead_key": [f"h:{i}" for i in range(n)],
            "source_system": ["hubspot"] * n,
            "source_id": [str(i) for i in range(n)],
            "created_at": [datetime(2026, 4, 1, 9, i) for i in range(n)],
            "email": emails,
            "channel": ["paid_search"] + [None] * (n - 1),
            "campaign": ["検索"] + [None] * (n - 1),
            "attributes": ['{"b": 1,  "a": "日本語"}'] + [None] * (n - 1),
        }
    )


def deals() -> pa.Table:
    return pa.table(
        {
            "deal_key": ["h:d1", "h:d2"],
            "source_system": ["hubspot"] * 2,
            "source_id": ["d1", "d2"],
            "lead_key": ["h:0", "h:1"],
            "amount": [1_000_000.0, 5.5],
            "closed_at": [datetime(2026, 4, 30, 18), None],
            "is_won": [True, None],
            "attributes": ['{"x": 1}', None],
        }
    )


def hashes_of(definition, data: pa.Table) -> list[str]:
    """The documented md5 of each row as the loader reads it (conformed)."""
    conformed = conform(definition, data, origin="test")
    return content_hashes(conformed, definition.payload_columns).to_pylist()


def read(tables: dict[str, pa.Table]) -> ReadResult:
    rows = sum(t.num_rows for t in tables.values())
    return ReadResult("hubspot", "hubspot", "f.csv", tables, rows_read=rows)


def rows(warehouse, table: str) -> pa.Table:
    key = "deal_key" if table == "deals" else "lead_key"
    return warehouse.query(f'SELECT * FROM "{table}" ORDER BY "{key}"')


def test_duckdb_loads_rows_without_hashing_them(warehouse):
    data = leads(["a@x.jp", "b@x.jp"])
    load(warehouse, read({"leads": data}), "s1")
    stored = rows(warehouse, "leads")
    documented = hashes_of(LEADS, data)
    lazy = warehouse.NAME == "duckdb"
    assert warehouse.LAZY_CONTENT_HASH is lazy
    written = stored.column("content_hash").to_pylist()
    assert written == ([UNHASHED, UNHASHED] if lazy else documented)
    # either way the row's hash is the documented md5 of what was read
    assert stored_hashes(stored, LEADS.payload_columns).to_pylist() == documented


def test_a_deal_filled_by_attribution_is_unchanged_on_a_forced_reimport(warehouse):
    tables = {"leads": leads(["a@x.jp", "a@x.jp"]), "deals": deals()}
    load(warehouse, read(tables), "s1")
    filled = attribute_deals(warehouse)
    assert filled.filled == 2  # h:1 is the same person as h:0: its first touch
    stored = rows(warehouse, "deals")
    assert stored.column("channel").to_pylist() == ["paid_search", "paid_search"]
    # the edited deals carry the hash of the export's values, as PostgreSQL's do
    exported = hashes_of(DEALS, deals())
    assert stored.column("content_hash").to_pylist() == exported

    again = load(warehouse, read(tables), "s1", force=True)
    by_table = {t.table: (t.inserted, t.updated, t.unchanged) for t in again.tables}
    assert by_table == {"leads": (0, 0, 2), "deals": (0, 0, 2)}
    assert rows(warehouse, "deals").column("channel").to_pylist() == ["paid_search"] * 2

    # a changed export still updates the filled deal (and drops its hash again)
    newer = deals().set_column(4, "amount", pa.array([2_000_000.0, 5.5]))
    changed = load(warehouse, read({"deals": newer}), "s2")
    assert (changed.inserted, changed.updated, changed.unchanged) == (0, 1, 1)
    stored = rows(warehouse, "deals")
    assert stored.column("amount").to_pylist() == [2_000_000.0, 5.5]
    after = stored_hashes(stored, DEALS.payload_columns).to_pylist()
    assert after[0] == hashes_of(DEALS, newer)[0]


def test_rows_hashed_by_an_earlier_version_keep_their_hash(tmp_path):
    """A DuckDB warehouse whose rows carry their md5 (written before the hash was stored
    lazily) re-imports as before: an edited row whose hash was kept stays unchanged; a
    changed row is rewritten without a hash."""
    with temporary_warehouse("duckdb", tmp_path) as warehouse:
        load(warehouse, read({"leads": leads(["a@x.jp", "b@x.jp", None])}), "s1")
        every = stored_hash_expression(LEADS.payload_columns, '"leads"')
        with warehouse.transaction() as session:  # what an earlier version stored
            session.execute(f'UPDATE "leads" SET "content_hash" = {every}')
            session.execute('UPDATE "leads" SET "owner" = \'x\' WHERE "lead_key" = \'h:2\'')
        old = rows(warehouse, "leads").column("content_hash").to_pylist()
        assert old == hashes_of(LEADS, leads(["a@x.jp", "b@x.jp", None]))

        again = load(warehouse, read({"leads": leads(["a@x.jp", "b@x.jp", None])}), "s2")
        assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
        assert rows(warehouse, "leads").column("owner").to_pylist() == [None, None, "x"]

        newer = load(warehouse, read({"leads": leads(["a@x.jp", "new@x.jp", None])}), "s3")
        assert (newer.inserted, newer.updated, newer.unchanged) == (0, 1, 2)
        hashes = rows(warehouse, "leads").column("content_hash").to_pylist()
        assert hashes == [old[0], UNHASHED, old[2]]


def test_a_staged_hash_is_compared_with_a_stored_rows_values(tmp_path):
    """Rows staged with their hash (a caller that computed it) against rows stored
    without one: the stored row's hash is that of its values, so equal rows are
    unchanged."""
    with temporary_warehouse("duckdb", tmp_path) as warehouse:
        data = leads(["a@x.jp", "b@x.jp"])
        load(warehouse, read({"leads": data}), "s1")
        stored = rows(warehouse, "leads")
        staged = stored.set_column(
            stored.schema.get_field_index("content_hash"),
            "content_hash",
            content_hashes(stored, LEADS.payload_columns),
        )
        staged = staged.set_column(
            staged.schema.get_field_index("email"), "email", pa.array(["a@x.jp", "c@x.jp"])
        )
        staged = staged.set_column(
            staged.schema.get_field_index("content_hash"),
            "content_hash",
            content_hashes(staged, LEADS.payload_columns),
        )
        with warehouse.transaction() as session:
            counts = session.upsert(LEADS, staged)
        assert (counts.inserted, counts.updated, counts.unchanged) == (0, 1, 1)


def test_reimport_finds_each_kind_of_change_among_candidates(tmp_path):
    """DuckDB narrows a re-import to candidate keys (new, or values hashing otherwise)
    before comparing columns: every kind of change is found, equal rows are no
    candidates, and the counts equal the rows' own comparison."""
    from ikkan.warehouse.upsert import candidates_sql

    base = leads(["a@x.jp", "b@x.jp", "c@x.jp", None, "e@x.jp", "f@x.jp"])
    stages = pa.table(
        {
            "lead_key": ["h:0", "h:0", "h:1"],
            "stage": ["lead", "mql", "lead"],
            "entered_at": [datetime(2026, 4, 1), datetime(2026, 4, 2), datetime(2026, 4, 3)],
            "source": ["hubspot"] * 3,
        }
    )
    with temporary_warehouse("duckdb", tmp_path) as warehouse:
        load(warehouse, read({"leads": base, "lead_stages": stages}), "s1")
        newer = base.set_column(4, "email", pa.array(["a@x.jp", "B@x.jp", "c@x.jp"] + [None] * 3))
        newer = newer.set_column(
            7,
            "attributes",
            pa.array(['{"b": 1,  "a": "日本語"}', None, '{"c": 2}', None, None, None]),
        )
        newer = pa.concat_tables([newer, leads(["g"] * 7).slice(6)])  # h:6 is new
        moved = stages.set_column(
            2,
            "entered_at",
            pa.array([datetime(2026, 4, 1), datetime(2026, 4, 9), datetime(2026, 4, 3)]),
        )
        # changed: h:1 (email), h:2 (attributes), h:4, h:5 (email to null); h:6 new
        stage_name = "ikkan_stage_leads"
        with warehouse.transaction() as session:
            conformed = conform(LEADS, newer, origin="test")
            names = [c for c in LEADS.column_names if c != "content_hash"]
            session.con.register(
                stage_name, conformed.select([n for n in names if n in conformed.column_names])
            )
            session.execute(candidates_sql(LEADS, stage_name, "cands"))
            found = sorted(
                r["lead_key"] for r in session.query("SELECT lead_key FROM cands").to_pylist()
            )
            session.con.unregister(stage_name)
        assert found == ["h:1", "h:2", "h:4", "h:5", "h:6"]
        again = load(warehouse, read({"leads": newer, "lead_stages": moved}), "s2")
        by_table = {t.table: (t.inserted, t.updated, t.unchanged) for t in again.tables}
        assert by_table == {"leads": (1, 4, 2), "lead_stages": (0, 1, 2)}
        stored = rows(warehouse, "leads")
        assert stored.column("email").to_pylist() == [
            "a@x.jp",
            "B@x.jp",
            "c@x.jp",
            None,
            None,
            None,
            "g",
        ]
        assert stored.column("attributes").to_pylist()[2] is not None
        entered = warehouse.query("SELECT entered_at FROM lead_stages ORDER BY lead_key, stage")
        assert entered.column(0).to_pylist()[1] == datetime(2026, 4, 9)
