"""Fixtures shared by the CLI tests: a store path in SEVENFOLD_DB and a minimal case file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.model.test_case_files import MINIMAL


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cli.db"
    monkeypatch.setenv("SEVENFOLD_DB", str(path))
    return path


@pytest.fixture
def case_file(tmp_path: Path) -> Path:
    f = tmp_path / "c1.yaml"
    f.write_text(MINIMAL)
    return f
