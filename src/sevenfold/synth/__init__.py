"""Seeded synthetic scenarios with ground truth, for tests and benchmarks.

>>> from sevenfold.synth import claims_scenario
>>> sc = claims_scenario(seed=7)   # doctest: +SKIP
"""

from sevenfold.synth.cases import SyntheticCase, generate_case, generate_cases
from sevenfold.synth.claims import ClaimsScenario, claims_scenario

__all__ = ["ClaimsScenario", "SyntheticCase", "claims_scenario", "generate_case", "generate_cases"]
