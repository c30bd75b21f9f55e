"""Chart specs (Apache ECharts options) built in Python: the page renders them with the
vendored ECharts; a report can render the same dict. Animation is off, so a screenshot or
a print never catches a half-drawn line."""

from __future__ import annotations

from typing import Any

RAG_COLOURS = {"green": "#1b7f3b", "amber": "#b26a00", "red": "#b3261e"}
BAND_STACK = "rag"  # the stack id of the RAG band series (drawn as shaded areas)
BAND_OPACITY = 0.12


def rag_bounds(
    target: float | None, *, green: float, amber: float, direction: str
) -> tuple[float, float] | None:
    """The values where a node's RAG changes for a target, low to high: for a
    higher-is-better node red below ``amber × target``, green from ``green × target``;
    for a lower-is-better one (achievement = target ÷ actual) green up to
    ``target ÷ green``, red above ``target ÷ amber``. None without a positive target."""
    if target is None or target <= 0:
        return None
    if direction == "lower":
        return target / green, target / amber
    return target * amber, target * green


def rag_bands(
    bounds: list[tuple[float, float] | None],
    top: float,
    *,
    direction: str,
    names: dict[str, str],
    scale: float = 1.0,
) -> list[dict[str, Any]]:
    """Three stacked area series shading each period's red / amber / green zone (the
    lower one from 0, the upper one up to ``top``); ``names`` ("green", "amber", "red")
    carry an icon and a word each, so the legend and tooltip do not rely on colour."""
    order = ("green", "amber", "red") if direction == "lower" else ("red", "amber", "green")

    def thickness(b: tuple[float, float] | None, layer: int) -> float | None:
        if b is None:
            return None
        edges = (0.0, b[0], b[1], max(top, b[1]))
        return round((edges[layer + 1] - edges[layer]) * scale, 4)

    return [
        {
            "id": f"rag-band-{rag}",
            "name": names[rag],
            "type": "line",
            "stack": BAND_STACK,
            "data": [thickness(b, layer) for b in bounds],
            "symbol": "none",
            "silent": True,
            "lineStyle": {"width": 0, "color": RAG_COLOURS[rag]},
            "itemStyle": {"color": RAG_COLOURS[rag]},
            "areaStyle": {"color": RAG_COLOURS[rag], "opacity": BAND_OPACITY},
            "z": 0,
        }
        for layer, rag in enumerate(order)
    ]


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
    direction: str = "higher",
    band_names: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Actual over time, the target line (dashed) and behind them the RAG bands of each
    period's target (``rag_bands``; when ``band_names`` are given);
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
        if band_names is not None:
            bounds = [rag_bounds(v, green=green, amber=amber, direction=direction) for v in target]
            highs = [v for v in (*actual, *(b[1] for b in bounds if b)) if v is not None]
            series += rag_bands(
                bounds, max(highs) * 1.15, direction=direction, names=band_names, scale=scale
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
    green: float = 1.0,
    amber: float = 0.9,
    band_names: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Cumulative actual (bars) against the expected-to-date line (the target phased on
    business days) and the period target (a horizontal line); behind them the RAG bands
    of the phased target (a flow node summed to date is higher-is-better here)."""
    bands: list[dict[str, Any]] = []
    if band_names is not None:
        bounds = [rag_bounds(v, green=green, amber=amber, direction="higher") for v in expected]
        top = max([target, *cumulative, *(b[1] for b in bounds if b)]) * 1.1
        bands = rag_bands(bounds, top, direction="higher", names=band_names)
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
            *bands,
        ],
    }
