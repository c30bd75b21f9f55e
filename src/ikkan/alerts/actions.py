"""Acknowledge and mute, shared by ``ikkan alerts ack|mute`` and the Alerts page."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from ikkan.alerts.history import load_instances, save_action
from ikkan.alerts.lifecycle import Instance, acknowledge, mute
from ikkan.alerts.observe import wall_clock
from ikkan.errors import UserError, did_you_mean

if TYPE_CHECKING:
    from ikkan.workspace import Workspace


def act(
    ws: Workspace,
    rule: str,
    instance: str,
    action: str,
    until: datetime | None = None,
    who: str | None = None,
) -> Instance:
    """Acknowledge (stop repeats) or mute (until a time) one alert instance; kept in the
    history with who did it."""
    if rule not in ws.spec.alerts:
        raise UserError(
            f"unknown alert rule '{rule}'",
            hint=did_you_mean(rule, ws.spec.alerts) or "see 'ikkan alerts list'",
        )
    current = load_instances(ws.warehouse(), rule).get(instance, Instance())
    now = wall_clock(ws)
    if action == "acknowledge":
        try:
            new = acknowledge(current)
        except ValueError as exc:
            raise UserError(f"alert '{rule}': {exc}", hint="see 'ikkan alerts list'") from None
        detail = f"by {who}" if who else None
    elif action == "mute":
        if until is None or until <= now:
            shown = f"{until:%Y-%m-%d %H:%M}" if until else "none"
            raise UserError(f"the mute's end ({shown}) is not in the future")
        new = mute(current, until)
        detail = f"until {until.isoformat()}" + (f" by {who}" if who else "")
    else:
        raise UserError(f"unknown alert action '{action}'", hint="acknowledge or mute")
    save_action(ws.warehouse(), rule, instance, new, action, now, detail)
    return new
