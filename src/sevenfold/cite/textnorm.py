"""Text normalisation shared by the citation modules.

``match_view`` folds typographic quotes, apostrophes, dashes and odd spaces to ASCII *one character
for one character*, so regular expressions can be written in ASCII while offsets still index the
original text (raw citations are always cut from the original).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

_FOLD = {
    "\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u2032": "'", "\u00b4": "'", "\u0060": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-", "\ufe58": "-", "\ufe63": "-", "\uff0d": "-",
    "\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u2009": " ", "\u200a": " ", "\u202f": " ",
    "\u2007": " ", "\u3000": " ", "\t": " ",
}
_TABLE = str.maketrans(_FOLD)

SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUP = {c: str(i) for i, c in enumerate(SUPERSCRIPT_DIGITS)}


def match_view(text: str) -> str:
    """Same length as ``text``; typographic punctuation folded to ASCII."""
    if text.isascii() and "\t" not in text and "`" not in text:
        return text  # nothing to fold (the common case, checked in C)
    return text.translate(_TABLE)


def normalize_input(text: str) -> str:
    """NFC, newlines unified. Applied once to every input text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    # a page break (pdftotext writes a form feed) is a line break: it never hides the note after it
    text = text.replace("\f", "\n").replace("\v", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    return unicodedata.normalize("NFC", text)


def superscript_to_int(s: str) -> int:
    return int("".join(_SUP[c] for c in s))


@lru_cache(maxsize=65536)
def fold_key(s: str) -> str:
    """A loose comparison key: ASCII-ish, case-folded, punctuation dropped, spaces collapsed."""
    from anyascii import anyascii

    s = anyascii(s).casefold()
    out = []
    for ch in s:
        out.append(ch if ch.isalnum() else " ")
    return " ".join("".join(out).split())
