"""Calibration of the Bayesian ACH engine on generated cases with ground truth (fixed seeds).

Run: .venv/bin/python benchmarks/assess_calibration.py [N_CASES]
     .venv/bin/python benchmarks/assess_calibration.py --reach-sweep   (what DECEPTION_REACH does)

1,000 cases from sevenfold.synth.cases (an independent world model, see its docstring); in half of
them 30 % of the sources are run by the adversary (70 % of those flagged to the analyst). Analysts
rate at face value; the cases carry compilations, syntheses, directional interests and suspected
control. Origins come from the provenance stage (``sevenfold.provenance.origin_groups``), as in
``sevenfold assess``.

The generator is loaded from THIS checkout's ``src/sevenfold/synth/cases.py`` by path, so the same
cases can be assessed by another engine: ``PYTHONPATH=/other/src python benchmarks/assess_calibration.py``
runs that engine on these cases.
Targets (issue 5): top-label expected calibration error <= 0.05 and a Brier score better than a
Heuer inconsistency-count baseline. Peers measured in the same run:

* heuer-pick: the least-inconsistent hypothesis gets probability 1 (split over ties) — what a
  Heuer matrix tells a reader;
* heuer-softmax: p(h) ∝ prior(h)·exp(−β·inconsistency(h)), β fitted by maximum likelihood on a
  separate set of 300 training cases — the best a calibrated inconsistency count can do;
* bayes-ach blind: the same engine with every controlled_by / compromised_since / burn removed
  (shows what the deception modelling is worth on the adversarial half).
"""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

import numpy as np
from scipy.optimize import minimize_scalar

from sevenfold.ach import assess_case
from sevenfold.calibration import expected_calibration_error

try:
    from sevenfold.provenance import origin_groups
except ImportError:  # an engine without the provenance stage
    origin_groups = None


def _load_generator():  # type: ignore[no-untyped-def]
    path = Path(__file__).resolve().parents[1] / "src" / "sevenfold" / "synth" / "cases.py"
    spec = importlib.util.spec_from_file_location("synth_cases_under_test", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


_gen = _load_generator()
SyntheticCase, generate_cases = _gen.SyntheticCase, _gen.generate_cases

SEED, TRAIN_SEED, BINS = 20261129, 7, 10


def ece_top(p: np.ndarray, y: np.ndarray, bins: int = BINS) -> float:
    """Top-label ECE (Guo et al. 2017): equal-width bins over the top probability."""
    rows = np.arange(len(y))
    return expected_calibration_error(p.max(axis=1), y[rows, p.argmax(axis=1)], bins)


def ece_classwise(p: np.ndarray, y: np.ndarray, bins: int = BINS) -> float:
    """ECE over every (case, hypothesis) probability."""
    return expected_calibration_error(p[p >= 0], y[p >= 0], bins)


def padded(rows: list[np.ndarray], width: int) -> np.ndarray:
    out = np.full((len(rows), width), -1.0)
    for i, r in enumerate(rows):
        out[i, : len(r)] = r
    return out


def scores(p: np.ndarray, y: np.ndarray) -> dict[str, float]:
    mask = p >= 0
    q = np.where(mask, p, 0.0)
    brier = float((((q - y) ** 2) * mask).sum(axis=1).mean())
    logloss = float(-np.log(np.clip(q[y == 1], 1e-12, 1)).mean())
    acc = float((y[np.arange(len(y)), q.argmax(axis=1)] == 1).mean())
    return {"brier": brier, "logloss": logloss, "acc": acc, "ece": ece_top(q, y), "ece_cw": ece_classwise(p, y)}


def blind(sc: SyntheticCase) -> SyntheticCase:
    srcs = [type(s).model_validate({k: v for k, v in s.model_dump().items()
                                    if k not in ("controlled_by", "compromised_since", "suspected_control")})
            for s in sc.case.sources]
    return SyntheticCase(sc.case.model_copy(update={"sources": srcs, "burns": []}), sc.truth)


def run_engine(cases: list[SyntheticCase]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    posts, incs = [], []
    for sc in cases:
        origins = origin_groups(sc.case) if origin_groups is not None else None
        a = assess_case(sc.case, origins=origins, detail=False)
        by = {h.id: h for h in a.hypotheses}
        ids = [h.id for h in sc.case.hypotheses]
        posts.append(np.array([by[h].posterior for h in ids]))
        incs.append(np.array([by[h].inconsistency for h in ids]))
    return posts, incs


def heuer_softmax(incs: list[np.ndarray], priors: list[np.ndarray], beta: float) -> list[np.ndarray]:
    out = []
    for inc, pr in zip(incs, priors, strict=True):
        z = np.log(pr) - beta * inc
        z = np.exp(z - z.max())
        out.append(z / z.sum())
    return out


def main(n: int = 1000) -> None:
    t0 = time.perf_counter()
    cases = generate_cases(n, seed=SEED)
    train = generate_cases(300, seed=TRAIN_SEED)
    t_gen = time.perf_counter() - t0
    width = max(len(c.case.hypotheses) for c in cases + train)

    def truth_matrix(cs: list[SyntheticCase]) -> np.ndarray:
        return padded([np.array([h.id == c.truth for h in c.case.hypotheses], float) for c in cs], width).clip(0)

    def priors(cs: list[SyntheticCase]) -> list[np.ndarray]:
        return [np.array([h.prior for h in c.case.hypotheses]) for c in cs]

    t1 = time.perf_counter()
    posts, incs = run_engine(cases)
    t_assess = time.perf_counter() - t1
    _, train_incs = run_engine(train)
    y_train = truth_matrix(train)

    def nll(beta: float) -> float:
        p = padded(heuer_softmax(train_incs, priors(train), beta), width)
        return float(-np.log(np.clip(np.where(p >= 0, p, 0)[y_train == 1], 1e-12, 1)).sum())

    beta = float(minimize_scalar(nll, bounds=(0.0, 10.0), method="bounded").x)
    picks = []
    for inc in incs:
        best = (inc == inc.min()).astype(float)
        picks.append(best / best.sum())
    blind_posts, _ = run_engine([blind(c) for c in cases])

    y = truth_matrix(cases)
    adv = np.array([c.adversarial for c in cases])
    methods = {
        "bayes-ach/1": padded(posts, width),
        "bayes-ach blind to control": padded(blind_posts, width),
        f"heuer-softmax (beta={beta:.2f})": padded(heuer_softmax(incs, priors(cases), beta), width),
        "heuer-pick": padded(picks, width),
        "prior only": padded(priors(cases), width),
    }
    print(f"{n} cases ({adv.sum()} adversarial), seed {SEED}; generated in {t_gen:.1f}s, "
          f"assessed in {t_assess:.1f}s ({1000 * t_assess / n:.1f} ms/case)")
    for label, sel in (("all", np.ones(n, bool)), ("adversarial half", adv), ("clean half", ~adv)):
        print(f"\n[{label}]  {'method':34s} {'Brier':>7s} {'logloss':>8s} {'acc':>6s} {'ECE':>6s} {'ECE-cw':>7s}")
        for name, p in methods.items():
            s = scores(p[sel], y[sel])
            print(f"{'':{len(label) + 3}s}{name:34s} {s['brier']:7.4f} {s['logloss']:8.4f} {s['acc']:6.3f} "
                  f"{s['ece']:6.4f} {s['ece_cw']:7.4f}")
    p = methods["bayes-ach/1"]
    conf = p.max(axis=1)
    correct = y[np.arange(n), p.argmax(axis=1)]
    idx = np.minimum((conf * BINS).astype(int), BINS - 1)
    print("\nreliability of the top hypothesis (bayes-ach/1): bin, n, mean confidence, share correct")
    for b in range(BINS):
        m = idx == b
        if m.any():
            lo, hi = b / BINS, (b + 1) / BINS
            print(f"  [{lo:.1f}, {hi:.1f})  {m.sum():4d}  {conf[m].mean():.3f}  {correct[m].mean():.3f}")
    # Where the plant is real: is it the top hypothesis? (face-value analysts; and analysts who
    # half-anticipate the plant, the earlier benchmark world)
    for label, face in (("analysts rating at face value", True), ("analysts half-anticipating the plant", False)):
        fv = generate_cases(n // 2, seed=SEED + 1, adversarial_share=1.0, face_value=face)
        y_fv = truth_matrix(fv)
        fv_aware = padded(run_engine(fv)[0], width)
        fv_blind = padded(run_engine([blind(c) for c in fv])[0], width)
        print(f"\n[{n // 2} adversarial cases, {label}]")
        for name, p_fv in (("bayes-ach/1", fv_aware), ("bayes-ach blind to control", fv_blind)):
            s = scores(p_fv, y_fv)
            plant = np.array([c.truth == "plant" for c in fv])
            s_plant = scores(p_fv[plant], y_fv[plant])
            print(f"   {name:34s} Brier {s['brier']:.4f}  ECE {s['ece']:.4f}  acc {s['acc']:.3f}   "
                  f"when the plant is true ({plant.sum()}): plant top {s_plant['acc']:.3f} "
                  f"Brier {s_plant['brier']:.4f}")
    bayes = scores(methods["bayes-ach/1"], y)
    heuer_p = methods[next(k for k in methods if k.startswith("heuer-softmax"))]
    heuer = scores(heuer_p, y)
    # sampling uncertainty: 1,000 bootstrap resamples of the cases (fixed seed)
    boot = np.random.default_rng(SEED)
    eces, diffs = [], []
    for _ in range(1000):
        idx_b = boot.integers(0, n, n)
        sb, sh = scores(p[idx_b], y[idx_b]), scores(heuer_p[idx_b], y[idx_b])
        eces.append(sb["ece"])
        diffs.append(sb["brier"] - sh["brier"])
    lo_e, hi_e = np.percentile(eces, [2.5, 97.5])
    lo_d, hi_d = np.percentile(diffs, [2.5, 97.5])
    print(f"\nbootstrap 95% intervals: ECE [{lo_e:.4f}, {hi_e:.4f}]; "
          f"Brier(bayes) - Brier(heuer-softmax) [{lo_d:.4f}, {hi_d:.4f}]")
    print(f"\ntarget ECE <= 0.05: {'met' if bayes['ece'] <= 0.05 else 'MISSED'} (ECE {bayes['ece']:.4f}); "
          f"Brier vs best Heuer baseline: {bayes['brier']:.4f} vs {heuer['brier']:.4f} "
          f"(ratio {bayes['brier'] / heuer['brier']:.2f})")


def reach_sweep(n: int = 1000, values: tuple[float, ...] = (0.0, 0.25, 0.35, 0.5)) -> None:
    """What the engine's DECEPTION_REACH does on the same cases (a record, not a fit)."""
    import sevenfold.ach.evidence as evidence

    main_cases = generate_cases(n, seed=SEED)
    fv = generate_cases(n // 2, seed=SEED + 1, adversarial_share=1.0)
    width = max(len(c.case.hypotheses) for c in main_cases + fv)

    def truth(cs: list[SyntheticCase]) -> np.ndarray:
        return padded([np.array([h.id == c.truth for h in c.case.hypotheses], float) for c in cs], width).clip(0)

    y, y_fv = truth(main_cases), truth(fv)
    adv = np.array([c.adversarial for c in main_cases])
    plant = np.array([c.truth == "plant" for c in fv])
    saved = evidence.DECEPTION_REACH
    print("reach  Brier(all)  ECE(all)  Brier(clean)  plant top when real (face value)")
    try:
        for r in values:
            evidence.DECEPTION_REACH = r
            p = padded(run_engine(main_cases)[0], width)
            p_fv = padded(run_engine(fv)[0], width)
            a, cl, pl = scores(p, y), scores(p[~adv], y[~adv]), scores(p_fv[plant], y_fv[plant])
            print(f"{r:5.2f}  {a['brier']:10.4f}  {a['ece']:8.4f}  {cl['brier']:12.4f}  {pl['acc']:.3f}")
    finally:
        evidence.DECEPTION_REACH = saved


if __name__ == "__main__":
    if "--reach-sweep" in sys.argv:
        reach_sweep()
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
