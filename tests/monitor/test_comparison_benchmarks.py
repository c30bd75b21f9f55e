import pytest
from pydantic import ValidationError

from ikkan.model.periods import month, parse_period
from ikkan.monitor.benchmark_data import BUILTIN_BENCHMARKS, WEB_AD_OPPORTUNITY_RATE
from ikkan.monitor.benchmarks import (
    Benchmark,
    BenchmarkBand,
    BenchmarkLevel,
    check_benchmarks,
    evaluate_benchmark,
    find_benchmarks,
    merge_benchmarks,
)
from ikkan.monitor.comparison import compare, comparison_label, comparison_periods, delta

# -- MoM / YoY ---------------------------------------------------------------------------


def test_delta_counts():
    d = delta(225, 200)
    assert d.absolute == 25 and d.percent == pytest.approx(0.125) and d.improved is True
    assert d.label() == "+12.5%"


def test_delta_ratio_in_points_and_lower_is_better():
    d = delta(0.20, 0.30)
    assert d.absolute == pytest.approx(-0.10)
    assert d.percent == pytest.approx(-1 / 3)
    assert d.label(is_ratio=True) == "-10.0pt"
    assert d.improved is False
    cpa = delta(4500, 5000, "lower")
    assert cpa.improved is True and cpa.percent == pytest.approx(-0.1)


def test_delta_edges():
    assert delta(10, 0).percent is None and delta(10, 0).absolute == 10
    assert delta(None, 5).label() == "—"
    assert delta(5, 5).improved is None
    # A negative base: change is relative to its size.
    assert delta(-50, -100).percent == pytest.approx(0.5)


def test_compare_and_periods():
    c = compare(230, 200, 184)
    assert c.mom.percent == pytest.approx(0.15)
    assert c.yoy.percent == pytest.approx(0.25)
    prev, ago = comparison_periods(month(2026, 4))
    assert prev.key == "2026-03" and ago.key == "2025-04"
    prev_q, ago_q = comparison_periods(parse_period("FY2026-Q1"))
    assert prev_q.key == "FY2025-Q4" and ago_q.key == "FY2025-Q1"
    assert comparison_label("yoy", "ja") == "前年同期比"


# -- benchmarks ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rate", "level"),
    [
        (0.03, BenchmarkLevel.REVIEW),
        (0.049, BenchmarkLevel.REVIEW),
        (0.05, BenchmarkLevel.BELOW),  # "5%未満" is review; 5% itself is not
        (0.10, BenchmarkLevel.BELOW),
        (0.11, BenchmarkLevel.NORMAL),
        (0.20, BenchmarkLevel.NORMAL),  # "11-20%" includes 20%
        (0.21, BenchmarkLevel.ABOVE),
    ],
)
def test_web_ad_opportunity_rate_bands(rate, level):
    flag = evaluate_benchmark(WEB_AD_OPPORTUNITY_RATE, rate)
    assert flag is not None and flag.level is level


def test_web_ad_review_message_in_both_languages():
    flag = evaluate_benchmark(WEB_AD_OPPORTUNITY_RATE, 0.04)
    assert flag.needs_attention
    assert flag.message("ja") == (
        "Web広告経由リードの商談化率 4.0%: 5%未満。ターゲティングやLPの見直しが必要です"
    )
    assert flag.message("en").startswith("Opportunity rate of web-ad leads 4.0%: below 5%.")
    assert "n=330" in WEB_AD_OPPORTUNITY_RATE.source_ja


def test_find_benchmarks_by_metric_and_scope():
    assert find_benchmarks(BUILTIN_BENCHMARKS, "opportunity_rate", {"channel": "paid_search"}) == [
        WEB_AD_OPPORTUNITY_RATE
    ]
    assert find_benchmarks(BUILTIN_BENCHMARKS, "opportunity_rate", {"channel": "Web_Ad"})
    assert find_benchmarks(BUILTIN_BENCHMARKS, "opportunity_rate", {"channel": "seminar"}) == []
    assert find_benchmarks(BUILTIN_BENCHMARKS, "opportunity_rate") == []


def test_builtin_guidelines():
    (churn,) = check_benchmarks(BUILTIN_BENCHMARKS, "churn_rate", 0.05)
    assert churn.level is BenchmarkLevel.NORMAL  # "5%以下"
    (churn_high,) = check_benchmarks(BUILTIN_BENCHMARKS, "churn_rate", 0.051)
    assert churn_high.level is BenchmarkLevel.REVIEW
    (nps,) = check_benchmarks(BUILTIN_BENCHMARKS, "nps", 38)
    assert nps.level is BenchmarkLevel.BELOW
    (romi,) = check_benchmarks(BUILTIN_BENCHMARKS, "romi", 4.16)  # seed 001: ROI ≈ 416%
    assert romi.level is BenchmarkLevel.NORMAL
    assert check_benchmarks(BUILTIN_BENCHMARKS, "romi", -0.2)[0].level is BenchmarkLevel.REVIEW
    assert check_benchmarks(BUILTIN_BENCHMARKS, "nps", None) == []


def _own_webinar_benchmark() -> Benchmark:
    return Benchmark.model_validate(
        {
            "id": "webinar_attendance",
            "metric": "attendance_rate",
            "scope": {"channel": "webinar"},
            "label_ja": "ウェビナー参加率",
            "label_en": "Webinar attendance rate",
            "bands": [
                {"upper": 0.4, "level": "below", "label_ja": "40%未満", "label_en": "below 40%"},
                {"lower": 0.4, "level": "normal", "label_ja": "40%以上", "label_en": "40%+"},
            ],
        }
    )


def test_users_add_and_replace_entries():
    own = _own_webinar_benchmark()
    assert own.scope == {"channel": ("webinar",)}
    stricter = WEB_AD_OPPORTUNITY_RATE.model_copy(
        update={
            "bands": (
                BenchmarkBand(upper=0.15, level="below", label_ja="15%未満", label_en="<15%"),
                BenchmarkBand(lower=0.15, level="normal", label_ja="15%以上", label_en="15%+"),
            )
        }
    )
    merged = merge_benchmarks(BUILTIN_BENCHMARKS, [own, stricter])
    assert len(merged) == len(BUILTIN_BENCHMARKS) + 1
    (flag,) = check_benchmarks(merged, "opportunity_rate", 0.12, {"channel": "web_ad"})
    assert flag.level is BenchmarkLevel.BELOW
    (webinar,) = check_benchmarks(merged, "attendance_rate", 0.35, {"channel": "webinar"})
    assert webinar.message("ja") == "ウェビナー参加率 35.0%: 40%未満"


def test_benchmark_validation():
    band = {"level": "normal", "label_ja": "x", "label_en": "x"}
    with pytest.raises(ValidationError, match="ascending order"):
        Benchmark(
            id="bad",
            metric="m",
            label_ja="x",
            label_en="x",
            bands=[{**band, "lower": 0.5}, {**band, "lower": 0.1}],
        )
    with pytest.raises(ValidationError, match="at least one band"):
        Benchmark(id="bad", metric="m", label_ja="x", label_en="x", bands=[])
    with pytest.raises(ValidationError):
        Benchmark(id="Bad Id", metric="m", label_ja="x", label_en="x", bands=[band])
    with pytest.raises(ValidationError):
        Benchmark(id="ok", metric="m", label_ja="x", label_en="x", bands=[band], extra=1)
    gap = Benchmark(
        id="gap",
        metric="m",
        label_ja="x",
        label_en="x",
        bands=[{**band, "upper": 0.1}, {**band, "lower": 0.2}],
    )
    assert evaluate_benchmark(gap, 0.15) is None
