"""SQL snapshots per dialect (tests/snapshots/<case>/<dialect>.sql), and the same cases run
on DuckDB and PostgreSQL giving identical rows. Refresh with ``--update-snapshots``."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import pytest

from ikkan.compute import DIALECTS, compile_metric, to_sql
from ikkan.model.metrics import parse_metric

from .dataset import STAGES

SNAPSHOTS = Path(__file__).resolve().parents[1] / "snapshots"
AS_OF = date(2026, 5, 31)

CASES: dict[str, tuple[dict, dict]] = {
    "stage_count_inferred_month_channel": (
        {"type": "stage_count", "stage": "mql", "mode": "inferred"},
        {"grain": "month", "dimension": "channel"},
    ),
    "conversion_period_quarter": (
        {"type": "conversion", "from": "mql", "to": "sql"},
        {"grain": "quarter"},
    ),
    "conversion_cohort_month_filtered": (
        {
            "type": "conversion",
            "from": "mql",
            "to": "sql",
            "basis": "cohort",
            "window_days": 30,
            "filters": {"channel": ["paid_search", "display"]},
        },
        {"grain": "month"},
    ),
    "velocity_median_week": (
        {"type": "velocity", "from": "mql", "to": "sql"},
        {"grain": "week"},
    ),
    "deal_amount_average_new_half": (
        {"type": "deal_amount", "deal_type": "new", "average": True},
        {"grain": "half"},
    ),
    "deal_count_created_fiscal_year": (
        {"type": "deal_count", "status": "created"},
        {"grain": "fiscal_year"},
    ),
    "retention_amount_quarter": (
        {"type": "retention", "basis": "amount"},
        {"grain": "quarter"},
    ),
    "deal_count_range_not_in_null_month": (
        {
            "type": "deal_count",
            "filters": {
                "amount": {"gt": 0, "lt": 50_000_000},
                "channel": {"not_in": ["test"], "null": False},
                "closed_at": {"lte": "2026-05-31"},
            },
        },
        {"grain": "month"},
    ),
    "velocity_p90_calendar_days_month": (
        {"type": "velocity", "from": "mql", "to": "sql", "stat": "p90", "days": "calendar"},
        {"grain": "month"},
    ),
    "deal_amount_max_quarter_channel": (
        {"type": "deal_amount", "stat": "max"},
        {"grain": "quarter", "dimension": "channel"},
    ),
    "open_pipeline_amount_month_channel": (
        {"type": "open_pipeline", "measure": "amount"},
        {"grain": "month", "dimension": "channel"},
    ),
    "spend_day_campaign": ({"type": "spend"}, {"grain": "day", "dimension": "campaign"}),
    "cost_per_stage_month_channel": (
        {"type": "cost_per", "per": "stage", "stage": "mql"},
        {"grain": "month", "dimension": "channel"},
    ),
    "romi_month": ({"type": "romi", "deal_type": "new"}, {"grain": "month"}),
    "web_cvr_month": ({"type": "web", "measure": "cvr"}, {"grain": "month"}),
    "activity_rate_leads_month": (
        {
            "type": "activity_rate",
            "numerator": "email_open",
            "denominator": "email_delivered",
            "count": "leads",
        },
        {"grain": "month", "dimension": "segment"},
    ),
    "manual_quarter_fy1": ({"type": "manual"}, {"grain": "quarter", "fiscal_year_start": 1}),
}


def _compile(case: str):
    spec, kwargs = CASES[case]
    return compile_metric(parse_metric(spec), stages=STAGES, as_of=AS_OF, node_id="nps", **kwargs)


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_sql_snapshot(request, case, dialect):
    sql = to_sql(_compile(case), dialect) + "\n"
    path = SNAPSHOTS / case / f"{dialect}.sql"
    if request.config.getoption("--update-snapshots", default=False):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(sql, encoding="utf-8")
    assert path.exists(), f"no snapshot {path}; run pytest --update-snapshots"
    assert sql == path.read_text(encoding="utf-8"), (
        f"{path} differs; review, then --update-snapshots"
    )


def _normalised(rows):
    out = []
    for row in rows:
        fixed = {}
        for key, value in row.items():
            if hasattr(value, "date") and callable(value.date):
                value = value.date()
            if isinstance(value, float) and not math.isnan(value):
                value = round(value, 9)
            fixed[key] = value
        out.append(fixed)
    return out


@pytest.mark.postgres
@pytest.mark.parametrize("case", sorted(CASES))
def test_duckdb_and_postgres_agree(duckdb_engine, postgres_engine, case):
    expr = _compile(case)
    on_duckdb = _normalised(duckdb_engine.rows(expr))
    assert on_duckdb, "every case has data in the fixture"
    assert on_duckdb == _normalised(postgres_engine.rows(expr))
