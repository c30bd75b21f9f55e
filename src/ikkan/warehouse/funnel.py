"""The derived ``lead_funnel``: one row per lead with the first entry time of every stage.

Most funnel KPIs become one scan of it. Built by SQL generated from the project's ordered
stage list: stage ids become quoted column names (``<stage>_at``) and are compared as
parameters, never inlined.

- ``strict``: only recorded stage dates.
- ``inferred``: a lead that reached a later stage passed the earlier ones; a missing
  earlier time is the earliest of the recorded later-stage times (as HubSpot's
  "all stages" funnel counts them).
"""

# ruff: noqa: S608 - SQL text holds only identifiers quoted by quote_ident; values are parameters

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from ikkan.errors import ConfigError
from ikkan.model.canonical import LEADS, Column, ColumnType, Table
from ikkan.warehouse import ddl
from ikkan.warehouse.sql import column_list, quote_ident

if TYPE_CHECKING:
    from ikkan.warehouse.protocols import TransactionalWarehouse

MAX_IDENTIFIER_BYTES = 63  # PostgreSQL's NAMEDATALEN - 1
FunnelMode = Literal["strict", "inferred"]
FUNNEL_MODES: tuple[str, ...] = ("strict", "inferred")
LEAD_FUNNEL = "lead_funnel"
LEAD_DIMENSIONS = (
    "source_system",
    "created_at",
    "channel",
    "campaign",
    "segment",
    "owner",
    "department",
    "account_key",
)


def stage_column(stage: str) -> str:
    """The lead_funnel column holding the first entry time of ``stage``."""
    return f"{stage}_at"


def lead_funnel_table(stages: Sequence[str]) -> Table:
    """The shape of lead_funnel for this stage list (used for its DDL)."""
    _check_stages(stages)
    dims = tuple(LEADS.column(name) for name in LEAD_DIMENSIONS)
    times = tuple(
        Column(stage_column(s), ColumnType.TIMESTAMP, True, f"first entry into {s}") for s in stages
    )
    return Table(
        LEAD_FUNNEL,
        (Column("lead_key", ColumnType.STRING, False), *dims, *times),
        ("lead_key",),
        "one row per lead with the first entry time of every funnel stage",
    )


def _check_stages(stages: Sequence[str]) -> None:
    if not stages:
        raise ConfigError("the funnel needs at least one stage")
    seen: set[str] = set()
    taken = {"lead_key", *LEAD_DIMENSIONS}
    for stage in stages:
        if not stage or stage in seen:
            raise ConfigError(f"funnel stages must be unique and non-empty: {list(stages)!r}")
        if stage_column(stage) in taken:
            raise ConfigError(
                f"stage '{stage}' would make column '{stage_column(stage)}', which "
                "lead_funnel already uses for a lead attribute",
                hint="rename the stage id",
            )
        if len(stage_column(stage).encode()) > MAX_IDENTIFIER_BYTES:
            raise ConfigError(
                f"stage id '{stage}' is too long for a column name (at most "
                f"{MAX_IDENTIFIER_BYTES} bytes with '_at'; PostgreSQL would cut it)",
                hint="use a shorter stage id; the label can stay long",
            )
        seen.add(stage)


def lead_funnel_select(stages: Sequence[str], mode: FunnelMode) -> tuple[str, list[Any]]:
    """SELECT producing lead_funnel rows, and its parameters (the stage ids)."""
    _check_stages(stages)
    if mode not in FUNNEL_MODES:
        raise ConfigError(
            f"unknown funnel mode {mode!r}", hint="valid values are: inferred, strict"
        )
    params: list[Any] = []
    pivots = []
    for stage in stages:
        column = quote_ident(stage_column(stage))
        pivots.append(f'min(CASE WHEN "stage" = ? THEN "entered_at" END) AS {column}')
        params.append(stage)
    recorded = [f"p.{quote_ident(stage_column(s))}" for s in stages]
    outputs = []
    for index, stage in enumerate(stages):
        later = recorded[index + 1 :]
        if mode == "inferred" and later:
            value = f"coalesce({recorded[index]}, least({', '.join(later)}))"
        else:
            value = recorded[index]
        outputs.append(f"{value} AS {quote_ident(stage_column(stage))}")
    dims = ", ".join(f"l.{quote_ident(d)}" for d in LEAD_DIMENSIONS)
    sql = (
        f'WITH p AS (SELECT "lead_key", {", ".join(pivots)} FROM "lead_stages" '
        f'GROUP BY "lead_key"), '
        f'k AS (SELECT "lead_key" FROM "leads" UNION SELECT "lead_key" FROM p) '
        f'SELECT k."lead_key", {dims}, {", ".join(outputs)} FROM k '
        f'LEFT JOIN "leads" l ON l."lead_key" = k."lead_key" '
        f'LEFT JOIN p ON p."lead_key" = k."lead_key"'
    )
    return sql, params


def rebuild_lead_funnel(
    warehouse: TransactionalWarehouse, stages: Sequence[str], mode: FunnelMode = "strict"
) -> int:
    """Drop and rebuild lead_funnel in one transaction; returns the number of leads."""
    definition = lead_funnel_table(stages)
    select, params = lead_funnel_select(stages, mode)
    table = quote_ident(LEAD_FUNNEL)
    with warehouse.transaction() as session:
        session.execute(f"DROP TABLE IF EXISTS {table}")
        session.execute(ddl.create_table_sql(definition, warehouse.TYPE_NAMES))
        session.execute(
            f"INSERT INTO {table} ({column_list(definition.column_names)}) {select}", params
        )
        return int(session.scalar(f"SELECT count(*) FROM {table}"))
