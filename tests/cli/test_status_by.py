"""`status --by` in a terminal: values as rows, ranked, the rest folded, no number cut;
numerator and denominator beside every rate (table and JSON)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tests.services.measure_support import (
    ENGINES,
    PARTNER_DEALS,
    expected_by_channel,
    small_workspace,
)

from ikkan.cli.render import console
from ikkan.cli.status_render import print_status
from ikkan.reports.status_json import status_to_json


def _render(ws, report, width: int, top: int = 10) -> list[str]:  # type: ignore[no-untyped-def]
    saved = console.width
    console.width = width
    try:
        with console.capture() as captured:
            print_status(ws.tree, report, "en", top=top)
    finally:
        console.width = saved
    return captured.get().splitlines()


@pytest.mark.parametrize("engine", ENGINES)
def test_by_channel_rows_ranked_and_folded(engine: str, tmp_path: Path) -> None:
    may = expected_by_channel(5)
    with small_workspace(engine, tmp_path) as ws:
        report = ws.status(period="2026-05", by="channel")
        lines = _render(ws, report, 60, top=4)
        assert all(len(line.rstrip()) <= 60 for line in lines)
        assert not any("…" in line for line in lines)  # nothing cut
        start = next(i for i, line in enumerate(lines) if line.startswith("by channel"))
        body = lines[start:]
        rows = [line for line in body if re.match(r"^(c\d\d|\(none\)|others|total)(?=\s)", line)]
        names = [line.split()[0] for line in rows]
        # ranked by won: c10, c11, c12 have 4 wins each (ties by name), then 3 wins
        assert names[:4] == ["c10", "c11", "c12", "(none)"]
        assert "others" in names and names.count("total") >= 1
        others = next(line for line in rows if line.startswith("others"))
        folded = [c for c in may if c not in ("c10", "c11", "c12")]
        leads = sum(may[c][0] for c in folded)
        wins = sum(may[c][1] for c in folded)
        assert f"({wins} / {leads})" in others  # the folded rate's counts
        assert "others (9)" in others
        total = next(line for line in rows if line.startswith("total"))
        assert "100.0%" in total and "(30 / 78)" in total
        # the main table: the counts beside the rate
        rate_line = next(line for line in lines if line.lstrip().startswith("win_rate"))
        assert "38.5% (30 / 78)" in rate_line


@pytest.mark.parametrize("engine", ENGINES)
def test_by_json_has_every_value_with_counts_and_shares(engine: str, tmp_path: Path) -> None:
    may = expected_by_channel(5)
    with small_workspace(engine, tmp_path) as ws:
        data = status_to_json(ws.tree, ws.status(period="2026-05", by="channel"))
        rows = {r["value"]: r["nodes"] for r in data["by"]["rows"]}
        assert set(rows) == {*may, "(none)"}
        for channel, (leads, wins) in may.items():
            rate = rows[channel]["win_rate"]
            assert (rate["numerator"], rate["denominator"]) == (wins, leads)
            assert rate["share"] is None
        won_total = sum(w for _, w in may.values()) + PARTNER_DEALS
        assert rows["c12"]["won"]["share"] == pytest.approx(4 / won_total)
        assert sum(r["won"]["share"] for r in rows.values()) == pytest.approx(1.0)
        node = next(n for n in data["nodes"] if n["id"] == "win_rate")
        assert (node["numerator"], node["denominator"]) == (30, 78)


@pytest.mark.parametrize("engine", ENGINES)
def test_series_by_channel_is_never_cut(engine: str, tmp_path: Path) -> None:
    from ikkan.cli.status_render import print_series

    with small_workspace(engine, tmp_path) as ws:
        series = ws.series("win_rate", by="channel")
        whole = ws.series("win_rate")
        saved = console.width
        console.width = 50
        try:
            with console.capture() as captured:
                print_series(ws.tree, series, whole, "en", top=3)
        finally:
            console.width = saved
        lines = captured.get().splitlines()
        assert all(len(line.rstrip()) <= 50 for line in lines) and "…" not in captured.get()
        assert sum("(4 / 12)" in line for line in lines) == 3  # c12 in each month
        assert sum("(30 / 78)" in line for line in lines) == 3  # the totals, every month
