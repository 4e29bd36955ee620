"""Semi-supervised fusion: how much do a few verified items help on the items nobody checked?

    .venv/bin/python benchmarks/fusion_verified.py                      # book, flight, population, synth
    .venv/bin/python benchmarks/fusion_verified.py flight --fractions 0 0.01 --seeds 2

For each dataset, each fraction f and each seed, a random share f of the gold items is given to the fit
as verified (``fit(claims, verified=...)``, sevenfold.fusion.verified) and every method is scored on the
*other* gold items only (held out; ``accuracy(..., exclude=...)``). f = 0 is the unsupervised table of
benchmarks/fusion_accuracy.py. Majority voting ignores verification on unverified items, so its row
is the baseline that does not move. Gold items with two different gold values (Flight has 89) are never
drawn as verified, but are scored like the others. Data and normalisation as in fusion_accuracy.py.

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
        methods: list[str]) -> None:
    ok = np.flatnonzero(drawable(cm, gold, norm))
    print(f"{'fraction':>8s} {'verified':>8s} {'scored':>7s}  " + " ".join(f"{m:>17s}" for m in methods))
    for frac in fractions:
        per: dict[str, list[float]] = {m: [] for m in methods}
        n_ver = n_scored = 0
        t = time.perf_counter()
        for seed in range(seeds if frac > 0 else 1):
            rng = np.random.default_rng(seed)
            take = rng.choice(ok, size=round(frac * ok.size), replace=False) if frac > 0 else ok[:0]
            verified = gold.take(pa.array(np.sort(take)))
            for m in methods:
                est = make_method(m).fit(cm, verified=verified)
                a = accuracy(est, gold, norm, exclude=est.verified_.touched_items(cm))
                per[m].append(a.accuracy)
                n_ver, n_scored = verified.num_rows, a.evaluated
        cells = " ".join(f"{np.mean(v):9.4f} ±{np.std(v):6.4f}" for v in per.values())
        print(f"{frac:8.3f} {n_ver:8d} {n_scored:7d}  {cells}   ({time.perf_counter() - t:.0f} s)", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("datasets", nargs="*", default=[*LOADERS, "synth"])
    ap.add_argument("--fractions", nargs="+", type=float, default=[0.0, 0.01, 0.05, 0.2])
    ap.add_argument("--seeds", type=int, default=3, help="random draws of the verified items per fraction")
    ap.add_argument("--methods", nargs="+", default=METHODS)
    args = ap.parse_args()
    for name in args.datasets:
        t = time.perf_counter()
        if name == "synth":
            from sevenfold.synth import claims_scenario

            for seed in range(3):
                sc = claims_scenario(seed=seed)
                print(f"\n== synth seed {seed}: copiers and a clique (sevenfold.synth defaults)")
                run(f"synth{seed}", ClaimMatrix.from_table(sc.claims), sc.gold, None, args.fractions,
                    args.seeds, args.methods)
            continue
        claims, gold, norm = LOADERS[name](DATA / name)
        cm = ClaimMatrix.from_table(claims, normalizer=norm, missing="drop", origin=name)
        print(f"\n== {name}: {cm.n_claims:,} claims, {cm.n_sources:,} sources, {gold.num_rows:,} gold rows "
              f"(loaded in {time.perf_counter() - t:.1f} s); mean held-out accuracy ± sd over {args.seeds} draws")
        run(name, cm, gold, norm, args.fractions, args.seeds, args.methods)


if __name__ == "__main__":
    main()
