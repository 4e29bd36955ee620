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


def test_the_copy_unaware_start_lands_on_the_clique_and_is_rejected(clique_matrix):
    """Started from ACCU's answer (copy-unaware), the loop stays with the clique's values; the discounted
    likelihood ranks that fixed point below the agreement start's, so the default keeps the latter. The
    plain (undiscounted) likelihood would have picked the clique: the copies explain each other."""
    sc, cm = clique_matrix
    from_accu = AccuCopy(starts=("accu",)).fit(cm)
    from_agreement = AccuCopy(starts=("agreement",)).fit(cm)
    both = AccuCopy().fit(cm)
    mv = accuracy(MajorityVoting().fit(cm), sc.gold).accuracy
    assert accuracy(from_accu, sc.gold).accuracy < mv < accuracy(from_agreement, sc.gold).accuracy
    assert both.start_ == "agreement"
    assert both.start_scores_["agreement"] > both.start_scores_["accu"]
    assert both.log_likelihood_ == max(both.start_scores_.values())
    np.testing.assert_array_equal(both.truth_index_, from_agreement.truth_index_)
    np.testing.assert_allclose(both.source_trust_, from_agreement.source_trust_)
    assert both.n_iter_ == from_agreement.n_iter_ and both.n_iter_total_ > both.n_iter_
    plain = both.log_likelihood_of
    assert plain(cm, from_accu.source_trust_) > plain(cm, from_agreement.source_trust_)


def test_the_order_of_the_starts_does_not_matter(clique_matrix):
    _, cm = clique_matrix
    fits = [AccuCopy(starts=order).fit(cm) for order in itertools.permutations(("agreement", "accu", "constant"))]
    for f in fits[1:]:
        assert f.start_ == fits[0].start_
        np.testing.assert_array_equal(f.truth_index_, fits[0].truth_index_)
        assert f.start_scores_ == pytest.approx(fits[0].start_scores_)


def test_max_iter_bounds_each_run(clique_matrix):
    _, cm = clique_matrix
    m = AccuCopy(max_iter=3, tol=0.0).fit(cm)
    assert m.n_iter_ == 3 and m.stop_reason_ == "max_iter" and not m.converged_
    # the "accu" run spends its budget on its copy-unaware warm-up, the agreement run on the loop
    assert m.n_iter_total_ == 6


def test_paper_loop_has_one_start(clique_matrix):
    _, cm = clique_matrix
    m = AccuCopy(init="constant", max_iter=5).fit(cm)
    assert not hasattr(m, "start_") and m.n_iter_ <= 5


@pytest.mark.parametrize("bad", [(), ("agreement", "agreement"), ("majority",), "agreement,nope"])
def test_bad_starts_are_refused(bad):
    with pytest.raises(InputError, match="starts"):
        AccuCopy(starts=bad)


def test_starts_from_a_comma_list():
    assert AccuCopy(starts="accu, agreement").starts == ("accu", "agreement")


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
