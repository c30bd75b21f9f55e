"""Support for the measurement tests (no tests here): a small project whose figures the
tests work out by hand, loaded into a real warehouse through the real upsert.

April–June 2026, fiscal year from April. 12 channels ``c01`` … ``c12``: channel ``cNN``
brings ``NN`` leads in each month (78 a month, 234 in all); every third lead of a channel
and month wins (stage ``won`` 10 days after its lead entry), and each win is a won deal
of 100,000 × (1 + lead number mod 3). Besides, three won deals in May have no lead (a
partner's deals): the measured KGI (won deals) is then 3 above leads × win rate.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from ikkan.clock import FixedClock
from ikkan.warehouse.testing import require_postgres, temporary_warehouse
from ikkan.workspace import Workspace

from .test_refresh_support import load

ENGINES = ["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)]
NOW = FixedClock(datetime(2026, 7, 20, 3, 0).astimezone())
MONTHS = (4, 5, 6)
CHANNELS = tuple(f"c{n:02d}" for n in range(1, 13))
PARTNER_DEALS = 3

PROJECT = """\
ikkan: 1
company: {name: Small K.K., fiscal_year_start: 4, locale: en}
funnel: {stages: [lead, won], mode: strict}
plan: {period: FY2026}
measure: {grains: [month, quarter, fiscal_year], dimensions: [channel]}
nodes:
  won:
    kind: KGI
    unit: count
    formula: leads * win_rate
    target: 480
    metric: {type: deal_count}
  leads: {kind: KPI, unit: count, metric: {type: stage_count, stage: lead}}
  win_rate:
    kind: KPI
    unit: ratio
    assumption: 25%
    metric: {type: conversion, from: lead, to: won}
  revenue: {kind: KPI, unit: JPY, metric: {type: deal_amount}}
"""


def rows() -> dict[str, list[dict[str, Any]]]:
    leads, stages, deals = [], [], []
    number = 0
    for month in MONTHS:
        for index, channel in enumerate(CHANNELS, start=1):
            for k in range(index):
                number += 1
                created = datetime(2026, month, 1 + k % 28, 10)
                key = f"t:{number}"
                leads.append(
                    {
                        "lead_key": key,
                        "source_system": "t",
                        "source_id": str(number),
                        "created_at": created,
                        "channel": channel,
                    }
                )
                stages.append({"lead_key": key, "stage": "lead", "entered_at": created})
                if k % 3 == 0:
                    won_at = created + timedelta(days=10)
                    stages.append({"lead_key": key, "stage": "won", "entered_at": won_at})
                    deals.append(_deal(number, key, won_at, channel))
    for p in range(PARTNER_DEALS):
        deals.append(_deal(10_000 + p, None, datetime(2026, 5, 20 + p, 12), None))
    return {"leads": leads, "lead_stages": stages, "deals": deals}  # fmt: skip


def _deal(
    number: int, lead_key: str | None, closed: datetime, channel: str | None
) -> dict[str, Any]:
    return {
        "deal_key": f"t:d{number}", "source_system": "t", "source_id": f"d{number}",
        "lead_key": lead_key, "deal_type": "new", "amount": 100_000.0 * (1 + number % 3),
        "created_at": closed - timedelta(days=5), "closed_at": closed, "is_closed": True,
        "is_won": True, "channel": channel,
    }  # fmt: skip


def expected_by_channel(month: int | None = None) -> dict[str, tuple[int, int]]:
    """channel → (leads, wins) computed from ``rows()`` with plain Python."""
    data = rows()
    months = {s["lead_key"]: s["entered_at"].month for s in data["lead_stages"]}
    out: dict[str, list[int]] = {}
    channel = {r["lead_key"]: r["channel"] for r in data["leads"]}
    for s in data["lead_stages"]:
        if month is not None and months[s["lead_key"]] != month:
            continue
        counts = out.setdefault(channel[s["lead_key"]], [0, 0])
        counts[0 if s["stage"] == "lead" else 1] += 1
    return {k: (v[0], v[1]) for k, v in out.items()}


@contextmanager
def small_workspace(engine: str, tmp_path: Path, project: str = PROJECT) -> Iterator[Workspace]:
    """The project above, loaded and refreshed as of 2026-06-30."""
    if engine == "postgres":
        require_postgres()
    folder = tmp_path / "project"
    folder.mkdir(exist_ok=True)
    (folder / "ikkan.yml").write_text(project, encoding="utf-8")
    with temporary_warehouse(engine, tmp_path) as wh:
        ws = Workspace.open(folder, clock=NOW)
        assert not ws.has_errors, ws.issues
        ws._warehouse = wh
        load(wh, 1, **rows())
        ws.refresh()
        yield ws
