"""The data-quality report: what in the warehouse will make the KPIs wrong.

``quality_report(warehouse, settings)`` runs every check in one read-only session and
returns findings (check id, severity, count, up to ``max_examples`` examples, hint), all
JSON-serialisable. Checks never change data. Values the user chose (stage ids, "now")
are query parameters.
"""

# ruff: noqa: S608 - SQL text holds only identifiers quoted by quote_ident; values are parameters

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from ikkan.warehouse.base import Session, SqlWarehouse
from ikkan.warehouse.quality_duplicates import duplicate_companies, duplicate_people
from ikkan.warehouse.quality_model import Finding, QualityReport, QualitySettings, jsonable
from ikkan.warehouse.quality_outliers import amount_outliers
from ikkan.warehouse.sql import quote_ident

Check = Callable[[Session, QualitySettings], Finding | None]

# table -> columns a KPI needs; a row missing one is counted per source system.
REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    "leads": ("created_at", "email", "channel_raw"),
    "deals": ("created_at", "amount", "stage"),
    "spend": ("cost",),
    "web_traffic": ("sessions",),
    "activities": ("occurred_at",),
}

# table -> (key column, date columns that cannot lie in the future); an open deal's
# closed_at is its expected close date and may (FUTURE_ALLOWED_UNLESS)
FUTURE_ALLOWED_UNLESS = {("deals", "closed_at"): '"is_closed"'}
DATED_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "leads": ("lead_key", ("created_at",)),
    "lead_stages": ("lead_key", ("entered_at",)),
    "deals": ("deal_key", ("created_at", "closed_at")),
    "activities": ("activity_key", ("occurred_at",)),
    "spend": ("spend_key", ("day",)),
    "web_traffic": ("traffic_key", ("day",)),
}


def missing_fields(session: Session, settings: QualitySettings) -> Finding | None:
    examples: list[dict[str, Any]] = []
    for table, columns in REQUIRED_FIELDS.items():
        counts = ", ".join(
            f"count(*) FILTER (WHERE {quote_ident(c)} IS NULL) AS {quote_ident(c)}" for c in columns
        )
        rows = session.query(
            f'SELECT "source_system", count(*) AS "rows", {counts} FROM {quote_ident(table)} '
            'GROUP BY "source_system" ORDER BY "source_system"'
        ).to_pylist()
        for row in rows:
            for column in columns:
                if row[column]:
                    examples.append(
                        {
                            "table": table,
                            "source_system": row["source_system"],
                            "column": column,
                            "missing": row[column],
                            "rows": row["rows"],
                        }
                    )
    closed = session.query(
        'SELECT "source_system", count(*) AS "missing" FROM "deals" '
        'WHERE "is_closed" AND "closed_at" IS NULL GROUP BY "source_system" '
        'ORDER BY "source_system"'
    ).to_pylist()
    examples += [{"table": "deals", "column": "closed_at (closed deals)", **r} for r in closed]
    anonymous = session.query(  # an activity needs a person: a lead or at least an e-mail
        'SELECT "source_system", count(*) AS "missing" FROM "activities" '
        'WHERE "lead_key" IS NULL AND "email" IS NULL GROUP BY "source_system" '
        'ORDER BY "source_system"'
    ).to_pylist()
    examples += [{"table": "activities", "column": "lead_key or email", **r} for r in anonymous]
    if not examples:
        return None
    total = sum(int(e["missing"]) for e in examples)
    examples.sort(key=lambda e: -int(e["missing"]))
    return Finding(
        "missing_fields",
        "warning",
        total,
        f"{total} required value(s) are empty across {len(examples)} source/column pair(s)",
        "fill the field in the source tool or map the right export column; KPIs that need "
        "it skip these rows",
        examples[: settings.max_examples],
    )


def _stage_ranks(settings: QualitySettings) -> tuple[str, list[Any]]:
    values = ", ".join("(?, ?)" for _ in settings.stages)
    params: list[Any] = []
    for rank, stage in enumerate(settings.stages):
        params += [stage, rank]
    return f"r(stage, stage_rank) AS (VALUES {values})", params


def stage_order(session: Session, settings: QualitySettings) -> Finding | None:
    ranks, params = _stage_ranks(settings)
    sql = (
        f'WITH {ranks}, s AS (SELECT ls."lead_key", ls."stage", ls."entered_at", r.stage_rank '
        'FROM "lead_stages" ls JOIN r ON r.stage = ls."stage") '
        'SELECT a."lead_key", a."stage" AS earlier_stage, a."entered_at" AS earlier_at, '
        'b."stage" AS later_stage, b."entered_at" AS later_at FROM s a JOIN s b '
        'ON a."lead_key" = b."lead_key" AND a.stage_rank < b.stage_rank '
        'AND b."entered_at" < a."entered_at" ORDER BY a."lead_key", a.stage_rank, b.stage_rank'
    )
    pairs = session.query(sql, params).to_pylist()
    before_created = session.query(
        'SELECT l."lead_key", l."created_at", min(ls."entered_at") AS first_stage_at '
        'FROM "leads" l JOIN "lead_stages" ls ON ls."lead_key" = l."lead_key" '
        'WHERE CAST(ls."entered_at" AS DATE) < CAST(l."created_at" AS DATE) '
        'GROUP BY l."lead_key", l."created_at" ORDER BY l."lead_key"'
    ).to_pylist()
    deals = session.query(
        'SELECT "deal_key", "created_at", "closed_at" FROM "deals" '
        'WHERE CAST("closed_at" AS DATE) < CAST("created_at" AS DATE) ORDER BY "deal_key"'
    ).to_pylist()
    examples = (
        [{"kind": "stage_before_earlier_stage", **p} for p in pairs]
        + [{"kind": "stage_before_lead_created", **p} for p in before_created]
        + [{"kind": "deal_closed_before_created", **d} for d in deals]
    )
    if not examples:
        return None
    leads = len({p["lead_key"] for p in pairs} | {p["lead_key"] for p in before_created})
    return Finding(
        "stage_order",
        "warning",
        leads + len(deals),
        f"{leads} lead(s) and {len(deals)} deal(s) have dates out of order",
        "check the stage date columns mapped for this source; a later stage dated before "
        "an earlier one makes velocity negative and cohort conversion wrong",
        [jsonable(e) for e in examples[: settings.max_examples]],
    )


def future_dates(session: Session, settings: QualitySettings) -> Finding | None:
    now = settings.clock.now(ZoneInfo(settings.timezone)).replace(tzinfo=None)
    examples: list[dict[str, Any]] = []
    total = 0
    for table, (key, columns) in DATED_COLUMNS.items():
        for column in columns:
            col = quote_ident(column)
            value = now.date() if table in ("spend", "web_traffic") else now
            only = FUTURE_ALLOWED_UNLESS.get((table, column))
            extra = f" AND {only}" if only else ""
            rows = session.query(
                f"SELECT {quote_ident(key)} AS key, {col} AS value FROM {quote_ident(table)} "
                f"WHERE {col} > ?{extra} ORDER BY {col} DESC, {quote_ident(key)}",
                [value],
            ).to_pylist()
            total += len(rows)
            examples += [{"table": table, "column": column, **r} for r in rows[:3]]
    if not total:
        return None
    return Finding(
        "future_dates",
        "warning",
        total,
        f"{total} date(s) lie after now ({now:%Y-%m-%d %H:%M})",
        "a date in the future usually means a wrong date format (day/month swapped) or a "
        "wrong time zone; check the file's date column",
        [jsonable(e) for e in examples[: settings.max_examples]],
    )


def unmapped_channels(session: Session, settings: QualitySettings) -> Finding | None:
    rows = session.query(
        'SELECT "source_system", "channel_raw", count(*) AS "leads" FROM "leads" '
        'WHERE "channel" IS NULL AND "channel_raw" IS NOT NULL '
        'GROUP BY "source_system", "channel_raw" ORDER BY count(*) DESC, "channel_raw"'
    ).to_pylist()
    if not rows:
        return None
    total = sum(r["leads"] for r in rows)
    return Finding(
        "unmapped_channels",
        "warning",
        total,
        f"{total} lead(s) have a source channel value that maps to no project channel "
        f"({len(rows)} distinct value(s))",
        "add the raw values to the channel mapping in the project settings",
        rows[: settings.max_examples],
    )


def unmapped_stages(session: Session, settings: QualitySettings) -> Finding | None:
    marks = ", ".join("?" for _ in settings.stages)
    params = list(settings.stages)
    rows = session.query(
        f'SELECT \'lead_stages\' AS "table", "stage" AS value, count(*) AS "rows" '
        f'FROM "lead_stages" WHERE "stage" NOT IN ({marks}) GROUP BY "stage" '
        f'UNION ALL SELECT \'leads\' AS "table", "lifecycle_stage" AS value, count(*) AS "rows" '
        f'FROM "leads" WHERE "lifecycle_stage" NOT IN ({marks}) GROUP BY "lifecycle_stage" '
        "ORDER BY 3 DESC, 2",
        params + params,
    ).to_pylist()
    if not rows:
        return None
    total = sum(r["rows"] for r in rows)
    return Finding(
        "unmapped_stages",
        "warning",
        total,
        f"{total} row(s) carry a stage that is not in the funnel ({', '.join(settings.stages)})",
        "map these source stages to funnel stages (stage mapping in the project settings)",
        rows[: settings.max_examples],
    )


def rejected_rows(session: Session, settings: QualitySettings) -> Finding | None:
    rows = session.query(
        'SELECT "file_path", "reason", count(*) AS "rows" FROM "rejected_rows" '
        "WHERE NOT starts_with(\"reason\", 'skipped: ') "  # skipped on purpose: not a problem
        'GROUP BY "file_path", "reason" ORDER BY count(*) DESC, "file_path", "reason"'
    ).to_pylist()
    if not rows:
        return None
    total = sum(r["rows"] for r in rows)
    return Finding(
        "rejected_rows",
        "info",
        total,
        f"{total} row(s) were rejected on import ({len(rows)} file/reason pair(s))",
        "see `ikkan rejects` for each row with its column and value; fix the file and "
        "import it again",
        rows[: settings.max_examples],
    )


__all__ = ["CHECKS", "Finding", "QualityReport", "QualitySettings", "quality_report"]

CHECKS: dict[str, Check] = {
    "duplicate_people": duplicate_people,
    "duplicate_companies": duplicate_companies,
    "missing_fields": missing_fields,
    "stage_order": stage_order,
    "future_dates": future_dates,
    "unmapped_channels": unmapped_channels,
    "unmapped_stages": unmapped_stages,
    "amount_outliers": amount_outliers,
    "rejected_rows": rejected_rows,
}


def quality_report(warehouse: SqlWarehouse, settings: QualitySettings) -> QualityReport:
    """Run every check in one read-only session."""
    now = settings.clock.now(ZoneInfo(settings.timezone))
    findings: list[Finding] = []
    with warehouse.reading() as session:
        for check in CHECKS.values():
            finding = check(session, settings)
            if finding is not None:
                findings.append(finding)
    return QualityReport(now.isoformat(timespec="seconds"), list(CHECKS), findings)
