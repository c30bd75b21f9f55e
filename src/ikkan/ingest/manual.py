"""Manual values (NPS, survey scores) typed into a CSV: node_id, period, value [, note …].

Columns: ``node_id``, ``period`` (2026-10, FY2026-Q3 …), ``value`` (``42``, ``42%``),
optional ``dimension``, ``dimension_value``, ``note``, ``entered_by``. Japanese headers
ノードID / 期間 / 値 / メモ / 入力者 work too.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from ikkan.errors import Location, SourceError
from ikkan.ingest.base import ReaderContext, ReadResult, RejectedRow
from ikkan.ingest.engine.tabular import head_rows, open_rows
from ikkan.model.canonical import BOOKKEEPING, MANUAL_VALUES
from ikkan.model.numbers import NumberFormatError, parse_number
from ikkan.model.periods import PeriodError, parse_period

ALIASES = {
    "node_id": ("node_id", "node", "ノードid", "ノード", "kpi"),
    "period": ("period", "期間"),
    "value": ("value", "値", "実績"),
    "dimension": ("dimension", "軸"),
    "dimension_value": ("dimension_value", "軸の値"),
    "note": ("note", "メモ", "備考"),
    "entered_by": ("entered_by", "入力者"),
}


def _header_map(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        key = name.strip().lower().lstrip("\ufeff")
        for column, aliases in ALIASES.items():
            if key in aliases and column not in found:
                found[column] = index
    return found


_REQUIRED = {"node_id", "period", "value"}


class ManualValuesReader:
    name = "manual_values"
    source_system = "manual"

    def sniff(self, path: Path, head: str) -> bool:
        first = next((row for row in head_rows(head) if any(c.strip() for c in row)), [])
        return set(_header_map(first)) >= _REQUIRED

    def read(self, path: Path, context: ReaderContext) -> ReadResult:
        # open_rows: encoding, delimiter, XLSX, and the physical line each record starts on
        # (a quoted cell may span lines; a lone CR is a line end as in Excel's exports).
        file_rows = open_rows(path)
        rows = [
            (number, ["" if c is None else str(c) for c in cells])
            for number, cells in file_rows.rows
        ]
        result = ReadResult(
            self.source_system, self.name, str(path), encoding=file_rows.encoding or "xlsx"
        )
        at = next(
            (i for i, (_, row) in enumerate(rows) if set(_header_map(row)) >= _REQUIRED), None
        )
        if at is None:
            if not any(any(c.strip() for c in row) for _, row in rows):
                return result
            raise SourceError(
                "no header row with node_id, period and value found",
                location=Location(str(path)),
                hint="the first row names the columns: node_id, period, value (ノードID, 期間, 値)",
            )
        columns = _header_map(rows[at][1])
        fy_start = int(context.options.get("fiscal_year_start", 4))
        out: list[dict[str, object]] = []
        loaded: list[int] = []
        for number, row in rows[at + 1 :]:
            if not any(cell.strip() for cell in row):
                continue
            result.rows_read += 1
            record = {name: row[i] if i < len(row) else "" for name, i in columns.items()}
            try:
                period = parse_period(record["period"], fy_start).key
            except PeriodError as exc:
                result.rejected.append(
                    RejectedRow(str(path), number, "period", record["period"], exc.message, record)
                )
                continue
            try:
                value = parse_number(record["value"])
            except NumberFormatError as exc:
                result.rejected.append(
                    RejectedRow(str(path), number, "value", record["value"], str(exc), record)
                )
                continue
            if not record["node_id"].strip():
                result.rejected.append(
                    RejectedRow(str(path), number, "node_id", "", "node_id is empty", record)
                )
                continue
            loaded.append(number)
            out.append(
                {
                    "node_id": record["node_id"].strip(),
                    "period": period,
                    "dimension": record.get("dimension", "").strip(),
                    "dimension_value": record.get("dimension_value", "").strip(),
                    "value": value,
                    "note": record.get("note") or None,
                    "entered_by": record.get("entered_by") or None,
                }
            )
        out, loaded = _last_per_key(out, loaded, result)
        names = [c.name for c in MANUAL_VALUES.columns if c.name not in BOOKKEEPING]
        schema = pa.schema([(n, pa.float64() if n == "value" else pa.string()) for n in names])
        result.tables["manual_values"] = pa.Table.from_pylist(out, schema=schema)
        result.loaded_rows = loaded
        return result


def _last_per_key(
    out: list[dict[str, object]], numbers: list[int], result: ReadResult
) -> tuple[list[dict[str, object]], list[int]]:
    """One value per node, period and dimension: a later row replaces an earlier one, which
    is listed as skipped (naming the row that replaced it)."""
    keys = list(MANUAL_VALUES.primary_key)
    last: dict[tuple[object, ...], int] = {}
    for i, row in enumerate(out):
        last[tuple(row[k] for k in keys)] = i
    if len(last) == len(out):
        return out, numbers
    keep = sorted(last.values())
    for i, row in enumerate(out):
        j = last[tuple(row[k] for k in keys)]
        if j != i:
            result.skipped.append(
                RejectedRow(
                    result.file_path,
                    numbers[i],
                    None,
                    None,
                    f"the same node, period and dimension as row {numbers[j]}, which replaces it",
                    {k: row[k] for k in keys},
                    skipped=True,
                )
            )
    return [out[i] for i in keep], [numbers[i] for i in keep]
