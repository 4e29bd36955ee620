"""The ``sevenfold`` command line: a thin Typer layer over the façade.

Commands live in small modules under ``sevenfold.commands``; each exposes
``register(app: typer.Typer) -> None``. This file only assembles them and turns every
``SevenfoldError`` into a clear message and exit code (0 ok, 1 a check failed, 2 bad input).
"""

from __future__ import annotations

import importlib
import sys

import typer
from rich.console import Console
from rich.markup import escape

from sevenfold.errors import SevenfoldError

# One line per command module; each module registers its own commands.
COMMAND_MODULES = [
    "sevenfold.commands.case",
    "sevenfold.commands.provenance",
    "sevenfold.commands.cite",
    "sevenfold.commands.fusion",
    "sevenfold.commands.maintenance",
    "sevenfold.commands.names",
    "sevenfold.commands.interop",
    "sevenfold.commands.web",
]

app = typer.Typer(
    name="sevenfold",
    help=(
        "Deception-aware evidence assessment. 'Measure off seven times and cut one time.'\n\n"
        "Store selection everywhere: --db URL or SEVENFOLD_DB (a path means SQLite; default "
        "~/.local/share/sevenfold/sevenfold.db). Exit codes: 0 ok, 1 a check failed, 2 bad input."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)

for _name in COMMAND_MODULES:
    importlib.import_module(_name).register(app)

err_console = Console(stderr=True, highlight=False)


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app; a SevenfoldError becomes a clear message and its exit code."""
    try:
        app(args=argv, prog_name="sevenfold")  # standalone: click prints usage errors, exits 2
    except SevenfoldError as exc:
        err_console.print(f"[bold red]error:[/] {escape(str(exc))}", markup=True, soft_wrap=True)
        return exc.exit_code
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 2)
    except KeyboardInterrupt:
        err_console.print("interrupted; nothing half-written (imports are transactions)")
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
