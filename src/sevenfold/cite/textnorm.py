"""Text normalisation shared by the citation modules.

``match_view`` folds typographic quotes, apostrophes, dashes and odd spaces to ASCII *one character
for one character*, so regular expressions can be written in ASCII while offsets still index the
original text (raw citations are always cut from the original).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

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
# the same folding as one regex substitution: str.translate looks every character up in a dict (a failed
# look-up raises and catches KeyError), about five times slower than substituting only the few to fold
_FOLDABLE = re.compile("[" + "".join(re.escape(ch) for ch in _FOLD) + "]")
_FOLD_GET = _FOLD.__getitem__

SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUP = {c: str(i) for i, c in enumerate(SUPERSCRIPT_DIGITS)}


_last: tuple[str, str] = ("", "")


def match_view(text: str) -> str:
    """Same length as ``text``; typographic punctuation folded to ASCII."""
    global _last
    last = _last
    if text is last[0]:
        return last[1]  # the parser asks again for the note it is reading
    # nothing to fold is the common case, checked in C
    view = text if text.isascii() and "\t" not in text and "`" not in text else _FOLDABLE.sub(_fold_one, text)
    _last = (text, view)
    return view


def _fold_one(m: re.Match[str]) -> str:
    return _FOLD_GET(m.group())


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



def _first_chars(items: list[tuple[Any, Any]], ci: bool) -> tuple[set[str], bool, bool] | None:
    """(the characters a match of the parsed pattern ``items`` can start with, whether any is matched
    case-insensitively, whether the regex engine already scans for them by itself), or None when they are
    not a small known set."""
    from re import _constants as C  # type: ignore[attr-defined]  # (import errors: see guard_first_chars)

    direct = True  # a leading literal or set, case-sensitive: the engine's own prefix scan handles it
    for op, av in items:
        if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
            direct = False
            continue  # zero width: the first character consumed is still the one at the match position
        if op is C.LITERAL:
            return {chr(av)}, ci, direct and not ci
        if op is C.IN:
            chars: set[str] = set()
            for o, a in av:
                if o is C.LITERAL:
                    chars.add(chr(a))
                elif o is C.RANGE and a[1] - a[0] < 128:
                    chars.update(chr(c) for c in range(a[0], a[1] + 1))
                else:
                    return None  # a negated set, a category (\w, \d): not a small set
            return chars, ci, direct and not ci
        if op is C.SUBPATTERN:
            _group, add, delete, sub = av
            if (add | delete) & ~C.SRE_FLAG_IGNORECASE or delete & C.SRE_FLAG_IGNORECASE:
                return None
            got = _first_chars(list(sub), ci or bool(add & C.SRE_FLAG_IGNORECASE))
            return None if got is None else (got[0], got[1], got[2] and direct)
        if op is C.BRANCH:
            out: set[str] = set()
            any_ci = False
            for alt in av[1]:
                got = _first_chars(list(alt), ci)
                if got is None:
                    return None
                out |= got[0]
                any_ci = any_ci or got[1]
            return out, any_ci, False
        if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT) and av[0] >= 1:
            got = _first_chars(list(av[2]), ci)
            return None if got is None else (got[0], got[1], False)
        return None
    return None


def first_char_lookahead(chars: set[str], ignorecase: bool) -> str:
    """``(?=[...])``: a look-ahead on these first characters (compared case-insensitively if asked)."""
    cls = "".join(re.escape(c) for c in sorted(chars))
    return f"(?i:(?=[{cls}]))" if ignorecase else f"(?=[{cls}])"


def guard_first_chars(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """The same pattern, with a look-ahead on the characters a match can start with.

    ``search`` and ``finditer`` of a pattern opening with an alternation, a look-behind or a
    case-insensitive word (an archive name table, 'op. cit.' in seven languages) enter the whole pattern at
    every position; the look-ahead rejects most positions in one step. It is a necessary condition of the
    pattern, so matches and groups are unchanged. A pattern whose first characters are not a small known
    set, or that the engine already scans for by its leading characters, is returned as it is.
    """
    try:  # the parser is the standard library's own (re._parser, Python 3.11+)
        from re import _parser  # type: ignore[attr-defined]

        got = _first_chars(list(_parser.parse(pattern.pattern, pattern.flags)), False)
    except Exception:  # a Python whose re internals differ: no guard, the same matches
        return pattern
    if got is None or not got[0] or got[2]:
        return pattern
    chars, ci, _direct = got
    guard = first_char_lookahead(chars, ci and not pattern.flags & re.IGNORECASE)
    body = pattern.pattern + ("\n" if pattern.flags & re.VERBOSE else "")
    try:
        return re.compile(f"{guard}(?:{body})", pattern.flags)
    except re.error:  # e.g. global flags written inside the pattern
        return pattern
