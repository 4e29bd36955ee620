"""Splink person-record dedupe at scale (DuckDB backend): time to train + predict + cluster.

One command:  .venv/bin/python benchmarks/splink_scale.py                 (default 200,000 records)
              .venv/bin/python benchmarks/splink_scale.py --records 1000000

Records are synthetic with a fixed seed: people drawn from Russian/German/Polish/Chinese/Japanese
name pools, 1-3 records each, with the variation real files have (initials, "Family, Given" order,
German/Polish/BGN romanisations, Cyrillic script, a ±1 year birth date, Hsinking/Changchun for
the same place). Ground truth is known, so pairwise precision/recall of the clusters are printed
next to the timings, and against the peer measured in the same run: exact equality of the
normalised name + birth year (what a careful spreadsheet would do).

If a size does not fit the time available, run a smaller one and extrapolate — the script prints
the per-record rate; say so when quoting it.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from sevenfold.names import dedupe_records  # noqa: E402
from sevenfold.names.dedupe import prepare_records  # noqa: E402

SEED = 7
GIVEN = ["Vasilii", "Ivan", "Nikolai", "Artur", "Genrikh", "Mikhail", "Pavel", "Sergei", "Petr", "Boris",
         "Grigorii", "Lev", "Fedor", "Semen", "Andrei", "Dmitrii", "Aleksei", "Konstantin", "Iakov", "Roman",
         "Stepan", "Anatolii", "Georgii", "Leonid", "Maksim", "Viktor", "Evgenii", "Oleg", "Iurii", "Vladimir"]
FAMILY_STEMS = ["Zarub", "Ezh", "Artuz", "Iagod", "Frinovsk", "Sidor", "Petr", "Ivan", "Kuznets", "Smirn",
                "Pop", "Volk", "Sokol", "Lebed", "Kozl", "Novik", "Moroz", "Orl", "Egor", "Pavl", "Semen",
                "Golub", "Vinograd", "Bogdan", "Vorob", "Fedor", "Mikhail", "Tarasov", "Bel", "Komar",
                "Kisel", "Makar", "Andre", "Koval", "Gus", "Tit", "Kuzmin", "Baran", "Kulik", "Aleks",
                "Stepan", "Iakovl", "Sorok", "Zakhar", "Zuev", "Nikit", "Krylov", "Grigor", "Romanov", "Danil"]
SUFFIXES = ["ov", "in", "ev", "skii", "enko", "ich", "ovskii", "yn", "ak", "uk"]
PLACES = ["Moscow", "Harbin", "Hsinking", "Kiev", "Leningrad", "Tiflis", "Omsk", "Kazan", "Vladivostok",
          "Irkutsk", "Tomsk", "Odessa", "Minsk", "Baku", "Tashkent", "Urumchi"]
ROLES = ["officer", "agent", "diplomat", "commissar", "clerk", "engineer"]
CYRILLIC = str.maketrans({"a": "а", "b": "б", "v": "в", "g": "г", "d": "д", "e": "е", "z": "з", "i": "и",
                          "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "r": "р", "s": "с",
                          "t": "т", "u": "у", "f": "ф", "y": "ы"})


def romanisation_variant(name: str, rng: random.Random) -> str:
    r = rng.random()
    if r < 0.25:
        return name.replace("v", "w").replace("ii", "i")  # German
    if r < 0.5:
        return name.replace("ii", "y").replace("Ia", "Ya").replace("Iu", "Yu")  # BGN
    if r < 0.6:
        return name.lower().translate(CYRILLIC).title()  # (rough) Cyrillic
    return name


def synthesize(n_records: int, seed: int = SEED) -> tuple[list[dict[str, str]], list[int]]:
    rng = random.Random(seed)
    families = [s + x for s in FAMILY_STEMS for x in SUFFIXES]
    records: list[dict[str, str]] = []
    truth: list[int] = []
    person = 0
    while len(records) < n_records:
        given, family = rng.choice(GIVEN), rng.choice(families)
        year, place, role = rng.randint(1860, 1925), rng.choice(PLACES), rng.choice(ROLES)
        for _ in range(rng.choice((1, 1, 2, 2, 3))):
            r = rng.random()
            if r < 0.15:
                name = f"{given[0]}. {family}"
            elif r < 0.3:
                name = f"{family}, {given}"
            else:
                name = f"{given} {family}"
            name = romanisation_variant(name, rng)
            rec_place = "Changchun" if place == "Hsinking" and rng.random() < 0.5 else place
            records.append({"id": str(len(records)), "name": name,
                            "birth_year": str(year + (1 if rng.random() < 0.08 else 0)),
                            "place": rec_place, "role": role})
            truth.append(person)
            if len(records) >= n_records:
                break
        person += 1
    return records, truth


def pair_set(groups: dict[object, list[int]]) -> set[tuple[int, int]]:
    return {(a, b) for ids in groups.values() if len(ids) > 1 for a, b in itertools.combinations(sorted(ids), 2)}


def pr(pred: set[tuple[int, int]], gold: set[tuple[int, int]]) -> tuple[float, float, float]:
    tp = len(pred & gold)
    p = tp / len(pred) if pred else 0.0
    r = tp / len(gold) if gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=200_000)
    ap.add_argument("--chart", default=str(Path(os.environ.get("TMPDIR", "/tmp")) / "splink_scale_weights.html"))
    args = ap.parse_args()

    t0 = time.perf_counter()
    records, truth = synthesize(args.records)
    t_gen = time.perf_counter() - t0
    t0 = time.perf_counter()
    table = prepare_records(records)
    t_prep = time.perf_counter() - t0
    res = dedupe_records(table, chart_path=args.chart)
    total = t_prep + res.timings["total_s"]

    gold_groups: dict[object, list[int]] = defaultdict(list)
    for i, p in enumerate(truth):
        gold_groups[p].append(i)
    gold = pair_set(gold_groups)
    pred_groups: dict[object, list[int]] = defaultdict(list)
    for c in res.clusters:
        pred_groups[c["cluster_id"]].append(int(c["id"]))
    ours = pr(pair_set(pred_groups), gold)
    base_groups: dict[object, list[int]] = defaultdict(list)
    keys = table.column("name_sorted").to_pylist()
    years = table.column("birth_year").to_pylist()
    for i, (k, y) in enumerate(zip(keys, years, strict=True)):
        base_groups[(k, y)].append(i)
    base = pr(pair_set(base_groups), gold)

    print(f"records: {args.records:,} (generated in {t_gen:.1f} s, seed {SEED}; {os.cpu_count()} cores)")
    print(f"  normalise names/places (sevenfold.names): {t_prep:8.1f} s")
    for k, v in res.timings.items():
        if k != "prepare_s":
            print(f"  splink {k:<28}       {v:8.1f} s")
    print(f"  total                                     {total:8.1f} s  "
          f"({args.records / total:,.0f} records/s; 1,000,000 records ≈ {1e6 / (args.records / total) / 60:.1f} min "
          f"if linear)")
    print(f"  pairs above threshold: {res.pairs_scored:,}; clusters: {res.n_clusters:,}")
    print(f"  pairwise P/R/F1  splink:                     {ours[0]:.3f} / {ours[1]:.3f} / {ours[2]:.3f}")
    print(f"  pairwise P/R/F1  exact name key + year:      {base[0]:.3f} / {base[1]:.3f} / {base[2]:.3f}")
    print(f"  match-weight chart: {res.chart}")
    for note in res.notes:
        print(f"  note: {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
