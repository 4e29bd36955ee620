"""Near-duplicate report texts: MinHash LSH blocking, rapidfuzz token-set ratio to decide.

Comparing every pair of texts is quadratic (5·10⁹ pairs at 100,000 reports), so large cases are
blocked first: each text's set of words gets a MinHash signature (Broder 1997) and texts that agree
on every row of at least one LSH band become candidates (Leskovec, Rajaraman, Ullman, *Mining of
Massive Datasets*, ch. 3). With 60 hash functions in 20 bands of 3 rows a pair with word-set Jaccard
similarity s is a candidate with probability 1 − (1 − s³)²⁰: 0.93 at s = 0.5, 0.99 at 0.6, ≈1 from 0.7.
Signatures are computed for all texts at once with NumPy (one pass per hash function), because a
per-text MinHash object costs more than the whole 10-second budget at 100,000 reports.
Candidates, and every pair of a small case, are then scored with rapidfuzz's ``token_set_ratio``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import chain, count

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.process import cdist
from rapidfuzz.utils import default_process

from sevenfold.provenance.rules import OriginRules

_WORD = re.compile(r"\w+")
_MIX = np.uint64(0x9E3779B97F4A7C15)


def word_set(text: str) -> list[str]:
    """Sorted distinct words of a text, case-folded (any script: ``\\w`` is Unicode-aware)."""
    return sorted(set(_WORD.findall(text.casefold())))


def near_duplicate_pairs(texts: Sequence[str], rules: OriginRules) -> list[tuple[int, int, float]]:
    """``(i, j, score)`` for every pair of texts judged near-duplicates, ``i < j``, sorted."""
    tokens = [_WORD.findall(t.casefold()) for t in texts]
    sizes = np.fromiter((len(set(t)) for t in tokens), dtype=np.int64, count=len(tokens))
    eligible = np.flatnonzero(sizes >= rules.text_min_tokens)
    if eligible.size < 2:
        return []
    if eligible.size <= rules.exact_text_below:
        candidates = _all_pairs(eligible, texts, rules)
    else:
        candidates = _lsh_candidates(eligible, [tokens[i] for i in eligible], rules)
    lowered = [t.casefold() for t in texts] if candidates else []
    out = []
    for i, j in candidates:
        small, large = sorted((int(sizes[i]), int(sizes[j])))
        if small < rules.text_min_size_ratio * large:
            continue
        score = fuzz.token_set_ratio(lowered[i], lowered[j], processor=default_process)
        if score >= rules.text_ratio:
            out.append((i, j, float(score)))
    return out


def _all_pairs(eligible: np.ndarray, texts: Sequence[str], rules: OriginRules) -> list[tuple[int, int]]:
    strings = [texts[i].casefold() for i in eligible]
    scores = cdist(strings, strings, scorer=fuzz.token_set_ratio, processor=default_process,
                   score_cutoff=rules.text_ratio, dtype=np.uint8)
    a, b = np.nonzero(np.triu(scores, k=1))
    return [(int(eligible[x]), int(eligible[y])) for x, y in zip(a, b, strict=True)]


def minhash_bands(word_lists: Sequence[Sequence[str]], rules: OriginRules) -> np.ndarray:
    """One LSH bucket key per (band, text): shape ``(n_bands, n_texts)``, dtype uint64."""
    # each distinct word gets a distinct integer, in order of first appearance (deterministic);
    # repeated words within a text do not change a minimum, so they are not removed
    vocab: dict[str, int] = {}
    lengths = np.fromiter((len(w) for w in word_lists), dtype=np.int64, count=len(word_lists))
    flat = np.fromiter(map(vocab.setdefault, chain.from_iterable(word_lists), count()),
                       dtype=np.uint64, count=int(lengths.sum()))
    offsets = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    rng = np.random.default_rng(rules.lsh_seed)
    mult = rng.integers(1, 2**63, size=rules.lsh_permutations, dtype=np.uint64) | np.uint64(1)
    add = rng.integers(0, 2**63, size=rules.lsh_permutations, dtype=np.uint64)
    n_bands = rules.lsh_permutations // rules.lsh_band_rows
    keys = np.zeros((n_bands, len(word_lists)), dtype=np.uint64)
    shift = np.uint64(29)
    with np.errstate(over="ignore"):
        for p in range(rules.lsh_permutations):
            # multiply-add-shift universal hashing; wrapping uint64 arithmetic is intended
            hashed = (flat * mult[p] + add[p]) >> shift
            row_min = np.minimum.reduceat(hashed, offsets)
            band = p // rules.lsh_band_rows
            keys[band] = keys[band] * _MIX ^ row_min
    return keys


def _lsh_candidates(eligible: np.ndarray, words: list[list[str]], rules: OriginRules) -> list[tuple[int, int]]:
    """Pairs of texts sharing an LSH bucket in some band.

    Within a bucket (texts equal on every row of a band) each text is paired with the bucket's first
    text and with its neighbour, not with every other text: linear in the bucket's size, and since
    bucket members are alike the components come out the same. Done for all buckets at once.
    """
    keys = minhash_bands(words, rules)
    n = eligible.size
    codes: list[np.ndarray] = []
    for band_keys in keys:
        order = np.argsort(band_keys, kind="stable")
        sorted_keys = band_keys[order]
        same_as_prev = np.concatenate(([False], sorted_keys[1:] == sorted_keys[:-1]))
        if not same_as_prev.any():
            continue
        position = np.arange(n)
        run_start = np.maximum.accumulate(np.where(same_as_prev, 0, position))
        inside = np.flatnonzero(same_as_prev)
        for a, b in ((order[run_start[inside]], order[inside]), (order[inside - 1], order[inside])):
            codes.append(np.minimum(a, b) * n + np.maximum(a, b))
    if not codes:
        return []
    unique = np.unique(np.concatenate(codes))
    unique = unique[unique // n != unique % n]
    first, second = eligible[unique // n], eligible[unique % n]
    return list(zip(first.tolist(), second.tolist(), strict=True))
