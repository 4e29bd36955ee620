"""Speed and exactness of the deception budget (fixed seeds).

Run: .venv/bin/python benchmarks/deception_budget.py

1. The 500-report × 20-hypothesis case of benchmarks/assess_speed.py, with suspected control added:
   the whole assessment including the budget must take < 200 ms (target, issue 19); printed with the
   budget's own share and the ratio to the target.
2. Exactness: on generated cases (sevenfold.synth) with at most 12 informative origins, the budget
   equals the brute-force minimum over every subset of origins.
"""

from __future__ import annotations

import time

import numpy as np
from assess_speed import best_of, big_case

from sevenfold.ach import assess_case
from sevenfold.ach.budget import brute_force_budget, deception_budget
from sevenfold.ach.engine import OriginCombiner
from sevenfold.ach.evidence import build_evidence, log_likelihoods, pooled, safe_log
from sevenfold.model import Source
from sevenfold.provenance import origin_groups
from sevenfold.synth.cases import generate_case

TARGET_MS = 200.0


def with_suspicion(case):  # type: ignore[no-untyped-def]
    sources = [Source.model_validate({**s.model_dump(exclude_none=True),
                                      "suspected_control": {"by": f"a{k % 3}", "p": 0.3}})
               if k % 7 == 3 else s for k, s in enumerate(case.sources)]
    return case.model_copy(update={"sources": sources})


def main() -> None:
    case = with_suspicion(big_case())
    assess_case(case, detail=False)  # warm-up
    full = best_of(lambda: assess_case(case, detail=False))
    detailed = best_of(lambda: assess_case(case), repeat=3)
    a = assess_case(case, detail=False)
    ev = build_evidence(case, origins=None, fusion_trust=None, copy_pairs=[])
    comb = OriginCombiner(pooled(log_likelihoods(ev), ev.rated), ev.origin_index, len(ev.origins), safe_log(ev.prior))
    top = ev.hyp_ids.index(a.top) if a.top else 0
    budget_only = best_of(lambda: deception_budget(comb.contrib, safe_log(ev.prior), top), repeat=20)
    with open("/proc/loadavg") as fh:
        load = fh.read().split()[0]
    b = a.deception_budget
    print(f"case: {len(ev.report_ids)} reports x {ev.n_hyp} hypotheses, {len(ev.origins)} origins; load average {load}")
    print(f"budget: {b.size if b else None} origin(s) {b.origins if b else []} -> {b.flips_to if b else None}")
    print(f"{'':44s}{'wall':>9s}{'cpu':>9s}")
    print(f"{'assessment incl. budget (detail=False)':44s}{full[0] * 1000:7.1f}ms{full[1] * 1000:7.1f}ms  "
          f"target < {TARGET_MS:.0f} ms; ratio to target {full[1] * 1000 / TARGET_MS:.2f} (cpu), "
          f"{full[0] * 1000 / TARGET_MS:.2f} (wall)")
    label = "full assessment (+ sensitivity, verify-next)"
    print(f"{label:44s}{detailed[0] * 1000:7.1f}ms{detailed[1] * 1000:7.1f}ms  "
          f"ratio to target {detailed[1] * 1000 / TARGET_MS:.2f} (cpu)")
    print(f"{'deception budget alone':44s}{budget_only[0] * 1000:7.2f}ms{budget_only[1] * 1000:7.2f}ms")

    t0 = time.perf_counter()
    checked = equal = 0
    for seed in range(300):
        sc = generate_case(seed, adversarial=seed % 2 == 0)
        origins = origin_groups(sc.case)
        res = assess_case(sc.case, origins=origins, detail=False)
        ev = build_evidence(sc.case, origins=origins, fusion_trust=None, copy_pairs=[])
        comb = OriginCombiner(pooled(log_likelihoods(ev), ev.rated), ev.origin_index, len(ev.origins),
                              safe_log(ev.prior))
        informative = np.flatnonzero(np.abs(comb.contrib).max(axis=1) > 0)
        if res.top is None or informative.size > 12:
            continue
        checked += 1
        want = brute_force_budget(comb.contrib[informative], safe_log(ev.prior), ev.hyp_ids.index(res.top))
        equal += int(res.deception_budget is not None and res.deception_budget.size == want)
    print(f"exactness: {equal} of {checked} generated cases with <= 12 informative origins equal the brute-force "
          f"minimum ({time.perf_counter() - t0:.1f}s)")


if __name__ == "__main__":
    main()
