"""CLI start-up against its floor: `sevenfold --help` and `sevenfold validate` of a small case, next to
the time Python takes to import Typer and Rich (the libraries every invocation needs).

Runs the three commands in turn, ROUNDS times (side by side, so machine load hits all of them alike),
and prints each median wall time and its ratio to the Typer+Rich floor. The target is a ratio <= 4.

    .venv/bin/python benchmarks/cli_startup.py [--rounds 5] [--max-ratio 4]

Exit 1 when a ratio is above --max-ratio. Each run also lists which heavy libraries the command
imported (none should: they load inside the commands that need them).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SMALL_CASE = """\
format: sevenfold/1
case: {id: c1, title: T, question: Q, as_of: 1937-03-01}
actors: [{id: german-intelligence, name: German intelligence}]
sources:
  - {id: zarubin, name: Vasilii Zarubin, track_record: {confirmed: 12, refuted: 1}}
reports:
  - {id: r1, source: zarubin, date: 1936-12-15, text: Obtained a memorandum,
     claims: [{object: memo, attribute: authentic, value: true}]}
hypotheses:
  - {id: genuine, statement: genuine, prior: 0.5}
  - {id: plant, statement: plant, deception_by: german-intelligence, prior: 0.5}
ratings:
  - {report: r1, hypothesis: genuine, consistency: C}
  - {report: r1, hypothesis: plant, consistency: C}
"""

HEAVY = ("scipy", "sqlalchemy", "networkx", "numpy", "pyarrow", "duckdb", "psycopg", "pandas", "stix2",
         "followthemoney", "fastapi", "matplotlib", "weasyprint")


def sevenfold_command() -> list[str]:
    script = Path(sys.executable).with_name("sevenfold")
    if script.exists():
        return [str(script)]
    found = shutil.which("sevenfold")
    return [found] if found else [sys.executable, "-m", "sevenfold"]


# bytecode is cached as an installed wheel has it (the warm-up run writes it even where the shell
# sets PYTHONDONTWRITEBYTECODE, so edited sources are not recompiled in every timed run)
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def wall(cmd: list[str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=ENV)
    dt = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr.strip()[:500]}")
    return dt, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)


def heavy_imports(argv: list[str], src: Path | None = None) -> list[str]:
    """The heavy top-level packages that running ``sevenfold ARGV`` imports."""
    prefix = f"import sys; sys.path.insert(0, {str(src.resolve())!r})\n" if src is not None else ""
    code = (prefix + "import sys\nfrom sevenfold.cli import main\n"
            "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
            "print('\\n'.join(sorted({m.split('.')[0] for m in sys.modules})), file=sys.stderr)")
    proc = subprocess.run([sys.executable, "-c", code, *argv], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True)
    return [m for m in proc.stderr.split() if m in HEAVY]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--max-ratio", type=float, default=4.0)
    ap.add_argument("--src", type=Path, help="Time the sevenfold package in this source folder (e.g. an older "
                    "version from `git archive`) instead of the installed one.")
    args = ap.parse_args()
    sf = sevenfold_command()
    if args.src is not None:
        sf = [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(args.src.resolve())!r}); "
              "from sevenfold.cli import main; sys.exit(main())"]
    with tempfile.TemporaryDirectory() as tmp:
        case = Path(tmp) / "small.yaml"
        case.write_text(SMALL_CASE, encoding="utf-8")
        commands = {
            "python -c 'import typer, rich'": [sys.executable, "-c", "import typer, rich"],
            "sevenfold --help": [*sf, "--help"],
            "sevenfold validate small.yaml": [*sf, "validate", str(case)],
        }
        for cmd in commands.values():  # warm the file cache and the bytecode
            wall(cmd)
        times: dict[str, list[float]] = {k: [] for k in commands}
        cpu: dict[str, list[float]] = {k: [] for k in commands}
        for _ in range(args.rounds):
            for name, cmd in commands.items():
                w, c = wall(cmd)
                times[name].append(w)
                cpu[name].append(c)
        loaded = {"sevenfold --help": heavy_imports(["--help"], args.src),
                  "sevenfold validate small.yaml": heavy_imports(["validate", str(case)], args.src)}
    base = "python -c 'import typer, rich'"
    floor, cpu_floor = statistics.median(times[base]), statistics.median(cpu[base])
    print(f"median of {args.rounds} runs (interleaved), python {sys.version.split()[0]}, "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    worst = 0.0
    for name, ts in times.items():
        med, cmed = statistics.median(ts), statistics.median(cpu[name])
        ratio = med / floor
        extra = ""
        if name in loaded:
            worst = max(worst, ratio)
            extra = f"   heavy imports: {', '.join(loaded[name]) or 'none'}"
        print(f"  {name:34s} wall {med * 1000:7.1f} ms  ratio {ratio:4.2f}   "
              f"cpu {cmed * 1000:7.1f} ms  ratio {cmed / cpu_floor:4.2f}{extra}")
    print(f"worst wall ratio {worst:.2f} (target <= {args.max_ratio:g}; the CPU ratio is the steadier "
          "figure on a busy machine)")
    return 0 if worst <= args.max_ratio else 1


if __name__ == "__main__":
    sys.exit(main())
