"""Speed of sevenfold.fusion against the PyPI `truthdiscovery` package, side by side in one run.

    .venv/bin/python benchmarks/fusion_bench.py                 # 10k, 100k, 1M claims + 10M scale run
    .venv/bin/python benchmarks/fusion_bench.py --sizes 1e4 1e5 --no-scale   # quick

Same claims for both (a seeded synthetic table, one statement per source and item, written to CSV):
* fit time per shared method (ours: ``Method().fit(matrix)``; peer: ``algorithm.run(dataset)``, its
  public API, which includes building its result dictionaries), with the peer's iteration schedule
  (20 iterations; 10 for PooledInvestment; TruthFinder to cosine 0.001) so the work is the same;
* share of items where both choose the same value;
* end to end: claims CSV in → truths CSV out (ours: read + index + fit + write; peer: read with
  pyarrow, build its Dataset from tuples, run, pick the most believed value per item, write CSV), the
  median of ``--repeats`` runs per side, the two sides alternating;
* scale: 10 M claims (1,000 sources, 1 M objects) through ``sevenfold fuse`` for TruthFinder and ACCU in
  a child process each, wall time and peak RSS.
The peer's CRH builds dense (candidates × candidates) matrices; it is skipped when that would need more
than 2 GiB, and the skip is printed.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from sevenfold.fusion import (  # noqa: E402
    CRH,
    AverageLog,
    ClaimMatrix,
    Investment,
    MajorityVoting,
    PooledInvestment,
    Sums,
    TruthFinder,
    identity_key,
    write_table,
)

WORK = Path(os.environ.get("SEVENFOLD_BENCH_DIR", "/tmp/sevenfold_fusion_bench"))

# ours (schedule matched to the peer's defaults) ↔ peer class name
SHARED = [
    ("majority-voting", lambda: MajorityVoting(), "MajorityVoting"),
    ("sums", lambda: Sums(max_iter=20, tol=0.0), "Sums"),
    ("average-log", lambda: AverageLog(max_iter=20, tol=0.0), "AverageLog"),
    ("investment", lambda: Investment(max_iter=20, tol=0.0), "Investment"),
    ("pooled-investment", lambda: PooledInvestment(max_iter=10, tol=0.0), "PooledInvestment"),
    ("truthfinder", lambda: TruthFinder(), "TruthFinder"),
    ("crh", lambda: CRH(loss="squared", max_iter=20, tol=0.0), "CRH"),
]


def make_claims(n_claims: int, n_sources: int, n_objects: int, seed: int = 0) -> pa.Table:
    """Seeded claims: sources of accuracy U(0.5, 0.95), five false values per object, no duplicates."""
    rng = np.random.default_rng(seed)
    src = rng.integers(0, n_sources, n_claims)
    obj = rng.integers(0, n_objects, n_claims)
    _, first = np.unique(src.astype(np.int64) * n_objects + obj, return_index=True)
    first.sort()
    src, obj = src[first], obj[first]
    acc = rng.uniform(0.5, 0.95, n_sources)
    val = np.where(rng.random(src.size) < acc[src], 0, rng.integers(1, 6, src.size))
    lab = lambda p, a: pa.DictionaryArray.from_arrays(  # noqa: E731 - string columns without Python loops
        pa.array(a), pa.array([f"{p}{i}" for i in range(int(a.max()) + 1)])).cast(pa.string())
    return pa.table({"source": lab("s", src), "object": lab("o", obj),
                     "attribute": pa.array(np.full(src.size, "a")), "value": lab("v", val)})


def claims_file(n_claims: int, n_sources: int, n_objects: int) -> Path:
    WORK.mkdir(parents=True, exist_ok=True)
    p = WORK / f"claims_{n_claims}_{n_sources}_{n_objects}.csv"
    if not p.exists():
        pacsv.write_csv(make_claims(n_claims, n_sources, n_objects), p)
    return p


# ------------------------------------------------------------------ the peer, driven through its API
def peer_dataset(table: pa.Table):  # type: ignore[no-untyped-def]
    import truthdiscovery as td

    items = zip(table["object"].to_pylist(), table["attribute"].to_pylist(), strict=True)
    triples = zip(table["source"].to_pylist(), items, table["value"].to_pylist(), strict=True)
    return td.Dataset(triples, allow_multiple=True)


def peer_truths(result) -> dict:  # type: ignore[no-untyped-def]
    return {var: next(result.get_most_believed_values(var)) for var in result.belief}


def peer_algorithm(name: str):  # type: ignore[no-untyped-def]
    import truthdiscovery as td

    return getattr(td, name)()


def peer_end_to_end(path: Path, algo_name: str, out: Path) -> float:
    t = time.perf_counter()
    table = pacsv.read_csv(path)
    data = peer_dataset(table)
    res = peer_algorithm(algo_name).run(data)
    truths = peer_truths(res)
    with open(out, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["object", "attribute", "value", "confidence"])
        for (o, a), v in truths.items():
            w.writerow([o, a, v, res.belief[(o, a)][v]])
    return time.perf_counter() - t


def ours_end_to_end(path: Path, make, out: Path) -> float:  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    cm = ClaimMatrix.read(path, normalizer=identity_key)
    est = make().fit(cm)
    write_table(est.truth_table(), out)
    return time.perf_counter() - t


def run_size(n_claims: int, peer: bool) -> None:
    n_sources, n_objects = max(10, min(1000, n_claims // 100)), max(10, n_claims // 10)
    path = claims_file(n_claims, n_sources, n_objects)
    table = pacsv.read_csv(path)
    t = time.perf_counter()
    cm = ClaimMatrix.from_table(table, normalizer=identity_key)
    ours_build = time.perf_counter() - t
    print(f"\n== {cm.n_claims:,} claims, {cm.n_sources:,} sources, {cm.n_items:,} items, "
          f"{cm.n_cands:,} candidate values")
    data = None
    if peer:
        t = time.perf_counter()
        data = peer_dataset(table)
        peer_build = time.perf_counter() - t
        print(f"build: ours {ours_build:.2f} s   peer {peer_build:.2f} s   ratio {peer_build / ours_build:.1f}x")
    else:
        print(f"build: ours {ours_build:.2f} s")
    print(f"{'method':18s} {'ours s':>8s} {'peer s':>8s} {'peer/ours':>9s} {'same truths':>11s}")
    for name, make, peer_name in SHARED:
        t = time.perf_counter()
        est = make().fit(cm)
        ours = time.perf_counter() - t
        if not peer:
            print(f"{name:18s} {ours:8.3f}")
            continue
        dense_gib = 3 * 8 * data.num_claims ** 2 / 2**30
        if peer_name == "CRH" and dense_gib > 2:
            print(f"{name:18s} {ours:8.3f} {'skipped':>8s}  (peer CRH needs ~{dense_gib:,.0f} GiB of dense "
                  f"{data.num_claims:,}² matrices)")
            continue
        t = time.perf_counter()
        res = peer_algorithm(peer_name).run(data)
        theirs = time.perf_counter() - t
        pt = peer_truths(res)
        mine = dict(zip(zip(cm.item_object, cm.item_attribute, strict=True), est.truths_, strict=True))
        same = np.mean([pt[k] == v for k, v in mine.items()])
        print(f"{name:18s} {ours:8.3f} {theirs:8.3f} {theirs / ours:8.1f}x {same:11.2%}")


def run_end_to_end(n_claims: int, repeats: int) -> None:
    n_sources, n_objects = min(1000, n_claims // 100), n_claims // 10
    path = claims_file(n_claims, n_sources, n_objects)
    print(f"\n== end to end, claims CSV in → truths CSV out ({n_claims:,} claims requested; median of "
          f"{repeats} alternating runs each, min–max in brackets; load average {os.getloadavg()[0]:.1f})")
    print(f"{'method':18s} {'ours s':>16s} {'peer s':>16s} {'peer/ours':>9s}")
    for name, make, peer_name in SHARED:
        if peer_name == "CRH":
            continue
        ours, theirs = [], []
        for _ in range(repeats):  # alternate, so both sides see the same machine state
            ours.append(ours_end_to_end(path, make, WORK / "ours_truths.csv"))
            theirs.append(peer_end_to_end(path, peer_name, WORK / "peer_truths.csv"))
        o, p = float(np.median(ours)), float(np.median(theirs))
        print(f"{name:18s} {o:5.2f} [{min(ours):.2f}–{max(ours):.2f}] {p:5.2f} [{min(theirs):.2f}–{max(theirs):.2f}] "
              f"{p / o:8.1f}x")


def run_scale(n_claims: int) -> None:
    path = claims_file(n_claims, 1000, n_claims // 10)
    print(f"\n== scale: {n_claims:,} claims, 1,000 sources, {n_claims // 10:,} objects, `sevenfold fuse` in a child "
          "process (wall time, peak RSS)")
    for method in ("truthfinder", "accu"):
        out = WORK / f"scale_{method}.csv"
        code = ("import resource,sys,time;from sevenfold.cli import main;t=time.perf_counter();"
                f"rc=main(['fuse',{str(path)!r},'--method',{method!r},'--exact','--out',{str(out)!r}]);"
                "u=resource.getrusage(resource.RUSAGE_SELF);"
                "print('WALL',time.perf_counter()-t,'CPU',u.ru_utime+u.ru_stime,'RSS',u.ru_maxrss);"
                "sys.exit(rc)")
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        t = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
        wall = time.perf_counter() - t
        line = [x for x in proc.stdout.splitlines() if x.startswith("WALL")]
        if proc.returncode != 0 or not line:
            print(f"{method}: failed rc={proc.returncode} {proc.stderr[-500:]}")
            continue
        fields = line[0].split()
        rss_gib = int(fields[-1]) * 1024 / 2**30
        cpu = float(fields[3])
        print(f"{method:12s} end to end {wall:6.1f} s wall (process incl. interpreter start), {cpu:6.1f} s CPU, "
              f"peak RSS {rss_gib:.2f} GiB; target < 60 s and < 8 GiB: "
              f"{'met' if wall < 60 and rss_gib < 8 else 'NOT met'}; load average {os.getloadavg()[0]:.1f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", nargs="*", type=float, default=[1e4, 1e5, 1e6])
    ap.add_argument("--no-peer", action="store_true")
    ap.add_argument("--no-scale", action="store_true")
    ap.add_argument("--scale-claims", type=float, default=1e7)
    ap.add_argument("--repeats", type=int, default=3, help="end-to-end runs per side (the median is reported)")
    args = ap.parse_args()
    peer = not args.no_peer
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, {os.cpu_count()} cpu(s)")
    for n in args.sizes:
        run_size(int(n), peer)
    if peer and args.sizes:
        run_end_to_end(int(max(args.sizes)), args.repeats)
    if not args.no_scale:
        run_scale(int(args.scale_claims))
    print(f"\npeak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20:.2f} GiB")


if __name__ == "__main__":
    main()
