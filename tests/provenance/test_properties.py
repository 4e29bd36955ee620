"""Properties of origin groups on random small cases (hypothesis)."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sevenfold.provenance import origin_groups

from .conftest import make_case


@st.composite
def random_cases(draw):
    n = draw(st.integers(1, 12))
    reports = []
    for k in range(n):
        r = {"id": f"r{k}", "source": f"s{draw(st.integers(0, 3))}"}
        if k and draw(st.booleans()):
            r["derived_from"] = sorted(set(draw(st.lists(st.integers(0, n - 1), max_size=2))) - {k})
            r["derived_from"] = [f"r{d}" for d in r["derived_from"]]
        if draw(st.booleans()):
            r["via"] = [f"v{draw(st.integers(0, 2))}"]
        if draw(st.booleans()):
            r["document"] = f"d{draw(st.integers(0, 2))}"
        reports.append(r)
    return reports


def _partition(reports):
    case = make_case(reports, documents=[{"id": f"d{k}"} for k in range(3)])
    return case, origin_groups(case)


@settings(max_examples=80, deadline=None)
@given(random_cases())
def test_every_report_in_exactly_one_origin_numbered_in_order(reports):
    case, origins = _partition(reports)
    flat = [rid for o in origins for rid in o.reports]
    assert sorted(flat) == sorted(r.id for r in case.reports)
    assert [o.id for o in origins] == [f"o{k + 1}" for k in range(len(origins))]
    order = {r.id: k for k, r in enumerate(case.reports)}
    firsts = [order[o.reports[0]] for o in origins]
    assert firsts == sorted(firsts)
    assert all(o.why for o in origins)


@settings(max_examples=80, deadline=None)
@given(random_cases())
def test_reordering_reports_keeps_the_same_groups(reports):
    _, forward = _partition(reports)
    _, backward = _partition(list(reversed(reports)))
    assert {frozenset(o.reports) for o in forward} == {frozenset(o.reports) for o in backward}


@settings(max_examples=80, deadline=None)
@given(random_cases(), st.data())
def test_adding_a_link_never_splits_an_origin(reports, data):
    _, before = _partition(reports)
    if len(reports) < 2:
        return
    a = data.draw(st.integers(1, len(reports) - 1))
    b = data.draw(st.integers(0, a - 1))
    # a copy of one report joins it; a report restating two or more is a synthesis and joins none
    # (tested in test_read_in), so the link added here is a report's only derived_from
    assume(not reports[a].get("derived_from"))
    linked = [dict(r) for r in reports]
    linked[a]["derived_from"] = [f"r{b}"]
    _, after = _partition(linked)
    group_of = {rid: frozenset(o.reports) for o in after for rid in o.reports}
    for o in before:
        assert set(o.reports) <= group_of[o.reports[0]]
    assert group_of[f"r{a}"] == group_of[f"r{b}"]
    assert len(after) <= len(before)
