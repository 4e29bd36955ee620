"""Citation parser benchmark: throughput on the seed and linear time on 1 MB pathological strings.

Run: .venv/bin/python benchmarks/cite_bench.py [--size 1000000] [--notes 100000] [--cli-only] [--rounds 3]
     [--phases]

For each pathological shape the audit runs on 100 kB and on 1 MB of it; a linear-time parser takes about
10x longer on 10x the text (the "ratio" column). The peer measured in the same run is the seed paper
audited as ordinary text, reported as characters per second, so the pathological throughput can be
compared with normal throughput on the same machine. Fixed inputs, no randomness.

The end-to-end part runs `sevenfold cite audit` (table and --json) in a fresh process on 100,000 notes or
citations: Ibid. x 100,000 on one line, 100,000 numbered notes, 100,000 mixed archive/book notes; the peers
are `sevenfold --help` (start-up alone) and, per input, the floor: a Python process that merely reads and
splits the file (the "CPU/floor" ratios). Target: each under 3 s. ``--phases`` adds where the time goes
(read and extract, parse, resolve, runs, JSON, write, free), in CPU seconds.
"""

from __future__ import annotations

import argparse
import itertools
import time
from pathlib import Path

from sevenfold.cite import audit

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "tests" / "cite" / "fixtures" / "seed_000_ce50222c185dd762.txt"


def shapes(n: int) -> dict[str, str]:
    def rep(unit: str) -> str:
        return (unit * (n // len(unit) + 1))[:n]

    return {
        "asterisks": rep("*"),
        "open quotes": rep("“"),
        "straight quotes": rep('"'),
        "open parens": rep("("),
        "f. f. f.": rep("f. "),
        "archive+fond": rep("RGASPI, f. 1, "),
        "digit-dash": rep("1–"),
        "Ibid. x N": rep("Ibid. "),
        "initials": rep("A. B. "),
        "citation-ish": rep("See A. Smith, “T,” *J*, 1990, p. 1 and "),
        "(Place, Year)": rep("*a* (Moscow, 2003), "),
        "superscripts": rep("¹"),
        "note lines": rep("¹²" + "x" * 50 + "\n"),
        "md notes": rep("[^1]: Kershaw, p. 1.\n"),
    }


def timed(text: str) -> float:
    t = time.perf_counter()
    audit("¹" + text + "\n\n²Ibid.")
    return time.perf_counter() - t


UNIT = ["NARA, RG 242, T-175, roll 409, frames 2345–2350.", "Ibid., frames 2351–2352.",
        "BArch-MA, RH 2/2901, Bl. 45–47.", "Ibid., Bl. 48.", "RGASPI, f. 17, op. 162, d. 21, l. 45.",
        "Ibid., l. 47.", "Ian Kershaw, *Hitler* (London, 1998), p. 5.", "Ibid., p. 9."]
TARGET_S = 3.0


def scale_inputs(tmp: Path, n: int) -> list[tuple[str, Path]]:
    """The three end-to-end inputs of n notes / citations (fixed, no randomness)."""
    one_line = tmp / "ibid_one_line.txt"
    one_line.write_text("1. " + "Ibid. " * n + "\n", encoding="utf-8")
    lines = tmp / "ibid_lines.txt"
    lines.write_text("1. Kershaw, *Hitler* (London, 1998), p. 5.\n"
                     + "".join(f"{i}. Ibid., p. {i}.\n" for i in range(2, n + 1)), encoding="utf-8")
    mixed = tmp / "archives.txt"
    mixed.write_text("".join(f"{i}. {UNIT[(i - 1) % len(UNIT)]}\n" for i in range(1, n + 1)), encoding="utf-8")
    return [("Ibid. x n on one line", one_line), ("n numbered Ibid. notes", lines),
            ("n mixed archive/book notes", mixed)]


# the floor: a fresh Python process that reads the file, decodes it and splits it into lines (what any
# reader of the file must do at least), in the same run, on the same file
FLOOR = "import sys; t = open(sys.argv[1], 'rb').read().decode('utf-8'); t.split('\\n')"


def cli_scale(n: int, rounds: int = 1) -> None:
    """`sevenfold cite audit` end to end (a fresh process, output to /dev/null) on n notes / citations.

    Peers in the same run: `sevenfold --help` (start-up alone) and, per input, the floor (a Python process
    that reads and splits the file); ratios are CPU times over the floor's. Target: < 3 s for 100,000.
    """
    import os
    import subprocess
    import sys
    import tempfile

    exe = [sys.executable, "-m", "sevenfold"] if not (Path(sys.executable).parent / "sevenfold").exists() \
        else [str(Path(sys.executable).parent / "sevenfold")]
    env = dict(os.environ, COLUMNS="120")

    def run(args: list[str]) -> tuple[float, float]:
        """(wall, CPU) seconds of one process; CPU time is what a busy shared machine does not inflate."""
        import resource

        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        with open(os.devnull, "w") as null:
            subprocess.run(args, stdout=null, stderr=subprocess.DEVNULL, env=env, check=False)
        wall = time.perf_counter() - t
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return wall, cpu

    def best(args: list[str]) -> tuple[float, float]:
        got = [run(args) for _ in range(rounds)]
        return min(w for w, _ in got), min(c for _, c in got)

    with tempfile.TemporaryDirectory() as tmp:
        inputs = scale_inputs(Path(tmp), n)
        base = min(run([*exe, "--help"]) for _ in range(3))
        print(f"\npeer: sevenfold --help (start-up): wall {base[0]:.2f} s, CPU {base[1]:.2f} s "
              f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; best of {rounds})")
        print(f"{'input (' + format(n, ',') + ')':28s} {'floor CPU':>9s} {'table wall/CPU s':>17s} "
              f"{'--json wall/CPU s':>18s} {'CPU/floor':>10s}  target < {TARGET_S:.0f} s")
        for label, path in inputs:
            floor = best([sys.executable, "-c", FLOOR, str(path)])
            tw, tc = best([*exe, "cite", "audit", str(path)])
            jw, jc = best([*exe, "cite", "audit", str(path), "--json"])
            ok = "ok" if max(tw, jw) < TARGET_S else ("ok (CPU)" if max(tc, jc) < TARGET_S else "SLOW")
            print(f"{label:28s} {floor[1]:9.2f} {tw:8.2f} /{tc:6.2f}  {jw:8.2f} /{jc:6.2f}  "
                  f"{tc / floor[1]:4.0f}x/{jc / floor[1]:3.0f}x  {ok}")


def phases(n: int) -> None:
    """Where the time of `cite audit --json` goes, phase by phase (CPU seconds, in this process; start-up
    is a fresh `sevenfold cite audit` of one note). The peer is the floor: reading and splitting the file."""
    import gc
    import os
    import subprocess
    import sys
    import tempfile

    from sevenfold.cite.audit import audit_notes, notes_from_raw
    from sevenfold.cite.inputs import read_notes
    from sevenfold.cite.models import AuditResult
    from sevenfold.cite.resolve import resolve, single_source_runs
    from sevenfold.gc_pause import gc_paused

    exe = [str(Path(sys.executable).parent / "sevenfold")]
    clock = time.process_time
    with tempfile.TemporaryDirectory() as tmp:
        one = Path(tmp) / "one.txt"
        one.write_text("1. " + UNIT[0] + "\n", encoding="utf-8")
        import resource

        starts = []
        for _ in range(3):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            subprocess.run([*exe, "cite", "audit", str(one), "--json"], stdout=subprocess.DEVNULL, check=False)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            starts.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        print(f"\nstart-up (cite audit of one note, fresh process): CPU {min(starts):.2f} s")
        names = ["floor: read+split", "read+extract notes", "parse citations", "resolve", "single-source runs",
                 "JSON (to bytes)", "write", "free"]
        print(f"{'input (' + format(n, ',') + ')':28s} " + " ".join(f"{h:>10.10s}" for h in names[1:])
              + f" {'total':>7s} {'/floor':>7s}")
        for label, path in scale_inputs(Path(tmp), n):
            t0 = clock()
            path.read_bytes().decode("utf-8").split("\n")
            floor = clock() - t0
            data = path.read_bytes()
            marks = [clock()]
            with gc_paused():
                doc = read_notes(data, str(path))
                marks.append(clock())
                notes = notes_from_raw(doc.notes)
                marks.append(clock())
                works = resolve(notes)
                marks.append(clock())
                single_source_runs(notes, works)
                marks.append(clock())
                result = audit_notes(notes_from_raw(doc.notes), doc.style, doc.format)  # the whole, for output
            t = clock()
            out = AuditResult.__pydantic_serializer__.to_json(result, exclude={"works": {"__all__": {"citation"}}})
            marks.append(clock() - t + marks[-1])
            t = clock()
            with open(os.devnull, "wb") as null:
                null.write(out)
            marks.append(clock() - t + marks[-1])
            t = clock()
            del result, notes, works, doc, out
            gc.collect()
            marks.append(clock() - t + marks[-1])
            steps = [b - a for a, b in itertools.pairwise(marks)]
            total = sum(steps) + min(starts)
            print(f"{label:28s} " + " ".join(f"{x:10.2f}" for x in steps) + f" {total:7.2f} {total / floor:6.0f}x"
                  f"   (floor {floor:.3f} s)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=1_000_000)
    ap.add_argument("--notes", type=int, default=100_000, help="notes/citations for the end-to-end CLI runs")
    ap.add_argument("--cli-only", action="store_true", help="only the end-to-end CLI runs")
    ap.add_argument("--rounds", type=int, default=1, help="runs of each CLI command; the best is shown")
    ap.add_argument("--phases", action="store_true", help="also where the time goes, phase by phase")
    args = ap.parse_args()
    if args.cli_only:
        cli_scale(args.notes, args.rounds)
        if args.phases:
            phases(args.notes)
        return
    seed = SEED.read_text(encoding="utf-8")
    t = time.perf_counter()
    reps = 5
    for _ in range(reps):
        r = audit(seed)
    seed_s = (time.perf_counter() - t) / reps
    seed_rate = len(seed) / seed_s
    print(f"peer: seed audit, {len(seed):,} chars, {len(r.footnotes)} notes, {len(r.works)} works: "
          f"{seed_s * 1000:.1f} ms  ({seed_rate / 1e3:,.0f} k chars/s)")
    small = args.size // 10
    print(f"{'shape':18s} {small // 1000:>5d} kB s  {args.size // 1000:>5d} kB s  ratio  k chars/s  vs seed")
    worst = 0.0
    for name, s in shapes(args.size).items():
        t_small = timed(s[:small])
        t_big = timed(s)
        rate = args.size / t_big
        worst = max(worst, t_big)
        print(f"{name:18s} {t_small:10.3f} {t_big:10.3f} {t_big / max(t_small, 1e-6):6.1f} {rate / 1e3:10,.0f} "
              f"{rate / seed_rate:7.2f}x")
    print(f"slowest {args.size // 1000} kB shape: {worst:.2f} s")
    cli_scale(args.notes, args.rounds)
    if args.phases:
        phases(args.notes)


if __name__ == "__main__":
    main()
