"""Slips in a case file that used to pass silently (sixth-session review findings): a key stated twice in
one mapping is refused, in YAML and in JSON (a second ``ratings:`` block replaced the first); a misspelt
field is kept as an extra key, with a warning."""

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


def test_a_misspelt_field_is_kept_but_warned_about():
    """Review finding (session 6): `derived_form` (for derived_from) validated silently; the copy links
    vanished and the verdict changed. Extra keys are allowed, so it stays valid, with a warning."""
    text = CASE.replace("{id: r1, source: s}", "{id: r1, source: s, derived_form: [r0], my_note: x}")
    warnings = loads_case(text, "typo.yaml").warnings()
    assert warnings == ["reports[r1]: unknown key 'derived_form' is kept as an extra field; did you mean "
                        "'derived_from'?"]


@pytest.mark.parametrize("case_id, ok", [("zarubin-1937", True), ("дело_1937.v2", True), ("新京", True),
                                          ("हिंदी-1", True), ("jose\u0301", True),
                                          ("Bad Id/../x", False), ("a/b", False), ('q".html', False), (".x", False)])
def test_a_case_id_is_a_slug_in_any_script(case_id, ok):
    text = CASE.replace("case: {id: t,", f"case: {{id: {json.dumps(case_id)},")
    if ok:
        assert loads_case(text, "c.yaml").id == case_id
    else:
        with pytest.raises(CaseValidationError, match="slug"):
            loads_case(text, "c.yaml")


def test_a_stored_case_with_an_older_id_still_loads():
    """The slug rule applies when a case is first read (with the input limits), not to a store's rows."""
    from sevenfold.model import case_from_data

    data = {"format": "sevenfold/1", "case": {"id": "old id/1", "title": "t", "question": "?"}}
    assert case_from_data(data, "store:old", check_limits=False).id == "old id/1"


def test_a_case_assess_would_refuse_is_valid_with_a_warning():
    """Review finding (session 6): validate and import said nothing about a case with no hypotheses, or
    with every prior 0, which assess then refused."""
    bare = loads_case('format: sevenfold/1\ncase: {id: t, title: t, question: "?"}\n', "bare.yaml")
    assert any("no hypotheses yet" in w for w in bare.warnings())
    zero = loads_case(CASE.replace("{id: a, statement: one}", "{id: a, statement: one, prior: 0}")
                          .replace("{id: b, statement: two}", "{id: b, statement: two, prior: 0}"), "zero.yaml")
    assert any("every hypothesis has prior 0" in w for w in zero.warnings())
    assert not any("normalised" in w for w in zero.warnings())  # priors of 0 cannot be normalised


def test_misspelt_keys_once_each_and_inside_nested_entries():
    """Second-review findings (session 6): a case-level typo was reported twice, and a typo inside a
    track_record (`confimed`) was not reported, so the record silently became 0."""
    text = (CASE.replace('case: {id: t, title: t, question: "?"}', 'case: {id: t, title: t, question: "?", titel: x}')
            .replace("sources: [{id: s}]", "sources: [{id: s, track_record: {confimed: 12}}]"))
    assert loads_case(text, "typo.yaml").warnings() == [
        "case: unknown key 'titel' is kept as an extra field; did you mean 'title'?",
        "sources[s].track_record: unknown key 'confimed' is kept as an extra field; did you mean 'confirmed'?"]


def test_a_claim_outcome_without_a_value_is_warned_about():
    """Review finding (session 6): such an outcome was silently ignored."""
    text = CASE + "outcomes:\n  - {claim: {object: memo, attribute: authentic}, verdict: confirmed}\n"
    assert any("has no value" in w for w in loads_case(text, "o.yaml").warnings())
