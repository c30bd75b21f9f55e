"""``ikkan alerts list | test | run | history | ack | mute`` (``sla``: alerts_sla_cmd)."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ikkan.cli.state import STATE
from ikkan.errors import UserError

if TYPE_CHECKING:
    from ikkan.alerts.backtest import BacktestResult
    from ikkan.alerts.conditions import Finding
    from ikkan.workspace import Workspace

alerts_app = typer.Typer(help="Alert rules: list, backtest, evaluate, acknowledge, mute.")

TEXT = {
    "en": {
        "rule": "Rule",
        "kind": "Kind",
        "watches": "Watches",
        "timers": "for / keep / repeat",
        "state": "State",
        "when": "Period",
        "instance": "Instance",
        "observed": "Observed",
        "line": "Line",
        "gap": "Gap",
        "why": "Why",
        "alert": "Alert",
        "none": "No alert rules in ikkan.yml (see docs/alerts.md).",
        "summary": "{rule}: {alerts} alert(s) from {hits} breached evaluation(s) "
        "out of {judged} judged ({evaluations} evaluated), {since} – {until}.",
        "unjudged": "not judged: {why} × {n}",
        "run": "Evaluated {n} instance(s) at {at}; {k} notification(s).",
        "starts": "new",
        "continues": "continues",
        "delivery": "Outbox: {queued} queued, {sent} sent, {failed} failed (kept for retry).",
    },
    "ja": {
        "rule": "ルール",
        "kind": "種類",
        "watches": "対象",
        "timers": "保留 / 継続 / 再通知",
        "state": "状態",
        "when": "期間",
        "instance": "内訳",
        "observed": "実績",
        "line": "基準",
        "gap": "差",
        "why": "理由",
        "alert": "アラート",
        "none": "ikkan.yml にアラートルールがありません（docs/alerts.md 参照）。",
        "summary": "{rule}: 判定 {judged} 回（評価 {evaluations} 回）のうち "
        "{hits} 回が条件に該当し、アラート {alerts} 件（{since} 〜 {until}）。",
        "unjudged": "判定不能: {why} × {n}",
        "run": "{at} に {n} 件を評価、通知 {k} 件。",
        "starts": "新規",
        "continues": "継続",
        "delivery": "送信キュー: 追加 {queued} 件、送信 {sent} 件、"
        "失敗 {failed} 件（再送します）。",
    },
}


def register(app: typer.Typer) -> None:
    from ikkan.cli import alerts_sla_cmd

    alerts_sla_cmd.register(alerts_app)
    app.add_typer(alerts_app, name="alerts")


def _lang(ws: Workspace, lang: str | None) -> str:
    return "en" if (lang or ws.lang) == "en" else "ja"


def _date(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    from ikkan.errors import UserError

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserError(f"{option} '{text}' is not a date", hint="write e.g. 2026-11-15") from None


def _moment(text: str | None, option: str) -> datetime | None:
    if text is None:
        return None
    from ikkan.errors import UserError

    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise UserError(
            f"{option} '{text}' is not a date and time", hint="write e.g. 2026-11-15T09:00"
        ) from None


def _fmt(ws: Workspace, node: str | None, value: float | None, lang: str) -> str:
    from ikkan.model.formatting import format_value

    unit = ws.tree.nodes[node].unit if ws.tree and node and node in ws.tree.nodes else None
    if value is not None and unit is None:
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return format_value(value, unit, lang)


def _finding_json(finding: Finding) -> dict[str, Any]:
    return {
        "breached": finding.breached,
        "observed": finding.observed,
        "line": finding.line,
        "gap": finding.gap,
        "why": finding.why,
    }


@alerts_app.command("list")
def list_rules(
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
    lang: Annotated[str | None, typer.Option("--lang", help="ja or en")] = None,
) -> None:
    """The rules in ikkan.yml with their current state."""
    from rich.table import Table
    from rich.text import Text

    from ikkan.alerts.history import load_instances
    from ikkan.cli.render import console
    from ikkan.workspace import Workspace

    ws = Workspace.open(STATE.project)
    language = _lang(ws, lang)
    text = TEXT[language]
    rows: list[dict[str, Any]] = []
    for rule_id, rule in ws.spec.alerts.items():
        current = load_instances(ws.warehouse(), rule_id)
        rows.append(
            {
                "rule": rule_id,
                "name": rule.name(rule_id, language),
                "kind": str(rule.kind),
                "node": rule.node,
                "source": rule.source,
                "dimension": rule.dimension,
                "enabled": rule.enabled,
                "for": rule.pending.total_seconds(),
                "keep_firing": rule.keep_firing.total_seconds(),
                "repeat": rule.repeat.total_seconds() if rule.repeat else None,
                "states": {k or "": str(v.state) for k, v in sorted(current.items())},
            }
        )
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        console.print(text["none"])
        return
    table = Table(text["rule"], text["kind"], text["watches"], text["timers"], text["state"])
    for row in rows:
        rule = ws.spec.alerts[row["rule"]]
        watches = (rule.node or rule.source or "") + (
            f" × {rule.dimension}" if rule.dimension else ""
        )
        timers = " / ".join(_duration(v) for v in (rule.pending, rule.keep_firing, rule.repeat))
        shown = ", ".join(f"{k}={v}" if k else v for k, v in row["states"].items()) or "ok"
        table.add_row(Text(row["name"]), row["kind"], Text(watches), timers, Text(shown))
    console.print(table)


def _duration(value: Any) -> str:
    if value is None:
        return "—"
    seconds = int(value.total_seconds())
    for size, unit in ((86400, "d"), (3600, "h"), (60, "m")):
        if seconds and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


@alerts_app.command("test")
def test_rule(
    rule: Annotated[str, typer.Argument(help="rule id under alerts: in ikkan.yml")],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="last day of data (YYYY-MM-DD)")
    ] = None,
    rule_yaml: Annotated[
        Path | None,
        typer.Option(
            "--rule-yaml",
            help="backtest this rule (a YAML file: the rule's keys, as under alerts: RULE) "
            "instead of the one in ikkan.yml; RULE names it",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
    lang: Annotated[str | None, typer.Option("--lang", help="ja or en")] = None,
) -> None:
    """Backtest: how often RULE would have fired over the last 12 months, when, on what."""
    from ikkan.alerts.backtest import backtest
    from ikkan.workspace import Workspace

    ws = Workspace.open(STATE.project)
    if rule_yaml is not None:
        from ikkan.alerts.backtest import backtest_rule
        from ikkan.alerts.draft import parse_rule_draft

        text = rule_yaml.read_text(encoding="utf-8")
        draft = parse_rule_draft(ws, rule, text, original=rule)
        if draft.spec is None or draft.errors:
            problems = "; ".join(m for ms in draft.errors.values() for m in ms)
            raise UserError(f"{rule_yaml}: {problems}", hint="see docs/alerts.md for the keys")
        result = backtest_rule(ws, rule, draft.spec, as_of=_date(as_of, "--as-of"))
    else:
        result = backtest(ws, rule, as_of=_date(as_of, "--as-of"))
    if as_json:
        from ikkan.alerts.backtest_summary import backtest_json

        fy_start = ws.spec.company.fiscal_year_start
        typer.echo(json.dumps(backtest_json(result, fy_start), ensure_ascii=False, indent=2))
        return
    print_backtest(ws, result, _lang(ws, lang))


def print_backtest(ws: Workspace, result: BacktestResult, lang: str) -> None:
    from rich.table import Table
    from rich.text import Text

    from ikkan.cli.render import console

    text = TEXT[lang]
    node = result.rule.node
    if result.hits:
        table = Table(
            text["when"],
            text["instance"],
            text["observed"],
            text["line"],
            text["gap"],
            text["alert"],
            text["why"],
        )
        for hit in result.hits:
            found = hit.finding
            table.add_row(
                hit.when,
                Text(hit.dimension_value or "—"),
                _fmt(ws, node, found.observed, lang),
                _fmt(ws, node, found.line, lang),
                _fmt(ws, node, found.gap, lang),
                text["starts"] if hit.starts_alert else text["continues"],
                Text(found.why),
            )
        console.print(table)
    summary = text["summary"].format(
        rule=result.rule_id,
        alerts=result.alerts,
        hits=len(result.hits),
        judged=result.judged,
        evaluations=result.evaluations,
        since=result.since.isoformat(),
        until=result.until.isoformat(),
    )
    console.print(Text(summary))
    for why, count in sorted(result.not_judged.items()):
        console.print(Text("  " + text["unjudged"].format(why=why, n=count)))


@alerts_app.command("run")
def run(
    now: Annotated[
        str | None, typer.Option("--now", help="evaluate as of this time (default: the clock)")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="last day of data (YYYY-MM-DD)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
    lang: Annotated[str | None, typer.Option("--lang", help="ja or en")] = None,
    send: Annotated[
        bool, typer.Option("--send/--no-send", help="deliver the outbox after queueing")
    ] = True,
) -> None:
    """Evaluate every rule now, record transitions, queue and deliver notifications."""
    from rich.table import Table
    from rich.text import Text

    from ikkan.alerts.delivery import queue_alerts, send_due
    from ikkan.alerts.engine import run_alerts
    from ikkan.alerts.outbox import DeliveryReport
    from ikkan.cli.render import console
    from ikkan.workspace import Workspace

    ws = Workspace.open(STATE.project)
    language = _lang(ws, lang)
    text = TEXT[language]
    result = run_alerts(ws, now=_moment(now, "--now"), as_of=_date(as_of, "--as-of"))
    queued = queue_alerts(ws, result.alerts, result.at)
    delivery = send_due(ws, result.at) if send else DeliveryReport()
    if as_json:
        payload = {
            "at": result.at.isoformat(),
            "as_of": result.as_of.isoformat(),
            "queued": queued,
            "sent": [{"key": k, "channel": c} for k, c in delivery.sent],
            "failed": [{"key": k, "channel": c, "error": e} for k, c, e in delivery.failed],
            "instances": [
                {
                    "rule": e.rule_id,
                    "instance": e.instance,
                    "period": e.period,
                    "state": str(e.state.state),
                    "inhibited": e.inhibited,
                    "muted_by": e.muted_by,
                    **_finding_json(e.finding),
                }
                for e in result.evaluated
            ],
            "notifications": [
                {
                    "key": a.key,
                    "rule": a.rule_id,
                    "instance": a.instance,
                    "kind": str(a.notice.kind),
                    "node": a.node,
                    "period": a.period,
                    **_finding_json(a.finding),
                }
                for a in result.alerts
            ],
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    table = Table(
        text["rule"],
        text["instance"],
        text["when"],
        text["state"],
        text["observed"],
        text["line"],
        text["why"],
    )
    for e in result.evaluated:
        node = ws.spec.alerts[e.rule_id].node
        table.add_row(
            Text(e.rule_id),
            Text(e.instance or "—"),
            e.period or "—",
            e.state.state.label(language),
            _fmt(ws, node, e.finding.observed, language),
            _fmt(ws, node, e.finding.line, language),
            Text(e.finding.why),
        )
    console.print(table)
    console.print(
        text["run"].format(
            n=len(result.evaluated), at=f"{result.at:%Y-%m-%d %H:%M}", k=len(result.alerts)
        )
    )
    for alert in result.alerts:
        console.print(
            Text(f"  {alert.notice.kind}: {alert.rule_id} {alert.instance} ({alert.key})")
        )
    console.print(
        text["delivery"].format(queued=queued, sent=len(delivery.sent), failed=len(delivery.failed))
    )
    for key, channel, error in delivery.failed:
        console.print(Text(f"  {channel}: {key}: {error}"), style="yellow")


@alerts_app.command("ack")
def ack(
    rule: Annotated[str, typer.Argument(help="rule id")],
    instance: Annotated[str, typer.Option("--instance", help="dimension value")] = "",
) -> None:
    """Acknowledge a firing alert: no repeats until it resolves."""
    _act(rule, instance, "acknowledge", None)


@alerts_app.command("mute")
def mute(
    rule: Annotated[str, typer.Argument(help="rule id")],
    until: Annotated[str, typer.Option("--until", help="end of the mute, e.g. 2027-01-04T09:00")],
    instance: Annotated[str, typer.Option("--instance", help="dimension value")] = "",
) -> None:
    """Silence a rule's notifications until a time (evaluation goes on)."""
    _act(rule, instance, "mute", _moment(until, "--until"))


def _act(rule: str, instance: str, action: str, until: datetime | None) -> None:
    from rich.text import Text

    from ikkan.alerts.actions import act
    from ikkan.cli.render import console
    from ikkan.workspace import Workspace

    act(Workspace.open(STATE.project), rule, instance, action, until)
    console.print(Text(f"{action}: {rule} {instance}".strip()))
