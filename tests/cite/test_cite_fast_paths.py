"""The speed-ups of the audit give the same results as the plain versions they replace.

Each fast path is compared with the straightforward version on generated text: the regex substitution of
``match_view`` with ``str.translate``, the first-character look-ahead of ``guard_first_chars`` with the
unguarded pattern, the token pattern of ``split_segments`` (which skips stops that cannot end a sentence)
with the one that visits every stop, and the byte output of ``cite audit --json`` with ``model_dump_json``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from sevenfold.cite import segment
from sevenfold.cite.textnorm import _FOLD, _TABLE, guard_first_chars, match_view

# characters that matter to the folding, the segmenter and the patterns below, plus some of every kind
_ALPHABET = st.sampled_from(
    [*_FOLD, " ", "\n", ".", ";", "?", "!", "*", "(", ")", "[", "]", "'", ",", "-", "/", "a", "b", "c", "o", "p",
     "A", "B", "C", "O", "P", "x", "Z", "1", "9", "٣", "é", "É", "ſ", "K", "İ", "ı", "ß", "Σ", "ς", "ф", "Ф",
     "л", "Ibid", "op. cit.", "Op. Cit", "f. 17", "pp. ", "A. ", "Kershaw", "RGASPI", "NARA", "box ", "ук. соч"])
_TEXT = st.lists(_ALPHABET, max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_match_view_is_translate(text: str) -> None:
    assert match_view(text) == text.translate(_TABLE)
    assert match_view(text) == match_view(text)  # the remembered last view is the same


_PATTERNS = [
    re.compile(r"(?P<w>op\.?\s{0,2}cit|loc\.?\s{0,2}cit|ук\.?\s{0,2}соч|a\.\s{0,2}a\.\s{0,2}O)(?!\w)\.?",
               re.IGNORECASE),
    re.compile(r"(?<!\w)(?:box|folder|Bl\.|fols?\.|k\.|roll)\s{0,2}\d", re.IGNORECASE),
    re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)"),
    re.compile(r"\b(?:collection|papers|records|fonds?|sammlung)\b", re.IGNORECASE),
    re.compile(r"(?i:abc|ſs)|D|K"),  # a case-insensitive branch beside case-sensitive ones
    re.compile(r"(?:x|(?i:kershaw))+,"),
    re.compile(r"(?<!\w)(?i:(?P<name>rgaspi|nara|ibid))(?!\w)"),
]


@pytest.mark.parametrize("pattern", _PATTERNS, ids=lambda p: p.pattern[:30])
@settings(max_examples=150, deadline=None)
@given(text=_TEXT)
def test_guard_first_chars_keeps_every_match(pattern: re.Pattern[str], text: str) -> None:
    guarded = guard_first_chars(pattern)
    assert guarded is not pattern  # each of these gets a look-ahead
    assert [(m.span(), m.groups()) for m in guarded.finditer(text)] == \
        [(m.span(), m.groups()) for m in pattern.finditer(text)]


def test_guard_first_chars_leaves_what_it_cannot_help() -> None:
    for p in (re.compile(r"\w+x"), re.compile(r"a*b"), re.compile(r"abc"), re.compile(r"[ab]c"),
              re.compile(r"(?i)x|y"), re.compile(r"[^a]b")):
        assert guard_first_chars(p) is p


_ALL_STOPS = re.compile(r"[*\"«»„]|[.?!;][\"')\]]*(?=\s)")  # every stop visited


@settings(max_examples=400, deadline=None)
@given(_TEXT)
def test_split_segments_same_as_visiting_every_stop(text: str) -> None:
    fast = segment.split_segments(text)
    saved = segment._TOKENS
    segment._TOKENS = _ALL_STOPS
    try:
        plain = segment.split_segments(text)
    finally:
        segment._TOKENS = saved
    assert fast == plain


def test_cli_json_bytes_are_model_dump_json(tmp_path: Path) -> None:
    from sevenfold.cite import audit_file
    from sevenfold.commands.cite import register

    app = typer.Typer()
    register(app)
    app.command("noop")(lambda: None)  # a second command keeps 'cite' a sub-command
    text = ("1. NARA, RG 242, T-175, roll 409, frames 2345–2350.\n2. Ibid., frames 2351–2352.\n"
            "3. Хлевнюк О. В. Хозяин. М., 2010. С. 245.\n4. Ian Kershaw, *Hitler* (London, 1998), p. 5.\n")
    src = tmp_path / "notes.txt"
    src.write_text(text, encoding="utf-8")
    res = CliRunner().invoke(app, ["cite", "audit", str(src), "--json"])
    assert res.exit_code == 0, res.output
    expected = audit_file(str(src)).model_dump_json(indent=2, exclude={"works": {"__all__": {"citation"}}}) + "\n"
    assert res.stdout_bytes == expected.encode("utf-8")
