"""Name matching: accuracy on real name-variant data and batch throughput, vs OpenSanctions.

One command:  .venv/bin/python benchmarks/names_bench.py           (full run, ~2-4 minutes)
              .venv/bin/python benchmarks/names_bench.py --choose-threshold   (train splits only)
              .venv/bin/python benchmarks/names_bench.py --no-peer           (skip OpenSanctions)

Data: ../shared/data/names (see its README): DeezyMatch GeoNames toponym pairs (Hosseini et al.,
EMNLP 2020 demos; train/finetune/test), nomenklatura name_bench cases (OpenSanctions), rigour's
80 renderings of one name as all 3,240 unordered pairs (all positive).

Protocol: sevenfold's threshold is chosen on DeezyMatch train+finetune (F1-best) and is the
library's DEFAULT_THRESHOLD; it is never tuned on a test split. The peer, nomenklatura's LogicV2
name comparison (the comparator of nomenklatura's own name_bench), is scored on the same pairs in
the same run: at its own default threshold (0.7, from nomenklatura contrib/name_bench/run.py) and at
its F1-best threshold on the same train splits (same protocol as ours). nomenklatura pins
duckdb<2, so it is installed from PyPI into its own virtualenv
(~/.cache/sevenfold/bench-opensanctions-venv) and run as a subprocess; the project venv is untouched.

Throughput: 200,000 pairs drawn with a fixed seed from all the names above, scored by
``NameMatcher.score_pairs`` with cold caches (normalisation of every distinct name included).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from sevenfold.names import DEFAULT_THRESHOLD, NameMatcher  # noqa: E402
from sevenfold.names.compare import SUGGEST_THRESHOLD  # noqa: E402
from sevenfold.names.evaluate import (  # noqa: E402
    PairSet,
    choose_threshold,
    confusion,
    load_all_pairs_positive,
    load_deezymatch,
    load_name_bench,
)

DATA = Path(os.environ.get("SEVENFOLD_SHARED_DATA", ROOT.parent / "shared" / "data")) / "names"
PEER_VENV = Path.home() / ".cache" / "sevenfold" / "bench-opensanctions-venv"
PEER_DEFAULT_THRESHOLD = 0.7
SEED = 20261129

PEER_SCORER = r"""
import json, sys
from uuid import uuid4
from followthemoney import ValueEntity, model
from nomenklatura.matching.logic_v2.model import LogicV2
cfg = LogicV2.default_config()
rows = json.load(open(sys.argv[1], encoding="utf-8"))
out = []
for a, b, schema in rows:
    s = model.get(schema)
    q = ValueEntity(s, {"id": uuid4().hex}); q.add("name", a)
    c = ValueEntity(s, {"id": uuid4().hex}); c.add("name", b)
    try:
        out.append(float(LogicV2.compare(q, c, cfg).score))
    except Exception:
        out.append(0.0)
json.dump(out, open(sys.argv[2], "w"))
"""


def ensure_peer_venv() -> Path:
    py = PEER_VENV / "bin" / "python"
    if not py.exists():
        print(f"installing nomenklatura + rigour from PyPI into {PEER_VENV} ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
    check = subprocess.run([str(py), "-c", "import nomenklatura, rigour"], capture_output=True)
    if check.returncode != 0:
        subprocess.run([str(py), "-m", "pip", "install", "-q", "nomenklatura", "rigour"], check=True)
    return py


def peer_versions(py: Path) -> str:
    code = ("import importlib.metadata as m;"
            "print('nomenklatura', m.version('nomenklatura'), 'rigour', m.version('rigour'))")
    return subprocess.run([str(py), "-c", code], capture_output=True, text=True, check=True).stdout.strip()


def peer_scores(py: Path, left: list[str], right: list[str], schemas: list[str]) -> tuple[np.ndarray, float]:
    with tempfile.TemporaryDirectory() as tmp:
        src, dst, script = Path(tmp) / "in.json", Path(tmp) / "out.json", Path(tmp) / "score.py"
        src.write_text(json.dumps(list(zip(left, right, schemas, strict=True))), encoding="utf-8")
        script.write_text(PEER_SCORER, encoding="utf-8")
        t0 = time.perf_counter()
        subprocess.run([str(py), str(script), str(src), str(dst)], check=True)
        elapsed = time.perf_counter() - t0
        return np.array(json.loads(dst.read_text(encoding="utf-8"))), elapsed


def fmt(name: str, who: str, gold: np.ndarray, scores: np.ndarray, threshold: float) -> str:
    c = confusion(gold, scores >= threshold)
    return (f"  {name:<34} {who:<28} t={threshold:.2f}  n={c.n:>5}  P={c.precision:.3f}  "
            f"R={c.recall:.3f}  F1={c.f1:.3f}")


def load() -> dict[str, PairSet]:
    return {
        "deezymatch train+finetune": _concat(load_deezymatch(DATA / "deezymatch_geonames_train.tsv"),
                                             load_deezymatch(DATA / "deezymatch_geonames_finetune.tsv")),
        "deezymatch test": load_deezymatch(DATA / "deezymatch_geonames_test.tsv"),
        "nomenklatura name_bench": load_name_bench(DATA / "nomenklatura_name_bench_cases.csv"),
        "rigour putin names (all pairs)": load_all_pairs_positive(DATA / "rigour_putin_names.txt"),
    }


def _concat(a: PairSet, b: PairSet) -> PairSet:
    return PairSet(f"{a.name}+{b.name}", a.left + b.left, a.right + b.right, np.concatenate([a.gold, b.gold]))


def schemas_for(name: str, n: int) -> list[str]:
    if name.startswith("nomenklatura"):
        import csv

        with (DATA / "nomenklatura_name_bench_cases.csv").open(encoding="utf-8") as fh:
            return [row["schema"] for row in csv.DictReader(fh)]
    # toponyms and one person: LegalEntity / Person are the name-bearing FtM schemata
    return ["Person" if name.startswith("rigour") else "LegalEntity"] * n


def throughput(n_pairs: int) -> None:
    from sevenfold.names.normalise import clear_cache

    sets = load()
    pool = sorted({s for ps in sets.values() for s in ps.left + ps.right})
    rng = random.Random(SEED)
    left = [rng.choice(pool) for _ in range(n_pairs)]
    right = [rng.choice(pool) for _ in range(n_pairs)]
    m = NameMatcher()
    clear_cache()
    t0 = time.perf_counter()
    m.score_pairs(left, right)
    cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    m.score_pairs(left, right)
    warm = time.perf_counter() - t0
    k = 2000
    t0 = time.perf_counter()
    for a, b in zip(left[:k], right[:k], strict=True):
        m.match(a, b)
    single = (time.perf_counter() - t0) / k
    print(f"\nthroughput ({os.cpu_count()} cores, {n_pairs:,} pairs from {len(pool):,} distinct real names, "
          f"seed {SEED}):")
    print(f"  batch, cold caches (incl. normalising every name): {n_pairs / cold:>10,.0f} pairs/s  ({cold:.2f} s)")
    print(f"  batch, warm caches:                                {n_pairs / warm:>10,.0f} pairs/s  ({warm:.2f} s)")
    print(f"  one pair at a time (match(), with explanation):    {1 / single:>10,.0f} pairs/s")
    print(f"  batch vs one-at-a-time: {single * n_pairs / cold:.1f}x (cold)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--choose-threshold", action="store_true", help="only choose thresholds on train splits")
    ap.add_argument("--no-peer", action="store_true", help="skip OpenSanctions (no install)")
    ap.add_argument("--pairs", type=int, default=200_000, help="throughput pairs")
    args = ap.parse_args()

    sets = load()
    matcher = NameMatcher(use_bundled=False)  # evaluation without the hand-curated gazetteer
    train = sets["deezymatch train+finetune"]
    t0 = time.perf_counter()
    train_scores = matcher.score_pairs(train.left, train.right)
    chosen = choose_threshold(train.gold, train_scores)
    grid = np.round(np.arange(0.5, 0.99, 0.01), 2)
    high_precision = min((t for t in grid if confusion(train.gold, train_scores >= t).precision >= 0.93), default=None)
    print(f"threshold chosen on {train.name} ({len(train)} pairs): F1-best {chosen:.2f}; "
          f"lowest with precision >= 0.93: {high_precision}")
    print(f"library DEFAULT_THRESHOLD = {DEFAULT_THRESHOLD:.2f}, SUGGEST_THRESHOLD = {SUGGEST_THRESHOLD:.2f}")
    if args.choose_threshold:
        return 0

    peer_py = None
    if not args.no_peer:
        peer_py = ensure_peer_venv()
        print(f"peer: {peer_versions(peer_py)} (LogicV2 name comparison)")
    print("\naccuracy (gazetteer OFF for sevenfold; same pairs for both):")
    ours_time = 0.0
    peer_time = 0.0
    n_scored = 0
    peer_threshold = PEER_DEFAULT_THRESHOLD
    if peer_py is not None:
        p_train, _ = peer_scores(peer_py, train.left, train.right, schemas_for(train.name, len(train)))
        peer_threshold_tuned = choose_threshold(train.gold, p_train)
        print(f"  peer F1-best threshold on the same train splits: {peer_threshold_tuned:.2f}")
    f1s: dict[str, tuple[float, float, float]] = {}
    for name, ps in sets.items():
        if name == "deezymatch train+finetune":
            continue
        t0 = time.perf_counter()
        ours = matcher.score_pairs(ps.left, ps.right)
        ours_time += time.perf_counter() - t0
        n_scored += len(ps)
        print(fmt(name, "sevenfold", ps.gold, ours, DEFAULT_THRESHOLD))
        ours_f1 = confusion(ps.gold, ours >= DEFAULT_THRESHOLD).f1
        theirs = None
        if peer_py is not None:
            theirs, elapsed = peer_scores(peer_py, ps.left, ps.right, schemas_for(name, len(ps)))
            peer_time += elapsed
            print(fmt(name, "OpenSanctions LogicV2", ps.gold, theirs, peer_threshold))
            print(fmt(name, "OpenSanctions LogicV2 (tuned)", ps.gold, theirs, peer_threshold_tuned))
        if name.startswith("nomenklatura"):
            for schema in ("Person", "Organization", "Company", "LegalEntity"):
                idx = [i for i, s in enumerate(schemas_for(name, len(ps))) if s == schema]
                if idx:
                    print(fmt(f"  of which {schema}", "sevenfold", ps.gold[idx], ours[idx], DEFAULT_THRESHOLD))
                    if theirs is not None:
                        print(fmt(f"  of which {schema}", "OpenSanctions LogicV2", ps.gold[idx], theirs[idx],
                                  peer_threshold))
        if theirs is not None:
            f1s[name] = (ours_f1, confusion(ps.gold, theirs >= peer_threshold).f1,
                         confusion(ps.gold, theirs >= peer_threshold_tuned).f1)
    if f1s:
        print("\nF1 summary (sevenfold / OpenSanctions default / OpenSanctions train-tuned):")
        for name, (a, b, c) in f1s.items():
            print(f"  {name:<34} {a:.3f} / {b:.3f} / {c:.3f}   ratio vs default {a / b if b else float('inf'):.2f}")
        print(f"\nscoring time on the {n_scored:,} evaluation pairs: sevenfold {ours_time:.2f} s, "
              f"OpenSanctions {peer_time:.2f} s (subprocess, incl. start-up) → {peer_time / ours_time:.0f}x")
    throughput(args.pairs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
