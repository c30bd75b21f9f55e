"""Load N synthetic leads into a fresh DuckDB file and print rows/s.

    uv run python benchmarks/bench_load.py [N] [--postgres URL]

Three passes through ``ikkan.ingest.load.load``: the first inserts every row, the
second re-loads the same rows (the unchanged path: hashes compared, nothing rewritten),
the third changes 10% of the rows (the update path).
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from ikkan.ingest.base import ReadResult
from ikkan.ingest.load import load
from ikkan.warehouse import open_warehouse

CHANNELS = ["organic", "paid_search", "paid_social", "webinar", "referral", "event"]


def synthetic_leads(n: int) -> pa.Table:
    ids = pa.array(range(n), pa.int64())
    keys = pc.binary_join_element_wise("hubspot:", pc.cast(ids, pa.string()), "")
    start = datetime(2025, 4, 1)
    created = pa.array([start + timedelta(minutes=7 * i) for i in range(n)], pa.timestamp("us"))
    return pa.table(
        {
            "lead_key": keys,
            "source_system": pa.array(["hubspot"] * n),
            "source_id": pc.cast(ids, pa.string()),
            "created_at": created,
            "email": pc.binary_join_element_wise(
                "user", pc.cast(ids, pa.string()), "@example.co.jp", ""
            ),
            "company": pc.binary_join_element_wise(
                "株式会社テスト", pc.cast(pc.divide(ids, 5), pa.string()), ""
            ),
            "employees": pc.add(pc.multiply(pc.bit_wise_and(ids, 255), 3), 1),
            "channel": pa.array([CHANNELS[i % len(CHANNELS)] for i in range(n)]),
            "channel_raw": pa.array([CHANNELS[i % len(CHANNELS)].upper() for i in range(n)]),
            "score": pc.cast(pc.bit_wise_and(ids, 127), pa.float64()),
            "attributes": pa.array(['{"utm_source": "bench"}'] * n),
        }
    )


def line(label: str, rows: int, seconds: float, n: int) -> str:
    return f"{label:<10}: {rows:>10,} rows in {seconds:6.2f} s = {n / seconds:>10,.0f} rows/s"


def timed_load(warehouse, table: pa.Table, sha: str):
    result = ReadResult(
        "hubspot", "bench", f"bench-{sha}.csv", {"leads": table}, rows_read=table.num_rows
    )
    started = time.perf_counter()
    report = load(warehouse, result, sha)
    return report, time.perf_counter() - started


def main(argv: list[str]) -> None:
    n = int(argv[1]) if len(argv) > 1 and not argv[1].startswith("--") else 1_000_000
    url = None
    if "--postgres" in argv:
        url = argv[argv.index("--postgres") + 1]
    built = time.perf_counter()
    table = synthetic_leads(n)
    print(f"built {n:,} rows as Arrow in {time.perf_counter() - built:.2f} s")
    with tempfile.TemporaryDirectory() as tmp:
        url = url or "duckdb://" + str(Path(tmp) / "bench.duckdb")
        warehouse = open_warehouse(url)
        warehouse.migrate()
        report, seconds = timed_load(warehouse, table, "first")
        print(line("insert", report.inserted, seconds, n))
        report, seconds = timed_load(warehouse, table, "second")
        print(line("unchanged", report.unchanged, seconds, n))
        changed_mask = pa.array([i % 10 == 0 for i in range(n)])  # 10% of the rows
        scores = pc.if_else(
            changed_mask, pc.add(table.column("score"), 1000.0), table.column("score")
        )
        changed = table.set_column(table.schema.get_field_index("score"), "score", scores)
        report, seconds = timed_load(warehouse, changed, "third")
        print(
            f"update    : {report.updated:>10,} changed of {n:,} in {seconds:6.2f} s "
            f"= {n / seconds:>10,.0f} rows/s"
        )
        if hasattr(warehouse, "drop_schema"):
            warehouse.drop_schema()


if __name__ == "__main__":
    main(sys.argv)
