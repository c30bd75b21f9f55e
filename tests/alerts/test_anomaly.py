"""The anomaly rule: the expected range from the node's own history, seasonality aware."""

from __future__ import annotations

import math
import random
from datetime import timedelta
from pathlib import Path

import pytest

from ikkan.alerts.anomaly import expected_range
from ikkan.alerts.backtest import backtest
from ikkan.alerts.conditions import Observation, evaluate
from ikkan.alerts.rules import AlertRuleSpec
from tests.alerts.conftest import AlertDemo


def seasonal(n: int, seed: int = 3) -> list[float]:
    """Monthly values: a yearly cycle (August and January dips), a slow trend, noise."""
    rng = random.Random(seed)
    return [
        1000 + 5 * i + 250 * math.cos(2 * math.pi * (i % 12) / 12) + rng.gauss(0, 15)
        for i in range(n)
    ]


def test_seasonal_dip_is_expected_a_real_drop_is_not() -> None:
    history = seasonal(36)
    band = expected_range(history, 12)
    assert band is not None and band.method == "STL (m=12, n=36)"
    truth = seasonal(37)[-1]  # the same process one month on: inside the range
    assert band.low < truth < band.high
    assert abs(band.expected - truth) < 60
    # the month is a seasonal high: a value at the yearly average is a real drop
    assert band.low > sum(history) / len(history)


def test_without_two_seasons_the_median_and_mad() -> None:
    band = expected_range([10, 12, 11, 13, 9, 11, 50], 12, k=3)
    assert band is not None and band.method.startswith("median (n=7")
    assert band.expected == 11
    # MAD of [-1, 1, 0, 2, -2, 0, 39] around its median 0 is 1 → scale 1.4826
    assert band.high == pytest.approx(11 + 3 * 1.4826)
    assert expected_range([1, 2, 3, 4, 5], 12) is None  # fewer than 6 periods


def test_flat_history_has_a_floor() -> None:
    band = expected_range([100.0] * 12, 12)
    assert band is not None and band.high == pytest.approx(103)  # 1 % of 100, k = 3


@pytest.mark.parametrize(
    ("direction", "side", "value", "fires"),
    [
        ("higher", "worse", 1.0, True),  # far below: worse for higher-is-better
        ("higher", "worse", 500.0, False),  # far above: better
        ("higher", "both", 500.0, True),
        ("lower", "worse", 500.0, True),
        ("lower", "worse", 1.0, False),
    ],
)
def test_direction(direction: str, side: str, value: float, fires: bool) -> None:
    rule = AlertRuleSpec.model_validate({"node": "x", "kind": "anomaly", "side": side})
    obs = Observation(actual=value, history=(100, 102, 98, 101, 99, 100, 103, 97))
    found = evaluate(rule, direction, obs)
    assert found.breached is fires
    assert found.line == 100 and "median (n=8" in found.why


def test_anomaly_backtest_on_the_demo(alert_demo: AlertDemo, tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "p"
    shutil.copytree(alert_demo.root, root)
    spec = root / "ikkan.yml"
    text = spec.read_text(encoding="utf-8").replace(
        "\nalerts:\n",
        "\nalerts:\n  leads_anomaly: {node: leads, kind: anomaly}\n"
        "  leads_anomaly_by_channel: {node: leads, kind: anomaly, dimension: channel}\n",
    )
    spec.write_text(text, encoding="utf-8")
    ws = alert_demo.open(alert_demo.imported_at + timedelta(hours=1))
    ws = type(ws).open(root, clock=ws.clock)
    whole = backtest(ws, "leads_anomaly")
    assert whole.evaluations == 12
    assert whole.judged >= 6  # months with at least 6 earlier months of data
    per_channel = backtest(ws, "leads_anomaly_by_channel")
    assert per_channel.judged > whole.judged
    # figures for docs/alerts.md (printed with -s)
    print("anomaly backtest:", whole.alerts, "alerts;", per_channel.alerts, "per channel")
