"""Fusion methods on Spark DataFrames: the same updates as the NumPy implementations, step for step.

Each function takes the estimator (for its parameters), a :class:`SparkClaims` and the iteration
control, and returns ``(truth, belief, belief_col, trust, extra)`` where ``truth`` is a DataFrame
``(i, c, conf)``, ``belief`` a DataFrame ``(c, belief_col)`` and ``trust`` a NumPy array per source.
Candidate-level frames that feed the next iteration are materialised with ``localCheckpoint`` so the
query plan never grows with the number of iterations.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sevenfold.fusion.base import IterationControl, max_abs_change, scale_to_max
from sevenfold.fusion.spark.frame import SparkClaims

_A_MIN, _A_MAX = 1e-3, 1 - 1e-3


def _F() -> Any:
    from pyspark.sql import functions as F

    return F


def _checkpoint(frame: Any) -> Any:
    return frame.localCheckpoint(eager=True)


def _truth(sc: SparkClaims, score: Any, score_col: str, conf_frame: Any, conf_col: str) -> Any:
    """(i, c, conf): the argmax candidate of ``score`` and its value in ``conf_frame``."""
    best = sc.argmax(score, score_col)
    return best.join(conf_frame.select("c", _F().col(conf_col).alias("conf")), "c")


def majority_voting(est: Any, sc: SparkClaims, ctl: IterationControl) -> tuple[Any, ...]:
    F = _F()
    votes = sc.cand_votes
    belief = sc.item_normalize(votes, "votes", "belief")
    truth = _checkpoint(_truth(sc, votes, "votes", belief, "belief"))
    agree = sc.claims.join(truth.select("i", F.col("c").alias("tc")), "i") \
        .select("s", (F.col("c") == F.col("tc")).cast("double").alias("a"))
    trust = sc.src_from_claims(agree, "a") / sc.source_n
    ctl.single_pass()
    return truth, belief, "belief", trust, {}


def truthfinder(est: Any, sc: SparkClaims, ctl: IterationControl) -> tuple[Any, ...]:
    from pyspark.sql import Window

    from sevenfold.fusion.methods.truthfinder import cosine_distance

    F = _F()
    trust = np.full(sc.n_sources, est.initial_trust)
    conf = None
    while True:
        tau = -np.log1p(-np.minimum(trust, 1.0 - 1e-12))
        sigma = sc.cand_from_src(tau, "sigma")
        if est.implication == "exclusive":
            w = Window.partitionBy("i")
            sigma = sc.with_items(sigma).select(
                "c", (F.col("sigma") - est.rho * est.base_sim * (F.sum("sigma").over(w) - F.col("sigma")))
                .alias("sigma"))
        conf = _checkpoint(sigma.select("c", (1.0 / (1.0 + F.exp(-est.gamma * F.col("sigma")))).alias("conf")))
        new_trust = sc.src_from_cand(conf, "conf") / sc.source_n
        change = cosine_distance(new_trust, trust)
        trust = new_trust
        if ctl.done(change):
            break
    truth = _truth(sc, conf, "conf", conf, "conf")
    return truth, conf, "conf", trust, {}


def _link_result(sc: SparkClaims, trust: np.ndarray, belief: Any) -> tuple[Any, ...]:
    F = _F()
    share = sc.item_normalize(belief.select("c", F.greatest(F.col("belief"), F.lit(0.0)).alias("b")), "b", "share")
    share = _checkpoint(share)
    truth = _truth(sc, belief, "belief", share, "share")
    return truth, share, "share", scale_to_max(trust), {}


def _scaled(sc: SparkClaims, frame: Any, col: str) -> Any:
    """``frame[col] / max(frame[col])``. The frame is materialised first, so the maximum and the next
    iteration read it instead of each re-running its join and shuffle over all claims."""
    F = _F()
    frame = _checkpoint(frame)
    m = sc.global_max(frame, col)
    return frame.select("c", (F.col(col) / m).alias(col)) if m > 0 else frame


def average_log(est: Any, sc: SparkClaims, ctl: IterationControl) -> tuple[Any, ...]:
    F = _F()
    n = sc.source_n
    weight = np.log(n) / n
    trust = np.zeros(sc.n_sources)
    belief = sc.cands.select("c", F.lit(0.5).alias("belief"))
    while True:
        new_trust = scale_to_max(weight * sc.src_from_cand(belief, "belief"))
        belief = _scaled(sc, sc.cand_from_src(new_trust, "belief"), "belief")
        change = max_abs_change(new_trust, trust)
        trust = new_trust
        if ctl.done(change):
            break
    return _link_result(sc, trust, belief)


def investment(est: Any, sc: SparkClaims, ctl: IterationControl) -> tuple[Any, ...]:
    from pyspark.sql import Window

    F = _F()
    n = sc.source_n
    trust = np.ones(sc.n_sources)
    pooled = getattr(est, "pooled", False) or type(est).__name__ == "PooledInvestment"
    if pooled:
        belief = sc.with_items(sc.cands.select("c")).join(sc.item_n_cands, "i").select(
            "c", (1.0 / F.col("n_cands")).alias("belief"))
    else:
        belief = sc.item_normalize(sc.cand_votes, "votes", "belief")
    belief = _checkpoint(belief)
    while True:
        invest = trust / n
        claim_invest = _checkpoint(sc.cand_from_src(invest, "ci"))
        low = claim_invest.agg(F.min("ci")).collect()[0][0]
        if low is None or low <= 0:
            ctl.degenerate()
            break
        ratio = belief.join(claim_invest, "c").select("c", (F.col("belief") / F.col("ci")).alias("r"))
        new_trust = invest * sc.src_from_cand(ratio, "r")
        returns = sc.cand_from_src(new_trust / n, "h")
        if pooled:
            w = Window.partitionBy("i")
            grown = sc.with_items(returns).withColumn("gh", F.pow(F.col("h"), est.g))
            grown = grown.withColumn("pool", F.sum("gh").over(w))
            raw = grown.select("c", F.when(F.col("pool") > 0, F.col("h") * F.col("gh") / F.col("pool"))
                               .otherwise(0.0).alias("belief"))
        else:
            raw = returns.select("c", F.pow(F.col("h"), est.g).alias("belief"))
        belief = _scaled(sc, raw, "belief")
        new_trust = scale_to_max(new_trust)
        change = max_abs_change(new_trust, trust)
        trust = new_trust
        if ctl.done(change):
            break
    return _link_result(sc, trust, belief)


def _accu_exp(est: Any, sc: SparkClaims, accuracy: np.ndarray, any_unstated: bool, discount: Any = None) -> Any:
    """Per candidate ``(c, i, e, den, m)``: shifted exponential of its summed vote score, the item's total
    (unstated values at exp(0)) and the item's shift, as ``ClaimMatrix._item_exp``.

    ``discount``: optional per-claim vote multipliers ``(s, c, disc)`` (ACCU-COPY); missing = 1.
    """
    from pyspark.sql import Window

    F = _F()
    score = np.log(est._n * accuracy / (1 - accuracy))
    if discount is None:
        cand_votes = sc.cand_from_src(score, "v")
    else:
        per_claim = (sc.claims.join(F.broadcast(sc.src_frame(score, "_x")), "s")
                     .join(discount, ["s", "c"], "left")
                     .select("c", (F.col("_x") * F.coalesce(F.col("disc"), F.lit(1.0))).alias("_v")))
        cand_votes = per_claim.groupBy("c").agg(F.sum("_v").alias("v"))
    votes = sc.with_items(cand_votes).join(sc.item_n_cands, "i")
    w = Window.partitionBy("i")
    m = F.max("v").over(w)
    m = F.greatest(m, F.lit(0.0)) if any_unstated else m
    unstated = F.greatest(F.lit(est._n + 1.0) - F.col("n_cands"), F.lit(0.0))
    f = votes.withColumn("m", m).withColumn("e", F.exp(F.col("v") - F.col("m")))
    return f.withColumn("den", F.sum("e").over(w) + unstated * F.exp(-F.col("m")))


def _accu_prob(est: Any, sc: SparkClaims, accuracy: np.ndarray, any_unstated: bool,
               discount: Any = None) -> Any:
    """Value probabilities: per-item softmax of summed vote scores, unstated values at exp(0)."""
    F = _F()
    f = _accu_exp(est, sc, accuracy, any_unstated, discount)
    return _checkpoint(f.select("c", (F.col("e") / F.col("den")).alias("prob")))


def _claim_weight(sc: SparkClaims, discount: Any) -> np.ndarray:
    """Per source, its claims counted at their vote ``discount`` (as ``Accu._claim_weight``)."""
    if discount is None:
        return sc.source_n
    F = _F()
    w = sc.claims.join(discount, ["s", "c"], "left").select("s", F.coalesce(F.col("disc"), F.lit(1.0)).alias("w"))
    return sc.src_from_claims(w, "w")


def _accu_log_likelihood(est: Any, sc: SparkClaims, accuracy: np.ndarray, any_unstated: bool,
                         discount: Any, weight: np.ndarray) -> float:
    """:meth:`Accu.log_likelihood_of` in Spark: the per-item log-sum-exp runs here, the rest is the
    estimator's own NumPy formula (``weight``: :func:`_claim_weight`)."""
    F = _F()
    accuracy = np.clip(accuracy, _A_MIN, _A_MAX)
    per_item = _accu_exp(est, sc, accuracy, any_unstated, discount).groupBy("i").agg(
        (F.first("m") + F.log(F.first("den"))).alias("lse"))
    items = float(per_item.agg(F.sum("lse")).collect()[0][0] or 0.0)
    return est._log_likelihood(accuracy, weight, items)


def accu(est: Any, sc: SparkClaims, ctl: IterationControl) -> tuple[Any, ...]:
    F = _F()
    n = _vote_n(est, sc)
    any_unstated = sc.item_n_cands.where(F.col("n_cands") < n + 1.0).limit(1).count() > 0
    accuracy = np.full(sc.n_sources, est.initial_accuracy)
    while True:
        prob = _accu_prob(est, sc, accuracy, any_unstated)
        new_acc = est._accuracy(sc.src_from_cand(prob, "prob"), sc.source_n)
        change = max_abs_change(new_acc, accuracy)
        accuracy = new_acc
        if ctl.done(change):
            break
    truth = _truth(sc, prob, "prob", prob, "prob")
    return truth, prob, "prob", accuracy, {"n_false": n}


class SparkPairCounts:
    """Pairwise shared-item statistics computed in Spark, shaped like :class:`PairCounts` for the
    pair-level NumPy functions of :mod:`sevenfold.fusion.copying` (pairs are few: sources²)."""

    def __init__(self, sc: SparkClaims) -> None:
        from types import SimpleNamespace

        from pyspark import StorageLevel

        F = _F()
        self.sc = sc
        self.cm = SimpleNamespace(n_sources=sc.n_sources)
        a = sc.claims.select(F.col("s").alias("s1"), "i", F.col("c").alias("c1"))
        b = sc.claims.select(F.col("s").alias("s2"), "i", F.col("c").alias("c2"))
        disputed = sc.item_n_cands.where(F.col("n_cands") >= 2).select("i", F.lit(1.0).alias("disputed"))
        rows = (a.join(b, "i").where(F.col("s1") < F.col("s2")).join(disputed, "i", "left")
                .groupBy("s1", "s2")
                .agg(F.count(F.lit(1)).cast("double").alias("shared"),
                     F.sum((F.col("c1") == F.col("c2")).cast("double")).alias("same"),
                     F.sum(F.coalesce(F.col("disputed"), F.lit(0.0))).alias("contested"))
                .orderBy("s1", "s2").collect())
        self.i = np.array([r["s1"] for r in rows], dtype=np.int64)
        self.j = np.array([r["s2"] for r in rows], dtype=np.int64)
        self.shared = np.array([r["shared"] for r in rows], dtype=np.float64)
        self.same = np.array([r["same"] for r in rows], dtype=np.float64)
        self._contested = np.array([r["contested"] for r in rows], dtype=np.float64)
        self.source_claims = sc.source_n
        self.source_labels = sc.source_labels
        self._index = {(int(x), int(y)): k for k, (x, y) in enumerate(zip(self.i, self.j, strict=True))}
        ca = sc.claims.select(F.col("s").alias("s1"), "c")
        cb = sc.claims.select(F.col("s").alias("s2"), "c")
        self.cand_pairs = (ca.join(cb, "c").where(F.col("s1") < F.col("s2"))
                           .persist(StorageLevel.MEMORY_AND_DISK))

    def contested_shared(self) -> np.ndarray:
        """Per pair, the common items on which some source states another value (as :class:`PairCounts`)."""
        return self._contested

    def same_true(self, prob: Any) -> np.ndarray:
        """Σ over common items stated alike of Pr(the shared value is true), per pair."""
        F = _F()
        out = np.zeros(self.i.size)
        if not self.i.size:
            return out
        rows = (self.cand_pairs.join(prob.select("c", "prob"), "c").groupBy("s1", "s2")
                .agg(F.sum("prob").alias("v")).collect())
        for r in rows:
            out[self._index[(r["s1"], r["s2"])]] = r["v"]
        return out

    def unpersist(self) -> None:
        self.cand_pairs.unpersist()


def _false_value_count(sc: SparkClaims, prob: Any, cap: float) -> float:
    """:func:`sevenfold.fusion.methods.accu.false_value_count` in Spark (``prob``: frame ``c, prob``)."""
    F = _F()
    fm = sc.with_items(sc.cand_votes.join(prob, "c")).select(
        "i", (F.col("votes") * (1.0 - F.col("prob"))).alias("f"))
    per_item = (fm.groupBy("i").agg(F.sum("f").alias("k"), F.sum(F.col("f") * (F.col("f") - 1.0)).alias("same"))
                .where(F.col("k") >= 2.0))
    row = per_item.agg(F.sum(F.col("k") * (F.col("k") - 1.0)).alias("pairs"), F.sum("same").alias("same"),
                       F.count(F.lit(1)).alias("n")).collect()[0]
    if not row["n"]:
        return float(cap)
    return float(np.clip(row["pairs"] / max(row["same"], 1e-12), 1.0, cap))


def _effective_n_false(est: Any, sc: SparkClaims, prob: Any) -> float:
    if est.copy_n_false is not None:
        return float(est.copy_n_false)
    return _false_value_count(sc, prob, est.n_false_cap)


def _vote_n(est: Any, sc: SparkClaims) -> float:
    """The vote's ``n`` for this fit, as :meth:`Accu._vote_n` (majority-vote shares when ``"auto"``)."""
    from pyspark.sql import Window

    from sevenfold.fusion.methods.accu import N_FALSE_CAP

    if est.n_false != "auto":
        est._n = float(est.n_false)
        return est._n
    F = _F()
    # 1 for each item's most-voted candidate (ties: the lowest candidate id, i.e. first appearance)
    w = Window.partitionBy("i").orderBy(F.col("votes").desc(), F.col("c").asc())
    winners = sc.with_items(sc.cand_votes).select("c", (F.row_number().over(w) == 1).cast("double").alias("prob"))
    est._n = _false_value_count(sc, winners, N_FALSE_CAP)
    return est._n


def _discount(est: Any, sc: SparkClaims, dep: Any) -> Any:
    """Per claim ``(s, c, disc)``: the vote multiplier from the sources it may copy (the estimator's own
    pair weights; only the sum over co-stating sources runs in Spark). Claims without a row keep 1."""
    F = _F()
    d = est._pair_weights(dep).tocoo()
    if not d.nnz:
        return None
    w = d.data if est.discount == "harmonic" else np.log1p(-np.minimum(d.data, 1.0 - 1e-12))
    rows = [(int(a), int(b), float(x)) for a, b, x in zip(d.row, d.col, w, strict=True)]
    pairs = sc.spark.createDataFrame(rows, "s int, s2 int, w double")
    partners = sc.claims.select(F.col("s").alias("s2"), "c").join(F.broadcast(pairs), "s2")
    per = partners.groupBy("s", "c").agg(F.sum("w").alias("sw"))
    disc = 1.0 / (1.0 + F.col("sw")) if est.discount == "harmonic" else F.exp("sw")
    return _checkpoint(per.select("s", "c", disc.alias("disc")))


def accu_copy(est: Any, sc: SparkClaims, ctl: IterationControl) -> tuple[Any, ...]:
    """ACCU-COPY, step for step as :meth:`AccuCopy._fit_numpy`; pair-level maths (few numbers: sources²)
    runs on the driver with the same NumPy functions, claim- and candidate-level work in Spark."""
    import scipy.sparse as sp

    from sevenfold.fusion.copying import (
        agreement_accuracy,
        agreement_posteriors,
        dependence_matrix,
        pair_posteriors,
    )

    F = _F()
    n = _vote_n(est, sc)
    any_unstated = sc.item_n_cands.where(F.col("n_cands") < n + 1.0).limit(1).count() > 0
    counts = SparkPairCounts(sc)
    agreement = np.full(sc.n_sources, est.initial_accuracy)
    dep = sp.csr_matrix((sc.n_sources, sc.n_sources))
    discount = None
    if est.init == "agreement":
        agreement = np.clip(agreement_accuracy(counts, fallback=est.initial_accuracy,
                                                group_duplicates=est.group_duplicates), _A_MIN, _A_MAX)
        p_ij, p_ji = agreement_posteriors(counts, agreement, prior=est.prior, copy_rate=est.copy_rate,
                                          n_false=n)
        dep = dependence_matrix(counts, p_ij, p_ji)
        discount = _discount(est, sc, dep)
    extra: dict[str, Any] = {}
    if est._paper_loop():
        accuracy = agreement
        while True:
            prob = _accu_prob(est, sc, accuracy, any_unstated, discount)
            new_acc = est._accuracy(sc.src_from_cand(prob, "prob"), sc.source_n)
            change = max_abs_change(new_acc, accuracy)
            accuracy = est.damping * accuracy + (1 - est.damping) * new_acc
            p_ij, p_ji = pair_posteriors(counts, prob, new_acc, prior=est.prior, copy_rate=est.copy_rate,
                                         n_false=_effective_n_false(est, sc, prob))
            new_dep = dependence_matrix(counts, p_ij, p_ji)
            dep = new_dep if dep.nnz == 0 else (est.damping * dep + (1 - est.damping) * new_dep).tocsr()
            discount = _discount(est, sc, dep)
            if ctl.done(change):
                break
        prob = _accu_prob(est, sc, accuracy, any_unstated, discount)
    else:
        def loop(acc: np.ndarray, disc: Any, run: IterationControl) -> np.ndarray:  # AccuCopy._loop
            while not run.exhausted:
                new_acc = est._accuracy(sc.src_from_cand(_accu_prob(est, sc, acc, any_unstated, disc), "prob"),
                                        sc.source_n)
                change = max_abs_change(new_acc, acc)
                acc = est.damping * acc + (1 - est.damping) * new_acc
                if run.done(change):
                    break
            return acc

        weight = _claim_weight(sc, discount)
        chosen, accuracy, others, scores = est._run_starts(
            ctl, agreement, lambda a, discounted, run: loop(a, discount if discounted else None, run),
            lambda a: _accu_log_likelihood(est, sc, a, any_unstated, discount, weight))
        prob = _accu_prob(est, sc, accuracy, any_unstated, discount)
        kept = sc.argmax(prob, "prob").withColumnRenamed("c", "kept")
        n_items = max(sc.item_n_cands.count(), 1)
        disagreement = {}
        for name, acc in others.items():
            other = sc.argmax(_accu_prob(est, sc, acc, any_unstated, discount), "prob")
            disagreement[name] = other.join(kept, "i").where(F.col("c") != F.col("kept")).count() / n_items
        p_ij, p_ji = pair_posteriors(counts, prob, accuracy, prior=est.prior, copy_rate=est.copy_rate,
                                     n_false=_effective_n_false(est, sc, prob))
        dep = dependence_matrix(counts, p_ij, p_ji)
        extra = est._start_extra(ctl, chosen, scores, disagreement)
    truth = _truth(sc, prob, "prob", prob, "prob")
    est._shared = sp.csr_matrix((counts.shared, (counts.i, counts.j)), shape=(sc.n_sources,) * 2)
    counts.unpersist()
    return truth, prob, "prob", accuracy, {"__dependence__": dep, "n_false": n, **extra}


SPARK_METHODS = {
    "accu-copy": accu_copy,
    "majority-voting": majority_voting,
    "truthfinder": truthfinder,
    "average-log": average_log,
    "investment": investment,
    "pooled-investment": investment,
    "accu": accu,
}
