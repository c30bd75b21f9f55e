"""The content hash the loader stores is the md5 of a documented text, so that hashes
stored by earlier versions (and by either engine) stay comparable."""

from __future__ import annotations

import hashlib
from datetime import datetime

import pyarrow as pa

from ikkan.ingest.load_rows import _keys_unique
from ikkan.warehouse.hashing import content_hashes


def expected_md5(row: dict[str, object], columns: list[str]) -> str:
    def text(value: object) -> str:
        if value is None:
            return "\\N"
        if isinstance(value, datetime):
            return value.isoformat(sep=" ")
        return str(value)

    joined = "\x1f".join(f"{name}={text(row[name])}" for name in sorted(columns))
    return hashlib.md5(joined.encode("utf-8")).hexdigest()


def test_hash_is_md5_of_sorted_name_value_pairs_with_nulls_marked():
    table = pa.table(
        {
            "zeta": pa.array(["株式会社テスト", None, "it's"], pa.string()),
            "alpha": pa.array([1, None, -7], pa.int64()),
            "when": pa.array(
                [datetime(2026, 1, 7, 10, 15), None, datetime(2026, 2, 1, 9, 0, 5)],
                pa.timestamp("us"),
            ),
            "ignored": pa.array(["a", "b", "c"]),
        }
    )
    columns = ["zeta", "alpha", "when"]
    hashes = content_hashes(table, columns).to_pylist()
    assert hashes == [expected_md5(row, columns) for row in table.to_pylist()]
    assert len(set(hashes)) == 3
    # the columns not listed do not count, the order of the listed ones does not either
    assert content_hashes(table.drop_columns(["ignored"]), columns[::-1]).to_pylist() == hashes


def test_keys_unique_sees_repeats_and_null_keys():
    one = pa.table({"k": ["a", "b", "c"]})
    assert _keys_unique(one, ["k"])
    assert not _keys_unique(pa.table({"k": ["a", "b", "a"]}), ["k"])
    two = pa.table({"k": ["a", "a", "b"], "s": ["x", "y", "x"]})
    assert _keys_unique(two, ["k", "s"])
    assert not _keys_unique(pa.table({"k": ["a", "a"], "s": ["x", "x"]}), ["k", "s"])
    assert not _keys_unique(pa.table({"k": [None, None]}, pa.schema([("k", pa.string())])), ["k"])


def test_a_keys_unique_mark_is_trusted_only_for_the_rows_it_was_set_on(tmp_path):
    from ikkan.ingest.base import ReadResult
    from ikkan.ingest.load import load
    from ikkan.ingest.load_rows import mark_keys_unique
    from ikkan.warehouse import open_warehouse

    def leads(ids: list[str], emails: list[str]) -> pa.Table:
        return pa.table(
            {
                "lead_key": [f"hubspot:{i}" for i in ids],
                "source_system": ["hubspot"] * len(ids),
                "source_id": ids,
                "email": emails,
            }
        )

    warehouse = open_warehouse(f"duckdb://{tmp_path / 'w.duckdb'}")
    marked = mark_keys_unique(leads(["1", "2"], ["a@x.jp", "b@x.jp"]))
    report = load(warehouse, ReadResult("hubspot", "t", "f.csv", {"leads": marked}), "s1")
    assert (report.inserted, report.warnings) == (2, [])
    # concatenated after marking: the mark no longer matches, the loader checks the keys
    again = pa.concat_tables([marked, leads(["1"], ["new@x.jp"])])
    report = load(warehouse, ReadResult("hubspot", "t", "g.csv", {"leads": again}), "s2")
    assert report.tables[0].duplicate_keys == 1 and report.updated == 1
    stored = warehouse.query('SELECT "email" FROM "leads" WHERE "source_id" = ?', ["1"])
    assert stored.column("email").to_pylist() == ["new@x.jp"]  # the file's last row won
