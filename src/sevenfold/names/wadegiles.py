"""Wade-Giles → pinyin for Latin-script Chinese names (``Mao Tse-tung`` → ``mao zedong``).

The syllable table is not written by hand: it is derived once from ``pypinyin`` by reading every
character of its dictionary in both ``Style.WADEGILES`` and ``Style.NORMAL``. A Latin name is
converted only when every one of its tokens splits into Wade-Giles syllables; otherwise it is left
alone (English, Russian and most other names do not split).
"""

from __future__ import annotations

import re
from functools import lru_cache

from pypinyin import Style, lazy_pinyin
from pypinyin.pinyin_dict import pinyin_dict

_NOT_WADE_GILES = re.compile("[bdqx]|(?<!n)g|(?<!t)z")


@lru_cache(maxsize=1)
def _syllable_map() -> dict[str, str]:
    """Wade-Giles syllable (ASCII, no apostrophe, lower case) → pinyin syllable (no tones)."""
    votes: dict[str, dict[str, int]] = {}
    chars = [chr(cp) for cp in pinyin_dict]
    wade = lazy_pinyin(chars, style=Style.WADEGILES, errors="ignore")
    plain = lazy_pinyin(chars, style=Style.NORMAL, errors="ignore")
    for w, p in zip(wade, plain, strict=True):
        w = w.replace("’", "'").lower()
        if w.replace("'", "").isalpha() and p.isalpha():
            votes.setdefault(w, {}).setdefault(p, 0)
            votes[w][p] += 1
    table: dict[str, str] = {}
    # Input keys lose their apostrophes in folding, so 'tung' may be written for t'ung. The reading of
    # the spelling *without* apostrophe (unaspirated: tung = dong) wins; aspirated-only spellings
    # fall back to their own reading.
    for w in sorted(votes, key=lambda s: ("'" in s, s)):
        key = w.replace("'", "")
        if key not in table:
            table[key] = max(votes[w].items(), key=lambda kv: kv[1])[0]
    return table


@lru_cache(maxsize=1)
def _max_len() -> int:
    return max(len(s) for s in _syllable_map())


def _split(token: str) -> list[str] | None:
    """Split ``token`` into Wade-Giles syllables (longest first, with backtracking), or None."""
    table = _syllable_map()
    n = len(token)
    best: list[list[str] | None] = [None] * (n + 1)
    best[n] = []
    for i in range(n - 1, -1, -1):
        for j in range(min(n, i + _max_len()), i, -1):
            rest = best[j]
            if rest is not None and token[i:j] in table:
                best[i] = [token[i:j], *rest]
                break
    return best[0]


def wade_giles_to_pinyin(tokens: tuple[str, ...]) -> tuple[str, ...] | None:
    """Pinyin reading of already folded ASCII tokens, or None when they are not all Wade-Giles."""
    table = _syllable_map()
    out = []
    for tok in tokens:
        # Wade-Giles writes no b, d, q, x; g only in -ng, z only in tz: most non-Chinese names stop here.
        if not tok.isalpha() or len(tok) > 24 or _NOT_WADE_GILES.search(tok):
            return None
        parts = _split(tok)
        if parts is None:
            return None
        out.append("".join(table[p] for p in parts))
    return tuple(out)
