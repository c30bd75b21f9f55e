"""Each rule kind fires on the node's worse side only, with the line and gap it used."""

from __future__ import annotations

from typing import Any

import pytest

from ikkan.alerts.conditions import Observation, evaluate
from ikkan.alerts.rules import AlertRuleSpec


def rule(**fields: Any) -> AlertRuleSpec:
    return AlertRuleSpec.model_validate({"node": "x", **fields})


@pytest.mark.parametrize(
    ("direction", "actual", "fires"),
    [("higher", 79, True), ("higher", 80, False), ("lower", 81, True), ("lower", 80, False)],
)
def test_threshold_default_side_follows_direction(
    direction: str, actual: float, fires: bool
) -> None:
    found = evaluate(rule(kind="threshold", value=80), direction, Observation(actual=actual))
    assert found.breached is fires
    assert found.line == 80 and found.gap == actual - 80


def test_threshold_explicit_side_overrides_direction() -> None:
    found = evaluate(
        rule(kind="threshold", value=80, when="above"), "higher", Observation(actual=90)
    )
    assert found.breached is True


def test_target_margin_matches_the_amber_red_boundary() -> None:
    r = rule(kind="target", margin="10%")
    assert evaluate(r, "higher", Observation(actual=90, target=100)).breached is False
    assert evaluate(r, "higher", Observation(actual=89.9, target=100)).breached is True
    # lower is better: achievement = target / actual; 100/111 = 90.09 % ok, 100/112 < 90 %
    assert evaluate(r, "lower", Observation(actual=111, target=100)).breached is False
    assert evaluate(r, "lower", Observation(actual=112, target=100)).breached is True


def test_target_zero_edge_compares_directly() -> None:
    r = rule(kind="target")
    assert evaluate(r, "lower", Observation(actual=0, target=5000)).breached is False
    assert evaluate(r, "higher", Observation(actual=0, target=0)).breached is False


def test_pacing_uses_expected_to_date() -> None:
    r = rule(kind="pacing", margin="20%")
    found = evaluate(r, "higher", Observation(actual=30, target=100, expected=40))
    assert found.breached is True and found.line == 40 and found.gap == -10


def test_change_is_direction_aware() -> None:
    r = rule(kind="change", margin="10%")
    assert evaluate(r, "higher", Observation(actual=85, previous=100)).breached is True
    assert evaluate(r, "higher", Observation(actual=150, previous=100)).breached is False
    assert evaluate(r, "lower", Observation(actual=115, previous=100)).breached is True
    assert evaluate(r, "lower", Observation(actual=50, previous=100)).breached is False
    assert evaluate(r, "higher", Observation(actual=5, previous=0)).breached is None


def test_allowable_is_a_ceiling_with_margin() -> None:
    r = rule(kind="allowable", margin="5%")
    assert evaluate(r, "lower", Observation(actual=10_500, target=10_000)).breached is False
    found = evaluate(r, "lower", Observation(actual=10_600, target=10_000))
    assert found.breached is True and found.gap == 600


def test_missing_or_maturing_values_cannot_be_judged() -> None:
    r = rule(kind="target")
    assert evaluate(r, "higher", Observation()).breached is None
    assert evaluate(r, "higher", Observation(actual=1, target=100, maturing=True)).breached is None
    assert evaluate(r, "higher", Observation(actual=1)).breached is None


def test_stale() -> None:
    r = AlertRuleSpec.model_validate({"kind": "stale", "source": "crm", "days": 3})
    assert evaluate(r, "higher", Observation(days_since_import=3.0)).breached is False
    assert evaluate(r, "higher", Observation(days_since_import=3.5)).breached is True
    assert evaluate(r, "higher", Observation(days_since_import=None)).breached is True
