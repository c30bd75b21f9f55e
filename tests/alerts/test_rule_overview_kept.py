"""The Alerts page keeps each rule's backtest (seconds per rule) through ``backtest_of``:
a kept value is used as it is, and what is computed on a miss is the CLI's figures."""

from __future__ import annotations

import json
from typing import Any

from ikkan.alerts.backtest import backtest
from ikkan.alerts.backtest_summary import backtest_json
from ikkan.alerts.observe import wall_clock
from ikkan.alerts.overview import rule_overview
from tests.alerts.conftest import AlertDemo


def test_kept_backtests_are_used_and_misses_compute_the_cli_figures(
    alert_demo: AlertDemo,
) -> None:
    ws = alert_demo.open()
    kept: dict[str, dict[str, Any]] = {}
    computed: list[str] = []

    def remember(rule_id: str, compute: Any) -> dict[str, Any]:
        if rule_id not in kept:
            computed.append(rule_id)
            kept[rule_id] = compute()
        return kept[rule_id]

    first = rule_overview(ws, "en", wall_clock(ws), remember)
    again = rule_overview(ws, "en", wall_clock(ws), remember)
    assert computed == list(ws.spec.alerts)  # each rule once, the second pass from memory
    assert json.dumps(first, default=str) == json.dumps(again, default=str)
    fy_start = ws.spec.company.fiscal_year_start
    for row in first:
        if row["backtest"] is not None:
            expected = backtest_json(backtest(ws, row["rule"]), fy_start)
            assert row["backtest"] == expected
