"""``ikkan alerts sla``: the handoff SLA live per lead and per owner (``alerts.sla_live``,
the service the web's ``/alerts/sla`` reads too)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer

from ikkan.cli.state import STATE
from ikkan.errors import UserError

if TYPE_CHECKING:
    from ikkan.alerts.sla_live import SlaBoard

TEXT = {
    "en": {
        "title": "{name}: {stage} → {done} within {within:g} business hours "
        "(judged {now}; window {window:g} days)",
        "lead": "Lead",
        "owner": "Owner",
        "entered": "Entered",
        "elapsed": "Elapsed / allowed (business h)",
        "due": "Due",
        "breached": "BREACHED, due {at} ({hours:g} h over)",
        "at_risk": "due {at} ({hours:g} h left)",
        "none": "No lead breaching or at risk.",
        "owners": "Owner",
        "breaching": "Breaching",
        "risk": "At risk",
        "met_late": "Met / late",
        "attainment": "Attainment (window)",
        "history": "Attainment ({days} days)",
        "no_rules": "No SLA alert rule in ikkan.yml (kind: sla, see docs/alerts.md).",
    },
    "ja": {
        "title": "{name}: {stage} → {done} を営業時間 {within:g} 時間以内"
        "（{now} 時点、対象 {window:g} 日）",
        "lead": "リード",
        "owner": "担当",
        "entered": "開始",
        "elapsed": "経過 / 許容（営業時間）",
        "due": "期限",
        "breached": "超過: 期限 {at}（{hours:g} 時間超過）",
        "at_risk": "期限 {at}（残り {hours:g} 時間）",
        "none": "SLA を超過中・期限前のリードはありません。",
        "owners": "担当",
        "breaching": "超過中",
        "risk": "期限前",
        "met_late": "達成 / 遅延",
        "attainment": "達成率（対象期間）",
        "history": "達成率（{days} 日）",
        "no_rules": "ikkan.yml に SLA のアラートルール（kind: sla）がありません"
        "（docs/alerts.md 参照）。",
    },
}


def register(alerts_app: typer.Typer) -> None:
    alerts_app.command("sla")(sla)


def sla(
    rule: Annotated[str | None, typer.Option("--rule", help="one SLA rule id")] = None,
    owner: Annotated[str | None, typer.Option("--owner", help="one lead owner")] = None,
    days: Annotated[
        int, typer.Option("--days", help="span of the historical attainment, in days")
    ] = 90,
    now: Annotated[
        str | None, typer.Option("--now", help="judge as of this time (default: the clock)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
    lang: Annotated[str | None, typer.Option("--lang", help="ja or en")] = None,
) -> None:
    """The handoff SLA now: every lead breaching or at risk, and each owner's counts."""
    from ikkan.alerts.observe import wall_clock
    from ikkan.alerts.sla_live import boards_json, sla_boards
    from ikkan.cli.render import console
    from ikkan.workspace import Workspace

    ws = Workspace.open(STATE.project)
    language = "en" if (lang or ws.lang) == "en" else "ja"
    moment = wall_clock(ws) if now is None else _moment(now, ws.spec.company.timezone)
    boards = sla_boards(ws, moment, rule_id=rule, owner=owner, history_days=days, lang=language)
    if as_json:
        typer.echo(json.dumps(boards_json(boards), ensure_ascii=False, indent=2))
        return
    text = TEXT[language]
    if not boards:
        console.print(text["no_rules"])
    for board in boards:
        _print(board, text)


def _moment(value: str, timezone: str) -> datetime:
    """``--now`` as the warehouse's naive wall clock (an offset is turned into the
    project's time zone first)."""
    from zoneinfo import ZoneInfo

    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise UserError(
            f"--now '{value}' is not a date and time", hint="write e.g. 2026-11-20T12:00"
        ) from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(ZoneInfo(timezone))
    return moment.replace(tzinfo=None)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _print(board: SlaBoard, text: dict[str, str]) -> None:
    from rich.table import Table
    from rich.text import Text

    from ikkan.cli.render import console

    console.print(
        Text(
            text["title"].format(
                name=board.name,
                stage=board.from_stage,
                done=board.done.removeprefix("→ "),
                within=board.within,
                now=f"{board.now:%Y-%m-%d %H:%M}",
                window=board.window_days,
            )
        ),
        style="bold",
    )
    if board.leads:
        leads = Table(text["lead"], text["owner"], text["entered"], text["elapsed"], text["due"])
        for lead in board.leads:
            breached = lead.status == "breaching"
            due = text["breached" if breached else "at_risk"].format(
                at=f"{lead.deadline:%m-%d %H:%M}", hours=round(abs(lead.left), 1)
            )
            leads.add_row(
                Text(lead.name or lead.lead_key),
                Text(lead.owner),
                f"{lead.entered_at:%Y-%m-%d %H:%M}",
                f"{lead.elapsed:.1f} / {lead.allowed:g}",
                Text(due, style="red" if breached else "yellow"),
            )
        console.print(leads)
    else:
        console.print(text["none"])
    owners = Table(
        text["owners"],
        text["breaching"],
        text["risk"],
        text["met_late"],
        text["attainment"],
        text["history"].format(days=board.history_days),
    )
    for row in board.owners:
        owners.add_row(
            Text(row.owner),
            str(row.breaching),
            str(row.at_risk),
            f"{row.met} / {row.late}",
            _pct(row.attainment),
            _pct(row.history_attainment),
        )
    owners.add_row(
        "Σ",
        str(sum(r.breaching for r in board.owners)),
        str(sum(r.at_risk for r in board.owners)),
        f"{sum(r.met for r in board.owners)} / {sum(r.late for r in board.owners)}",
        _pct(board.attainment),
        _pct(board.history_attainment),
    )
    console.print(owners)
