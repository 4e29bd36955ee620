"""Population scored by the rule of Waguih & Berti-Equille's evaluation, for a matched comparison.

    .venv/bin/python benchmarks/population_dafna_rule.py                 # every method (a few minutes)
    .venv/bin/python benchmarks/population_dafna_rule.py truthfinder investment

Waguih & Berti-Equille, "Truth discovery algorithms: an experimental evaluation" (arXiv 1409.6428),
quote TruthFinder at 87 % on this Population data. Their released code (DAFNA-EA; read in repository
daqcri/DAFNA-EA, classes DataQualityMeasurments, DataSet, DataComparator, VoterQualityMeasures) does
not score exact values. These are its rules as we read them, reimplemented here:

* Values that parse as integers are numbers. "Not Available" and empty claims are dropped, and gold
  rows without claims are skipped, which leaves 301 gold values.
* Per item, the tolerance is 1 % of the median of the item's claimed values (commons-math's default
  percentile). The dominant value is the first value stated by the most distinct sources.
* Claims are grouped into buckets in file order. A claim joins the first bucket whose range
  (min, max] holds it. Otherwise it opens a new bucket on a grid of width `tolerance` centred on the
  dominant value.
* The methods vote on buckets. An item is right when the gold value lies in the chosen bucket's range
  (min, max]. Exactly one bucket is chosen per item, so their precision, TP / (TP + FP), is the share
  of the 301 gold values scored right.

Checks printed first: the port reproduces their dataset page (49,955 claims, 1.041 values per item,
301 gold values) and their "precision of dominant value" 0.8073 (243 / 301, exact values). Three
scores are printed for each method:

* our exact-match accuracy;
* their rule, applied to our method run on their buckets (each claim relabelled with its bucket);
* their rule, applied to our ordinary fit (the bucket holding the value we chose).

The methods are ours, not their implementations, so tie-breaking and stopping differ. The paper's
table itself could not be read here (docs/fusion.md, Published figures).
"""

from __future__ import annotations

import csv
import math
import os
import sys
import time
from pathlib import Path

import pyarrow as pa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from sevenfold.fusion import METHODS, ClaimMatrix, accuracy, make_method  # noqa: E402
from sevenfold.fusion.datasets import LOADERS  # noqa: E402
from sevenfold.fusion.normalize import ValueNormalizer, identity_key  # noqa: E402

DATA = Path(os.environ.get("SEVENFOLD_TD_DATA", "/work/shared/data/truth-discovery")) / "population"
TOLERANCE_FACTOR = 0.01  # of the item's median claimed value


def median(values: list[float]) -> float:
    """commons-math's default (legacy) 50th percentile: position (n + 1) / 2, interpolated."""
    s = sorted(values)
    n = len(s)
    pos = (n + 1) / 2
    if n == 1 or pos < 1:
        return s[0]
    if pos >= n:
        return s[-1]
    low = math.floor(pos)
    return s[low - 1] + (pos - low) * (s[low] - s[low - 1])


def grid_cell(value: float, centre: float, width: float) -> tuple[float, float]:
    """The cell (min, max] of a grid of ``width`` centred on ``centre`` that holds ``value``."""
    if width == 0:
        return value, value
    lo, hi = centre - abs(width) / 2, centre + abs(width) / 2
    if value >= centre:
        while value >= hi:
            lo, hi = hi, hi + abs(width)
    else:
        while value <= lo:
            lo, hi = lo - abs(width), lo
    return lo, hi


def read_items() -> dict[tuple[str, str], list[tuple[str, int]]]:
    """Claims per item, in file order: ``(object, property) -> [(source, value)]``."""
    items: dict[tuple[str, str], list[tuple[str, int]]] = {}
    with open(DATA / "population_claims.csv", newline="") as f:
        for r in csv.DictReader(f):
            v = r["PropertyValue"]
            if v == "Not Available" or not v.strip():
                continue
            items.setdefault((r["ObjectID"], r["PropertyID"]), []).append((r["SourceID"], int(v)))
    return items


def read_gold(items: dict) -> dict[tuple[str, str], int]:
    gold = {}
    with open(DATA / "population_truth.csv", newline="") as f:
        for r in csv.DictReader(f):
            key = (r["ObjectID"], r["PropertyID"])
            if key in items:
                gold[key] = int(r["PropertyValue"])
    return gold


def buckets_of(claims: list[tuple[str, int]]) -> tuple[int, list[tuple[float, float]], list[int]]:
    """Dominant value, bucket ranges and each claim's bucket, for one item's claims."""
    sources: dict[int, set[str]] = {}
    for s, v in claims:
        sources.setdefault(v, set()).add(s)
    dominant = max(sources, key=lambda v: len(sources[v]))  # first of the most-stated (dicts keep order)
    width = TOLERANCE_FACTOR * median([float(v) for _, v in claims])
    ranges: list[tuple[float, float]] = []
    member = []
    for _s, v in claims:
        x = float(v)
        hit = next((b for b, (lo, hi) in enumerate(ranges) if lo < x <= hi), None)
        if hit is None:
            ranges.append(grid_cell(x, float(dominant), width))
            hit = len(ranges) - 1
        member.append(hit)
    return dominant, ranges, member


def main() -> None:
    t = time.perf_counter()
    items = read_items()
    gold = read_gold(items)
    built = {k: buckets_of(c) for k, c in items.items()}
    n = len(gold)
    distinct = sum(len({v for _, v in c}) for c in items.values()) / len(items)
    dominant_right = sum(built[k][0] == g for k, g in gold.items())
    print(f"{len(items):,} items, {sum(map(len, items.values())):,} claims, {distinct:.3f} distinct values per "
          f"item, {n} gold values; precision of the dominant value {dominant_right}/{n} = {dominant_right / n:.4f} "
          f"(their dataset page: 0.8073)")

    def right(key: tuple[str, str], bucket: int) -> bool:
        lo, hi = built[key][1][bucket]
        return lo < float(gold[key]) <= hi

    claims, gold_table, norm = LOADERS["population"](DATA)
    cm = ClaimMatrix.from_table(claims, normalizer=norm, missing="drop")
    relabelled = pa.table({
        "source": [s for c in items.values() for s, _ in c],
        "object": [k[0] for k, c in items.items() for _ in c],
        "attribute": [k[1] for k, c in items.items() for _ in c],
        "value": [f"bucket {b}" for k in items for b in built[k][2]],
    })
    cm_buckets = ClaimMatrix.from_table(relabelled, normalizer=ValueNormalizer(default=identity_key))
    print(f"prepared in {time.perf_counter() - t:.1f} s\n")
    print(f"{'method':20s} {'exact, ours':>18s} {'their rule, on buckets':>24s} {'their rule, our fit':>21s}")
    for method in sys.argv[1:] or list(METHODS):
        est = make_method(method).fit(cm)
        exact = accuracy(est, gold_table, norm)
        index = cm.item_index()
        ours = 0
        for key in gold:
            chosen = int(str(est.truths_[index[key]]).replace(",", ""))
            claim = next(i for i, (_, v) in enumerate(items[key]) if v == chosen)
            ours += right(key, built[key][2][claim])
        on_buckets = make_method(method).fit(cm_buckets)
        index_b = cm_buckets.item_index()
        theirs = sum(right(key, int(str(on_buckets.truths_[index_b[key]]).split()[1])) for key in gold)
        print(f"{method:20s} {exact.accuracy:8.4f} ({exact.correct}/{exact.evaluated}) "
              f"{theirs / n:14.4f} ({theirs}/{n}) {ours / n:11.4f} ({ours}/{n})", flush=True)


if __name__ == "__main__":
    main()
