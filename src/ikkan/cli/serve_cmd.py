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
) -> None:
    """Serve the dashboard (tree, status, funnel, trends, channels, data health) and its
    JSON API (/openapi.json). Ctrl+C stops it."""
    import uvicorn

    from ikkan.web.app import create_app

    app = create_app(STATE.project)
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host  # noqa: S104 - a display name
    typer.echo(f"ikkan dashboard: http://{shown}:{port}  (Ctrl+C to stop)")
    uvicorn.run(app, host=host, port=port, log_level="warning")
