"""The store's fast JSON text paths give exactly what the stdlib ``json`` module gives."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sevenfold.store import jsontext

scalars = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(10**30), max_value=10**30),
                    st.floats(allow_nan=False, allow_infinity=False), st.text())
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.text(max_size=5), inner, max_size=4)),
                      max_leaves=12)


@settings(max_examples=400, deadline=None)
@given(values)
def test_dumps_is_json_dumps(value: object) -> None:
    assert jsontext.dumps(value) == json.dumps(value)


@settings(max_examples=400, deadline=None)
@given(values)
def test_loads_reads_back_the_same_values_and_types(value: object) -> None:
    text = json.dumps(value)
    got, want = jsontext.loads(text), json.loads(text)
    assert got == want and type(got) is type(want)


@pytest.mark.parametrize("text", ['"a"', '""', '"caf\\u00e9"', '"a\\"b"', "0", "7", "123456789012345678901234567890",
                                  "-3", "1.0", "1e5", "true", "false", "null", "[]", '{"a": [1, 2.5]}',
                                  '"\\n"', "NaN", "Infinity"])
def test_loads_on_edge_texts(text: str) -> None:
    got, want = jsontext.loads(text), json.loads(text)
    assert got == want or (got != got and want != want)  # NaN
    assert type(got) is type(want)


@pytest.mark.parametrize("text", ["", "01", "\u0663", '"a', '"tab\there"', "tru", "nul", "[1,", '"\x01"'])
def test_loads_refuses_what_json_refuses(text: str) -> None:
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)
    with pytest.raises(json.JSONDecodeError):
        jsontext.loads(text)


def test_dumps_of_non_finite_floats_is_json_dumps() -> None:
    for v in (float("inf"), float("-inf")):
        assert jsontext.dumps(v) == json.dumps(v)
