"""Copy detection and fusion with copiers on seeded synthetic scenarios."""

from __future__ import annotations

import numpy as np
import pytest

from sevenfold.errors import InputError
from sevenfold.fusion import AccuCopy, ClaimMatrix, MajorityVoting, accuracy
from sevenfold.synth import claims_scenario


def _precision_recall(found, truth):
    tp = len(found & truth)
    return tp / max(len(found), 1), tp / max(len(truth), 1)


def test_copier_detection_precision_recall(copy_scenario):
    sc = copy_scenario
    model = AccuCopy().fit(ClaimMatrix.from_table(sc.claims))
    found = {frozenset((p.copier, p.original)) for p in model.copy_pairs(0.5)}
    precision, recall = _precision_recall(found, sc.dependent_pairs())
    assert precision >= 0.9 and recall >= 0.9
    # direct copy relations are all found
    direct = {frozenset(p) for p in sc.copies}
    assert direct <= found


def test_copy_detection_holds_across_seeds():
    for seed in (21, 22):
        sc = claims_scenario(seed=seed, n_items=600)
        model = AccuCopy().fit(ClaimMatrix.from_table(sc.claims))
        found = {frozenset((p.copier, p.original)) for p in model.copy_pairs(0.5)}
        precision, recall = _precision_recall(found, sc.dependent_pairs())
        assert precision >= 0.9 and recall >= 0.9, (seed, precision, recall)


def test_no_copiers_no_pairs():
    sc = claims_scenario(seed=4, n_items=600, n_copiers=0, clique_size=0)
    model = AccuCopy().fit(ClaimMatrix.from_table(sc.claims))
    assert len(model.copy_pairs(0.5)) <= 1


def test_accu_copy_beats_majority_with_copiers(copy_scenario):
    cm = ClaimMatrix.from_table(copy_scenario.claims)
    mv = accuracy(MajorityVoting().fit(cm), copy_scenario.gold).accuracy
    ac = accuracy(AccuCopy().fit(cm), copy_scenario.gold).accuracy
    assert ac >= mv + 0.10


def test_dependence_direction_for_full_copier():
    """A source that copies everything of a mediocre one: the pair is found and oriented copier → original."""
    sc = claims_scenario(seed=9, n_items=800, n_copiers=0, clique_size=1, clique_copy_fraction=1.0,
                         poor_accuracy=0.6)
    model = AccuCopy().fit(ClaimMatrix.from_table(sc.claims))
    pairs = {frozenset((p.copier, p.original)): p for p in model.copy_pairs(0.5)}
    assert frozenset(("clique0", "poor")) in pairs
    d = model.dependence_
    labels = list(model.claims_.source_labels)
    i, j = labels.index("clique0"), labels.index("poor")
    assert d[i, j] + d[j, i] > 0.9
    assert np.isclose(model.copy_pairs(0.0)[0].dependence, max(p.dependence for p in model.copy_pairs(0.0)))


def test_accu_estimates_how_many_false_values_there_are():
    """ACCU's ``n_false="auto"``: uniform errors over 10 values give an n near 10; errors bunched on a
    few popular wrong values give a small n; the estimate is exposed as ``n_false_``."""
    from sevenfold.fusion import Accu
    from sevenfold.fusion.methods.accu import false_value_count, majority_truth

    plain = dict(n_copiers=0, clique_size=0, n_items=1500, coverage=0.5)
    uniform = ClaimMatrix.from_table(claims_scenario(seed=5, n_false=10, **plain).claims)
    bunched = ClaimMatrix.from_table(claims_scenario(seed=5, n_false=10, false_skew=3.0, **plain).claims)
    n_uniform = Accu().fit(uniform).n_false_
    n_bunched = Accu().fit(bunched).n_false_
    assert 8.0 <= n_uniform <= 12.5, n_uniform
    assert 1.0 <= n_bunched <= 2.0, n_bunched
    assert n_uniform == false_value_count(uniform, majority_truth(uniform))
    assert Accu(n_false=7).fit(uniform).n_false_ == 7.0


def test_accu_n_false_must_be_auto_or_at_least_one():
    import pytest

    from sevenfold.errors import InputError
    from sevenfold.fusion import Accu

    for bad in ("many", 0.5, None):
        with pytest.raises(InputError, match="n_false"):
            Accu(n_false=bad)


def _lone_sources_claims(extra_agreement: bool):  # type: ignore[no-untyped-def]
    """Two sources with one claim each, disagreeing on an item nobody else states, amid ordinary data;
    with ``extra_agreement`` the first also states one ordinary item as the others do."""
    import pyarrow as pa

    rng = np.random.default_rng(3)
    rows = [("lone-a", "x", "v", "left"), ("lone-b", "x", "v", "right")]
    if extra_agreement:
        rows.append(("lone-a", "o0", "v", "t"))
    for s in range(8):
        for o in range(60):
            rows.append((f"s{s}", f"o{o}", "v", "t" if rng.random() < 0.8 else f"f{rng.integers(3)}"))
    cols = ["source", "object", "attribute", "value"]
    cm = ClaimMatrix.from_table(pa.table({name: [r[k] for r in rows] for k, name in enumerate(cols)}))
    item = int(np.flatnonzero(cm.item_object == "x")[0])
    return cm, slice(cm.item_ptr[item], cm.item_ptr[item + 1])


def test_accu_one_claim_sources_do_not_run_away():
    """``prior_claims=1`` (default): a source's accuracy gets one pseudo-claim at the initial accuracy.
    With the paper's plain mean, one agreement on another item makes a one-claim source's value 99.9 %
    certain and brands its one-claim opponent 99.9 % wrong; the pseudo-claim keeps both moderate."""
    from sevenfold.fusion import Accu

    cm, x = _lone_sources_claims(extra_agreement=True)
    plain = Accu(prior_claims=0).fit(cm)
    model = Accu().fit(cm)
    trust = dict(zip(cm.source_labels, model.source_trust_, strict=True))
    assert plain.belief_[x][0] > 0.99  # the paper's runaway
    assert model.converged_ and 0.6 < model.belief_[x][0] < 0.95 and trust["lone-b"] > 0.2
    # the symmetric case stays a tie
    cm, x = _lone_sources_claims(extra_agreement=False)
    model = Accu().fit(cm)
    assert model.converged_ and abs(model.belief_[x][0] - model.belief_[x][1]) < 1e-9
    with pytest.raises(InputError, match="prior_claims"):
        Accu(prior_claims=-1)


def _outnumbered_claims(copy_fraction: float, n_copies: int = 5, seed: int = 0) -> ClaimMatrix:
    """Four honest sources (one always right, three right 85 % of the time) against a poor source
    (right 30 %) and ``n_copies`` sources repeating it (each value copied with ``copy_fraction``)."""
    import pyarrow as pa

    rng = np.random.default_rng(seed)
    rows = []
    for k in range(60):
        item = f"item{k}"
        rows.append(("alpha", item, "true"))
        for h in ("beta", "epsilon", "zeta"):
            rows.append((h, item, "true" if rng.random() < 0.85 else f"wrong{rng.integers(5)}"))
        poor = "true" if rng.random() < 0.3 else f"wrong{rng.integers(5)}"
        rows.append(("gamma", item, poor))
        for c in range(n_copies):
            own = "true" if rng.random() < 0.3 else f"wrong{rng.integers(5)}"
            rows.append((f"copy{c}", item, poor if rng.random() < copy_fraction else own))
    return ClaimMatrix.from_table(pa.table({"source": [r[0] for r in rows], "object": [r[1] for r in rows],
                                            "attribute": ["a"] * len(rows), "value": [r[2] for r in rows]}))


def test_exact_duplicates_enter_the_agreement_fit_once():
    """Copies that outnumber the independent sources would hold the majority of every source's pairs;
    counted once as a group, they no longer decide the truth-free accuracies (nor, from there, the fit)."""
    from sevenfold.fusion.copying import PairCounts, agreement_accuracy, duplicate_groups

    cm = _outnumbered_claims(copy_fraction=1.0)
    counts = PairCounts(cm)
    label = dict(zip(cm.source_labels, duplicate_groups(counts), strict=True))
    assert len({label[s] for s in ("gamma", *(f"copy{c}" for c in range(5)))}) == 1
    assert len({label[s] for s in ("alpha", "beta", "epsilon", "zeta", "gamma")}) == 5
    acc = dict(zip(cm.source_labels, agreement_accuracy(counts), strict=True))
    assert min(acc[s] for s in ("alpha", "beta", "epsilon", "zeta")) > acc["gamma"] == acc["copy0"]
    trust = dict(zip(cm.source_labels, AccuCopy().fit(cm).source_trust_, strict=True))
    assert trust["alpha"] > 0.9 > 0.5 > trust["gamma"]


def test_near_copies_are_not_duplicates():
    """Copies that change a fifth of the values are not grouped: the grouping is for exact duplicates
    only. (That near-copies outnumbering the honest sources still win is the method's documented limit,
    measured by ``benchmarks/accu_copy_starts.py outnumbered``.)"""
    from sevenfold.fusion.copying import PairCounts, duplicate_groups

    cm = _outnumbered_claims(copy_fraction=0.8, n_copies=6)
    assert len(set(duplicate_groups(PairCounts(cm)))) == cm.n_sources


def test_duplicates_need_min_shared_contested_items():
    import pyarrow as pa

    from sevenfold.fusion.copying import PairCounts, duplicate_groups

    rows = []
    for k in range(4):  # a and b agree on four disputed items only
        rows += [("a", f"hot{k}", "x"), ("b", f"hot{k}", "x"), ("c", f"hot{k}", "y")]
    cm = ClaimMatrix.from_table(pa.table({"source": [r[0] for r in rows], "object": [r[1] for r in rows],
                                          "attribute": ["v"] * len(rows), "value": [r[2] for r in rows]}))
    assert len(set(duplicate_groups(PairCounts(cm), min_shared=5))) == 3
    assert len(set(duplicate_groups(PairCounts(cm), min_shared=4))) == 2


def test_duplicates_need_contested_items_and_are_pairwise():
    """Agreeing where nobody disagrees is not duplication; and duplication does not chain: b duplicates a
    (on one set of items) and c (on another), but a and c differ where they meet."""
    import pyarrow as pa

    from sevenfold.fusion.copying import PairCounts, duplicate_groups

    rows = []
    for k in range(8):  # items everyone agrees on: p and q agree exactly, but only there
        rows += [(s, f"calm{k}", "same") for s in ("p", "q")]
    for k in range(6):
        rows += [("a", f"one{k}", "x"), ("b", f"one{k}", "x"), ("b", f"two{k}", "w"), ("c", f"two{k}", "w"),
                 ("a", f"three{k}", "x"), ("c", f"three{k}", "z")]
        rows += [("d", f"{item}{k}", "other") for item in ("one", "two", "three")]  # disputes every item
    cm = ClaimMatrix.from_table(pa.table({"source": [r[0] for r in rows], "object": [r[1] for r in rows],
                                          "attribute": ["v"] * len(rows), "value": [r[2] for r in rows]}))
    counts = PairCounts(cm)
    label = dict(zip(cm.source_labels, duplicate_groups(counts, min_shared=5), strict=True))
    assert (label["a"] == label["b"]) != (label["b"] == label["c"])  # b joins one of them, not both
    assert label["a"] != label["c"]
    assert label["p"] != label["q"]  # identical only where nobody disagrees
    assert len(set(label.values())) == 5


def _fake_counts(pairs: dict, n: int, claims: list[int]):  # type: ignore[no-untyped-def]
    """A PairCounts stand-in: ``pairs[(i, j)] = (shared, same, contested)``."""
    from types import SimpleNamespace

    keys = sorted(pairs)
    arr = lambda k: np.array([pairs[p][k] for p in keys], dtype=float)  # noqa: E731
    return SimpleNamespace(cm=SimpleNamespace(n_sources=n), i=np.array([p[0] for p in keys]),
                           j=np.array([p[1] for p in keys]), shared=arr(0), same=arr(1),
                           contested_shared=lambda: arr(2), source_claims=np.array(claims, dtype=float),
                           source_labels=np.array([f"s{k}" for k in range(n)], dtype=object))


def test_a_duplicate_group_is_fitted_as_one_source_with_pooled_counts():
    """Sources 0 and 1 are duplicates (identical on 20 contested items); the grouped fit equals the plain
    fit of the collapsed problem in which their pairs with each other source are pooled (counts summed,
    not rates averaged: 9/10 and 10/100 pool to 19/110, where the mean rate would be 0.5)."""
    from sevenfold.fusion.copying import agreement_accuracy, duplicate_groups

    grouped = _fake_counts({(0, 1): (20, 20, 20), (0, 2): (10, 9, 10), (1, 2): (100, 10, 100),
                            (0, 3): (50, 40, 50), (1, 3): (50, 40, 50), (0, 4): (30, 20, 30),
                            (1, 4): (30, 20, 30), (3, 4): (30, 15, 30)},  # source 2 meets only the group
                           5, [200, 170, 160, 150, 90])
    assert list(duplicate_groups(grouped)) == [0, 0, 1, 2, 3]
    collapsed = _fake_counts({(0, 1): (110, 19, 110), (0, 2): (100, 80, 100), (0, 3): (60, 40, 60),
                              (2, 3): (30, 15, 30)}, 4, [370, 160, 150, 90])
    expected = agreement_accuracy(collapsed, group_duplicates=False)
    np.testing.assert_allclose(agreement_accuracy(grouped), expected[[0, 0, 1, 2, 3]], rtol=1e-12)


def test_groups_are_built_from_the_source_with_most_claims():
    """x duplicates a and b, which differ from each other: x (most claims) founds the group, a (more
    claims than b) joins it, b stays alone, whatever order the sources appear in."""
    from sevenfold.fusion.copying import duplicate_groups

    # index 0 = b (fewest claims), 1 = a, 2 = x
    counts = _fake_counts({(0, 1): (10, 5, 10), (0, 2): (10, 10, 10), (1, 2): (10, 10, 10)}, 3, [20, 40, 60])
    label = duplicate_groups(counts)
    assert label[2] == label[1] != label[0]
