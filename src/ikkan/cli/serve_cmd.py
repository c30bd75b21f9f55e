"""``ikkan serve``: the shared dashboard of the project, in a browser."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ikkan.cli.state import STATE


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    host: Annotated[str, typer.Option("--host", help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="port to listen on")] = 8000,
    schedule: Annotated[
        bool,
        typer.Option(
            "--schedule/--no-schedule",
            help="run the schedule: in ikkan.yml in the background (one runner per slot "
            "across processes)",
        ),
    ] = True,
) -> None:
    """Serve the dashboard (tree, status, funnel, trends, channels, data health) and its
    JSON API (/openapi.json). Ctrl+C stops it."""
    import uvicorn

    from ikkan.web.app import create_app

    app = create_app(STATE.project)
    stop = None
    if schedule:
        from ikkan.scheduler.runner import start_background
        from ikkan.workspace import Workspace

        if Workspace.open(STATE.project).spec.schedule is not None:
            stop = start_background(STATE.project)
            typer.echo("scheduler: running in the background (--no-schedule to turn off)")
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host  # noqa: S104 - a display name
    typer.echo(f"ikkan dashboard: http://{shown}:{port}  (Ctrl+C to stop)")
    _sign_in_banner(STATE.project)
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning")
    finally:
        if stop is not None:
            stop.set()


def _sign_in_banner(project: Path) -> None:
    """The first admin when the project has no user yet (its one-time password printed
    once), or the demo's credentials while they are still unused."""
    from ikkan.auth.audit import Origin
    from ikkan.auth.project import demo_credentials, first_admin, open_identity
    from ikkan.clock import SystemClock
    from ikkan.project.loader import load_project

    root = load_project(project).root
    engine = open_identity(root)
    try:
        made = first_admin(engine, root, clock=SystemClock(), origin=Origin.cli())
        if made is not None:
            typer.echo("First admin created; this password is shown only now:")
        else:
            made = demo_credentials(engine, root)
            if made is not None:
                typer.echo("Demo sign-in (a one-time password; you set your own at sign-in):")
    finally:
        engine.dispose()
    if made is not None:
        typer.echo(f"  username: {made.username}")
        typer.echo(f"  password: {made.password}")
