import pytest

from ikkan.monitor.anomaly import detect_anomaly, percent_change_alert, robust_band

# Monthly MQL (oldest first); the band is hand-computed below.
HISTORY = [200, 210, 190, 220, 180, 205, 195, 230]


def test_robust_band_hand_computed():
    band = robust_band(HISTORY)
    assert band.median == 202.5  # (200 + 205) / 2
    # deviations from 202.5: 2.5, 7.5, 12.5, 17.5, 22.5, 2.5, 7.5, 27.5 -> MAD 10
    assert band.sigma == pytest.approx(14.826)
    assert band.lower == pytest.approx(202.5 - 3 * 14.826)
    assert band.upper == pytest.approx(202.5 + 3 * 14.826)
    assert band.n == 8


def test_one_wild_month_does_not_widen_the_band():
    band = robust_band([*HISTORY, 900])
    assert band.median == 205
    # deviations from 205: 5,5,15,15,25,0,10,25,695 -> MAD 15
    assert band.sigma == pytest.approx(1.4826 * 15)


def test_detect_high_low_and_normal():
    low = detect_anomaly(120, HISTORY)
    assert low.is_anomaly and low.direction == "low"
    assert low.score == pytest.approx((120 - 202.5) / 14.826)
    assert low.message("ja") == "通常より低い: 120（想定範囲 158–247、中央値 202.5）"
    assert low.message("en").startswith("unusually low: 120 (expected 158–247")
    high = detect_anomaly(260, HISTORY)
    assert high.is_anomaly and high.direction == "high"
    normal = detect_anomaly(240, HISTORY)  # upper = 246.98
    assert not normal.is_anomaly and normal.direction is None


def test_window_and_missing_values():
    history = [1000, 1000, None, 200, 210, 190, 220]
    band = robust_band(history, window=4)
    assert band.median == 205 and band.n == 4
    assert robust_band([1, None, 2], min_history=4) is None
    result = detect_anomaly(5, [1, 2])
    assert not result.is_anomaly and result.message("en") == "not enough history"
    assert detect_anomaly(None, HISTORY).is_anomaly is False


def test_flat_history_fallbacks():
    # MAD 0 (most values equal): σ̂ = 1.2533 × mean |dev| = 1.2533 × (20 / 5) = 5.0132
    band = robust_band([10, 10, 10, 10, 30])
    assert band.median == 10
    assert band.sigma == pytest.approx(1.2533 * 4)
    # all identical: any other value is outside unless min_half_width allows it
    flat = [50, 50, 50, 50]
    assert detect_anomaly(51, flat).is_anomaly
    assert detect_anomaly(51, flat).score is None
    assert not detect_anomaly(51, flat, min_half_width=2).is_anomaly
    assert not detect_anomaly(50, flat).is_anomaly
    with pytest.raises(ValueError):
        robust_band(flat, k=0)


def test_percent_change_alerts():
    drop = percent_change_alert(140, 200, 0.25)
    assert drop.triggered and drop.percent == pytest.approx(-0.30)
    assert drop.message("ja") == "急変: 200 → 140（-30.0%、閾値 ±25%）"
    assert drop.message("en") == "sharp change: 200 → 140 (-30.0%, threshold ±25%)"
    assert not percent_change_alert(160, 200, 0.25).triggered  # -20%
    assert percent_change_alert(150, 200, 0.25).triggered  # exactly -25% counts
    assert not percent_change_alert(140, 200, 0.25, watch="up").triggered
    assert percent_change_alert(260, 200, 0.25, watch="up").triggered
    assert not percent_change_alert(260, 200, 0.25, watch="down").triggered


def test_percent_change_small_bases_and_zero():
    assert not percent_change_alert(4, 2, 0.5, min_base=10).triggered  # +100% on 2 leads
    assert percent_change_alert(4, 2, 0.5).triggered
    from_zero = percent_change_alert(5, 0, 0.5)
    assert from_zero.triggered and from_zero.percent is None
    assert not percent_change_alert(5, 0, 0.5, min_base=1).triggered
    assert not percent_change_alert(None, 10, 0.5).triggered
    with pytest.raises(ValueError, match="threshold"):
        percent_change_alert(1, 2, 0)
    with pytest.raises(ValueError, match="watch"):
        percent_change_alert(1, 2, 0.1, watch="sideways")
