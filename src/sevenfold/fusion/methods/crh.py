"""CRH: Y. Li, Q. Li, J. Gao, L. Su, B. Zhao, W. Fan, J. Han, "Resolving conflicts in heterogeneous
data by truth discovery and source reliability estimation", SIGMOD 2014."""

from __future__ import annotations

import math

import numpy as np

from sevenfold.errors import InputError
from sevenfold.fusion.base import FitResult, FusionEstimator, IterationControl, max_abs_change, scale_to_max
from sevenfold.fusion.matrix import ClaimMatrix


class CRH(FusionEstimator):
    """CRH (Li et al., SIGMOD 2014) for categorical values.

    Alternates (1) truths given weights — weighted voting — and (2) weights given truths,
    ``w(s) = -log(loss(s) / Σ loss)``, the paper's max-entropy weight assignment. ``loss="zero-one"``
    (default) counts a source's claims that differ from the current truth (the paper's categorical
    loss); ``loss="squared"`` uses the squared distance between the one-hot claim and the weighted
    vote-share vector of the item (the paper's probabilistic variant; the PyPI ``truthdiscovery`` CRH
    is of this kind, with vote shares scaled globally rather than per item). ``eps`` keeps a source
    with no loss finite.
    """

    name = "crh"
    param_bounds = {"eps": (0.0, math.inf, False, False)}
    default_max_iter = 100

    def __init__(self, *, loss: str = "zero-one", eps: float = 1e-5, max_iter: int | None = None,
                 tol: float | None = None, backend: str = "numpy") -> None:
        super().__init__(max_iter=max_iter, tol=tol, backend=backend)
        if loss not in ("zero-one", "squared"):
            raise InputError(f"{self.name}: loss must be 'zero-one' or 'squared', not {loss!r}")
        self.loss, self.eps = loss, eps

    def _fit_numpy(self, cm: ClaimMatrix, ctl: IterationControl) -> FitResult:
        src, cand, item = cm.claim_source, cm.claim_cand, cm.claim_item
        weight = np.ones(cm.n_sources)
        scaled = scale_to_max(weight)
        while True:
            share = self._anchor(cm.item_normalize(cm.cand_sum(weight)))
            truths = cm.item_argmax(share)
            if self.loss == "zero-one":
                per_claim = (truths[item] != cand).astype(np.float64)
            else:
                sq = cm.item_sum(share * share)[item]
                per_claim = sq - 2.0 * share[cand] + 1.0
            loss = np.bincount(src, per_claim, minlength=cm.n_sources) + self.eps
            weight = -np.log(loss / loss.sum())
            new_scaled = scale_to_max(weight)
            change = max_abs_change(new_scaled, scaled)
            scaled = new_scaled
            if ctl.done(change):
                break
        share = self._anchor(cm.item_normalize(cm.cand_sum(weight)))
        truths = cm.item_argmax(share)
        return FitResult(truths, share[truths], share, scaled, ctl.n_iter, ctl.converged, ctl.stop_reason)
