"""``ikkan report``: the monthly (or quarterly) review as PDF, XLSX or HTML, to a file or
by e-mail."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from ikkan.cli.state import STATE


def register(app: typer.Typer) -> None:
    app.command("report")(report)


def report(
    period: Annotated[
        str | None,
        typer.Option("--period", help="2026-10 or FY2026-Q3; default: last month"),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="pdf, xlsx or html")] = "pdf",
    lang: Annotated[str | None, typer.Option("--lang", help="ja or en")] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="file (default: .ikkan/reports/)"),
    ] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="the data day (YYYY-MM-DD)")] = None,
    email: Annotated[
        list[str] | None, typer.Option("--email", help="send to this address (repeatable)")
    ] = None,
    quarterly: Annotated[
        bool, typer.Option("--quarterly", help="no --period: the last closed fiscal quarter")
    ] = False,
    smtp_from_env: Annotated[
        bool, typer.Option("--smtp-from-env", help="SMTP settings from IKKAN_SMTP_* variables")
    ] = False,
) -> None:
    """The review report, conclusion first: summary (KGI pacing and landing, the bottleneck
    in yen, decisions), the tree, funnel, channels, spend, alerts, next period's targets."""
    from ikkan.errors import UserError
    from ikkan.reports.review import file_name, render_with_data
    from ikkan.workspace import Workspace

    ws = Workspace.open(STATE.project)
    language = lang or ws.lang
    day = None
    if as_of is not None:
        try:
            day = date.fromisoformat(as_of)
        except ValueError:
            raise UserError(f"--as-of: not a date: '{as_of}'", hint="e.g. 2026-11-15") from None
    if period is None:  # the last closed month (or fiscal quarter)
        from ikkan.reports.review.mail import last_closed_period

        period = last_closed_period(ws, day or ws.data_as_of(), quarterly=quarterly)
    if email and not smtp_from_env:
        raise UserError(
            "--email needs --smtp-from-env", hint="set IKKAN_SMTP_HOST and IKKAN_SMTP_FROM"
        )
    review, data = render_with_data(ws, period, fmt, language, as_of=day)
    name = file_name(review["header"]["period"], fmt, language)
    target = output or ws.root / ".ikkan" / "reports" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    typer.echo(f"{target}  ({len(data):,} bytes)")
    if email:
        from ikkan.reports.review.mail import send_review
        from ikkan.reports.review.mail import smtp_from_env as settings_of

        settings = settings_of()
        send_review(settings, review, data, fmt, list(email))
        typer.echo(f"sent to {', '.join(email)} via {settings.host}:{settings.port}")
