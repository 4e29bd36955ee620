"""Copy detection between sources (Dong, Berti-Equille, Srivastava, VLDB 2009).

Two independent sources rarely share *false* values: with ``n`` equally likely false values per item,
both are wrong the same way with probability ``(1-A1)(1-A2)/n``. For every pair of sources that state
values for common items we count, over those items, ``kt`` (same value, weighted by its probability of
being true), ``kf`` (same value, weighted by its probability of being false) and ``kd`` (different
values), and compare three hypotheses by Bayes' rule: independent, S1 copies S2, S2 copies S1.
A copier copies each value with probability ``c`` (``copy_rate``) and otherwise behaves like an
independent source; the direction is told apart by the accuracy of the copied values.

``dependence`` is a sparse sources × sources matrix ``D`` with ``D[i, j] = Pr(i copies j)``.
:func:`copy_pairs` turns it into ``(copier, original, probability)`` rows for provenance: a copier's
claims are not independent corroboration of its original's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import scipy.sparse as sp

from sevenfold.fusion.matrix import ClaimMatrix

_DENSE_SOURCES = 3000  # up to this many sources, pairwise statistics use dense sources × sources arrays


@dataclass(frozen=True)
class CopyPair:
    copier: str
    original: str
    probability: float  # Pr(copier copies original)
    dependence: float  # Pr(the two are dependent, either direction)
    shared_items: int


class PairStatistics(Protocol):
    """What the pair-level functions below read: the counted pairs ``(i, j)`` with ``i < j``, their
    shared and same-valued item counts, and per-source totals. :class:`PairCounts` computes them with
    sparse products; the Spark backend's ``SparkPairCounts`` with DataFrame joins."""

    cm: Any  # has n_sources
    i: np.ndarray
    j: np.ndarray
    shared: np.ndarray
    same: np.ndarray
    source_claims: np.ndarray
    source_labels: np.ndarray

    def contested_shared(self) -> np.ndarray: ...

    def same_true(self, truth_prob: Any, /) -> np.ndarray: ...


class PairCounts:
    """Pairwise shared-item statistics, computed once per ClaimMatrix (sparse products)."""

    def __init__(self, cm: ClaimMatrix) -> None:
        items = sp.csr_matrix((np.ones(cm.n_claims), (cm.claim_source, cm.claim_item)),
                              shape=(cm.n_sources, cm.n_items))
        shared = sp.triu(items @ items.T, k=1).tocoo()
        same = (cm.sc @ cm.sc_t).tocsr()
        same.sort_indices()
        self.cm = cm
        self.i, self.j = shared.row.astype(np.int64), shared.col.astype(np.int64)
        self.shared = shared.data
        self.same = np.asarray(same[self.i, self.j]).ravel() if self.i.size else np.zeros(0)
        self.source_claims = cm.source_n_claims
        self.source_labels = cm.source_labels
        self._items = items

    def contested_shared(self) -> np.ndarray:
        """Per pair, the common items on which some source states another value (agreement on an item
        nobody disputes says nothing about copying)."""
        if not self.i.size:
            return np.zeros(0)
        disputed = self._items.multiply((self.cm.item_n_cands >= 2)[None, :].astype(np.float64)).tocsr()
        both = (disputed @ disputed.T).tocsr()
        both.sort_indices()
        return np.asarray(both[self.i, self.j]).ravel()

    def same_true(self, truth_prob: np.ndarray) -> np.ndarray:
        """Σ over common items stated alike of Pr(the shared value is true), per pair."""
        if not self.i.size:
            return np.zeros(0)
        weighted = self.cm.sc.multiply(truth_prob[None, :]).tocsr() @ self.cm.sc_t
        if self.cm.n_sources <= _DENSE_SOURCES:
            return weighted.toarray()[self.i, self.j]
        weighted = weighted.tocsr()
        weighted.sort_indices()
        return np.asarray(weighted[self.i, self.j]).ravel()


def pair_posteriors(counts: PairStatistics, truth_prob: np.ndarray, accuracy: np.ndarray, *, prior: float,
                    copy_rate: float, n_false: float) -> tuple[np.ndarray, np.ndarray]:
    """Pr(i copies j), Pr(j copies i) for every counted pair (Dong et al. 2009, section 3)."""
    if not counts.i.size:
        return np.zeros(0), np.zeros(0)
    kt = counts.same_true(truth_prob)
    kf = np.maximum(counts.same - kt, 0.0)
    kd = np.maximum(counts.shared - counts.same, 0.0)
    ai, aj = accuracy[counts.i], accuracy[counts.j]
    pt = ai * aj
    pf = (1 - ai) * (1 - aj) / n_false
    pd = np.maximum(1.0 - pt - pf, 1e-12)
    c = copy_rate
    log_ind = kt * np.log(pt) + kf * np.log(pf) + kd * np.log(pd)

    def log_copy(a_orig: np.ndarray) -> np.ndarray:
        return (kt * np.log((1 - c) * pt + c * a_orig) + kf * np.log((1 - c) * pf + c * (1 - a_orig))
                + kd * np.log((1 - c) * pd))

    l_ij = np.log(prior / 2) + log_copy(aj)  # i copies j: shared values come from j
    l_ji = np.log(prior / 2) + log_copy(ai)
    l_0 = np.log(1 - prior) + log_ind
    top = np.maximum(np.maximum(l_ij, l_ji), l_0)
    z = np.exp(l_ij - top) + np.exp(l_ji - top) + np.exp(l_0 - top)
    return np.exp(l_ij - top) / z, np.exp(l_ji - top) / z


def dependence_matrix(counts: PairStatistics, p_ij: np.ndarray, p_ji: np.ndarray) -> sp.csr_matrix:
    n = counts.cm.n_sources
    rows = np.concatenate([counts.i, counts.j])
    cols = np.concatenate([counts.j, counts.i])
    return sp.csr_matrix((np.concatenate([p_ij, p_ji]), (rows, cols)), shape=(n, n))


def copy_pairs(dependence: sp.spmatrix, source_labels: np.ndarray, threshold: float = 0.5,
               shared_items: sp.spmatrix | None = None) -> list[CopyPair]:
    """Pairs whose dependence probability (either direction) is at least ``threshold``, most likely first.

    Each pair appears once, oriented copier → original by the likelier direction.
    """
    d = sp.csr_matrix(dependence)
    upper = sp.triu(d + d.T, k=1).tocoo()
    keep = upper.data >= threshold
    i, j, dep = upper.row[keep], upper.col[keep], upper.data[keep]
    p_ij = np.asarray(d[i, j]).ravel() if i.size else np.zeros(0)
    p_ji = np.asarray(d[j, i]).ravel() if i.size else np.zeros(0)
    shared = np.asarray(shared_items[i, j]).ravel() if shared_items is not None and i.size else np.zeros(i.size)
    out = []
    for k in np.argsort(-dep, kind="stable"):  # loops over detected pairs, not claims
        a, b, pa_ = (i[k], j[k], p_ij[k]) if p_ij[k] >= p_ji[k] else (j[k], i[k], p_ji[k])
        out.append(CopyPair(str(source_labels[a]), str(source_labels[b]), float(pa_), float(dep[k]),
                            int(shared[k])))
    return out


def _group_median(groups: np.ndarray, values: np.ndarray, n_groups: int) -> np.ndarray:
    """Lower median of ``values`` per group (NaN for empty groups), by one lexsort."""
    order = np.lexsort((values, groups))
    g, v = groups[order], values[order]
    counts = np.bincount(g, minlength=n_groups)
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    out = np.full(n_groups, np.nan)
    has = counts > 0
    out[has] = v[starts[has] + (counts[has] - 1) // 2]
    return out


def duplicate_groups(counts: PairStatistics, *, min_shared: int = 5) -> np.ndarray:
    """Per source, a group label: a group's sources are pairwise exact duplicates. Two sources are
    duplicates when they state the same value on every item they share, and at least ``min_shared`` of
    those items are contested (another source states another value there): agreeing where nobody
    disagrees says nothing about copying.

    Groups are built greedily, sources with more claims first (ties by label): a source joins the first
    group all of whose members it duplicates. Pairwise, not by chains: chaining would merge sources that are not
    duplicates of each other through a third. The loop is over sources, not claims.
    """
    n = counts.cm.n_sources
    label = np.arange(n)
    if not counts.i.size:
        return label
    twin = (counts.same >= counts.shared) & (counts.shared >= min_shared)
    twin[twin] = counts.contested_shared()[twin] >= min_shared
    if not twin.any():
        return label
    g = sp.csr_matrix((np.ones(2 * int(twin.sum()), dtype=bool),
                       (np.r_[counts.i[twin], counts.j[twin]], np.r_[counts.j[twin], counts.i[twin]])),
                      shape=(n, n))
    members: dict[int, list[int]] = {}
    # more claims first; ties by label, so every backend (whatever its source numbering) builds the same groups
    order = np.lexsort((np.asarray(counts.source_labels, dtype=str), -np.asarray(counts.source_claims)))
    for s in order:
        twins = set(g.indices[g.indptr[s]:g.indptr[s + 1]].tolist())
        tried: set[int] = set()
        for t in sorted(twins):
            gid = int(label[t])
            group = members.get(gid)
            if group is None or gid in tried:
                continue
            tried.add(gid)
            if twins.issuperset(group):
                label[s] = gid
                group.append(int(s))
                break
        else:
            members[int(s)] = [int(s)]
    return np.unique(label, return_inverse=True)[1]


def agreement_accuracy(counts: PairStatistics, *, min_shared: int = 5, n_iter: int = 500, tol: float = 1e-9,
                       fallback: float = 0.8, group_duplicates: bool = True) -> np.ndarray:
    """Source accuracies estimated without any truth, from how often pairs of sources agree.

    Independent sources agree on a common item with probability ``≈ A_i · A_j``; a robust (median)
    fit of ``log agree_ij = log A_i + log A_j`` ignores the few pairs that agree too much (copiers), so a
    clique repeating one poor source does not inflate its members' accuracy. Exact duplicates (sources
    identical on every one of at least ``min_shared`` common items, :func:`duplicate_groups`) enter the
    fit once, as a group with their pooled agreement rates, and share its accuracy: otherwise a clique of
    copies that outnumbers the independent sources holds the majority of every source's pairs and the
    median sides with it (a case with four honest sources and a poor one repeated by four copies came out
    wrong every time; tests/fusion/test_case_fusion.py). Sources with no pair of at least ``min_shared``
    common items get ``fallback``. ``group_duplicates=False`` fits every source on its own (as before the
    fourth session).
    """
    keep = counts.shared >= min_shared
    if not keep.any():
        return np.full(counts.cm.n_sources, fallback)
    label = (duplicate_groups(counts, min_shared=min_shared) if group_duplicates
             else np.arange(counts.cm.n_sources))
    n_groups = int(label.max()) + 1
    gi, gj = label[counts.i[keep]], label[counts.j[keep]]
    cross = gi != gj
    lo, hi = np.minimum(gi, gj)[cross], np.maximum(gi, gj)[cross]
    key, inv = np.unique(lo.astype(np.int64) * n_groups + hi, return_inverse=True)  # group pairs
    same = np.bincount(inv, counts.same[keep][cross], minlength=key.size)
    shared = np.bincount(inv, counts.shared[keep][cross], minlength=key.size)
    i, j = key // n_groups, key % n_groups
    agree = np.clip(same / np.maximum(shared, 1.0), 1e-3, 1.0)
    log_g = np.log(agree)
    rows, cols, vals = np.r_[i, j], np.r_[j, i], np.r_[log_g, log_g]
    a = np.full(n_groups, np.log(fallback))
    for _ in range(n_iter):  # medians over pairs, vectorised inside; damped, else it swings every round
        est = _group_median(rows, vals - a[cols], n_groups)
        new = 0.5 * a + 0.5 * np.where(np.isnan(est), np.log(fallback), np.minimum(est, 0.0))
        settled = float(np.max(np.abs(new - a))) <= tol
        a = new
        if settled:
            break
    return np.exp(a)[label]


def agreement_posteriors(counts: PairStatistics, accuracy: np.ndarray, *, prior: float, copy_rate: float,
                         n_false: float) -> tuple[np.ndarray, np.ndarray]:
    """Truth-free first look: Pr(dependent) from the agreement rate alone, split evenly by direction."""
    if not counts.i.size:
        return np.zeros(0), np.zeros(0)
    ai, aj = accuracy[counts.i], accuracy[counts.j]
    q = np.clip(ai * aj + (1 - ai) * (1 - aj) / n_false, 1e-9, 1 - 1e-9)
    same, diff = counts.same, np.maximum(counts.shared - counts.same, 0.0)
    c = copy_rate
    l_ind = np.log(1 - prior) + same * np.log(q) + diff * np.log1p(-q)
    l_dep = np.log(prior) + same * np.log(c + (1 - c) * q) + diff * (np.log(1 - c) + np.log1p(-q))
    top = np.maximum(l_ind, l_dep)
    p_dep = np.exp(l_dep - top) / (np.exp(l_dep - top) + np.exp(l_ind - top))
    return p_dep / 2, p_dep / 2
