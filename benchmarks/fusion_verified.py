"""Semi-supervised fusion: how much do a few verified items help on the items nobody checked?

    .venv/bin/python benchmarks/fusion_verified.py                      # book, flight, population, synth
    .venv/bin/python benchmarks/fusion_verified.py flight --fractions 0 0.01 --seeds 2

For each dataset, each fraction f and each seed, a share f of the gold items is given to the fit as
verified (``fit(claims, verified=...)``, sevenfold.fusion.verified) and every method is scored on the
*other* gold items only (held out; ``accuracy(..., exclude=...)``). Each cell is the mean held-out
accuracy and, paired on the same held-out items, its change from the unsupervised fit (points).
``--selection random`` (default) draws the items at random and lets ACCU / ACCU-COPY pool them as an
audit sample (``verified_sample="random"``); ``--selection contested`` picks items majority voting gets
wrong, as an analyst would, with the default ``targeted`` fit. Majority voting does not use trust, so
its change is 0. Gold items with two different gold values (Flight has 89) are never drawn as verified,
but are scored like the others. Data and normalisation as in fusion_accuracy.py.

This is not the published unsupervised comparison: the papers' methods were not given verified items.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from sevenfold.fusion import ClaimMatrix, accuracy, make_method  # noqa: E402
from sevenfold.fusion.datasets import LOADERS  # noqa: E402
from sevenfold.fusion.evaluate import gold_hits  # noqa: E402
from sevenfold.fusion.normalize import attribute_keys, resolve_normalizer  # noqa: E402

DATA = Path(os.environ.get("SEVENFOLD_TD_DATA", "/work/shared/data/truth-discovery"))
METHODS = ["majority-voting", "investment", "pooled-investment", "truthfinder", "accu", "accu-copy", "crh", "ltm"]


def drawable(cm: ClaimMatrix, gold: pa.Table, norm: object) -> np.ndarray:
    """Gold rows that may be drawn as verified: on an item of the claims, with one gold value."""
    index = cm.item_index()
    obj, att = gold.column("object").to_pylist(), gold.column("attribute").to_pylist()
    vals = np.asarray([v or "" for v in gold.column("value").to_pylist()], dtype=object)
    keys = attribute_keys(resolve_normalizer(norm), np.asarray(att, dtype=object), vals)
    item = np.asarray([index.get((o, a), -1) for o, a in zip(obj, att, strict=True)], dtype=np.int64)
    distinct: dict[int, set[str]] = {}
    for i, k in zip(item.tolist(), keys, strict=True):
        if i >= 0:
            distinct.setdefault(i, set()).add(k)
    return np.asarray([i >= 0 and len(distinct[i]) == 1 for i in item.tolist()], dtype=bool)


def run(name: str, cm: ClaimMatrix, gold: pa.Table, norm: object, fractions: list[float], seeds: int,
        methods: list[str], selection: str) -> None:
    ok = np.flatnonzero(drawable(cm, gold, norm))
    if selection == "contested":  # the items majority voting gets wrong: what an analyst checks first
        vote = make_method("majority-voting").fit(cm)
        ok = ok[accuracy_mask(vote, gold, norm)[ok] == 0]
    sample = "random" if selection == "random" else "targeted"
    plain = {m: make_method(m).fit(cm) for m in methods}
    print(f"{'fraction':>8s} {'verified':>8s} {'scored':>7s}  " + " ".join(f"{m:>17s}" for m in methods))
    for frac in [f for f in fractions if f > 0]:
        per: dict[str, list[float]] = {m: [] for m in methods}
        delta: dict[str, list[float]] = {m: [] for m in methods}
        n_ver = n_scored = 0
        t = time.perf_counter()
        for seed in range(seeds):
            rng = np.random.default_rng(seed)
            take = rng.choice(ok, size=min(round(frac * gold.num_rows), ok.size), replace=False)
            verified = gold.take(pa.array(np.sort(take)))
            for m in methods:
                params = {"verified_sample": sample} if m in ("accu", "accu-copy") else {}
                est = make_method(m, **params).fit(cm, verified=verified)
                exclude = est.verified_.touched_items(cm)
                a = accuracy(est, gold, norm, exclude=exclude)
                base = accuracy(plain[m], gold, norm, exclude=exclude)  # the same held-out items
                per[m].append(a.accuracy)
                delta[m].append(a.accuracy - base.accuracy)
                n_ver, n_scored = verified.num_rows, a.evaluated
        cells = " ".join(f"{np.mean(per[m]):8.4f} {np.mean(delta[m]) * 100:+6.2f}pt" for m in methods)
        print(f"{frac:8.3f} {n_ver:8d} {n_scored:7d}  {cells}   ({time.perf_counter() - t:.0f} s)", flush=True)


def accuracy_mask(estimator: object, gold: pa.Table, norm: object) -> np.ndarray:
    """Per gold row: 1 where the estimator's value is right, 0 where wrong, -1 where not covered."""
    pos, hit = gold_hits(estimator, gold, norm)
    return np.where(pos >= 0, hit.astype(int), -1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("datasets", nargs="*", default=[*LOADERS, "synth"])
    ap.add_argument("--fractions", nargs="+", type=float, default=[0.01, 0.05, 0.2],
                    help="shares of the gold items to verify")
    ap.add_argument("--seeds", type=int, default=3, help="random draws of the verified items per fraction")
    ap.add_argument("--methods", nargs="+", default=METHODS)
    ap.add_argument("--selection", choices=["random", "contested"], default="random",
                    help="how the verified items are chosen: drawn at random (accu/accu-copy pool them, "
                    "verified_sample='random'), or among the items majority voting gets wrong (the default "
                    "'targeted' fit)")
    args = ap.parse_args()
    for name in args.datasets:
        t = time.perf_counter()
        if name == "synth":
            from sevenfold.synth import claims_scenario

            for seed in range(3):
                sc = claims_scenario(seed=seed)
                print(f"\n== synth seed {seed}: copiers and a clique (sevenfold.synth defaults)")
                run(f"synth{seed}", ClaimMatrix.from_table(sc.claims), sc.gold, None, args.fractions,
                    args.seeds, args.methods, args.selection)
            continue
        claims, gold, norm = LOADERS[name](DATA / name)
        cm = ClaimMatrix.from_table(claims, normalizer=norm, missing="drop", origin=name)
        print(f"\n== {name}: {cm.n_claims:,} claims, {cm.n_sources:,} sources, {gold.num_rows:,} gold rows "
              f"(loaded in {time.perf_counter() - t:.1f} s); mean held-out accuracy over {args.seeds} draws "
              "and its change from the unsupervised fit on the same items")
        run(name, cm, gold, norm, args.fractions, args.seeds, args.methods, args.selection)


if __name__ == "__main__":
    main()
