"""The ``sevenfold`` command line: a thin Typer layer over the façade.

Commands live in small modules under ``sevenfold.commands``; each exposes
``register(app: typer.Typer) -> None``. This file only assembles them and turns every
``SevenfoldError`` into a clear message and exit code (0 ok, 1 a check failed, 2 bad input).

Start-up stays fast: the command modules import only Typer, Rich and light sevenfold modules at
import time; SciPy, SQLAlchemy, networkx, NumPy, pyarrow and the case model load inside the
command that needs them (tests/cli/test_startup.py guards this).
"""

from __future__ import annotations

import errno
import importlib
import json
import os
import sys
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from sevenfold.commands import _common
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
    "sevenfold.commands.entries",
]

_APP_SETTINGS: dict[str, Any] = dict(
    name="sevenfold",
    help=(
        "Deception-aware evidence assessment. 'Measure off seven times and cut one time.'\n\n"
        "Store selection everywhere: --db URL or SEVENFOLD_DB (a path means SQLite; default "
        "~/.local/share/sevenfold/sevenfold.db). Exit codes: 0 ok, 1 a check failed, 2 bad input. "
        "'-' names standard input or output wherever a file is read or written. --json (on every command) "
        "prints one JSON object on stdout, errors too: {\"error\": ..., \"problems\": [...]}. --quiet "
        "(anywhere on the line) prints nothing but errors and requested data (--json, export to stdout)."
    ),
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from sevenfold import __version__

        typer.echo(f"sevenfold {__version__}")
        raise typer.Exit(0)


def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", help="Print nothing but errors and requested data; "
                                        "accepted anywhere on the command line.")] = False,
) -> None:
    """Deception-aware evidence assessment."""
    if quiet:
        _common.set_quiet(True)


# Where each command is registered, so that running one command imports one command module and builds
# the Click command of that one only (Typer otherwise inspects all ~40 signatures on every run).
# tests/cli/test_startup.py keeps it in step with COMMAND_MODULES; a command missing here still runs,
# through the full app.
COMMAND_INDEX = {
    **dict.fromkeys(["init", "validate", "import", "export", "list", "show", "schema", "assess", "demo"],
                    "sevenfold.commands.case"),
    **dict.fromkeys(["provenance", "burn", "unburn"], "sevenfold.commands.provenance"),
    "cite": "sevenfold.commands.cite",
    **dict.fromkeys(["fuse", "fuse-dataset"], "sevenfold.commands.fusion"),
    **dict.fromkeys(["check", "backup", "restore"], "sevenfold.commands.maintenance"),
    "names": "sevenfold.commands.names",
    **dict.fromkeys(["report", "import-stix", "import-csl", "import-table", "import-ftm"],
                    "sevenfold.commands.interop"),
    **dict.fromkeys(["serve", "user", "audit"], "sevenfold.commands.web"),
    "entry": "sevenfold.commands.entries",
}

_parts: dict[str, typer.Typer] = {}
_full: list[typer.Typer] = []


def _new_app() -> typer.Typer:
    one = typer.Typer(**_APP_SETTINGS)
    one.callback()(_root)
    return one


def command_name(info: Any) -> str:
    """The name a registered command (CommandInfo) or group (TyperInfo) is called by."""
    if info.name:
        return str(info.name)
    return str(info.callback.__name__).lower().replace("_", "-").strip("-")


def _part(module: str) -> typer.Typer:
    """The commands one module registers, on a Typer of their own."""
    if module not in _parts:
        part = typer.Typer()
        importlib.import_module(module).register(part)
        _parts[module] = part
    return _parts[module]


def full_app() -> typer.Typer:
    """The app with every command (built on first use; ``sevenfold.cli.app`` is this)."""
    if not _full:
        whole = _new_app()
        for module in COMMAND_MODULES:
            part = _part(module)
            whole.registered_commands.extend(part.registered_commands)
            whole.registered_groups.extend(part.registered_groups)
        _full.append(whole)
    return _full[0]


def __getattr__(name: str) -> Any:
    if name == "app":
        return full_app()
    raise AttributeError(f"module 'sevenfold.cli' has no attribute {name!r}")


def _app_for(args: list[str]) -> typer.Typer:
    """The app to run ``args``: just the named command (and the root options) when the index knows it."""
    import os

    if os.environ.get("_SEVENFOLD_COMPLETE"):  # shell completion walks the whole tree
        return full_app()
    name = next((a for a in args if not a.startswith("-")), None)
    module = COMMAND_INDEX.get(name or "")
    if module is None or module not in COMMAND_MODULES:
        return full_app()
    part = _part(module)
    one = _new_app()
    one.registered_commands.extend(i for i in part.registered_commands if command_name(i) == name)
    one.registered_groups.extend(g for g in part.registered_groups if command_name(g) == name)
    if not one.registered_commands and not one.registered_groups:
        return full_app()
    return one


err_console = Console(stderr=True, highlight=False, emoji=False)


def _options(argv: list[str]) -> list[str]:
    """The tokens before a ``--`` separator (after it everything is a positional argument)."""
    return argv[: argv.index("--")] if "--" in argv else argv


def _json_error(message: str, problems: list[Any]) -> None:
    try:
        sys.stdout.write(json.dumps({"error": message, "problems": problems}, ensure_ascii=False, indent=2) + "\n")
        sys.stdout.flush()
    except OSError as exc:  # standard output is full or gone: the refusal still reaches the user
        if exc.errno not in _STDOUT_FAILURES:
            raise
        _discard_stdout()
        err_console.print(f"[bold red]error:[/] {escape(message)}", markup=True, soft_wrap=True)


def _problems(exc: SevenfoldError) -> list[Any]:
    import dataclasses

    out: list[Any] = []
    for p in getattr(exc, "problems", None) or []:
        out.append(dataclasses.asdict(p) if dataclasses.is_dataclass(p) and not isinstance(p, type) else str(p))
    return out


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app; a SevenfoldError becomes a clear message and its exit code.

    Under ``--json`` every refusal (bad input, usage errors) is one JSON object on stdout,
    ``{"error": "...", "problems": [...]}``, with the same exit code as without it.
    """
    try:  # the Click that Typer uses: vendored as typer._click in recent Typer releases
        import typer._click as click  # type: ignore[import-not-found,unused-ignore]
    except ImportError:  # pragma: no cover - older Typer on the Click package
        import click  # type: ignore[no-redef,unused-ignore]

    no_args_is_help = getattr(click.exceptions, "NoArgsIsHelpError", ())  # Click >= 8.2

    args = list(sys.argv[1:] if argv is None else argv)
    opts = _options(args)
    json_mode = "--json" in opts
    if "--quiet" in opts:  # a global flag that may follow the command: taken out before Click parses
        cut = len(opts)
        args = [a for a in args[:cut] if a != "--quiet"] + args[cut:]
        _common.set_quiet(True)
    try:
        code = _app_for(args)(args=args, prog_name="sevenfold", standalone_mode=False)
        sys.stdout.flush()  # a full disk shows here, not as a traceback at exit
    except SevenfoldError as exc:
        if json_mode:
            _json_error(str(exc), _problems(exc))
        else:
            err_console.print(f"[bold red]error:[/] {escape(str(exc))}", markup=True, soft_wrap=True)
        return exc.exit_code
    except no_args_is_help as exc:  # bare `sevenfold` or command group: the help, exit 2
        text = exc.format_message()  # empty when Typer's Rich formatter has already printed it
        if text.strip():
            typer.echo(text, err=True)
        return exc.exit_code
    except click.ClickException as exc:  # usage errors: unknown command or option, bad value
        if json_mode:
            _json_error(exc.format_message(), [])
        else:
            _show_usage_error(exc)
        return exc.exit_code
    except typer.Abort:
        err_console.print("aborted")
        return 1
    except SystemExit as exc:
        c = exc.code
        return c if isinstance(c, int) else (0 if c is None else 2)
    except KeyboardInterrupt:
        err_console.print("interrupted; nothing half-written (imports are transactions)")
        return 130
    except OSError as exc:
        if exc.errno not in _STDOUT_FAILURES or exc.filename is not None:
            raise
        return _stdout_failed(exc)
    finally:
        _common.set_quiet(False)
    return code if isinstance(code, int) else 0


#: write errors of standard output that end the command with one line (a file names itself in the error)
_STDOUT_FAILURES = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EPIPE)


def _stdout_failed(exc: OSError) -> int:
    """Standard output cannot take the output: one line as for ``--out FILE`` (exit 2), or nothing for a
    reader that has gone (``| head``: exit 1, as Click does). What is still buffered is dropped."""
    from sevenfold.fileio import write_error

    _discard_stdout()
    if exc.errno == errno.EPIPE:
        return 1
    err_console.print(f"[bold red]error:[/] {escape(str(write_error('standard output', exc)))}",
                      markup=True, soft_wrap=True)
    return 2


def _discard_stdout() -> None:
    """Point standard output at /dev/null: what is still buffered is dropped, so the flush at exit
    neither fails nor prints."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # not a real file (tests, embedding)
        pass


def _show_usage_error(exc: Any) -> None:
    try:
        from typer import rich_utils

        rich_utils.rich_format_error(exc)
    except Exception:  # an older Typer without the Rich formatter
        exc.show()


if __name__ == "__main__":
    sys.exit(main())
