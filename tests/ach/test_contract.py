"""The Assessment contract: shape, ordering, normalisation, method name, Heuer beside, bundled case."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from sevenfold.ach import METHOD, assess_case, inconsistency_scores
from sevenfold.ach.language import estimative
from sevenfold.model import load_case

from .conftest import build_case


@pytest.fixture(scope="module")
def zarubin():
    path = resources.files("sevenfold") / "data" / "zarubin-1937.yaml"
    return load_case(str(path))


def test_bundled_case_fills_contract(zarubin):
    a = assess_case(zarubin)
    d = json.loads(json.dumps(a.to_json_dict()))
    assert d["method"] == METHOD == "bayes-ach/1"
    posts = [h["posterior"] for h in d["hypotheses"]]
    assert posts == sorted(posts, reverse=True)
    assert sum(posts) == pytest.approx(1.0, abs=1e-5)
    assert d["top"] == d["hypotheses"][0]["id"]
    assert d["confidence"] in {"low", "moderate", "high"} and d["confidence_reason"]
    for h in d["hypotheses"]:
        assert h["estimative"] == estimative(h["posterior"])
    assert d["hypotheses"] and all(s["admiralty"] in "ABCDEF" and s["reason"] for s in d["sources"])
    assert all(1 <= r["credibility"] <= 6 and 0 <= r["diagnosticity"] < 1 for r in d["reports"])
    assert {r["origin"] for r in d["reports"]} == {o["id"] for o in d["origins"]}
    assert isinstance(d["linchpins"], list) and isinstance(d["verify_next"], list)
    assert len(d["sensitivity"]) == len(d["reports"])
    budget = d["deception_budget"]
    assert set(budget) == {"hypothesis", "flips_to", "origins", "size"} and budget["hypothesis"] == d["top"]
    assert budget["size"] is None or budget["size"] == len(budget["origins"]) >= 1


def test_bundled_case_single_origin_gives_low_confidence(zarubin):
    # Every substantive report derives from Zarubin's own account: one origin cannot give more than low.
    a = assess_case(zarubin)
    assert a.confidence == "low"
    by_id = {o.id: o for o in a.origins}
    zarubin_origin = next(r.origin for r in a.reports if r.id == "zarubin-yes-to-ezhov")
    assert "zarubin-provocation-precluded" in by_id[zarubin_origin].reports
    # Stalin's conviction rests on three of Zarubin's assurances (derived_from all three): it restates
    # them, so it adds no weight of its own
    assert next(r.weight for r in a.reports if r.id == "stalin-convinced-exists") == 0


def test_heuer_inconsistency_beside_posterior(zarubin):
    a = assess_case(zarubin)
    scores = inconsistency_scores(zarubin)
    assert {h.id: h.inconsistency for h in a.hypotheses} == pytest.approx(scores)


def test_uniform_when_no_evidence(two_hyp):
    case = build_case(hypotheses=two_hyp, reports=[{"id": "r1", "source": "s"}], ratings={"r1": ["N", "N"]})
    a = assess_case(case)
    assert [h.posterior for h in a.hypotheses] == pytest.approx([0.5, 0.5])
    assert a.top is None  # a tie has no top
    assert a.confidence == "low"


@pytest.mark.parametrize(("p", "words"), [
    (0.0, "almost no chance"), (0.049, "almost no chance"), (0.05, "very unlikely"), (0.199, "very unlikely"),
    (0.2, "unlikely"), (0.449, "unlikely"), (0.45, "roughly even chance"), (0.55, "roughly even chance"),
    (0.551, "likely"), (0.799, "likely"), (0.8, "very likely"), (0.949, "very likely"), (0.95, "almost certain"),
    (1.0, "almost certain"),
])
def test_icd203_band_edges(p, words):
    assert estimative(p) == words


def test_as_of_ignores_later_reports(two_hyp):
    reports = [{"id": "r1", "source": "s", "date": "1936-05"}, {"id": "r2", "source": "s", "date": "1938-01-02"}]
    case = build_case(hypotheses=two_hyp, reports=reports, ratings={"r1": ["C", "I"], "r2": ["II", "CC"]},
                      as_of="1937-03")
    a = assess_case(case)
    assert [r.id for r in a.reports] == ["r1"]
    assert a.top == "a"
    # a report dated with the as_of month itself may be on or before it: kept
    reports[1]["date"] = "1937-03"
    assert {r.id for r in assess_case(build_case(hypotheses=two_hyp, reports=reports,
                                                 ratings={"r1": ["C", "I"], "r2": ["II", "CC"]},
                                                 as_of="1937-03")).reports} == {"r1", "r2"}


def test_hypothesis_outcome_before_as_of_is_noted_not_used(two_hyp):
    case = build_case(hypotheses=two_hyp, reports=[{"id": "r1", "source": "s"}], ratings={"r1": ["N", "N"]},
                      outcomes=[{"hypothesis": "b", "verdict": "confirmed", "date": "1936"},
                                {"hypothesis": "a", "verdict": "refuted", "date": "1950"}], as_of="1937")
    a = assess_case(case)
    assert any("'b' was confirmed (1936)" in n for n in a.notes)
    assert not any("'a'" in n for n in a.notes)
    assert [h.posterior for h in a.hypotheses] == pytest.approx([0.5, 0.5])
