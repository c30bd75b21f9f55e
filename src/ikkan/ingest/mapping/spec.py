"""``GenericMapping``: the YAML model of a generic source's ``options.mapping``.

Checks here need nothing but the mapping itself (canonical columns exist and may be written,
required ids are given, constants have the column's type). ``checks`` adds what needs the
project (funnel stages) or the file (its header).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ikkan.errors import did_you_mean
from ikkan.model.canonical import TABLES_BY_NAME, ColumnType

TargetTable = Literal["leads", "deals", "accounts", "spend", "web_traffic", "activities"]
ScalarValue = str | int | float | bool

KEYS: dict[str, str] = {
    "leads": "lead_key",
    "deals": "deal_key",
    "accounts": "account_key",
    "spend": "spend_key",
    "web_traffic": "traffic_key",
    "activities": "activity_key",
}
AGGREGATE_KEY: dict[str, tuple[str, ...]] = {
    "spend": ("day", "channel", "campaign", "ad_group"),
    "web_traffic": ("day", "channel", "source_medium", "landing_page"),
    "activities": ("occurred_at", "activity_type", "email", "lead_key", "detail"),
}
ROW_DATE: dict[str, str] = {
    "leads": "created_at",
    "deals": "created_at",
    "activities": "occurred_at",
    "spend": "day",
    "web_traffic": "day",
}
"""The column that dates a row of each table (stage rules without a date column use it)."""

REFERENCES: dict[str, tuple[str, str]] = {
    "lead_key": ("lead_id_column", "lead_source_system"),
    "account_key": ("account_id_column", "account_source_system"),
}
"""Key columns that point at another record: written from an id column, never directly."""

BOOKKEEPING_COLUMNS = frozenset({"content_hash", "import_id", "loaded_at"})
GENERATED = frozenset({"source_system", "attributes"})


def reserved_columns(table: str) -> dict[str, str]:
    """Canonical columns a mapping may not write, with the reason / what to use instead."""
    out = {
        "source_system": "set by 'source_system:' of the mapping",
        "attributes": "filled with every unmapped column of the file",
        KEYS[table]: "built from source_id ('<source_system>:<source_id>')"
        if table not in AGGREGATE_KEY or table == "activities"
        else "a hash of " + ", ".join(AGGREGATE_KEY[table]),
    }
    for key, (option, _) in REFERENCES.items():
        if key != KEYS[table] and key in TABLES_BY_NAME[table].column_names:
            out[key] = f"built from '{option}:' as '<source_system>:<id>'"
    return out


def writable_columns(table: str) -> list[str]:
    reserved = reserved_columns(table)
    return [
        c.name
        for c in TABLES_BY_NAME[table].columns
        if c.name not in reserved and c.name not in BOOKKEEPING_COLUMNS
    ]


def column_type(table: str, column: str) -> ColumnType:
    return TABLES_BY_NAME[table].column(column).type


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class StageRule(Model):
    """When a row's lead entered a funnel stage: the date in ``column`` (rows with a date),
    or, with ``when_column``, rows whose value is one of ``when_in``; without ``column`` the
    date is the row's date (its created_at / occurred_at, default_date included), and
    without either every row entered the stage at the row's date."""

    stage: str = Field(description="a stage id of the project's funnel.stages")
    column: str | None = Field(None, description="source column holding the entry date")
    when_column: str | None = Field(
        None, description="source column whose value says the stage was reached"
    )
    when_in: list[ScalarValue] = Field(
        default_factory=list, description="values of when_column that mean 'reached'"
    )

    @model_validator(mode="after")
    def _check(self) -> StageRule:
        if (self.when_column is None) != (not self.when_in):
            raise ValueError(f"stage {self.stage!r}: 'when_column' and 'when_in' go together")
        return self


DateSource = Literal["constant", "file_name", "file_modified", "import_date"]


DATE_SOURCES = ("file_name", "file_modified", "import_date")


def _default_date(value: Any) -> Any:
    if isinstance(value, str) and value in DATE_SOURCES:
        return {"from": value}
    if isinstance(value, date | str):
        return {"from": "constant", "value": _a_date(value)}
    return value


def _a_date(value: Any) -> Any:
    """A date written as text (2024/5/7, 2024年5月7日, 令和6年5月7日 …) read like a cell."""
    if not isinstance(value, str):
        return value
    from ikkan.ingest.parsing.dates import parse_date
    from ikkan.ingest.parsing.values import ParseError

    try:
        return parse_date(value, None, ())
    except ParseError:
        hint = did_you_mean(value, [*DATE_SOURCES, "constant"])
        raise ValueError(
            f"default_date: {value!r} is neither a date (2024-05-07, 2024/5/7, 令和6年5月7日) "
            "nor one of file_name, file_modified, import_date" + (f"; {hint}" if hint else "")
        ) from None


class DefaultDate(Model):
    """The date of rows whose date cell is empty or whose file has no date column."""

    source: DateSource = Field("constant", alias="from")
    value: date | None = Field(None, description="the date, when from: constant")
    pattern: str = Field(
        r"(\d{4})[-_.]?(\d{2})[-_.]?(\d{2})",
        description="regular expression with year, month, day groups (from: file_name)",
    )
    column: str | None = Field(
        None, description="canonical column to fill (default: the table's row date)"
    )

    @field_validator("value", mode="before")
    @classmethod
    def _value(cls, value: Any) -> Any:
        return _a_date(value)

    @model_validator(mode="after")
    def _check(self) -> DefaultDate:
        if (self.source == "constant") != (self.value is not None):
            raise ValueError("give a date 'value' exactly when from: constant")
        if self.source == "file_name":
            import re

            try:
                groups = re.compile(self.pattern).groups
            except re.error as exc:
                raise ValueError(f"pattern is not a regular expression: {exc}") from None
            if groups != 3:
                raise ValueError("pattern needs three groups: year, month, day")
        return self


class Identity(Model):
    """A row id for files without an id column."""

    columns: list[str] = Field(
        default_factory=list, description="source columns whose values together identify a row"
    )
    content: bool = Field(
        False, description="the row's content plus its occurrence number in the file"
    )

    @model_validator(mode="after")
    def _check(self) -> Identity:
        if bool(self.columns) == self.content:
            raise ValueError("identity: give 'columns: [...]' or 'content: true' (one of them)")
        return self


def _identity(value: Any) -> Any:
    if value == "content":
        return {"content": True}
    if isinstance(value, list):
        return {"columns": value}
    return value


class Lookup(Model):
    """A side file joined on import: the row's ``match`` value found in the side file's
    ``key`` column gives the canonical ``columns``."""

    file: str = Field(description="CSV/XLSX; a relative path is taken from the data file's folder")
    key: str = Field(description="the side file's column holding the value to find")
    match: str | None = Field(
        None, description="canonical column of this mapping whose value is looked up"
    )
    match_column: str | None = Field(
        None, description="or: a column of the data file whose value is looked up"
    )
    columns: dict[str, str] = Field(description="canonical column -> side file column")
    sheet: str | None = None

    @model_validator(mode="after")
    def _check(self) -> Lookup:
        if (self.match is None) == (self.match_column is None):
            raise ValueError(f"lookup {self.file!r}: give 'match' or 'match_column' (one)")
        if not self.columns:
            raise ValueError(f"lookup {self.file!r}: 'columns' names nothing to fill")
        return self


class GenericMapping(Model):
    """How one file maps onto one canonical table."""

    table: TargetTable
    source_system: str = Field(min_length=1, description="keys are '<source_system>:<id>'")
    columns: dict[str, str] = Field(
        default_factory=dict, description="canonical column -> source column label"
    )
    constants: dict[str, ScalarValue | date] = Field(default_factory=dict)
    date_formats: list[str] = Field(default_factory=list, description="strptime, tried first")
    value_maps: dict[str, dict[str, ScalarValue | None]] = Field(
        default_factory=dict,
        description="canonical column -> {source value: value or null}; '*': any other value",
    )
    stages: list[StageRule] = Field(default_factory=list)
    lead_id_column: str | None = Field(
        None, description="source column with the lead's id (deals/activities → lead_key)"
    )
    lead_source_system: str | None = None
    account_id_column: str | None = Field(
        None, description="source column with the account's id (→ account_key)"
    )
    account_source_system: str | None = None
    default_date: Annotated[DefaultDate | None, BeforeValidator(_default_date)] = None
    identity: Annotated[Identity | None, BeforeValidator(_identity)] = None
    lookups: list[Lookup] = Field(default_factory=list)
    sheet: str | None = None

    @model_validator(mode="after")
    def _check_columns(self, info: ValidationInfo) -> GenericMapping:
        if info.context and info.context.get("defer_problems"):
            return self  # checks.py locates each problem itself
        problems = mapping_problems(self)
        if problems:
            raise ValueError("; ".join(message for _, message in problems))
        return self

    def filled_columns(self) -> set[str]:
        """Canonical columns this mapping writes (from the file, constants or lookups)."""
        out = {*self.columns, *self.constants}
        for lookup in self.lookups:
            out |= set(lookup.columns)
        if self.default_date is not None:
            out.add(self.default_date_column() or "")
        if self.identity is not None:
            out.add("source_id")
        return out - {""}

    def default_date_column(self) -> str | None:
        if self.default_date is None:
            return None
        return self.default_date.column or ROW_DATE.get(self.table)


Problem = tuple[tuple[str | int, ...], str]
"""(path inside the mapping, message)."""


def mapping_problems(mapping: GenericMapping) -> list[Problem]:
    """Everything wrong with a mapping that the mapping alone shows."""
    from ikkan.ingest.mapping.values import convert_constant

    table = mapping.table
    allowed = writable_columns(table)
    reserved = reserved_columns(table)
    problems: list[Problem] = []

    def check_name(path: tuple[str | int, ...], name: str) -> bool:
        if name in reserved:
            problems.append((path, f"{table}.{name} cannot be mapped: {reserved[name]}"))
            return False
        if name not in allowed:
            hint = did_you_mean(name, allowed) or "valid: " + ", ".join(sorted(allowed))
            problems.append((path, f"{table} has no column {name!r}; {hint}"))
            return False
        return True

    for name in mapping.columns:
        check_name(("columns", name), name)
    for name, value in mapping.constants.items():
        if check_name(("constants", name), name):
            try:
                convert_constant(value, column_type(table, name), mapping.date_formats)
            except ValueError as exc:
                problems.append((("constants", name), f"constants.{name}: {exc}"))
    for name in mapping.columns.keys() & mapping.constants.keys():
        problems.append((("constants", name), f"{name} is both mapped and a constant"))
    for name, values in mapping.value_maps.items():
        if name not in mapping.columns:
            problems.append(
                (("value_maps", name), f"value_maps.{name}: map the column under 'columns' first")
            )
            continue
        if name not in allowed:
            continue
        for raw, mapped in values.items():
            if mapped is None:
                continue
            try:
                convert_constant(mapped, column_type(table, name), mapping.date_formats)
            except ValueError as exc:
                problems.append((("value_maps", name, raw), f"value_maps.{name}.{raw}: {exc}"))
    seen_lookup: set[str] = set()
    for index, lookup in enumerate(mapping.lookups):
        for name in lookup.columns:
            path: tuple[str | int, ...] = ("lookups", index, "columns", name)
            if check_name(path, name) and (
                name in mapping.columns or name in mapping.constants or name in seen_lookup
            ):
                problems.append((path, f"{name} is already filled above; a column has one source"))
            seen_lookup.add(name)
        if lookup.match is not None and lookup.match not in {
            *mapping.columns,
            *mapping.constants,
            *(seen_lookup - set(lookup.columns)),
        }:
            problems.append(
                (
                    ("lookups", index, "match"),
                    f"lookups[{index}].match: {lookup.match!r} is not filled by 'columns', "
                    "'constants' or an earlier lookup (use match_column for a file column)",
                )
            )
    for key, (option, _) in REFERENCES.items():
        if getattr(mapping, option) and key not in TABLES_BY_NAME[table].column_names:
            problems.append(((option,), f"{option}: {table} has no {key}"))
        if getattr(mapping, option) and key == KEYS[table]:
            problems.append(((option,), f"{option}: {table} rows are keyed by source_id"))
    date_column = mapping.default_date_column()
    if mapping.default_date is not None:
        if date_column is None:
            problems.append((("default_date",), f"default_date: {table} rows have no date"))
        elif check_name(("default_date", "column"), date_column) and column_type(
            table, date_column
        ) not in (ColumnType.DATE, ColumnType.TIMESTAMP):
            problems.append((("default_date", "column"), f"{table}.{date_column} is not a date"))
    if mapping.identity is not None:
        if "source_id" not in writable_columns(table):
            problems.append((("identity",), f"{table} rows have no source_id"))
        elif "source_id" in mapping.columns:
            problems.append((("identity",), "source_id is mapped; drop 'identity' or the column"))
    filled = mapping.filled_columns()
    id_required = (
        not TABLES_BY_NAME[table].column("source_id").nullable
        if ("source_id" in TABLES_BY_NAME[table].column_names)
        else False
    )
    if id_required and "source_id" not in filled:
        problems.append(
            (
                ("columns",),
                f"{table}.source_id is required: map the id column, or give "
                "'identity: {columns: [...]}' or 'identity: content' when the file has none",
            )
        )
    for column in TABLES_BY_NAME[table].columns:
        required = not column.nullable and column.name not in reserved
        required = required and column.name not in BOOKKEEPING_COLUMNS
        if required and column.name != "source_id" and column.name not in filled:
            hint = " (or give default_date:)" if column.name == ROW_DATE.get(table) else ""
            problems.append(
                (("columns",), f"{table}.{column.name} is required: map or set it{hint}")
            )
    problems += _won_closed_problems(mapping)
    if mapping.stages and table in ("deals", "activities") and not mapping.lead_id_column:
        problems.append(
            (
                ("stages",),
                f"stages of {table} rows are entries of their lead: give 'lead_id_column' "
                "(the column with the lead's id), or no stage row is written",
            )
        )
    if mapping.stages and table not in ("leads", "deals", "activities"):
        problems.append((("stages",), "stages are read from leads, deals or activities files"))
    for index, rule in enumerate(mapping.stages):
        if rule.column is None and ROW_DATE.get(table) not in filled:
            problems.append(
                (
                    ("stages", index),
                    f"stage {rule.stage!r} has no date: give 'column', or map "
                    f"{ROW_DATE.get(table)} / default_date",
                )
            )
    return problems


def _won_closed_problems(mapping: GenericMapping) -> list[Problem]:
    """is_won and is_closed go together: with only is_won, lost deals count as open (a
    100 % win rate); with only is_closed, no deal is won."""
    if mapping.table != "deals":
        return []
    filled = mapping.filled_columns()

    def where(name: str) -> tuple[str | int, ...]:
        if name in mapping.columns:
            return ("columns", name)
        if name in mapping.constants:
            return ("constants", name)
        for index, lookup in enumerate(mapping.lookups):
            if name in lookup.columns:
                return ("lookups", index, "columns", name)
        return ("columns",)

    if (
        "is_won" in filled
        and "is_closed" not in filled
        and mapping.constants.get("is_won") is not True
    ):
        return [
            (
                where("is_won"),
                "deals.is_won is filled but is_closed is not: lost deals would count as open "
                "and every win rate would be 100 %; map is_closed too (e.g. value_maps.is_closed: "
                "{Won: true, Lost: true, '*': false}) or set constants: {is_closed: true}",
            )
        ]
    if "is_closed" in filled and "is_won" not in filled:
        return [
            (
                where("is_closed"),
                "deals.is_closed is filled but is_won is not: no deal would count as won; map "
                "is_won too (e.g. value_maps.is_won: {Won: true, '*': false})",
            )
        ]
    return []
