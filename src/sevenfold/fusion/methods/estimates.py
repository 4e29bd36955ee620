"""2-Estimates and 3-Estimates: A. Galland, S. Abiteboul, A. Marian, P. Senellart, "Corroborating
information from disagreeing views", WSDM 2010.

Every source that states a value for an item votes *for* that value and *against* every other value
stated for the item (mutual exclusion). Truth estimates are re-scaled linearly to [0, 1] after each
step (the paper's normalisation, which keeps the fixpoint away from the trivial all-true/all-false
solution). 2-Estimates leaves error rates un-scaled: re-scaling them too gives the worst source ε = 1,
which turns its every vote into support for the values it did *not* state.
"""

from __future__ import annotations

import numpy as np

from sevenfold.fusion.base import FitResult, FusionEstimator, IterationControl, max_abs_change
from sevenfold.fusion.matrix import ClaimMatrix


def _rescale(x: np.ndarray) -> np.ndarray:
    lo, hi = float(np.min(x)), float(np.max(x))
    return (x - lo) / (hi - lo) if hi > lo else np.clip(x, 0.0, 1.0)


class TwoEstimates(FusionEstimator):
    """2-Estimates (Galland et al., WSDM 2010): source error rate ε(s) and value truth T(v).

    ``T(v) = mean over votes on v of (1 - ε(s)) for a vote for v, ε(s) for a vote against``;
    ``ε(s) = mean over its votes of 1 - T(v) (for) or T(v) (against)``. Starts from ε = 0 (vote share).
    """

    name = "2-estimates"
    default_max_iter = 100

    def _fit_numpy(self, cm: ClaimMatrix, ctl: IterationControl) -> FitResult:
        src, cand, item = cm.claim_source, cm.claim_cand, cm.claim_item
        n_votes_item = cm.item_n_claims[cm.cand_item]  # every source on the item votes on every value
        votes_per_source = np.bincount(src, cm.item_n_cands[item], minlength=cm.n_sources)
        err = np.zeros(cm.n_sources)
        truth = np.zeros(cm.n_cands)
        while True:
            pos = cm.cand_sum(1.0 - err)                       # Σ (1 - ε) over voters for v
            err_claimers = cm.cand_sum(err)                        # Σ ε over voters for v
            err_item = cm.item_sum(err_claimers)[cm.cand_item]  # Σ ε over everyone on the item
            truth = self._anchor(_rescale((pos + (err_item - err_claimers)) / n_votes_item))
            t_item = cm.item_sum(truth)[item]
            miss = (1.0 - truth[cand]) + (t_item - truth[cand])
            new_err = np.bincount(src, miss, minlength=cm.n_sources) / votes_per_source
            change = max_abs_change(new_err, err)
            err = new_err
            if ctl.done(change):
                break
        truths, conf = self._decide(cm, truth, truth)
        return FitResult(truths, conf, truth, 1.0 - err, ctl.n_iter, ctl.converged, ctl.stop_reason)


class ThreeEstimates(FusionEstimator):
    """3-Estimates (Galland et al., WSDM 2010): adds the difficulty δ(v) of each value, so a source is
    wrong about v with probability ε(s)·δ(v). ε and δ are kept in ``[floor, 1]`` to avoid dividing by 0.
    """

    name = "3-estimates"
    param_bounds = {"floor": (0.0, 0.5, False, True)}
    default_max_iter = 100

    def __init__(self, *, floor: float = 1e-3, max_iter: int | None = None, tol: float | None = None,
                 backend: str = "numpy") -> None:
        super().__init__(max_iter=max_iter, tol=tol, backend=backend)
        self.floor = floor

    def _fit_numpy(self, cm: ClaimMatrix, ctl: IterationControl) -> FitResult:
        src, cand, item = cm.claim_source, cm.claim_cand, cm.claim_item
        ci = cm.cand_item
        n_votes = cm.item_n_claims[ci]
        votes_per_source = np.bincount(src, cm.item_n_cands[item], minlength=cm.n_sources)
        truth = self._anchor(_rescale(cm.cand_votes / cm.item_n_claims[ci]))
        err = np.full(cm.n_sources, 0.5)
        diff = np.full(cm.n_cands, 0.5)
        while True:
            # ε(s): mean over its votes of (1 - T)/δ (for) and T/δ (against)
            t_over_d = truth / diff
            s_item = cm.item_sum(t_over_d)[item]
            miss = (1.0 - truth[cand]) / diff[cand] + (s_item - t_over_d[cand])
            new_err = np.clip(_rescale(np.bincount(src, miss, minlength=cm.n_sources) / votes_per_source),
                              self.floor, 1.0)
            # δ(v): mean over votes on v of (1 - T)/ε (for) and T/ε (against)
            inv_pos = cm.cand_sum(1.0 / new_err)
            inv_item = cm.item_sum(inv_pos)[ci]
            diff = np.clip(_rescale(((1.0 - truth) * inv_pos + truth * (inv_item - inv_pos)) / n_votes),
                           self.floor, 1.0)
            # T(v): mean over votes of 1 - ε δ (for) and ε δ (against)
            e_pos = cm.cand_sum(new_err)
            e_item = cm.item_sum(e_pos)[ci]
            truth = self._anchor(_rescale((cm.cand_votes - diff * e_pos + diff * (e_item - e_pos)) / n_votes))
            change = max_abs_change(new_err, err)
            err = new_err
            if ctl.done(change):
                break
        truths, conf = self._decide(cm, truth, truth)
        return FitResult(truths, conf, truth, 1.0 - err, ctl.n_iter, ctl.converged, ctl.stop_reason,
                         extra={"difficulty": diff})
