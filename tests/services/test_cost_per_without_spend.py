"""``status --by channel`` on a small project of its own (DuckDB and PostgreSQL): a channel
without any spend row has no CPL / CAC (as it has no ROMI), a channel whose spend rows
say ¥0 has a real ¥0, and a paid channel its cost per result, by month and by quarter."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from .measure_support import ENGINES, PROJECT, expected_by_channel, small_workspace
from .test_refresh_support import load

WITH_SPEND = PROJECT + (
    "  cpl: {kind: KPI, unit: JPY, direction: lower, metric: {type: cost_per, per: lead}}\n"
    "  cac: {kind: KPI, unit: JPY, direction: lower, metric: {type: cost_per, per: won}}\n"
    "  romi: {kind: KPI, unit: ratio, metric: {type: romi}}\n"
)


def _spend(key: str, day: date, channel: str, cost: float) -> dict[str, object]:
    return {
        "spend_key": key, "source_system": "t", "day": day, "channel": channel,
        "campaign": f"{channel}-camp", "cost": cost, "clicks": 1, "impressions": 10,
    }  # fmt: skip


@pytest.mark.parametrize("engine", ENGINES)
def test_no_spend_is_no_value_and_zero_spend_is_zero(engine: str, tmp_path: Path) -> None:
    with small_workspace(engine, tmp_path, WITH_SPEND) as ws:
        spend = [_spend(f"s{m}", date(2026, m, 5), "c12", 120_000.0) for m in (4, 5, 6)]
        spend.append(_spend("free", date(2026, 5, 5), "c03", 0.0))
        load(ws.warehouse(), 2, spend=spend)
        ws.refresh()
        leads, wins = expected_by_channel(5)["c12"]
        assert (leads, wins) == (12, 4)
        for period, n, w, cost in (("2026-05", 12, 4, 120_000), ("FY2026-Q1", 36, 12, 360_000)):
            by = ws.status(period=period, by="channel").by
            assert by is not None
            cpl, cac, romi = (by.values[k] for k in ("cpl", "cac", "romi"))
            assert cpl["c12"] == pytest.approx(cost / n) and cac["c12"] == pytest.approx(cost / w)
            for unpaid in ("c01", "c07", "c11"):  # leads and wins, no spend row
                assert unpaid in cpl and cpl[unpaid] is None, (period, unpaid, cpl)
                assert unpaid in cac and cac[unpaid] is None, (period, unpaid, cac)
                assert romi.get(unpaid) is None
            assert cpl["c03"] == 0 and cac["c03"] == 0  # ¥0 recorded in May
