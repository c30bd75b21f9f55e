"""Column-wise cell conversion with exactly the results of ``fields.convert_batch``.

Each kind has a narrow DuckDB expression for the shapes that dominate real exports (plain
ASCII text, digit ids, ``YYYY-MM-DD HH:MM`` dates, ASCII e-mails): for those shapes the
row-by-row parser provably returns the same value. Every other non-empty cell is parsed by
the row-by-row parser itself, once per distinct value, and mapped back with Arrow; a value
it rejects marks its rows bad, and the caller sends those rows down the row-by-row path so
that their RejectedRows are the same.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ikkan.ingest.parsing.values import ParseError
from ikkan.ingest.sources.fields import FieldSpec, Kind, _is_null, _parser

_TOKENS = "('--', '-', '(not set)', '(none)')"  # the ASCII null tokens (values.NULL_TOKENS)
_PRINTABLE = "regexp_full_match({c}, '[!-~]([ -~]*[!-~])?')"  # trimmed printable ASCII
_JSON_SAFE = r"regexp_full_match({c}, '[!#-\[\]-~]([ !#-\[\]-~]*[!#-\[\]-~])?')"
_DATE = "[1-9][0-9]{{3}}-[0-9]{{2}}-[0-9]{{2}}"

_ARROW_TYPES: dict[Kind, pa.DataType] = {
    Kind.TEXT: pa.string(),
    Kind.ID: pa.string(),
    Kind.EMAIL: pa.string(),
    Kind.INT: pa.int64(),
    Kind.FLOAT: pa.float64(),
    Kind.PERCENT: pa.float64(),
    Kind.DATE: pa.date32(),
    Kind.DATETIME: pa.timestamp("us"),
    Kind.BOOL: pa.bool_(),
}


def supported(spec: FieldSpec) -> bool:
    """Kinds this module converts (amounts carry a second value and stay row-by-row)."""
    return spec.kind in _ARROW_TYPES


def fast_expression(spec: FieldSpec, column: str) -> str | None:
    """DuckDB SQL giving the converted value for the shapes handled in SQL, NULL for every
    other cell; None when the kind has no such shape."""
    c = column
    kind = spec.kind
    if kind is Kind.TEXT:
        return f"CASE WHEN {_PRINTABLE.format(c=c)} AND {c} NOT IN {_TOKENS} THEN {c} END"
    if kind is Kind.ID:  # no '+': "1.2E+11" is an Excel-mangled id the parser rejects
        return (
            f"CASE WHEN regexp_full_match({c}, '[!-*,-~]+') AND {c} NOT IN {_TOKENS} THEN {c} END"
        )
    if kind is Kind.EMAIL:
        pattern = r"[!-?A-~]+@[!-?A-~]*\.[!-?A-~]*"
        return f"CASE WHEN regexp_full_match({c}, '{pattern}') THEN lower({c}) END"
    if kind in (Kind.INT, Kind.FLOAT):
        target = "BIGINT" if kind is Kind.INT else "DOUBLE"
        return f"CASE WHEN regexp_full_match({c}, '[0-9]{{1,15}}') THEN CAST({c} AS {target}) END"
    if kind in (Kind.DATE, Kind.DATETIME) and not spec.formats:
        day = _DATE.format()
        stamp = (
            f"CASE WHEN regexp_full_match({c}, '{day}') THEN try_strptime({c}, '%Y-%m-%d') "
            f"WHEN regexp_full_match({c}, '{day} [0-9]{{2}}:[0-9]{{2}}') "
            f"THEN try_strptime({c}, '%Y-%m-%d %H:%M') "
            f"WHEN regexp_full_match({c}, '{day} [0-9]{{2}}:[0-9]{{2}}:[0-9]{{2}}') "
            f"THEN try_strptime({c}, '%Y-%m-%d %H:%M:%S') END"
        )
        return f"CAST({stamp} AS DATE)" if kind is Kind.DATE else stamp
    return None


def attribute_expression(column: str) -> str:
    """DuckDB SQL for an extra column's ``"label": "value"`` JSON member (the label prefix
    is the one parameter), for trimmed printable ASCII needing no JSON escape."""
    c = column
    return f"CASE WHEN {_JSON_SAFE.format(c=c)} AND {c} NOT IN {_TOKENS} THEN ? || {c} || '\"' END"


def attribute_prefix(label: str) -> str:
    return json.dumps(label, ensure_ascii=False) + ': "'


@dataclass
class ConvertedColumn:
    values: pa.ChunkedArray | pa.Array
    bad: pa.ChunkedArray | pa.Array | None  # True where the parser rejected the cell


def _leftovers(raw: Any, fast: Any) -> pa.Array:
    """Distinct non-empty cells the SQL expression did not convert."""
    needs = pc.and_(pc.not_equal(raw, ""), pc.is_null(fast)) if fast is not None else None
    if needs is None:
        needs = pc.not_equal(raw, "")
    return pc.unique(pc.filter(raw, pc.fill_null(needs, False)))


def convert_column(raw: Any, fast: Any, spec: FieldSpec, tz: tzinfo | None) -> ConvertedColumn:
    """The column as ``convert_batch`` would parse it, and which cells it rejects."""
    target = _ARROW_TYPES[spec.kind]
    if fast is not None and fast.type != target:
        fast = pc.cast(fast, target)
    distinct = _leftovers(raw, fast)
    if len(distinct) == 0:
        if fast is None:
            fast = pa.nulls(len(raw), target)
        return ConvertedColumn(fast, None)
    parse = _parser(spec, tz)
    values: list[Any] = []
    bad: list[bool] = []
    for cell in distinct.to_pylist():
        if _is_null(cell):
            values.append(None)
            bad.append(False)
            continue
        try:
            values.append(parse(cell))
            bad.append(False)
        except ParseError:
            values.append(None)
            bad.append(True)
    index = pc.index_in(raw, value_set=distinct)
    mapped = pc.take(pa.array(values, target), index)
    merged = mapped if fast is None else pc.coalesce(fast, mapped)
    flags = pc.fill_null(pc.take(pa.array(bad, pa.bool_()), index), False) if any(bad) else None
    return ConvertedColumn(merged, flags)


def attribute_members(raw: Any, fast: Any, label: str) -> Any:
    """Each row's ``"label": value`` JSON member for one extra column (null when empty)."""
    distinct = _leftovers(raw, fast)
    if len(distinct) == 0:
        return fast
    key = json.dumps(label, ensure_ascii=False)
    members = [
        None if _is_null(cell) else f"{key}: {json.dumps(cell.strip(), ensure_ascii=False)}"
        for cell in distinct.to_pylist()
    ]
    mapped = pc.take(pa.array(members, pa.string()), pc.index_in(raw, value_set=distinct))
    return pc.coalesce(fast, mapped)


def attributes_column(members: list[Any], rows: int) -> Any:
    """``{member, member}`` per row, null when a row has no member (as ``attributes_json``)."""
    if not members:
        return pa.nulls(rows, pa.string())
    joined = members[0]
    for member in members[1:]:  # (null_handling="skip" drops rows in pyarrow 26)
        both = pc.binary_join_element_wise(joined, member, ", ")
        joined = pc.coalesce(both, joined, member)
    return pc.binary_join_element_wise("{", joined, "}", "")


def mapped_by_distinct(values: Any, func: Any) -> Any:
    """``func`` applied to each distinct non-null string of ``values`` (None stays None)."""
    distinct = pc.unique(pc.drop_null(values))
    results = [func(v) for v in distinct.to_pylist()]
    return pc.take(pa.array(results, pa.string()), pc.index_in(values, value_set=distinct))
