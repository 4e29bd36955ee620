"""ACCU and ACCU-COPY: X. L. Dong, L. Berti-Equille, D. Srivastava, "Integrating conflicting data:
the role of source dependence", PVLDB 2(1), 2009 (VLDB 2009)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import scipy.sparse as sp

from sevenfold.errors import InputError
from sevenfold.fusion.base import FitResult, FusionEstimator, IterationControl, max_abs_change
from sevenfold.fusion.copying import (
    CopyPair,
    PairCounts,
    agreement_accuracy,
    agreement_posteriors,
    copy_pairs,
    dependence_matrix,
    pair_posteriors,
)
from sevenfold.fusion.matrix import ClaimMatrix
from sevenfold.fusion.verified import VERIFIED_SAMPLES, verified_accuracy

_A_MIN, _A_MAX = 1e-3, 1 - 1e-3
_DENSE_LIMIT = 30_000_000  # candidates × sources below which the discount uses a dense product


STARTS = ("agreement", "accu", "constant")  # ACCU-COPY's starting points (AccuCopy ``starts``)
START_KEYS = ("start", "start_scores", "start_disagreement", "n_iter_total")  # a multi-start fit's ``<key>_``
#: share of items on which ACCU-COPY's starts may differ before ``fuse`` warns and an assessment alerts
START_WARN_SHARE = 0.01
N_FALSE_CAP = 100.0  # the paper's n: the most equally likely false values "auto" may find


def _start_names(method: str, starts: object) -> tuple[str, ...]:
    """``starts`` as a tuple of distinct known names (a comma-separated string is accepted; a set is not:
    its order, which decides the answer with ``select="first"``, would be arbitrary)."""
    if isinstance(starts, str):
        names: list[object] = [x.strip() for x in starts.split(",")]
    elif isinstance(starts, (list, tuple)):
        names = list(starts)
    else:
        names = []
    if (not names or not all(isinstance(x, str) and x in STARTS for x in names)
            or len(set(names)) != len(names)):
        raise InputError(f"{method}: starts must be distinct names from {', '.join(STARTS)} (a list, a tuple "
                         f"or a comma-separated string), not {starts!r}")
    return tuple(str(x) for x in names)


def false_value_count(cm: ClaimMatrix, prob: np.ndarray, cap: float = N_FALSE_CAP) -> float:
    """How many equally likely false values would make two false statements coincide as often as they do.

    The model assumes ``n`` equally likely false values per item, so two false statements about an item
    coincide with probability ``1 / n``. Real errors bunch (a popular wrong format, an outdated value),
    so the data's ``n`` is usually far below the paper's 100. With ``f_v`` the false-vote mass of value
    ``v`` (its votes × ``1 - prob``) and ``k`` the item's total, the share of pairs of false statements
    that coincide is ``Σ f_v (f_v - 1) / (k (k - 1))`` — an unbiased estimate of the collision
    probability, where the plug-in ``Σ (f_v / k)²`` is biased upwards on the two or three false
    statements an item typically has. Pooled over items with ``k ≥ 2``, its inverse is ``n``
    (clipped to ``[1, cap]``; ``cap`` when no item has two false statements). On generated data with
    3, 10 or 30 uniformly likely false values it returns 2.9, 10.7 and 28.1.
    """
    f = cm.cand_votes * (1.0 - prob)
    k = cm.item_sum(f)
    sel = k >= 2.0
    if not sel.any():
        return float(cap)
    pairs = (k * (k - 1.0))[sel].sum()
    same = cm.item_sum(f * (f - 1.0))[sel].sum()
    return float(np.clip(pairs / max(same, 1e-12), 1.0, cap))


def majority_truth(cm: ClaimMatrix) -> np.ndarray:
    """1 for each item's most-voted candidate, 0 elsewhere: the truth-free start of ``n_false="auto"``."""
    out = np.zeros(cm.n_cands)
    out[cm.item_argmax(cm.cand_votes.astype(np.float64))] = 1.0
    return out


class Accu(FusionEstimator):
    """ACCU (Dong et al., VLDB 2009): Bayesian vote with learned source accuracy.

    A source of accuracy ``A`` votes ``ln(n A / (1 - A))`` for its value, where ``n`` (``n_false``) is the
    number of false values per item, assumed uniformly likely; ``Pr(v) = exp(C(v)) / Σ exp(C(v'))`` over
    the item's ``n + 1`` values (unstated values count ``exp(0)``); ``A(s)`` is the mean ``Pr`` of the
    source's values. Starts at ``initial_accuracy``; stops when no accuracy moves by more than ``tol``.

    ``prior_claims`` (default 1) adds that many pseudo-claims at ``initial_accuracy`` to every source's
    mean (a Beta prior; our addition, after the long-tail concern of Li et al., "A confidence-aware
    approach for truth discovery on long-tail data", VLDB 2015). Without it a source with a single
    claim has exactly the probability of its one value as its accuracy, which feeds back into that
    value's vote: two one-claim sources that disagree sit on an unstable tie, and 1e-16 of rounding
    decides which of them ends up near-certain after some fifty rounds (on the Population data the loop
    never settled in 300 rounds, and the NumPy and Spark backends broke such a tie differently). With
    one pseudo-claim the loop converges and accuracy is unchanged or better (docs/fusion.md).
    ``prior_claims=0`` is the paper.

    ``n_false="auto"`` (default) estimates ``n`` once from the data before iterating, as
    :func:`false_value_count` given the majority-vote winners: how often two false statements about
    an item coincide (the concern of the paper's follow-up AccuPr: false values are not uniformly
    likely). The paper assumes ``n = 100``; the data give ``n`` ≈ 3.1 on Book, 1.8 on Flight and 13 on
    Population (docs/fusion.md). A number fixes ``n``. The value used is ``n_false_``.
    """

    name = "accu"
    default_max_iter = 100
    default_tol = 1e-4

    def __init__(self, *, n_false: float | str = "auto", initial_accuracy: float = 0.8, prior_claims: float = 1.0,
                 verified_sample: str = "targeted", max_iter: int | None = None, tol: float | None = None,
                 backend: str = "numpy") -> None:
        super().__init__(max_iter=max_iter, tol=tol, backend=backend)
        if verified_sample not in VERIFIED_SAMPLES:
            raise InputError(f"{self.name}: verified_sample must be one of {', '.join(VERIFIED_SAMPLES)}, "
                             f"not {verified_sample!r}")
        self.verified_sample = verified_sample
        if not prior_claims >= 0:
            raise InputError(f"{self.name}: prior_claims must be 0 or more, not {prior_claims}")
        self.prior_claims = float(prior_claims)
        if n_false != "auto":
            try:
                n_false = float(n_false)
            except (TypeError, ValueError):
                raise InputError(f"{self.name}: n_false must be 'auto' or a number, not {n_false!r}") from None
            if not n_false >= 1:
                raise InputError(f"{self.name}: n_false must be at least 1, not {n_false}")
        if not 0 < initial_accuracy < 1:
            raise InputError(f"{self.name}: initial_accuracy must be in (0, 1), not {initial_accuracy}")
        self.n_false, self.initial_accuracy = n_false, initial_accuracy
        self._n = N_FALSE_CAP if n_false == "auto" else float(n_false)

    def _accuracy(self, prob_sum: np.ndarray, n_claims: np.ndarray) -> np.ndarray:
        """A source's accuracy: the mean probability of its values, with ``prior_claims`` pseudo-claims
        at ``initial_accuracy`` (shared by every backend)."""
        a = self.prior_claims
        return np.clip((prob_sum + a * self.initial_accuracy) / (n_claims + a), _A_MIN, _A_MAX)

    def _prepare_verified(self, cm: ClaimMatrix) -> None:
        """Per source, its claims on verified values (``checked``) and how many were right (``correct``),
        for :meth:`_source_accuracy`; nothing when the fit has no verified values, or when they are not
        a random sample (``verified_sample="targeted"``: the clamped loop alone)."""
        verified = getattr(self, "_verified", None)
        self._checked: np.ndarray | None = None
        self._correct: np.ndarray | None = None
        self._strength: float | None = None
        self._pooled: np.ndarray | None = None
        if verified is None or verified.empty or self.verified_sample != "random":
            return
        checked = verified.cand_mask(true=True, false=True)[cm.claim_cand]
        correct = verified.cand_mask(true=True)[cm.claim_cand]
        self._checked = np.bincount(cm.claim_source, checked.astype(np.float64), minlength=cm.n_sources)
        self._correct = np.bincount(cm.claim_source, correct.astype(np.float64), minlength=cm.n_sources)

    def _unverified_estimate(self, cm: ClaimMatrix, prob: np.ndarray) -> np.ndarray:
        """Each source's accuracy from its claims on unverified items only (on verified claims ``prob``
        is clamped to 1 / 0, so their share of the sum is ``correct``)."""
        assert self._checked is not None and self._correct is not None  # _prepare_verified set them
        return self._accuracy(cm.source_sum(prob) - self._correct, cm.source_n_claims - self._checked)

    def _source_accuracy(self, cm: ClaimMatrix, prob: np.ndarray) -> np.ndarray:
        """Accuracies given value probabilities: :meth:`_accuracy` over every claim, or, with verified
        values, the loop's estimate from the unverified claims pooled with each source's verified record
        by :func:`~sevenfold.fusion.verified.verified_accuracy` (its strength is ``verified_strength_``)."""
        checked, correct = getattr(self, "_checked", None), getattr(self, "_correct", None)
        if checked is None or correct is None:
            return self._accuracy(cm.source_sum(prob), cm.source_n_claims)
        accuracy, strength = verified_accuracy(self._unverified_estimate(cm, prob), correct, checked)
        if self._strength is not None and self._pooled is not None:
            # damped: undamped, the strength and the accuracies can chase each other round after round
            # (2.5 ↔ 143 on one synthetic draw) and the loop never settles
            accuracy = 0.5 * (self._pooled + accuracy)
            strength = float(np.sqrt(self._strength * strength))
        self._strength, self._pooled = strength, accuracy
        return np.clip(accuracy, _A_MIN, _A_MAX)

    def _restart_pooling(self) -> None:
        """Forget the damping state of the pooled accuracies (a new run of the loop starts)."""
        self._strength, self._pooled = None, None

    def _verified_extra(self, cm: ClaimMatrix, prob: np.ndarray) -> dict[str, Any]:
        """``verified_strength``: the pooling strength at the answer's value probabilities."""
        checked, correct = getattr(self, "_checked", None), getattr(self, "_correct", None)
        if checked is None or correct is None:
            return {}
        return {"verified_strength": verified_accuracy(self._unverified_estimate(cm, prob), correct, checked)[1]}

    @property
    def n_false_cap(self) -> float:
        """The largest ``n`` any estimate may take: ``n_false`` when fixed, else the paper's 100."""
        return N_FALSE_CAP if self.n_false == "auto" else float(self.n_false)

    def _vote_n(self, cm: ClaimMatrix) -> float:
        """The ``n`` of the vote for this fit (estimated when ``n_false="auto"``)."""
        self._n = (false_value_count(cm, self._anchor(majority_truth(cm))) if self.n_false == "auto"
                   else float(self.n_false))
        return self._n

    def _votes(self, cm: ClaimMatrix, accuracy: np.ndarray, discount: np.ndarray | None) -> np.ndarray:
        """Per candidate, the summed (discounted) vote scores ``ln(n A / (1 - A))`` of its sources."""
        score = np.log(self._n * accuracy / (1 - accuracy))
        per_claim = score[cm.claim_source]
        if discount is not None:
            per_claim = per_claim * discount
        return np.bincount(cm.claim_cand, per_claim, minlength=cm.n_cands)

    def _unstated(self, cm: ClaimMatrix) -> np.ndarray:
        """Per item, how many of the ``n + 1`` values no source states (each counts ``exp(0)``)."""
        return np.maximum(self._n + 1 - cm.item_n_cands, 0.0)

    def _probabilities(self, cm: ClaimMatrix, accuracy: np.ndarray, discount: np.ndarray | None) -> np.ndarray:
        """Per candidate, the posterior probability of being the item's truth given the verified values
        (known-false values drop out of the softmax and the rest renormalise; a known value gets 1)."""
        logits, unstated = self._votes(cm, accuracy, discount), self._unstated(cm)
        verified = getattr(self, "_verified", None)
        if verified is not None and not verified.empty:
            logits, unstated = verified.mask_logits(cm, logits, unstated)
        return cm.item_softmax(logits, unstated)

    def log_likelihood_of(self, cm: ClaimMatrix, accuracy: np.ndarray, discount: np.ndarray | None = None) -> float:
        """Log-likelihood of the claims under ACCU's model given per-source ``accuracy``, plus the log of
        the ``prior_claims`` Beta prior on accuracies, up to a constant that does not depend on the
        accuracies (so only differences mean something).

        The model: a source of accuracy ``A`` states the true value with probability ``A`` and each of
        ``n`` false values with ``(1 - A) / n``; every item's truth is uniform over ``n + 1`` values
        (``n`` = this estimator's ``n_false``, estimated from ``cm`` when ``"auto"``). ACCU's value
        probabilities are this model's posterior, and without a ``discount`` its accuracy loop is exact
        MAP-EM, which climbs this function. With a ``discount`` each claim's factor is raised to its
        discount; ACCU-COPY's loop does not climb that weighted version (its accuracy update does not
        weight the claims), so for ACCU-COPY it is a score of the loop's end point. Like the vote, it
        extends the model to non-integer ``n`` and to items with more than ``n + 1`` stated values
        (their truth then ranges over the stated values only).
        """
        self._vote_n(cm)
        return self._score(cm, accuracy, discount)

    def _score(self, cm: ClaimMatrix, accuracy: np.ndarray, discount: np.ndarray | None,
               weight: np.ndarray | None = None) -> float:
        """:meth:`log_likelihood_of` with the ``n`` of the fit in progress (``weight``: the per-source
        discounted claim counts, when the caller has them)."""
        accuracy = np.clip(accuracy, _A_MIN, _A_MAX)
        if weight is None:
            weight = self._claim_weight(cm, discount)
        logits, unstated = self._votes(cm, accuracy, discount), self._unstated(cm)
        verified = getattr(self, "_verified", None)
        if verified is not None:  # a verified item's truth is observed: only its value's term remains
            logits, unstated = verified.mask_logits(cm, logits, unstated)
        items = float(cm.item_logsumexp(logits, unstated).sum())
        return self._log_likelihood(accuracy, weight, items)

    @staticmethod
    def _claim_weight(cm: ClaimMatrix, discount: np.ndarray | None) -> np.ndarray:
        """Per source, its claims counted at their vote ``discount``."""
        return cm.source_n_claims if discount is None else np.bincount(cm.claim_source, discount,
                                                                       minlength=cm.n_sources)

    def _log_likelihood(self, accuracy: np.ndarray, weight: np.ndarray, items: float) -> float:
        """:meth:`log_likelihood_of` from its parts (shared by every backend): ``weight`` is each source's
        claim count (discounted), ``items`` the sum over items of the log-sum-exp of the votes."""
        stated_false = float(weight @ np.log((1 - accuracy) / self._n))  # every claim as if false, ...
        a, a0 = self.prior_claims, self.initial_accuracy
        log_prior = float(a * (a0 * np.log(accuracy) + (1 - a0) * np.log1p(-accuracy)).sum())
        return stated_false + items + log_prior  # ... each item's truth adding its odds (in ``items``)

    def _fit_numpy(self, cm: ClaimMatrix, ctl: IterationControl) -> FitResult:
        n = self._vote_n(cm)
        self._prepare_verified(cm)
        accuracy = np.full(cm.n_sources, self.initial_accuracy)
        while True:
            prob = self._probabilities(cm, accuracy, None)
            new_acc = self._source_accuracy(cm, prob)
            change = max_abs_change(new_acc, accuracy)
            accuracy = new_acc
            if ctl.done(change):
                break
        truths, conf = self._decide(cm, prob, prob)
        return FitResult(truths, conf, prob, accuracy, ctl.n_iter, ctl.converged, ctl.stop_reason,
                         extra={"n_false": n, **self._verified_extra(cm, prob)})


class AccuCopy(Accu):
    """ACCU-COPY (Dong et al., VLDB 2009): ACCU with copy detection between sources.

    Each round: value probabilities from discounted votes → source accuracies → pairwise copy
    probabilities (:mod:`sevenfold.fusion.copying`, prior ``prior``, copy rate ``copy_rate``) → vote
    discounts. The paper multiplies a source's vote by an independence factor ``I(s)`` computed along a
    greedy source order; we use an order-free, vectorised stand-in with the same intent: a claim's vote is
    divided by ``1 + c · Σ Pr(s copies s')`` over the other sources ``s'`` stating the same value
    (``discount="harmonic"``: a clique of k mutual copies then counts about 1 + 1/c votes in total, like the
    paper's ordering; an original is barely discounted by its copiers), or multiplied by
    ``Π (1 - c · Pr(s copies s'))`` (``discount="product"``). Pairs whose dependence (either direction)
    is below ``min_dependence`` are not discounted. Our additions, each a parameter:

    * ``init="agreement"`` (default) starts from accuracies fitted to pairwise agreement rates and a
      truth-free dependence estimate, so a large clique repeating a poor source cannot win the first
      vote and then pass for the truth; ``init="constant"`` starts like the paper at ``initial_accuracy``.
      With ``group_duplicates=True`` (default) exact duplicates enter that fit once
      (:func:`~sevenfold.fusion.copying.agreement_accuracy`), so copies that outnumber the independent
      sources do not decide it.
    * ``copy_n_false=None`` (default) estimates, each round, how concentrated false values really are
      (real errors bunch: a popular wrong format, a stale value) instead of assuming ``n_false``
      uniformly likely false values, which would make every shared error look like copying.
    * ``update_dependence=False`` (default): the vote discounts use the truth-free dependence of round 0
      throughout and only accuracies and value probabilities iterate; ``dependence_`` is then the paper's
      directional estimate given the final truths. ``True`` re-estimates dependence every round as in the
      paper; on the Flight data that loop drifts (accurate, widely syndicated feeds come to look like
      copiers once a few truths flip) and loses about 7 points (see docs/fusion.md).
    * ``n_false="auto"`` (default, as in ACCU): the vote's ``n`` is estimated from the data; the copy
      posterior's ``n`` is re-estimated each round from the current value probabilities (unless
      ``copy_n_false`` fixes it). With the paper's ``n = 100`` the truth-free dependence flagged the
      widely syndicated, accurate Flight feeds and ACCU-COPY fell below majority voting (0.798).
    * ``damping`` keeps a share of the previous accuracies (and dependences) each round; the loop can
      otherwise oscillate on data with large copier groups. Convergence is judged on the accuracies.
    * ``starts=("agreement", "accu")`` and ``select="first"`` (defaults): with the discounts fixed, the
      accuracy loop can settle in different fixed points from different starting accuracies (on the
      Flight data from a constant start it settles where the airlines' own sites are distrusted: 0.66
      instead of 0.91). The loop runs from every start: the agreement accuracies, the copy-unaware
      (ACCU) fixed point (``"accu"``; a warm-up loop without discounts, under its own ``max_iter``), or
      ``initial_accuracy`` (``"constant"``). With ``select="first"`` the answer is the first start's
      (``"agreement"``, the method's answer before starts existed) and the other starts are a
      **check**: ``start_disagreement_`` gives, per other start, the share of items whose answer
      differs. A share of ``START_WARN_SHARE`` (1 %) or more means the data do not pin the answer down
      under this model; ``sevenfold fuse`` warns and an assessment raises ``fusion_depends_on_start``.
      ``select="likelihood"`` keeps the fixed point of highest discounted log-likelihood
      (:meth:`log_likelihood_of`) instead. It is **not safe as a default**: on synthetic data with few
      honest sources (8–15) and a clique of copiers it prefers the clique's answer (accuracy 0.80–0.92
      → 0.38–0.58, below majority voting; docs/fusion.md). ``start_scores_`` holds every start's
      log-likelihood, ``start_`` the start kept, ``start_differs_`` the items (ids) on which some
      other start ends elsewhere (the ones to verify first), ``n_iter_`` the kept run's rounds and
      ``n_iter_total_`` the rounds of every run including warm-ups. One start (``starts=("agreement",)``) is the
      method without the check at half the cost. The paper's loop (``init="constant"`` or
      ``update_dependence=True``) changes the discounts every round and runs once; ``starts`` and
      ``select`` do not apply to it.

    Sets ``dependence_`` (sparse sources × sources, ``[i, j] = Pr(i copies j)``); :meth:`copy_pairs`
    lists the likely copiers for provenance.
    """

    name = "accu-copy"
    param_bounds = {"min_dependence": (0.0, 1.0, False, True), "copy_n_false": (1.0, math.inf, True, False),
                    "damping": (0.0, 1.0, True, False)}
    copy_aware = True
    default_tol = 1e-3

    def __init__(self, *, prior: float = 0.2, copy_rate: float = 0.8, n_false: float | str = "auto",
                 initial_accuracy: float = 0.8, init: str = "agreement", min_dependence: float = 0.5,
                 copy_n_false: float | None = None, discount: str = "harmonic", damping: float = 0.2,
                 update_dependence: bool = False, prior_claims: float = 1.0,
                 starts: tuple[str, ...] | list[str] | str = ("agreement", "accu"), select: str = "first",
                 group_duplicates: bool = True, verified_sample: str = "targeted",
                 max_iter: int | None = None, tol: float | None = None, backend: str = "numpy") -> None:
        super().__init__(n_false=n_false, initial_accuracy=initial_accuracy, prior_claims=prior_claims,
                         verified_sample=verified_sample, max_iter=max_iter, tol=tol, backend=backend)
        self.starts = _start_names(self.name, starts)
        if select not in ("first", "likelihood"):
            raise InputError(f"{self.name}: select must be 'first' or 'likelihood', not {select!r}")
        self.select = select
        self.group_duplicates = bool(group_duplicates)
        if init not in ("agreement", "constant"):
            raise InputError(f"{self.name}: init must be 'agreement' or 'constant', not {init!r}")
        if not 0 < prior < 1:
            raise InputError(f"{self.name}: prior must be in (0, 1), not {prior}")
        if not 0 < copy_rate < 1:
            raise InputError(f"{self.name}: copy_rate must be in (0, 1), not {copy_rate}")
        self.prior, self.copy_rate = prior, copy_rate
        self.init = init
        self.min_dependence = min_dependence
        self.copy_n_false = copy_n_false
        if discount not in ("harmonic", "product"):
            raise InputError(f"{self.name}: discount must be 'harmonic' or 'product', not {discount!r}")
        if not 0 <= damping < 1:
            raise InputError(f"{self.name}: damping must be in [0, 1), not {damping}")
        self.discount, self.damping = discount, damping
        self.update_dependence = update_dependence

    def _effective_n_false(self, cm: ClaimMatrix, prob: np.ndarray) -> float:
        """``n`` of the copy posterior: ``copy_n_false`` if given, else :func:`false_value_count` given
        the current value probabilities (capped at the vote's ``n``)."""
        if self.copy_n_false is not None:
            return float(self.copy_n_false)
        return false_value_count(cm, prob, cap=self.n_false_cap)

    def _pair_weights(self, dep: sp.csr_matrix) -> sp.csr_matrix:
        """Sources × sources ``[s, s'] = c · ramp · Pr(s copies s')``: how much of s's vote s' explains.

        Shared by every backend; only the per-claim sum over co-stating sources differs.
        """
        # Pairs whose dependence (either direction) stays below ``min_dependence`` are treated as
        # independent: otherwise the prior-level dependence of the many pairs that share only an item or
        # two would multiply up and discount every popular value.
        coo = dep.tocoo()
        total = (dep + dep.T).tocsr()
        if dep.shape[0] <= 3000:
            tot = total.toarray()[coo.row, coo.col]
        else:
            total.sort_indices()
            tot = np.asarray(total[coo.row, coo.col]).ravel() if coo.nnz else np.zeros(0)
        # a smooth ramp from 0 at ``min_dependence / 2`` to full weight at ``min_dependence``: a hard
        # cut-off lets pairs flip in and out between rounds and the iteration never settles
        lo = self.min_dependence / 2
        ramp = np.clip((tot - lo) / max(self.min_dependence - lo, 1e-12), 0.0, 1.0)
        strong = ramp > 0
        d = sp.csr_matrix((self.copy_rate * coo.data[strong] * ramp[strong], (coo.row[strong], coo.col[strong])),
                          shape=dep.shape)
        d.eliminate_zeros()
        return d

    def _discount(self, cm: ClaimMatrix, dep: sp.csr_matrix) -> np.ndarray:
        """Per claim, the vote multiplier from the sources it may copy (see the class docstring)."""
        d = self._pair_weights(dep)
        if d.nnz == 0:
            return np.ones(cm.n_claims)
        if self.discount == "product":
            return self._product(cm, d)
        if cm.n_cands * cm.n_sources <= _DENSE_LIMIT:
            # few sources: candidates × sources as one sparse-dense product, then a plain gather per claim
            per_dense = cm.cand_sum(d.T.toarray())  # [v, s] = c · Σ_{s' states v} Pr(s copies s')
            return 1.0 / (1.0 + per_dense[cm.claim_cand, cm.claim_source])
        per = (d @ cm.sc).tocsr()  # [s, v] = c · Σ_{s' states v} Pr(s copies s')
        per.sort_indices()  # point look-ups below use binary search only on sorted rows
        return 1.0 / (1.0 + np.asarray(per[cm.claim_source, cm.claim_cand]).ravel())

    def _product(self, cm: ClaimMatrix, d: sp.csr_matrix) -> np.ndarray:
        logd = d.copy()
        logd.data = np.log1p(-np.minimum(logd.data, 1.0 - 1e-12))
        per = (logd @ cm.sc).tocsr()
        per.sort_indices()
        return np.exp(np.asarray(per[cm.claim_source, cm.claim_cand]).ravel())

    def _paper_loop(self) -> bool:
        """Whether dependence is re-estimated every round (the paper), not fixed at the truth-free start."""
        return self.update_dependence or self.init != "agreement"

    def _loop(self, cm: ClaimMatrix, accuracy: np.ndarray, discount: np.ndarray | None,
              ctl: IterationControl) -> np.ndarray:
        """Value probabilities → accuracies with fixed vote discounts, until ``ctl`` stops; the accuracies.
        A control already at ``max_iter`` (spent by a warm-up) runs no round."""
        self._restart_pooling()
        while not ctl.exhausted:
            new_acc = self._source_accuracy(cm, self._probabilities(cm, accuracy, discount))
            change = max_abs_change(new_acc, accuracy)
            # damping (a share of the old state kept each round) stops the loop from oscillating
            accuracy = self.damping * accuracy + (1 - self.damping) * new_acc
            if ctl.done(change):
                break
        return accuracy

    def _n_runs(self) -> int:
        """Loops a multi-start fit runs: one per start, plus the copy-unaware warm-up of ``"accu"``."""
        return len(self.starts) + ("accu" in self.starts)

    def _run_starts(self, ctl: IterationControl, agreement: np.ndarray, loop: Any,
                    score: Any) -> tuple[str, np.ndarray, dict[str, np.ndarray], dict[str, float]]:
        """Run the fixed-discount loop from every start and pick the run kept (``select``); shared by
        every backend, which supplies ``loop(accuracy, discounted, control) -> accuracy`` (``discounted``
        False: the copy-unaware warm-up of ``"accu"``, under its own control) and ``score(accuracy)``.
        Returns the start kept, its accuracies, the other starts' accuracies and every start's score;
        ``ctl`` takes the kept run's iteration count and stop reason."""
        runs = []
        for name in self.starts:
            run = ctl.phase(self._n_runs())
            start = agreement if name == "agreement" else np.full(agreement.size, self.initial_accuracy)
            if name == "accu":  # the copy-unaware fixed point
                start = loop(start, False, ctl.phase(self._n_runs()))
            acc = loop(start, True, run)
            runs.append((name, acc, run, score(acc)))
        kept, accuracy, run, _ = runs[self._kept([r[3] for r in runs])]
        ctl.adopt(run)
        return kept, accuracy, {r[0]: r[1] for r in runs if r[0] != kept}, {r[0]: r[3] for r in runs}

    @staticmethod
    def _start_extra(ctl: IterationControl, kept: str, scores: dict[str, float],
                     disagreement: dict[str, float]) -> dict[str, Any]:
        """What a multi-start fit reports (``START_KEYS`` and ``log_likelihood``)."""
        return {"start": kept, "start_scores": scores, "log_likelihood": scores[kept],
                "start_disagreement": disagreement, "n_iter_total": ctl.spent}

    def _kept(self, scores: list[float]) -> int:
        """Which run's answer is kept: the first start's (``select="first"``) or the likeliest (ties: the
        earliest start). Shared by every backend."""
        if self.select == "first":
            return 0
        return max(range(len(scores)), key=lambda k: (scores[k], -k))

    def _fit_numpy(self, cm: ClaimMatrix, ctl: IterationControl) -> FitResult:
        n = self._vote_n(cm)
        self._prepare_verified(cm)
        counts = PairCounts(cm)
        agreement = np.full(cm.n_sources, self.initial_accuracy)
        dep = sp.csr_matrix((cm.n_sources, cm.n_sources))
        discount: np.ndarray | None = None
        if self.init == "agreement":
            # Round 0 needs no truth: accuracies from pairwise agreement (robust to copier cliques) and
            # dependence from agreement beyond what those accuracies explain.
            agreement = np.clip(agreement_accuracy(counts, fallback=self.initial_accuracy,
                                                    group_duplicates=self.group_duplicates), _A_MIN, _A_MAX)
            p_ij, p_ji = agreement_posteriors(counts, agreement, prior=self.prior, copy_rate=self.copy_rate,
                                              n_false=n)
            dep = dependence_matrix(counts, p_ij, p_ji)
            discount = self._discount(cm, dep)
        if self._paper_loop():
            accuracy, prob, dep = self._fit_paper_loop(cm, counts, agreement, dep, discount, ctl)
            extra: dict[str, Any] = {}
        else:
            # With the discounts fixed the loop can settle in different fixed points from different
            # starts: run it from each, keep one (``select``), and report how far the others disagree.
            weight = self._claim_weight(cm, discount)
            kept, accuracy, others, scores = self._run_starts(
                ctl, agreement, lambda a, discounted, run: self._loop(cm, a, discount if discounted else None, run),
                lambda a: self._score(cm, a, discount, weight))
            prob = self._probabilities(cm, accuracy, discount)
            kept_truths = cm.item_argmax(prob)
            differs = np.zeros(cm.n_items, dtype=bool)
            disagreement = {}
            for name, acc in others.items():
                other = cm.item_argmax(self._probabilities(cm, acc, discount)) != kept_truths
                disagreement[name] = float(np.mean(other))
                differs |= other
            # votes used the truth-free dependence; report the paper's (directional) estimate given the
            # final truths and accuracies
            p_ij, p_ji = pair_posteriors(counts, prob, accuracy, prior=self.prior, copy_rate=self.copy_rate,
                                         n_false=self._effective_n_false(cm, prob))
            dep = dependence_matrix(counts, p_ij, p_ji)
            extra = {**self._start_extra(ctl, kept, scores, disagreement), "start_differs": np.flatnonzero(differs)}
        truths, conf = self._decide(cm, prob, prob)
        self._shared = sp.csr_matrix((counts.shared, (counts.i, counts.j)), shape=(cm.n_sources,) * 2)
        return FitResult(truths, conf, prob, accuracy, ctl.n_iter, ctl.converged, ctl.stop_reason,
                         dependence=dep, extra={"n_false": n, **extra, **self._verified_extra(cm, prob)})

    def _fit_paper_loop(self, cm: ClaimMatrix, counts: PairCounts, accuracy: np.ndarray, dep: sp.csr_matrix,
                        discount: np.ndarray | None,
                        ctl: IterationControl) -> tuple[np.ndarray, np.ndarray, sp.csr_matrix]:
        """The paper's loop: dependence (and so the discounts) re-estimated every round, one start."""
        self._restart_pooling()
        while True:
            prob = self._probabilities(cm, accuracy, discount)
            new_acc = self._source_accuracy(cm, prob)
            change = max_abs_change(new_acc, accuracy)
            accuracy = self.damping * accuracy + (1 - self.damping) * new_acc
            p_ij, p_ji = pair_posteriors(counts, prob, new_acc, prior=self.prior, copy_rate=self.copy_rate,
                                         n_false=self._effective_n_false(cm, prob))
            new_dep = dependence_matrix(counts, p_ij, p_ji)
            dep = new_dep if dep.nnz == 0 else (self.damping * dep + (1 - self.damping) * new_dep).tocsr()
            discount = self._discount(cm, dep)
            if ctl.done(change):
                break
        return accuracy, self._probabilities(cm, accuracy, discount), dep

    def verify_first(self, limit: int | None = None) -> np.ndarray:
        """The items (ids) whose answer depends on the start (``start_differs_``), most-stated first:
        verifying one adds to the record of every source that states it. Empty when the fit ran one
        start or the paper's loop."""
        self._check_fitted()
        ids = np.asarray(getattr(self, "start_differs_", ()), dtype=np.int64)
        return ids[np.argsort(-self.claims_.item_n_claims[ids], kind="stable")][:limit]

    def copy_pairs(self, threshold: float = 0.5) -> list[CopyPair]:
        """``(copier, original, probability, dependence, shared_items)`` for pairs at or above ``threshold``."""
        self._check_fitted()
        shared = self._shared + self._shared.T
        return copy_pairs(self.dependence_, self.claims_.source_labels, threshold, shared)
