"""The report's SVG renderer draws the dashboard's chart specs (web.charts) faithfully:
every value, in order, on the right side of the axis, with the specs' styles."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

import pytest

from ikkan.reports.review.svg_chart import ChartSpecError, nice_ticks, render_chart_svg
from ikkan.web.charts import pacing_chart, trend_chart

NS = {"s": "http://www.w3.org/2000/svg"}


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_trend_chart_lines_follow_the_values() -> None:
    actual = [10.0, 20.0, None, 40.0, 30.0]
    target = [25.0, 25.0, 25.0, 25.0, 25.0]
    spec = trend_chart(
        "CPA <&>", list("abcde"), actual, target, actual_name="実績", target_name="目標"
    )
    root = _parse(render_chart_svg(spec))
    lines = root.findall("s:polyline", NS)
    # actual breaks at the gap (two runs), the target line is whole (the amber zone is a
    # shaded band now, tests/web/test_rag_bands.py)
    assert len(lines) == 3
    first_run = [tuple(map(float, p.split(","))) for p in lines[0].get("points", "").split()]
    assert len(first_run) == 2 and first_run[0][1] > first_run[1][1]  # 20 is drawn higher
    dashed = [ln for ln in lines if ln.get("stroke-dasharray")]
    assert len(dashed) == 1  # target dashed
    circles = root.findall("s:circle", NS)
    assert len(circles) == 4  # one marker per actual value
    ys = [float(c.get("cy", 0)) for c in circles]
    assert ys[2] < ys[3] < ys[1] < ys[0]  # 40 > 30 > 20 > 10, y grows downwards
    texts = "".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert "CPA <&>" in texts and "実績" in texts and "目標" in texts  # escaped in markup


def test_percent_axis_and_pacing_bars_with_target_mark() -> None:
    spec = trend_chart(
        "率", ["1", "2"], [0.2, 0.3], [None, None], actual_name="a", target_name="t", percent=True
    )
    svg = render_chart_svg(spec)
    assert "%</text>" in svg
    pacing = pacing_chart(
        "累計",
        ["4月", "5月", "6月"],
        [10.0, 25.0, 30.0],
        [12.0, 24.0, None],
        100.0,
        actual_name="累計",
        expected_name="按分",
        target_name="目標",
    )
    root = _parse(render_chart_svg(pacing))
    bars = [r for r in root.findall("s:rect", NS) if r.find("s:title", NS) is not None]
    heights = [float(r.get("height", 0)) for r in bars]
    assert len(bars) == 3 and heights[0] < heights[1] < heights[2]
    assert heights[2] / heights[0] == pytest.approx(3.0, rel=0.01)
    assert "目標" in "".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))


def test_unknown_series_type_is_refused() -> None:
    spec = {"xAxis": {"type": "category", "data": ["a"]}, "series": [{"type": "pie", "data": [1]}]}
    with pytest.raises(ChartSpecError, match="pie"):
        render_chart_svg(spec)
    with pytest.raises(ChartSpecError, match="category"):
        render_chart_svg({"xAxis": {"type": "value"}, "series": []})


@pytest.mark.parametrize(("low", "high"), [(0, 7), (0, 1234567), (-5, 5), (0.0, 0.3), (3, 3)])
def test_ticks_cover_the_range(low: float, high: float) -> None:
    ticks = nice_ticks(low, high)
    assert ticks[0] <= low and ticks[-1] >= high
    assert len(ticks) <= 8
    steps = {round(b - a, 9) for a, b in itertools.pairwise(ticks)}
    assert len(steps) == 1
