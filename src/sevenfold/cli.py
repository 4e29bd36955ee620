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

from sevenfold.errors import SevenfoldError

# One line per command module; each module registers its own commands.
COMMAND_MODULES = [
    "sevenfold.commands.case",
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
    """Entry point: run the app, mapping SevenfoldError to exit code 2 with a clear message."""
    try:
        app(args=argv, standalone_mode=False)
    except SevenfoldError as exc:
        err_console.print(f"[bold red]error:[/] {exc}", markup=True, soft_wrap=True)
        return exc.exit_code
    except typer.Exit as exc:
        return exc.exit_code
    except SystemExit as exc:  # click usage errors in non-standalone mode arrive as this
        return int(exc.code or 0)
    except KeyboardInterrupt:
        err_console.print("interrupted; nothing half-written (imports are transactions)")
        return 130
    except Exception as exc:  # click.UsageError etc.
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            return 2
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main())
