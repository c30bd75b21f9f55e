"""Chart specs (Apache ECharts options) built in Python: the page renders them with the
vendored ECharts; a report can render the same dict. Animation is off, so a screenshot or
a print never catches a half-drawn line."""

from __future__ import annotations

from typing import Any

RAG_COLOURS = {"green": "#1b7f3b", "amber": "#b26a00", "red": "#b3261e"}


def trend_chart(
    title: str,
    labels: list[str],
    actual: list[float | None],
    target: list[float | None],
    *,
    actual_name: str,
    target_name: str,
    percent: bool = False,
    green: float = 1.0,
    amber: float = 0.9,
    markers: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Actual over time, the target line (dashed) and the amber line (target × amber);
    ``markers`` (PDCA actions: name, start and end category, colour) become a vertical
    line at each action's start and a shaded band over its months."""
    scale = 100.0 if percent else 1.0

    def scaled(values: list[float | None]) -> list[float | None]:
        return [None if v is None else round(v * scale, 4) for v in values]

    series: list[dict[str, Any]] = [
        {
            "name": actual_name,
            "type": "line",
            "data": scaled(actual),
            "symbol": "circle",
            "symbolSize": 7,
            "lineStyle": {"width": 3, "color": "#1f4e99"},
            "itemStyle": {"color": "#1f4e99"},
            "connectNulls": False,
        }
    ]
    if markers:
        series[0]["markLine"] = {
            "symbol": "none",
            "silent": False,
            "label": {"formatter": "{b}", "position": "insideEndTop", "fontSize": 11},
            "data": [
                {"name": m["name"], "xAxis": m["start"], "lineStyle": {"color": m["colour"]}}
                for m in markers
            ],
        }
        series[0]["markArea"] = {
            "silent": True,
            "data": [
                [
                    {
                        "name": "",
                        "xAxis": m["start"],
                        "itemStyle": {"color": m["colour"], "opacity": 0.12},
                    },
                    {"xAxis": m["end"]},
                ]
                for m in markers
            ],
        }
    if any(v is not None for v in target):
        series.append(
            {
                "name": target_name,
                "type": "line",
                "data": scaled(target),
                "symbol": "none",
                "lineStyle": {"type": "dashed", "width": 2, "color": "#555"},
                "itemStyle": {"color": "#555"},
            }
        )
        series.append(
            {
                "name": f"{target_name} × {amber:.0%}",
                "type": "line",
                "data": scaled([None if v is None else v * amber for v in target]),
                "symbol": "none",
                "lineStyle": {"type": "dotted", "width": 1, "color": RAG_COLOURS["amber"]},
                "itemStyle": {"color": RAG_COLOURS["amber"]},
            }
        )
    return {
        "animation": False,
        "aria": {"enabled": True},
        "title": {"text": title, "left": 0, "textStyle": {"fontSize": 15}},
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0, "right": 0},
        "grid": {"left": 70, "right": 20, "top": 50, "bottom": 40},
        "xAxis": {"type": "category", "data": labels},
        "yAxis": {
            "type": "value",
            "axisLabel": {"formatter": "{value}%" if percent else "{value}"},
        },
        "series": series,
    }


def pacing_chart(
    title: str,
    labels: list[str],
    cumulative: list[float],
    expected: list[float | None],
    target: float,
    *,
    actual_name: str,
    expected_name: str,
    target_name: str,
) -> dict[str, Any]:
    """Cumulative actual (bars) against the expected-to-date line (the target phased on
    business days) and the period target (a horizontal line)."""
    return {
        "animation": False,
        "aria": {"enabled": True},
        "title": {"text": title, "left": 0, "textStyle": {"fontSize": 15}},
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0, "right": 0},
        "grid": {"left": 80, "right": 20, "top": 50, "bottom": 40},
        "xAxis": {"type": "category", "data": labels},
        "yAxis": {"type": "value"},
        "series": [
            {
                "name": actual_name,
                "type": "bar",
                "data": [round(v, 4) for v in cumulative],
                "itemStyle": {"color": "#1f4e99"},
            },
            {
                "name": expected_name,
                "type": "line",
                "data": [None if v is None else round(v, 4) for v in expected],
                "lineStyle": {"type": "dashed", "width": 2, "color": "#555"},
                "itemStyle": {"color": "#555"},
                "markLine": {
                    "symbol": "none",
                    "label": {"formatter": target_name},
                    "lineStyle": {"color": RAG_COLOURS["green"]},
                    "data": [{"yAxis": round(target, 4), "name": target_name}],
                },
            },
        ],
    }
