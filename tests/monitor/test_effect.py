"""The measured effect of an action on fixtures: a known lift, no lift, a 年度末 March peak
that must not count as an effect, too little history, and an incomplete after window."""

from __future__ import annotations

import math
import random

import pytest

from ikkan.monitor.effect import Verdict, measure_effect, month_index, month_key

SEASON = {3: 1.8, 8: 0.8, 12: 1.1}  # March (年度末) peak, August (お盆) dip


def history(
    first: str = "2023-04", months: int = 40, lift: dict[str, float] | None = None, seed: int = 3
) -> dict[str, float]:
    """Monthly leads: 200 a month, growing 0.5% a month, seasonal, ±4% noise (seeded)."""
    rng = random.Random(seed)
    out: dict[str, float] = {}
    start = month_index(first)
    for i in range(months):
        key = month_key(start + i)
        month = int(key[5:])
        value = 200 * (1.005**i) * SEASON.get(month, 1.0) * (1 + rng.uniform(-0.04, 0.04))
        out[key] = round(value * (lift or {}).get(key, 1.0))
    return out


def test_a_known_lift_is_above_the_expected_range() -> None:
    values = history(lift={"2026-05": 1.35, "2026-06": 1.35})
    result = measure_effect(values, "2026-05", "2026-06", last_complete_month="2026-07")
    assert result.verdict is Verdict.ABOVE
    assert result.sentence("en") == "above the expected range"
    assert result.sentence("ja") == "期待範囲を上回る"
    assert result.lift is not None and 0.25 < result.lift < 0.45
    assert result.after is not None and result.high is not None and result.after > result.high
    assert result.method == "multiplicative" and result.windows >= 6


def test_no_lift_is_within_normal_variation() -> None:
    values = history()
    result = measure_effect(values, "2026-05", "2026-06", last_complete_month="2026-07")
    assert result.verdict is Verdict.WITHIN
    assert result.sentence("en") == "within normal variation"
    assert result.low is not None and result.high is not None
    assert result.low <= (result.after or 0) <= result.high


def test_a_drop_is_below_the_expected_range() -> None:
    values = history(lift={"2026-05": 0.7})
    result = measure_effect(values, "2026-05", "2026-05", last_complete_month="2026-07")
    assert result.verdict is Verdict.BELOW
    assert result.favourable(higher_is_better=True) is False
    assert result.favourable(higher_is_better=False) is True


def test_the_march_peak_is_not_an_effect() -> None:
    """March is 1.8× February every year: a naive before/after says +80%; the seasonal
    expectation says within normal variation."""
    values = history()
    result = measure_effect(values, "2026-03", "2026-03", last_complete_month="2026-07")
    assert result.change is not None and result.change > 0.6  # the naive reading
    assert result.verdict is Verdict.WITHIN
    assert result.expected is not None
    assert math.isclose(result.expected, values["2026-03"], rel_tol=0.12)


def test_a_real_lift_in_march_is_still_seen() -> None:
    values = history(lift={"2026-03": 1.4})
    result = measure_effect(values, "2026-03", "2026-03", last_complete_month="2026-07")
    assert result.verdict is Verdict.ABOVE


def test_too_little_history_says_so() -> None:
    values = history(first="2025-09", months=10)
    result = measure_effect(values, "2026-05", "2026-05", last_complete_month="2026-06")
    assert result.verdict is Verdict.NOT_ENOUGH_HISTORY
    assert result.sentence("en") == "not enough history to judge"
    assert "found 0" in result.reason
    assert result.low is None and result.high is None
    # the plain before/after is still reported
    assert result.before is not None and result.after is not None


def test_a_gap_in_the_action_months_says_which_month() -> None:
    values = history()
    del values["2026-05"]
    result = measure_effect(values, "2026-05", "2026-05", last_complete_month="2026-07")
    assert result.verdict is Verdict.NOT_ENOUGH_HISTORY
    assert "2026-05" in result.reason


def test_an_unfinished_window_is_not_measured_yet() -> None:
    result = measure_effect(history(), "2026-06", "2026-07", last_complete_month="2026-06")
    assert result.verdict is Verdict.NOT_YET


def test_zero_values_use_the_additive_form() -> None:
    values = {k: v - 150 for k, v in history().items()}  # some months are negative or zero
    values["2024-08"] = 0
    result = measure_effect(values, "2026-05", "2026-05", last_complete_month="2026-07")
    assert result.method == "additive"
    assert result.verdict in (Verdict.WITHIN, Verdict.ABOVE, Verdict.BELOW)
    assert result.low is not None and result.high is not None and result.low < result.high


@pytest.mark.parametrize("seed", range(5))
def test_no_lift_stays_within_across_noise_draws(seed: int) -> None:
    values = history(seed=seed, months=42)
    result = measure_effect(values, "2026-07", "2026-08", last_complete_month="2026-09")
    assert result.verdict is Verdict.WITHIN, result


def test_a_sparse_early_tail_does_not_widen_the_range() -> None:
    """Back-dated records leave a few tiny, gappy months before the real history; the
    history is the unbroken run before the action, so they do not blow up the spread."""
    values = history()
    clean = measure_effect(values, "2026-05", "2026-05", last_complete_month="2026-07")
    tail = {**values, "2022-06": 1.0, "2022-07": 3.0, "2022-08": 1.0}
    for key in ("2023-04", "2023-05"):  # a gap between the tail and the real history
        tail.pop(key)
    noisy = measure_effect(tail, "2026-05", "2026-05", last_complete_month="2026-07")
    assert noisy.windows < clean.windows  # the run now starts after the gap
    assert noisy.spread is not None and clean.spread is not None
    assert noisy.spread < 0.2


def test_not_enough_history_reads_in_japanese_without_english() -> None:
    from ikkan.monitor.effect import EffectResult, Verdict
    from ikkan.monitor.effect_text import describe_effect

    short = EffectResult(
        Verdict.NOT_ENOUGH_HISTORY, ("2026-10",), ("2026-09",), windows=2, reason="needs 6; found 2"
    )
    ja = describe_effect(short, None, "ja")
    assert ja.startswith("判定に必要な履歴が不足（") and "6つ必要、2つのみ" in ja
    assert "needs" not in ja
    gap = EffectResult(
        Verdict.NOT_ENOUGH_HISTORY, ("2026-10",), ("2026-09",), reason="no value for 2026-09"
    )
    assert "値のない月: 2026-09" in describe_effect(gap, None, "ja")
    assert "needs 6; found 2" in describe_effect(short, None, "en")
