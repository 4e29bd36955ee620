"""Likelihoods from rating × reliability × modality: weak evidence is weak, documented and tested."""

from __future__ import annotations

import pytest

from sevenfold.ach import assess_case

from .conftest import build_case


def post_a(two_hyp, *, modality="observation", source=None, via=None, likelihoods=None, grades=("C", "I")):
    src = source or {"id": "s", "track_record": {"confirmed": 9, "refuted": 1}}
    sources = [src] + [{"id": v} for v in (via or [])]
    report = {"id": "r1", "source": src["id"], "modality": modality, "via": via or []}
    if likelihoods:
        ratings = [{"report": "r1", "hypothesis": h, "likelihood": p} for h, p in zip("ab", likelihoods, strict=True)]
    else:
        ratings = {"r1": list(grades)}
    a = assess_case(build_case(hypotheses=two_hyp, reports=[report], ratings=ratings, sources=sources))
    return {h.id: h.posterior for h in a.hypotheses}["a"]


def test_reliable_observation_moves_posterior(two_hyp):
    assert post_a(two_hyp) > 0.6


def test_coerced_confession_carries_almost_no_weight(two_hyp):
    honest = post_a(two_hyp) - 0.5
    coerced = post_a(two_hyp, modality="coerced_confession") - 0.5
    assert 0 < coerced < 0.1 * honest
    assert abs(post_a(two_hyp, modality="coerced_confession", grades=("CC", "II")) - 0.5) < 0.05


def test_interested_source_and_official_statement_are_weak(two_hyp):
    honest = post_a(two_hyp) - 0.5
    interested = post_a(two_hyp, source={"id": "s", "interests": ["keeps his post if a"],
                                         "track_record": {"confirmed": 9, "refuted": 1}}) - 0.5
    official = post_a(two_hyp, modality="official_statement") - 0.5
    assert 0 < interested < 0.7 * honest
    assert 0 < official < 0.7 * honest


def test_each_hearsay_hop_weakens(two_hyp):
    direct = post_a(two_hyp, modality="hearsay")
    one = post_a(two_hyp, modality="hearsay", via=["m1"])
    two = post_a(two_hyp, modality="hearsay", via=["m1", "m2"])
    assert direct > one > two > 0.5


def test_unreliable_source_is_near_uninformative(two_hyp):
    liar = {"id": "s", "track_record": {"confirmed": 0, "refuted": 40}}
    assert abs(post_a(two_hyp, source=liar) - 0.5) < 0.02
    assert post_a(two_hyp) - 0.5 > 5 * abs(post_a(two_hyp, source=liar) - 0.5)


def test_explicit_likelihoods_are_used(two_hyp):
    weak = post_a(two_hyp, likelihoods=(0.6, 0.5))
    strong = post_a(two_hyp, likelihoods=(0.9, 0.1))
    assert 0.5 < weak < strong
    assert post_a(two_hyp, likelihoods=(0.5, 0.9)) < 0.5


def test_missing_cell_is_neutral_within_report(two_hyp):
    # rating only hypothesis a as C: the missing b cell takes the report's own mean -> no evidence
    a = assess_case(build_case(hypotheses=two_hyp, reports=[{"id": "r1", "source": "s"}],
                               ratings=[{"report": "r1", "hypothesis": "a", "consistency": "C"}]))
    assert [h.posterior for h in a.hypotheses] == pytest.approx([0.5, 0.5])


def test_interested_intermediary_weakens_like_an_interested_source(two_hyp):
    plain = post_a(two_hyp, modality="hearsay", via=["m1"])
    src = {"id": "s", "track_record": {"confirmed": 9, "refuted": 1}}
    case_sources = [src, {"id": "m1", "interests": ["vindicate himself"]}]
    a = assess_case(build_case(hypotheses=two_hyp, sources=case_sources,
                               reports=[{"id": "r1", "source": "s", "modality": "hearsay", "via": ["m1"]}],
                               ratings={"r1": ["C", "I"]}))
    shaded = {h.id: h.posterior for h in a.hypotheses}["a"]
    assert 0.5 < shaded < plain
    assert "m1 has an interest of unknown direction" in a.reports[0].reason


def test_credibility_needs_the_other_origins_to_have_moved_the_odds():
    """Review finding (session 6): q >= 0.80 alone gave grade 1 when the prior was already 0.75 (other
    origins moved the odds 1.4x); q >= 0.60 gave grade 2 against a prior of 0.67."""
    from sevenfold.ach.language import credibility_grade

    def grade(q, bf):
        return credibility_grade(q, bf, informative=True, corroborated=True, outcome=None)

    assert grade(0.95, 20.0) == 1 and grade(0.71, 2.5) == 2
    # a Bayes factor near 1 never earns 1 or 2 (three interested denials: q 0.67 against a prior 0.67)
    assert grade(0.81, 1.4) == 3 and grade(0.67, 1.0) == 3 and grade(0.71, 1.2) == 3
    assert grade(0.71, 0.9) == 3 and grade(0.5, 3.5) == 3


@pytest.mark.parametrize("p", [0.198, 0.19999, 0.4496, 0.5504, 0.0499, 0.35, 0.527, 0.95, 0.7999])
def test_a_shown_probability_never_contradicts_its_words(p):
    """Review finding (session 6): 0.198 was shown as "0.20 / 20% very unlikely", and 0.20 is the lower
    edge of "unlikely"."""
    from sevenfold.ach.language import estimative, probability_text

    for text in (probability_text(p), probability_text(p, percent=True)):
        shown = float(text.rstrip("%")) / (100 if text.endswith("%") else 1)
        assert estimative(shown) == estimative(p), (p, text)
    assert probability_text(0.35) == "0.35" and probability_text(0.527, percent=True) == "53%"
