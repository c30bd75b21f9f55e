"""The canonical warehouse tables, described as data.

Every importer yields rows in these shapes; the warehouse turns them into DDL for its
engine; compute builds unbound Ibis tables from them. Nothing here touches a database.

Conventions
- Timestamps are naive wall-clock times in the project's time zone (Asia/Tokyo by default).
  Readers convert zone-aware source times (e.g. Salesforce API GMT) on the way in.
- ``*_key`` columns are natural keys: ``<source_system>:<source record id>`` for records,
  a stable hash of the identifying columns for aggregate rows (spend, web traffic).
- ``content_hash`` is a hash of the row's payload columns; an import compares it to decide
  inserted / updated / unchanged, so re-importing the same file changes nothing.
- ``attributes`` is a JSON object (text) with every source column that has no canonical home:
  nothing a user exported is thrown away.

The column types live in ``table_types`` and the system tables (alerts, scheduler, lead
scoring) in ``system_tables``; both are re-exported here, the one place that lists every
table and the schema versions.
"""

from __future__ import annotations

from ikkan.model.system_tables import (
    ALERT_HISTORY as ALERT_HISTORY,
)
from ikkan.model.system_tables import (
    ALERT_OUTBOX as ALERT_OUTBOX,
)
from ikkan.model.system_tables import (
    ALERT_STATE as ALERT_STATE,
)
from ikkan.model.system_tables import (
    ALERT_TABLES as ALERT_TABLES,
)
from ikkan.model.system_tables import (
    LEAD_SCORE_HISTORY as LEAD_SCORE_HISTORY,
)
from ikkan.model.system_tables import (
    LEAD_SCORE_REASONS as LEAD_SCORE_REASONS,
)
from ikkan.model.system_tables import (
    LEAD_SCORES as LEAD_SCORES,
)
from ikkan.model.system_tables import (
    SCHEDULE_LEASE as SCHEDULE_LEASE,
)
from ikkan.model.system_tables import (
    SCHEDULE_RUNS as SCHEDULE_RUNS,
)
from ikkan.model.system_tables import (
    SCHEDULE_TABLES as SCHEDULE_TABLES,
)
from ikkan.model.system_tables import (
    SCORING_RULES as SCORING_RULES,
)
from ikkan.model.system_tables import (
    SCORING_TABLES as SCORING_TABLES,
)
from ikkan.model.table_types import (
    BOOKKEEPING as BOOKKEEPING,
)
from ikkan.model.table_types import (
    B,
    D,
    F,
    I,
    J,
    S,
    T,
    _bookkeeping,
)
from ikkan.model.table_types import (
    Column as Column,
)
from ikkan.model.table_types import (
    ColumnType as ColumnType,
)
from ikkan.model.table_types import (
    Table as Table,
)

LEADS = Table(
    "leads",
    (
        Column("lead_key", S, False, "<source_system>:<source_id>"),
        Column("source_system", S, False, "hubspot, salesforce, zoom, generic:<name> ..."),
        Column("source_id", S, False, "the record id in the source system"),
        Column("created_at", T, True, "when the lead was created in the source"),
        Column("email", S, True, "lower-cased e-mail"),
        Column("first_name", S),
        Column("last_name", S),
        Column("company", S, True, "company name as exported"),
        Column("industry", S),
        Column("employees", I),
        Column("country", S),
        Column("channel", S, True, "the project's channel id, mapped from the source"),
        Column("channel_raw", S, True, "the source's own channel value"),
        Column("campaign", S),
        Column("segment", S),
        Column("owner", S),
        Column("manager", S, True, "the owner's manager (e.g. from a lookup file)"),
        Column("region", S, True, "sales region or office (e.g. from a lookup file)"),
        Column("department", S),
        Column("lifecycle_stage", S, True, "the project's funnel stage the lead is in now"),
        Column("status", S, True, "lead status as exported"),
        Column("score", F),
        Column("account_key", S),
        Column("attributes", J),
        *_bookkeeping(),
    ),
    ("lead_key",),
    "one row per person/lead",
)

LEAD_STAGES = Table(
    "lead_stages",
    (
        Column("lead_key", S, False),
        Column("stage", S, False, "the project's funnel stage id"),
        Column("entered_at", T, False, "first time the lead entered the stage"),
        Column("source", S, True, "where the date came from, e.g. a column name"),
        *_bookkeeping(),
    ),
    ("lead_key", "stage"),
    "stage entry events, one per lead and stage",
)

DEALS = Table(
    "deals",
    (
        Column("deal_key", S, False),
        Column("source_system", S, False),
        Column("source_id", S, False),
        Column("lead_key", S),
        Column("account_key", S),
        Column("name", S),
        Column("deal_type", S, True, "new, upsell, cross_sell or renewal"),
        Column("stage", S, True, "the deal stage as exported"),
        Column("pipeline", S),
        Column("amount", F),
        Column("currency", S),
        Column("created_at", T),
        Column("closed_at", T),
        Column("is_closed", B),
        Column("is_won", B),
        Column("owner", S),
        Column("manager", S, True, "the owner's manager (e.g. from a lookup file)"),
        Column("region", S, True, "sales region or office (e.g. from a lookup file)"),
        Column("department", S),
        Column("channel", S),
        Column("campaign", S),
        Column("segment", S),
        Column("industry", S, True, "the account's sector (e.g. from a lookup file)"),
        Column("employees", I, True, "the account's size in people (e.g. from a lookup file)"),
        Column("attributes", J),
        *_bookkeeping(),
    ),
    ("deal_key",),
    "one row per deal / opportunity",
)

ACCOUNTS = Table(
    "accounts",
    (
        Column("account_key", S, False),
        Column("source_system", S, False),
        Column("source_id", S, False),
        Column("name", S),
        Column("industry", S),
        Column("employees", I),
        Column("segment", S),
        Column("owner", S),
        Column("attributes", J),
        *_bookkeeping(),
    ),
    ("account_key",),
    "one row per company",
)

SPEND = Table(
    "spend",
    (
        Column("spend_key", S, False, "hash of source_system, day, channel, campaign, ad_group"),
        Column("source_system", S, False),
        Column("day", D, False),
        Column("channel", S),
        Column("campaign", S),
        Column("ad_group", S),
        Column("cost", F),
        Column("currency", S),
        Column("impressions", I),
        Column("clicks", I),
        Column("conversions", F),
        Column("attributes", J),
        *_bookkeeping(),
    ),
    ("spend_key",),
    "advertising cost per day, channel and campaign",
)

WEB_TRAFFIC = Table(
    "web_traffic",
    (
        Column(
            "traffic_key",
            S,
            False,
            "hash of source_system, day, channel, source_medium, landing_page",
        ),
        Column("source_system", S, False),
        Column("day", D, False),
        Column("channel", S),
        Column("source_medium", S),
        Column("landing_page", S),
        Column("sessions", I),
        Column("users", I),
        Column("page_views", I),
        Column("conversions", F, True, "GA4 key events"),
        Column("attributes", J),
        *_bookkeeping(),
    ),
    ("traffic_key",),
    "web sessions per day and channel",
)

ACTIVITY_TYPES = (
    "email_delivered",
    "email_open",
    "email_click",
    "download",
    "webinar_registration",
    "webinar_attendance",
    "page_view",
    "form_submission",
    "call",
    "connect",
    "meeting",
)

ACTIVITIES = Table(
    "activities",
    (
        Column("activity_key", S, False),
        Column("source_system", S, False),
        Column("source_id", S),
        Column("lead_key", S),
        Column("email", S),
        Column("occurred_at", T, False),
        Column("activity_type", S, False, "one of ACTIVITY_TYPES"),
        Column("campaign", S),
        Column("channel", S),
        Column("detail", S, True, "e.g. the webinar topic or the asset name"),
        Column("quantity", F, True, "e.g. minutes in session"),
        Column("attributes", J),
        *_bookkeeping(),
    ),
    ("activity_key",),
    "touches: e-mail, downloads, webinars, calls, meetings",
)

MANUAL_VALUES = Table(
    "manual_values",
    (
        Column("node_id", S, False),
        Column("period", S, False, "period key, e.g. 2026-10, 2026-Q3, FY2026"),
        Column("dimension", S, False, "'' for the whole, else e.g. 'channel'"),
        Column("dimension_value", S, False, "'' for the whole"),
        Column("value", F, False),
        Column("note", S),
        Column("entered_by", S),
        *_bookkeeping(),
    ),
    ("node_id", "period", "dimension", "dimension_value"),
    "values typed in by people: NPS, survey scores",
)

IMPORT_LOG = Table(
    "import_log",
    (
        Column("import_id", I, False),
        Column("source_system", S, False),
        Column("reader", S, False),
        Column("file_path", S),
        Column("file_sha256", S),
        Column("started_at", T, False),
        Column("finished_at", T),
        Column("status", S, False, "running, ok, failed"),
        Column("rows_read", I),
        Column("inserted", I),
        Column("updated", I),
        Column("unchanged", I),
        Column("rejected", I),
        Column("message", S),
        Column("source", S, True, "the ikkan.yml source, or 'reader:<name>' for a file named"),
        Column("import_key", S, True, "sha256 of file content, reader and mapping"),
    ),
    ("import_id",),
    "one row per import run",
)

REJECTED_ROWS = Table(
    "rejected_rows",
    (
        Column("import_id", I, False),
        Column("file_path", S, False),
        Column("row_number", I, False, "1-based line/row number in the file"),
        Column("column_name", S),
        Column("raw_value", S),
        Column("reason", S, False),
        Column("raw_record", J, True, "the whole row as read"),
    ),
    ("import_id", "file_path", "row_number", "column_name"),
    "rows that could not be loaded, kept with the reason",
)

KPI_VALUES = Table(
    "kpi_values",
    (
        Column("node_id", S, False),
        Column("grain", S, False, "day, week, month, quarter, half, fiscal_year"),
        Column("period", S, False, "period key, e.g. 2026-10"),
        Column("period_start", D, False),
        Column("period_end", D, False, "inclusive"),
        Column("dimension", S, False, "'' for the whole"),
        Column("dimension_value", S, False, "'' for the whole"),
        Column("value", F),
        Column("numerator", F),
        Column("denominator", F),
        Column("maturing", B, False, "cohort younger than its window"),
        Column("computed_at", T, False),
    ),
    ("node_id", "grain", "period", "dimension", "dimension_value"),
    "every node's computed value per period and dimension",
)

TABLES: tuple[Table, ...] = (
    LEADS,
    LEAD_STAGES,
    DEALS,
    ACCOUNTS,
    SPEND,
    WEB_TRAFFIC,
    ACTIVITIES,
    MANUAL_VALUES,
    IMPORT_LOG,
    REJECTED_ROWS,
    KPI_VALUES,
)

TABLES_BY_NAME = {t.name: t for t in (*TABLES, *ALERT_TABLES, *SCORING_TABLES, *SCHEDULE_TABLES)}

SCHEMA_VERSION = 6

ADDED_COLUMNS: dict[int, tuple[tuple[str, str], ...]] = {
    2: (
        ("leads", "manager"),
        ("leads", "region"),
        ("deals", "manager"),
        ("deals", "region"),
        ("deals", "industry"),
        ("deals", "employees"),
    ),
    3: (("import_log", "source"), ("import_log", "import_key")),  # an import's identity
}
"""Columns a schema version added to an existing table (version 1 creates every table)."""

ADDED_TABLES: dict[int, tuple[Table, ...]] = {
    4: ALERT_TABLES,  # alerts: lifecycle state, history and outbox
    5: SCORING_TABLES,  # lead scoring: current scores, reasons, history, published rules
    6: SCHEDULE_TABLES,  # the scheduler's lease and run log (and relative import paths)
}
"""Tables a schema version created (version 1 creates ``TABLES``)."""

RELATIVE_PATHS_VERSION = 6
"""From this version on, import_log and rejected_rows keep a file inside the project as a
path relative to the project folder; migrating to it rewrites older absolute rows."""
