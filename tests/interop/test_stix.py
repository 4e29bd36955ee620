"""STIX 2.1: exact round trip of our bundles, mapping of other tools' bundles, confidence, refusals."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest
import stix2
from hypothesis import HealthCheck, given, settings

from sevenfold.ach import assess_case
from sevenfold.errors import InputError
from sevenfold.interop.confidence import (
    confidence_to_stix,
    credibility_to_stix,
    stix_to_confidence,
    stix_to_credibility,
)
from sevenfold.interop.stix import case_to_stix, import_stix, stix_to_case
from sevenfold.model import case_from_data, case_to_data, load_case
from tests.strategies import case_data

from .conftest import bundled_case_paths

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
INDICATOR = {"type": "indicator", "spec_version": "2.1", "id": "indicator--6c7a1f7e-3b8a-4c39-9c2a-1f0e4a7d9b11",
             "created": "2024-01-01T00:00:00.000Z", "modified": "2024-01-01T00:00:00.000Z",
             "pattern": "[ipv4-addr:value = '198.51.100.7']", "pattern_type": "stix",
             "valid_from": "2024-01-01T00:00:00Z"}


def _foreign(bundle):
    """The bundle as another tool would write it: no x_sevenfold_* properties."""
    out = copy.deepcopy(bundle)
    out["objects"] = [{k: v for k, v in o.items() if not k.startswith("x_sevenfold")} for o in out["objects"]]
    return out


@pytest.mark.parametrize("path", bundled_case_paths(), ids=lambda p: p.stem)
def test_bundled_cases_round_trip_exactly(path):
    case = load_case(path)
    bundle = case_to_stix(case, assess_case(case), now=NOW)
    for obj in bundle["objects"]:
        stix2.parse(obj, allow_custom=True, version="2.1")  # every object is valid STIX 2.1
    back = stix_to_case(json.loads(json.dumps(bundle)))
    assert case_to_data(back.case) == case_to_data(case)
    assert back.unmapped == {}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=case_data())
def test_generated_cases_round_trip_exactly(data):
    case = case_from_data(data, "generated")
    back = stix_to_case(case_to_stix(case, now=NOW))
    assert case_to_data(back.case) == case_to_data(case)


def test_export_is_deterministic(small_case):
    a = assess_case(small_case)
    assert case_to_stix(small_case, a, now=NOW) == case_to_stix(small_case, a, now=NOW)


def test_standard_fields_carry_the_case(small_case):
    bundle = case_to_stix(small_case, now=NOW)
    by_type = {}
    for o in bundle["objects"]:
        by_type.setdefault(o["type"], []).append(o)
    identities = {o["id"]: o for o in by_type["identity"]}
    assert {o["name"] for o in identities.values()} == {"Agent One", "Ministry"}
    r2 = next(o for o in by_type["report"] if o["description"] == "Restates r1")
    assert identities[r2["created_by_ref"]]["name"] == "Ministry"
    rels = {(o["relationship_type"]) for o in by_type["relationship"]}
    assert rels == {"derived-from", "controlled-by"}
    opinions = sorted(o["opinion"] for o in by_type["opinion"])
    assert opinions == sorted(["agree", "neutral", "agree", "strongly-disagree", "agree"])
    r1 = next(o for o in by_type["report"] if "exists" in o["description"])
    assert r1["external_references"][0]["description"].startswith("RGASPI, f. 17")


def test_confidence_mapping(small_case):
    a = assess_case(small_case)
    bundle = case_to_stix(small_case, a, now=NOW)
    notes = [o for o in bundle["objects"] if o["type"] == "note"]
    hyp_notes = {o["abstract"]: o for o in notes if o["abstract"].startswith("Hypothesis")}
    for h in a.hypotheses:
        assert hyp_notes[f"Hypothesis {h.id}"]["confidence"] == round(100 * h.posterior)
    assessment_note = next(o for o in notes if o["abstract"].startswith("Assessment"))
    assert assessment_note["confidence"] == {"low": 15, "moderate": 50, "high": 85}[a.confidence]
    # no assessment: no confidence anywhere, nothing invented
    bare = case_to_stix(small_case, None, now=NOW)
    assert not any("confidence" in o for o in bare["objects"])


def test_confidence_scales_invert():
    for level in ("low", "moderate", "high"):
        assert stix_to_confidence(confidence_to_stix(level)) == level
    for cred in range(1, 6):
        assert stix_to_credibility(credibility_to_stix(cred)) == cred
    assert credibility_to_stix(6) is None and stix_to_credibility(None) == 6
    assert stix_to_confidence(0) is None


def test_other_tools_bundle_is_mapped_from_standard_fields(small_case):
    bundle = _foreign(case_to_stix(small_case, now=NOW))
    bundle["objects"].append(INDICATOR)
    result = stix_to_case(bundle, case_id="foreign")
    case = result.case
    assert case.id == "foreign"
    names = {s.name for s in case.sources}
    assert {"Agent One", "Ministry"} <= names
    by_text = {r.text: r for r in case.reports}
    restated = by_text["Restates r1"]
    assert case.source(restated.source).name == "Ministry"
    assert restated.derived_from == [by_text["The memo <b>exists</b>"].id]
    assert restated.date == "1937-01-02"
    ministry = next(s for s in case.sources if s.name == "Ministry")
    assert ministry.controlled_by is not None and case.actor(ministry.controlled_by).name == "Adversary"
    memo = by_text["The memo <b>exists</b>"]
    assert memo.document is not None
    assert next(d for d in case.documents if d.id == memo.document).citation.startswith("RGASPI")
    # the indicator is kept, counted and written back on export
    assert result.unmapped.get("indicator") == 1
    assert any("indicator" in w for w in result.warnings)
    again = case_to_stix(case, now=NOW)
    assert INDICATOR in again["objects"]


def test_foreign_opinion_on_our_report_and_hypothesis_becomes_a_rating(small_case):
    bundle = case_to_stix(small_case, now=NOW)
    report = next(o for o in bundle["objects"] if o["type"] == "report" and o["description"] == "It is a plant")
    hyp = next(o for o in bundle["objects"] if o["type"] == "note" and o["abstract"] == "Hypothesis plant")
    bundle["objects"] = [o for o in bundle["objects"] if o["type"] != "opinion"]
    bundle["objects"].append({"type": "opinion", "spec_version": "2.1",
                              "id": "opinion--0b9f1e1c-8d4b-4f7e-9a61-7c3c2b1d0e55",
                              "created": "2024-01-01T00:00:00.000Z", "modified": "2024-01-01T00:00:00.000Z",
                              "opinion": "strongly-disagree", "authors": ["bob"],
                              "object_refs": [report["id"], hyp["id"]]})
    case = stix_to_case(bundle).case
    assert [(r.report, r.hypothesis, r.consistency, r.analyst) for r in case.ratings] == [("r3", "plant", "II", "bob")]


@pytest.mark.parametrize("mutate, message", [
    (lambda b: b.update(type="report"), "not a STIX bundle"),
    (lambda b: b.update(objects={"a": 1}), "'objects' must be a list"),
    (lambda b: b["objects"].append("nonsense"), r"objects\[\d+\]: not a JSON object"),
    (lambda b: b["objects"].append({"type": "report"}), "missing 'type' or 'id'"),
    (lambda b: b["objects"].append(dict(INDICATOR, id="indicator--1")), "not a valid STIX identifier"),
    (lambda b: b["objects"].append(dict(INDICATOR, pattern_type=None, valid_from="yesterday")), "indicator--"),
    (lambda b: b["objects"].append(b["objects"][1]), "appears 2 times"),
    (lambda b: b["objects"][1].update(spec_version="2.0"), "only STIX 2.1 is read"),
])
def test_malformed_bundles_are_refused_whole(small_case, mutate, message):
    bundle = case_to_stix(small_case, now=NOW)
    mutate(bundle)
    with pytest.raises(InputError, match=message):
        stix_to_case(bundle)


def test_every_problem_is_listed(small_case):
    bundle = case_to_stix(small_case, now=NOW)
    bundle["objects"] += [{"type": "report", "id": "report--x"}, {"type": "identity", "id": "identity--y"}]
    with pytest.raises(InputError) as exc:
        stix_to_case(bundle)
    assert "report--x" in str(exc.value) and "identity--y" in str(exc.value)
    assert "nothing was imported" in str(exc.value)


def test_file_errors(tmp_path):
    p = tmp_path / "b.json"
    p.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match=r"b.json: not valid JSON \(STIX bundle\): line 1"):
        import_stix(p)
    with pytest.raises(InputError, match="no such file"):
        import_stix(tmp_path / "missing.json")


def _strip_custom(value):
    """What a platform that keeps only standard STIX 2.1 does: every ``x_`` property dropped, at any depth,
    and every object of a custom (``x-``) type dropped."""
    if isinstance(value, dict):
        return {k: _strip_custom(v) for k, v in value.items() if not k.startswith("x_")}
    if isinstance(value, list):
        return [_strip_custom(v) for v in value
                if not (isinstance(v, dict) and str(v.get("type", "")).startswith("x-"))]
    return value


def _ratings(case):
    return sorted((r.report, r.hypothesis, r.consistency, r.likelihood, r.analyst) for r in case.ratings)


def _without_entry_json(bundle):
    """A platform that also drops the descriptions of external references: only labels and ids are left."""
    out = copy.deepcopy(bundle)
    for o in out["objects"]:
        for ref in o.get("external_references", []):
            if ref.get("source_name") == "sevenfold":
                ref.pop("description", None)
    return out


@pytest.mark.parametrize("path", bundled_case_paths(), ids=lambda p: p.stem)
def test_a_bundle_stripped_of_custom_properties_comes_back_whole(path):
    """Issue 21: another platform re-exports our bundle without its x_ properties (at any depth) and without
    custom object types. Each entry also travels in its standard `sevenfold` external reference, so the
    case comes back exactly and assesses exactly as before."""
    case = load_case(path)
    original = assess_case(case)
    bundle = case_to_stix(case, original, now=NOW)
    bundle["objects"].append({"type": "x-acme-thing", "id": "x-acme-thing--6c7a1f7e-3b8a-4c39-9c2a-1f0e4a7d9b12",
                              "spec_version": "2.1"})
    stripped = _strip_custom(bundle)
    assert not any(k.startswith("x_") for o in stripped["objects"] for k in o)
    assert not any(o["type"].startswith("x-") for o in stripped["objects"])
    back = stix_to_case(json.loads(json.dumps(stripped))).case
    assert case_to_data(back) == case_to_data(case)
    again = assess_case(back)
    assert [(h.id, h.posterior) for h in again.hypotheses] == [(h.id, h.posterior) for h in original.hypotheses]


@pytest.mark.parametrize("path", bundled_case_paths(), ids=lambda p: p.stem)
def test_a_bundle_with_only_standard_labels_still_assesses(path):
    """Custom properties and the entry JSON both gone: the hypotheses, the ratings (exact codes and
    likelihoods) and the verdict travel in standard notes, opinions, labels and external ids, so the
    import assesses, and reaches the same verdict."""
    case = load_case(path)
    original = assess_case(case)
    bundle = _without_entry_json(_strip_custom(case_to_stix(case, original, now=NOW)))
    assert "description" not in json.dumps([r for o in bundle["objects"] for r in o.get("external_references", [])
                                            if r.get("source_name") == "sevenfold"])
    back = stix_to_case(json.loads(json.dumps(bundle))).case
    assert back.id == case.id and back.case.as_of == case.case.as_of
    assert [(h.id, h.statement, h.prior) for h in back.hypotheses] == [
        (h.id, h.statement, h.prior) for h in case.hypotheses]
    assert _ratings(back) == _ratings(case)
    assert {(r.id, r.source, r.date, r.modality) for r in back.reports} == {
        (r.id, r.source, r.date, r.modality) for r in case.reports}
    assert {(s.id, s.kind) for s in back.sources} == {(s.id, s.kind) for s in case.sources}
    verdict = back.case.extra["stix_assessment"]  # the exporting platform's verdict, as it was sent
    assert verdict["top"] == original.top and verdict["method"] == original.method
    again = assess_case(back)
    assert again.top == original.top
    assert {h.id for h in again.hypotheses} == {h.id for h in original.hypotheses}
