"""Seeded synthetic scenarios with ground truth, for tests and benchmarks.

>>> from sevenfold.synth import claims_scenario
>>> sc = claims_scenario(seed=7)   # doctest: +SKIP
"""

from sevenfold.synth.claims import ClaimsScenario, claims_scenario

__all__ = ["ClaimsScenario", "claims_scenario"]
