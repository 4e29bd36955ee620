"""Writing output files safely: through a temporary sibling and a rename, never half a file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from sevenfold.errors import InputError


def write_atomic(path: str | os.PathLike[str], data: bytes | str) -> Path:
    """Write ``data`` to ``path`` through a temporary sibling and a rename: never half a file."""
    out = Path(path)
    if out.is_dir():
        raise InputError(f"{out}: is a directory; give a file name")
    if not out.parent.exists():
        raise InputError(f"{out}: folder {out.parent} does not exist")
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp creates the file 0600; give the finished file the mode a plain open() would
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out
