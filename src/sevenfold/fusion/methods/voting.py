"""Majority voting: the baseline every truth-discovery paper reports."""

from __future__ import annotations

import numpy as np

from sevenfold.fusion.base import FitResult, FusionEstimator, IterationControl
from sevenfold.fusion.matrix import ClaimMatrix


class MajorityVoting(FusionEstimator):
    """Each item takes the value stated by most sources; every source counts the same.

    The standard baseline of the field (e.g. Li et al., "Truth finding on the deep web: is the
    problem solved?", PVLDB 6(2), 2012, section 4). ``confidence_`` is the vote share of the chosen
    value; ``source_trust_`` is the share of a source's claims that agree with the majority.
    Ties go to the value that appears first in the input.
    """

    name = "majority-voting"
    iterative = False

    def __init__(self, *, backend: str = "numpy") -> None:
        super().__init__(max_iter=1, tol=0.0, backend=backend)

    def _fit_numpy(self, cm: ClaimMatrix, ctl: IterationControl) -> FitResult:
        belief = self._anchor(cm.item_normalize(cm.cand_votes))
        truths, conf = self._decide(cm, belief, belief)
        agree = (truths[cm.claim_item] == cm.claim_cand).astype(np.float64)
        trust = np.bincount(cm.claim_source, agree, minlength=cm.n_sources) / cm.source_n_claims
        ctl.single_pass()
        return FitResult(truths, conf, belief, trust, ctl.n_iter, ctl.converged, ctl.stop_reason)
