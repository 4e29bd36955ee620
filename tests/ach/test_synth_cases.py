"""The synthetic case generator: valid, seeded, with the advertised world, and the engine beats Heuer on it."""

from __future__ import annotations

import numpy as np

from sevenfold.ach import assess_case
from sevenfold.synth.cases import generate_case, generate_cases


def test_seeded_and_valid():
    a, b = generate_case(5, adversarial=True), generate_case(5, adversarial=True)
    assert a.case.model_dump() == b.case.model_dump() and a.truth == b.truth
    assert a.case.reference_problems() == []
    assert generate_case(6).case.model_dump() != a.case.model_dump()


def test_world_shape():
    cases = generate_cases(200, seed=11)
    adv = [c for c in cases if c.adversarial]
    assert len(adv) == 100
    share = np.mean([len(c.controlled) / len(c.case.sources) for c in adv])
    assert 0.25 <= share <= 0.4
    assert not any(c.controlled for c in cases if not c.adversarial)
    # truth follows the stated priors: average prior of the true hypothesis beats a uniform draw
    p_true = np.mean([{h.id: h.prior for h in c.case.hypotheses}[c.truth] for c in cases])
    p_unif = np.mean([np.mean([h.prior for h in c.case.hypotheses]) for c in cases])
    assert p_true > p_unif
    assert all(c.truth in {h.id for h in c.case.hypotheses} for c in cases)


def _brier(p: np.ndarray, truth: int) -> float:
    y = np.zeros_like(p)
    y[truth] = 1.0
    return float(((p - y) ** 2).sum())


def test_bayes_beats_heuer_baseline_on_generated_cases():
    cases = generate_cases(80, seed=123)
    bayes, heuer = [], []
    for sc in cases:
        a = assess_case(sc.case, detail=False)
        ids = [h.id for h in sc.case.hypotheses]
        t = ids.index(sc.truth)
        post = {h.id: h.posterior for h in a.hypotheses}
        bayes.append(_brier(np.array([post[h] for h in ids]), t))
        inc = np.array([{h.id: h.inconsistency for h in a.hypotheses}[h] for h in ids])
        best = (inc == inc.min()).astype(float)
        heuer.append(_brier(best / best.sum(), t))
    assert np.mean(bayes) < np.mean(heuer)




def test_generator_is_its_own_world():
    """The generator imports nothing from the engine, and its cases carry the features issue 19 asks for."""
    import ast
    from pathlib import Path

    import sevenfold.synth.cases as gen

    tree = ast.parse(Path(gen.__file__).read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)} | {
        a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not any(m and m.startswith("sevenfold.ach") for m in imported)
    cases = generate_cases(60, seed=5)
    reports = [r for c in cases for r in c.case.reports]
    sources = [s for c in cases for s in c.case.sources]
    hyp_ids = {h.id for c in cases for h in c.case.hypotheses}
    assert any(r.synthesis_of for r in reports) and any(r.cited_in for r in reports)
    assert any(d.kind == "compilation" for c in cases for d in c.case.documents)
    assert any(s.suspected_control is not None for s in sources)
    assert any(set(s.interests) & hyp_ids for s in sources) and any(r.against_interest for r in reports)
    # analysts rate at face value by default: a cover-story report counts against the plant
    c = generate_case(3, adversarial=True)
    cover_reports = [r.id for r in c.case.reports if r.text == "asserts h1"]
    plant = [rt.consistency for rt in c.case.ratings if rt.report in cover_reports and rt.hypothesis == "plant"]
    assert plant and sum(g in ("I", "II") for g in plant) >= 0.6 * len(plant)
