"""Writing output files safely.

A regular file (or a new one) is written through a temporary sibling and a rename: never half a
file, and a file that is replaced keeps its mode. A character device or a FIFO the user names
(``/dev/stdout``, ``/dev/null``, a named pipe) is written in place, as a plain ``open()`` would:
it is never replaced by a regular file. Paths under ``/proc`` and ``/sys`` are refused. A write
that fails (no space left, read-only file system, no permission) is one clear line, exit 2.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from sevenfold.errors import InputError

_PSEUDO_FS = ("/proc", "/sys")


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "no space left on the device"
    if exc.errno == errno.EDQUOT:
        return "disk quota exceeded"
    return exc.strerror or str(exc)


def write_error(path: str | os.PathLike[str], exc: OSError) -> InputError:
    """The one-line refusal for an OSError raised while writing ``path``."""
    return InputError(f"{path}: cannot write: {_reason(exc)}")


def output_kind(path: str | os.PathLike[str], inputs: Iterable[str | os.PathLike[str] | None] = ()) -> str:
    """How ``path`` would be written: ``file`` (regular or new) or ``special`` (device, FIFO, socket).

    Raises InputError for a folder, a missing folder, paths under /proc or /sys, and an existing file
    that is also one of the command's ``inputs`` (written, it would replace what is being read).
    """
    out = Path(path)
    try:
        resolved = out.resolve()
    except (OSError, RuntimeError) as exc:
        raise InputError(f"{out}: cannot resolve the path: {exc}") from None
    for root in _PSEUDO_FS:
        if resolved == Path(root) or Path(root) in resolved.parents:
            raise InputError(f"{out}: refused: {root} is a kernel file system, not a place for output files")
    try:
        st = os.stat(out)
    except FileNotFoundError:
        if not out.parent.exists():
            raise InputError(f"{out}: folder {out.parent} does not exist") from None
        return "file"
    except OSError as exc:
        raise InputError(f"{out}: cannot use as output: {_reason(exc)}") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(f"{out}: is a directory; give a file name")
    if stat.S_ISREG(st.st_mode):
        for source in inputs:
            if source is not None and str(source) != "-" and _same_file(st, source):
                raise InputError(f"{out}: refused: this is also the input {source}; writing the output there "
                                 "would overwrite what is being read: give another file name")
        return "file"
    return "special"


def _same_file(st: os.stat_result, other: str | os.PathLike[str]) -> bool:
    """Whether ``other`` is the file of ``st`` (os.path.samefile: the same device and inode, so links too)."""
    try:
        o = os.stat(other)
    except (OSError, ValueError):
        return False
    return (st.st_dev, st.st_ino) == (o.st_dev, o.st_ino)


def safe_child(folder: str | os.PathLike[str], name: str) -> Path:
    """``folder / name`` for a file name derived from data (a case id): refused when it would leave ``folder``."""
    base = Path(folder)
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\x00" in name:
        raise InputError(f"{name!r} cannot be used as a file name in {base}; give --out FILE")
    child = base / name
    if child.resolve().parent != base.resolve():
        raise InputError(f"{name!r} would be written outside {base}; give --out FILE")
    return child


def copy_mode(existing: str | os.PathLike[str], tmp: str | os.PathLike[str]) -> bool:
    """Give ``tmp`` the mode (and, as root, the owner) of ``existing`` before it replaces it.
    False when ``existing`` does not exist."""
    try:
        st = os.stat(existing)
    except FileNotFoundError:
        return False
    os.chmod(tmp, stat.S_IMODE(st.st_mode))
    if os.geteuid() == 0:  # root replacing someone's file: it stays theirs
        with contextlib.suppress(OSError):
            os.chown(tmp, st.st_uid, st.st_gid)
    return True


def _same_mode_as(existing: Path, tmp: str) -> None:
    if not copy_mode(existing, tmp):
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; a new file gets what open() would give


def write_atomic(path: str | os.PathLike[str], data: bytes | str) -> Path:
    """Write ``data`` to ``path``: regular files through a temporary sibling and a rename (never
    half a file; a replaced file keeps its mode), devices and FIFOs in place."""
    out = Path(path)
    kind = output_kind(out)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if kind == "special":
        try:
            with open(out, "wb") as fh:
                fh.write(raw)
                fh.flush()
        except OSError as exc:
            raise write_error(out, exc) from None
        return out
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    except OSError as exc:
        raise write_error(out, exc) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        _same_mode_as(out, tmp)
        os.replace(tmp, out)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise write_error(out, exc) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out
