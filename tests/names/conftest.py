from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _isolated_user_aliases(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Never read or write the real ~/.local/share/sevenfold/aliases.yaml in tests."""
    path = tmp_path / "user-aliases.yaml"
    monkeypatch.setenv("SEVENFOLD_ALIASES", str(path))
    return path
