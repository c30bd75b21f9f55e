"""``ikkan init``, ``validate``, ``lint``, ``schema``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

import typer

from ikkan.cli.state import STATE


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("validate")(validate)
    app.command("lint")(lint)
    app.command("schema")(schema)


def init(
    directory: Annotated[Path, typer.Argument(help="folder to create")] = Path("my-kpis"),
    lang: Annotated[str, typer.Option("--lang", help="ja or en")] = "ja",
    force: Annotated[bool, typer.Option("--force", help="overwrite an existing ikkan.yml")] = False,
    demo: Annotated[
        bool, typer.Option("--demo", help="also write two years of sample exports to exports/")
    ] = False,
) -> None:
    """Create a project with a complete, commented example tree (seed 004 template)."""
    from ikkan.cli.render import console
    from ikkan.project.scaffold import create_project

    if lang not in ("ja", "en"):
        from ikkan.errors import UserError

        raise UserError(f"unknown language '{lang}'", hint="use --lang ja or --lang en")
    language: Literal["ja", "en"] = "ja" if lang == "ja" else "en"
    with console.status("writing sample exports…" if demo else "writing…"):
        written = create_project(directory, language, force=force, demo=demo)
    for path in written:
        console.print(f"  created {path}")
    _first_admin(directory, language, demo=demo)
    steps = "ikkan validate && ikkan lint && ikkan plan"
    if demo:
        steps += " && ikkan ingest && ikkan refresh && ikkan status"
    console.print(
        f"\nNext: cd {directory} && {steps}"
        if language == "en"
        else f"\n次に: cd {directory} && {steps}"
    )


def _first_admin(directory: Path, language: str, *, demo: bool) -> None:
    """Make the project's first admin (when it has no user yet) and print the one-time
    password once."""
    from ikkan.auth.audit import Origin
    from ikkan.auth.project import first_admin, open_identity
    from ikkan.cli.render import console
    from ikkan.clock import SystemClock

    engine = open_identity(directory)
    try:
        made = first_admin(engine, directory, clock=SystemClock(), origin=Origin.cli(), demo=demo)
    finally:
        engine.dispose()
    if made is None:
        return
    if demo:  # the demo's serve banner shows it again until it is used
        shown = (
            "ikkan serve でも変更まで表示されます"
            if language == "ja"
            else "ikkan serve shows it too until it is changed"
        )
    else:
        shown = (
            "このパスワードは今だけ表示されます"
            if language == "ja"
            else "this password is shown only now"
        )
    if language == "ja":
        console.print(f"\n最初の管理者を作成しました({shown}):")
    else:
        console.print(f"\nFirst admin created ({shown}):")
    console.print(f"  username: {made.username}")
    console.print(f"  password: {made.password}")
    if language == "ja":
        console.print("  初回サインイン時にパスワードを変更してください。")
    else:
        console.print("  Change it at the first sign-in.")


def validate() -> None:
    """Check the spec: every problem at once, with file:line and a hint."""
    from ikkan.cli.render import print_issues
    from ikkan.workspace import Workspace

    ws = Workspace.open(STATE.project)
    issues = ws.validate()
    print_issues(issues, ws.lang)
    if ws.has_errors:
        raise typer.Exit(1)


def lint(
    as_json: Annotated[bool, typer.Option("--json", help="issues as JSON")] = False,
) -> None:
    """SMART lint and design advice; exits 1 on errors only."""
    from ikkan.cli.render import console, print_issues
    from ikkan.model.issues import Severity
    from ikkan.workspace import Workspace

    ws = Workspace.open(STATE.project)
    issues = ws.lint()
    if as_json:
        console.print_json(json.dumps([i.to_dict() for i in issues], ensure_ascii=False))
    else:
        print_issues(issues, ws.lang)
    if any(i.severity is Severity.ERROR for i in issues):
        raise typer.Exit(1)


def schema() -> None:
    """Print the JSON Schema of ikkan.yml (for editor autocompletion)."""
    from ikkan.model.spec import ProjectSpec

    document = ProjectSpec.model_json_schema()
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    document["title"] = "ikkan project (ikkan.yml)"
    typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
