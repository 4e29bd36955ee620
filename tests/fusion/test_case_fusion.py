"""Fusion in the assessment pipeline: trust and copy pairs learned from a case's own claims."""

from __future__ import annotations

import random

from sevenfold.fusion import case_trust_and_copying
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
