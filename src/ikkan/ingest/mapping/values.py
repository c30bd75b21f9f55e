"""Value maps, applied per mapped use, and typed conversion of mapped and constant values.

One source column may feed several canonical columns (``stage``, ``is_won`` and
``is_closed`` from one status column; ``owner`` and ``manager`` from one agent column).
Each use reads the raw cell and applies its own map, so no map rewrites the cell for
another. A value the map does not list is kept as exported unless the map has ``'*'``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, tzinfo
from typing import Any

from ikkan.ingest.engine.fields import FieldSpec, Kind, _parser
from ikkan.ingest.parsing.dates import parse_date, parse_datetime
from ikkan.ingest.parsing.values import (
    ParseError,
    normalise_header,
    parse_bool,
    parse_int,
    parse_number,
)
from ikkan.model.canonical import TABLES_BY_NAME, ColumnType

OTHERS = "*"
"""A value-map key matching every non-empty value the map does not list."""

KINDS = {
    ColumnType.STRING: Kind.TEXT,
    ColumnType.JSON: Kind.TEXT,
    ColumnType.INT64: Kind.INT,
    ColumnType.FLOAT64: Kind.FLOAT,
    ColumnType.BOOL: Kind.BOOL,
    ColumnType.DATE: Kind.DATE,
    ColumnType.TIMESTAMP: Kind.DATETIME,
}


def kind_of(table: str, column: str) -> Kind:
    """How a source cell feeding ``table.column`` is parsed."""
    if column == "email":
        return Kind.EMAIL
    if column == "source_id":
        return Kind.ID
    if column in ("amount", "cost"):
        return Kind.AMOUNT
    return KINDS[TABLES_BY_NAME[table].column(column).type]


def convert_constant(
    value: object, kind: ColumnType, formats: Sequence[str] = (), tz: tzinfo | None = None
) -> Any:
    """A constant from the mapping as the column's type; ValueError says why it cannot be."""
    try:
        if kind is ColumnType.TIMESTAMP:
            return parse_datetime(value, tz, formats)
        if kind is ColumnType.DATE:
            return parse_date(value, tz, formats)
        if kind is ColumnType.BOOL:
            return value if isinstance(value, bool) else parse_bool(value)
        if kind is ColumnType.INT64:
            if isinstance(value, bool):
                raise ParseError(f"expected a whole number, got {value!r}")
            return value if isinstance(value, int) else parse_int(value)
        if kind is ColumnType.FLOAT64:
            if isinstance(value, bool):
                raise ParseError(f"expected a number, got {value!r}")
            return float(value) if isinstance(value, int | float) else parse_number(value)
    except ParseError as exc:
        raise ValueError(f"{exc.reason} (the column holds {kind.value})") from None
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


class ValueMap:
    """One canonical column's map of raw values (matched like headers: NFKC, case-folded)."""

    def __init__(self, values: Mapping[str, object]) -> None:
        self._values = {normalise_header(str(k)): v for k, v in values.items() if k != OTHERS}
        self._others = values.get(OTHERS)
        self._has_others = OTHERS in values

    def __call__(self, raw: object) -> object:
        if raw is None:
            return None
        key = normalise_header(str(raw))
        if key in self._values:
            return self._values[key]
        if self._has_others and key:
            return self._others
        return raw


def typed_parser(kind: Kind, tz: tzinfo | None, formats: Sequence[str]) -> Callable[[object], Any]:
    """The parser of one field kind (raises ParseError)."""
    return _parser(FieldSpec("value", kind, ("value",), tuple(formats)), tz)
