"""Linchpins, leave-one-out verdicts and value of information."""

from __future__ import annotations

import numpy as np
import pytest

from sevenfold.ach import assess_case

from .conftest import build_case


def reliable(n):
    return [{"id": f"s{k}", "track_record": {"confirmed": 9, "refuted": 1}} for k in range(n)]


@pytest.fixture
def balanced(two_hyp):
    # two weak reports for a, one strong for b: removing the strong one flips the verdict
    reports = [{"id": "w1", "source": "s0"}, {"id": "w2", "source": "s1"}, {"id": "strong", "source": "s2"}]
    return build_case(hypotheses=two_hyp, sources=reliable(3), reports=reports,
                      ratings={"w1": ["C", "N"], "w2": ["C", "N"], "strong": ["II", "CC"]})


def test_linchpin_is_the_report_whose_removal_flips_the_top(balanced):
    a = assess_case(balanced)
    assert a.top == "b"
    assert a.linchpins == ["strong"]
    rows = {r.report: r for r in a.sensitivity}
    assert rows["strong"].if_removed_top == "a" and rows["w1"].if_removed_top == "b"
    # the leave-one-out posterior equals assessing the case without that report
    without = balanced.model_copy(update={"reports": balanced.reports[:2],
                                          "ratings": [r for r in balanced.ratings if r.report != "strong"]})
    expect = {h.id: h.posterior for h in assess_case(without).hypotheses}
    assert rows["strong"].if_removed_posterior == pytest.approx(expect, abs=1e-4)


def test_verify_next_ranks_the_decisive_report_first(balanced):
    a = assess_case(balanced)
    assert a.verify_next and a.verify_next[0].target in ("strong", "s2")
    values = [v.value for v in a.verify_next]
    assert values == sorted(values, reverse=True) and all(v > 0 for v in values)
    assert all(v.why and v.kind in ("report", "source") for v in a.verify_next)


def test_no_information_no_verify(two_hyp):
    case = build_case(hypotheses=two_hyp, reports=[{"id": "r1", "source": "s"}], ratings={"r1": ["N", "N"]})
    assert assess_case(case).verify_next == []


def test_value_of_information_is_bounded_by_entropy(two_hyp):
    rng = np.random.default_rng(3)
    grades = np.array(["CC", "C", "N", "I", "II"])
    reports = [{"id": f"r{k}", "source": f"s{k % 4}"} for k in range(12)]
    case = build_case(hypotheses=two_hyp, sources=reliable(4), reports=reports,
                      ratings={f"r{k}": list(rng.choice(grades, 2)) for k in range(12)})
    a = assess_case(case)
    p = np.array([h.posterior for h in a.hypotheses])
    entropy = float(-(p[p > 0] * np.log2(p[p > 0])).sum())
    assert all(0 < v.value <= entropy + 1e-9 for v in a.verify_next)


def test_detail_false_skips_the_costly_parts(balanced):
    a = assess_case(balanced, detail=False)
    assert a.sensitivity is None and a.verify_next is None
    assert a.linchpins == ["strong"]
    assert a.hypotheses == assess_case(balanced).hypotheses
