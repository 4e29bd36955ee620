"""Explain every number: contributions reproduce the log posterior odds; why an edit moves nothing."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sevenfold.ach import assess_case
from sevenfold.ach.explain import MAX_CONTRIBUTIONS, MAX_REPORTS, edit_unmoved_reason
from sevenfold.errors import SevenfoldError
from sevenfold.pipeline import what_if

from .conftest import build_case
from .test_properties import cases

TOL = 1e-5  # every log value is rounded to 6 decimals; a handful of them are summed


def _post(a):
    return {h.id: h.posterior for h in a.hypotheses}


def _check_split(w, n_origin_reports):
    listed = [c.log_lr for c in w.contributions]
    assert len(listed) <= MAX_CONTRIBUTIONS
    assert [abs(x) for x in listed] == sorted((abs(x) for x in listed), reverse=True)
    assert sum(listed) + w.rest == pytest.approx(w.evidence if hasattr(w, "evidence") else w.change, abs=TOL)
    for c in w.contributions:
        if n_origin_reports.get(c.origin, 0) <= MAX_REPORTS:  # every report of the origin is listed
            assert sum(c.report_log_lr.values()) == pytest.approx(c.log_lr, abs=TOL)
        assert list(c.report_log_lr) == c.reports
    if not w.contributions:
        assert w.rest_origins == 0


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_contributions_and_rest_reproduce_the_log_posterior_odds(case):
    try:
        a = assess_case(case)
    except SevenfoldError:
        return
    post = _post(a)
    prior = {h.id: h.prior for h in a.hypotheses}
    sizes = {o.id: len(o.reports) for o in a.origins}
    if len(a.hypotheses) == 1:
        assert a.hypotheses[0].why is None
        return
    ranked = [h.id for h in a.hypotheses]
    for h in a.hypotheses:
        w = h.why
        assert w is not None
        # the rival is the strongest other hypothesis, as listed
        assert w.against == next(x for x in ranked if x != h.id)
        _check_split(w, sizes)
        # the evidence is the log posterior odds minus the log prior odds, read off the published numbers
        if prior[h.id] > 0 and prior[w.against] > 0:
            assert w.log_posterior_odds == pytest.approx(w.log_prior_odds + w.evidence, abs=TOL)
            if min(prior[h.id], prior[w.against]) > 1e-3:  # the published priors are rounded to 6 decimals
                assert w.log_prior_odds == pytest.approx(math.log(prior[h.id] / prior[w.against]), abs=2e-3)
            p, q = post[h.id], post[w.against]
            if min(p, q) > 1e-3:
                assert w.log_posterior_odds == pytest.approx(math.log(p / q), abs=2e-3)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(), st.data())
def test_what_if_delta_is_split_by_origin(case, data):
    if not case.reports or len(case.hypotheses) < 2:
        return
    drop = data.draw(st.sampled_from([r.id for r in case.reports]))
    try:
        w = what_if(case, exclude=[drop])
    except SevenfoldError:
        return
    sizes = {o.id: len(o.reports) for o in w.before.origins or []}
    for h in w.hypotheses:
        assert h.why is not None
        _check_split(h.why, sizes)
        if h.why.log_odds_before is not None and h.why.log_odds_after is not None:
            assert h.why.log_odds_after - h.why.log_odds_before == pytest.approx(h.why.change, abs=TOL)
        # only the excluded report's origin can have moved
        assert all(drop in c.reports for c in h.why.contributions)


def test_weight_factors_multiply_to_the_weight():
    case = build_case(hypotheses=[{"id": "a", "statement": "x"}, {"id": "b", "statement": "y"}],
                      sources=[{"id": "s", "track_record": {"confirmed": 5, "refuted": 1}, "interests": ["career"]}],
                      reports=[{"id": "r", "source": "s", "modality": "hearsay", "via": ["s"]}],
                      ratings={"r": ["C", "I"]})
    r = assess_case(case).reports[0]
    factors = {f.factor: f.value for f in r.why.weight_factors}
    assert set(factors) == {"reliability", "modality", "hops", "interest"}
    assert math.prod(factors.values()) == pytest.approx(r.weight, abs=1e-3)
    assert r.why.share == pytest.approx(1.0)
    assert r.why.unmoved is None and r.why.log_lr_top > 0


# ---- why a report moves nothing -------------------------------------------------------------------

HYPS = [{"id": "a", "statement": "x"}, {"id": "b", "statement": "y"}]


def test_non_diagnostic_report_says_so_and_really_moves_nothing():
    base = dict(hypotheses=HYPS, reports=[{"id": "r1", "source": "s1"}, {"id": "r2", "source": "s2"}])
    a = assess_case(build_case(**base, ratings={"r1": ["C", "I"], "r2": ["CC", "CC"]}))
    r2 = next(r for r in a.reports if r.id == "r2")
    assert r2.why.unmoved_kind == "non_diagnostic" and "non-diagnostic" in r2.why.unmoved
    # the explanation is true: re-rating r2 to another flat rating moves nothing
    b = assess_case(build_case(**base, ratings={"r1": ["C", "I"], "r2": ["II", "II"]}))
    assert _post(a) == _post(b)
    case = build_case(**base, ratings={"r1": ["C", "I"], "r2": ["CC", "CC"]})
    assert "non-diagnostic" in edit_unmoved_reason(case, "r2", r2.why)
    # a diagnostic report has no such reason
    assert next(r for r in a.reports if r.id == "r1").why.unmoved is None


def test_report_in_an_origin_already_counted_says_so():
    reports = [{"id": "r1", "source": "s1"}, {"id": "r2", "source": "s2", "derived_from": ["r1"]},
               {"id": "r3", "source": "s3"}]
    a = assess_case(build_case(hypotheses=HYPS, reports=reports,
                               ratings={"r1": ["C", "I"], "r2": ["C", "I"], "r3": ["I", "C"]}))
    why = {r.id: r.why for r in a.reports}
    assert why["r2"].unmoved_kind == "origin_counted"
    assert "this origin is already counted" in why["r2"].unmoved and "r1" in why["r2"].unmoved
    # true: the case without r2's ratings has the same posterior
    b = assess_case(build_case(hypotheses=HYPS, reports=reports, ratings={"r1": ["C", "I"], "r3": ["I", "C"]}))
    assert _post(a) == pytest.approx(_post(b), abs=1e-9)
    # a copy that reads differently from its original does move its origin
    c = assess_case(build_case(hypotheses=HYPS, reports=reports,
                               ratings={"r1": ["C", "I"], "r2": ["CC", "II"], "r3": ["I", "C"]}))
    assert next(r for r in c.reports if r.id == "r2").why.unmoved is None


DECEPTION = [{"id": "genuine", "statement": "the dossier is genuine"},
             {"id": "plant", "statement": "planted by the adversary", "deception_by": "adv", "mimics": "genuine"}]


def test_fed_channel_under_the_deception_says_so():
    case = build_case(hypotheses=DECEPTION, actors=["adv"],
                      sources=[{"id": "s", "controlled_by": "adv"}, {"id": "t"}],
                      reports=[{"id": "r", "source": "s"}, {"id": "x", "source": "t"}],
                      ratings={"r": ["C", "I"], "x": ["I", "C"]})
    a = assess_case(case)
    r = next(x for x in a.reports if x.id == "r")
    assert r.why.unmoved_kind == "fed"
    assert "this channel is fed under the deception hypothesis plant" in r.why.unmoved
    assert r.why.fed_by == {"adv": 1.0}
    # true: without r the posterior is the same
    b = assess_case(build_case(hypotheses=DECEPTION, actors=["adv"],
                               sources=[{"id": "s", "controlled_by": "adv"}, {"id": "t"}],
                               reports=[{"id": "r", "source": "s"}, {"id": "x", "source": "t"}],
                               ratings={"x": ["I", "C"]}))
    assert _post(a) == pytest.approx(_post(b), abs=1e-9)
    # the same report from a channel nobody suspects does move the posterior
    free = assess_case(build_case(hypotheses=DECEPTION, actors=["adv"], sources=[{"id": "s"}, {"id": "t"}],
                                  reports=[{"id": "r", "source": "s"}, {"id": "x", "source": "t"}],
                                  ratings={"r": ["C", "I"], "x": ["I", "C"]}))
    assert next(x for x in free.reports if x.id == "r").why.unmoved is None


def test_editing_the_deception_cell_of_a_fed_report_says_why_nothing_moved():
    def case_with(plant_grade):
        return build_case(hypotheses=DECEPTION, actors=["adv"], sources=[{"id": "s", "controlled_by": "adv"}],
                          reports=[{"id": "r", "source": "s"}], ratings={"r": ["C", plant_grade]})
    before, after = assess_case(case_with("I")), assess_case(case_with("II"))
    assert _post(before) == pytest.approx(_post(after), abs=1e-12)  # fed: under plant it reads as genuine
    r = after.reports[0]
    text = edit_unmoved_reason(case_with("II"), "r", r.why, hypothesis="plant")
    assert text and "this channel is fed under the deception hypothesis plant" in text
    # not a deception cell: the report-level reason
    text = edit_unmoved_reason(case_with("II"), "r", r.why, hypothesis="genuine")
    assert text and "fed under the deception hypothesis plant" in text


def test_live_deception_that_explains_a_report_as_fed_is_named():
    case = build_case(hypotheses=DECEPTION, actors=["adv"], sources=[{"id": "s"}, {"id": "t"}],
                      reports=[{"id": "r", "source": "s"}, {"id": "x", "source": "t"}],
                      ratings={"r": ["C", "I"], "x": ["N", "C"]})
    r = next(x for x in assess_case(case).reports if x.id == "r")
    assert r.why.fed_under == ["plant"] and r.why.true_under == ["genuine"]
    assert r.why.bayes_factor is not None and r.why.p_true is not None and "plant" in r.reason


def test_cli_why_prints_the_contributions():
    from importlib import resources

    from typer.testing import CliRunner

    from sevenfold.cli import app

    path = str(resources.files("sevenfold") / "data" / "zarubin-1937.yaml")
    out = CliRunner().invoke(app, ["assess", path, "--why"])
    assert out.exit_code == 0, out.output
    assert "Why these posteriors" in out.output and "genuine vs german-provocation" in out.output
    assert "non-diagnostic" in out.output
    plain = CliRunner().invoke(app, ["assess", path])
    assert "Why these posteriors" not in plain.output
