"""``ikkan users …``, ``ikkan tokens …`` and ``ikkan audit``: the identity store at the CLI.

The CLI acts as the operator of the project: whoever can run it here can read the state
database anyway, so it is not asked to sign in; each change is audited as ``cli:<OS user>``
from ``cli``.
"""

from __future__ import annotations

import getpass
import json
from dataclasses import asdict
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ikkan.cli.state import STATE

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

users_app = typer.Typer(help="Sign-in accounts: add, list, disable, enable, reset, role.")
tokens_app = typer.Typer(help="API tokens for scripts: create (shown once), list, revoke.")

DepartmentOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--department",
        "-d",
        help="a department the user edits (repeat for several): marketing, inside_sales, "
        "sales, cs, exec or one from the project's departments:",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="machine-readable output")]


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
    app.add_typer(tokens_app, name="tokens")
    app.command("audit")(audit_log)


def _cli_actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no user name in this environment (a container without passwd)
        return "cli"


def _engine() -> Engine:
    from ikkan.auth.project import open_identity
    from ikkan.project.loader import load_project

    return open_identity(load_project(STATE.project).root)


def _departments() -> set[str]:
    from ikkan.auth.project import known_departments
    from ikkan.project.loader import load_project

    return known_departments(load_project(STATE.project).spec)


def _context() -> dict[str, Any]:
    from ikkan.auth.audit import Origin
    from ikkan.clock import SystemClock

    return {"actor": _cli_actor(), "origin": Origin.cli(), "clock": SystemClock()}


def _print_password(username: str, password: str, what: str) -> None:
    from ikkan.cli.render import console

    console.print(f"{what} for {username}:")
    console.print(f"  username: {username}")
    console.print(f"  password: {password}")
    console.print("This password is shown only now and must be changed at the first sign-in.")


@users_app.command("add")
def users_add(
    username: Annotated[str, typer.Argument(help="sign-in name (lower case)")],
    role: Annotated[str, typer.Option("--role", "-r", help="admin, editor or viewer")] = "viewer",
    department: DepartmentOpt = None,
    name: Annotated[str, typer.Option("--name", help="display name")] = "",
) -> None:
    """Add a user with a one-time password (printed once; changed at the first sign-in)."""
    from ikkan.auth.users import add_user

    password = add_user(
        _engine(),
        username=username,
        role=role,
        departments=department or [],
        known_departments=_departments(),
        display_name=name,
        **_context(),
    )
    _print_password(username.strip().lower(), password, "Added")


@users_app.command("list")
def users_list(as_json: JsonOpt = False) -> None:
    """Every user with role, departments and state."""
    from rich.table import Table

    from ikkan.auth.timeutil import local
    from ikkan.auth.users import list_users
    from ikkan.cli.render import console

    users = list_users(_engine())
    if as_json:
        rows = [
            {**asdict(u), "role": u.role.value, "created_at": u.created_at.isoformat() + "Z"}
            for u in users
        ]
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table("username", "name", "role", "departments", "state", "created (JST)")
    for u in users:
        state = (
            "disabled"
            if u.disabled
            else ("must change password" if u.must_change_password else "active")
        )
        table.add_row(
            u.username,
            u.display_name,
            u.role.value,
            ", ".join(u.departments) or "—",
            state,
            local(u.created_at),
        )
    console.print(table)


@users_app.command("disable")
def users_disable(username: Annotated[str, typer.Argument()]) -> None:
    """Disable a user: their sessions end and their tokens stop working."""
    from ikkan.auth.users import set_disabled
    from ikkan.cli.render import console

    set_disabled(_engine(), username, True, **_context())
    console.print(f"Disabled {username}.")


@users_app.command("enable")
def users_enable(username: Annotated[str, typer.Argument()]) -> None:
    """Enable a disabled user again."""
    from ikkan.auth.users import set_disabled
    from ikkan.cli.render import console

    set_disabled(_engine(), username, False, **_context())
    console.print(f"Enabled {username}.")


@users_app.command("reset")
def users_reset(username: Annotated[str, typer.Argument()]) -> None:
    """Give a user a new one-time password (printed once); their sessions end."""
    from ikkan.auth.users import reset_password

    password = reset_password(_engine(), username, **_context())
    _print_password(username.strip().lower(), password, "New one-time password")


@users_app.command("role")
def users_role(
    username: Annotated[str, typer.Argument()],
    role: Annotated[str, typer.Argument(help="admin, editor or viewer")],
    department: DepartmentOpt = None,
) -> None:
    """Change a user's role and, with --department, their departments."""
    from ikkan.auth.users import set_role
    from ikkan.cli.render import console

    user = set_role(
        _engine(),
        username,
        role,
        department,
        known_departments=_departments(),
        **_context(),
    )
    departments = ", ".join(user.departments) or "no department"
    console.print(f"{user.username} is now {user.role.value} ({departments}).")


@tokens_app.command("create")
def tokens_create(
    user: Annotated[str, typer.Option("--user", "-u", help="the user the token acts for")],
    name: Annotated[str, typer.Option("--name", "-n", help="what the token is for")],
    expires_days: Annotated[
        int | None, typer.Option("--expires-days", help="lifetime in days (default: none)")
    ] = None,
) -> None:
    """Create an API token (printed once; send it as ``Authorization: Bearer …``)."""
    from ikkan.auth.tokens import create_token
    from ikkan.cli.render import console

    info, raw = create_token(_engine(), user, name, expires_in_days=expires_days, **_context())
    console.print(f"Token {info.id} '{info.name}' for {info.username}:")
    console.print(f"  {raw}")
    console.print("It is shown only now; it acts with the role and departments of its user.")


@tokens_app.command("list")
def tokens_list(
    user: Annotated[str | None, typer.Option("--user", "-u", help="one user's tokens")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Every token (never the token itself): id, user, name, created, last used, state."""
    from rich.table import Table

    from ikkan.auth.timeutil import local
    from ikkan.auth.tokens import list_tokens
    from ikkan.cli.render import console

    tokens = list_tokens(_engine(), user)
    if as_json:
        rows = [
            {
                k: (v.isoformat() + "Z" if hasattr(v, "isoformat") else v)
                for k, v in asdict(t).items()
            }
            for t in tokens
        ]
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table("id", "user", "name", "starts with", "created (JST)", "last used", "state")
    for t in tokens:
        state = (
            "revoked"
            if t.revoked_at
            else ("expires " + local(t.expires_at) if t.expires_at else "active")
        )
        table.add_row(
            str(t.id),
            t.username,
            t.name,
            t.prefix + "…",
            local(t.created_at),
            local(t.last_used_at),
            state,
        )
    console.print(table)


@tokens_app.command("revoke")
def tokens_revoke(
    token_id: Annotated[int, typer.Argument(help="id from ikkan tokens list")],
) -> None:
    """Revoke a token: it stops working at once."""
    from ikkan.auth.tokens import revoke_token
    from ikkan.cli.render import console

    info = revoke_token(_engine(), token_id, **_context())
    console.print(f"Revoked token {info.id} '{info.name}' of {info.username}.")


def audit_log(
    limit: Annotated[int, typer.Option("--limit", "-n", help="how many entries")] = 50,
    user: Annotated[str | None, typer.Option("--user", "-u", help="one actor's entries")] = None,
    action: Annotated[
        str | None, typer.Option("--action", help="one action, e.g. user_add")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """The audit log, newest first: who, when, what, on what, from where."""
    from rich.table import Table

    from ikkan.auth.audit import read_audit
    from ikkan.auth.timeutil import local
    from ikkan.cli.render import console
    from ikkan.cli.terminal import one_line

    entries = read_audit(_engine(), limit=limit, actor=user, action=action)
    if as_json:
        rows = [{**asdict(e), "at": e.at.isoformat() + "Z"} for e in entries]
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        return
    table = Table("when (JST)", "who", "action", "target", "detail", "from")
    for e in entries:
        where = e.via if not e.ip else f"{e.via} {e.ip}"
        detail = json.dumps(e.detail, ensure_ascii=False) if e.detail else ""
        table.add_row(local(e.at), e.actor, e.action, e.target, one_line(detail), where)
    console.print(table)
