"""The readers' snapshot and the data version on DuckDB and PostgreSQL, and the history
and slice reads the pages use, against the rows written."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from ikkan.services.history import history
from ikkan.services.snapshot import copy_measured_state, data_version
from ikkan.warehouse.testing import require_postgres, temporary_warehouse


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest) -> str:
    if request.param == "postgres":
        require_postgres()  # a failure, not a skip, under CI=true
    return str(request.param)


def _rows(node: str, values: list[float], dimension: str = "", value: str = "") -> list[dict]:
    at = datetime(2026, 11, 1, 3, 0, tzinfo=UTC)
    return [
        {
            "node_id": node,
            "grain": "month",
            "period": f"2026-{m:02d}",
            "period_start": date(2026, m, 1),
            "period_end": date(2026, m, 28),
            "dimension": dimension,
            "dimension_value": value,
            "value": v,
            "numerator": None,
            "denominator": None,
            "maturing": False,
            "computed_at": at,
        }
        for m, v in zip(range(1, len(values) + 1), values, strict=True)
    ]


def test_snapshot_copies_kpi_values_and_the_version_moves(engine: str, tmp_path: Path) -> None:
    with temporary_warehouse(engine, tmp_path) as wh:
        wh.replace_kpi_values(_rows("leads", [10, 20, 30]), {"node_id": "leads"})
        wh.replace_kpi_values(
            _rows("leads", [4, 5, 6], "channel", "web"),
            {"node_id": "leads", "dimension": "channel"},
        )
        before = data_version(wh)
        copy = copy_measured_state(wh)
        got = history(copy, "month", upto=date(2026, 3, 1), last=2)
        assert [r["value"] for r in got["leads"]] == [20, 30]
        sliced = history(copy, "month", upto=date(2026, 3, 1), where=("channel", "web"))
        assert [r["value"] for r in sliced["leads"]] == [4, 5, 6]
        wh.replace_kpi_values(_rows("leads", [11]), {"node_id": "leads", "dimension": ""})
        assert data_version(wh) != before
        again = history(copy, "month", upto=date(2026, 3, 1))  # the copy is unchanged
        assert [r["value"] for r in again["leads"]] == [10, 20, 30]
        copy.close()
