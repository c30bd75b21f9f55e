"""``ikkan`` command line: a thin layer over ``Workspace`` (SQLMesh's CLI over ``Context``).

The one error boundary: a ``UserError`` prints ``Error: …`` (with file:line and a hint) to
stderr and exits 1; anything else prints a short message, with the traceback only under
``--debug``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ikkan import __version__
from ikkan.cli import (
    alerts_cmds,
    data_cmds,
    monitor_cmds,
    pdca_cmds,
    plan_cmd,
    project_cmds,
    report_cmd,
    schedule_cmds,
    scoring_cmds,
    serve_cmd,
    users_cmds,
)
from ikkan.cli.state import STATE

app = typer.Typer(
    name="ikkan",
    help="ikkan (一気通貫): design, plan, measure and monitor B2B marketing KPIs.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode="rich",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ikkan {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    project: Annotated[
        Path, typer.Option("--project", "-p", help="project folder (holding ikkan.yml)")
    ] = Path("."),
    debug: Annotated[bool, typer.Option("--debug", help="show tracebacks")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="print the version")
    ] = False,
) -> None:
    STATE.project = project
    STATE.debug = debug


project_cmds.register(app)
plan_cmd.register(app)
data_cmds.register(app)
monitor_cmds.register(app)
serve_cmd.register(app)
alerts_cmds.register(app)
schedule_cmds.register(app)
report_cmd.register(app)
scoring_cmds.register(app)
users_cmds.register(app)
pdca_cmds.register(app)


def run() -> None:
    """Console entry point with the error boundary."""
    from ikkan.errors import UserError

    try:
        app(standalone_mode=True)
    except UserError as exc:
        from ikkan.cli.render import print_error

        print_error(exc)
        if STATE.debug or "--debug" in sys.argv:
            raise
        sys.exit(1)
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted.\n")
        sys.exit(130)
    except Exception as exc:
        if STATE.debug or "--debug" in sys.argv:
            raise
        from ikkan.cli.terminal import clean

        sys.stderr.write(
            f"Internal error: {type(exc).__name__}: {clean(exc)}\n"
            "Run again with --debug for the traceback, and please report it.\n"
        )
        sys.exit(2)
