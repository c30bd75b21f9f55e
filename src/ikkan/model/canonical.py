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
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ColumnType(StrEnum):
    STRING = "string"
    INT64 = "int64"
    FLOAT64 = "float64"
    BOOL = "bool"
    DATE = "date"
    TIMESTAMP = "timestamp"
    JSON = "json"  # stored as text holding a JSON object


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    nullable: bool = True
    description: str = ""


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    description: str = ""

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def payload_columns(self) -> tuple[str, ...]:
        """Columns that feed ``content_hash`` (all but keys and bookkeeping)."""
        skip = set(self.primary_key) | set(BOOKKEEPING)
        return tuple(c.name for c in self.columns if c.name not in skip)


S, I, F, B, D, T, J = (  # noqa: E741 - short column-type aliases
    ColumnType.STRING,
    ColumnType.INT64,
    ColumnType.FLOAT64,
    ColumnType.BOOL,
    ColumnType.DATE,
    ColumnType.TIMESTAMP,
    ColumnType.JSON,
)

BOOKKEEPING = ("content_hash", "import_id", "loaded_at")


def _bookkeeping() -> tuple[Column, ...]:
    return (
        Column("content_hash", S, False, "hash of the payload columns"),
        Column("import_id", I, False, "import_log.import_id that last wrote the row"),
        Column("loaded_at", T, False, "when the row was last written"),
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

ALERT_STATE = Table(
    "alert_state",
    (
        Column("rule_id", S, False, "the rule's id under alerts: in ikkan.yml"),
        Column("instance", S, False, "the dimension value, '' for the whole node"),
        Column("state", S, False, "ok, pending, firing, recovering, resolved"),
        Column("since", T, True, "when the state was entered"),
        Column("breach_since", T, True, "start of the breach being timed (pending)"),
        Column("clear_since", T, True, "start of the clearance being timed (recovering)"),
        Column("last_notified", T),
        Column("announced", B, False, "this episode's firing notification was sent"),
        Column("acknowledged", B, False),
        Column("muted_until", T),
        Column("episode", I, False, "firing episodes so far"),
        Column("sequence", I, False, "notifications in this episode"),
        Column("updated_at", T, False),
    ),
    ("rule_id", "instance"),
    "the current lifecycle state of every alert instance",
)

ALERT_HISTORY = Table(
    "alert_history",
    (
        Column("rule_id", S, False),
        Column("instance", S, False),
        Column("event_no", I, False, "1, 2, … per instance"),
        Column("at", T, False, "evaluation time (project wall clock)"),
        Column("event", S, False, "transition, notice, acknowledge, mute, unmute"),
        Column("from_state", S),
        Column("to_state", S),
        Column("notice", S, True, "firing, repeat, resolved"),
        Column("notice_key", S, True, "idempotency key of the notification"),
        Column("period", S, True, "the period evaluated"),
        Column("observed", F, True, "the observed value"),
        Column("line", F, True, "the value it was compared against"),
        Column("gap", F),
        Column("why", S),
        Column("detail", S, True, "e.g. who acknowledged, mute end"),
    ),
    ("rule_id", "instance", "event_no"),
    "every alert transition, notification and user action, with the observed value",
)

ALERT_OUTBOX = Table(
    "alert_outbox",
    (
        Column("notice_key", S, False, "idempotency key: rule|instance|episode|sequence"),
        Column("channel", S, False, "the notifier's name"),
        Column("payload", J, False, "the message, as JSON"),
        Column("status", S, False, "pending, sent, failed"),
        Column("attempts", I, False),
        Column("next_attempt_at", T, True, "when a pending delivery is due"),
        Column("last_error", S),
        Column("created_at", T, False),
        Column("sent_at", T),
    ),
    ("notice_key", "channel"),
    "notifications to deliver: retried with backoff, never lost, sent once per key",
)

ALERT_TABLES: tuple[Table, ...] = (ALERT_STATE, ALERT_HISTORY, ALERT_OUTBOX)

SCHEDULE_LEASE = Table(
    "schedule_lease",
    (
        Column("name", S, False, "the job the lease guards ('pipeline')"),
        Column("holder", S, True, "host:pid:token of the runner, NULL when released"),
        Column("slot", T, True, "the scheduled time the holder is running"),
        Column("acquired_at", T),
        Column("expires_at", T, True, "a holder that stops renewing loses the lease then"),
        Column("done_slot", T, True, "the latest scheduled time that finished"),
    ),
    ("name",),
    "one row per scheduled job: who runs it now, so that one runner runs each slot",
)

SCHEDULE_RUNS = Table(
    "schedule_runs",
    (
        Column("run_id", S, False, "slot and holder"),
        Column("step", S, False, "run, import, refresh, alerts, deliver"),
        Column("slot", T, False, "the scheduled time"),
        Column("holder", S, False),
        Column("started_at", T, False),
        Column("finished_at", T),
        Column("status", S, False, "running, ok, failed, skipped"),
        Column("message", S),
    ),
    ("run_id", "step"),
    "every scheduled run and its steps, with the outcome (shown in Data health)",
)

SCHEDULE_TABLES: tuple[Table, ...] = (SCHEDULE_LEASE, SCHEDULE_RUNS)

LEAD_SCORES = Table(
    "lead_scores",
    (
        Column("lead_key", S, False),
        Column("as_of", D, False, "the day the score is as of"),
        Column("fit", F, False),
        Column("engagement", F, False),
        Column("score", F, False, "fit + engagement"),
        Column("grade", S, False, "A, B or C (from fit)"),
        Column("level", S, False, "1, 2 or 3 (from engagement)"),
        Column("cell", S, False, "A1 … C3"),
        Column("mql", B, False, "the MQL rule holds"),
        Column("rules_hash", S, False, "hash of the scoring: section that computed it"),
        Column("computed_at", T, False),
    ),
    ("lead_key",),
    "every lead's current score (ikkan leads score, refresh)",
)

LEAD_SCORE_REASONS = Table(
    "lead_score_reasons",
    (
        Column("lead_key", S, False),
        Column("kind", S, False, "fit or engagement"),
        Column("grp", S, False, "the cap group"),
        Column("rule_id", S, False, "the rule, or cap:<group> / cap:fit / cap:engagement"),
        Column("events", I, False, "events counted (1 for a fit rule, 0 for a cap)"),
        Column("points", F, False, "the rule's points after decay; a cap's are negative"),
    ),
    (),  # unique on (lead_key, kind, rule_id) by construction; no index: rewritten each run
    "the points behind each current score, rule by rule; they add up to the score",
)

LEAD_SCORE_HISTORY = Table(
    "lead_score_history",
    (
        Column("lead_key", S, False),
        Column("as_of", D, False),
        Column("rules_hash", S, False),
        Column("fit", F, False),
        Column("engagement", F, False),
        Column("score", F, False),
        Column("cell", S, False),
        Column("mql", B, False),
    ),
    ("lead_key", "as_of", "rules_hash"),
    "a lead's score at each scoring run where it changed (with the rules that made it)",
)

SCORING_RULES = Table(
    "scoring_rules",
    (
        Column("version", I, False, "1, 2, … per publish"),
        Column("rules_hash", S, False),
        Column("rules", J, False, "the scoring: section published, as JSON"),
        Column("published_at", T, False),
        Column("published_by", S, False),
        Column("why", S, False),
        Column("effect", J, True, "the what-if against the previous version, as JSON"),
    ),
    ("version",),
    "published scoring rules: who, when, why, and the effect it was expected to have",
)

SCORING_TABLES: tuple[Table, ...] = (
    LEAD_SCORES,
    LEAD_SCORE_REASONS,
    LEAD_SCORE_HISTORY,
    SCORING_RULES,
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
