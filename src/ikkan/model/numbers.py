"""Numbers as people write them in a spec: ``25%``, ``1,000,000``, ``¥1,000``, ``10億``."""

from __future__ import annotations

import math
import re
import unicodedata

_UNITS = {"万": 1e4, "億": 1e8, "兆": 1e12, "k": 1e3, "K": 1e3, "M": 1e6, "B": 1e9}
_NUMBER = re.compile(
    r"^(?P<sign>[-+△▲]?)\s*(?:[¥$]|JPY|USD)?\s*(?P<num>\d[\d,_]*(?:\.\d+)?|\.\d+)\s*"
    r"(?P<unit>万|億|兆|[kKMB])?\s*(?P<suffix>%|円|件|社|人|日)?$"
)


class NumberFormatError(ValueError):
    pass


def parse_number(value: object) -> float:
    """Read a number from YAML: a number, or a string such as '25%', '¥1,000', '10億円'."""
    if isinstance(value, bool):
        raise NumberFormatError(f"{value!r} is a boolean, not a number")
    if isinstance(value, int | float):
        return _finite(float(value), value)
    if not isinstance(value, str):
        raise NumberFormatError(f"{value!r} is not a number")
    text = unicodedata.normalize("NFKC", value).strip().replace(" ", "")
    match = _NUMBER.match(text)
    if not match:
        raise NumberFormatError(
            f"'{value}' is not a number (write e.g. 0.25, '25%', 1_000_000, '¥1,000', '10億')"
        )
    number = float(match["num"].replace(",", "").replace("_", ""))
    if match["unit"]:
        number *= _UNITS[match["unit"]]
    if match["suffix"] == "%":
        number /= 100
    if match["sign"] in ("-", "△", "▲"):
        number = -number
    return _finite(number, value)


def _finite(number: float, raw: object) -> float:
    """Infinity and NaN are no values a KPI can have (``1e400`` overflows a float)."""
    if not math.isfinite(number):
        raise NumberFormatError(f"'{str(raw)[:40]}' is not a finite number (too large)")
    return number
