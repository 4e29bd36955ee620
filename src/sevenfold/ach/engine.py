"""The vectorised core: combine reports into origins, origins into a posterior; leave-one-out by subtraction.

An origin (independent evidence unit) contributes ONE log-likelihood vector: the informativeness-
weighted mean of its reports' centred log-likelihoods,

    c_o = Σ_{i∈o} u_i ℓ_i / Σ_{i∈o} u_i,     u_i = max_h ℓ_i − min_h ℓ_i,

so k copies of one report count once, a report with no bearing (u = 0) does not dilute the others,
and an origin never weighs more than its most informative report. Then

    log P(h | E) = log π(h) + Σ_o c_o(h) − log Z.

Each report's share of its origin, a_i = u_i / Σ_{j∈o} u_j, is fixed by the case. Removing or
excluding a report takes its share out and leaves the others' shares as they were:

    c_o(h) without i = c_o(h) − a_i ℓ_i(h)

so removing a report that favours h over every rival can never raise h (re-normalising the shares
would let the remaining reports of the origin inherit the removed one's share, and a weak
supporter's removal then raised its hypothesis).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from sevenfold.ach.evidence import informativeness

_EPS = 1e-12


def softmax_rows(logits: np.ndarray) -> np.ndarray:
    m = np.max(logits, axis=-1, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    e = np.exp(logits - m)
    return e / e.sum(axis=-1, keepdims=True)


def entropy_bits(p: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, -p * np.log2(np.where(p > 0, p, 1.0)), 0.0)
    return terms.sum(axis=-1)


class OriginCombiner:
    """Holds ℓ (N, H), weights u (N) and the origin partition; answers posteriors under edits."""

    def __init__(self, ell: np.ndarray, origin_index: np.ndarray, n_origins: int, log_prior: np.ndarray,
                 excluded: np.ndarray | None = None):
        u_full = informativeness(ell) if ell.size else np.zeros(ell.shape[0])
        self.W = np.bincount(origin_index, weights=u_full, minlength=n_origins).astype(float)
        if excluded is not None and excluded.any():  # left out: their shares stay vacant
            ell = np.where(excluded[:, None], 0.0, ell)
            u_full = np.where(excluded, 0.0, u_full)
        self.ell = ell
        self.u = u_full
        self.oi = origin_index
        self.n_origins = n_origins
        self.log_prior = log_prior
        n = ell.shape[0]
        self.M = sp.csr_matrix((np.ones(n), (origin_index, np.arange(n))), shape=(n_origins, n))
        self.S = self.M @ (self.u[:, None] * ell) if n else np.zeros((n_origins, ell.shape[1]))
        self.contrib = _ratio(self.S, self.W)
        self.total = self.contrib.sum(axis=0) if n_origins else np.zeros(ell.shape[1])

    def posterior(self, total: np.ndarray | None = None) -> np.ndarray:
        t = self.total if total is None else total
        return softmax_rows(self.log_prior + t)

    def shares(self) -> np.ndarray:
        """(N,): each report's fixed share of its origin, a_i = u_i / W_o."""
        w = self.W[self.oi] if self.oi.size else np.zeros(0)
        return np.where(w > _EPS, self.u / np.where(w > _EPS, w, 1.0), 0.0)

    def totals_without_each_report(self) -> np.ndarray:
        """(N, H): Σ_o c_o with report i's share taken out of its origin, for every i at once."""
        return self.total[None, :] - self.shares()[:, None] * self.ell

    def totals_without_rows(self, rows: np.ndarray) -> np.ndarray:
        """(H,): totals with the reports ``rows`` taken out all together (their shares stay vacant)."""
        if rows.size == 0:
            return self.total
        return self.total - (self.shares()[rows, None] * self.ell[rows]).sum(axis=0)

    def totals_replacing_each_report(self, new_ell: np.ndarray, new_u: np.ndarray) -> np.ndarray:
        """(N, H): totals when report i alone is replaced by (new_ell[i], new_u[i]), for every i."""
        o = self.oi
        S_new = self.S[o] - self.u[:, None] * self.ell + new_u[:, None] * new_ell
        W_new = self.W[o] - self.u + new_u
        return self.total[None, :] - self.contrib[o] + _ratio(S_new, W_new)

    def totals_without_each_origin(self) -> np.ndarray:
        """(O, H): totals with origin o removed."""
        return self.total[None, :] - self.contrib

    def totals_replacing_rows(self, rows: np.ndarray, new_ell: np.ndarray, new_u: np.ndarray) -> np.ndarray:
        """(H,): totals when the reports ``rows`` are replaced all together (a whole source, say)."""
        if rows.size == 0:
            return self.total
        o = self.oi[rows]
        dS = new_u[:, None] * new_ell - self.u[rows, None] * self.ell[rows]
        dW = new_u - self.u[rows]
        touched, inv = np.unique(o, return_inverse=True)
        S = self.S[touched].copy()
        np.add.at(S, inv, dS)
        W = self.W[touched] + np.bincount(inv, weights=dW, minlength=touched.size)
        return self.total - self.contrib[touched].sum(axis=0) + _ratio(S, W).sum(axis=0)


def _ratio(S: np.ndarray, W: np.ndarray) -> np.ndarray:
    ok = W > _EPS
    return np.where(ok[:, None], S / np.where(ok, W, 1.0)[:, None], 0.0)
