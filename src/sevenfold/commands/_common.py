"""Shared CLI pieces: the --db option, consoles, and loading a case from a file or the store."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from sevenfold.model import Case, load_case

console = Console(highlight=False, soft_wrap=False)
err = Console(stderr=True, highlight=False)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="SEVENFOLD_DB",
        help="Store URL or SQLite path (default ~/.local/share/sevenfold/sevenfold.db; "
        "e.g. postgresql+psycopg://user:pw@host/db).",
        show_envvar=True,
    ),
]

JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout instead of tables.")]


def open_store(db: str | None):  # type: ignore[no-untyped-def]
    from sevenfold.store import Store

    return Store(db)


def looks_like_file(ref: str) -> bool:
    p = Path(ref)
    return p.suffix.lower() in {".yaml", ".yml", ".json"} or p.exists()


def load_case_ref(ref: str, db: str | None) -> Case:
    """A case file path, or the id of a case in the store."""
    if looks_like_file(ref):
        return load_case(ref)
    with open_store(db) as store:
        return store.load_case(ref)


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
