"""Deception hypotheses and controlled / compromised / burned channels."""

from __future__ import annotations

from sevenfold.ach import assess_case

from .conftest import build_case

HYPS = [{"id": "genuine", "statement": "the document is genuine"},
        {"id": "plant", "statement": "planted by the adversary service", "deception_by": "adv"}]


def posterior(case, hid):
    return {h.id: h.posterior for h in assess_case(case).hypotheses}[hid]


def source(**kw):
    return {"id": "s", "track_record": {"confirmed": 8, "refuted": 0}, **kw}


def one_report(src, *, date="1936-06", burns=None, grades=("C", "I"), as_of=None):
    return build_case(hypotheses=HYPS, actors=["adv", "other"], sources=[src],
                      reports=[{"id": "r1", "source": "s", "date": date}], ratings={"r1": list(grades)},
                      burns=burns or [], as_of=as_of)


def test_uncontrolled_channel_discriminates():
    # a channel nobody suspects still tells genuine from plant, though a deception may reach it too
    # (DECEPTION_REACH): less than a face-value reading, more than a controlled channel
    assert 0.55 < posterior(one_report(source()), "genuine") < 0.7


def test_controlled_channel_cannot_discriminate_genuine_from_plant():
    # Rated I against the plant at face value, but the adversary controls the channel: under "plant"
    # the report looks as the deceiver wants, so it cannot count against the plant.
    assert posterior(one_report(source(controlled_by="adv")), "genuine") <= 0.5 + 1e-9


def test_control_by_another_actor_does_not_neutralise():
    assert posterior(one_report(source(controlled_by="other")), "genuine") > 0.55


def test_compromise_applies_from_its_date_only():
    assert posterior(one_report(source(compromised_since="1936-01"), date="1935-06"), "genuine") > 0.55
    assert posterior(one_report(source(compromised_since="1936-01"), date="1936-06"), "genuine") <= 0.5 + 1e-9
    # undated report from a compromised source cannot be shown to predate the compromise
    assert posterior(one_report(source(compromised_since="1936-01"), date=None), "genuine") <= 0.5 + 1e-9


def test_burn_acts_like_compromise_and_earliest_wins():
    burns = [{"id": "b1", "source": "s", "since": "1936-09", "actor": "adv"},
             {"id": "b2", "source": "s", "since": "1936-03", "actor": "adv"}]
    assert posterior(one_report(source(), date="1936-06", burns=burns), "genuine") <= 0.5 + 1e-9
    assert posterior(one_report(source(), date="1936-01", burns=burns), "genuine") > 0.55


def test_burn_by_other_actor_leaves_this_deception_alone():
    burns = [{"id": "b1", "source": "s", "since": "1936-01", "actor": "other"}]
    assert posterior(one_report(source(), burns=burns), "genuine") > 0.55


def test_burn_after_as_of_is_ignored():
    burns = [{"id": "b1", "source": "s", "since": "1938-01", "actor": "adv"}]
    case = one_report(source(), date="1936-06", burns=burns, as_of="1937-01")
    assert posterior(case, "genuine") > 0.55
    assert not any(s.burned for s in assess_case(case).sources)


def test_report_via_a_controlled_source_is_fed_too():
    case = build_case(hypotheses=HYPS, actors=["adv"],
                      sources=[source(), {"id": "cut-out", "controlled_by": "adv"}],
                      reports=[{"id": "r1", "source": "s", "via": ["cut-out"], "modality": "hearsay"}],
                      ratings={"r1": ["C", "I"]})
    assert posterior(case, "genuine") <= 0.5 + 1e-9


def test_suspect_source_graded_at_best_d():
    a = assess_case(one_report({"id": "s", "controlled_by": "adv", "track_record": {"confirmed": 40, "refuted": 0}}))
    src = a.sources[0]
    assert src.admiralty == "D" and "controlled by adv" in src.reason


def test_no_deception_hypothesis_alert():
    hyps = [{"id": "x", "statement": "one"}, {"id": "y", "statement": "two different"}]
    case = build_case(hypotheses=hyps, actors=["adv"], sources=[source(controlled_by="adv")],
                      reports=[{"id": "r1", "source": "s"}], ratings={"r1": ["C", "I"]})
    kinds = [al.kind for al in assess_case(case).alerts]
    assert "no_deception_hypothesis" in kinds
    covered = assess_case(one_report(source(controlled_by="adv")))
    assert "no_deception_hypothesis" not in [al.kind for al in covered.alerts]


def test_if_controlled_sensitivity_names_the_actor():
    a = assess_case(one_report(source()))
    row = a.sensitivity[0]
    assert a.top == "genuine"
    assert row.if_controlled_top is not None and set(row.if_controlled_top) == {"adv"}
    assert row.if_controlled_top["adv"] != "genuine"  # then the report no longer favours genuine


THREE = [{"id": "genuine", "statement": "genuine document"}, {"id": "other", "statement": "another innocent story"},
         {"id": "plant", "statement": "a plant dressed as genuine", "deception_by": "adv"}]


def three(mimics=None, grades=("I", "C", "I")):
    hyps = [dict(h) for h in THREE]
    if mimics:
        hyps[2]["mimics"] = mimics
    return build_case(hypotheses=hyps, actors=["adv"], sources=[source(controlled_by="adv")],
                      reports=[{"id": "r1", "source": "s"}], ratings={"r1": list(grades)})


def test_fed_report_contradicting_the_cover_does_not_help_a_plant_that_mimics_genuine():
    # the controlled channel says "other", not what a plant dressed as "genuine" would say
    assert posterior(three(mimics="genuine"), "plant") < posterior(three(mimics=None), "plant")
    assert posterior(three(mimics="genuine"), "other") > posterior(three(mimics="genuine"), "plant")
    # a fed report repeating the cover story cannot tell genuine from the plant
    case = three(mimics="genuine", grades=("C", "I", "I"))
    assert posterior(case, "genuine") == posterior(case, "plant")


def test_mimics_must_name_another_hypothesis():
    import pytest

    from sevenfold.errors import CaseValidationError

    # the case model refuses it on load, naming entry and field
    with pytest.raises(CaseValidationError, match=r"hypotheses\[plant\]\.mimics\[0\]: 'nothing' is not another"):
        three(mimics="nothing")
