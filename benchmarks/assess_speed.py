"""Speed of the Bayesian ACH engine on a 500-report × 20-hypothesis case (fixed seed).

Run: .venv/bin/python benchmarks/assess_speed.py

Targets (issue 5): posterior and per-report results < 50 ms; sensitivity + verify-next < 1 s.
Peer measured in the same run: Heuer's inconsistency count on the same case.
"""

from __future__ import annotations

import time

import numpy as np

from sevenfold.ach import assess_case, inconsistency_scores
from sevenfold.model import Actor, Case, CaseMeta, Hypothesis, Rating, Report, Source, TrackRecord

N_REPORTS, N_HYP, N_SOURCES, SEED = 500, 20, 60, 20261129


def big_case(seed: int = SEED) -> Case:
    rng = np.random.default_rng(seed)
    actors = [Actor(id=f"a{j}") for j in range(3)]
    hyps = [Hypothesis(id=f"h{j}", statement=f"answer number {j} to the question, variant {j * 7}")
            for j in range(N_HYP - 3)]
    hyps += [Hypothesis(id=f"d{j}", statement=f"deception run by actor {j}", deception_by=f"a{j}") for j in range(3)]
    sources = []
    for s in range(N_SOURCES):
        extra: dict = {}
        if s % 10 == 0:
            extra["controlled_by"] = f"a{s % 3}"
        elif s % 10 == 5:
            extra["compromised_since"] = "1935-06"
        sources.append(Source(id=f"s{s}", track_record=TrackRecord(confirmed=int(rng.integers(0, 12)),
                                                                  refuted=int(rng.integers(0, 4))), **extra))
    modalities = ["observation", "document", "hearsay", "assessment", "intercept", "official_statement"]
    reports = []
    for i in range(N_REPORTS):
        derived = [f"r{int(rng.integers(0, i))}"] if i > 0 and rng.random() < 0.1 else []
        reports.append(Report(id=f"r{i}", source=f"s{int(rng.integers(0, N_SOURCES))}",
                              date=f"19{30 + int(rng.integers(0, 7))}-0{1 + int(rng.integers(0, 9))}",
                              modality=modalities[int(rng.integers(0, len(modalities)))], derived_from=derived))
    scale = np.array(["CC", "C", "N", "I", "II"])
    grades = rng.choice(scale, size=(N_REPORTS, N_HYP), p=[0.05, 0.2, 0.5, 0.2, 0.05])
    ratings = [Rating(report=f"r{i}", hypothesis=hyps[h].id, consistency=str(grades[i, h]))
               for i in range(N_REPORTS) for h in range(N_HYP)]
    return Case(case=CaseMeta(id="speed", as_of="1937-01-01"), actors=actors, sources=sources, reports=reports,
                hypotheses=hyps, ratings=ratings)


def best_of(fn, repeat: int = 7) -> tuple[float, float]:
    """Best wall-clock and best CPU time (the CPU figure is less disturbed by other jobs on the machine)."""
    wall, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return min(wall), min(cpu)


def main() -> None:
    case = big_case()
    assess_case(case, detail=False)  # warm-up (imports, caches)
    core = best_of(lambda: assess_case(case, detail=False))
    full = best_of(lambda: assess_case(case), repeat=3)
    heuer = best_of(lambda: inconsistency_scores(case))
    with open("/proc/loadavg") as fh:
        load = fh.read().split()[0]
    print(f"case: {N_REPORTS} reports x {N_HYP} hypotheses, {N_SOURCES} sources, {len(case.ratings)} ratings; "
          f"load average {load}")
    print(f"{'':44s}{'wall':>9s}{'cpu':>9s}")

    def line(label: str, t: tuple[float, float], extra: str = "") -> None:
        print(f"{label:44s}{t[0] * 1000:7.1f}ms{t[1] * 1000:7.1f}ms  {extra}")

    line("heuer inconsistency count (peer)", heuer)
    line("bayes-ach posterior + per-report results", core,
         f"target < 50 ms; ratio to heuer {core[1] / heuer[1]:.1f}x (cpu)")
    line("bayes-ach full (+ sensitivity, verify-next)", full)
    line("sensitivity + verify-next alone", (full[0] - core[0], full[1] - core[1]), "target < 1000 ms")


if __name__ == "__main__":
    main()
