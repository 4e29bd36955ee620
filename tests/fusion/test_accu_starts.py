"""ACCU-COPY runs its fixed-discount loop from several starts and keeps the likeliest fixed point."""

from __future__ import annotations

import itertools

import numpy as np
import pyarrow as pa
import pytest

from sevenfold.errors import InputError
from sevenfold.fusion import AccuCopy, ClaimMatrix, MajorityVoting, accuracy
from sevenfold.fusion.base import IterationControl
from sevenfold.synth import claims_scenario


def _table(rows: list[tuple[str, str, str]]) -> pa.Table:
    return pa.table({"source": [r[0] for r in rows], "object": [r[1] for r in rows],
                     "attribute": ["a"] * len(rows), "value": [r[2] for r in rows]})


def test_log_likelihood_is_the_discounted_model_likelihood():
    """Against a brute-force sum over every possible truth of every item: a source of accuracy A states
    the truth with probability A and each of n false values with (1 - A) / n; claim k's factor is raised
    to its weight w_k; the truth is uniform over n + 1 values (a constant, left out), plus the Beta prior
    of ``prior_claims`` pseudo-claims at ``initial_accuracy``."""
    cm = ClaimMatrix.from_table(_table([("s0", "o0", "x"), ("s1", "o0", "x"), ("s2", "o0", "y"),
                                        ("s0", "o1", "p"), ("s2", "o1", "q"), ("s1", "o2", "z")]))
    n = 3  # false values per item: each item has its stated values plus unstated ones up to n + 1
    est = AccuCopy(n_false=n, prior_claims=2.0, initial_accuracy=0.7)
    acc = np.array([0.9, 0.6, 0.75])
    w = np.array([1.0, 0.4, 0.8, 1.0, 0.5, 0.9])  # claims in ClaimMatrix order
    expected = 0.0
    for item in range(cm.n_items):
        claims = np.flatnonzero(cm.claim_item == item)
        stated = sorted({int(cm.claim_cand[k]) for k in claims})
        truths = stated + [-1] * (n + 1 - len(stated))  # -1: a value nobody states
        total = 0.0
        for t in truths:
            f = 1.0
            for k in claims:
                a = acc[cm.claim_source[k]]
                f *= (a if cm.claim_cand[k] == t else (1 - a) / n) ** w[k]
            total += f
        expected += np.log(total)
    expected += sum(2.0 * (0.7 * np.log(a) + 0.3 * np.log(1 - a)) for a in acc)
    assert est.log_likelihood_of(cm, acc, w) == pytest.approx(expected, rel=1e-12)
    # no discount: every weight 1
    w1 = np.ones(cm.n_claims)
    assert est.log_likelihood_of(cm, acc) == pytest.approx(est.log_likelihood_of(cm, acc, w1), rel=1e-12)


@pytest.fixture(scope="module")
def clique_matrix():
    sc = claims_scenario(seed=3, n_items=500)  # honest sources, copiers, and a clique repeating a poor source
    return sc, ClaimMatrix.from_table(sc.claims)


@pytest.mark.parametrize("n_honest", [8, 10, 20])
def test_the_default_answer_is_the_agreement_start_and_the_others_are_a_check(n_honest):
    """``select="first"``: the answer is exactly the single-start (pre-multi-start) answer; the copy-unaware
    start only reports how much of it the data leave open."""
    sc = claims_scenario(seed=1, n_items=400, n_honest=n_honest)
    cm = ClaimMatrix.from_table(sc.claims)
    default, single = AccuCopy().fit(cm), AccuCopy(starts=("agreement",)).fit(cm)
    np.testing.assert_array_equal(default.truth_index_, single.truth_index_)
    np.testing.assert_array_equal(default.source_trust_, single.source_trust_)
    assert (default.n_iter_, default.stop_reason_) == (single.n_iter_, single.stop_reason_)
    assert default.start_ == "agreement" and set(default.start_disagreement_) == {"accu"}
    assert single.start_disagreement_ == {} and single.n_iter_total_ == single.n_iter_
    # with a clique of copiers the copy-unaware start settles on the clique's answer: the check says so
    assert default.start_disagreement_["accu"] > 0.2
    assert accuracy(default, sc.gold).accuracy > accuracy(MajorityVoting().fit(cm), sc.gold).accuracy + 0.1


def test_no_copiers_every_start_agrees():
    sc = claims_scenario(seed=4, n_items=600, n_copiers=0, clique_size=0)
    assert AccuCopy().fit(ClaimMatrix.from_table(sc.claims)).start_disagreement_ == {"accu": 0.0}


def test_likelihood_selection_keeps_the_likeliest_in_any_order(clique_matrix):
    _, cm = clique_matrix
    fits = [AccuCopy(starts=order, select="likelihood").fit(cm)
            for order in itertools.permutations(("agreement", "accu", "constant"))]
    for f in fits:
        assert f.log_likelihood_ == max(f.start_scores_.values()) == f.start_scores_[f.start_]
        assert f.start_ == fits[0].start_
        np.testing.assert_array_equal(f.truth_index_, fits[0].truth_index_)
        assert f.start_scores_ == pytest.approx(fits[0].start_scores_)


def test_the_discount_is_what_rejects_the_clique(clique_matrix):
    """20 honest sources: the copy-unaware start stays with the clique's values; the discounted likelihood
    ranks that fixed point lower, the plain (undiscounted) one would rank it higher."""
    sc, cm = clique_matrix
    from_accu = AccuCopy(starts=("accu",)).fit(cm)
    from_agreement = AccuCopy(starts=("agreement",)).fit(cm)
    best = AccuCopy(select="likelihood").fit(cm)
    assert accuracy(from_accu, sc.gold).accuracy < 0.5 < accuracy(from_agreement, sc.gold).accuracy
    assert best.start_ == "agreement" and best.start_scores_["agreement"] > best.start_scores_["accu"]
    plain = best.log_likelihood_of
    assert plain(cm, from_accu.source_trust_) > plain(cm, from_agreement.source_trust_)


def test_likelihood_selection_is_not_safe_with_few_honest_sources():
    """Why ``select="first"`` is the default (docs/fusion.md): with 10 honest sources the discounted
    likelihood, too, prefers the clique's answer, which is worse than majority voting."""
    sc = claims_scenario(seed=0, n_honest=10)
    cm = ClaimMatrix.from_table(sc.claims)
    best = AccuCopy(select="likelihood").fit(cm)
    assert best.start_ == "accu"
    assert accuracy(best, sc.gold).accuracy < accuracy(MajorityVoting().fit(cm), sc.gold).accuracy
    assert accuracy(AccuCopy().fit(cm), sc.gold).accuracy > 0.8


def test_each_run_and_the_warm_up_have_their_own_budget(clique_matrix):
    _, cm = clique_matrix
    m = AccuCopy(starts=("accu",), max_iter=3, tol=0.0).fit(cm)
    assert (m.n_iter_, m.stop_reason_, m.converged_) == (3, "max_iter", False)
    assert m.n_iter_total_ == 6  # 3 rounds of copy-unaware warm-up, then 3 of the discounted loop
    assert AccuCopy(max_iter=3, tol=0.0).fit(cm).n_iter_total_ == 9  # agreement 3 + warm-up 3 + loop 3
    # the discounted loop ran after a warm-up that used its whole budget: the answer is not the warm-up's
    warm = AccuCopy(max_iter=3, tol=0.0)
    warm._vote_n(cm)
    warm_state = warm._loop(cm, np.full(cm.n_sources, warm.initial_accuracy), None, IterationControl(3, 0.0))
    assert np.abs(m.source_trust_ - warm_state).max() > 1e-3


def test_paper_loop_has_one_start_and_a_refit_leaves_nothing_stale(clique_matrix):
    _, cm = clique_matrix
    m = AccuCopy().fit(cm)
    assert m.start_ == "agreement"
    m.init = "constant"
    m.max_iter = 5
    m.fit(cm)
    assert m.n_iter_ <= 5
    for stale in ("start_", "start_scores_", "start_disagreement_", "n_iter_total_", "log_likelihood_"):
        assert not hasattr(m, stale)


@pytest.mark.parametrize("bad", [(), ("agreement", "agreement"), ("majority",), "agreement,nope", 5, None,
                                 [1], {"accu"}])
def test_bad_starts_are_refused(bad):
    with pytest.raises(InputError, match="starts"):
        AccuCopy(starts=bad)


def test_bad_select_is_refused():
    with pytest.raises(InputError, match="select"):
        AccuCopy(select="best")


def test_starts_from_a_comma_list_or_make_method():
    from sevenfold.fusion import make_method

    assert AccuCopy(starts="accu, agreement").starts == ("accu", "agreement")
    assert make_method("accu-copy", starts=["constant"], select="likelihood").starts == ("constant",)
    with pytest.raises(InputError):
        make_method("accu-copy", starts=[1])


def test_phases_report_progress_on_one_scale():
    seen = []
    ctl = IterationControl(4, 0.0, lambda i, n, c: seen.append((i, n)))
    for _ in range(2):
        run = ctl.phase(2)
        while not run.done(1.0):
            pass
    ctl.adopt(run)
    assert seen == [(i, 8) for i in range(1, 9)] and ctl.spent == 8
    assert (ctl.n_iter, ctl.stop_reason, ctl.converged) == (4, "max_iter", False)
