"""A key stated twice in one mapping is refused, in YAML and in JSON (sixth-session review finding:
a second ``ratings:`` block silently replaced the first and the file still validated)."""

from __future__ import annotations

import json

import pytest

from sevenfold.errors import CaseValidationError
from sevenfold.model import loads_case

CASE = """format: sevenfold/1
case: {id: t, title: t, question: "?"}
sources: [{id: s}]
reports: [{id: r1, source: s}]
hypotheses: [{id: a, statement: one}, {id: b, statement: two}]
ratings:
  - {report: r1, hypothesis: a, consistency: C}
"""


def test_a_repeated_top_level_key_in_yaml_is_refused():
    with pytest.raises(CaseValidationError, match=r"'ratings' appears twice.*line 6"):
        loads_case(CASE + "ratings:\n  - {report: r1, hypothesis: b, consistency: I}\n", "dup.yaml")


def test_a_repeated_key_inside_an_entry_is_refused():
    with pytest.raises(CaseValidationError, match="'source' appears twice"):
        loads_case(CASE.replace("{id: r1, source: s}", "{id: r1, source: s, source: s}"), "dup.yaml")


def test_a_repeated_key_in_json_is_refused():
    text = json.dumps({"format": "sevenfold/1", "case": {"id": "t", "title": "t", "question": "?"}})
    text = text[:-1] + ', "format": "sevenfold/1"}'
    with pytest.raises(CaseValidationError, match="'format' appears twice"):
        loads_case(text, "dup.json")


def test_yaml_merge_keys_are_not_duplicates():
    text = CASE.replace("sources: [{id: s}]", "base: &b {kind: open}\nsources: [{<<: *b, id: s}]")
    with pytest.raises(CaseValidationError) as err:  # 'base' is not a case field; merging itself is fine
        loads_case(text, "merge.yaml")
    assert "appears twice" not in str(err.value)
