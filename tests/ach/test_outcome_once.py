"""A verified statement counts once in a source's record: the report is the unit, one act of reporting
one test of its originator (docs/assessment.md §2, *One report, one test*)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from sevenfold.ach.reliability import outcome_counts
from sevenfold.model import case_from_data, load_case
from sevenfold.pipeline import run_assessment

from .conftest import build_case

HYPS = [{"id": "a", "statement": "the landing is in the north"}, {"id": "b", "statement": "it is in the south"}]
GARBO = Path(__file__).parents[1] / "data" / "heldout_fusion" / "garbo-1944.yaml"


def _claim(obj: str, value: str) -> dict[str, Any]:
    return {"object": obj, "attribute": "is", "value": value}


def _counts(reports: list[dict[str, Any]], outcomes: list[dict[str, Any]]) -> dict[str, tuple[int, int]]:
    case = build_case(hypotheses=HYPS, reports=reports, ratings={r["id"]: ["C", "I"] for r in reports},
                      outcomes=outcomes, as_of="1945")
    return outcome_counts(case, {r["id"] for r in reports})


ONE_REPORT = [{"id": "r1", "source": "s", "date": "1944-06-01", "claims": [_claim("landing", "north")]}]
ON_REPORT = {"report": "r1", "verdict": "confirmed", "date": "1944-06-06"}
ON_CLAIM = {"claim": _claim("landing", "north"), "verdict": "confirmed", "date": "1944-06-06"}


@pytest.mark.parametrize("outcomes", [[ON_REPORT], [ON_CLAIM], [ON_REPORT, ON_CLAIM], [ON_CLAIM, ON_REPORT]],
                         ids=["report", "claim", "both", "both-reversed"])
def test_an_outcome_on_a_report_and_on_its_claim_are_one_test(outcomes: list[dict[str, Any]]) -> None:
    assert _counts(ONE_REPORT, outcomes) == {"s": (1, 0)}


def test_several_claim_outcomes_on_one_report_are_one_test() -> None:
    reports = [{"id": "r1", "source": "s", "date": "1944-06-01",
                "claims": [_claim("landing", "north"), _claim("date", "june")]}]
    outcomes = [ON_CLAIM, {"claim": _claim("date", "june"), "verdict": "confirmed", "date": "1944-06-06"}]
    assert _counts(reports, outcomes) == {"s": (1, 0)}


def test_a_report_refuted_in_any_part_counts_as_refuted() -> None:
    """Report confirmed as a whole, one of its claims refuted: one test, and it failed."""
    reports = [{"id": "r1", "source": "s", "date": "1944-06-01",
                "claims": [_claim("landing", "north"), _claim("date", "july")]}]
    outcomes = [ON_REPORT, ON_CLAIM, {"claim": _claim("date", "june"), "verdict": "confirmed", "date": "1944-06-06"}]
    assert _counts(reports, outcomes) == {"s": (0, 1)}


def test_separate_reports_are_separate_tests() -> None:
    reports = [*ONE_REPORT, {"id": "r2", "source": "s", "date": "1944-06-02", "claims": [_claim("date", "june")]},
               {"id": "r3", "source": "s", "date": "1944-06-03"}]
    outcomes = [ON_CLAIM, {"claim": _claim("date", "june"), "verdict": "refuted", "date": "1944-06-06"},
                {"report": "r3", "verdict": "confirmed", "date": "1944-06-06"}]
    assert _counts(reports, outcomes) == {"s": (2, 1)}


def test_a_repeated_statement_is_judged_with_the_report_that_was_checked() -> None:
    """The same claim in two reports of one source, the later one checked as a whole: one test, not two;
    the earlier report has no outcome of its own."""
    reports = [*ONE_REPORT, {"id": "r2", "source": "s", "date": "1944-06-03", "claims": [_claim("landing", "north")]}]
    outcomes = [{"report": "r2", "verdict": "confirmed", "date": "1944-06-06"}, ON_CLAIM]
    assert _counts(reports, outcomes) == {"s": (1, 0)}


def test_relayed_report_outcome_and_claim_outcome_count_once_for_the_originator() -> None:
    reports = [{"id": "r1", "source": "relay", "origin": "s", "date": "1944-06-01",
                "claims": [_claim("landing", "north")]}]
    case = build_case(hypotheses=HYPS, reports=reports, ratings={"r1": ["C", "I"]},
                      sources=[{"id": "s"}, {"id": "relay"}], outcomes=[ON_REPORT, ON_CLAIM], as_of="1945")
    assert outcome_counts(case, {"r1"}) == {"s": (1, 0)}


def _garbo(outcomes: list[dict[str, Any]]) -> dict[str, Any]:
    data = copy.deepcopy(load_case(GARBO).model_dump(mode="json", exclude_none=True))
    data["outcomes"] = outcomes
    return {s.id: s for s in run_assessment(case_from_data(data)).sources}


def test_garbo_agent4_one_verified_fact_whatever_its_encoding() -> None:
    """Agent 4 has one report (g2), verified once. Writing that as a report outcome, a claim outcome or
    both must give the same record, and fusion trust that measured agent 4 only on that checked item
    must not add it a second time."""
    base = [o for o in load_case(GARBO).model_dump(mode="json", exclude_none=True)["outcomes"]
            if o.get("report") != "g2" and (o.get("claim") or {}).get("attribute") != "landing-area"]
    on_report = {"report": "g2", "verdict": "confirmed", "date": "1944-06-06"}
    on_claim = {"claim": {"object": "invasion", "attribute": "landing-area", "value": "normandy"},
                "verdict": "confirmed", "date": "1944-06-06"}
    seen = {}
    for name, extra in {"report": [on_report], "claim": [on_claim], "both": [on_report, on_claim]}.items():
        s = _garbo(base + extra)["agent-4"]
        seen[name] = (s.admiralty, round(s.reliability, 6), s.reason.split(";")[0])
    assert seen["report"] == seen["claim"] == seen["both"]
    assert seen["both"] == ("C", pytest.approx(0.6), "1 confirmed, 0 refuted")


def test_trust_measured_only_on_checked_items_is_shown_not_counted() -> None:
    src = _garbo(load_case(GARBO).model_dump(mode="json", exclude_none=True)["outcomes"])
    for sid in ("agent-4", "seventh-army"):  # each states only the checked landing area with another origin
        s = src[sid]
        assert s.fusion_trust is not None and s.fusion_trust > 0.8
        assert s.reliability == pytest.approx(0.6)  # Beta(2 + 1, 2): the one confirmed report, nothing more
        assert "not counted (it measures only items that outcomes checked" in s.reason
