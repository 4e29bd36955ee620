"""ACCU-COPY's starts: which answer each start reaches, its discounted log-likelihood, and what is kept.

    .venv/bin/python benchmarks/accu_copy_starts.py            # every data set below, then sweep, outnumbered
    .venv/bin/python benchmarks/accu_copy_starts.py sweep      # one

With its vote discounts fixed, ACCU-COPY's accuracy loop can settle in different fixed points from
different starting accuracies. For every start alone (``AccuCopy(starts=(name,))``) this prints the
accuracy against the gold and the discounted log-likelihood of where it settles; then the default
(``starts=("agreement", "accu")``, ``select="first"``: the agreement start's answer, with the share of
items on which the copy-unaware start disagrees) and ``select="likelihood"`` (the likelier one kept).

``flight-gates`` is the Flight data with a stricter gate normalisation (placeholders such as "--",
"TBA" or "NOT PROVIDED BY AIRLINE" are no claim; "TERMINAL 8 - 42" → "42"; "G/T" → "G"; punctuation
dropped), on claims and gold alike: a perturbation test (it tips the agreement start from 0.91 to 0.75).
It is not the normalisation of the accuracy table (benchmarks/fusion_accuracy.py).

``sweep`` is the synthetic copier scenario with 8 to 30 honest sources (5 seeds each): where the
likelihood selection keeps the clique's answer, which is why it is not the default.

``outnumbered`` is case-sized: four honest sources against a poor source and 1–8 copies of it (exact,
95 % or 80 % copies), with and without exact duplicates entering the truth-free fit once
(``group_duplicates``).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from sevenfold.fusion import (  # noqa: E402
    AccuCopy,
    ClaimMatrix,
    MajorityVoting,
    accuracy,
    datasets,
)
from sevenfold.fusion.methods.accu import STARTS  # noqa: E402
from sevenfold.synth import claims_scenario  # noqa: E402

DATA = Path(os.environ.get("SEVENFOLD_TD_DATA", "/work/shared/data/truth-discovery"))
PLACEHOLDERS = ["TBA", "TBD", "CHK", "NA", "NOTPROVIDEDBYAIRLINE"]


def strict_gate_key(arr: pa.Array) -> pa.Array:
    """Gates with placeholders as missing and terminal prefixes, "/T" suffixes and punctuation removed."""
    a = pc.utf8_upper(pc.utf8_trim_whitespace(arr))
    for pattern in (r"^GATE\s*", r"^TERMINAL\s*\S+\s*-\s*", r"/T$", r"[^A-Z0-9]"):
        a = pc.replace_substring_regex(a, pattern, "")
    none = pc.or_(pc.equal(a, ""), pc.is_in(a, pa.array(PLACEHOLDERS)))
    none = pc.or_(none, pc.match_substring_regex(a, "^TERMINAL"))
    return pc.if_else(none, pa.scalar(None, pa.string()), a)


def load(name: str) -> tuple[ClaimMatrix, pa.Table, object]:
    if name == "flight-gates":
        default = datasets.flight_gate_key
        datasets.flight_gate_key = strict_gate_key  # the loader looks the key up at call time
        try:
            claims, gold, norm = datasets.load_flight(DATA / "flight")
        finally:
            datasets.flight_gate_key = default
    else:
        claims, gold, norm = datasets.LOADERS[name](DATA / name)
    return ClaimMatrix.from_table(claims, normalizer=norm, missing="drop", origin=name), gold, norm


def report(label: str, cm: ClaimMatrix, gold: pa.Table, norm: object) -> None:
    mv = accuracy(MajorityVoting().fit(cm), gold, norm)
    print(f"\n== {label}: {cm.n_claims:,} claims, {cm.n_sources:,} sources, {cm.n_items:,} items; "
          f"{mv.evaluated:,} gold items scored; majority voting {mv.accuracy:.4f}")
    print(f"{'starts':22s} {'select':>10s} {'accuracy':>9s} {'log-likelihood (discounted)':>28s} {'kept':>10s} "
          f"{'others differ on':>17s} {'iter':>5s} {'seconds':>8s}")
    runs = [((s,), "first") for s in STARTS] + [(AccuCopy().starts, "first"), (AccuCopy().starts, "likelihood")]
    for starts, select in runs:
        t = time.perf_counter()
        est = AccuCopy(starts=starts, select=select).fit(cm)
        secs = time.perf_counter() - t
        a = accuracy(est, gold, norm).accuracy
        differ = ", ".join(f"{v:.1%}" for v in est.start_disagreement_.values()) or "-"
        print(f"{'+'.join(starts):22s} {select:>10s} {a:9.4f} {est.log_likelihood_:28,.1f} {est.start_:>10s} "
              f"{differ:>17s} {est.n_iter_total_:5d} {secs:8.2f}", flush=True)


def sweep(seeds: range = range(5)) -> None:
    """Default vs likelihood selection vs majority voting as the honest sources thin out."""
    print(f"\n== sweep: synthetic copiers + clique, honest sources 8..30, seeds {seeds.start}..{seeds.stop - 1}")
    print(f"{'honest':>6s} {'likelihood keeps accu':>22s} {'default':>8s} {'likelihood':>10s} {'voting':>7s} "
          f"{'accu differs on':>16s}")
    for n_honest in (8, 10, 12, 15, 20, 30):
        kept, acc_first, acc_like, acc_mv, differ = 0, [], [], [], []
        for seed in seeds:
            sc = claims_scenario(seed=seed, n_honest=n_honest)
            cm = ClaimMatrix.from_table(sc.claims)
            first = AccuCopy().fit(cm)
            like = AccuCopy(select="likelihood").fit(cm)
            kept += like.start_ == "accu"
            acc_first.append(accuracy(first, sc.gold).accuracy)
            acc_like.append(accuracy(like, sc.gold).accuracy)
            acc_mv.append(accuracy(MajorityVoting().fit(cm), sc.gold).accuracy)
            differ.append(first.start_disagreement_["accu"])
        print(f"{n_honest:6d} {f'{kept}/{len(seeds)}':>22s} {np.mean(acc_first):8.4f} {np.mean(acc_like):10.4f} "
              f"{np.mean(acc_mv):7.4f} {np.mean(differ):16.1%}", flush=True)


def outnumbered(seeds: range = range(10), n_items: int = 40) -> None:
    """Case-sized: four honest sources (one always right, three right 85 %) against a poor source (right
    30 %) and k sources copying it, each value copied with the given share (else their own 30 % guess).
    Counts the seeds in which ACCU-COPY trusts the poor source more than the always-right one, with and
    without exact duplicates entering the truth-free fit once, and those the start check flags (> 1 %)."""
    import pyarrow as pa

    print(f"\n== outnumbered: 4 honest sources vs a poor source and k copies, {n_items} items, "
          f"{len(seeds)} seeds")
    print(f"{'copied':>6s} {'copies':>6s} {'wrong, one fit per source':>26s} {'wrong, duplicates once':>23s} "
          f"{'flagged':>8s}")
    for share in (1.0, 0.95, 0.8):
        for k in (1, 2, 3, 4, 5, 8):
            wrong_old = wrong_new = flagged = 0
            for seed in seeds:
                rng = np.random.default_rng(seed)
                rows = []
                for i in range(n_items):
                    item = f"item{i}"
                    rows.append(("alpha", item, "true"))
                    rows += [(h, item, "true" if rng.random() < 0.85 else f"wrong{rng.integers(5)}")
                             for h in ("beta", "epsilon", "zeta")]
                    poor = "true" if rng.random() < 0.3 else f"wrong{rng.integers(5)}"
                    rows.append(("gamma", item, poor))
                    for c in range(k):
                        own = "true" if rng.random() < 0.3 else f"wrong{rng.integers(5)}"
                        rows.append((f"copy{c}", item, poor if rng.random() < share else own))
                cm = ClaimMatrix.from_table(pa.table({
                    "source": [r[0] for r in rows], "object": [r[1] for r in rows],
                    "attribute": ["v"] * len(rows), "value": [r[2] for r in rows]}))
                lab = list(cm.source_labels)
                for group, est in ((False, AccuCopy(group_duplicates=False)), (True, AccuCopy())):
                    trust = est.fit(cm).source_trust_
                    wrong = trust[lab.index("gamma")] > trust[lab.index("alpha")]
                    wrong_old += wrong and not group
                    wrong_new += wrong and group
                flagged += est.start_disagreement_["accu"] > 0.01
            print(f"{share:6.0%} {k:6d} {f'{wrong_old}/{len(seeds)}':>26s} {f'{wrong_new}/{len(seeds)}':>23s} "
                  f"{f'{flagged}/{len(seeds)}':>8s}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("datasets", nargs="*",
                    default=["book", "flight", "flight-gates", "population", "synth", "sweep", "outnumbered"])
    args = ap.parse_args()
    for name in args.datasets:
        if name == "sweep":
            sweep()
        elif name == "outnumbered":
            outnumbered()
        elif name == "synth":
            for seed in range(5):
                sc = claims_scenario(seed=seed)
                report(f"synth seed {seed} (copiers + a clique repeating a poor source)",
                       ClaimMatrix.from_table(sc.claims), sc.gold, None)
        else:
            cm, gold, norm = load(name)
            report(name, cm, gold, norm)


if __name__ == "__main__":
    main()
