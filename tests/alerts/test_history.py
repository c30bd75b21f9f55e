"""Alert state and history round-trip through both warehouses (schema version 4)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from ikkan.alerts.conditions import Finding
from ikkan.alerts.history import Context, load_instances, read_history, save_action, save_step
from ikkan.alerts.lifecycle import AlertState, Instance, Timers, acknowledge, mute, step
from ikkan.warehouse.testing import temporary_warehouse

T0 = datetime(2026, 10, 1, 9, 0)


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest) -> str:
    from ikkan.warehouse.testing import require_postgres

    if request.param == "postgres":
        require_postgres()
    return str(request.param)


def test_state_and_history_round_trip(engine: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    timers = Timers(pending=timedelta(hours=1), repeat=timedelta(hours=2))
    finding = Finding(True, 42.0, 50.0, -8.0, "achievement 84.0% < 90%")
    with temporary_warehouse(engine, tmp_path) as wh:
        inst = Instance()
        notices = []
        for hour in range(4):
            now = T0 + timedelta(hours=hour)
            moved = step(inst, True, now, timers)
            save_step(wh, "leads_target", "paid_search", moved, now, Context("2026-09", finding))
            inst = moved.instance
            notices += moved.notices
            assert load_instances(wh, "leads_target")["paid_search"] == inst
        assert inst.state is AlertState.FIRING
        acked = acknowledge(inst)
        save_action(
            wh, "leads_target", "paid_search", acked, "acknowledge", T0 + timedelta(hours=5)
        )
        until = T0 + timedelta(days=1)
        save_action(wh, "leads_target", "paid_search", mute(acked, until), "mute", T0, "until")
        stored = load_instances(wh, "leads_target")["paid_search"]
        assert stored.acknowledged and stored.muted_until == until
        rows = sorted(read_history(wh, "leads_target"), key=lambda r: r["event_no"])
        assert [r["event_no"] for r in rows] == list(range(1, len(rows) + 1))
        events = [(r["event"], r["from_state"], r["to_state"], r["notice"]) for r in rows]
        assert events == [
            ("transition", "ok", "pending", None),
            ("transition", "pending", "firing", None),
            ("notice", None, "firing", "firing"),
            ("notice", None, "firing", "repeat"),
            ("acknowledge", None, "firing", None),
            ("mute", None, "firing", None),
        ]
        assert rows[2]["observed"] == 42.0 and rows[2]["line"] == 50.0
        assert rows[2]["period"] == "2026-09"
        assert [r["notice_key"] for r in rows if r["notice"]] == [
            n.key("leads_target", "paid_search") for n in notices
        ]
