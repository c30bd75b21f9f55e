"""RAG bands behind the trend and pacing charts: shaded red / amber / green zones of each
period's target, in the node's direction, named with an icon and a word; the report's
SVG renderer draws the same spec."""

from __future__ import annotations

import re

import pytest

from ikkan.reports.review.svg_chart import render_chart_svg
from ikkan.web.charts import pacing_chart, rag_bounds, trend_chart

NAMES = {"green": "✔ on target zone", "amber": "▲ at risk zone", "red": "✖ off target zone"}


def _edges(spec: dict, i: int) -> list[tuple[str, float, float]]:
    """(band colour name, low, high) of point ``i``, stacking the band series."""
    out, base = [], 0.0
    for s in spec["series"]:
        if s.get("stack") != "rag":
            continue
        v = s["data"][i]
        out.append((s["id"].removeprefix("rag-band-"), base, base + v))
        base += v
    return out


def test_bounds_follow_the_direction() -> None:
    assert rag_bounds(100, green=1.0, amber=0.9, direction="higher") == pytest.approx((90, 100))
    low, high = rag_bounds(100, green=1.0, amber=0.8, direction="lower")
    assert (low, high) == pytest.approx((100, 125))  # CPL: green up to 100, red above 125
    assert rag_bounds(None, green=1.0, amber=0.9, direction="higher") is None
    assert rag_bounds(0, green=1.0, amber=0.9, direction="higher") is None


@pytest.mark.parametrize("direction", ["higher", "lower"])
def test_trend_bands_shade_each_periods_zones(direction: str) -> None:
    target = [100.0, 200.0, None]
    spec = trend_chart(
        "t",
        ["a", "b", "c"],
        [95.0, 260.0, 50.0],
        target,
        actual_name="actual",
        target_name="target",
        green=1.0,
        amber=0.8,
        direction=direction,
        band_names=NAMES,
    )
    bands = [s for s in spec["series"] if s.get("stack") == "rag"]
    assert [s["name"] for s in bands] == (
        [NAMES["red"], NAMES["amber"], NAMES["green"]]
        if direction == "higher"
        else [NAMES["green"], NAMES["amber"], NAMES["red"]]
    )
    assert all(s["areaStyle"]["opacity"] < 0.5 for s in bands)  # shaded, the line stays on top
    for i, t in enumerate(target):
        if t is None:
            assert all(s["data"][i] is None for s in bands)
            continue
        edges = _edges(spec, i)
        zone = {name: (lo, hi) for name, lo, hi in edges}
        if direction == "higher":
            assert zone["red"] == pytest.approx((0, 0.8 * t))
            assert zone["amber"] == pytest.approx((0.8 * t, t))
            assert zone["green"][0] == pytest.approx(t)
        else:
            assert zone["green"] == pytest.approx((0, t))
            assert zone["amber"] == pytest.approx((t, t / 0.8))
            assert zone["red"][0] == pytest.approx(t / 0.8)
        assert edges[-1][2] >= 260.0  # the top band reaches above every value drawn
    without = trend_chart(
        "t", ["a"], [1.0], [None], actual_name="a", target_name="t", band_names=NAMES
    )
    assert not [s for s in without["series"] if s.get("stack")]  # no target, no bands


def test_percent_nodes_scale_their_bands() -> None:
    spec = trend_chart(
        "t",
        ["a"],
        [0.2],
        [0.25],
        actual_name="a",
        target_name="t",
        percent=True,
        band_names=NAMES,
    )
    assert _edges(spec, 0)[1][1:] == pytest.approx((22.5, 25.0))


def test_pacing_bands_follow_the_phased_target() -> None:
    spec = pacing_chart(
        "p",
        ["Oct", "Nov"],
        [40.0, 70.0],
        [50.0, 100.0],
        300.0,
        actual_name="a",
        expected_name="e",
        target_name="t",
        band_names=NAMES,
    )
    assert spec["series"][0]["type"] == "bar"  # bars and the expected line keep their place
    for i, expected in enumerate([50.0, 100.0]):
        zone = {name: (lo, hi) for name, lo, hi in _edges(spec, i)}
        assert zone["amber"] == pytest.approx((0.9 * expected, expected))


def test_the_report_renderer_draws_the_bands() -> None:
    spec = trend_chart(
        "t",
        ["a", "b"],
        [95.0, 120.0],
        [100.0, 100.0],
        actual_name="a",
        target_name="t",
        band_names=NAMES,
    )
    svg = render_chart_svg(spec)
    assert len(re.findall(r'<rect class="band"', svg)) == 6  # 3 zones × 2 periods
    for name in NAMES.values():
        assert name in svg  # in the legend, as words
