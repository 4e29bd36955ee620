"""``NameMatcher``: one pair with an explanation, or many pairs vectorised.

Batch scoring normalises each distinct name once, scores the string views of all pairs at once with
``rapidfuzz.process.cpdist`` (C++, all cores) and runs the Python token alignment only on the pairs
that need it (initials or different token counts). It computes exactly the score of :meth:`match`.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Indel

from sevenfold.names.aliases import AliasHit, AliasTable, bundled_aliases
from sevenfold.names.compare import (
    ANCHOR_MIN,
    DEFAULT_THRESHOLD,
    GENDERED_CAP,
    SHORT_NAME_CAP,
    SHORT_NAME_MAX,
    combine,
    components,
    family_name_gender,
    gendered_surnames,
    short_name_conflict,
)
from sevenfold.names.normalise import NameForm, NameTruncatedWarning, normalise_many, normalise_name


@dataclass(frozen=True)
class MatchResult:
    score: float
    match: bool
    explanation: str

    def as_dict(self) -> dict[str, object]:
        return {"score": round(self.score, 4), "match": self.match, "explanation": self.explanation}


def _describe(form: NameForm) -> str:
    if form.empty:
        return f"'{form.raw[:60]}' has no letters to match"
    bits = [f"'{form.raw[:60]}'"]
    if form.romanised != form.raw and not form.raw.isascii():
        bits.append(f"→ '{form.romanised[:60]}'")
    bits.append(f"key '{form.key[:60]}'")
    if form.alt_tokens != form.tokens:
        bits.append(f"(Wade-Giles read as '{' '.join(form.alt_tokens)}')")
    if form.stripped:
        bits.append(f"(stripped {', '.join(form.stripped)})")
    if form.notes:
        bits.append("[" + "; ".join(form.notes) + "]")
    return " ".join(bits)


_VIEW_WORDS = {
    "whole": "similarity of the whole folded names",
    "reading": "similarity after reading Wade-Giles as pinyin",
    "order": "similarity with name order ignored",
    "structure": "token alignment (initials, missing patronymic/middle names)",
}


class NameMatcher:
    """Score names against each other with an alias table and a decision threshold."""

    def __init__(self, aliases: AliasTable | None = None, threshold: float = DEFAULT_THRESHOLD,
                 use_bundled: bool = True) -> None:
        if not 0.0 <= threshold <= 1.0:
            from sevenfold.errors import InputError

            raise InputError(f"threshold must be within [0, 1], got {threshold}")
        table = bundled_aliases() if use_bundled else AliasTable()
        if aliases is not None:
            table.extend(aliases)
        self.aliases = table
        self.threshold = threshold

    # ---- one pair ------------------------------------------------------------------------------
    def _base_score(self, a: NameForm, b: NameForm) -> float:
        return components(a, b).score

    def alias_hit(self, a: NameForm, b: NameForm) -> AliasHit | None:
        """Best link of the two names through the alias table, if any."""
        ids_a, ids_b = self.aliases.lookup_ids(a), self.aliases.lookup_ids(b)
        common = ids_a & ids_b
        if common:
            ent = self.aliases.entities[min(common)]
            return AliasHit(ent, self.aliases.matched_variant(ent, a), self.aliases.matched_variant(ent, b), 1.0,
                            direct=True)
        best: AliasHit | None = None
        for listed, other, ids in ((a, b, ids_a), (b, a, ids_b)):
            for i in ids:
                ent = self.aliases.entities[i]
                for name in ent.names():
                    variant = normalise_name(name)
                    if len(variant.tokens) < len(other.tokens):
                        # A shorter variant (a bare surname "Ежов", a code name "Ramsay") cannot vouch for
                        # a name that says more: "Ivan Ezhov" resembles "Ezhov" but is not Nikolai Ezhov.
                        continue
                    s = self._base_score(other, variant)
                    if best is None or s > best.score:
                        va = self.aliases.matched_variant(ent, listed)
                        best = AliasHit(ent, va, name, s)
        return best

    def match(self, a: str, b: str) -> MatchResult:
        """Score two names; the explanation says how each was read and which view decided."""
        fa, fb = normalise_name(a), normalise_name(b)
        comp = components(fa, fb)
        score = comp.score
        lines = [_describe(fa), _describe(fb)]
        if fa.empty or fb.empty:
            lines.append("an empty name matches nothing")
            return MatchResult(0.0, False, "; ".join(lines))
        hit = self.alias_hit(fa, fb)
        lines.append(
            f"best view: {_VIEW_WORDS[comp.best]} = {comp.score:.2f} (whole {comp.whole:.2f}, "
            f"reading {comp.reading:.2f}, order {comp.order:.2f}, structure {comp.structure:.2f})")
        if hit is not None and hit.score > score + 1e-9:
            score = hit.score
            lines.append(hit.explain())
        if gendered_surnames(fa, fb):
            lines.append(f"the masculine and the feminine form of one family name: two people (capped at "
                         f"{GENDERED_CAP:.2f})")
        if short_name_conflict(fa, fb):
            lines.append(f"a short name that differs beyond any transliteration, with nothing else to corroborate "
                         f"it: no evidence of one person (capped at {SHORT_NAME_CAP:.2f})")
        verdict = "match" if score >= self.threshold else "no match"
        lines.append(f"{verdict} at threshold {self.threshold:.2f}")
        return MatchResult(float(score), bool(score >= self.threshold), "; ".join(lines))

    # ---- many pairs ----------------------------------------------------------------------------
    def score_pairs(self, left: Sequence[str], right: Sequence[str], workers: int = -1) -> np.ndarray:
        """Scores of ``left[i]`` vs ``right[i]`` for every i (same values as :meth:`match`)."""
        if len(left) != len(right):
            from sevenfold.errors import InputError

            raise InputError(f"pairs: {len(left)} left names but {len(right)} right names")
        n = len(left)
        if n == 0:
            return np.zeros(0)
        uniq, li, ri = _encode(left, right)
        forms = normalise_many(uniq)
        n_trunc = sum(1 for f in forms if f.truncated)
        if n_trunc:
            warnings.warn(f"{n_trunc} names truncated to the name length limit for matching",
                          NameTruncatedWarning, stacklevel=2)
        compact = np.array([f.compact for f in forms], dtype=object)
        alt = np.array([f.alt_compact for f in forms], dtype=object)
        srt = np.array([f.sorted_compact for f in forms], dtype=object)
        empty = np.array([f.empty for f in forms])
        has_alt = alt != compact
        multi = np.array([len(f.tokens) > 1 for f in forms])

        def cp(x: np.ndarray, y: np.ndarray) -> np.ndarray:
            if len(x) == 0:
                return np.zeros(0)
            return np.asarray(process.cpdist(list(x), list(y), scorer=Indel.normalized_similarity,
                                             workers=workers), dtype=float)

        whole = cp(compact[li], compact[ri])
        reading = np.array(whole)
        sel = np.flatnonzero(has_alt[li] | has_alt[ri])
        if len(sel):
            a_c, b_c, a_a, b_a = compact[li[sel]], compact[ri[sel]], alt[li[sel]], alt[ri[sel]]
            reading[sel] = np.maximum.reduce([cp(a_a, b_c), cp(a_c, b_a), cp(a_a, b_a)])
        score = np.maximum(whole, reading)
        # Same combination rule as match(). Token alignment needs an "anchor" (a full-token pair
        # with similarity >= ANCHOR_MIN); all full-token pairs of all multi-token pairs are scored
        # in one vectorised call, and only anchored pairs go through the Python alignment.
        multi_any = np.flatnonzero(multi[li] | multi[ri])
        order = np.array(whole)
        if len(multi_any):
            order[multi_any] = cp(srt[li[multi_any]], srt[ri[multi_any]])
            anchored = self._anchored(forms, li[multi_any], ri[multi_any], cp)
            ntok = np.array([len(f.tokens) for f in forms])
            inits = np.array([f.has_initials for f in forms])
            la, ra = li[multi_any], ri[multi_any]
            both_multi = multi[la] & multi[ra]
            tokens_mode = both_multi & (inits[la] | inits[ra] | (ntok[la] == ntok[ra]))
            # unanchored pairs: structure = 0, so the rule reduces to string views (or 0)
            unanchored_score = np.where(
                tokens_mode, 0.0,
                np.where(both_multi, np.maximum(whole[multi_any], reading[multi_any]),
                         np.maximum.reduce([whole[multi_any], reading[multi_any], order[multi_any]])))
            score[multi_any] = unanchored_score
            for k in multi_any[anchored]:
                fa, fb = forms[li[k]], forms[ri[k]]
                score[k] = combine(fa, fb, float(whole[k]), float(reading[k]), float(order[k])).score
        # The masculine and feminine forms of one family name are two people: screen the pairs by each
        # distinct name's (stem, gender), then let compare.gendered_surnames, the one rule, decide.
        gender = [family_name_gender(f) for f in forms]
        stems = {g[0] for g in gender if g is not None}
        if stems:
            code = {st: i for i, st in enumerate(sorted(stems))}
            stem_code = np.array([code[g[0]] if g else -1 for g in gender])
            fem = np.array([g is not None and g[1] == "f" for g in gender])
            screened = np.flatnonzero((stem_code[li] >= 0) & (stem_code[li] == stem_code[ri]) & (fem[li] != fem[ri]))
            for k in screened:  # pairs of one family name in its two forms only, not every pair
                if gendered_surnames(forms[li[k]], forms[ri[k]]):
                    score[k] = min(score[k], GENDERED_CAP)
        # A short name that differs beyond transliteration (compare.short_name_conflict): only pairs that
        # score above the cap and have a short token can be affected; the one rule decides each of them.
        short = np.array([any(len(t) <= SHORT_NAME_MAX for t in f.tokens) for f in forms])
        for k in np.flatnonzero((score > SHORT_NAME_CAP) & (short[li] | short[ri])):
            if short_name_conflict(forms[li[k]], forms[ri[k]]):
                score[k] = SHORT_NAME_CAP
        # Alias links: only pairs where a name is listed somewhere need the table.
        listed = [bool(self.aliases.lookup_ids(f)) for f in forms]
        for k in np.flatnonzero(np.array(listed)[li] | np.array(listed)[ri]):
            fa, fb = forms[li[k]], forms[ri[k]]
            if fa.empty or fb.empty:
                continue
            hit = self.alias_hit(fa, fb)
            if hit is not None:
                score[k] = max(score[k], hit.score)
        score[empty[li] | empty[ri]] = 0.0
        return score

    @staticmethod
    def _anchored(forms: list[NameForm], la: np.ndarray, ra: np.ndarray, cp: Any) -> np.ndarray:
        """For each pair, can any full (non-initial) token pair reach ANCHOR_MIN?

        The Cartesian products of the pairs' full tokens are laid out with NumPy index arithmetic
        (no Python loop over pairs) and scored in one ``cpdist`` call (two more where Wade-Giles
        readings differ)."""
        tok: list[str] = []
        alt: list[str] = []
        start = np.zeros(len(forms) + 1, dtype=np.int64)
        for n, f in enumerate(forms):
            for t, a, ini in zip(f.tokens, f.alt_tokens, f.initials, strict=True):
                if not ini:
                    tok.append(t)
                    alt.append(a)
            start[n + 1] = len(tok)
        count = np.diff(start)
        ca, cb = count[la], count[ra]
        per_pair = ca * cb
        total = int(per_pair.sum())
        best = np.zeros(len(la))
        if total == 0:
            return best >= ANCHOR_MIN
        owner = np.repeat(np.arange(len(la)), per_pair)
        offset = np.repeat(np.cumsum(per_pair) - per_pair, per_pair)
        local = np.arange(total) - offset
        cb_rep = cb[owner]
        ia = start[la][owner] + local // cb_rep
        ib = start[ra][owner] + local % cb_rep
        tok_arr, alt_arr = np.array(tok, dtype=object), np.array(alt, dtype=object)
        sims = cp(tok_arr[ia], tok_arr[ib])
        has_alt = (tok_arr != alt_arr)
        sel = np.flatnonzero(has_alt[ia] | has_alt[ib])
        if len(sel):
            sims[sel] = np.maximum.reduce([sims[sel], cp(alt_arr[ia[sel]], tok_arr[ib[sel]]),
                                           cp(tok_arr[ia[sel]], alt_arr[ib[sel]]),
                                           cp(alt_arr[ia[sel]], alt_arr[ib[sel]])])
        np.maximum.at(best, owner, sims)
        return best >= ANCHOR_MIN

    def match_pairs(self, left: Sequence[str], right: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        scores = self.score_pairs(left, right)
        return scores, scores >= self.threshold


def _encode(left: Sequence[str], right: Sequence[str]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Distinct names and the index of each pair's names in them (Arrow dictionary encoding)."""
    n = len(left)
    try:
        import pyarrow as pa

        enc = pa.array([*left, *right], type=pa.string()).dictionary_encode()
        codes = enc.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        return enc.dictionary.to_pylist(), codes[:n], codes[n:]
    except Exception:  # pyarrow missing, non-str values, unencodable text (lone surrogates)
        # plain Python fallback
        uniq: dict[str, int] = {}
        li = np.fromiter((uniq.setdefault(s, len(uniq)) for s in left), dtype=np.int64, count=n)
        ri = np.fromiter((uniq.setdefault(s, len(uniq)) for s in right), dtype=np.int64, count=n)
        return list(uniq), li, ri


def match_names(a: str, b: str, aliases: AliasTable | None = None,
                threshold: float = DEFAULT_THRESHOLD) -> MatchResult:
    """Convenience: ``NameMatcher(aliases, threshold).match(a, b)``."""
    return NameMatcher(aliases, threshold).match(a, b)
