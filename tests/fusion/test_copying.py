"""Copy detection and fusion with copiers on seeded synthetic scenarios."""

from __future__ import annotations

import numpy as np

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
