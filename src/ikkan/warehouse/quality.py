"""The data-quality report: what in the warehouse will make the KPIs wrong.

``quality_report(warehouse, settings)`` runs every check in one read-only session and
returns findings, all JSON-serialisable: one per distinct problem (a source and
column, a raw value, a file and reason …), every one listed, each with its true count, a
hint and at most ``max_examples`` examples (``examples_total`` says how many there are).
Checks never change data. Values the user chose (stage ids, "now") are query parameters.
"""

# ruff: noqa: S608 - SQL text holds only identifiers quoted by quote_ident; values are parameters

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any
from zoneinfo import ZoneInfo

from ikkan.warehouse.base import Session, SqlWarehouse
from ikkan.warehouse.quality_duplicates import duplicate_companies, duplicate_people
from ikkan.warehouse.quality_model import Finding, QualityReport, QualitySettings, make_finding
from ikkan.warehouse.quality_outliers import amount_outliers
from ikkan.warehouse.sql import quote_ident

Check = Callable[[Session, QualitySettings], list[Finding]]

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


def missing_fields(session: Session, settings: QualitySettings) -> list[Finding]:
    """One finding per table, source system and column with empty required values."""
    gaps: list[dict[str, Any]] = []
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
                    gaps.append(
                        {
                            "table": table,
                            "source_system": row["source_system"],
                            "column": column,
                            "missing": int(row[column]),
                            "rows": int(row["rows"]),
                        }
                    )
    closed = session.query(
        'SELECT "source_system", count(*) FILTER (WHERE "closed_at" IS NULL) AS "missing", '
        'count(*) AS "rows" FROM "deals" WHERE "is_closed" GROUP BY "source_system" '
        'HAVING count(*) FILTER (WHERE "closed_at" IS NULL) > 0 ORDER BY "source_system"'
    ).to_pylist()
    gaps += [{"table": "deals", "column": "closed_at (closed deals)", **r} for r in closed]
    anonymous = session.query(  # an activity needs a person: a lead or at least an e-mail
        'SELECT "source_system", '
        'count(*) FILTER (WHERE "lead_key" IS NULL AND "email" IS NULL) AS "missing", '
        'count(*) AS "rows" FROM "activities" GROUP BY "source_system" '
        'HAVING count(*) FILTER (WHERE "lead_key" IS NULL AND "email" IS NULL) > 0 '
        'ORDER BY "source_system"'
    ).to_pylist()
    gaps += [{"table": "activities", "column": "lead_key or email", **r} for r in anonymous]
    gaps.sort(key=lambda g: (-int(g["missing"]), g["table"], g["column"], g["source_system"]))
    return [
        make_finding(
            "missing_fields",
            "warning",
            int(g["missing"]),
            f"{g['table']}.{g['column']}: {g['missing']:,} of {g['rows']:,} row(s) from "
            f"{g['source_system']} are empty",
            "fill the field in the source tool or map the right export column; KPIs that need "
            "it skip these rows",
            settings,
            subject={
                "table": g["table"],
                "column": g["column"],
                "source_system": g["source_system"],
                "rows": int(g["rows"]),
            },
        )
        for g in gaps
    ]


def _stage_ranks(settings: QualitySettings) -> tuple[str, list[Any]]:
    values = ", ".join("(?, ?)" for _ in settings.stages)
    params: list[Any] = []
    for rank, stage in enumerate(settings.stages):
        params += [stage, rank]
    return f"r(stage, stage_rank) AS (VALUES {values})", params


STAGE_ORDER_HINT = (
    "check the stage date columns mapped for this source; a later stage dated before "
    "an earlier one makes velocity negative and cohort conversion wrong"
)


def stage_order(session: Session, settings: QualitySettings) -> list[Finding]:
    """One finding per kind of disorder: stage pairs, stages before the lead, deals."""
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
    out: list[Finding] = []
    if pairs:
        leads = len({p["lead_key"] for p in pairs})
        out.append(
            make_finding(
                "stage_order",
                "warning",
                leads,
                f"{leads:,} lead(s) entered a later stage before an earlier one "
                f"({len(pairs):,} stage pair(s))",
                STAGE_ORDER_HINT,
                settings,
                examples=pairs,
                subject={"kind": "stage_before_earlier_stage"},
            )
        )
    if before_created:
        out.append(
            make_finding(
                "stage_order",
                "warning",
                len(before_created),
                f"{len(before_created):,} lead(s) entered a stage before the lead was created",
                STAGE_ORDER_HINT,
                settings,
                examples=before_created,
                subject={"kind": "stage_before_lead_created"},
            )
        )
    if deals:
        out.append(
            make_finding(
                "stage_order",
                "warning",
                len(deals),
                f"{len(deals):,} deal(s) closed before they were created",
                "check the deal's created and close date columns; a deal closed before it "
                "was created makes the sales cycle negative",
                settings,
                examples=deals,
                subject={"kind": "deal_closed_before_created"},
            )
        )
    return out


def future_dates(session: Session, settings: QualitySettings) -> list[Finding]:
    """One finding per table and date column with dates after now."""
    now = settings.clock.now(ZoneInfo(settings.timezone)).replace(tzinfo=None)
    out: list[Finding] = []
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
            if not rows:
                continue
            out.append(
                make_finding(
                    "future_dates",
                    "warning",
                    len(rows),
                    f"{table}.{column}: {len(rows):,} date(s) lie after now ({now:%Y-%m-%d %H:%M})",
                    "a date in the future usually means a wrong date format (day/month "
                    "swapped) or a wrong time zone; check the file's date column",
                    settings,
                    examples=rows,
                    subject={"table": table, "column": column},
                )
            )
    return out


def unmapped_channels(session: Session, settings: QualitySettings) -> list[Finding]:
    """One finding per source system and raw channel value that maps to no channel."""
    rows = session.query(
        'SELECT "source_system", "channel_raw", count(*) AS "leads" FROM "leads" '
        'WHERE "channel" IS NULL AND "channel_raw" IS NOT NULL '
        'GROUP BY "source_system", "channel_raw" ORDER BY count(*) DESC, "channel_raw"'
    ).to_pylist()
    return [
        make_finding(
            "unmapped_channels",
            "warning",
            int(r["leads"]),
            f"{r['leads']:,} lead(s) from {r['source_system']} have the channel value "
            f"'{r['channel_raw']}', which maps to no project channel",
            "add the raw value to a channel's match: list in ikkan.yml",
            settings,
            subject={"source_system": r["source_system"], "channel_raw": r["channel_raw"]},
        )
        for r in rows
    ]


def unmapped_stages(session: Session, settings: QualitySettings) -> list[Finding]:
    """One finding per table and stage value that is not in the funnel."""
    marks = ", ".join("?" for _ in settings.stages)
    params = list(settings.stages)
    rows = session.query(
        f'SELECT \'lead_stages\' AS "table", "stage" AS value, count(*) AS "rows" '
        f'FROM "lead_stages" WHERE "stage" NOT IN ({marks}) GROUP BY "stage" '
        f'UNION ALL SELECT \'leads\' AS "table", "lifecycle_stage" AS value, count(*) AS "rows" '
        f'FROM "leads" WHERE "lifecycle_stage" NOT IN ({marks}) GROUP BY "lifecycle_stage" '
        "ORDER BY 3 DESC, 1, 2",
        params + params,
    ).to_pylist()
    return [
        make_finding(
            "unmapped_stages",
            "warning",
            int(r["rows"]),
            f"{r['rows']:,} {r['table']} row(s) carry the stage '{r['value']}', which is not "
            f"in the funnel ({', '.join(settings.stages)})",
            "map this source stage to a funnel stage (stage mapping in the project settings)",
            settings,
            subject={"table": r["table"], "value": r["value"]},
        )
        for r in rows
    ]


def rejected_rows(session: Session, settings: QualitySettings) -> list[Finding]:
    """One finding per file and reason, with the first rows as examples."""
    groups = session.query(
        'SELECT "file_path", "reason", count(*) AS "rows" FROM "rejected_rows" '
        "WHERE NOT starts_with(\"reason\", 'skipped: ') "  # skipped on purpose: not a problem
        'GROUP BY "file_path", "reason" ORDER BY count(*) DESC, "file_path", "reason"'
    ).to_pylist()
    if not groups:
        return []
    first = session.query(
        'SELECT "file_path", "reason", "row_number", "column_name", "raw_value" FROM ('
        'SELECT *, row_number() OVER (PARTITION BY "file_path", "reason" '
        'ORDER BY "row_number", "column_name") AS "n" FROM "rejected_rows") ranked '
        'WHERE "n" <= ? ORDER BY "file_path", "reason", "row_number", "column_name"',
        [settings.max_examples],
    ).to_pylist()
    examples: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in first:
        examples.setdefault((r["file_path"], r["reason"]), []).append(
            {"row": r["row_number"], "column": r["column_name"], "value": r["raw_value"]}
        )
    out: list[Finding] = []
    for g in groups:
        shown = examples.get((g["file_path"], g["reason"]), [])
        found = make_finding(
            "rejected_rows",
            "info",
            int(g["rows"]),
            f"{g['rows']:,} row(s) of {g['file_path']} were rejected on import: {g['reason']}",
            "see `ikkan rejects` for each row with its column and value; fix the file and "
            "import it again",
            settings,
            examples=shown,
            subject={"file_path": g["file_path"], "reason": g["reason"]},
        )
        out.append(replace(found, examples_total=int(g["rows"])))
    return out


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
            findings += check(session, settings)
    return QualityReport(now.isoformat(timespec="seconds"), list(CHECKS), findings)
