"""The pictures' layout at scale: time to lay out the provenance graph and the timeline, their size,
and a check that no two boxes overlap, for planted-origin cases of 100, 500 and 2,000 reports.

    .venv/bin/python benchmarks/pictures_bench.py [--sizes 100 500 2000] [--seed 1]

The peer is the assessment of the same case (run_assessment), measured in the same run.
"""

from __future__ import annotations

import argparse
import itertools
import time

from sevenfold import api
from sevenfold.figures import provenance_figure, timeline_figure
from sevenfold.pipeline import run_assessment
from sevenfold.provenance.synth import planted_origin_case


def overlaps(fig) -> int:  # type: ignore[no-untyped-def]
    boxes = sorted((n for n in fig.nodes if n.kind != "origin"), key=lambda n: (n.x, n.y))
    count = 0
    for a, b in itertools.combinations(boxes, 2):
        if b.x >= a.x + a.w:  # b starts right of a's right edge: they cannot touch
            continue
        count += a.overlaps(b)
    return count


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 500, 2000])
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    for n in args.sizes:
        case = planted_origin_case(n, seed=args.seed).case
        t0 = time.perf_counter()
        a = run_assessment(case)
        t1 = time.perf_counter()
        links = api.origins(case, detect_copies=True).merges
        t2 = time.perf_counter()
        fig = provenance_figure(case, a, links=links)
        t3 = time.perf_counter()
        tl = timeline_figure(case)
        t4 = time.perf_counter()
        lanes = max((m.lane for m in tl.marks), default=-1) + 1
        ratio = (t4 - t1) / (t1 - t0)
        print(f"{n:5d} reports: assessment {1000 * (t1 - t0):7.1f} ms | origin links {1000 * (t2 - t1):6.1f} ms, "
              f"graph layout {1000 * (t3 - t2):6.1f} ms ({fig.width:.0f} x {fig.height:.0f} px, "
              f"{len(fig.nodes)} boxes, {len(fig.edges)} lines, overlaps {overlaps(fig)}), "
              f"timeline {1000 * (t4 - t3):5.1f} ms "
              f"({len(tl.marks)} marks in {lanes} lanes) | pictures / assessment = {ratio:.2f}")


if __name__ == "__main__":
    main()
