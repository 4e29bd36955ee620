"""Output files are written whole and with the user's usual permissions."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from sevenfold.errors import InputError
from sevenfold.fileio import write_atomic


def test_write_atomic_respects_umask_and_refuses_bad_targets(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        out = write_atomic(tmp_path / "report.html", "<p>x</p>")
    finally:
        os.umask(old)
    assert out.read_text() == "<p>x</p>"
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
    with pytest.raises(InputError, match="is a directory"):
        write_atomic(tmp_path, b"x")
    with pytest.raises(InputError, match="does not exist"):
        write_atomic(tmp_path / "missing" / "f.txt", b"x")
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temporary left behind
