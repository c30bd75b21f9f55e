"""``ikkan serve``: the shared dashboard of the project, in a browser."""

from __future__ import annotations

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
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning")
    finally:
        if stop is not None:
            stop.set()
