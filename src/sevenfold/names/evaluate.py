"""Evaluation on real name-variant data: loaders, precision/recall/F1, threshold choice.

Data (see ``../shared/data/README.md``):

- DeezyMatch GeoNames toponym pairs (Hosseini et al., EMNLP 2020 demos), splits train/finetune/test;
- nomenklatura ``name_bench`` person/organisation cases (OpenSanctions);
- rigour's 80 renderings of one name, scored as all unordered pairs (all positives).

Thresholds are chosen on DeezyMatch train+finetune only (:func:`choose_threshold`), never on test.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sevenfold.errors import InputError


@dataclass(frozen=True)
class PairSet:
    name: str
    left: list[str]
    right: list[str]
    gold: np.ndarray  # bool

    def __len__(self) -> int:
        return len(self.left)


@dataclass(frozen=True)
class Scores:
    n: int
    tp: int
    fp: int
    tn: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {"n": self.n, "tp": self.tp, "fp": self.fp, "tn": self.tn, "fn": self.fn,
                "precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4)}


def confusion(gold: np.ndarray, predicted: np.ndarray) -> Scores:
    gold, predicted = np.asarray(gold, bool), np.asarray(predicted, bool)
    return Scores(n=len(gold), tp=int((gold & predicted).sum()), fp=int((~gold & predicted).sum()),
                  tn=int((~gold & ~predicted).sum()), fn=int((gold & ~predicted).sum()))


def choose_threshold(gold: np.ndarray, scores: np.ndarray,
                     grid: Sequence[float] = tuple(np.round(np.arange(0.05, 1.0, 0.01), 2))) -> float:
    """Threshold in ``grid`` with the best F1 (ties: the higher threshold, i.e. fewer merges)."""
    best = max(grid, key=lambda t: (confusion(gold, scores >= t).f1, t))
    return float(best)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read evaluation data: {exc}") from None


def load_deezymatch(path: str | Path) -> PairSet:
    """TSV without header: name1, name2, TRUE/FALSE, ids, scripts, countries."""
    p = Path(path)
    left, right, gold = [], [], []
    for i, line in enumerate(_read(p).splitlines(), 1):
        cols = line.split("\t")
        if len(cols) < 3:
            raise InputError(f"{p}: line {i}: expected at least 3 tab-separated columns")
        left.append(cols[0])
        right.append(cols[1])
        gold.append(cols[2].strip().upper() == "TRUE")
    return PairSet(p.stem, left, right, np.array(gold, dtype=bool))


def load_name_bench(path: str | Path) -> PairSet:
    """nomenklatura name_bench ``cases.csv``: case_group, schema, name1, name2, is_match, ..."""
    p = Path(path)
    left, right, gold = [], [], []
    for row in csv.DictReader(_read(p).splitlines()):
        left.append(row["name1"])
        right.append(row["name2"])
        gold.append(row["is_match"].strip().lower() == "true")
    return PairSet(p.stem, left, right, np.array(gold, dtype=bool))


def load_all_pairs_positive(path: str | Path) -> PairSet:
    """One entity's renderings, one a line → all unordered pairs, all positive."""
    p = Path(path)
    names = [ln.strip() for ln in _read(p).splitlines() if ln.strip()]
    pairs = list(itertools.combinations(names, 2))
    return PairSet(p.stem, [a for a, _ in pairs], [b for _, b in pairs], np.ones(len(pairs), dtype=bool))


def evaluate(pairs: PairSet, scorer: Callable[[list[str], list[str]], np.ndarray],
             threshold: float) -> tuple[Scores, np.ndarray]:
    scores = np.asarray(scorer(pairs.left, pairs.right), dtype=float)
    return confusion(pairs.gold, scores >= threshold), scores
