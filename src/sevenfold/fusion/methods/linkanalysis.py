"""Link-analysis fact finders: Sums (Hubs & Authorities), AverageLog, Investment, PooledInvestment.

All four from J. Pasternack and D. Roth, "Knowing what to believe (when you already know something)",
COLING 2010 (Sums adapts J. Kleinberg, "Authoritative sources in a hyperlinked environment", JACM 1999).
Trust and belief are re-scaled to a maximum of 1 after every iteration, as in the paper; the loop
stops when no source's (scaled) trust moves by more than ``tol``, or after ``max_iter`` iterations
(the paper and the PyPI ``truthdiscovery`` package run a fixed 20, or 10 for PooledInvestment).
"""

from __future__ import annotations

import numpy as np

from sevenfold.errors import InputError
from sevenfold.fusion.base import FitResult, FusionEstimator, IterationControl, max_abs_change, max_scale, scale_to_max
from sevenfold.fusion.matrix import ClaimMatrix


def _result(cm: ClaimMatrix, trust: np.ndarray, belief: np.ndarray, ctl: IterationControl) -> FitResult:
    truths = cm.item_argmax(belief)
    share = cm.item_normalize(np.maximum(belief, 0.0))
    return FitResult(truths, share[truths], share, scale_to_max(trust), ctl.n_iter, ctl.converged,
                     ctl.stop_reason)


class Sums(FusionEstimator):
    """Sums / Hubs and Authorities (Pasternack & Roth, COLING 2010; Kleinberg, JACM 1999).

    ``trust(s) = Σ belief(c)`` over the source's claims; ``belief(c) = Σ trust(s)`` over its sources.
    Prior belief 0.5 for every value.
    """

    name = "sums"
    default_max_iter = 20

    def _fit_numpy(self, cm: ClaimMatrix, ctl: IterationControl) -> FitResult:
        trust = np.zeros(cm.n_sources)
        belief = self._anchor(np.full(cm.n_cands, 0.5), None, cm=cm)
        while True:
            new_trust = scale_to_max(cm.source_sum(belief))
            belief = self._anchor(scale_to_max(cm.cand_sum(new_trust)), None, cm=cm)
            change = max_abs_change(new_trust, trust)
            trust = new_trust
            if ctl.done(change):
                break
        return _result(cm, trust, belief, ctl)


class AverageLog(FusionEstimator):
    """AverageLog (Pasternack & Roth, COLING 2010): ``trust(s) = log|C_s| · mean belief of C_s``.

    A source with a single claim gets trust 0 (log 1), as in the paper.
    """

    name = "average-log"
    default_max_iter = 20

    def _fit_numpy(self, cm: ClaimMatrix, ctl: IterationControl) -> FitResult:
        n = cm.source_n_claims
        weight = np.log(n) / n
        trust = np.zeros(cm.n_sources)
        belief = self._anchor(np.full(cm.n_cands, 0.5), None, cm=cm)
        while True:
            new_trust = scale_to_max(weight * cm.source_sum(belief))
            belief = self._anchor(scale_to_max(cm.cand_sum(new_trust)), None, cm=cm)
            change = max_abs_change(new_trust, trust)
            trust = new_trust
            if ctl.done(change):
                break
        return _result(cm, trust, belief, ctl)


class Investment(FusionEstimator):
    """Investment (Pasternack & Roth, COLING 2010).

    Sources invest their trust uniformly in their claims and are paid back in proportion to their
    share of each claim's investment; belief grows as ``G(x) = x**g`` (``g=1.2``). Prior belief: vote share.
    """

    name = "investment"
    default_max_iter = 20
    pooled = False

    def __init__(self, *, g: float = 1.2, max_iter: int | None = None, tol: float | None = None,
                 backend: str = "numpy") -> None:
        super().__init__(max_iter=max_iter, tol=tol, backend=backend)
        if not g > 0:
            raise InputError(f"{self.name}: g must be positive, not {g}")
        self.g = g

    def _prior(self, cm: ClaimMatrix) -> np.ndarray:
        return cm.item_normalize(cm.cand_votes)

    def _belief(self, cm: ClaimMatrix, returns: np.ndarray) -> np.ndarray:
        return returns ** self.g

    def _fit_numpy(self, cm: ClaimMatrix, ctl: IterationControl) -> FitResult:
        n = cm.source_n_claims
        trust = np.ones(cm.n_sources)
        belief = self._anchor(self._prior(cm), None, cm=cm)
        claim_invest = cm.cand_sum(trust / n)
        verified = getattr(self, "_verified", None)
        # values verified false (a source stating only those may end with trust 0)
        known_false = None if verified is None or verified.empty else verified.cand_mask(false=True)
        while True:
            if known_false is None:
                if np.any(claim_invest <= 0):
                    ctl.degenerate()  # every investor in some value has trust 0: the update is undefined
                    break
                per_value = belief / claim_invest
            else:
                # A source whose every claim is known false earns nothing and keeps trust 0; the
                # (known-false) values only such sources state then pay nothing back (0, not 0 / 0).
                idle = claim_invest <= 0
                if np.any(idle & ~known_false):
                    ctl.degenerate()
                    break
                per_value = np.divide(belief, claim_invest, out=np.zeros_like(belief), where=~idle)
            invest = trust / n
            raw = invest * cm.source_sum(per_value)
            returns = cm.cand_sum(raw / n)
            belief = self._anchor(scale_to_max(self._belief(cm, returns)), None, cm=cm)
            top = max_scale(raw)
            new_trust = raw / top  # scale_to_max, keeping the factor: next round's investment per
            claim_invest = returns / top  # value is this round's returns over the same factor
            change = max_abs_change(new_trust, trust)
            trust = new_trust
            if ctl.done(change):
                break
        return _result(cm, trust, belief, ctl)


class PooledInvestment(Investment):
    """PooledInvestment (Pasternack & Roth, COLING 2010): Investment whose returns are pooled across
    the mutually exclusive values of an item, ``B(c) = H(c) · G(H(c)) / Σ_item G(H)`` with ``g=1.4``.
    Prior belief uniform over an item's values; 10 iterations by default.
    """

    name = "pooled-investment"
    default_max_iter = 10

    def __init__(self, *, g: float = 1.4, max_iter: int | None = None, tol: float | None = None,
                 backend: str = "numpy") -> None:
        super().__init__(g=g, max_iter=max_iter, tol=tol, backend=backend)

    def _prior(self, cm: ClaimMatrix) -> np.ndarray:
        return 1.0 / cm.item_n_cands[cm.cand_item]

    def _belief(self, cm: ClaimMatrix, returns: np.ndarray) -> np.ndarray:
        grown = returns ** self.g
        pool = cm.item_sum(grown)[cm.cand_item]
        return returns * np.divide(grown, pool, out=np.zeros_like(grown), where=pool > 0)
