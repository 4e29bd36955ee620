"""Burning a source takes down what rests on its reports: copies and syntheses, transitively
(the analyst's Curveball case: the NIE is a synthesis of Curveball's reports, Powell's speech copies the NIE)."""

from __future__ import annotations

from pathlib import Path

import sevenfold
from sevenfold.model import load_case
from sevenfold.pipeline import burned_reports, what_if
from sevenfold.provenance.burn import resting_on

CURVEBALL = Path(__file__).parent / "data" / "curveball-2003.yaml"


def _case():  # type: ignore[no-untyped-def]
    case = load_case(CURVEBALL)
    return case.model_copy(update={"burns": []})


def test_burn_lists_synthesis_and_its_copy() -> None:
    _, impact = sevenfold.burn(_case(), "curveball", "2000-01")
    assert {f.id for f in impact.reports} == {"cb-trucks", "cb-accident", "cb-sketch"}
    why = {f.id: f.why for f in impact.derived}
    assert "nie-2002" in why and "powell-un" in why
    # the NIE also rests on Harith's report, which still stands: marked partial, with which inputs fell
    assert why["nie-2002"].startswith("synthesis resting partly on fallen reports")
    assert "cb-trucks" in why["nie-2002"] and "cb-accident" in why["nie-2002"]
    assert "harith-labs still stands" in why["nie-2002"]
    assert why["powell-un"] == "derives from nie-2002"
    assert "harith-labs" not in impact.falls and "imagery-wall" not in impact.falls


def test_what_if_falls_match_burn() -> None:
    case = _case()
    falls = what_if(case, source="curveball", since="2000-01").falls
    assert set(falls) == {"cb-trucks", "cb-accident", "cb-sketch", "nie-2002", "powell-un"}
    assert set(burned_reports(case, "curveball", "2000-01")) == set(falls)


def test_synthesis_all_inputs_fallen_and_transitive() -> None:
    case = _case()
    reports = [r.model_copy(update={"synthesis_of": ["cb-trucks", "cb-accident"]}) if r.id == "nie-2002" else r
               for r in case.reports]
    out = {f.id: f.why for f in resting_on(reports, ["cb-trucks", "cb-accident"])}
    assert out["nie-2002"] == "synthesis of cb-trucks, cb-accident, all of which fall"
    assert out["powell-un"] == "derives from nie-2002"


def test_synthesis_of_synthesis_and_derived_from_two() -> None:
    case = _case()
    extra = [case.reports[0].model_copy(update={"id": "summary", "source": "cia", "origin": None, "via": [],
                                                  "synthesis_of": [], "derived_from": ["powell-un", "imagery-wall"]}),
             case.reports[0].model_copy(update={"id": "digest", "source": "cia", "origin": None, "via": [],
                                                  "synthesis_of": ["summary"], "derived_from": []})]
    out = {f.id: f.why for f in resting_on([*case.reports, *extra], ["cb-trucks"])}
    assert "nie-2002" in out and "powell-un" in out
    assert out["summary"].startswith("synthesis resting partly on fallen reports: powell-un falls; imagery-wall")
    assert out["digest"] == "synthesis of summary, all of which fall"


def test_cycle_ends() -> None:
    case = _case()
    reports = [r.model_copy(update={"derived_from": ["powell-un"]}) if r.id == "cb-sketch" else r
               for r in case.reports]
    reports = [r.model_copy(update={"derived_from": ["cb-sketch"]}) if r.id == "powell-un" else r for r in reports]
    ids = [f.id for f in resting_on(reports, ["cb-sketch"])]
    assert ids.count("powell-un") == 1 and "cb-sketch" not in ids
