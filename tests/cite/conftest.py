from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SEED_NAME = "000_ce50222c185dd762.txt"


@pytest.fixture(scope="session")
def seed_text() -> str:
    """The seed paper: the shared copy when present (../shared/seed), else the fixture copy."""
    shared = Path(__file__).resolve().parents[3] / "shared" / "seed" / SEED_NAME
    path = shared if shared.exists() else FIXTURES / f"seed_{SEED_NAME}"
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_audit(seed_text: str):
    from sevenfold.cite import audit

    return audit(seed_text)
