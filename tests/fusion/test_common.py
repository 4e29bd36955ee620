"""Common properties every fusion method must have (in the spirit of sklearn's check_estimator)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sevenfold.errors import InputError
from sevenfold.fusion import METHODS, ClaimMatrix, accuracy, make_method

ALL = sorted(METHODS)
ITERATIVE = [n for n in ALL if METHODS[n].iterative]


def _matrix(rows):
    src, obj, att, val = zip(*rows, strict=True)
    return ClaimMatrix.from_arrays(list(src), list(obj), list(att), list(val))


@pytest.mark.parametrize("name", ALL)
def test_fitted_attributes(name, scenario_matrix):
    cm = scenario_matrix
    m = make_method(name).fit(cm)
    assert m.truths_.shape == (cm.n_items,)
    assert m.truth_index_.shape == (cm.n_items,)
    assert np.all(cm.cand_item[m.truth_index_] == np.arange(cm.n_items)), "truth must be a value of its own item"
    assert m.confidence_.shape == (cm.n_items,)
    assert m.belief_.shape == (cm.n_cands,)
    assert m.source_trust_.shape == (cm.n_sources,)
    assert isinstance(m.n_iter_, int) and m.n_iter_ >= 1
    assert isinstance(m.converged_, bool)
    assert m.stop_reason_ in ("tolerance", "max_iter", "single-pass", "degenerate")
    assert m.converged_ == (m.stop_reason_ in ("tolerance", "single-pass"))
    if m.stop_reason_ == "max_iter":
        assert m.n_iter_ == m.max_iter
    if METHODS[name].copy_aware:
        assert m.dependence_.shape == (cm.n_sources, cm.n_sources)


@pytest.mark.parametrize("name", ALL)
def test_probabilities_in_unit_interval(name, scenario_matrix):
    m = make_method(name).fit(scenario_matrix)
    for arr in (m.confidence_, m.belief_, m.source_trust_):
        assert np.all(np.isfinite(arr))
        assert np.all((arr >= 0) & (arr <= 1))
    if METHODS[name].copy_aware:
        d = m.dependence_.toarray()
        assert np.all((d >= 0) & (d <= 1 + 1e-12))
        assert np.all(d + d.T <= 1 + 1e-9)  # both directions are exclusive hypotheses


@pytest.mark.parametrize("name", ALL)
def test_better_than_chance_on_synthetic(name, scenario):
    """Every method beats picking a random stated value on data where most sources are honest."""
    cm = ClaimMatrix.from_table(scenario.claims)
    m = make_method(name).fit(cm)
    chance = float(np.mean(1.0 / cm.item_n_cands))
    assert accuracy(m, scenario.gold).accuracy > chance


@pytest.mark.parametrize("name", ALL)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(n_sources=st.integers(1, 6), n_items=st.integers(1, 8), value=st.text(min_size=1, max_size=5).filter(
    lambda s: s.strip() != ""))
def test_unanimous_data_gives_that_value(name, n_sources, n_items, value):
    rows = [(f"s{s}", f"o{i}", "a", value) for s in range(n_sources) for i in range(n_items)]
    m = make_method(name).fit(_matrix(rows))
    assert list(m.truths_) == [value] * n_items


@pytest.mark.parametrize("name", ALL)
def test_majority_of_equally_reliable_sources_wins(name):
    """Three sources agree everywhere, a fourth dissents everywhere: the three win."""
    rows = [(s, f"o{i}", "a", "yes") for s in ("a", "b", "c") for i in range(20)]
    rows += [("d", f"o{i}", "a", f"no{i}") for i in range(20)]
    m = make_method(name).fit(_matrix(rows))
    assert set(m.truths_) == {"yes"}


@pytest.mark.parametrize("name", ALL)
def test_deterministic(name, scenario_matrix):
    a = make_method(name).fit(scenario_matrix)
    b = make_method(name).fit(scenario_matrix)
    assert np.array_equal(a.truth_index_, b.truth_index_)
    assert np.allclose(a.source_trust_, b.source_trust_)
    assert a.n_iter_ == b.n_iter_


@pytest.mark.parametrize("name", ALL)
def test_row_order_does_not_change_truths_without_ties(name, scenario):
    """Shuffling the claims table permutes nothing that matters (ties excepted, which break by order)."""
    cm = ClaimMatrix.from_table(scenario.claims)
    perm = np.random.default_rng(3).permutation(scenario.claims.num_rows)
    cm2 = ClaimMatrix.from_table(scenario.claims.take(pa.array(perm)))
    a, b = make_method(name).fit(cm), make_method(name).fit(cm2)
    at_max = a.belief_ >= a.belief_[a.truth_index_][cm.cand_item] - 1e-12
    tied = np.bincount(cm.cand_item, at_max, minlength=cm.n_items) > 1
    ta = dict(zip(zip(cm.item_object, cm.item_attribute, strict=True), a.truths_, strict=True))
    tb = dict(zip(zip(cm2.item_object, cm2.item_attribute, strict=True), b.truths_, strict=True))
    keys = [k for k, t in zip(ta, tied, strict=True) if not t]
    assert len(keys) > 0.5 * len(ta)
    same = np.mean([ta[k] == tb[k] for k in keys])
    assert same >= 0.99


@pytest.mark.parametrize("name", ITERATIVE)
def test_max_iter_stops_and_says_so(name, scenario_matrix):
    m = make_method(name, max_iter=1, tol=0.0).fit(scenario_matrix)
    assert m.n_iter_ == 1
    assert m.stop_reason_ in ("max_iter", "degenerate", "tolerance")
    assert not m.converged_ or m.stop_reason_ == "tolerance"


@pytest.mark.parametrize("name", ITERATIVE)
def test_tolerance_stops_and_says_so(name, scenario_matrix):
    m = make_method(name, max_iter=10_000, tol=1.0).fit(scenario_matrix)
    assert m.converged_ and m.stop_reason_ == "tolerance"
    assert m.n_iter_ < 10_000


@pytest.mark.parametrize("name", ALL)
def test_progress_callback_sees_every_iteration(name, scenario_matrix):
    seen, totals = [], set()
    m = make_method(name).fit(scenario_matrix, callback=lambda i, n, c: (seen.append(i), totals.add(n)))
    # a multi-start method (ACCU-COPY) reports the rounds of every run on one scale; n_iter_ is the kept run's
    runs = getattr(m, "n_iter_total_", m.n_iter_)
    assert seen == list(range(1, runs + 1)) and runs >= m.n_iter_
    assert len(totals) == 1 and max(seen) <= totals.pop()


@pytest.mark.parametrize("name", ALL)
def test_bad_input_is_refused_clearly(name, tmp_path):
    with pytest.raises(InputError):
        make_method(name).fit(42)
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(InputError, match="empty"):
        make_method(name).fit(str(empty))
    with pytest.raises(InputError, match="backend"):
        make_method(name, backend="nope").fit(_matrix([("s", "o", "a", "v")]))


@pytest.mark.parametrize("name", ITERATIVE)
def test_bad_iteration_parameters_refused(name):
    with pytest.raises(InputError):
        make_method(name, max_iter=0)
    with pytest.raises(InputError):
        make_method(name, tol=-1.0)


@pytest.mark.parametrize("name", ALL)
def test_one_claim_object_and_single_source(name):
    """An object with a single claim gets that value; a lone source is still fitted."""
    m = make_method(name).fit(_matrix([("only", "o1", "a", "v1")]))
    assert list(m.truths_) == ["v1"]
    m = make_method(name).fit(_matrix([("s1", "o1", "a", "v1"), ("s2", "o1", "a", "v1"), ("s3", "o2", "a", "x")]))
    assert list(m.truths_) == ["v1", "x"]


@pytest.mark.parametrize("name", ALL)
def test_truth_table_contract(name, scenario_matrix):
    t = make_method(name).fit(scenario_matrix).truth_table()
    assert t.column_names == ["object", "attribute", "value", "confidence"]
    assert t.num_rows == scenario_matrix.n_items
