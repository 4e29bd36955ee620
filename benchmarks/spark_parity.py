"""Spark backend against the NumPy backend on the real truth-discovery data and on synthetic copiers.

    .venv/bin/python benchmarks/spark_parity.py                       # book, population, flight, synth
    .venv/bin/python benchmarks/spark_parity.py book population       # the small ones (a few minutes)

Issue 10's equality target: >= 99.9 % identical truths and source trust within 1e-6. For each data set
(the loaders and normalisation of benchmarks/fusion_accuracy.py, sevenfold.fusion.datasets) and each
method with a Spark implementation, both backends fit the same ClaimMatrix with default parameters;
the script prints the share of items with the same truth, the largest difference in source trust and
in confidence, both iteration counts and both times (Spark local mode; JVM start-up not included).
Data: /work/shared/data/truth-discovery/ (override with SEVENFOLD_TD_DATA). Exit status 1 when a
method misses the target.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from sevenfold.fusion import METHODS as ALL_METHODS  # noqa: E402
from sevenfold.fusion import ClaimMatrix  # noqa: E402
from sevenfold.fusion.datasets import LOADERS  # noqa: E402
from sevenfold.fusion.spark.methods import SPARK_METHODS  # noqa: E402

DATA = Path(os.environ.get("SEVENFOLD_TD_DATA", "/work/shared/data/truth-discovery"))
METHODS = [cls for name, cls in ALL_METHODS.items() if name in SPARK_METHODS]  # every method Spark runs


def matrices(names: list[str]) -> list[tuple[str, ClaimMatrix]]:
    out = []
    for name in names:
        if name == "synth":
            from sevenfold.synth import claims_scenario

            out.append(("synth", ClaimMatrix.from_table(claims_scenario(seed=0).claims)))
            continue
        claims, _gold, norm = LOADERS[name](DATA / name)
        out.append((name, ClaimMatrix.from_table(claims, normalizer=norm, missing="drop", origin=name)))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("datasets", nargs="*", default=["book", "population", "flight", "synth"])
    ap.add_argument("--methods", nargs="+", choices=[m.name for m in METHODS], metavar="NAME",
                    help="only these methods (default: every method Spark runs)")
    args = ap.parse_args()
    methods = [m for m in METHODS if args.methods is None or m.name in args.methods]
    from sevenfold.fusion.spark import spark_session

    t = time.perf_counter()
    spark_session()
    print(f"Spark session started in {time.perf_counter() - t:.1f} s (local mode, not counted below)")
    failed = 0
    for name, cm in matrices(args.datasets):
        print(f"\n== {name}: {cm.n_claims:,} claims, {cm.n_sources:,} sources, {cm.n_items:,} items")
        print(f"{'method':18s} {'same truths':>11s} {'max Δtrust':>11s} {'max Δconf':>10s} "
              f"{'iters np/spark':>14s} {'numpy s':>8s} {'spark s':>8s}  target")
        for method in methods:
            t = time.perf_counter()
            ref = method().fit(cm)
            t_np = time.perf_counter() - t
            t = time.perf_counter()
            got = method(backend="spark").fit(cm)
            t_sp = time.perf_counter() - t
            same = float(np.mean(ref.truth_index_ == got.truth_index_))
            d_trust = float(np.max(np.abs(ref.source_trust_ - got.source_trust_)))
            d_conf = float(np.max(np.abs(ref.confidence_ - got.confidence_)))
            # ACCU-COPY keeps one of several starts' fixed points: both backends must keep the same one
            starts = (getattr(ref, "start_", None), getattr(got, "start_", None))
            ok = same >= 0.999 and d_trust <= 1e-6 and starts[0] == starts[1]
            failed += not ok
            kept = f"  start kept {starts[0]}/{starts[1]}" if starts[0] else ""
            print(f"{method.name:18s} {same:11.4%} {d_trust:11.1e} {d_conf:10.1e} "
                  f"{f'{ref.n_iter_}/{got.n_iter_}':>14s} {t_np:8.2f} {t_sp:8.1f}  {'met' if ok else 'MISSED'}{kept}",
                  flush=True)
    print(f"\n{'every method met' if not failed else f'{failed} method run(s) missed'} the target "
          "(>= 99.9 % identical truths, trust within 1e-6)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
