"""Bias checks raised as alerts."""

from __future__ import annotations

from sevenfold.ach import assess_case

from .conftest import build_case

THREE = [{"id": "a", "statement": "the army planned it"}, {"id": "b", "statement": "the police invented it"},
         {"id": "c", "statement": "nobody did anything at all"}]


def kinds(case, **kw):
    return [al.kind for al in assess_case(case, **kw).alerts]


def reliable(n):
    return [{"id": f"s{k}", "track_record": {"confirmed": 8, "refuted": 0}} for k in range(n)]


def test_unrated_hypothesis():
    case = build_case(hypotheses=THREE, reports=[{"id": "r1", "source": "s"}],
                      ratings=[{"report": "r1", "hypothesis": "a", "consistency": "C"},
                               {"report": "r1", "hypothesis": "b", "consistency": "I"}])
    alerts = assess_case(case).alerts
    assert [al.hypothesis for al in alerts if al.kind == "unrated_hypothesis"] == ["c"]


def test_prior_contradicted():
    hyps = [dict(THREE[0], prior=0.8), dict(THREE[1], prior=0.1), dict(THREE[2], prior=0.1)]
    reports = [{"id": f"r{k}", "source": f"s{k}"} for k in range(4)]
    case = build_case(hypotheses=hyps, sources=reliable(4), reports=reports,
                      ratings={f"r{k}": ["II", "CC", "I"] for k in range(4)})
    assert "prior_contradicted" in kinds(case)
    agreeing = build_case(hypotheses=hyps, sources=reliable(4), reports=reports,
                          ratings={f"r{k}": ["CC", "II", "I"] for k in range(4)})
    assert "prior_contradicted" not in kinds(agreeing)


def test_coerced_only_and_interested_only():
    sources = [*reliable(3), {"id": "police", "kind": "official", "interests": ["career"]}]
    reports = [{"id": "c1", "source": "s0", "modality": "coerced_confession"},
               {"id": "c2", "source": "s1", "modality": "coerced_confession"},
               {"id": "p1", "source": "police", "modality": "official_statement"},
               {"id": "o1", "source": "s2"}]
    ratings = {"c1": ["CC", "II", "N"], "c2": ["CC", "II", "N"], "p1": ["I", "CC", "I"], "o1": ["N", "N", "C"]}
    alerts = assess_case(build_case(hypotheses=THREE, sources=sources, reports=reports, ratings=ratings)).alerts
    by_kind = {al.kind: al for al in alerts}
    assert by_kind["coerced_only"].hypothesis == "a" and set(by_kind["coerced_only"].reports) == {"c1", "c2"}
    assert by_kind["interested_only"].hypothesis == "b" and by_kind["interested_only"].reports == ["p1"]
    assert not [al for al in alerts if al.hypothesis == "c" and al.kind in ("coerced_only", "interested_only")]


def test_overlapping_hypotheses_flagged():
    hyps = [{"id": "plant", "statement": "It was planted by German intelligence"},
            {"id": "Plant_", "statement": "something else"},
            {"id": "german-plant", "statement": "it was planted by German intelligence."}]
    case = build_case(hypotheses=hyps, reports=[{"id": "r1", "source": "s"}], ratings={"r1": ["C", "N", "I"]})
    msgs = [al.message for al in assess_case(case).alerts if al.kind == "overlapping_hypotheses"]
    assert len(msgs) == 2 and any("'plant' and 'Plant_'" in m for m in msgs)


def test_priors_not_summing_to_one_are_normalised_with_warning(two_hyp):
    hyps = [dict(two_hyp[0], prior=0.6), dict(two_hyp[1], prior=0.6)]
    a = assess_case(build_case(hypotheses=hyps, reports=[{"id": "r1", "source": "s"}], ratings={"r1": ["N", "N"]}))
    assert [h.prior for h in a.hypotheses] == [0.5, 0.5]
    assert "priors_normalised" in [al.kind for al in a.alerts]


def test_analyst_disagreement():
    reports = [{"id": f"r{k}", "source": f"s{k}"} for k in range(3)]
    ratings = []
    for k in range(3):
        for h, ga, gb in zip("abc", ["CC", "II", "N"], ["II", "CC", "N"], strict=True):
            ratings.append({"report": f"r{k}", "hypothesis": h, "consistency": ga, "analyst": "alice"})
            ratings.append({"report": f"r{k}", "hypothesis": h, "consistency": gb, "analyst": "bob"})
    a = assess_case(build_case(hypotheses=THREE, sources=reliable(3), reports=reports, ratings=ratings))
    assert a.analysts is not None and a.analysts.analysts == ["alice", "bob"]
    assert a.analysts.disagreement > 0.3
    assert a.analysts.cells and a.analysts.cells[0]["hypothesis"] in ("a", "b")
    per = {h.id: h.per_analyst for h in a.hypotheses}
    assert per["a"]["alice"] > 0.6 and per["a"]["bob"] < 0.2
    # log-linear pooling: opposite, equally strong ratings cancel between a and b
    assert a.analysts.pooled["a"] == a.analysts.pooled["b"]
    assert "analyst_disagreement" in [al.kind for al in a.alerts]


def test_agreeing_analysts_raise_nothing():
    reports = [{"id": "r0", "source": "s0"}]
    ratings = [{"report": "r0", "hypothesis": h, "consistency": g, "analyst": n}
               for n in ("alice", "bob") for h, g in zip("abc", ["C", "I", "N"], strict=True)]
    a = assess_case(build_case(hypotheses=THREE, sources=reliable(1), reports=reports, ratings=ratings))
    assert a.analysts.disagreement < 1e-9
    assert "analyst_disagreement" not in [al.kind for al in a.alerts]


def test_non_latin_ids_are_not_all_one_id():
    """Review finding (session 6): the id comparison kept only ASCII letters, so 'да' and 'нет' (and any
    two Chinese ids) were both "" and flagged as overlapping."""
    from sevenfold.ach.alerts import overlapping_hypotheses

    from .conftest import build_case

    hyps = [{"id": "да", "statement": "агент говорит правду"}, {"id": "нет", "statement": "это провокация"},
            {"id": "是", "statement": "真的"}, {"id": "Да!", "statement": "совсем другое утверждение"}]
    case = build_case(hypotheses=hyps, reports=[{"id": "r1", "source": "s"}], ratings={"r1": ["C", "I", "N", "N"]})
    flagged = {(a.hypothesis, a.message.split("'")[3]) for a in overlapping_hypotheses(case)}
    assert flagged == {("да", "Да!")}


def test_ids_that_differ_by_a_vowel_sign_are_two_ids():
    from sevenfold.ach.alerts import overlapping_hypotheses

    from .conftest import build_case

    hyps = [{"id": "काम", "statement": "पहला उत्तर"}, {"id": "कम", "statement": "बिलकुल अलग दावा"}]
    case = build_case(hypotheses=hyps, reports=[{"id": "r1", "source": "s"}], ratings={"r1": ["C", "I"]})
    assert overlapping_hypotheses(case) == []


def test_analysts_inside_a_near_tie_do_not_disagree():
    # each analyst's own posteriors are a near tie that leans a different way (one weak source, a slight
    # lean): their arg-max differs, but neither has a single leader, so that is no disagreement
    reports = [{"id": "r0", "source": "s0"}]
    ratings = [{"report": "r0", "hypothesis": h, "consistency": g, "analyst": n}
               for n, row in (("alice", ["C", "N", "N"]), ("bob", ["N", "C", "N"]))
               for h, g in zip("abc", row, strict=True)]
    a = assess_case(build_case(hypotheses=THREE, sources=[{"id": "s0"}], reports=reports, ratings=ratings))
    per = {h.id: h.per_analyst for h in a.hypotheses}
    assert per["a"]["alice"] > per["b"]["alice"] and per["b"]["bob"] > per["a"]["bob"]  # the arg-max differs
    assert per["a"]["alice"] < 1.25 * per["b"]["alice"]  # ... inside the near-tie band
    assert a.analysts.disagreement < 0.05
    assert "analyst_disagreement" not in [al.kind for al in a.alerts]
