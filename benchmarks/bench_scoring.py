"""Score 1M generated leads (and ~2M activities) in DuckDB with the default template rules.

Prints the seconds of ``ikkan leads score`` (reasons, totals, history, all in SQL) and the
ratio against a plain ``COUNT(*)`` over the same leads table in the same process: the first
run renders the SQL (Ibis → sqlglot, then cached), the second is a refresh's rescoring.

    uv run python benchmarks/bench_scoring.py [--leads 1000000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

import yaml

from ikkan.model.scoring import ScoringSpec
from ikkan.monitor.calendar import BusinessCalendar
from ikkan.services.scoring.current import score_leads
from ikkan.warehouse.testing import temporary_warehouse

TEMPLATE = Path(__file__).resolve().parents[1] / "src/ikkan/project/templates/ikkan.en.yml"
INDUSTRIES = ["Computer Software", "Wholesale", "Construction", "Real Estate", "Machinery"]
TYPES = ["email_open", "email_click", "download", "webinar_registration", "webinar_attendance"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leads", type=int, default=1_000_000)
    n = parser.parse_args().leads
    spec = ScoringSpec.model_validate(yaml.safe_load(TEMPLATE.read_text("utf-8"))["scoring"])
    with (
        tempfile.TemporaryDirectory() as folder,
        temporary_warehouse("duckdb", Path(folder)) as warehouse,
    ):
        with warehouse.transaction() as session:
            session.execute(
                "INSERT INTO leads (lead_key, source_system, source_id, created_at, email, "
                "industry, employees, attributes, content_hash, import_id, loaded_at) "
                "SELECT 'b:' || i, 'bench', CAST(i AS VARCHAR), "
                "TIMESTAMP '2025-01-01' + to_minutes(CAST(i % 900000 AS BIGINT)), "
                "'p' || i || '@example.jp', list_extract(?, CAST(1 + i % 5 AS INTEGER)), "
                "CAST(i % 2000 AS BIGINT), "
                "CASE WHEN i % 3 = 0 THEN '{\"Job Title\": \"営業部 部長\"}' ELSE '{}' END, "
                "'h', 1, TIMESTAMP '2026-11-30' FROM range(?) t(i)",
                [INDUSTRIES, n],
            )
            session.execute(
                "INSERT INTO activities (activity_key, source_system, lead_key, occurred_at, "
                "activity_type, content_hash, import_id, loaded_at) "
                "SELECT 'a' || j, 'bench', 'b:' || (j * 7919 % ?), "
                "TIMESTAMP '2026-06-01' + to_minutes(CAST(j % 250000 AS BIGINT)), "
                "list_extract(?, CAST(1 + j % 5 AS INTEGER)), 'h', 1, TIMESTAMP '2026-11-30' "
                "FROM range(?) t(j)",
                [n, TYPES, 2 * n],
            )
        started = time.perf_counter()
        count = warehouse.query("SELECT count(*) AS n FROM leads").column(0)[0].as_py()
        baseline = time.perf_counter() - started
        calendar, now = BusinessCalendar(), datetime(2026, 11, 30, 9)
        first = score_leads(warehouse, spec, calendar, date(2026, 11, 30), now)
        again = score_leads(warehouse, spec, calendar, date(2026, 12, 1), now)
    print(f"leads: {count:,}  activities: {2 * n:,}  reasons: {first.reasons:,}")
    print(f"baseline COUNT(*): {baseline * 1000:.1f} ms")
    for name, run in (("first run (renders SQL)", first), ("next day (SQL cached)", again)):
        print(
            f"{name}: {run.seconds:.2f} s  ratio: {run.seconds / baseline:,.0f}x  "
            f"MQL: {run.mql:,}  history rows: {run.changed:,}"
        )


if __name__ == "__main__":
    main()
