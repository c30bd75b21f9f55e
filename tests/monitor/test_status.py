import pytest
from pydantic import ValidationError

from ikkan.monitor.status import (
    Rag,
    RagThresholds,
    achievement,
    evaluate_status,
    rag,
    rank_by_achievement,
    stretch_reached,
)


def test_achievement_higher_is_better():
    # seed 004: 商談化率 target 30%, actual 20% -> 66.7%
    assert achievement(0.20, 0.30, "higher") == pytest.approx(2 / 3)
    assert achievement(120, 100, "higher") == pytest.approx(1.2)
    assert achievement(0, 100, "higher") == 0.0


def test_achievement_lower_is_better_is_target_over_actual():
    # CPA target ¥5,000 (seed 003), actual ¥6,250 -> 80%; actual ¥4,000 -> 125%
    assert achievement(6250, 5000, "lower") == pytest.approx(0.8)
    assert achievement(4000, 5000, "lower") == pytest.approx(1.25)


@pytest.mark.parametrize(
    ("actual", "target", "direction"),
    [
        (None, 100, "higher"),
        (100, None, "higher"),
        (5, 0, "higher"),  # no ratio against a zero target
        (5, -10, "higher"),
        (0, 5000, "lower"),  # target ÷ 0
        (100, -5, "lower"),
    ],
)
def test_achievement_undefined_is_none(actual, target, direction):
    assert achievement(actual, target, direction) is None


def test_bad_direction_is_refused():
    with pytest.raises(ValueError, match="'higher' or 'lower'"):
        achievement(1, 1, "up")


@pytest.mark.parametrize(
    ("actual", "target", "direction", "expected"),
    [
        (100, 100, "higher", Rag.GREEN),
        (95, 100, "higher", Rag.AMBER),
        (90, 100, "higher", Rag.AMBER),  # exactly 90% is amber
        (89.9, 100, "higher", Rag.RED),
        (0.20, 0.30, "higher", Rag.RED),  # seed 004
        (5000, 5000, "lower", Rag.GREEN),
        (5500, 5000, "lower", Rag.AMBER),  # 90.9%
        (5600, 5000, "lower", Rag.RED),  # 89.3%
        (0, 5000, "lower", Rag.GREEN),  # no ratio, compared directly
        (0, 0, "higher", Rag.GREEN),
        (-1, 0, "higher", Rag.RED),
        (None, 100, "higher", Rag.UNKNOWN),
    ],
)
def test_rag_with_default_thresholds(actual, target, direction, expected):
    assert rag(actual, target, direction) is expected


def test_node_level_threshold_override():
    strict = RagThresholds().override(amber=0.97)
    assert strict.green == 1.0 and strict.amber == 0.97
    assert rag(95, 100, "higher", strict) is Rag.RED
    lenient = RagThresholds(green=0.95, amber=0.8)
    assert rag(95, 100, "higher", lenient) is Rag.GREEN
    assert rag(85, 100, "higher", lenient) is Rag.AMBER


def test_thresholds_must_be_ordered():
    with pytest.raises(ValidationError, match="amber threshold"):
        RagThresholds(green=0.9, amber=0.95)
    with pytest.raises(ValidationError):
        RagThresholds(green=0)


def test_stretch():
    assert stretch_reached(130, 120, "higher") is True
    assert stretch_reached(110, 120, "higher") is False
    assert stretch_reached(4000, 4500, "lower") is True
    assert stretch_reached(None, 120, "higher") is None


def test_evaluate_status_revenue_kgi():
    # FY revenue target ¥1.0bn, stretch ¥1.2bn, actual ¥0.93bn.
    status = evaluate_status(930_000_000, 1_000_000_000, "higher", stretch=1_200_000_000)
    assert status.achievement == pytest.approx(0.93)
    assert status.gap == -70_000_000
    assert status.rag is Rag.AMBER
    assert status.stretch_reached is False
    assert status.stretch_achievement == pytest.approx(0.775)
    assert status.summary("ja") == "達成率 93.0%（注意）"
    assert status.summary("en") == "Achievement 93.0% (At risk)"


def test_evaluate_status_labels_and_missing():
    status = evaluate_status(None, 100, "higher")
    assert status.rag is Rag.UNKNOWN and status.gap is None
    assert status.summary("ja") == "達成率 —（データなし）"
    over = evaluate_status(130, 100, "higher", stretch=120)
    assert over.summary("en") == "Achievement 130.0% (On target), stretch reached"
    assert over.summary("ja").endswith("ストレッチ目標達成")
    assert Rag.RED.label("ja") == "未達" and Rag.RED.label("en") == "Off target"


def test_rank_by_achievement_puts_the_opportunity_rate_first():
    # seed 004 template KPIs against made-up actuals: 商談化率 30% -> 20% is the largest gap.
    statuses = {
        "monthly_mql": evaluate_status(190, 200, "higher"),  # 95%
        "opp_rate": evaluate_status(0.20, 0.30, "higher"),  # 66.7%
        "win_rate": evaluate_status(0.18, 0.20, "higher"),  # 90%
        "retention": evaluate_status(0.93, 0.95, "higher"),  # 97.9%
        "churn": evaluate_status(0.06, 0.05, "lower"),  # 83.3%
        "nps": evaluate_status(None, 40, "higher"),
        "cpa": evaluate_status(0, 5000, "lower"),  # no ratio, green
    }
    ranked = [name for name, _ in rank_by_achievement(statuses)]
    assert ranked == ["opp_rate", "churn", "win_rate", "monthly_mql", "retention", "nps", "cpa"]
