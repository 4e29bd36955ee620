"""Fields of issue 19: document kinds, cited_in, origin, syntheses, interests, suspected control, notes."""

from __future__ import annotations

import pytest

from sevenfold.errors import CaseValidationError
from sevenfold.model import (
    case_from_data,
    case_json_schema,
    descriptive_interests,
    directional_interests,
    dump_case,
    interested_in,
    loads_case,
    synthesis_inputs,
)


def _data(**over):
    data = {"format": "sevenfold/1", "case": {"id": "t", "note": "the caveat"},
            "actors": [{"id": "abwehr"}],
            "sources": [{"id": "a", "interests": ["h1", "paid per report"],
                         "suspected_control": {"by": "abwehr", "p": 0.3, "since": "1937-06"}},
                        {"id": "b"}, {"id": "c"}],
            "documents": [{"id": "d1", "kind": "compilation", "date": "1989"}, {"id": "d2"}],
            "reports": [{"id": "r1", "source": "a", "document": "d2", "cited_in": "d1", "date": "1937",
                         "date_note": "the year only", "note": "as printed in 1989", "against_interest": True},
                        {"id": "r2", "source": "b", "origin": "c", "via": ["a"]},
                        {"id": "s1", "source": "b", "synthesis_of": ["r1", "r2"]}],
            "hypotheses": [{"id": "h1"}, {"id": "h2"}]}
    data.update(over)
    return data


def test_new_fields_load_and_round_trip() -> None:
    case = case_from_data(_data())
    assert case.case.note == "the caveat"
    assert case.documents[0].kind == "compilation" and case.documents[1].kind == "original"
    r1 = case.report("r1")
    assert (r1.cited_in, r1.date_note, r1.note, r1.against_interest) == ("d1", "the year only", "as printed in 1989",
                                                                          True)
    assert case.report("r2").origin == "c"
    sc = case.source("a").suspected_control
    assert sc is not None and (sc.by, sc.p, sc.since) == ("abwehr", 0.3, "1937-06")
    assert synthesis_inputs(case.reports) == {"s1": ["r1", "r2"]}
    for fmt in ("yaml", "json"):
        assert loads_case(dump_case(case, fmt)) == case
    assert case.warnings() == []          # none of the new fields is taken for a misspelling


def test_files_without_the_new_fields_are_unchanged() -> None:
    case = case_from_data({"format": "sevenfold/1", "case": {"id": "t"}, "sources": [{"id": "a"}],
                           "documents": [{"id": "d"}], "reports": [{"id": "r", "source": "a", "document": "d"}]})
    assert case.documents[0].kind == "original" and case.reports[0].origin is None
    assert "kind" not in dump_case(case, "yaml")  # defaults are not written back


@pytest.mark.parametrize(("given", "kind"), [("monograph", "study"), ("Post mortem", "post-mortem"),
                                             ("collection", "compilation"), ("newspaper", "press"),
                                             ("primary", "original")])
def test_document_kind_synonyms(given: str, kind: str) -> None:
    data = _data()
    data["documents"][0]["kind"] = given
    assert case_from_data(data).documents[0].kind == kind


def _problems(data) -> list[str]:
    with pytest.raises(CaseValidationError) as exc:
        case_from_data(data, "f.yaml")
    return [str(p) for p in exc.value.problems]


@pytest.mark.parametrize(("p", "text"), [(1.5, "must lie in [0, 1], got 1.5"), (-0.01, "got -0.01"),
                                         ("high", "must be a number"), (True, "must be a number")])
def test_control_probability_outside_unit_interval_is_refused(p, text) -> None:
    data = _data()
    data["sources"][0]["suspected_control"]["p"] = p
    [problem] = _problems(data)
    assert problem.startswith("f.yaml: sources[a].suspected_control.p:") and text in problem


def test_unknown_actor_in_suspected_control() -> None:
    data = _data()
    data["sources"][0]["suspected_control"]["by"] = "gestapo"
    assert _problems(data) == ["f.yaml: sources[a].suspected_control.by: unknown actor 'gestapo'"]


def test_bad_references_in_cited_in_origin_and_synthesis_of() -> None:
    data = _data()
    data["reports"][0]["cited_in"] = "nowhere"
    data["reports"][1]["origin"] = "ghost"
    data["reports"][2]["synthesis_of"] = ["r1", "r9", "s1"]
    assert _problems(data) == [
        "f.yaml: reports[r1].cited_in: unknown document 'nowhere'",
        "f.yaml: reports[r2].origin: unknown source 'ghost'",
        "f.yaml: reports[s1].synthesis_of[1]: unknown report 'r9'",
        "f.yaml: reports[s1].synthesis_of[2]: a report cannot be a synthesis of itself",
    ]


def test_a_synthesis_cycle_is_refused() -> None:
    data = _data()
    data["reports"][0]["synthesis_of"] = ["s1"]
    [problem] = _problems(data)
    assert "reports[r1].synthesis_of: synthesis_of runs in a circle (r1 → s1 → r1)" in problem


def test_interests_naming_hypotheses_are_directional() -> None:
    case = case_from_data(_data())
    a, r1, r2 = case.source("a"), case.report("r1"), case.report("r2")
    hyps = {"h1", "h2"}
    assert directional_interests(a, hyps) == ["h1"]
    assert descriptive_interests(a, hyps) == ["paid per report"]
    assert interested_in(r2, a, "h1", hyps)
    assert not interested_in(r1, a, "h1", hyps)            # marked against_interest
    only_dir = a.model_copy(update={"interests": ["h1"]})
    assert interested_in(r2, only_dir, "h1", hyps) and not interested_in(r2, only_dir, "h2", hyps)


def test_schema_describes_the_new_fields() -> None:
    defs = case_json_schema()["$defs"]
    rep = defs["Report"]["properties"]
    for key in ("origin", "cited_in", "synthesis_of", "against_interest", "note", "date_note"):
        assert key in rep
    assert set(defs["Document"]["properties"]["kind"]["enum"]) == {
        "original", "edition", "compilation", "study", "press", "post-mortem"}
    assert "suspected_control" in defs["Source"]["properties"]
    assert "note" in defs["CaseMeta"]["properties"]
