"""The content hash the loader stores is the md5 of a documented text, so that hashes
stored by earlier versions (and by either engine) stay comparable."""

from __future__ import annotations

import hashlib
from datetime import datetime

import pyarrow as pa

from ikkan.ingest.load import _keys_unique
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
