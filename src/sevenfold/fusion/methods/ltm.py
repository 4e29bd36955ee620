"""LTM: B. Zhao, B. I. P. Rubinstein, J. Gemmell, J. Han, "A Bayesian approach to discovering truth
from conflicting sources for data integration", PVLDB 5(6), 2012 (VLDB 2012)."""

from __future__ import annotations

import math

import numpy as np

from sevenfold.errors import InputError
from sevenfold.fusion.base import FitResult, FusionEstimator, IterationControl, max_abs_change
from sevenfold.fusion.matrix import ClaimMatrix


class LTM(FusionEstimator):
    """Latent Truth Model (Zhao et al., VLDB 2012): each candidate value is a fact with a latent truth
    ``t ∈ {0, 1}``; each source has a sensitivity (Beta prior ``alpha_true`` = (true positives, false
    negatives)) and a specificity (Beta prior ``alpha_false`` = (false positives, true negatives)); facts
    have prior ``beta`` = (true, false). A source that states ``v`` for an item observes ``v`` positively
    and every other value of the item negatively.

    Inference is collapsed Gibbs sampling run *in parallel* over all facts (each sweep samples every
    fact from counts of the previous sweep, and a fact's own contribution is not removed from its
    sources' counts — a vectorised approximation of the paper's sequential sampler that matters only for
    sources with very few claims). ``confidence_`` is the posterior mean of ``t`` averaged over the
    sweeps after ``burn_in``; it stops after ``max_iter`` sweeps, or earlier when that mean moves by at
    most ``tol``. Seeded by ``seed``. Default priors are ours (weak sensitivity prior, strong prior that
    false positives are rare); tune them for your data.
    """

    name = "ltm"
    param_bounds = {"burn_in": (0.0, math.inf, True, False), "seed": (0.0, math.inf, True, False)}
    default_max_iter = 60
    default_tol = 1e-4

    def __init__(self, *, alpha_true: tuple[float, float] = (50.0, 50.0),
                 alpha_false: tuple[float, float] = (10.0, 1000.0), beta: tuple[float, float] = (10.0, 10.0),
                 burn_in: int = 10, seed: int = 0, max_iter: int | None = None, tol: float | None = None,
                 backend: str = "numpy") -> None:
        super().__init__(max_iter=max_iter, tol=tol, backend=backend)
        for name, pair in (("alpha_true", alpha_true), ("alpha_false", alpha_false), ("beta", beta)):
            if len(pair) != 2 or min(pair) <= 0:
                raise InputError(f"{self.name}: {name} must be two positive numbers, not {pair!r}")
        self.alpha_true, self.alpha_false, self.beta = tuple(alpha_true), tuple(alpha_false), tuple(beta)
        self.burn_in, self.seed = int(burn_in), int(seed)

    def _fit_numpy(self, cm: ClaimMatrix, ctl: IterationControl) -> FitResult:
        rng = np.random.default_rng(self.seed)
        src, cand, item = cm.claim_source, cm.claim_cand, cm.claim_item
        a11, a10 = self.alpha_true
        a01, a00 = self.alpha_false
        prior = np.log(self.beta[0]) - np.log(self.beta[1])
        neg_obs = np.bincount(src, cm.item_n_cands[item] - 1.0, minlength=cm.n_sources)
        pos_obs = cm.source_n_claims
        votes = cm.cand_votes
        truth = self._anchor((np.arange(cm.n_cands) == cm.item_argmax(votes)[cm.cand_item]).astype(np.float64))
        mean = np.zeros(cm.n_cands)
        n_kept = 0
        sens = spec = np.zeros(cm.n_sources)
        while True:
            t_item = cm.item_sum(truth)[item]
            n11 = np.bincount(src, truth[cand], minlength=cm.n_sources)      # stated, true
            n01 = pos_obs - n11                                               # stated, false
            n10 = np.bincount(src, t_item - truth[cand], minlength=cm.n_sources)  # not stated, true
            n00 = neg_obs - n10                                               # not stated, false
            sens_den, spec_den = n11 + n10 + a11 + a10, n01 + n00 + a01 + a00
            d_pos = np.log((n11 + a11) / sens_den) - np.log((n01 + a01) / spec_den)
            d_neg = np.log((n10 + a10) / sens_den) - np.log((n00 + a00) / spec_den)
            pos = cm.cand_sum(d_pos)
            neg_claim = cm.cand_sum(d_neg)
            neg = cm.item_sum(neg_claim)[cm.cand_item] - neg_claim
            p = self._anchor(1.0 / (1.0 + np.exp(-(prior + pos + neg))))
            truth = (rng.random(cm.n_cands) < p).astype(np.float64)
            change = np.inf
            if ctl.n_iter + 1 > self.burn_in:
                new_mean = (mean * n_kept + p) / (n_kept + 1)
                change = max_abs_change(new_mean, mean) if n_kept else np.inf
                mean, n_kept = new_mean, n_kept + 1
            sens = (n11 + a11) / sens_den
            spec = (n00 + a00) / spec_den
            if ctl.done(change):
                break
        if n_kept == 0:
            mean = p
        truths, conf = self._decide(cm, mean, mean)
        precision = np.bincount(src, mean[cand], minlength=cm.n_sources) / pos_obs
        return FitResult(truths, conf, mean, precision, ctl.n_iter, ctl.converged, ctl.stop_reason,
                         extra={"sensitivity": sens, "specificity": spec})
