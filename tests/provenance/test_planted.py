"""Recovering planted common origins (adjusted Rand index) and the ARI itself."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sevenfold.provenance import OriginRules, adjusted_rand_index, origin_groups, origin_labels
from sevenfold.provenance.synth import MECHANISMS, planted_origin_case


def test_ari_known_values():
    # reference values: Hubert & Arabie (1985) / scikit-learn's documented examples
    assert adjusted_rand_index([0, 0, 1, 1], [0, 0, 1, 1]) == 1.0
    assert adjusted_rand_index([0, 0, 1, 1], [1, 1, 0, 0]) == 1.0
    assert adjusted_rand_index([0, 0, 1, 2], [0, 0, 1, 1]) == pytest.approx(0.5714285714285714)
    assert adjusted_rand_index([0, 0, 0, 0], [0, 1, 2, 3]) == 0.0
    assert adjusted_rand_index([0, 0, 1, 1], [0, 1, 0, 1]) == pytest.approx(-0.5)
    with pytest.raises(ValueError):
        adjusted_rand_index([0, 1], [0])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4)), min_size=2, max_size=40))
def test_ari_is_symmetric_bounded_and_label_free(pairs):
    a = [x for x, _ in pairs]
    b = [y for _, y in pairs]
    ab = adjusted_rand_index(a, b)
    assert ab == pytest.approx(adjusted_rand_index(b, a))
    assert ab <= 1.0 + 1e-12
    assert adjusted_rand_index(a, [f"L{y}" for y in b]) == pytest.approx(ab)
    assert adjusted_rand_index(a, a) == 1.0


def _ari(planted, rules=None, with_copies=True):
    origins = origin_groups(planted.case, planted.copy_pairs if with_copies else None, rules)
    ids = [r.id for r in planted.case.reports]
    return adjusted_rand_index([planted.truth[i] for i in ids], origin_labels(origins, ids))


@pytest.mark.parametrize(("n", "seed"), [(250, 0), (250, 1), (1500, 2), (1500, 3)])
def test_planted_origins_are_recovered(n, seed):
    planted = planted_origin_case(n, seed=seed)
    assert not planted.case.reference_problems()
    assert len(planted.case.reports) == n
    assert _ari(planted) >= 0.95


@pytest.mark.parametrize("rule", ["derived_from", "via", "document", "text", "copying"])
def test_each_planted_mechanism_needs_its_rule(rule):
    """Without a rule the groups planted through it are split: the test can fail."""
    assert rule in MECHANISMS
    planted = planted_origin_case(1200, seed=5)
    full = _ari(planted)
    rules = OriginRules() if rule == "copying" else OriginRules(**{rule: False})
    without = _ari(planted, rules, with_copies=rule != "copying")
    assert without < full - 0.02


def test_generated_cases_are_reproducible():
    a = planted_origin_case(300, seed=9)
    b = planted_origin_case(300, seed=9)
    assert a.case.model_dump() == b.case.model_dump() and a.truth == b.truth
