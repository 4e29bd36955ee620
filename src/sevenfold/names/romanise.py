"""Romanisation of names in any script to Latin, with the field's libraries.

- Cyrillic: ICU ``Russian-Latin/BGN`` (``Mongolian-Latin/BGN`` when the text has Mongolian letters
  ө/ү, ``Ukrainian-Latin/BGN`` for і/ї/є/ґ); without PyICU, ``anyascii``.
- Chinese characters: ``pypinyin`` (toneless pinyin), one token per run of characters.
- Japanese: ``cutlet`` (Hepburn, MeCab/UniDic readings of kanji) when installed; otherwise ICU
  ``Katakana-Latin``/``Hiragana-Latin`` for kana and pinyin for kanji; otherwise ``anyascii``.
- Greek: ICU ``Greek-Latin/UNGEGN``; Arabic, Hebrew, Armenian, Georgian, Hangul: ICU ``Any-Latin``;
  other scripts (Indic, Southeast Asian, ...) and any script without PyICU: ``anyascii``.

Which engines are available is reported by :func:`engines` (``sevenfold names info``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from anyascii import anyascii
from pypinyin import Style, lazy_pinyin

from sevenfold.names.scripts import script_runs

try:  # PyICU is optional (names extra); the fallback is anyascii.
    import icu as _icu
except ImportError:  # pragma: no cover - depends on the environment
    _icu = None

_MONGOLIAN_LETTERS = re.compile("[өүӨҮ]")
_UKRAINIAN_LETTERS = re.compile("[іїєґІЇЄҐ]")
_ICU_SCRIPTS = frozenset({"Arabic", "Hebrew", "Armenian", "Georgian", "Hangul"})
_KANA = re.compile("[\u3040-\u30ff\uff66-\uff9f]")


@lru_cache(maxsize=16)
def _icu_transliterator(transform_id: str) -> Any:
    if _icu is None:
        return None
    try:
        return _icu.Transliterator.createInstance(transform_id)
    except Exception:  # ICU builds without that transform: fall back
        return None


def _icu_or_anyascii(transform_id: str, text: str) -> str:
    tr = _icu_transliterator(transform_id)
    if tr is None:
        return anyascii(text)
    return str(tr.transliterate(text))


@lru_cache(maxsize=1)
def _cutlet() -> Any:
    try:
        import cutlet

        katsu = cutlet.Cutlet("hepburn")
        katsu.use_foreign_spelling = False
        return katsu
    except Exception:  # not installed, or its dictionary is missing
        return None


def engines() -> dict[str, str]:
    """Which transliteration engines this installation uses, for ``names info`` and the docs."""
    return {
        "cyrillic": "PyICU Russian-Latin/BGN" if _icu_transliterator("Russian-Latin/BGN") else "anyascii",
        "chinese": "pypinyin (toneless pinyin)",
        "japanese": "cutlet (Hepburn)" if _cutlet() else (
            "PyICU Katakana/Hiragana-Latin" if _icu is not None else "anyascii"),
        "other": "PyICU Any-Latin" if _icu is not None else "anyascii",
    }


def _cyrillic(run: str, whole: str) -> str:
    if _MONGOLIAN_LETTERS.search(whole):
        return _icu_or_anyascii("Mongolian-Latin/BGN", run)
    if _UKRAINIAN_LETTERS.search(whole):
        return _icu_or_anyascii("Ukrainian-Latin/BGN", run)
    return _icu_or_anyascii("Russian-Latin/BGN", run)


def _japanese(text: str) -> str:
    katsu = _cutlet()
    if katsu is not None:
        try:
            return str(katsu.romaji(text, capitalize=False))
        except Exception:  # cutlet refuses odd input: use the per-run path
            pass
    out = []
    for script, run in script_runs(text):
        if script == "Han":
            out.append("".join(lazy_pinyin(run, style=Style.NORMAL)))
        elif script in ("Hiragana", "Katakana"):
            out.append(_icu_or_anyascii(f"{script}-Latin", run))
        else:
            out.append(run)
    return "".join(out)


def romanise(text: str) -> str:
    """Latin rendering of ``text`` (diacritics kept where the system has them; folding comes later)."""
    if text.isascii():
        return text
    if _KANA.search(text):
        return _japanese(text.replace("・", " ").replace("ー", "ー"))
    parts: list[str] = []
    for script, run in script_runs(text):
        if script in ("Latin", "Common"):
            parts.append(run)
        elif script == "Cyrillic":
            parts.append(_cyrillic(run, text))
        elif script == "Han":
            parts.append(" " + "".join(lazy_pinyin(run, style=Style.NORMAL, errors="default")) + " ")
        elif script == "Greek":
            parts.append(_icu_or_anyascii("Greek-Latin/UNGEGN", run))
        elif script in _ICU_SCRIPTS:
            parts.append(_icu_or_anyascii("Any-Latin", run))
        else:
            # Indic, Southeast Asian and other scripts: anyascii's readings are closer to the usual
            # Latin spellings than ICU's (which keeps inherent vowels: 'vladimira putina').
            parts.append(anyascii(run))
    return "".join(parts)
