"""Scoring two names: string similarity of the folded keys plus name-structure alignment.

The score of a pair is the best of four views of it, each in [0, 1]:

``whole``    rapidfuzz ``ratio`` of the compact keys (all tokens joined: "Mao Zedong" = "毛泽东");
``reading``  the same with the pinyin reading of Wade-Giles names ("Mao Tse-tung" → "mao zedong");
``order``    the same with tokens sorted (family-name-first vs given-name-first);
``structure`` token alignment (Hungarian assignment on a token similarity matrix) where an initial
             matches any token with that first letter and a missing patronymic or middle name costs
             little ("V. M. Zarubin" ~ "Vasilii Mikhailovich Zarubin"); used when either name has
             initials or the two have different numbers of tokens.

An alias table (bundled gazetteer + case aliases + user file) overrides: two listed variants of the
same entity score 1.0; a name close to a listed variant inherits the variant's link.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.distance import Indel
from scipy.optimize import linear_sum_assignment

from sevenfold.names.normalise import NameForm

# Chosen on the DeezyMatch train+finetune splits only (benchmarks/names_bench.py --choose-threshold);
# never on a test split.
DEFAULT_THRESHOLD = 0.8

# An unmatched full token (a patronymic or middle name one source leaves out) costs this much.
MISSING_TOKEN_PENALTY = 0.05
# A token must reach this similarity to count as the "anchor" of a structural match.
ANCHOR_MIN = 0.8


@dataclass(frozen=True)
class Components:
    whole: float
    reading: float
    order: float
    structure: float

    @property
    def score(self) -> float:
        return max(self.whole, self.reading, self.order, self.structure)

    @property
    def best(self) -> str:
        values = {"whole": self.whole, "reading": self.reading, "order": self.order,
                  "structure": self.structure}
        return max(values, key=lambda k: values[k])


def needs_structure(a: NameForm, b: NameForm) -> bool:
    """Structure alignment is computed only where it can add something over whole-string views."""
    return (a.has_initials or b.has_initials or len(a.tokens) != len(b.tokens)) and (
        len(a.tokens) > 1 or len(b.tokens) > 1
    )


def _ratio(x: str, y: str) -> float:
    return float(Indel.normalized_similarity(x, y))


def structure_score(a: NameForm, b: NameForm) -> float:
    """Token alignment score; 0 when no full (non-initial) token anchors the match."""
    ta, tb = a.tokens, b.tokens
    sim = np.zeros((len(ta), len(tb)))
    for i, (x, xi) in enumerate(zip(ta, a.initials)):
        for j, (y, yi) in enumerate(zip(tb, b.initials)):
            if xi or yi:
                sim[i, j] = 1.0 if x[:1] == y[:1] else 0.0
            else:
                sim[i, j] = _ratio(x, y)
    rows, cols = linear_sum_assignment(-sim)
    anchored = any(sim[r, c] >= ANCHOR_MIN and not a.initials[r] and not b.initials[c]
                   for r, c in zip(rows, cols))
    if not anchored:
        return 0.0
    # Weighted mean over matched pairs: full tokens weigh by length, initials weigh 1.
    weights = np.array([
        (1 if a.initials[r] else len(ta[r])) + (1 if b.initials[c] else len(tb[c]))
        for r, c in zip(rows, cols)
    ], dtype=float)
    mean = float((sim[rows, cols] * weights).sum() / weights.sum())
    # An initial that contradicts (V. vs Ivan) is a strong negative signal, not just a weak token.
    if any(sim[r, c] == 0.0 and (a.initials[r] or b.initials[c]) for r, c in zip(rows, cols)):
        mean *= 0.5
    unmatched = (len(ta) - len(rows)) + (len(tb) - len(cols))
    return max(0.0, mean - MISSING_TOKEN_PENALTY * unmatched)


def components(a: NameForm, b: NameForm) -> Components:
    """All four similarity views of a pair of normalised names."""
    if a.empty or b.empty:
        return Components(0.0, 0.0, 0.0, 0.0)
    whole = _ratio(a.compact, b.compact)
    if a.alt_compact != a.compact or b.alt_compact != b.compact:
        reading = max(_ratio(a.alt_compact, b.compact), _ratio(a.compact, b.alt_compact),
                      _ratio(a.alt_compact, b.alt_compact))
    else:
        reading = whole
    order = _ratio(a.sorted_compact, b.sorted_compact) if len(a.tokens) > 1 else whole
    structure = structure_score(a, b) if needs_structure(a, b) else 0.0
    return Components(whole, reading, order, structure)


def token_set_overlap(a: NameForm, b: NameForm) -> float:
    """Share of tokens in common (for explanations)."""
    return float(fuzz.token_set_ratio(a.key, b.key)) / 100.0
