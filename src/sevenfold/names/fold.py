"""Folding romanised tokens to a matching key that the common romanisation systems agree on.

Transliteration libraries give *one* romanisation; real documents use many. Ежов is Ezhov (Library
of Congress without diacritics), Yezhov (BGN/PCGN), Ežov (ISO 9, scholarly), Jeschow (German), Iejov
(French), Jeżow (Polish). The rules below map the spellings on which those systems differ to one
form. They are a matching key, not a romanisation: the key is never shown as a name.
"""

from __future__ import annotations

import re
from functools import lru_cache

from anyascii import anyascii

# Letters with diacritics that stand for a digraph in other systems (ISO 9 / scholarly / Czech /
# Polish ž š č; Polish ż ź ś ć; ISO 9 ŝ = щ). anyascii would drop the diacritic and lose the sound.
_DIACRITIC_DIGRAPHS = str.maketrans({
    "ž": "zh", "ż": "zh", "ź": "zh", "š": "sh", "ś": "sh", "č": "ch", "ć": "ch", "ŝ": "shch", "ĉ": "ch",
    "ß": "ss",
})

# Apostrophes, soft/hard-sign marks and Wade-Giles aspiration marks carry no matching signal.
_MARKS = re.compile("['’‘`´ʹʺʼʻ\"]")

# Ordered rewrites (pattern, replacement, why).
_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), r)
    for p, r in [
        ("schtsch|szcz|chtch", "shch"),  # щ: German, Polish, French
        ("tsch|tch|cz", "ch"),  # ч: German, French, Polish
        ("sch|sz", "sh"),  # ш: German, Polish
        ("zh", "sh"),  # ж: German renders it 'sch'; voicing is not kept apart across systems
        ("dzh|dj", "j"),  # дж: BGN dzh, French dj, English j
        ("kh", "h"),  # х: BGN kh, ISO 9 h
        ("ks", "x"),  # Aleksandr / Alexander
        ("ph", "f"),
        ("w", "v"),  # в: German/Polish w
        ("tz", "ts"),  # ц: German tz, Wade-Giles tz
        ("ck", "k"),
        ("^[ij](?=[aeou])", "y"),  # initial я/ю/е/ё: ia/ja/ya, iu/ju/yu
        ("(?<=[bcdfghklmnprstvxz])[ij](?=[aou])", "y"),  # Viacheslav / Vyacheslav / Wjatscheslaw
        ("^ye", "e"),  # initial е: Yezhov (BGN) / Ezhov (LoC)
        ("y(?![aeiou])", "i"),  # Vasiliy / Vasilii; Khalkhyn / Khalkhin
        ("(?<=[aeiou])j(?![aeiou])", "i"),  # Nikolaj / Nikolai; Andrej / Andrei
        (r"([a-z])\1+", r"\1"),  # doubled letters: Wassili / Vasili
    ]
]

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=65536)
def ascii_base(token: str) -> str:
    """Lower-case ASCII spelling of a romanised token: digraph diacritics expanded, marks removed."""
    t = _MARKS.sub("", token.casefold().translate(_DIACRITIC_DIGRAPHS))
    return _NON_ALNUM.sub("", anyascii(t).lower())


@lru_cache(maxsize=65536)
def fold_ascii(base: str) -> str:
    """Matching key of an :func:`ascii_base` token."""
    t = base
    for pattern, repl in _RULES:
        t = pattern.sub(repl, t)
    return t


def fold_token(token: str) -> str:
    """Matching key of one romanised token (``Jeschow`` → ``eshov``, ``Yezhov`` → ``eshov``)."""
    return fold_ascii(ascii_base(token))
