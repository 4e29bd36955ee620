"""Bad input: clear messages naming the entry and field; nothing half-computed."""

from __future__ import annotations

import pytest

from sevenfold.ach import OriginResult, assess_case
from sevenfold.errors import AssessmentError, CaseValidationError, SevenfoldError
from sevenfold.model import Rating

from .conftest import build_case


@pytest.fixture
def case(two_hyp):
    return build_case(hypotheses=two_hyp, reports=[{"id": "r1", "source": "s"}], ratings={"r1": ["C", "I"]})


def test_model_rejects_unknown_report_in_rating(two_hyp):
    with pytest.raises(CaseValidationError, match=r"ratings\[ghost/a\]\.report"):
        build_case(hypotheses=two_hyp, reports=[{"id": "r1", "source": "s"}],
                   ratings=[{"report": "ghost", "hypothesis": "a", "consistency": "C"}])


def test_engine_rejects_unvalidated_bad_ratings(case):
    # A programmatically built case that skipped validation: the engine still refuses, listing both.
    bad = case.model_copy(update={"ratings": [
        *case.ratings,
        Rating.model_construct(report="ghost", hypothesis="a", consistency="C", likelihood=None, analyst=None),
        Rating.model_construct(report="r1", hypothesis="b", consistency=None, likelihood=1.5, analyst="x"),
    ]})
    with pytest.raises(AssessmentError) as exc:
        assess_case(bad)
    msg = str(exc.value)
    assert "ratings[ghost/a].report: unknown report 'ghost'" in msg
    assert "ratings[r1/b/x].likelihood: must lie in (0, 1], got 1.5" in msg
    assert isinstance(exc.value, SevenfoldError) and exc.value.exit_code == 2


def test_model_rejects_likelihood_out_of_range(two_hyp):
    with pytest.raises(CaseValidationError, match="likelihood"):
        build_case(hypotheses=two_hyp, reports=[{"id": "r1", "source": "s"}],
                   ratings=[{"report": "r1", "hypothesis": "a", "likelihood": 0.0}])


@pytest.mark.parametrize(("kwargs", "pattern"), [
    ({"fusion_trust": {"s": 1.5}}, r"fusion_trust\[s\]: trust must lie in \[0, 1\]"),
    ({"fusion_trust": {"nobody": 0.5}}, r"fusion_trust\[nobody\]: unknown source"),
    ({"origins": [OriginResult(id="o1", reports=["r1"]), OriginResult(id="o2", reports=["r1"])]},
     r"already in origin 'o1'"),
    ({"origins": [OriginResult(id="o1", reports=["zz"])]}, r"origins\[o1\]\.reports: unknown report 'zz'"),
    ({"copy_pairs": [("s", "nobody", 0.9)]}, r"copy_pairs\[0\]: unknown source"),
    ({"copy_pairs": [("s", "s", 2.0)]}, r"copy_pairs\[0\]\.probability"),
])
def test_bad_stage_inputs(case, kwargs, pattern):
    with pytest.raises(AssessmentError, match=pattern):
        assess_case(case, **kwargs)


def test_no_hypotheses_refused():
    c = build_case(hypotheses=[], reports=[{"id": "r1", "source": "s"}], ratings=[])
    with pytest.raises(AssessmentError, match="none given"):
        assess_case(c)


def test_all_zero_priors_refused(two_hyp):
    hyps = [dict(h, prior=0.0) for h in two_hyp]
    with pytest.raises(AssessmentError, match="every prior is 0"):
        assess_case(build_case(hypotheses=hyps, reports=[{"id": "r1", "source": "s"}], ratings={"r1": ["C", "I"]}))


def test_zero_prior_stays_zero(two_hyp):
    hyps = [dict(two_hyp[0], prior=1.0), dict(two_hyp[1], prior=0.0)]
    a = assess_case(build_case(hypotheses=hyps, reports=[{"id": "r1", "source": "s"}], ratings={"r1": ["II", "CC"]}))
    assert {h.id: h.posterior for h in a.hypotheses} == {"a": 1.0, "b": 0.0}


def test_copy_pairs_discount_the_copier(two_hyp):
    sources = [{"id": "orig", "track_record": {"confirmed": 9, "refuted": 0}},
               {"id": "copier", "track_record": {"confirmed": 9, "refuted": 0}}]
    reports = [{"id": "r1", "source": "orig"}, {"id": "r2", "source": "copier"}]
    c = build_case(hypotheses=two_hyp, sources=sources, reports=reports, ratings={"r1": ["C", "I"], "r2": ["C", "I"]})
    free = assess_case(c).hypotheses[0].posterior
    copied = assess_case(c, copy_pairs=[{"copier": "copier", "original": "orig", "probability": 1.0}])
    single = assess_case(c.model_copy(update={"reports": c.reports[:1],
                                              "ratings": [r for r in c.ratings if r.report == "r1"]}))
    assert copied.hypotheses[0].posterior == pytest.approx(single.hypotheses[0].posterior)
    assert free > copied.hypotheses[0].posterior


def test_an_absurd_track_record_is_refused_at_validation():
    """Review finding (session 6): confirmed: 10**400 validated and imported, then assess died with an
    OverflowError traceback."""
    import pytest

    from sevenfold.errors import CaseValidationError
    from sevenfold.model import case_from_data

    data = {"format": "sevenfold/1", "case": {"id": "t", "title": "t", "question": "?"},
            "sources": [{"id": "s", "track_record": {"confirmed": 10**400, "refuted": 0}}],
            "reports": [{"id": "r1", "source": "s"}], "hypotheses": [{"id": "a"}, {"id": "b"}]}
    with pytest.raises(CaseValidationError, match="track_record"):
        case_from_data(data)
