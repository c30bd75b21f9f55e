"""Units of node values and a small dimensional check of formulas.

Counts, ratios and scores are dimensionless; money has its currency as a dimension; days and
hours are time. So ``won * avg_deal_size`` is yen, ``budget / leads`` is yen, ``won / leads``
is a ratio, and ``revenue + leads`` (yen + count) is an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ikkan.model.currencies import is_currency
from ikkan.model.formulas import BinOp, Call, Expr, Neg, Num, Ref


class UnitKind(StrEnum):
    COUNT = "count"
    CURRENCY = "currency"
    RATIO = "ratio"
    DAYS = "days"
    HOURS = "hours"
    SCORE = "score"


@dataclass(frozen=True)
class Unit:
    id: str
    kind: UnitKind
    currency: str | None = None

    @property
    def dims(self) -> frozenset[tuple[str, int]]:
        if self.kind is UnitKind.CURRENCY:
            return frozenset({(self.currency or "currency", 1)})
        if self.kind in (UnitKind.DAYS, UnitKind.HOURS):
            return frozenset({(self.kind.value, 1)})
        return frozenset()


CURRENCIES = ("JPY", "USD", "EUR", "GBP", "CNY", "KRW", "TWD", "SGD", "AUD")
"""The currencies named in hints; every ISO 4217 code is accepted (``model.currencies``)."""
ALIASES = {
    "件": "count",
    "社": "count",
    "人": "count",
    "回": "count",
    "pt": "score",
    "点": "score",
    "円": "JPY",
    "yen": "JPY",
    "%": "percent",
    "日": "days",
    "時間": "hours",
    "leads": "count",
    "deals": "count",
    "companies": "count",
    "people": "count",
    "sessions": "count",
}
KNOWN_UNITS = (
    "count",
    "ratio",
    "percent",
    "score",
    "days",
    "hours",
    "currency",
    *CURRENCIES,
    "any ISO 4217 code",
)


def resolve_unit(text: str | None, project_currency: str = "JPY") -> Unit | None:
    """The Unit for a spec's ``unit:`` text, or None when the text is unknown."""
    if text is None:
        return None
    key = ALIASES.get(text.strip(), text.strip())
    upper = key.upper()
    if upper in CURRENCIES or (key == upper and is_currency(key)):
        return Unit(upper, UnitKind.CURRENCY, upper)
    if key == "currency":
        return Unit(project_currency, UnitKind.CURRENCY, project_currency)
    kinds = {
        "count": UnitKind.COUNT,
        "ratio": UnitKind.RATIO,
        "percent": UnitKind.RATIO,
        "score": UnitKind.SCORE,
        "days": UnitKind.DAYS,
        "hours": UnitKind.HOURS,
    }
    if key in kinds:
        return Unit(key, kinds[key])
    return None


Dims = dict[str, int]


class UnitMismatch(Exception):
    def __init__(self, message: str, column: int | None) -> None:
        super().__init__(message)
        self.column = column


def _fmt(dims: Dims) -> str:
    if not dims:
        return "a count or ratio"
    return " × ".join(f"{k}" if v == 1 else f"{k}^{v}" for k, v in sorted(dims.items()))


def formula_dims(expr: Expr, units: dict[str, Unit | None]) -> Dims | None:
    """The dimensions of ``expr``; None when some input has no unit. Raises UnitMismatch."""
    if isinstance(expr, Num):
        return {}
    if isinstance(expr, Ref):
        unit = units.get(expr.name)
        return None if unit is None else dict(unit.dims)
    if isinstance(expr, Neg):
        return formula_dims(expr.operand, units)
    if isinstance(expr, Call):
        parts = [formula_dims(a, units) for a in expr.args]
        known = [p for p in parts if p is not None]
        if any(k != known[0] for k in known[1:]):
            raise UnitMismatch(
                f"{expr.func}() mixes {_fmt(known[0])} and "
                f"{_fmt(next(k for k in known if k != known[0]))}",
                expr.column,
            )
        return known[0] if len(known) == len(parts) and known else None
    left = formula_dims(expr.left, units)
    right = formula_dims(expr.right, units)
    if expr.op in ("+", "-"):
        if left is not None and right is not None and left != right:
            column = _first_column(expr.right)
            raise UnitMismatch(f"'{expr.op}' adds {_fmt(left)} to {_fmt(right)}", column)
        return left if left is not None else right if right is not None and left is None else None
    if left is None or right is None:
        return None
    sign = 1 if expr.op == "*" else -1
    out = dict(left)
    for k, v in right.items():
        out[k] = out.get(k, 0) + sign * v
        if out[k] == 0:
            del out[k]
    return out


def _first_column(expr: Expr) -> int | None:
    if isinstance(expr, Ref):
        return expr.column
    if isinstance(expr, Call):
        return expr.column
    if isinstance(expr, BinOp):
        return _first_column(expr.left)
    if isinstance(expr, Neg):
        return _first_column(expr.operand)
    return None


def describe_dims(dims: Dims) -> str:
    return _fmt(dims)
