"""Reports sharing an origin count once; corroboration and confidence count origins, not reports."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sevenfold.ach import OriginResult, assess_case
from sevenfold.ach.engine import OriginCombiner

from .conftest import build_case


def _sources(n):
    return [{"id": f"s{k}", "track_record": {"confirmed": 9, "refuted": 1}} for k in range(n)]


def posterior_a(case, **kw):
    return {h.id: h.posterior for h in assess_case(case, **kw).hypotheses}["a"]


def test_copies_in_one_origin_count_once(two_hyp):
    one = build_case(hypotheses=two_hyp, sources=_sources(1), reports=[{"id": "r0", "source": "s0"}],
                     ratings={"r0": ["C", "I"]})
    reports = [{"id": "r0", "source": "s0"}] + [
        {"id": f"r{k}", "source": f"s{k}", "derived_from": ["r0"]} for k in range(1, 6)]
    copies = build_case(hypotheses=two_hyp, sources=_sources(6), reports=reports,
                        ratings={f"r{k}": ["C", "I"] for k in range(6)})
    assert posterior_a(copies) == pytest.approx(posterior_a(one))
    assert len(assess_case(copies).origins) == 1


def test_independent_origins_do_multiply(two_hyp):
    reports = [{"id": f"r{k}", "source": f"s{k}"} for k in range(5)]
    case = build_case(hypotheses=two_hyp, sources=_sources(5), reports=reports,
                      ratings={f"r{k}": ["C", "I"] for k in range(5)})
    one = build_case(hypotheses=two_hyp, sources=_sources(1), reports=reports[:1], ratings={"r0": ["C", "I"]})
    assert posterior_a(case) > posterior_a(one) + 0.1


def test_given_origins_override_and_confidence_counts_origins(two_hyp):
    reports = [{"id": f"r{k}", "source": f"s{k}"} for k in range(5)]
    case = build_case(hypotheses=two_hyp, sources=_sources(5), reports=reports,
                      ratings={f"r{k}": ["CC", "II"] for k in range(5)})
    independent = assess_case(case)
    merged = assess_case(case, origins=[OriginResult(id="stavinskii", reports=[f"r{k}" for k in range(5)])])
    assert independent.confidence == "high"
    assert merged.confidence == "low"
    assert all(r.origin == "stavinskii" for r in merged.reports)
    assert independent.hypotheses[0].posterior > merged.hypotheses[0].posterior
    # credibility 1 needs an independent origin: not available once they are one origin
    assert {r.credibility for r in independent.reports} == {1}
    assert 1 not in {r.credibility for r in merged.reports}


def test_uninformative_report_does_not_dilute_its_origin(two_hyp):
    base = build_case(hypotheses=two_hyp, sources=_sources(2), reports=[{"id": "r0", "source": "s0"}],
                      ratings={"r0": ["C", "I"]})
    with_n = build_case(hypotheses=two_hyp, sources=_sources(2),
                        reports=[{"id": "r0", "source": "s0"}, {"id": "r1", "source": "s1", "derived_from": ["r0"]}],
                        ratings={"r0": ["C", "I"], "r1": ["N", "N"]})
    assert posterior_a(with_n) == pytest.approx(posterior_a(base))


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 12), st.integers(2, 6), st.integers(0, 2**31 - 1))
def test_leave_one_out_by_subtraction_equals_recomputation(n, h, seed):
    rng = np.random.default_rng(seed)
    ell = rng.normal(size=(n, h))
    ell[rng.random(n) < 0.2] = 0.0  # some reports with no bearing
    ell -= ell.mean(axis=1, keepdims=True)
    oi = rng.integers(0, max(1, n // 2), size=n)
    _, oi = np.unique(oi, return_inverse=True)
    n_orig = int(oi.max()) + 1
    prior = np.log(rng.dirichlet(np.ones(h)))
    comb = OriginCombiner(ell, oi, n_orig, prior)
    fast = comb.posterior(comb.totals_without_each_report())
    for i in range(n):
        # removing a report vacates its share of its origin; the others keep theirs
        slow = OriginCombiner(ell, oi, n_orig, prior, excluded=np.arange(n) == i).posterior()
        np.testing.assert_allclose(fast[i], slow, atol=1e-9)
    # replacing a set of rows equals recomputation with the new rows
    rows = np.flatnonzero(rng.random(n) < 0.5)
    new = rng.normal(size=(rows.size, h))
    new -= new.mean(axis=1, keepdims=True)
    ell2 = ell.copy()
    ell2[rows] = new
    direct = OriginCombiner(ell2, oi, n_orig, prior).posterior()
    u_new = new.max(axis=1) - new.min(axis=1) if rows.size else np.zeros(0)
    np.testing.assert_allclose(comb.posterior(comb.totals_replacing_rows(rows, new, u_new)), direct, atol=1e-9)


def _interested_original_with_copies(two_hyp, n_copies, **original_source):
    """r0 from an interested source s0, copied (derived_from) by n better sources with no interest."""
    sources = [{"id": "s0", "track_record": {"confirmed": 2, "refuted": 2}, "interests": ["paid by the ministry"],
                **original_source}]
    sources += [{"id": f"s{k}", "track_record": {"confirmed": 9, "refuted": 0}} for k in range(1, n_copies + 1)]
    reports = [{"id": "r0", "source": "s0", "date": "2024-03", "modality": "official_statement"}]
    reports += [{"id": f"r{k}", "source": f"s{k}", "date": "2024-03", "derived_from": ["r0"]}
                for k in range(1, n_copies + 1)]
    return build_case(hypotheses=two_hyp, sources=sources, reports=reports, actors=["adv"],
                      ratings={f"r{k}": ["CC", "II"] for k in range(n_copies + 1)})


@pytest.mark.parametrize("n_copies", [1, 5])
def test_copies_from_better_sources_add_nothing_to_an_interested_original(two_hyp, n_copies):
    """Review finding (session 6): a copy was weighted by its own (better) source and did not inherit the
    original's interest, so five plain copies of a ministry statement raised its hypothesis 0.54 -> 0.58.
    A copy now carries its original's weight cap, interest and channels."""
    alone = _interested_original_with_copies(two_hyp, 0)
    copied = _interested_original_with_copies(two_hyp, n_copies)
    assert posterior_a(copied) == pytest.approx(posterior_a(alone), abs=1e-9)
    weights = {r.id: r.weight for r in assess_case(copied).reports}
    assert len(set(weights.values())) == 1  # capped at the original's


def test_burning_the_originals_source_reaches_its_copies(two_hyp):
    """Review finding (session 6): burning the original's source listed its copies as falling, but the
    assessment still counted them at face value: the fed-channel test did not follow derived_from."""
    hyps = [*two_hyp, {"id": "plant", "statement": "planted to look like a", "deception_by": "adv", "mimics": "a"}]

    def case(n_copies, burned):
        c = _interested_original_with_copies(two_hyp, n_copies)
        data = c.model_dump(mode="json", exclude_unset=True)
        data["hypotheses"] = hyps
        data["ratings"] = [{"report": r.id, "hypothesis": h, "consistency": g} for r in c.reports
                           for h, g in (("a", "CC"), ("b", "II"), ("plant", "I"))]
        if burned:
            data["burns"] = [{"id": "b1", "source": "s0", "since": "2024-01", "actor": "adv"}]
        from sevenfold.model import case_from_data
        return case_from_data(data)

    def plant(c):
        return {h.id: h.posterior for h in assess_case(c).hypotheses}["plant"]

    assert plant(case(3, burned=True)) == pytest.approx(plant(case(0, burned=True)), abs=1e-9)
    assert plant(case(3, burned=True)) > plant(case(3, burned=False)) + 0.01


def test_a_report_refuted_by_as_of_is_evidence_for_nothing(two_hyp):
    """Review finding (session 6): a report refuted by an outcome dated before as_of was graded 5
    "improbable" but kept its weight and still pushed its hypothesis."""
    sources = _sources(2)
    reports = [{"id": "r0", "source": "s0", "date": "1990"}, {"id": "r1", "source": "s1", "date": "1990"}]
    ratings = {"r0": ["C", "I"], "r1": ["I", "C"]}

    def case(outcome_date, with_r1=True):
        return build_case(hypotheses=two_hyp, sources=sources, as_of="1995",
                          reports=reports if with_r1 else reports[:1],
                          ratings=ratings if with_r1 else {"r0": ratings["r0"]},
                          outcomes=[{"report": "r1", "verdict": "refuted", "date": outcome_date}] if with_r1 else [])

    without = posterior_a(case(None, with_r1=False))
    assert posterior_a(case("1991")) == pytest.approx(without, abs=1e-9)
    assert posterior_a(case("1999")) < without - 0.05  # not yet known at as_of: r1 still counts
    r1 = next(r for r in assess_case(case("1991")).reports if r.id == "r1")
    assert r1.weight == 0 and r1.credibility == 5


def test_a_long_copy_chain_listed_copies_first_is_assessed(two_hyp):
    """Review finding (session 6): the copy-weight inheritance recursed once per derived_from link, and a
    chain of about 1,000 copies listed before their originals raised RecursionError."""
    n = 3000
    reports = [{"id": f"r{k}", "source": "s1" if k else "s0", **({"derived_from": [f"r{k - 1}"]} if k else {})}
               for k in reversed(range(n))]
    sources = [{"id": "s0", "track_record": {"confirmed": 1, "refuted": 3}},
               {"id": "s1", "track_record": {"confirmed": 9, "refuted": 0}}]
    case = build_case(hypotheses=two_hyp, sources=sources, reports=reports,
                      ratings={f"r{k}": ["C", "I"] for k in range(n)})
    weights = {r.id: r.weight for r in assess_case(case).reports}
    assert len(set(weights.values())) == 1  # every copy capped at r0's weight
