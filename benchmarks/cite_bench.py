"""Citation parser benchmark: throughput on the seed and linear time on 1 MB pathological strings.

Run: .venv/bin/python benchmarks/cite_bench.py [--size 1000000]

For each pathological shape the audit runs on 100 kB and on 1 MB of it; a linear-time parser takes about
10x longer on 10x the text (the "ratio" column). The peer measured in the same run is the seed paper
audited as ordinary text, reported as characters per second, so the pathological throughput can be
compared with normal throughput on the same machine. Fixed inputs, no randomness.
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=1_000_000)
    args = ap.parse_args()
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


if __name__ == "__main__":
    main()
