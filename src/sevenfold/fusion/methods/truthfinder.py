"""TruthFinder."""

from __future__ import annotations

import math

import numpy as np

from sevenfold.errors import InputError
from sevenfold.fusion.base import FitResult, FusionEstimator, IterationControl
from sevenfold.fusion.matrix import ClaimMatrix


def cosine_distance(a: np.ndarray, b: np.ndarray) -> float:
    na, nb = float(np.linalg.norm(a)), float(np.linalg.norm(b))
    if na == 0 or nb == 0:
        return 0.0 if na == nb else 1.0
    return float(np.clip(1.0 - float(a @ b) / (na * nb), 0.0, 1.0))


class TruthFinder(FusionEstimator):
    """TruthFinder: X. Yin, J. Han, P. S. Yu, "Truth discovery with multiple conflicting information
    providers on the web", KDD 2007 (TKDE 20(6), 2008).

    Source trustworthiness ``t(s)`` is the mean confidence of its facts; a fact's confidence score is
    ``σ(f) = Σ τ(s)`` with ``τ = -ln(1 - t)``, adjusted by related facts,
    ``σ*(f) = σ(f) + ρ Σ_{f'} σ(f') imp(f' → f)``, and squashed ``s(f) = 1 / (1 + exp(-γ σ*(f)))``.
    ``implication="none"`` (default, like the PyPI ``truthdiscovery`` package) uses no implication
    between values; ``"exclusive"`` sets ``imp = -base_sim`` between the different values of one item
    (the paper's ``sim - base_sim`` with ``sim = 0``). Stops when the cosine distance between successive
    trust vectors falls to ``tol`` (paper: 0.001). Trust is kept below 1 (at ``1 - 1e-12``) so τ stays finite.
    """

    name = "truthfinder"
    param_bounds = {"rho": (0.0, 1.0, True, True), "gamma": (0.0, math.inf, False, False),
                    "base_sim": (0.0, 1.0, True, True)}
    default_tol = 1e-3
    default_max_iter = 100

    def __init__(self, *, rho: float = 0.5, gamma: float = 0.3, initial_trust: float = 0.9,
                 implication: str = "none", base_sim: float = 0.5, max_iter: int | None = None,
                 tol: float | None = None, backend: str = "numpy") -> None:
        super().__init__(max_iter=max_iter, tol=tol, backend=backend)
        if implication not in ("none", "exclusive"):
            raise InputError(f"{self.name}: implication must be 'none' or 'exclusive', not {implication!r}")
        if not 0 < initial_trust < 1:
            raise InputError(f"{self.name}: initial_trust must be in (0, 1), not {initial_trust}")
        self.rho, self.gamma, self.initial_trust = rho, gamma, initial_trust
        self.implication, self.base_sim = implication, base_sim

    def _fit_numpy(self, cm: ClaimMatrix, ctl: IterationControl) -> FitResult:
        n = cm.source_n_claims
        trust = np.full(cm.n_sources, self.initial_trust)
        while True:
            tau = -np.log1p(-np.minimum(trust, 1.0 - 1e-12))
            sigma = cm.cand_sum(tau)
            if self.implication == "exclusive":
                sigma = sigma - self.rho * self.base_sim * (cm.item_sum(sigma)[cm.cand_item] - sigma)
            conf = self._anchor(1.0 / (1.0 + np.exp(-self.gamma * sigma)))
            new_trust = cm.source_sum(conf) / n
            change = cosine_distance(new_trust, trust)
            trust = new_trust
            if ctl.done(change):
                break
        truths, c = self._decide(cm, conf, conf)
        return FitResult(truths, c, conf, trust, ctl.n_iter, ctl.converged, ctl.stop_reason)
