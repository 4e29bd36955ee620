"""Shared CLI pieces: the --db option, consoles, quiet mode, standard streams, and loading a case.

Only Typer, Rich and light sevenfold modules are imported here: every command module imports this
file, so anything heavy (the case model, the store, SciPy...) is imported inside the functions.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

if TYPE_CHECKING:
    from sevenfold.model import Case

# emoji=False: ":name:" in case text stays as written (and rich's emoji table is never loaded)
console = Console(highlight=False, soft_wrap=False, emoji=False)
err = Console(stderr=True, highlight=False, emoji=False)

STDIO = "-"  # names standard input (where a file is read) or standard output (where one is written)

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

JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout instead of tables "
                                          "(errors too: {\"error\": ..., \"problems\": [...]}).")]

_quiet = False


def set_quiet(value: bool) -> None:
    """--quiet: the human-readable output (stdout tables, stderr notes and progress) is dropped;
    errors, --json output and data written to standard output are not."""
    global _quiet
    _quiet = value
    console.quiet = value
    err.quiet = value


def stdout_console(**kwargs: Any) -> Console:
    """A fresh stdout Console that honours --quiet (a stderr one while the data goes to stdout)."""
    kwargs.setdefault("quiet", _quiet)
    kwargs.setdefault("emoji", False)
    if _data_on_stdout:
        kwargs["stderr"] = True
    return Console(**kwargs)


def cli_actor() -> str:
    """The audit-log actor of a CLI command (imported lazily: the store module loads SQLAlchemy)."""
    from sevenfold.store.audit import cli_actor as _actor

    return _actor()


def open_store(db: str | None):  # type: ignore[no-untyped-def]
    from sevenfold.store import Store

    return Store(db)


def looks_like_file(ref: str) -> bool:
    """Whether ``ref`` names a file (or standard input) rather than being inline text or an id: inline
    YAML with a line break, or a name the file system cannot hold, is never a file."""
    if ref == STDIO:
        return True
    if "\n" in ref or "\x00" in ref:
        return False
    p = Path(ref)
    if p.suffix.lower() in {".yaml", ".yml", ".json"}:
        return True
    try:
        return p.exists()
    except OSError:  # a name too long for the file system, say
        return False


def load_case_file(ref: str | Path) -> Case:
    """A case file, or '-' for a case (YAML or JSON) on standard input."""
    from sevenfold.model import load_case, loads_case

    if str(ref) == STDIO:
        return loads_case(read_stdin_text(), "<stdin>")
    return load_case(ref)


def read_stdin_bytes() -> bytes:
    """Standard input, with the same size limit as a file (SEVENFOLD_LIMIT_FILE_BYTES)."""
    from sevenfold import limits
    from sevenfold.errors import LimitExceeded

    maximum = limits.current().file_bytes
    raw = getattr(sys.stdin, "buffer", None)  # a text-only stream (tests, embedding) has no buffer
    data = raw.read(maximum + 1) if raw is not None else sys.stdin.read(maximum + 1).encode("utf-8")
    if len(data) > maximum:
        raise LimitExceeded("file_bytes", f"more than {maximum}", maximum, "<stdin>")
    return data


def read_stdin_text() -> str:
    """Standard input as UTF-8 text (a BOM is dropped), size-limited like a file."""
    from sevenfold.errors import InputError

    try:
        return read_stdin_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"<stdin>: not UTF-8 text (byte {exc.start}: {exc.reason})") from None


def load_case_ref(ref: str, db: str | None) -> Case:
    """A case file path ('-' for standard input), or the id of a case in the store."""
    if looks_like_file(ref):
        return load_case_file(ref)
    with open_store(db) as store:
        return store.load_case(ref)


def is_stdio(path: object) -> bool:
    """True when an option's value is '-' (standard input or output)."""
    return path is not None and str(path) == STDIO


def one_stdout(outputs: Mapping[str, object]) -> str | None:
    """The one option of ``outputs`` (option name -> value) that names standard output, or None.

    Standard output carries one file: two options naming '-' are refused (exit 2) rather than mixed."""
    return _one_stdio(outputs, "name standard output ('-'); only one output can go there")


def one_stdin(inputs: Mapping[str, object]) -> str | None:
    """The one option of ``inputs`` that reads standard input, or None; two are refused (exit 2)."""
    return _one_stdio(inputs, "read standard input ('-'), which can be read once")


def _one_stdio(options: Mapping[str, object], why: str) -> str | None:
    from sevenfold.errors import InputError

    named = [name for name, value in options.items() if is_stdio(value)]
    if len(named) == 2:
        raise InputError(f"{named[0]} and {named[1]} both {why}: give one of them a file name")
    if len(named) > 2:
        raise InputError(f"{', '.join(named)} all {why}: give all but one a file name")
    return named[0] if named else None


_data_on_stdout = False


@contextlib.contextmanager
def data_on_stdout(active: bool = True) -> Iterator[None]:
    """While a command's data goes to standard output ('-'), everything else it prints — tables,
    'wrote ...' lines, the --json summary — goes to standard error: stdout holds the data alone."""
    global _data_on_stdout
    if not active:
        yield
        return
    saved, was, console.file = console._file, _data_on_stdout, sys.stderr
    _data_on_stdout = True
    try:
        yield
    finally:
        _data_on_stdout = was
        console.file = saved  # type: ignore[assignment]


def check_output(path: Path | str | None, inputs: Iterable[Path | str | None] = ()) -> None:
    """Refuse a file output that cannot be written (missing folder, a folder, /proc, one of the command's
    ``inputs``) before any work; '-' and None pass."""
    if path is None or is_stdio(path):
        return
    from sevenfold.errors import InputError
    from sevenfold.fileio import output_kind

    out = Path(path)
    if not out.parent.exists():
        raise InputError(f"{out}: cannot write: folder {out.parent} does not exist")
    output_kind(out, inputs)


def write_output(out: Path | str | None, data: str | bytes) -> bool:
    """Write ``data`` to ``out`` atomically, or to standard output when ``out`` is None or '-'.

    Returns True when it went to a file (so the caller may say 'wrote FILE' on stderr)."""
    if out is None or is_stdio(out):
        if isinstance(data, bytes):
            raw = getattr(sys.stdout, "buffer", None)
            if raw is None:  # a text-only stream (tests, embedding)
                sys.stdout.write(data.decode("utf-8", "surrogateescape"))
            else:
                sys.stdout.flush()
                raw.write(data)
                raw.flush()
        else:
            sys.stdout.write(data)
        sys.stdout.flush()
        return False
    from sevenfold.fileio import write_atomic

    write_atomic(Path(out), data)
    return True


def print_json(data: Any) -> None:
    """One JSON object on stdout (on stderr while the command's data goes to stdout)."""
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2), err=_data_on_stdout)


class stdin_file:
    """``with stdin_file(path, ".json") as p:`` — ``p`` is ``path``, or for '-' a temporary file holding
    standard input (size-limited like a file), so readers that take a path accept '-' too."""

    def __init__(self, path: Path | str, suffix: str = "") -> None:
        self.path, self.suffix = Path(path), suffix
        self._tmp: Path | None = None

    def __enter__(self) -> Path:
        if str(self.path) != STDIO:
            return self.path
        import tempfile

        data = read_stdin_bytes()
        suffix = ".parquet" if data[:4] == b"PAR1" else self.suffix  # a Parquet table is known by its magic
        fh = tempfile.NamedTemporaryFile(prefix="sevenfold-stdin-", suffix=suffix, delete=False)
        with fh:
            fh.write(data)
        tmp = self._tmp = Path(fh.name)
        return tmp

    def __exit__(self, *exc: object) -> None:
        if self._tmp is not None:
            self._tmp.unlink(missing_ok=True)


class stdout_file:
    """``with stdout_file(path, ".csv") as p:`` — ``p`` is ``path`` (checked to be writable before any
    work), or for '-' a temporary file whose bytes go to standard output when the block ends without
    an error, so writers that take a path accept '-' too (``suffix`` picks their format)."""

    def __init__(self, path: Path | str, suffix: str = "") -> None:
        self.path, self.suffix = Path(path), suffix
        self._tmp: Path | None = None

    def __enter__(self) -> Path:
        if not is_stdio(self.path):
            check_output(self.path)
            return self.path
        import tempfile

        fh = tempfile.NamedTemporaryFile(prefix="sevenfold-stdout-", suffix=self.suffix, delete=False)
        fh.close()
        tmp = self._tmp = Path(fh.name)
        return tmp

    def __exit__(self, exc_type: object, *exc: object) -> None:
        if self._tmp is None:
            return
        try:
            if exc_type is None:
                write_output(STDIO, self._tmp.read_bytes())
        finally:
            self._tmp.unlink(missing_ok=True)
