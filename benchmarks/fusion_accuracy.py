"""Accuracy of every sevenfold fusion method on the real truth-discovery datasets, with baselines.

    .venv/bin/python benchmarks/fusion_accuracy.py                  # book, flight, population, synth
    .venv/bin/python benchmarks/fusion_accuracy.py book --no-peer   # one dataset, ours only

Data: /work/shared/data/truth-discovery/ (override with SEVENFOLD_TD_DATA); see its README.
Normalisation (same on claims and gold): sevenfold.fusion.datasets. Accuracy = share of gold items
(covered by at least one source) whose fused value has the same normalised key as the gold value.
The PyPI `truthdiscovery` package runs on exactly the same de-duplicated, normalised claims (its
default schedules); its CRH is skipped where its dense candidates² matrices would exceed 2 GiB.
All methods run with default parameters; nothing is tuned per dataset. ECE and Brier score the
reported confidence of the chosen value against whether it is right (sevenfold.calibration).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from sevenfold.fusion import METHODS, ClaimMatrix, accuracy, make_method  # noqa: E402
from sevenfold.fusion.datasets import LOADERS  # noqa: E402

DATA = Path(os.environ.get("SEVENFOLD_TD_DATA", "/work/shared/data/truth-discovery"))
PEER = ["MajorityVoting", "Sums", "AverageLog", "Investment", "PooledInvestment", "TruthFinder", "CRH"]


def peer_rows(cm: ClaimMatrix, gold, norm) -> list[tuple[str, float, float, str]]:  # type: ignore[no-untyped-def]
    import truthdiscovery as td

    t = time.perf_counter()
    data = td.Dataset(zip(cm.source_labels[cm.claim_source].tolist(), cm.claim_item.tolist(),
                          cm.claim_cand.tolist(), strict=True), allow_multiple=True)
    build = time.perf_counter() - t
    rows = []
    for name in PEER:
        gib = 3 * 8 * data.num_claims ** 2 / 2**30
        if name == "CRH" and gib > 2:
            note = f"skipped: dense {data.num_claims:,}² ≈ {gib:,.0f} GiB"
            rows.append((f"peer {name}", float("nan"), float("nan"), note))
            continue
        t = time.perf_counter()
        res = getattr(td, name)().run(data)
        secs = time.perf_counter() - t
        idx = np.zeros(cm.n_items, dtype=np.int64)
        for item, beliefs in res.belief.items():  # the peer's result is a dict per item
            idx[item] = max(beliefs.items(), key=lambda kv: kv[1])[0]
        fake = SimpleNamespace(claims_=cm, truths_=cm.cand_value[idx])
        rows.append((f"peer {name}", accuracy(fake, gold, norm).accuracy, secs, f"(+{build:.1f} s dataset build)"))
    return rows


def evaluate(name: str, peer: bool) -> None:
    t = time.perf_counter()
    claims, gold, norm = LOADERS[name](DATA / name)
    cm = ClaimMatrix.from_table(claims, normalizer=norm, missing="drop", origin=name)
    print(f"\n== {name}: {cm.n_claims:,} claims ({cm.n_duplicates_dropped:,} repeated statements dropped, latest "
          f"kept; {cm.n_missing_dropped:,} empty), {cm.n_sources:,} sources, {cm.n_items:,} items, "
          f"{gold.num_rows:,} gold items; loaded in {time.perf_counter() - t:.1f} s")
    print(f"{'method':24s} {'accuracy':>9s} {'correct':>13s} {'iter':>5s} {'stop':>12s} {'seconds':>8s} "
          f"{'ECE':>6s} {'Brier':>6s}")
    best = ("", -1.0)
    for method in METHODS:
        t = time.perf_counter()
        est = make_method(method).fit(cm)
        secs = time.perf_counter() - t
        a = accuracy(est, gold, norm)
        best = max(best, (method, a.accuracy), key=lambda x: x[1])
        print(f"{method:24s} {a.accuracy:9.4f} {a.correct:6d}/{a.evaluated:<6d} {est.n_iter_:5d} "
              f"{est.stop_reason_:>12s} {secs:8.2f} {a.ece:6.3f} {a.brier:6.3f}", flush=True)
    print(f"best sevenfold: {best[0]} {best[1]:.4f}")
    if peer:
        for label, acc, secs, note in peer_rows(cm, gold, norm):
            print(f"{label:24s} {acc:9.4f} {'':13s} {'':5s} {'':>12s} {secs:8.2f} {note}", flush=True)


def evaluate_synth(peer: bool, seeds: range = range(5)) -> None:
    """The issue's copier setting: 20 honest sources, 5 copiers copying 50 % of one, a clique of 6
    repeating a poor source (sevenfold.synth defaults), 1,000 items, five seeds."""
    from sevenfold.synth import claims_scenario

    accs: dict[str, list[float]] = {}
    eces: dict[str, list[float]] = {}
    prec, rec = [], []
    for seed in seeds:
        sc = claims_scenario(seed=seed)
        cm = ClaimMatrix.from_table(sc.claims)
        for method in METHODS:
            est = make_method(method).fit(cm)
            a = accuracy(est, sc.gold)
            accs.setdefault(method, []).append(a.accuracy)
            eces.setdefault(method, []).append(a.ece)
            if method == "accu-copy":
                found = {frozenset((p.copier, p.original)) for p in est.copy_pairs(0.5)}
                truth = sc.dependent_pairs()
                prec.append(len(found & truth) / max(len(found), 1))
                rec.append(len(found & truth) / max(len(truth), 1))
        if peer:
            for label, acc, _, _ in peer_rows(cm, sc.gold, None):
                accs.setdefault(label, []).append(acc)
    print(f"\n== synth (copiers + clique), seeds {seeds.start}..{seeds.stop - 1}: mean accuracy [min, max]"
          ", mean ECE of the confidences")
    for name, vals in accs.items():
        ece = f"  ECE {np.mean(eces[name]):.3f}" if name in eces else ""
        print(f"{name:24s} {np.mean(vals):9.4f}  [{min(vals):.4f}, {max(vals):.4f}]{ece}")
    print(f"copy detection (accu-copy, dependence >= 0.5, unordered pairs incl. co-copiers): "
          f"precision {np.mean(prec):.3f} [{min(prec):.3f}], recall {np.mean(rec):.3f} [{min(rec):.3f}]")
    margin = np.mean(accs["accu-copy"]) - np.mean(accs["majority-voting"])
    best_peer = max((np.mean(v), k) for k, v in accs.items() if k.startswith("peer"))if peer else None
    print(f"accu-copy − majority-voting: {margin * 100:+.1f} points"
          + (f"; best peer method {best_peer[1]} {best_peer[0]:.4f}" if best_peer else ""))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("datasets", nargs="*", default=[*LOADERS, "synth"])
    ap.add_argument("--no-peer", action="store_true")
    args = ap.parse_args()
    for name in args.datasets:
        if name == "synth":
            evaluate_synth(not args.no_peer)
        else:
            evaluate(name, not args.no_peer)


if __name__ == "__main__":
    main()
