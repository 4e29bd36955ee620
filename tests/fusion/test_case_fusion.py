"""Fusion in the assessment pipeline: trust and copy pairs learned from a case's own claims."""

from __future__ import annotations

import random

from sevenfold.fusion import case_fusion, case_trust_and_copying
from sevenfold.model import case_from_data
from sevenfold.pipeline import run_assessment


def _case(n_items: int = 40, seed: int = 1) -> dict:
    rng = random.Random(seed)
    truth = {f"item{i}": "true" for i in range(n_items)}
    reports = []

    def say(source: str, item: str, value: str) -> None:
        reports.append({"id": f"{source}-{item}", "source": source, "text": f"{source} on {item}",
                        "claims": [{"object": item, "attribute": "value", "value": value}]})

    for item in truth:
        say("alpha", item, "true")
        for honest in ("beta", "epsilon", "zeta"):
            say(honest, item, "true" if rng.random() < 0.85 else f"wrong{rng.randrange(5)}")
        gamma = "true" if rng.random() < 0.4 else f"wrong{rng.randrange(5)}"
        say("gamma", item, gamma)
        say("delta", item, gamma)  # delta repeats gamma, errors included
    return {"format": "sevenfold/1", "case": {"id": "fusion-in-case"},
            "sources": [{"id": s} for s in ("alpha", "beta", "epsilon", "zeta", "gamma", "delta")],
            "reports": reports,
            "hypotheses": [{"id": "h1"}, {"id": "h2"}]}


def test_trust_orders_sources_and_finds_the_copier() -> None:
    trust, pairs = case_trust_and_copying(case_from_data(_case()))
    assert trust is not None and pairs is not None
    assert trust["alpha"] > trust["gamma"] and trust["beta"] > trust["gamma"]
    assert {frozenset((p.copier, p.original)) for p in pairs} == {frozenset(("gamma", "delta"))}


def test_too_few_overlapping_sources_learn_nothing() -> None:
    """Two honest sources against a poor source and its copier look symmetric to agreement-based
    estimation; below MIN_SOURCES no trust is reported rather than a confidently wrong one."""
    data = _case()
    data["reports"] = [r for r in data["reports"] if r["source"] in ("alpha", "beta", "gamma", "delta")]
    data["sources"] = [s for s in data["sources"] if s["id"] in ("alpha", "beta", "gamma", "delta")]
    assert case_trust_and_copying(case_from_data(data)) == (None, None)


def test_pipeline_blends_trust_and_merges_the_copier_into_one_origin() -> None:
    result = run_assessment(case_from_data(_case()))
    by_id = {s.id: s for s in result.sources}
    assert by_id["alpha"].fusion_trust is not None and by_id["gamma"].fusion_trust is not None
    assert by_id["alpha"].fusion_trust > by_id["gamma"].fusion_trust
    origin_of = {r.id: r.origin for r in result.reports}
    # delta's statements are gamma's: the same origin, not corroboration
    assert origin_of["delta-item0"] == origin_of["gamma-item0"]
    assert origin_of["alpha-item0"] != origin_of["gamma-item0"]


def _clique_case(seed: int) -> dict:
    """Four honest sources against a poor source and four sources repeating it, errors included."""
    data = _case(seed=seed)
    rng = random.Random(seed)
    copiers = ("eta", "theta", "iota")
    gamma = {r["claims"][0]["object"]: r["claims"][0]["value"] for r in data["reports"] if r["source"] == "gamma"}
    for item, value in gamma.items():
        if rng.random() < 0.5:  # make gamma poorer: half its statements become its own errors
            value = f"wrong{rng.randrange(5)}"
            for r in data["reports"]:
                if r["source"] in ("gamma", "delta") and r["claims"][0]["object"] == item:
                    r["claims"][0]["value"] = value
        for c in copiers:
            data["reports"].append({"id": f"{c}-{item}", "source": c, "text": f"{c} on {item}",
                                    "claims": [{"object": item, "attribute": "value", "value": value}]})
    data["sources"] += [{"id": c} for c in copiers]
    return data


def test_pipeline_alerts_when_the_learned_trust_depends_on_the_start() -> None:
    """With a clique of copies, fusion started without discounting copies settles on the clique's values;
    the assessment says that the trust it blends in is one of two readings of the claims."""
    fusion = case_fusion(case_from_data(_clique_case(seed=0)))
    assert fusion.trust is not None and fusion.start_disagreement["accu"] > 0.2
    assert fusion.trust["alpha"] > fusion.trust["gamma"]  # the reading kept discounts the copies
    result = run_assessment(case_from_data(_clique_case(seed=0)))
    alerts = [a for a in result.alerts if a.kind == "fusion_depends_on_start"]
    assert len(alerts) == 1
    n = round(fusion.start_disagreement["accu"] * fusion.items)
    assert f"settle on different values for {n} of {fusion.items} items" in alerts[0].message
    assert "alpha" in alerts[0].sources and "gamma" in alerts[0].sources
    # the alert names the contested items to verify first, and an outcome on them is what settles it
    assert fusion.contested and len(fusion.contested) <= 5
    obj, att = fusion.contested[0]
    assert f"most stated first: {obj} / {att}" in alerts[0].message


def test_no_start_alert_when_every_start_agrees() -> None:
    case = case_from_data(_case())
    assert case_fusion(case).start_disagreement == {"accu": 0.0}
    assert not [a for a in run_assessment(case).alerts if a.kind == "fusion_depends_on_start"]


def test_copies_outnumbering_the_honest_sources_do_not_win_the_case() -> None:
    """Four honest sources against gamma and five exact copies of it: before duplicates entered the
    truth-free accuracy fit once, every seed came out for the copies."""
    for seed in range(5):
        data = _case(seed=seed)
        gamma = [r for r in data["reports"] if r["source"] == "gamma"]
        for c in ("eta", "theta", "iota", "kappa"):
            data["reports"] += [{**r, "id": r["id"].replace("gamma", c), "source": c} for r in gamma]
            data["sources"].append({"id": c})
        trust, pairs = case_trust_and_copying(case_from_data(data))
        assert trust is not None and pairs
        assert min(trust[s] for s in ("alpha", "beta", "epsilon", "zeta")) > trust["gamma"], seed


def test_perfect_witnesses_count_once_towards_the_minimum() -> None:
    """Three always-right witnesses against a poor source and three exact copies of it: as duplicates of
    each other the witnesses tell the fit as little as the copies do (two independent groups), so nothing
    is learned, rather than a confidently wrong trust (it sided with the copies before)."""
    data = _case()
    data["reports"] = [r for r in data["reports"] if r["source"] in ("alpha", "gamma", "delta")]
    for src, like in (("beta", "alpha"), ("epsilon", "alpha"), ("eta", "gamma"), ("theta", "gamma")):
        data["reports"] += [{**r, "id": r["id"].replace(like, src), "source": src}
                            for r in data["reports"] if r["source"] == like]
    data["sources"] = [{"id": s} for s in ("alpha", "beta", "epsilon", "gamma", "delta", "eta", "theta")]
    assert case_fusion(case_from_data(data)).trust is None


def test_start_alert_needs_one_percent_of_items(monkeypatch) -> None:
    import sevenfold.pipeline as pipeline
    from sevenfold.fusion import CaseFusion

    case = case_from_data(_case())
    for share, expected in ((0.005, 0), (0.02, 1)):
        fake = CaseFusion(trust={"alpha": 0.9}, copy_pairs=[], start_disagreement={"accu": share}, items=200)
        monkeypatch.setattr(pipeline, "case_fusion", lambda _case, fake=fake: fake)
        alerts = [a for a in pipeline.run_assessment(case).alerts if a.kind == "fusion_depends_on_start"]
        assert len(alerts) == expected, share
        if expected:
            assert "for 4 of 200 items (2%)" in alerts[0].message


def _near_copy_case(seed: int, outcomes: int) -> dict:
    """Four honest sources against a poor source (about half wrong) and eight sources repeating 95 % of
    its statements: near-copies, which no truth-free estimate tells from a consensus (docs/fusion.md).
    ``outcomes`` confirmed outcomes settle that many of the items on which the poor source is wrong
    (the contested items an analyst would check first)."""
    data = _case(seed=seed)
    rng = random.Random(seed)
    gamma = {}
    for r in data["reports"]:
        if r["source"] == "gamma":
            claim = r["claims"][0]
            claim["value"] = claim["value"] if rng.random() < 0.5 else f"wrong{rng.randrange(5)}"
            gamma[claim["object"]] = claim["value"]
    data["reports"] = [r for r in data["reports"] if r["source"] != "delta"]
    data["sources"] = [s for s in data["sources"] if s["id"] != "delta"]
    for k in range(8):
        data["sources"].append({"id": f"copy{k}"})
        for item, value in gamma.items():
            if rng.random() >= 0.95:
                value = "true" if rng.random() < 0.5 else f"wrong{rng.randrange(5)}"
            data["reports"].append({"id": f"copy{k}-{item}", "source": f"copy{k}", "text": "repeats gamma",
                                    "claims": [{"object": item, "attribute": "value", "value": value}]})
    contested = [item for item, value in gamma.items() if value != "true"][:outcomes]
    data["outcomes"] = [{"id": f"checked-{item}", "verdict": "confirmed", "date": "1937-01-01",
                         "claim": {"object": item, "attribute": "value", "value": "true"}} for item in contested]
    return data


def test_confirmed_outcomes_anchor_the_learned_trust() -> None:
    """Near-copies that outnumber the honest sources win fusion without verification. Each confirmed
    outcome on a contested item moves the trust towards the honest sources (outcomes are not a random
    sample, so the fit only takes their items as known; it does not pool them as an audit sample), and
    outcomes on 16 of the 40 items turn it."""
    for seed in range(3):
        fits = [case_fusion(case_from_data(_near_copy_case(seed, outcomes=n))) for n in (0, 4, 8, 16)]
        assert [f.verified_items for f in fits] == [0, 4, 8, 16]
        alpha = [f.trust["alpha"] for f in fits]
        gamma = [f.trust["gamma"] for f in fits]
        assert gamma[0] > alpha[0], seed  # the copies win unsupervised
        assert alpha == sorted(alpha) and gamma == sorted(gamma, reverse=True), seed
        assert alpha[-1] > gamma[-1], seed


def test_outcomes_after_as_of_and_contradicting_outcomes_anchor_nothing() -> None:
    data = _near_copy_case(0, outcomes=4)
    data["case"]["as_of"] = "1936-12-31"  # the outcomes are not known yet
    assert case_fusion(case_from_data(data)).verified_items == 0
    data = _near_copy_case(0, outcomes=4)
    first = data["outcomes"][0]
    data["outcomes"].append({**first, "id": "other-verdict", "verdict": "refuted"})
    fusion = case_fusion(case_from_data(data))
    assert fusion.verified_items == 3 and fusion.conflicting_outcomes == 1


def test_numeric_outcomes_match_numeric_claims_written_either_way() -> None:
    """Review finding: an outcome of 7.0 against claims of 7 did not match ("7.0" vs "7"), so every
    stated value counted as false and the honest sources lost trust, silently."""
    data = _case()
    for r in data["reports"]:
        claim = r["claims"][0]
        claim["value"] = 7 if claim["value"] == "true" else 3
    data["outcomes"] = [{"id": f"o{i}", "verdict": "confirmed",
                         "claim": {"object": f"item{i}", "attribute": "value", "value": 7.0}} for i in range(10)]
    fusion = case_fusion(case_from_data(data))
    assert fusion.verified_items == 10 and fusion.unmatched_outcomes == 0
    data["outcomes"][0]["claim"]["value"] = 8  # a value nobody states is counted
    assert case_fusion(case_from_data(data)).unmatched_outcomes == 1
