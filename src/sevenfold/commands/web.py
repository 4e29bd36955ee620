"""Workbench commands: ``serve``, ``user add/passwd/grant/revoke/token/tokens/revoke-token/list``,
``audit verify/log``."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer
from rich.markup import escape
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
    forwarded_allow_ips: Annotated[str | None, typer.Option(
        "--forwarded-allow-ips", help="Comma-separated addresses of reverse proxies whose X-Forwarded-For and "
        "X-Forwarded-Proto headers are believed (e.g. 127.0.0.1 behind a local nginx). Without it those "
        "headers are ignored and the client is the TCP peer.")] = None,
    db: DbOption = None,
    json_out: Annotated[bool, typer.Option("--json", help="Errors as JSON on stdout.")] = False,
) -> None:
    """Run the workbench (browser UI and JSON API under /api/v1).

    Example: sevenfold user add alice --admin && sevenfold serve --port 8765
    (behind a proxy on the same host: sevenfold serve --forwarded-allow-ips 127.0.0.1)
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
    proxy = proxy_options(forwarded_allow_ips)
    if workers > 1:
        os.environ["SEVENFOLD_DB"] = store.url
        store.close()
        uvicorn.run("sevenfold.web.server:app", host=host, port=port, workers=workers, log_level="warning",
                    **proxy)
    else:
        uvicorn.run(create_app(store, secure_cookies=secure_cookies), host=host, port=port, log_level="warning",
                    **proxy)


def proxy_options(forwarded_allow_ips: str | None) -> dict[str, Any]:
    """uvicorn's proxy settings: forwarded headers only from the proxies named (never by default,
    whatever FORWARDED_ALLOW_IPS says in the environment)."""
    ips = [p.strip() for p in (forwarded_allow_ips or "").split(",") if p.strip()]
    if not ips:
        return {"proxy_headers": False, "forwarded_allow_ips": ""}
    return {"proxy_headers": True, "forwarded_allow_ips": ips}


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
    json_out: JsonOption = False,
) -> None:
    """Add a workbench user (argon2-hashed password).

    Example: sevenfold user add alice --admin
    """
    from sevenfold.store import accounts
    from sevenfold.store.audit import cli_actor

    password = _read_password(password_stdin)
    with open_store(db) as store:
        user = accounts.create_user(store, name, password, admin=admin, actor=cli_actor())
    if json_out:
        print_json({"user": user.name, "admin": user.is_admin})
        return
    err.print(f"added user {user.name}{' (admin)' if user.is_admin else ''}")


@user_app.command("passwd")
def user_passwd(name: Annotated[str, typer.Argument(help="User name.")], password_stdin: PasswordStdin = False,
                keep_tokens: Annotated[bool, typer.Option("--keep-tokens",
                                                          help="Leave the user's API tokens valid.")] = False,
                db: DbOption = None, json_out: JsonOption = False) -> None:
    """Set a user's password; every credential of theirs ends: browser sessions and API tokens.

    Example: sevenfold user passwd alice   (--keep-tokens: a routine change that keeps the tokens)
    """
    from sevenfold.store import accounts
    from sevenfold.store.audit import cli_actor

    password = _read_password(password_stdin)
    with open_store(db) as store:
        revoked = accounts.set_password(store, name, password, actor=cli_actor(), revoke_tokens=not keep_tokens)
    if json_out:
        print_json({"user": name, "tokens_revoked": revoked})
        return
    tokens = "API tokens kept" if keep_tokens else f"{revoked} API token{'s' if revoked != 1 else ''} revoked"
    err.print(f"password of {name} changed; their sessions ended, {tokens}")


@user_app.command("grant")
def user_grant(
    name: Annotated[str, typer.Argument(help="User name.")],
    case_id: Annotated[str, typer.Argument(metavar="CASE_ID", help="Case id (left out with --all-cases).")],
    role: Annotated[str | None, typer.Argument(metavar="ROLE", help="reader | analyst | owner")] = None,
    all_cases: Annotated[bool, typer.Option(
        "--all-cases", help="Grant ROLE on every case in the store (e.g. cases imported with the CLI).")] = False,
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """Give a user a role on a case (replacing their earlier role), or on every case with --all-cases.

    Example: sevenfold user grant bob zarubin-1937 analyst;  sevenfold user grant alice --all-cases owner
    """
    from sevenfold.store import accounts
    from sevenfold.store.audit import cli_actor

    if all_cases:
        if role is not None:
            raise InputError("user grant --all-cases takes NAME and ROLE, not a case id")
        role, cases = case_id, None
    elif role is None:
        raise InputError("user grant: give NAME CASE_ID ROLE, or NAME --all-cases ROLE")
    else:
        cases = [case_id]
    with open_store(db) as store:
        accounts.check_role(role)
        accounts.get_user(store, name)
        if cases is None:
            cases = [c.case_id for c in store.list_cases()]
        for case in cases:
            accounts.grant(store, case, name, role, actor=cli_actor())
    if json_out:
        print_json({"user": name, "role": role, "cases": cases})
        return
    err.print(f"{name} is now {role} of {', '.join(cases) if cases else 'no case (the store has none)'}")


@user_app.command("revoke")
def user_revoke(name: Annotated[str, typer.Argument(help="User name.")],
                case_id: Annotated[str, typer.Argument(help="Case id.")], db: DbOption = None,
                json_out: JsonOption = False) -> None:
    """Take a user's access to a case away.

    Example: sevenfold user revoke bob zarubin-1937
    """
    from sevenfold.store import accounts
    from sevenfold.store.audit import cli_actor

    with open_store(db) as store:
        accounts.revoke(store, case_id, name, actor=cli_actor())
    if json_out:
        print_json({"user": name, "case": case_id, "revoked": True})
        return
    err.print(f"{name} no longer has access to {case_id}")


@user_app.command("token")
def user_token(name: Annotated[str, typer.Argument(help="User name.")],
               label: Annotated[str, typer.Option("--label", help="What the token is for.")] = "",
               db: DbOption = None, json_out: JsonOption = False) -> None:
    """Create an API token (printed once on stdout; only its hash is stored).

    Example: curl -H "Authorization: Bearer $(sevenfold user token alice)" http://127.0.0.1:8765/api/v1/cases
    """
    from sevenfold.store import accounts
    from sevenfold.store.audit import cli_actor

    with open_store(db) as store:
        token = accounts.create_token(store, name, label, actor=cli_actor())
    if json_out:
        print_json({"user": name, "label": label, "token": token})
        return
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
        table.add_row(str(t.id), t.label, str(t.to_json_dict()["created_at"]))
    console.print(table)


@user_app.command("revoke-token")
def user_revoke_token(name: Annotated[str, typer.Argument(help="User name.")],
                      token_id: Annotated[int, typer.Argument(help="Token id (from `sevenfold user tokens`).")],
                      db: DbOption = None, json_out: JsonOption = False) -> None:
    """Revoke one API token of a user; it is refused at once by every server process.

    Example: sevenfold user revoke-token alice 3
    """
    from sevenfold.store import accounts
    from sevenfold.store.audit import cli_actor

    with open_store(db) as store:
        info = accounts.revoke_token(store, name, token_id, actor=cli_actor())
    if json_out:
        print_json({"user": name, "token_id": info.id, "label": info.label, "revoked": True})
        return
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
def audit_verify(
    kept_head: Annotated[str | None, typer.Option(
        "--head", help="SEQ:HASH printed earlier by `sevenfold audit head` and kept elsewhere: the log must "
        "still hold that record (detects a truncated or rewritten tail).")] = None,
    db: DbOption = None, json_out: JsonOption = False,
) -> None:
    """Check the audit log's hash chain and the state bound to it: exit 0 if intact, 1 if a record was
    tampered with, deleted, reordered or inserted, or a case or the accounts differ from the state the
    log recorded (rows changed in the database behind sevenfold's back).

    Example: sevenfold audit verify --head "$(cat audit-head.txt)"
    """
    from sevenfold.store.audit import head, parse_head, verify_chain

    if kept_head is not None:
        parse_head(kept_head)  # a malformed --head is bad input (exit 2), not a failed check
    with open_store(db) as store:
        problems = verify_chain(store, expected_head=kept_head)
        seq, digest = head(store)
    if json_out:
        print_json({"ok": not problems, "records": seq, "head": digest, "head_ref": f"{seq}:{digest}",
                    "problems": [{"seq": p.seq, "kind": p.kind, "message": p.message} for p in problems]})
    elif problems:
        for p in problems:
            err.print(f"[red]{escape(str(p))}[/]", markup=True, soft_wrap=True)
    else:
        err.print(f"audit log intact: {seq} records, head {digest}")
    if problems:
        raise typer.Exit(1)


@audit_app.command("head")
def audit_head(db: DbOption = None, json_out: JsonOption = False) -> None:
    """Print the head of the audit log as SEQ:HASH, to keep somewhere the store's users cannot write
    (a ticket, a signed e-mail, another machine); later `sevenfold audit verify --head SEQ:HASH`
    detects a log whose tail was truncated or rewritten since.

    Example: sevenfold audit head >> ~/audit-heads.txt
    """
    from sevenfold.store.audit import head

    with open_store(db) as store:
        seq, digest = head(store)
    if json_out:
        print_json({"seq": seq, "hash": digest, "head_ref": f"{seq}:{digest}"})
        return
    typer.echo(f"{seq}:{digest}")


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
