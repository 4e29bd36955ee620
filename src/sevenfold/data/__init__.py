"""Bundled data: the seed demo cases (case files built from Kuromiya 2009) and curated tables."""

from __future__ import annotations

from pathlib import Path

DATA_DIR = Path(__file__).parent


def bundled_case_paths() -> list[Path]:
    """The bundled demo case files, in a stable order."""
    return sorted(p for p in DATA_DIR.glob("*.yaml") if p.is_file())
