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
) -> None:
    """Serve the dashboard (tree, status, funnel, trends, channels, data health) and its
    JSON API (/openapi.json). Ctrl+C stops it."""
    import uvicorn

    from ikkan.web.app import create_app

    app = create_app(STATE.project)
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host  # noqa: S104 - a display name
    typer.echo(f"ikkan dashboard: http://{shown}:{port}  (Ctrl+C to stop)")
    _sign_in_banner(STATE.project)
    uvicorn.run(app, host=host, port=port, log_level="warning")


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
