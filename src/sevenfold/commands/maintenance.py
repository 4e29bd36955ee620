"""Store maintenance commands: check, backup, restore."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from sevenfold.commands._common import DbOption, JsonOption, console, err, open_store, print_json, stdin_file


def register(app: typer.Typer) -> None:
    app.command("check")(check)
    app.command("backup")(backup)
    app.command("restore")(restore)


def check(
    db: DbOption = None,
    quick: Annotated[bool, typer.Option("--quick", help="Skip re-validating every case through the case "
                                        "model (the database, reference and audit checks still run).")] = False,
    json_out: JsonOption = False,
) -> None:
    """Check a store's integrity: database, schema, references, audit chain, every case.

    Exit 0 when every check passes, 1 when one fails (each problem is listed).

    Example: sevenfold check --db cases.db
    """
    from sevenfold.errors import StoreError
    from sevenfold.store import resolve_db_url
    from sevenfold.store.maintenance import check_store, check_unopenable_sqlite

    try:
        store = open_store(db)
    except StoreError as exc:  # a damaged SQLite file: say what SQLite finds, exit 1
        report = check_unopenable_sqlite(resolve_db_url(db), str(exc))
        if report is None:
            raise
    else:
        with store:
            report = check_store(store, deep=not quick)
    if json_out:
        print_json(report.to_json_dict())
    else:
        console.print(f"store {escape(report.store)} ({report.backend}), {report.cases} case(s)")
        for c in report.checks:
            mark = "[green]ok[/]  " if c.ok else "[bold red]FAIL[/]"
            console.print(f"  {mark} {c.name:<10} {escape(c.note)}")
            for p in c.problems:
                console.print(f"         - {escape(p)}", soft_wrap=True)
        console.print("[green]all checks passed[/]" if report.ok else
                      f"[bold red]{len(report.problems)} problem(s) found[/]")
    if not report.ok:
        raise typer.Exit(1)


def backup(
    file: Annotated[Path, typer.Argument(help="Backup file to write (replaced atomically if it exists); "
                                         "'-' for standard output.")],
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """Back up the whole store (cases, accounts, audit log) to FILE while others keep working.

    FILE may not be the live store, another database in use, a device or a pipe. A file it replaces
    keeps its mode; a new one is readable by its owner only (it holds password hashes).

    SQLite: an SQLite file made with the online backup API. PostgreSQL: a gzip-compressed logical
    dump (sevenfold-dump/1) that restores into PostgreSQL or SQLite.

    Example: sevenfold backup cases-2026-11-29.db --db cases.db
    """
    from sevenfold.store.maintenance import backup_store

    if str(file) == "-":  # made in a temporary file, then copied to standard output; the summary to stderr
        import shutil
        import sys
        import tempfile

        with tempfile.TemporaryDirectory(prefix="sevenfold-backup-") as tmp, open_store(db) as store:
            info = backup_store(store, Path(tmp) / "backup")
            with open(info.path, "rb") as fh:
                shutil.copyfileobj(fh, sys.stdout.buffer)
            sys.stdout.flush()
        if json_out:  # the backup is on stdout: the summary goes to stderr
            from sevenfold.commands._common import data_on_stdout

            with data_on_stdout():
                print_json({"file": "-", "kind": info.kind, "cases": info.cases, "bytes": info.bytes,
                            "rows": info.rows})
        else:
            err.print(f"backed up {info.cases} case(s) to standard output ({info.kind}, {info.bytes:,} bytes)")
        return
    with open_store(db) as store:
        info = backup_store(store, file)
    if json_out:
        print_json({"file": str(info.path), "kind": info.kind, "cases": info.cases, "bytes": info.bytes,
                    "rows": info.rows})
        return
    console.print(f"backed up {info.cases} case(s), {sum(info.rows.values())} rows to {escape(str(info.path))} "
                  f"({info.kind}, {info.bytes:,} bytes)")


def restore(
    file: Annotated[Path, typer.Argument(help="A backup made by `sevenfold backup` (SQLite file or dump); "
                                         "'-' for standard input.")],
    force: Annotated[bool, typer.Option("--force", help="Replace a store that already holds cases.")] = False,
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """Restore a store from a backup, as one transaction; refuses to overwrite cases without --force.

    Before anything is written, every case in the backup is validated as `sevenfold import` validates
    a new case, and the backup's audit chain and the state bound to it are checked: the first problem
    refuses the whole backup (exit 2). The restored store is checked (`sevenfold check`) afterwards;
    exit 1 if that check fails.

    Example: sevenfold restore cases-2026-11-29.db --db cases.db --force
    """
    from sevenfold.store.maintenance import check_store, restore_store

    with stdin_file(file, ".backup") as path, open_store(db) as store:
        rows = restore_store(store, path, force=force)
    with open_store(db) as store:
        report = check_store(store, deep=False)
    if json_out:
        print_json({"file": str(file), "rows": rows, "check": report.to_json_dict()})
    else:
        console.print(f"restored {rows.get('cases', 0)} case(s), {sum(rows.values())} rows from "
                      f"{escape(str(file))}")
        if report.ok:
            console.print("check after restore: all checks passed")
        for p in report.problems:
            err.print(f"check after restore: {escape(p)}")
    if not report.ok:
        raise typer.Exit(1)
