"""Workbench commands: ``serve``, ``user add/passwd/grant/revoke/token/tokens/revoke-token/list``,
``audit verify/log``."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer
from rich.table import Table

from sevenfold.commands._common import DbOption, JsonOption, console, err, open_store, print_json
from sevenfold.errors import InputError

user_app = typer.Typer(help="Workbench accounts: users, passwords, per-case grants and API tokens.",
                       no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit log of every change.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.add_typer(user_app, name="user")
    app.add_typer(audit_app, name="audit")


def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8765,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Server processes.")] = 1,
    secure_cookies: Annotated[bool, typer.Option("--secure-cookies/--no-secure-cookies",
                                                 help="Mark session cookies Secure (behind HTTPS).")] = False,
    db: DbOption = None,
) -> None:
    """Run the workbench (browser UI and JSON API under /api/v1).

    Example: sevenfold user add alice --admin && sevenfold serve --port 8765
    """
    import os

    try:
        import uvicorn

        from sevenfold.web import create_app
    except ImportError as exc:
        raise InputError("the workbench needs the web extra: pip install 'sevenfold[web]' "
                         f"({exc.name} missing)") from None
    from sevenfold.store import accounts

    store = open_store(db)
    if not accounts.has_users(store):
        err.print("[yellow]no users yet:[/] create one with `sevenfold user add NAME --admin`")
    if secure_cookies:
        os.environ["SEVENFOLD_SECURE_COOKIES"] = "1"
    err.print(f"sevenfold workbench on http://{host}:{port}/  (store {store.url.split('@')[-1]})")
    if workers > 1:
        os.environ["SEVENFOLD_DB"] = store.url
        store.close()
        uvicorn.run("sevenfold.web.server:app", host=host, port=port, workers=workers, log_level="warning")
    else:
        uvicorn.run(create_app(store, secure_cookies=secure_cookies), host=host, port=port, log_level="warning")


def _read_password(password_stdin: bool, confirm: bool = True) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return typer.prompt("Password", hide_input=True, confirmation_prompt=confirm)


PasswordStdin = Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin (scripts).")]


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="User name (letters, digits, . _ @ -).")],
    admin: Annotated[bool, typer.Option("--admin", help="May create users in the workbench.")] = False,
    password_stdin: PasswordStdin = False,
    db: DbOption = None,
) -> None:
    """Add a workbench user (argon2-hashed password).

    Example: sevenfold user add alice --admin
    """
    from sevenfold.store import accounts
    from sevenfold.store.audit import cli_actor

    password = _read_password(password_stdin)
    with open_store(db) as store:
        user = accounts.create_user(store, name, password, admin=admin, actor=cli_actor())
    err.print(f"added user {user.name}{' (admin)' if user.is_admin else ''}")


@user_app.command("passwd")
def user_passwd(name: Annotated[str, typer.Argument(help="User name.")], password_stdin: PasswordStdin = False,
                keep_tokens: Annotated[bool, typer.Option("--keep-tokens",
                                                          help="Leave the user's API tokens valid.")] = False,
                db: DbOption = None) -> None:
    """Set a user's password; every credential of theirs ends: browser sessions and API tokens.

    Example: sevenfold user passwd alice   (--keep-tokens: a routine change that keeps the tokens)
    """
    from sevenfold.store import accounts
    from sevenfold.store.audit import cli_actor

    password = _read_password(password_stdin)
    with open_store(db) as store:
        revoked = accounts.set_password(store, name, password, actor=cli_actor(), revoke_tokens=not keep_tokens)
    tokens = "API tokens kept" if keep_tokens else f"{revoked} API token{'s' if revoked != 1 else ''} revoked"
    err.print(f"password of {name} changed; their sessions ended, {tokens}")


@user_app.command("grant")
def user_grant(
    name: Annotated[str, typer.Argument(help="User name.")],
    case_id: Annotated[str, typer.Argument(help="Case id.")],
    role: Annotated[str, typer.Argument(help="reader | analyst | owner")],
    db: DbOption = None,
) -> None:
    """Give a user a role on a case (replacing their earlier role).

    Example: sevenfold user grant bob zarubin-1937 analyst
    """
    from sevenfold.store import accounts
    from sevenfold.store.audit import cli_actor

    with open_store(db) as store:
        accounts.grant(store, case_id, name, role, actor=cli_actor())
    err.print(f"{name} is now {role} of {case_id}")


@user_app.command("revoke")
def user_revoke(name: Annotated[str, typer.Argument(help="User name.")],
                case_id: Annotated[str, typer.Argument(help="Case id.")], db: DbOption = None) -> None:
    """Take a user's access to a case away.

    Example: sevenfold user revoke bob zarubin-1937
    """
    from sevenfold.store import accounts
    from sevenfold.store.audit import cli_actor

    with open_store(db) as store:
        accounts.revoke(store, case_id, name, actor=cli_actor())
    err.print(f"{name} no longer has access to {case_id}")


@user_app.command("token")
def user_token(name: Annotated[str, typer.Argument(help="User name.")],
               label: Annotated[str, typer.Option("--label", help="What the token is for.")] = "",
               db: DbOption = None) -> None:
    """Create an API token (printed once on stdout; only its hash is stored).

    Example: curl -H "Authorization: Bearer $(sevenfold user token alice)" http://127.0.0.1:8765/api/v1/cases
    """
    from sevenfold.store import accounts
    from sevenfold.store.audit import cli_actor

    with open_store(db) as store:
        token = accounts.create_token(store, name, label, actor=cli_actor())
    typer.echo(token)
    err.print("store it now: it cannot be shown again")


@user_app.command("tokens")
def user_tokens(name: Annotated[str, typer.Argument(help="User name.")], db: DbOption = None,
                json_out: JsonOption = False) -> None:
    """List a user's API tokens: id, label and creation time (the tokens themselves are not stored).

    Example: sevenfold user tokens alice && sevenfold user revoke-token alice 3
    """
    from sevenfold.store import accounts

    with open_store(db) as store:
        tokens = accounts.list_tokens(store, name)
    if json_out:
        print_json([t.to_json_dict() for t in tokens])
        return
    table = Table("id", "label", "created")
    for t in tokens:
        table.add_row(str(t.id), t.label, t.to_json_dict()["created_at"])
    console.print(table)


@user_app.command("revoke-token")
def user_revoke_token(name: Annotated[str, typer.Argument(help="User name.")],
                      token_id: Annotated[int, typer.Argument(help="Token id (from `sevenfold user tokens`).")],
                      db: DbOption = None) -> None:
    """Revoke one API token of a user; it is refused at once by every server process.

    Example: sevenfold user revoke-token alice 3
    """
    from sevenfold.store import accounts
    from sevenfold.store.audit import cli_actor

    with open_store(db) as store:
        info = accounts.revoke_token(store, name, token_id, actor=cli_actor())
    err.print(f"revoked API token {info.id}{f' ({info.label})' if info.label else ''} of {name}")


@user_app.command("list")
def user_list(db: DbOption = None, json_out: JsonOption = False) -> None:
    """List users and the cases granted to them.

    Example: sevenfold user list --json
    """
    from sevenfold.store import accounts

    with open_store(db) as store:
        rows: list[dict[str, Any]] = [{"user": u.name, "admin": u.is_admin,
                                       "cases": accounts.grants_of_user(store, u.pk)}
                                      for u in accounts.list_users(store)]
    if json_out:
        print_json(rows)
        return
    table = Table("user", "admin", "cases")
    for r in rows:
        cases = ", ".join(f"{c} ({role})" for c, role in r["cases"].items())
        table.add_row(r["user"], "yes" if r["admin"] else "", cases)
    console.print(table)


@audit_app.command("verify")
def audit_verify(db: DbOption = None, json_out: JsonOption = False) -> None:
    """Check the audit log's hash chain: exit 0 if intact, 1 if tampered, deleted, reordered or inserted.

    Example: sevenfold audit verify --json
    """
    from sevenfold.store.audit import head, verify_chain

    with open_store(db) as store:
        problems = verify_chain(store)
        seq, digest = head(store)
    if json_out:
        print_json({"ok": not problems, "records": seq, "head": digest,
                    "problems": [{"seq": p.seq, "kind": p.kind, "message": p.message} for p in problems]})
    elif problems:
        for p in problems:
            err.print(f"[red]{p}[/]", markup=True)
    else:
        err.print(f"audit log intact: {seq} records, head {digest}")
    if problems:
        raise typer.Exit(1)


@audit_app.command("log")
def audit_log(case_id: Annotated[str | None, typer.Option("--case", help="Only this case.")] = None,
              limit: Annotated[int, typer.Option("--limit", min=1, help="Newest N records.")] = 50,
              db: DbOption = None, json_out: JsonOption = False) -> None:
    """Show the newest audit records.

    Example: sevenfold audit log --case zarubin-1937 --limit 20
    """
    from sevenfold.store.audit import records

    with open_store(db) as store:
        recs = records(store, case_id, limit=limit)
    if json_out:
        print_json([r.to_json_dict() for r in recs])
        return
    table = Table("seq", "when", "who", "action", "case")
    for r in recs:
        table.add_row(str(r.seq), r.at, r.who, r.action, r.case_id or "")
    console.print(table)
