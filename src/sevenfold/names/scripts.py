"""Which writing system each character of a name belongs to, and script runs.

Unicode character names start with the script for every script we care about ("CYRILLIC SMALL
LETTER ZHE", "CJK UNIFIED IDEOGRAPH-4E2D", "KATAKANA LETTER NO"), so ``unicodedata.name`` is the
classifier; no table is kept here.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import groupby

# Unicode-name prefixes folded into the script labels sevenfold reports.
_PREFIX_TO_SCRIPT = {
    "CJK": "Han",
    "HIRAGANA": "Hiragana",
    "KATAKANA": "Katakana",
    "HALFWIDTH KATAKANA": "Katakana",
    "CYRILLIC": "Cyrillic",
    "LATIN": "Latin",
    "GREEK": "Greek",
    "ARABIC": "Arabic",
    "HEBREW": "Hebrew",
    "HANGUL": "Hangul",
    "MONGOLIAN": "Mongolian",
    "THAI": "Thai",
    "DEVANAGARI": "Devanagari",
    "GEORGIAN": "Georgian",
    "ARMENIAN": "Armenian",
    "KHMER": "Khmer",
}

_ASCII_LETTER = re.compile("[A-Za-z]")
RIGHT_TO_LEFT = frozenset({"Arabic", "Hebrew"})


@lru_cache(maxsize=4096)
def char_script(ch: str) -> str:
    """Script label of one character; 'Common' for digits, punctuation, spaces and unknowns."""
    if ch.isspace() or not ch.isalpha():
        return "Common"
    name = unicodedata.name(ch, "")
    for prefix, script in _PREFIX_TO_SCRIPT.items():
        if name.startswith(prefix):
            return script
    return "Other"


def script_runs(text: str) -> list[tuple[str, str]]:
    """Split ``text`` into (script, run) pairs; 'Common' characters stay their own runs.

    Combining marks (Indic vowel signs, viramas, accents) belong to the run of the letter they
    sit on: transliterating a consonant without its vowel sign adds a wrong inherent vowel.
    """
    labels: list[str] = []
    for ch in text:
        script = char_script(ch)
        if script == "Common" and labels and unicodedata.category(ch).startswith("M"):
            script = labels[-1]
        labels.append(script)
    runs: list[tuple[str, str]] = []
    for script, group in groupby(zip(labels, text, strict=True), key=lambda pair: pair[0]):
        runs.append((script, "".join(ch for _, ch in group)))
    return runs


def scripts_of(text: str) -> tuple[str, ...]:
    """The distinct scripts of the letters of ``text``, in order of first appearance."""
    if text.isascii():
        return ("Latin",) if _ASCII_LETTER.search(text) else ()
    seen: dict[str, None] = {}
    for ch in text:
        s = char_script(ch)
        if s != "Common":
            seen.setdefault(s, None)
    return tuple(seen)
