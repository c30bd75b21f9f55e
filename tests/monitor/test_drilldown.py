import pytest

from ikkan.monitor.drilldown import DimensionRow, RateRow, drill_down, drill_down_rate


def test_drill_down_counts_by_channel():
    rows = [
        DimensionRow("web_ad", actual=120, target=180),
        DimensionRow("seminar", actual=100, target=80),
        DimensionRow("referral", actual=40, target=40),
    ]
    result = drill_down(rows, dimension="channel", node_actual=270, node_target=300, scale=5e5)
    assert result.total_gap == -40
    assert [i.value for i in result.items] == ["web_ad", "referral", "seminar"]
    web = result.items[0]
    assert web.gap == -60 and web.share == pytest.approx(1.5)  # -60 of -40
    assert web.kgi_effect == pytest.approx(-30e6)
    assert result.items[2].share == pytest.approx(-0.5)
    assert result.unallocated_actual == 10 and result.unallocated_target == 0


def test_drill_down_lower_is_better_and_zero_total():
    rows = [DimensionRow("a", 110, 100), DimensionRow("b", 90, 100)]
    result = drill_down(rows, direction="lower")
    assert [i.value for i in result.items] == ["a", "b"]  # the overspend first
    assert result.items[0].share is None  # total gap 0
    assert result.unallocated_actual is None


# 商談化率 by channel. Target: web_ad 180/600 = 30%, seminar 120/400 = 30% -> 30%.
# Actual: web_ad 120/800 = 15%, seminar 100/300 = 33.3% -> 220/1100 = 20%.
CHANNELS = [
    RateRow(
        "web_ad",
        actual_numerator=120,
        actual_denominator=800,
        target_numerator=180,
        target_denominator=600,
    ),
    RateRow(
        "seminar",
        actual_numerator=100,
        actual_denominator=300,
        target_numerator=120,
        target_denominator=400,
    ),
]


def test_rate_drill_down_mix_and_rate_effects_hand_computed():
    result = drill_down_rate(CHANNELS, dimension="channel", scale=2e9)
    assert result.target_rate == pytest.approx(0.30)
    assert result.actual_rate == pytest.approx(0.20)
    web, seminar = result.items
    assert web.value == "web_ad"
    w1 = 800 / 1100
    # rate: mean weight (0.6 + 0.7273) / 2 × (0.15 - 0.30) = -0.09955
    assert web.rate_effect == pytest.approx((0.6 + w1) / 2 * -0.15)
    # mix: (mean rate 0.225 - mean overall 0.25) × (0.7273 - 0.6) = -0.00318
    assert web.mix_effect == pytest.approx((0.225 - 0.25) * (w1 - 0.6))
    assert web.rate_effect == pytest.approx(-0.099545, abs=1e-6)
    assert seminar.rate_effect == pytest.approx((0.4 + 300 / 1100) / 2 * (1 / 3 - 0.3))
    assert seminar.mix_effect == pytest.approx(((1 / 3 + 0.3) / 2 - 0.25) * (300 / 1100 - 0.4))
    assert result.rate_effect + result.mix_effect == pytest.approx(-0.10, abs=1e-12)
    assert sum(i.total_effect for i in result.items) == pytest.approx(result.change, abs=1e-12)
    assert web.kgi_effect == pytest.approx(web.total_effect * 2e9)
    assert web.describe("ja") == "web_ad: 率の変化 -10.0pt、構成比の変化 -0.3pt"
    assert web.describe("en") == "web_ad: rate effect -10.0pt, mix effect -0.3pt"


def test_pure_mix_shift_has_no_rate_effect():
    # Rates unchanged (40% and 10%) but volume moved to the weaker channel.
    rows = [
        RateRow("strong", 40, 100, 80, 200),
        RateRow("weak", 30, 300, 20, 200),
    ]
    result = drill_down_rate(rows)
    assert result.target_rate == pytest.approx(0.25)
    assert result.actual_rate == pytest.approx(70 / 400)
    assert result.rate_effect == pytest.approx(0)
    assert result.mix_effect == pytest.approx(70 / 400 - 0.25)


def test_new_and_vanished_channels_are_all_mix():
    rows = [
        RateRow("old", 30, 100, 30, 100),
        RateRow("new", 5, 100, 0, 0),
        RateRow("gone", 0, 0, 10, 100),
        RateRow("never", 0, 0, 0, 0),
    ]
    result = drill_down_rate(rows)
    by = {i.value: i for i in result.items}
    assert by["new"].rate_effect == 0 and by["new"].target_rate is None
    assert by["gone"].rate_effect == 0 and by["gone"].actual_rate is None
    assert by["never"].total_effect == 0
    assert sum(i.total_effect for i in result.items) == pytest.approx(result.change, abs=1e-12)
    assert result.change == pytest.approx(35 / 200 - 40 / 200)


def test_rate_drill_down_errors():
    with pytest.raises(ValueError, match="denominator totals"):
        drill_down_rate([RateRow("a", 0, 0, 0, 0)])
    with pytest.raises(ValueError, match="'b' has a numerator"):
        drill_down_rate([RateRow("a", 1, 10, 1, 10), RateRow("b", 1, 0, 0, 0)])
