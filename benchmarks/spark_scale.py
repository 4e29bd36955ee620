"""Fusion at scale: the NumPy backend against the Spark backend, claims file in → truths file out.

    .venv/bin/python benchmarks/spark_scale.py                                   # 1 M … 100 M claims
    .venv/bin/python benchmarks/spark_scale.py --sizes 1e6,3e6 --methods truthfinder --max-iter 5 --timeout 900

Data: a seeded synthetic claims table written to Parquet in chunks with pyarrow (never whole in memory),
cached under benchmarks/out/data/ by size, seed and number of sources: ``--sources`` sources (1,000),
``claims / 10`` items (attribute ``value``), each item stated by 10 distinct sources; each source has an
accuracy drawn uniformly from [0.55, 0.95] and, when wrong, states one of 10 false values uniformly.

Each (size, method, backend) runs in its own child process, with a wall-clock ``--timeout``:
* numpy: ``read_claims`` → ``ClaimMatrix.from_table`` → ``fit`` → ``write_table`` (Parquet). Memory is the
  child's peak resident set size (``getrusage(RUSAGE_SELF).ru_maxrss``), i.e. everything NumPy, pyarrow
  and Python held at the worst moment. The child's address space is capped (``--numpy-mem-limit``) so
  a size that does not fit fails with MemoryError instead of pushing a shared machine into swap/OOM.
* spark: ``sevenfold.fusion.spark.fit_path`` (read, fuse and write wholly in Spark, local mode, Parquet
  out). Memory is the peak resident set size of the driver JVM (in local mode the executors run inside
  it) sampled every 0.25 s from /proc, next to the Python driver's own peak RSS; the JVM heap cap is
  ``spark.driver.memory`` = ``--driver-memory`` (exported as SEVENFOLD_SPARK_DRIVER_MEMORY), and Spark
  may spill shuffles to SEVENFOLD_SPARK_TMP / spark.local.dir. JVM start-up is timed separately and
  not included in the Spark seconds.
Seconds are the child's wall time from opening the claims file to the truths file being written.

Once a run for a backend and method exceeds the timeout (or fails, e.g. out of memory), larger sizes of
that backend and method are skipped, and the output says so. Results are appended to
benchmarks/out/spark_scale.jsonl (``--reuse`` takes matching earlier results instead of re-running);
the tables, the crossover and benchmarks/out/spark_scale.png are built from them. The load average of
the machine (shared with other jobs) is recorded with every run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
DATA = OUT / "data"
RESULTS = OUT / "spark_scale.jsonl"
METHODS = ["majority-voting", "truthfinder", "average-log", "investment", "accu"]
CLAIMS_PER_ITEM = 10
N_FALSE = 10
CHUNK_ITEMS = 500_000  # 5 M claims per Parquet chunk


# ----------------------------------------------------------------------------- data
def claims_path(n_claims: int, seed: int, n_sources: int) -> Path:
    return DATA / f"claims_n{n_claims}_seed{seed}_src{n_sources}.parquet"


def generate(n_claims: int, seed: int, n_sources: int) -> Path:
    """Write (once) ``n_claims`` claims to Parquet, chunk by chunk; vectorised NumPy + pyarrow compute."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    path = claims_path(n_claims, seed, n_sources)
    if path.exists():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    k = CLAIMS_PER_ITEM
    if n_sources < k:
        raise SystemExit(f"--sources must be at least {k}")
    n_items = max(1, n_claims // k)
    rng = np.random.default_rng(seed)
    accuracy = rng.uniform(0.55, 0.95, size=n_sources)
    labels = pa.array([f"src{j:05d}" for j in range(n_sources)])
    values = pa.array(["t"] + [f"f{j}" for j in range(1, N_FALSE + 1)])
    attribute = pa.array(["value"])
    max_step = max(1, (n_sources - 1) // (k - 1))  # k * step < n_sources: the k sources of an item differ
    schema = pa.schema([("source", pa.string()), ("object", pa.string()), ("attribute", pa.string()),
                        ("value", pa.string())])
    tmp = path.with_suffix(".tmp")
    started = time.perf_counter()
    with pq.ParquetWriter(tmp, schema, compression="snappy") as writer:
        for lo in range(0, n_items, CHUNK_ITEMS):
            hi = min(n_items, lo + CHUNK_ITEMS)
            m = hi - lo
            offset = rng.integers(0, n_sources, size=m)
            step = rng.integers(1, max_step + 1, size=m)
            src = ((offset[:, None] + np.arange(k)[None, :] * step[:, None]) % n_sources).ravel()
            right = rng.random(src.size) < accuracy[src]
            val = np.where(right, 0, rng.integers(1, N_FALSE + 1, size=src.size))
            objects = pc.binary_join_element_wise(
                "o", pc.cast(pa.array(np.arange(lo, hi, dtype=np.int64)), pa.string()), "")
            item = np.repeat(np.arange(m), k)
            writer.write_table(pa.table({
                "source": pc.take(labels, pa.array(src)),
                "object": pc.take(objects, pa.array(item)),
                "attribute": pc.take(attribute, pa.array(np.zeros(src.size, dtype=np.int64))),
                "value": pc.take(values, pa.array(val)),
            }, schema=schema), row_group_size=1_000_000)
    os.replace(tmp, path)
    print(f"generated {n_items * k:,} claims → {path} in {time.perf_counter() - started:.1f} s "
          f"({path.stat().st_size / 2**20:.0f} MiB)", flush=True)
    return path


# ----------------------------------------------------------------------------- child runs
def _estimator(method: str, max_iter: int | None) -> Any:
    sys.path.insert(0, str(ROOT / "src"))
    from sevenfold.fusion import make_method

    params: dict[str, Any] = {}
    if max_iter is not None and method != "majority-voting":
        params["max_iter"] = max_iter
    return make_method(method, **params)


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    stat = fh.read()
                if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                    out.append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    return out


class _JvmSampler(threading.Thread):
    """Peak RSS of this process's child processes (the driver JVM), sampled from /proc."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_kib = 0
        self.stop = threading.Event()
        self.pids: list[int] = []

    def run(self) -> None:
        while not self.stop.is_set():
            if not self.pids:
                self.pids = _children(os.getpid())
            self.peak_kib = max(self.peak_kib, sum(_rss_kib(p) for p in self.pids))
            self.stop.wait(0.25)


def child(args: argparse.Namespace) -> None:
    est = _estimator(args.method, args.max_iter)
    result: dict[str, Any] = {}
    if args.backend == "numpy":
        if args.numpy_mem_limit:
            cap = int(args.numpy_mem_limit * 2**30)
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        from sevenfold.fusion import ClaimMatrix, read_claims, write_table

        t0 = time.perf_counter()
        table = read_claims(args.claims)
        cm = ClaimMatrix.from_table(table, origin=args.claims)
        del table
        t1 = time.perf_counter()
        est.fit(cm)
        t2 = time.perf_counter()
        write_table(est.truth_table(), args.out)
        t3 = time.perf_counter()
        result.update(seconds=t3 - t0, read_s=t1 - t0, fit_s=t2 - t1, write_s=t3 - t2,
                      n_iter=est.n_iter_, stop_reason=est.stop_reason_, items=cm.n_items,
                      peak_rss_mib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    else:
        from sevenfold.fusion.spark import fit_path, spark_session, stop_session

        sampler = _JvmSampler()
        sampler.start()
        t0 = time.perf_counter()
        spark = spark_session()
        t1 = time.perf_counter()
        summary = fit_path(est, args.claims, args.out)
        t2 = time.perf_counter()
        conf = spark.sparkContext.getConf()
        result.update(seconds=t2 - t1, startup_s=t1 - t0, n_iter=summary["n_iter"],
                      stop_reason=summary["stop_reason"],
                      driver_memory=conf.get("spark.driver.memory"),
                      shuffle_partitions=spark.conf.get("spark.sql.shuffle.partitions"),
                      master=conf.get("spark.master"))
        sampler.stop.set()
        sampler.join()
        result.update(jvm_peak_rss_mib=sampler.peak_kib / 1024,
                      py_peak_rss_mib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        stop_session()
    print("RESULT " + json.dumps(result), flush=True)


# ----------------------------------------------------------------------------- parent
def run_one(size: int, method: str, backend: str, path: Path, args: argparse.Namespace) -> dict[str, Any]:
    out = OUT / "truths" / f"{backend}_{method}_n{size}.parquet"
    out.parent.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, __file__, "_child", "--backend", backend, "--method", method,
           "--claims", str(path), "--out", str(out), "--numpy-mem-limit", str(args.numpy_mem_limit)]
    if args.max_iter is not None:
        cmd += ["--max-iter", str(args.max_iter)]
    env = dict(os.environ, SEVENFOLD_SPARK_DRIVER_MEMORY=args.driver_memory,
               PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    if args.partitions:
        env["SEVENFOLD_SPARK_PARTITIONS"] = str(args.partitions)
    rec: dict[str, Any] = {"size": size, "method": method, "backend": backend, "seed": args.seed,
                           "sources": args.sources, "max_iter": args.max_iter, "timeout": args.timeout,
                           "numpy_mem_limit_gib": args.numpy_mem_limit if backend == "numpy" else None,
                           "load_before": [round(x, 2) for x in os.getloadavg()],
                           "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=args.timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the child and its JVM, nothing else
        proc.communicate()
        rec.update(status="timeout", wall_s=time.perf_counter() - started)
    else:
        rec["wall_s"] = time.perf_counter() - started
        line = next((x for x in stdout.splitlines() if x.startswith("RESULT ")), None)
        if proc.returncode == 0 and line:
            rec.update(status="ok", **json.loads(line[len("RESULT "):]))
        else:
            tail = (stderr.strip().splitlines() or ["(no output)"])[-1]
            rec.update(status="failed", error=tail[:300], returncode=proc.returncode)
    rec["load_after"] = [round(x, 2) for x in os.getloadavg()]
    with open(RESULTS, "a") as fh:
        fh.write(json.dumps(rec) + "\n")
    return rec


def _same(rec: dict[str, Any], size: int, method: str, backend: str, args: argparse.Namespace) -> bool:
    return (rec["size"], rec["method"], rec["backend"], rec["seed"], rec["sources"], rec["max_iter"]) == \
        (size, method, backend, args.seed, args.sources, args.max_iter)


def _mib(x: float | None) -> str:
    return "—" if x is None else (f"{x / 1024:.1f} GiB" if x >= 1024 else f"{x:.0f} MiB")


def _cell(rec: dict[str, Any] | None) -> str:
    if rec is None:
        return "not run"
    if rec["status"] == "ok":
        return f"{rec['seconds']:.1f}"
    return "timeout" if rec["status"] == "timeout" else "failed"


def _linear(records: list[dict[str, Any]], method: str, backend: str) -> tuple[float, float, str, float] | None:
    """Least-squares ``seconds = a + k * claims`` (and memory per claim) over the completed runs."""
    ok = {r["size"]: r for r in records if r["method"] == method and r["backend"] == backend and r["status"] == "ok"}
    if len(ok) < 2:
        return None
    x = np.array(sorted(ok), dtype=float)
    y = np.array([ok[int(n)]["seconds"] for n in x])
    k, a = np.polyfit(x, y, 1)
    key = "peak_rss_mib" if backend == "numpy" else "jvm_peak_rss_mib"
    m = np.array([ok[int(n)].get(key) or 0.0 for n in x])
    mem = float(np.polyfit(x, m, 1)[0]) if m.all() else 0.0
    return float(a), float(k), "peak RSS" if backend == "numpy" else "JVM peak RSS", mem


def report(records: list[dict[str, Any]], sizes: list[int], methods: list[str], backends: list[str],
           notes: list[str]) -> None:
    print()
    for method in methods:
        print(f"== {method} ==")
        print(f"{'claims':>12} {'numpy s':>9} {'spark s':>9} {'spark/numpy':>11} {'numpy peak RSS':>15} "
              f"{'spark JVM peak RSS':>19} {'(heap cap)':>10} {'iters':>6} {'load 1-min':>11}")
        first_win = None
        for size in sizes:
            got = {b: next((r for r in reversed(records) if r["size"] == size and r["method"] == method
                            and r["backend"] == b), None) for b in backends}
            n, s = got.get("numpy"), got.get("spark")
            ratio = (f"{s['seconds'] / n['seconds']:.1f}x" if n and s and n["status"] == s["status"] == "ok"
                     else "—")
            if first_win is None and s and s["status"] == "ok" and (
                    not n or n["status"] != "ok" or s["seconds"] < n["seconds"]):
                first_win = (size, "faster" if n and n["status"] == "ok" else "numpy did not complete")
            iters = next((str(r["n_iter"]) for r in (n, s) if r and r["status"] == "ok"), "—")
            load = "/".join(f"{r['load_before'][0]:.1f}" for r in (n, s) if r)
            print(f"{size:>12,} {_cell(n):>9} {_cell(s):>9} {ratio:>11} "
                  f"{_mib(n.get('peak_rss_mib') if n else None):>15} "
                  f"{_mib(s.get('jvm_peak_rss_mib') if s else None):>19} "
                  f"{(s.get('driver_memory') or '—') if s else '—':>10} {iters:>6} {load:>11}")
        fits = {b: _linear(records, method, b) for b in backends}
        for b, fit in fits.items():
            if fit:
                a, k, key, mem = fit
                print(f"{b} fit over completed runs: {a:.1f} s + {k * 1e6:.2f} s per million claims; "
                      f"at 100 M claims ≈ {a + k * 1e8:,.0f} s" + (f"; peak memory ≈ {mem * 1e6:.0f} MiB per "
                                                                    f"million claims ({key})" if mem else ""))
        if fits.get("numpy") and fits["numpy"][3]:
            total = int(Path("/proc/meminfo").read_text().split()[1]) / 1024
            print(f"numpy would need ≈ {fits['numpy'][3] * 1e8 / 1024:.0f} GiB at 100 M claims; this machine has "
                  f"{total / 1024:.0f} GiB, so NumPy stops fitting near {total / fits['numpy'][3]:,.0f} claims")
        if "numpy" in backends and "spark" in backends:
            if first_win:
                print(f"crossover: Spark first wins at {first_win[0]:,} claims ({first_win[1]})")
            else:
                print("crossover: none observed within the sizes run — NumPy was faster at every size "
                      "where both completed (Spark pays a fixed cost per job and shuffles through one "
                      "local JVM on the same cores; it pays off only once NumPy no longer fits in memory "
                      "or on a cluster with more cores)")
        print()
    latest = {(r["size"], r["method"], r["backend"]): r for r in records}
    for r in latest.values():
        if r["status"] != "ok" and r["method"] in methods:
            cap = (f" (address space capped at {r['numpy_mem_limit_gib']:g} GiB)"
                   if r["backend"] == "numpy" and r.get("numpy_mem_limit_gib") else "")
            print(f"{r['backend']} {r['method']} {r['size']:,}: {r['status']}{cap}"
                  + (f" — {r.get('error')}" if r.get("error") else f" after {r['wall_s']:.0f} s"))
    for note in notes:
        print(note)
    plot(records, sizes, methods, backends)


def plot(records: list[dict[str, Any]], sizes: list[int], methods: list[str], backends: list[str]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(methods), figsize=(4.2 * len(methods), 3.8), squeeze=False)
    for ax, method in zip(axes[0], methods, strict=True):
        for backend, style in (("numpy", "o-"), ("spark", "s--")):
            if backend not in backends:
                continue
            pts = [(r["size"], r["seconds"]) for size in sizes for r in records[::-1]
                   if r["size"] == size and r["method"] == method and r["backend"] == backend
                   and r["status"] == "ok"][:]
            seen: dict[int, float] = {}
            for x, y in pts:
                seen.setdefault(x, y)
            if seen:
                xs = sorted(seen)
                ax.plot(xs, [seen[x] for x in xs], style, label=backend)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(method)
        ax.set_xlabel("claims")
        ax.set_ylabel("seconds (file in → truths out)")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
    load = os.getloadavg()[0]
    fig.suptitle(f"sevenfold fusion: NumPy vs Spark local mode, {os.cpu_count()} cores "
                 f"(load {load:.1f} at plot time)")
    fig.tight_layout()
    png = OUT / "spark_scale.png"
    fig.savefig(png, dpi=110)
    print(f"plot: {png}")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_child":
        p = argparse.ArgumentParser()
        p.add_argument("_child")
        p.add_argument("--backend", required=True)
        p.add_argument("--method", required=True)
        p.add_argument("--claims", required=True)
        p.add_argument("--out", required=True)
        p.add_argument("--max-iter", type=int)
        p.add_argument("--numpy-mem-limit", type=float, default=0)
        child(p.parse_args())
        return
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="1e6,3e6,1e7,3e7,1e8", help="claims per run, comma-separated")
    p.add_argument("--methods", default=",".join(METHODS))
    p.add_argument("--backends", default="numpy,spark")
    p.add_argument("--max-iter", type=int, default=10, help="iteration cap for iterative methods (10)")
    p.add_argument("--timeout", type=float, default=1800, help="seconds per run before it is killed (1800)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--sources", type=int, default=1000)
    p.add_argument("--driver-memory", default=os.environ.get("SEVENFOLD_SPARK_DRIVER_MEMORY", "12g"))
    p.add_argument("--partitions", type=int, default=0,
                   help="SEVENFOLD_SPARK_PARTITIONS for the Spark runs (0: the backend's default)")
    p.add_argument("--numpy-mem-limit", type=float, default=16, help="GiB address-space cap of a NumPy run")
    p.add_argument("--reuse", action="store_true", help="take earlier results from spark_scale.jsonl")
    p.add_argument("--report-only", action="store_true", help="print tables and plot from earlier results")
    args = p.parse_args()
    sizes = [int(float(x)) for x in args.sizes.split(",")]
    methods = [m.strip() for m in args.methods.split(",")]
    backends = [b.strip() for b in args.backends.split(",")]
    OUT.mkdir(parents=True, exist_ok=True)
    earlier = [json.loads(x) for x in RESULTS.read_text().splitlines()] if RESULTS.exists() else []
    print(f"host: {os.cpu_count()} cores, load average {os.getloadavg()}, "
          f"MemTotal {Path('/proc/meminfo').read_text().split()[1]} kB; spark driver memory "
          f"{args.driver_memory}; max_iter {args.max_iter}; timeout {args.timeout:.0f} s; seed {args.seed}",
          flush=True)
    records: list[dict[str, Any]] = []
    notes: list[str] = []
    if args.report_only:
        records = [r for r in earlier if r["seed"] == args.seed and r["sources"] == args.sources
                   and r["max_iter"] == args.max_iter]
        report(records, sizes, methods, backends, notes)
        return
    given_up: dict[tuple[str, str], int] = {}
    for size in sizes:
        path = generate(size, args.seed, args.sources)
        for method in methods:
            for backend in backends:
                if (backend, method) in given_up:
                    notes.append(f"skipped {backend} {method} at {size:,} claims: the "
                                 f"{given_up[(backend, method)]:,}-claim run did not complete within the "
                                 f"timeout ({args.timeout:.0f} s) or failed")
                    continue
                rec = next((r for r in reversed(earlier) if _same(r, size, method, backend, args)
                            and r["status"] == "ok"), None) if args.reuse else None
                if rec is None:
                    rec = run_one(size, method, backend, path, args)
                records.append(rec)
                print(f"{size:>12,} {method:<16} {backend:<6} {_cell(rec):>8} s  "
                      + (f"(n_iter {rec['n_iter']}, load {rec['load_before'][0]})" if rec["status"] == "ok"
                         else f"({rec.get('error') or rec['status']})"), flush=True)
                if rec["status"] != "ok":
                    given_up[(backend, method)] = size
    report(records, sizes, methods, backends, notes)


if __name__ == "__main__":
    main()
