"""The one guarded JSON loader (sevenfold.safe_json): nesting past the limit is refused from the text,
before json.loads or Arrow recurse; the bracket scan agrees with the parsed depth on any JSON."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sevenfold import safe_json
from sevenfold.errors import LimitExceeded

# text that looks like JSON structure inside strings: brackets, quotes, backslash runs, escaped newlines
TRICKY = st.sampled_from(['[', ']', '{', '}', '"', '\\', '\\\\', '\\"', '\\\\"', '\n', 'é', '\u2028', 'a'])
TEXT = st.lists(TRICKY, max_size=6).map("".join)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=40,
)


def _depth(x: Any) -> int:
    if isinstance(x, (list, dict)):
        vals = x.values() if isinstance(x, dict) else x
        return 1 + max((_depth(v) for v in vals), default=0)
    return 0


def _refused(text: str | bytes, limit: int) -> bool:
    try:
        safe_json.check_depth(text, "f", limit=limit)
    except LimitExceeded:
        return True
    return False


@settings(max_examples=300, deadline=None)
@given(JSON, st.booleans(), st.sampled_from([None, 1]))
def test_the_scan_agrees_with_the_parsed_depth(data: Any, ascii_only: bool, indent: int | None) -> None:
    text = json.dumps(data, ensure_ascii=ascii_only, indent=indent)
    d = _depth(data)
    for limit in {max(d - 1, 0), d}:
        assert _refused(text, limit) == (d > limit)
        assert _refused(text.encode(), limit) == (d > limit)


def test_depth_100000_is_refused_before_json_loads_recurses() -> None:
    text = "[" * 100_000 + "]" * 100_000
    with pytest.raises(LimitExceeded, match=r"deep\.json: line 1: refused: nesting_depth is more than 64"):
        safe_json.loads(text, "deep.json")
    assert safe_json.loads("[" * 64 + "]" * 64, "ok.json") is not None


def test_the_refusal_names_the_line_of_json_lines() -> None:
    lines = [json.dumps({"a": i}) for i in range(5)] + ["[" * 70 + "]" * 70]
    with pytest.raises(LimitExceeded, match=r"f\.jsonl: line 6:"):
        safe_json.check_depth("\n".join(lines), "f.jsonl")


def test_stray_closers_or_an_open_string_cannot_hide_a_deep_line() -> None:
    # each line of JSON-lines is parsed alone: the depth of an earlier, invalid line must not offset it
    assert _refused("]" * 100 + "\n" + "[" * 70, 64)
    assert _refused('{"a": "unclosed [[[\n' + "[" * 70, 64)
    assert not _refused('["' + "[" * 100 + '"]', 64)  # brackets inside a string do not nest


@pytest.mark.parametrize("block", [7, 64, 1000])
def test_files_are_scanned_in_blocks_of_whole_lines(monkeypatch: pytest.MonkeyPatch, block: int) -> None:
    monkeypatch.setattr(safe_json, "_BLOCK", block)
    deep = "[" * 40 + "\n" + "[" * 30 + "\n" + "]" * 70 + "\n"  # nesting carried across lines and blocks
    with pytest.raises(LimitExceeded, match="f: line 3:"):  # line 2 opens 40, line 3 30 more
        safe_json.check_file_depth(io.BytesIO(b'{"x": 1}\n' + deep.encode()), "f")
    safe_json.check_file_depth(io.BytesIO(('["' + "[" * 500 + '"]\n').encode() * 3), "f")  # long lines
    with pytest.raises(LimitExceeded):
        safe_json.check_depth(deep, "f")


def test_loads_passes_json_options_and_errors_through() -> None:
    assert safe_json.loads('{"n": 1.5}', "f", parse_float=str) == {"n": "1.5"}
    with pytest.raises(json.JSONDecodeError):
        safe_json.loads("[1,", "f")
    with pytest.raises(TypeError):
        safe_json.loads(7, "f")  # type: ignore[arg-type]


def test_the_limit_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEVENFOLD_LIMIT_NESTING_DEPTH", "3")
    assert safe_json.loads("[[[1]]]", "f") == [[[1]]]
    with pytest.raises(LimitExceeded, match="above the limit of 3"):
        safe_json.loads("[[[[1]]]]", "f")
