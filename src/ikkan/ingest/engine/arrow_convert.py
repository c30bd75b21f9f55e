"""Column-wise cell conversion with exactly the results of ``fields.convert_batch``.

Each column is converted once per distinct value (Arrow dictionary encoding) unless nearly
every value is distinct. Small sets of distinct values go through the row-by-row parser
itself. Large ones take a vectorised Arrow path for the shapes that dominate real exports
(plain ASCII text, digit ids and numbers, ``YYYY-MM-DD[ HH:MM[:SS]]`` dates, ASCII e-mails):
for those shapes the row-by-row parser provably returns the same value (dates go through
DuckDB's strict ``try_strptime``: 2026-02-30 is not rolled over). Every other non-empty
value is parsed by the row-by-row parser, once per distinct value; a value it rejects marks
its rows bad, and the caller sends those rows down the row-by-row path so that their
RejectedRows are the same.
"""

# ruff: noqa: S608 - the one SQL text is a constant

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ikkan.ingest.engine.fields import FieldSpec, Kind, _is_null, _parser
from ikkan.ingest.engine.scratch import registered, scratch_cursor
from ikkan.ingest.parsing.values import ParseError

_TOKENS = pa.array(["--", "-", "(not set)", "(none)"])  # the ASCII null tokens (NULL_TOKENS)
_PRINTABLE = "^[!-~]([ -~]*[!-~])?$"  # trimmed printable ASCII
_JSON_SAFE = r"^[!#-\[\]-~]([ !#-\[\]-~]*[!#-\[\]-~])?$"  # ... needing no JSON escape
_ID = "^[!-*,-~]+$"  # no '+': "1.2E+11" is an Excel-mangled id the parser rejects
_EMAIL = r"^[!-?A-~]+@[!-?A-~]*\.[!-?A-~]*$"
_DIGITS = "^[0-9]{1,15}$"
_DAY = "[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}"
_SLASH_DAY = "[1-9][0-9]{3}/[0-9]{2}/[0-9]{2}"  # (Japanese exports) the parser's _YMD


def _stamp_cases(day: str, sep: str) -> str:
    return (
        f"WHEN regexp_full_match(c, '{day}') THEN try_strptime(c, '%Y{sep}%m{sep}%d') "
        f"WHEN regexp_full_match(c, '{day} [0-9]{{2}}:[0-9]{{2}}') "
        f"THEN try_strptime(c, '%Y{sep}%m{sep}%d %H:%M') "
        f"WHEN regexp_full_match(c, '{day} [0-9]{{2}}:[0-9]{{2}}:[0-9]{{2}}') "
        f"THEN try_strptime(c, '%Y{sep}%m{sep}%d %H:%M:%S') "
    )


_US_DAY = "[0-9]{1,2}/[0-9]{1,2}/[1-9][0-9]{3}"  # M/D/YYYY (US-locale CRM exports): _US
_US_CASES = (
    f"WHEN regexp_full_match(c, '{_US_DAY}') THEN try_strptime(c, '%m/%d/%Y') "
    f"WHEN regexp_full_match(c, '{_US_DAY} [0-9]{{1,2}}:[0-9]{{2}} (AM|PM)') "
    "THEN try_strptime(c, '%m/%d/%Y %I:%M %p') "
    f"WHEN regexp_full_match(c, '{_US_DAY} [0-9]{{1,2}}:[0-9]{{2}}:[0-9]{{2}} (AM|PM)') "
    "THEN try_strptime(c, '%m/%d/%Y %I:%M:%S %p') "  # (Zoom's join and registration times)
    f"WHEN regexp_full_match(c, '{_US_DAY} [0-9]{{1,2}}:[0-9]{{2}}') "
    "THEN try_strptime(c, '%m/%d/%Y %H:%M') "
    f"WHEN regexp_full_match(c, '{_US_DAY} [0-9]{{1,2}}:[0-9]{{2}}:[0-9]{{2}}') "
    "THEN try_strptime(c, '%m/%d/%Y %H:%M:%S') "
)
_COMPACT_DAY = "[1-9][0-9]{7}"  # YYYYMMDD (GA4's Date): the parser's _COMPACT
_STAMP_SQL = (  # a dash or a slash picks the shapes to try (fewer regex runs per cell)
    f"CASE WHEN c[5] = '-' THEN CASE {_stamp_cases(_DAY, '-')}END "
    f"WHEN contains(c, '/') THEN CASE {_stamp_cases(_SLASH_DAY, '/')}{_US_CASES}END "
    f"WHEN length(c) = 8 AND regexp_full_match(c, '{_COMPACT_DAY}') "
    "THEN try_strptime(c, '%Y%m%d') END"
)
_PARSE_ALL = 4096  # at most this many distinct values: the row-by-row parser does them all
_SAMPLE = 20_000  # rows sampled to guess whether nearly every value is distinct
_MAX_COMBINATIONS = 1 << 24  # attribute member combinations: a lookup array at most this long

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
    Kind.AMOUNT: pa.float64(),  # the currency code goes to ConvertedColumn.currency
}


def supported(spec: FieldSpec) -> bool:
    """Kinds this module converts."""
    return spec.kind in _ARROW_TYPES


def _matches(values: Any, pattern: str) -> Any:
    return pc.fill_null(pc.match_substring_regex(values, pattern), False)


def _where(mask: Any, values: Any, target: pa.DataType) -> Any:
    return pc.if_else(mask, values, pa.scalar(None, target))


def _plain(values: Any, pattern: str) -> Any:
    return pc.and_(_matches(values, pattern), pc.invert(pc.is_in(values, value_set=_TOKENS)))


def fast_values(values: Any, spec: FieldSpec) -> Any:
    """The converted value for the shapes handled vectorised, null for every other cell;
    None when the kind has no such shape."""
    kind = spec.kind
    if kind is Kind.TEXT:
        return _where(_plain(values, _PRINTABLE), values, pa.string())
    if kind is Kind.ID:
        return _where(_plain(values, _ID), values, pa.string())
    if kind is Kind.EMAIL:
        return _where(_matches(values, _EMAIL), pc.ascii_lower(values), pa.string())
    if kind in (Kind.INT, Kind.FLOAT, Kind.AMOUNT):  # plain digits: an amount without currency
        target = pa.int64() if kind is Kind.INT else pa.float64()
        digits = _matches(values, _DIGITS)
        return pc.cast(_where(digits, values, pa.string()), target)
    if kind in (Kind.DATE, Kind.DATETIME) and not spec.formats:
        stamps = _timestamps(values)
        return pc.cast(stamps, pa.date32()) if kind is Kind.DATE else stamps
    return None


def _timestamps(values: Any) -> Any:
    """Timestamps for the ISO, ``YYYY/MM/DD``, ``YYYYMMDD`` and US ``M/D/YYYY [h:mm[:ss]
    AM]`` shapes, by DuckDB's strict ``try_strptime`` (2026-02-30 is NULL, not March 2), in
    parallel; each shape checked against ``parse_datetime``
    (tests/ingest/test_vectorised_dates.py)."""
    with (
        scratch_cursor() as con,
        registered(con, pa.table({"c": values}), "ikkan_cells") as name,
    ):
        found = con.sql(f"SELECT {_STAMP_SQL} AS t FROM {name}").to_arrow_table()
    if found.num_rows != len(values):
        raise AssertionError("timestamp conversion lost rows")
    return found.column("t").combine_chunks()


def attribute_prefix(label: str) -> str:
    return json.dumps(label, ensure_ascii=False) + ': "'


@dataclass
class ConvertedColumn:
    values: pa.ChunkedArray | pa.Array
    bad: pa.ChunkedArray | pa.Array | None  # True where the parser rejected the cell
    currency: pa.ChunkedArray | pa.Array | None = None  # Kind.AMOUNT: the code, if named


def _leftovers(raw: Any, fast: Any) -> pa.Array:
    """Distinct non-empty cells the vectorised path did not convert."""
    needs = pc.and_(pc.not_equal(raw, ""), pc.is_null(fast)) if fast is not None else None
    if needs is None:
        needs = pc.not_equal(raw, "")
    return pc.unique(pc.filter(raw, pc.fill_null(needs, False)))


def _combined(raw: Any) -> pa.Array:
    return raw.combine_chunks() if isinstance(raw, pa.ChunkedArray) else raw


def _nearly_distinct(column: pa.Array) -> bool:
    """True when a sample of the column repeats few values (dictionary encoding would not
    pay): ids, e-mails, timestamps."""
    sample = column.slice(0, _SAMPLE)
    if len(sample) < _SAMPLE:
        return False
    return bool(pc.count_distinct(sample).as_py() > len(sample) // 2)


def _per_distinct(raw: Any, convert: Any) -> Any:
    """``convert(values, vectorised)`` applied once per distinct value of ``raw`` (or to
    ``raw`` itself when nearly every value is distinct), mapped back to the rows."""
    column = _combined(raw)
    if _nearly_distinct(column):
        return convert(column, True)
    encoded = pc.dictionary_encode(column)
    dictionary = encoded.dictionary
    return convert(dictionary, len(dictionary) > _PARSE_ALL), encoded.indices


def convert_column(raw: Any, spec: FieldSpec, tz: tzinfo | None) -> ConvertedColumn:
    """The column as ``convert_batch`` would parse it, and which cells it rejects."""
    target = _ARROW_TYPES[spec.kind]

    def convert(values: Any, vectorised: bool) -> ConvertedColumn:
        fast = fast_values(values, spec) if vectorised else None
        return _convert(values, fast, spec, tz, target)

    found = _per_distinct(raw, convert)
    if isinstance(found, ConvertedColumn):
        return found
    converted, indices = found
    values = pc.take(converted.values, indices)
    bad = converted.bad
    currency = converted.currency
    return ConvertedColumn(
        values,
        None if bad is None else pc.fill_null(pc.take(bad, indices), False),
        None if currency is None else pc.take(currency, indices),
    )


def _convert(
    raw: Any, fast: Any, spec: FieldSpec, tz: tzinfo | None, target: pa.DataType
) -> ConvertedColumn:
    if fast is not None and fast.type != target:
        fast = pc.cast(fast, target)
    distinct = _leftovers(raw, fast)
    amount = spec.kind is Kind.AMOUNT
    if len(distinct) == 0:
        if fast is None:
            fast = pa.nulls(len(raw), target)
        return ConvertedColumn(fast, None, pa.nulls(len(raw), pa.string()) if amount else None)
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
    currency = None
    if amount:  # (value, currency) pairs, as convert_batch splits them
        codes = [None if v is None else v[1] for v in values]
        currency = pc.take(pa.array(codes, pa.string()), index)
        values = [None if v is None else v[0] for v in values]
    mapped = pc.take(pa.array(values, target), index)
    merged = mapped if fast is None else pc.coalesce(fast, mapped)
    flags = pc.fill_null(pc.take(pa.array(bad, pa.bool_()), index), False) if any(bad) else None
    return ConvertedColumn(merged, flags, currency)


def attribute_members(raw: Any, label: str) -> Any:
    """Each row's ``"label": value`` JSON member for one extra column (null when empty):
    an array, or (members of the distinct values, each row's index into them)."""
    key = json.dumps(label, ensure_ascii=False)
    prefix = attribute_prefix(label)

    def convert(values: Any, vectorised: bool) -> Any:
        fast = None
        if vectorised:
            joined = pc.binary_join_element_wise(prefix, values, '"', "")
            fast = _where(_plain(values, _JSON_SAFE), joined, pa.string())
        distinct = _leftovers(values, fast)
        if len(distinct) == 0:
            return pa.nulls(len(values), pa.string()) if fast is None else fast
        members = [
            None if _is_null(cell) else f"{key}: {json.dumps(cell.strip(), ensure_ascii=False)}"
            for cell in distinct.to_pylist()
        ]
        index = pc.index_in(values, value_set=distinct)
        mapped = pc.take(pa.array(members, pa.string()), index)
        return mapped if fast is None else pc.coalesce(fast, mapped)

    return _per_distinct(raw, convert)


def attributes_column(members: list[Any], rows: int) -> Any:
    """``{member, member}`` per row, null when a row has no member (as ``attributes_json``).
    Built once per distinct combination of members when the columns repeat values."""
    if not members:
        return pa.nulls(rows, pa.string())
    combined = _per_combination(members, rows)
    if combined is not None:
        return combined
    arrays = [pc.take(m[0], m[1]) if isinstance(m, tuple) else m for m in members]
    joined = arrays[0]
    for member in arrays[1:]:  # (null_handling="skip" drops rows in pyarrow 26)
        both = pc.binary_join_element_wise(joined, member, ", ")
        joined = pc.coalesce(both, joined, member)
    return pc.binary_join_element_wise("{", joined, "}", "")


def _per_combination(members: list[Any], rows: int) -> Any:
    import numpy as np

    if not all(isinstance(m, tuple) for m in members):
        return None
    dictionaries = [m[0].to_pylist() for m in members]
    sizes = [len(d) + 1 for d in dictionaries]  # the last code: no member (null index)
    if float(np.prod(np.array(sizes, dtype=np.float64))) > _MAX_COMBINATIONS:
        return None
    code = np.zeros(rows, dtype=np.int64)
    for (_, indices), size in zip(reversed(members), reversed(sizes), strict=True):
        column = pc.fill_null(indices, size - 1).to_numpy(zero_copy_only=False)
        code = code * size + column.astype(np.int64)
    seen = np.zeros(int(np.prod(sizes)), dtype=bool)
    seen[code] = True
    combinations = np.flatnonzero(seen)
    if len(combinations) > _PARSE_ALL * 16:
        return None
    texts: list[str | None] = []
    for combination in combinations.tolist():
        found = []
        for dictionary, size in zip(dictionaries, sizes, strict=True):
            combination, position = divmod(combination, size)
            member = dictionary[position] if position < size - 1 else None
            if member is not None:
                found.append(member)
        texts.append("{" + ", ".join(found) + "}" if found else None)
    slot = np.zeros(len(seen), dtype=np.int64)
    slot[combinations] = np.arange(len(combinations))
    return pc.take(pa.array(texts, pa.string()), pa.array(slot[code]))


_JSON_VERBATIM = '^[^\\x00-\\x1f"\\\\]*$'  # json.dumps(ensure_ascii=False) escapes none of it


def json_strings(values: Any) -> Any:
    """``json.dumps(value, ensure_ascii=False)`` per row (None stays None): quoted in bulk
    where the text needs no escape, by ``json.dumps`` once per distinct other value."""
    values = _combined(values)
    verbatim = _matches(values, _JSON_VERBATIM)
    quoted = _where(verbatim, pc.binary_join_element_wise('"', values, '"', ""), pa.string())
    rest = pc.filter(values, pc.invert(verbatim))
    if len(pc.drop_null(rest)) == 0:
        return quoted
    escaped = mapped_by_distinct(values, lambda v: json.dumps(v, ensure_ascii=False))
    return pc.coalesce(quoted, escaped)


def mapped_by_distinct(values: Any, func: Any, target: pa.DataType | None = None) -> Any:
    """``func`` applied to each distinct non-null string of ``values`` (None stays None);
    ``target``: the result type (text unless given). One hash pass (dictionary encoding)
    finds the distinct values and each row's position among them."""
    encoded = pc.dictionary_encode(_combined(values))  # (nulls: null indices)
    results = [func(v) for v in encoded.dictionary.to_pylist()]
    kind = pa.string() if target is None else target
    return pc.take(pa.array(results, kind), encoded.indices)
