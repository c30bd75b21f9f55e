"""The system tables beside the canonical data: alert lifecycle, the scheduler's lease and
run log, and lead scoring (scores, reasons, history, published rules). Re-exported by
``canonical``, which lists every table and the schema versions."""

from __future__ import annotations

from ikkan.model.table_types import B, Column, D, F, I, J, S, T, Table

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
