"""Source reliability from evidence (Beta-binomial), Admiralty grades and report credibility."""

from __future__ import annotations

import pytest

from sevenfold.ach import assess_case
from sevenfold.ach.language import admiralty_grade, credibility_grade

from .conftest import build_case


def source_result(two_hyp, src, *, outcomes=None, as_of=None, fusion_trust=None, claims=None):
    report = {"id": "r1", "source": src["id"], "date": "1936-01", "claims": claims or []}
    case = build_case(hypotheses=two_hyp, sources=[src], reports=[report], ratings={"r1": ["C", "I"]},
                      outcomes=outcomes or [], as_of=as_of)
    return assess_case(case, fusion_trust=fusion_trust).sources[0]


def test_beta_posterior_from_track_record(two_hyp):
    s = source_result(two_hyp, {"id": "s", "track_record": {"confirmed": 12, "refuted": 1}})
    assert s.reliability == pytest.approx(14 / 17, abs=1e-4)  # Beta(2+12, 2+1)
    assert s.admiralty == "B" and "12 confirmed, 1 refuted" in s.reason


def test_prior_only_is_f(two_hyp):
    s = source_result(two_hyp, {"id": "s"})
    assert s.reliability == pytest.approx(0.5) and s.admiralty == "F"


def test_outcomes_count_only_up_to_as_of(two_hyp):
    outcomes = [{"report": "r1", "verdict": "refuted", "date": "1936-06"}]
    early = source_result(two_hyp, {"id": "s"}, outcomes=outcomes, as_of="1937-01")
    assert early.reliability == pytest.approx(2 / 5, abs=1e-4)
    late = [{"report": "r1", "verdict": "refuted", "date": "1940-06"}]
    assert source_result(two_hyp, {"id": "s"}, outcomes=late, as_of="1937-01").reliability == pytest.approx(0.5)


def test_claim_outcomes_judge_matching_claims(two_hyp):
    claims = [{"object": "doc", "attribute": "authentic", "value": True}]
    confirmed = [{"claim": {"object": "doc", "attribute": "authentic", "value": True}, "verdict": "confirmed"}]
    refuting = [{"claim": {"object": "doc", "attribute": "authentic", "value": False}, "verdict": "confirmed"}]
    up = source_result(two_hyp, {"id": "s"}, claims=claims, outcomes=confirmed)
    down = source_result(two_hyp, {"id": "s"}, claims=claims, outcomes=refuting)
    assert up.reliability == pytest.approx(3 / 5, abs=1e-4)
    assert down.reliability == pytest.approx(2 / 5, abs=1e-4)


def test_fusion_trust_is_blended(two_hyp):
    s = source_result(two_hyp, {"id": "s", "track_record": {"confirmed": 2, "refuted": 2}}, fusion_trust={"s": 1.0})
    assert s.reliability == pytest.approx((4 + 4) / (8 + 4), abs=1e-4)
    assert s.fusion_trust == 1.0 and "fusion trust" in s.reason


@pytest.mark.parametrize(("mean", "lower", "n", "grade"), [
    (0.95, 0.85, 30, "A"), (0.95, 0.70, 5, "B"), (0.80, 0.6, 10, "B"), (0.65, 0.4, 5, "C"),
    (0.5, 0.3, 4, "D"), (0.3, 0.1, 6, "E"), (0.5, 0.2, 0, "F"),
])
def test_admiralty_thresholds(mean, lower, n, grade):
    assert admiralty_grade(mean, lower, n, suspect=False) == grade


def test_credibility_rules():
    assert credibility_grade(0.9, 10, informative=True, corroborated=True, outcome=None) == 1
    assert credibility_grade(0.9, 10, informative=True, corroborated=False, outcome=None) == 3
    assert credibility_grade(0.5, 1.0, informative=True, corroborated=False, outcome=None) == 3
    assert credibility_grade(0.1, 0.3, informative=True, corroborated=False, outcome=None) == 4
    assert credibility_grade(0.05, 0.05, informative=True, corroborated=False, outcome=None) == 5
    assert credibility_grade(0.5, 1.0, informative=False, corroborated=False, outcome=None) == 6
    assert credibility_grade(0.1, 0.1, informative=True, corroborated=False, outcome="confirmed") == 1


def test_contradicted_report_is_improbable(two_hyp):
    sources = [{"id": f"s{k}", "track_record": {"confirmed": 9, "refuted": 0}} for k in range(5)]
    reports = [{"id": f"r{k}", "source": f"s{k}"} for k in range(5)]
    ratings = {f"r{k}": ["CC", "II"] for k in range(4)} | {"r4": ["II", "CC"]}
    a = assess_case(build_case(hypotheses=two_hyp, sources=sources, reports=reports, ratings=ratings))
    cred = {r.id: r.credibility for r in a.reports}
    assert cred["r4"] == 5 and cred["r0"] in (1, 2)
