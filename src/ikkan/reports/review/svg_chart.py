"""Draw the dashboard's chart specs (the ECharts options of ``web.charts``) as static SVG.

The report renders the very dict the pages hand to ECharts, so the report and the
dashboard cannot disagree: same series, same values, same colours and line styles. Only
what those specs use is drawn: a category x axis, one value y axis (with a ``{value}%``
formatter), ``line`` series (solid, dashed or dotted; gaps for ``None``; circle markers)
and ``bar`` series, a ``markLine`` at a y value, a title and a legend. Anything else in a
spec is ignored, never guessed. Every text is escaped (labels come from the project).
"""

from __future__ import annotations

import math
from html import escape
from typing import Any

FONT = "Noto Sans CJK JP, Noto Sans JP, Hiragino Sans, Meiryo, sans-serif"
DASHES = {"dashed": "6 4", "dotted": "2 3"}
PALETTE = ("#1f4e99", "#555555", "#b26a00", "#1b7f3b", "#b3261e")


class ChartSpecError(ValueError):
    """A chart spec this renderer does not draw (a series type or axis it does not know)."""


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high] (0 included when the data are positive)."""
    if low == high:
        high = low + (abs(low) or 1.0)
    raw = (high - low) / max(count, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    end = math.ceil(high / step) * step
    count_steps = round((end - start) / step)
    return [round(start + i * step, 10) for i in range(count_steps + 1)]


def _tick_text(value: float, formatter: str) -> str:
    if abs(value) >= 1_000_000 and value == int(value):
        text = f"{value / 1_000_000:,.0f}M" if value % 1_000_000 == 0 else f"{value:,.0f}"
    elif value == int(value):
        text = f"{int(value):,}"
    else:
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return formatter.replace("{value}", text) if "{value}" in formatter else text


def _text(x: float, y: float, text: str, size: int = 11, anchor: str = "start", **kw: str) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{escape(v)}"' for k, v in kw.items())
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}"'
        f"{extra}>{escape(text)}</text>"
    )


def _stacked(series: list[dict[str, Any]]) -> list[tuple[dict[str, Any], list[Any], list[Any]]]:
    """Stacked area series (the RAG bands) as (series, lower edge, upper edge) per point;
    a None thickness leaves a gap."""
    out = []
    bases: dict[str, list[float]] = {}
    for s in series:
        stack = s.get("stack")
        if not stack:
            continue
        data = list(s.get("data", []))
        base = bases.setdefault(str(stack), [0.0] * len(data))
        base += [0.0] * (len(data) - len(base))
        low = [None if v is None else base[i] for i, v in enumerate(data)]
        high = [None if v is None else base[i] + float(v) for i, v in enumerate(data)]
        for i, v in enumerate(data):
            if v is not None:
                base[i] += float(v)
        out.append((s, low, high))
    return out


def _series_values(spec: dict[str, Any]) -> list[float]:
    values: list[float] = []
    for _, _, high in _stacked(spec.get("series", [])):
        values += [float(v) for v in high if v is not None]
    for s in spec.get("series", []):
        if s.get("stack"):
            continue
        if s.get("type") not in ("line", "bar"):
            raise ChartSpecError(f"series type '{s.get('type')}' is not drawn in reports")
        values += [float(v) for v in s.get("data", []) if v is not None]
        for mark in (s.get("markLine") or {}).get("data", []):
            if mark.get("yAxis") is not None:
                values.append(float(mark["yAxis"]))
    return values


def render_chart_svg(spec: dict[str, Any], width: int = 720, height: int = 270) -> str:
    """The chart as an ``<svg>`` element (inline in HTML, or a file)."""
    x_axis = spec.get("xAxis") or {}
    if x_axis.get("type") != "category":
        raise ChartSpecError("only a category x axis is drawn in reports")
    labels = [str(v) for v in x_axis.get("data", [])]
    grid = spec.get("grid") or {}
    left, right = float(grid.get("left", 70)), float(grid.get("right", 20))
    top, bottom = float(grid.get("top", 50)), float(grid.get("bottom", 40))
    plot_w, plot_h = width - left - right, height - top - bottom
    values = _series_values(spec)
    low = min([0.0, *values]) if values else 0.0
    high = max([0.0, *values]) if values else 1.0
    ticks = nice_ticks(low, high)
    y_min, y_max = ticks[0], ticks[-1]
    span = (y_max - y_min) or 1.0
    n = max(len(labels), 1)
    band = plot_w / n

    def x_at(i: int) -> float:
        return left + band * (i + 0.5)

    def y_at(v: float) -> float:
        return top + plot_h - (v - y_min) / span * plot_h

    title = (spec.get("title") or {}).get("text", "")
    formatter = ((spec.get("yAxis") or {}).get("axisLabel") or {}).get("formatter", "{value}")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" font-family="{FONT}" '
        f'role="img" aria-label="{escape(title)}">',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    if title:
        parts.append(_text(0, 18, title, 14, font_weight="bold", fill="#1a1a1a"))
    for t in ticks:  # grid lines and y labels
        y = y_at(t)
        parts.append(
            f'<line x1="{left:.1f}" y1="{y:.1f}" x2="{left + plot_w:.1f}" y2="{y:.1f}" '
            'stroke="#e3e3e3" stroke-width="1"/>'
        )
        parts.append(_text(left - 6, y + 4, _tick_text(t, formatter), 10, "end", fill="#444444"))
    axis_y = y_at(max(y_min, min(0.0, y_max)))
    parts.append(
        f'<line x1="{left:.1f}" y1="{axis_y:.1f}" x2="{left + plot_w:.1f}" y2="{axis_y:.1f}" '
        'stroke="#888888" stroke-width="1"/>'
    )
    widest = max((_units(label) for label in labels), default=1) * 5.6 + 8
    every = max(1, math.ceil(widest / max(band, 1)))  # skip labels that would overlap
    for i, label in enumerate(labels):
        if i % every == 0:
            parts.append(_text(x_at(i), top + plot_h + 16, label, 10, "middle", fill="#444444"))
    legend: list[tuple[str, str, str]] = []
    for s, lower, upper in _stacked(spec.get("series", [])):  # shaded areas, behind the rest
        colour = str(((s.get("areaStyle") or {}).get("color")) or _colour(s, 0))
        opacity = float((s.get("areaStyle") or {}).get("opacity", 0.15))
        legend.append((str(s.get("name", "")), colour, "band"))
        for i in range(min(len(labels), len(upper))):
            if lower[i] is None or upper[i] is None:
                continue
            x0, x1 = x_at(i) - band / 2, x_at(i) + band / 2
            y0, y1 = y_at(float(upper[i])), y_at(float(lower[i]))
            parts.append(
                f'<rect class="band" x="{x0:.1f}" y="{y0:.1f}" width="{x1 - x0:.1f}" '
                f'height="{max(y1 - y0, 0):.1f}" fill="{colour}" fill-opacity="{opacity}"/>'
            )
    series = [s for s in spec.get("series", []) if not s.get("stack")]
    bars = [s for s in series if s.get("type") == "bar"]
    bar_w = band * 0.7 / max(len(bars), 1)
    for k, s in enumerate(series):
        colour = _colour(s, k)
        legend.append((str(s.get("name", "")), colour, s.get("type", "line")))
        data = list(s.get("data", []))
        if s.get("type") == "bar":
            j = bars.index(s)
            for i, v in enumerate(data[: len(labels)]):
                if v is None:
                    continue
                x = x_at(i) - band * 0.35 + j * bar_w
                y0, y1 = y_at(0.0 if y_min <= 0 <= y_max else y_min), y_at(float(v))
                parts.append(
                    f'<rect x="{x:.1f}" y="{min(y0, y1):.1f}" width="{bar_w:.1f}" '
                    f'height="{abs(y1 - y0):.1f}" fill="{colour}">'
                    f"<title>{escape(labels[i])}: {escape(str(v))}</title></rect>"
                )
        else:
            parts += _line(s, data[: len(labels)], colour, x_at, y_at, labels)
        for mark in (s.get("markLine") or {}).get("data", []):
            if mark.get("yAxis") is None:
                continue
            y = y_at(float(mark["yAxis"]))
            mark_colour = ((s.get("markLine") or {}).get("lineStyle") or {}).get("color", colour)
            parts.append(
                f'<line x1="{left:.1f}" y1="{y:.1f}" x2="{left + plot_w:.1f}" y2="{y:.1f}" '
                f'stroke="{mark_colour}" stroke-width="1.5" stroke-dasharray="4 3"/>'
            )
            parts.append(
                _text(left + 4, y - 4, str(mark.get("name", "")), 10, "start", fill=mark_colour)
            )
    parts += _legend(legend, width)
    parts.append("</svg>")
    return "".join(parts)


def _units(text: str) -> int:
    """Width in half-width units (a CJK character counts 2)."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _colour(series: dict[str, Any], k: int) -> str:
    style = series.get("lineStyle") or {}
    item = series.get("itemStyle") or {}
    return str(style.get("color") or item.get("color") or PALETTE[k % len(PALETTE)])


def _line(
    s: dict[str, Any],
    data: list[Any],
    colour: str,
    x_at: Any,
    y_at: Any,
    labels: list[str],
) -> list[str]:
    style = s.get("lineStyle") or {}
    width = style.get("width", 2)
    dash = DASHES.get(style.get("type", "solid"))
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    out: list[str] = []
    run: list[str] = []
    for i, v in enumerate([*data, None]):  # a None breaks the line (connectNulls false)
        if v is None:
            if len(run) > 1:
                out.append(
                    f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" '
                    f'stroke-width="{width}"{dash_attr}/>'
                )
            run = []
            continue
        run.append(f"{x_at(i):.1f},{y_at(float(v)):.1f}")
    if s.get("symbol", "circle") != "none":
        r = float(s.get("symbolSize", 6)) / 2
        for i, v in enumerate(data):
            if v is not None:
                out.append(
                    f'<circle cx="{x_at(i):.1f}" cy="{y_at(float(v)):.1f}" r="{r:.1f}" '
                    f'fill="{colour}"><title>{escape(labels[i])}: {escape(str(v))}</title>'
                    "</circle>"
                )
    return out


def _legend(items: list[tuple[str, str, str]], width: int) -> list[str]:
    out: list[str] = []
    x = float(width)
    for name, colour, kind in reversed(items):
        x -= _units(name) * 6 + 34
        if kind in ("bar", "band"):
            opacity = ' fill-opacity="0.35"' if kind == "band" else ""
            out.append(f'<rect x="{x:.1f}" y="31" width="16" height="9" fill="{colour}"{opacity}/>')
        else:
            out.append(
                f'<line x1="{x:.1f}" y1="36" x2="{x + 16:.1f}" y2="36" stroke="{colour}" '
                'stroke-width="2.5"/>'
            )
        out.append(_text(x + 20, 40, name, 10, fill="#333333"))
    return out
