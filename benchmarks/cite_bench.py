"""Citation parser benchmark: throughput on the seed and linear time on 1 MB pathological strings.

Run: .venv/bin/python benchmarks/cite_bench.py [--size 1000000] [--notes 100000] [--cli-only]

For each pathological shape the audit runs on 100 kB and on 1 MB of it; a linear-time parser takes about
10x longer on 10x the text (the "ratio" column). The peer measured in the same run is the seed paper
audited as ordinary text, reported as characters per second, so the pathological throughput can be
compared with normal throughput on the same machine. Fixed inputs, no randomness.

The end-to-end part runs `sevenfold cite audit` (table and --json) in a fresh process on 100,000 notes or
citations: Ibid. x 100,000 on one line, 100,000 numbered notes, 100,000 mixed archive/book notes; the peer
is `sevenfold --help` (start-up alone). Target: each under 3 s.
"""

from __future__ import annotations

import argparse
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


def cli_scale(n: int) -> None:
    """`sevenfold cite audit` end to end (a fresh process, output to /dev/null) on n notes / citations.

    Peer in the same run: `sevenfold --help` (start-up alone). Target: < 3 s for 100,000.
    """
    import os
    import subprocess
    import sys
    import tempfile

    exe = [sys.executable, "-m", "sevenfold"] if not (Path(sys.executable).parent / "sevenfold").exists() \
        else [str(Path(sys.executable).parent / "sevenfold")]
    with tempfile.TemporaryDirectory() as tmp:
        one_line = Path(tmp) / "ibid_one_line.txt"
        one_line.write_text("1. " + "Ibid. " * n + "\n", encoding="utf-8")
        lines = Path(tmp) / "ibid_lines.txt"
        lines.write_text("1. Kershaw, *Hitler* (London, 1998), p. 5.\n"
                         + "".join(f"{i}. Ibid., p. {i}.\n" for i in range(2, n + 1)), encoding="utf-8")
        mixed = Path(tmp) / "archives.txt"
        unit = ["NARA, RG 242, T-175, roll 409, frames 2345–2350.", "Ibid., frames 2351–2352.",
                "BArch-MA, RH 2/2901, Bl. 45–47.", "Ibid., Bl. 48.", "RGASPI, f. 17, op. 162, d. 21, l. 45.",
                "Ibid., l. 47.", "Ian Kershaw, *Hitler* (London, 1998), p. 5.", "Ibid., p. 9."]
        mixed.write_text("".join(f"{i}. {unit[(i - 1) % len(unit)]}\n" for i in range(1, n + 1)), encoding="utf-8")
        env = dict(os.environ, COLUMNS="120")

        def run(args: list[str]) -> tuple[float, float]:
            """(wall, CPU) seconds of one process; CPU time is what a busy shared machine does not inflate."""
            import resource

            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            with open(os.devnull, "w") as null:
                subprocess.run(exe + args, stdout=null, stderr=subprocess.DEVNULL, env=env, check=False)
            wall = time.perf_counter() - t
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            return wall, cpu

        base = min(run(["--help"]) for _ in range(3))
        print(f"\npeer: sevenfold --help (start-up): wall {base[0]:.2f} s, CPU {base[1]:.2f} s "
              f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
        print(f"{'input (' + format(n, ',') + ')':30s} {'table wall/CPU s':>17s} {'--json wall/CPU s':>18s}  "
              f"target < 3 s")
        for label, path in (("Ibid. x n on one line", one_line), ("n numbered Ibid. notes", lines),
                            ("n mixed archive/book notes", mixed)):
            tw, tc = run(["cite", "audit", str(path)])
            jw, jc = run(["cite", "audit", str(path), "--json"])
            ok = "ok" if max(tw, jw) < 3.0 else ("ok (CPU)" if max(tc, jc) < 3.0 else "SLOW")
            print(f"{label:30s} {tw:8.2f} /{tc:6.2f}  {jw:8.2f} /{jc:6.2f}     {ok}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=1_000_000)
    ap.add_argument("--notes", type=int, default=100_000, help="notes/citations for the end-to-end CLI runs")
    ap.add_argument("--cli-only", action="store_true", help="only the end-to-end CLI runs")
    args = ap.parse_args()
    if args.cli_only:
        cli_scale(args.notes)
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
    cli_scale(args.notes)


if __name__ == "__main__":
    main()
