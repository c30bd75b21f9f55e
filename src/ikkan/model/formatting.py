"""Numbers for people: ¥1,000,000 / 30.0% / 1,600件 / 12.5日, in Japanese or English."""

from __future__ import annotations

import math
from datetime import date

from ikkan.model.units import Unit, UnitKind

CURRENCY_SYMBOLS = {"JPY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "CNY": "CN¥", "KRW": "₩"}


def _grouped(value: float, decimals: int) -> str:
    return f"{value:,.{decimals}f}"


def format_value(value: float | None, unit: Unit | None, lang: str = "en") -> str:
    """Format a node value by its unit; '—' for none."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if math.isinf(value):
        return "∞"
    kind = unit.kind if unit else None
    if unit is not None and kind is UnitKind.CURRENCY:
        symbol = CURRENCY_SYMBOLS.get(unit.currency or "", (unit.currency or "") + " ")
        decimals = 0 if unit.currency in ("JPY", "KRW") or abs(value) >= 1000 else 2
        sign = "-" if value < 0 else ""
        return f"{sign}{symbol}{_grouped(abs(value), decimals)}"
    if kind is UnitKind.RATIO:
        return f"{value * 100:,.1f}%"
    if kind is UnitKind.DAYS:
        return f"{value:,.1f}日" if lang == "ja" else f"{value:,.1f} days"
    if kind is UnitKind.HOURS:
        return f"{value:,.1f}時間" if lang == "ja" else f"{value:,.1f} h"
    if kind is UnitKind.COUNT:
        decimals = 0 if float(value).is_integer() else 1
        return _grouped(value, decimals)
    if float(value).is_integer():
        return _grouped(value, 0)
    return _grouped(value, 2) if abs(value) < 100 else _grouped(value, 0)


def format_change(ratio: float | None) -> str:
    if ratio is None:
        return "—"
    return f"{ratio * 100:+.1f}%"


def format_date(day: date, lang: str = "en") -> str:
    if lang == "ja":
        return f"{day.year}年{day.month}月{day.day}日"
    return day.isoformat()
