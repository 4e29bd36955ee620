"""The deception budget: how many independent origins an adversary must control to change the verdict.

What control does (docs/assessment.md, *Deception budget*): a controlled origin says what its
controller wants, so it is no evidence about the world — its contribution is **removed** from the
posterior. (In the engine's own deception model a fed report is as likely under the deception as
under its cover, which is the same as removing it from that comparison.) The budget is the smallest
set S of origins whose removal lets another hypothesis lead or draw level with the leader (the
verdict is then gone):

    min |S|  such that  ∃ f ≠ t:  log π(f) + Σ_{o∉S} c_o(f)  ≥  log π(t) + Σ_{o∉S} c_o(t)

For a fixed rival f the condition is Σ_{o∈S} d_o ≥ gap_f with d_o = c_o(t) − c_o(f) and
gap_f = score(t) − score(f): the best k origins are the k largest d_o, so sorting finds the smallest
k. The minimum over every rival is the exact budget (a set that dethrones t puts some f ahead of t,
and the sorted choice for that f is no larger). Cost O(H · O log O); exact at every size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: a rival within this (in log-probability) of the leader counts as level with it
LEAD_TOLERANCE = 1e-9


@dataclass
class BudgetResult:
    top: int
    flips_to: int | None     # the hypothesis that leads once the set is controlled (None: nothing flips it)
    origins: list[int]       # origin indices, strongest first
    size: int | None


def deception_budget(contrib: np.ndarray, log_prior: np.ndarray, top: int) -> BudgetResult:
    """Smallest set of origins (rows of ``contrib``, (O, H)) whose removal dethrones hypothesis ``top``."""
    n_orig, n_hyp = contrib.shape if contrib.ndim == 2 else (0, log_prior.size)
    total = contrib.sum(axis=0) if n_orig else np.zeros(n_hyp)
    score = log_prior + total
    best: tuple[int, float, int, list[int]] | None = None
    for f in range(n_hyp):
        if f == top or not np.isfinite(score[f]):
            continue
        gap = float(score[top] - score[f])
        if gap < -LEAD_TOLERANCE:  # f already leads (should not happen for the real top)
            cand: tuple[int, float, int, list[int]] = (0, -gap, f, [])
        else:
            d = contrib[:, top] - contrib[:, f] if n_orig else np.zeros(0)
            order = np.argsort(-d, kind="stable")
            gains = np.cumsum(d[order])
            hit = np.flatnonzero((gains >= gap - LEAD_TOLERANCE) & (d[order] > 0))
            if hit.size == 0:
                continue
            k = int(hit[0]) + 1
            cand = (k, -(float(gains[k - 1]) - gap), f, [int(o) for o in order[:k]])
        if best is None or cand[:2] < best[:2]:
            best = cand
    if best is None:
        return BudgetResult(top=top, flips_to=None, origins=[], size=None)
    k, _, f, chosen = best
    after = score - contrib[chosen].sum(axis=0) if chosen else score
    rival = np.where(np.arange(n_hyp) == top, -np.inf, after)
    return BudgetResult(top=top, flips_to=int(np.argmax(rival)) if k else f, origins=chosen, size=k)


def brute_force_budget(contrib: np.ndarray, log_prior: np.ndarray, top: int, max_size: int | None = None) -> int | None:
    """The same minimum by trying every subset in order of size (for tests; exponential)."""
    from itertools import combinations

    n_orig = contrib.shape[0]
    score = log_prior + contrib.sum(axis=0)
    for k in range(0, (n_orig if max_size is None else max_size) + 1):
        for subset in combinations(range(n_orig), k):
            after = score - contrib[list(subset)].sum(axis=0) if subset else score
            rivals = np.delete(after, top)
            if rivals.size and rivals.max() >= after[top] - LEAD_TOLERANCE:
                return k
    return None
