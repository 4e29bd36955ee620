from __future__ import annotations

import pytest

from sevenfold.fusion import ClaimMatrix
from sevenfold.synth import claims_scenario


@pytest.fixture(scope="session")
def scenario():
    """Benign: honest sources of varied accuracy, no copying."""
    return claims_scenario(seed=11, n_items=600, n_copiers=0, clique_size=0)


@pytest.fixture(scope="session")
def scenario_matrix(scenario):
    return ClaimMatrix.from_table(scenario.claims)


@pytest.fixture(scope="session")
def copy_scenario():
    """The issue's setting: 20 honest sources, 5 copiers copying 50 %, a clique repeating a poor source."""
    return claims_scenario(seed=5, n_items=800)
