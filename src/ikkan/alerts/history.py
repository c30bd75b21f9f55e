# ruff: noqa: S608 - SQL text holds only "?" placeholders and constant table names
"""Alert state and history in the warehouse (tables ``alert_state``, ``alert_history``).

Each evaluation of an instance is saved in one transaction: its new state, and one history
row per transition and per notification, with the observed value and the line it was
compared against. User actions (acknowledge, mute, unmute) are history rows too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ikkan.alerts.conditions import Finding
from ikkan.alerts.lifecycle import AlertState, Instance, Step
from ikkan.model.canonical import ALERT_HISTORY, ALERT_STATE
from ikkan.warehouse.sql import column_list

if TYPE_CHECKING:
    from ikkan.warehouse.base import Session, SqlWarehouse

_STATE_FIELDS = (
    "since",
    "breach_since",
    "clear_since",
    "last_notified",
    "announced",
    "acknowledged",
    "muted_until",
    "episode",
    "sequence",
)


def load_instances(warehouse: SqlWarehouse, rule_id: str) -> dict[str, Instance]:
    rows = warehouse.query("SELECT * FROM alert_state WHERE rule_id = ?", [rule_id]).to_pylist()
    return {
        row["instance"]: Instance(
            state=AlertState(row["state"]), **{f: row[f] for f in _STATE_FIELDS}
        )
        for row in rows
    }


@dataclass(frozen=True)
class Context:
    """What the history rows say about the evaluation."""

    period: str | None = None
    finding: Finding | None = None


def save_step(
    warehouse: SqlWarehouse,
    rule_id: str,
    instance: str,
    result: Step,
    now: datetime,
    context: Context,
) -> None:
    """The new state and its history rows, in one transaction."""
    found = context.finding
    values = {
        "period": context.period,
        "observed": found.observed if found else None,
        "line": found.line if found else None,
        "gap": found.gap if found else None,
        "why": found.why if found else None,
    }
    events: list[dict[str, Any]] = [
        {"at": t.at, "event": "transition", "from_state": t.before, "to_state": t.after}
        for t in result.transitions
    ]
    events += [
        {
            "at": n.at,
            "event": "notice",
            "to_state": result.instance.state,
            "notice": n.kind,
            "notice_key": n.key(rule_id, instance),
        }
        for n in result.notices
    ]
    with warehouse.transaction() as session:
        _put_state(session, rule_id, instance, result.instance, now)
        _append(session, rule_id, instance, [{**values, **e} for e in events])


def save_action(
    warehouse: SqlWarehouse,
    rule_id: str,
    instance: str,
    new: Instance,
    event: str,
    now: datetime,
    detail: str | None = None,
) -> None:
    with warehouse.transaction() as session:
        _put_state(session, rule_id, instance, new, now)
        row = {"at": now, "event": event, "to_state": new.state, "detail": detail}
        _append(session, rule_id, instance, [row])


def read_history(
    warehouse: SqlWarehouse, rule_id: str | None = None, limit: int = 200
) -> list[dict[str, Any]]:
    sql = "SELECT * FROM alert_history "
    params: list[Any] = []
    if rule_id is not None:
        sql += "WHERE rule_id = ? "
        params.append(rule_id)
    sql += 'ORDER BY "at" DESC, rule_id, instance, event_no DESC LIMIT ?'
    params.append(limit)
    rows: list[dict[str, Any]] = warehouse.query(sql, params).to_pylist()
    return rows


def _put_state(
    session: Session, rule_id: str, instance: str, inst: Instance, now: datetime
) -> None:
    session.execute(
        "DELETE FROM alert_state WHERE rule_id = ? AND instance = ?", [rule_id, instance]
    )
    data = asdict(inst)
    row = {
        "rule_id": rule_id,
        "instance": instance,
        "state": str(inst.state),
        **{f: data[f] for f in _STATE_FIELDS},
        "updated_at": now,
    }
    _insert(session, ALERT_STATE.name, ALERT_STATE.column_names, [row])


def _append(session: Session, rule_id: str, instance: str, rows: Sequence[dict[str, Any]]) -> None:
    if not rows:
        return
    last = session.scalar(
        "SELECT max(event_no) FROM alert_history WHERE rule_id = ? AND instance = ?",
        [rule_id, instance],
    )
    number = int(last or 0)
    full = []
    for row in rows:
        number += 1
        full.append(
            {
                **{c: None for c in ALERT_HISTORY.column_names},
                **{
                    k: (str(v) if k in ("from_state", "to_state", "notice") and v else v)
                    for k, v in row.items()
                },
                "rule_id": rule_id,
                "instance": instance,
                "event_no": number,
            }
        )
    _insert(session, ALERT_HISTORY.name, ALERT_HISTORY.column_names, full)


def _insert(
    session: Session, table: str, columns: Sequence[str], rows: Sequence[dict[str, Any]]
) -> None:
    marks = ", ".join("?" for _ in columns)
    sql = f'INSERT INTO "{table}" ({column_list(columns)}) VALUES ({marks})'
    for row in rows:
        session.execute(sql, [row[c] for c in columns])
