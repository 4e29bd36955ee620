"""Came from vs read in: only a shared original document is a common origin; syntheses; merge reasons."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sevenfold.model import case_from_data
from sevenfold.provenance import burn_source, fallen_reports, origin_groups, partition
from sevenfold.provenance.rules import OriginRules


def groups(case, rules=None):
    return [o.reports for o in origin_groups(case, rules=rules)]


def curveball_case(*, kind: str = "post-mortem", via_document: bool = True, extra_reports=()):
    """A defector, the officer who relayed him, and his critics, all printed in one 2005 commission report."""
    wmd = "wmd-commission"
    reports = [
        {"id": "cb1", "source": "bnd", "origin": "curveball", "date": "2000-01", "cited_in": wmd},
        {"id": "cb2", "source": "bnd", "origin": "curveball", "date": "2000-06", "cited_in": wmd},
        {"id": "dod-doubts", "source": "dod-technician", "date": "2002-05", "cited_in": wmd},
        {"id": "bnd-caution", "source": "bnd-officer", "date": "2002-12", "cited_in": wmd},
        {"id": "imagery-wall", "source": "imagery", "date": "2002-10", "cited_in": wmd},
        *extra_reports,
    ]
    if via_document:  # the same cases written with `document:` pointing at the compilation
        for r in reports:
            r["document"] = r.pop("cited_in", wmd)
    sources = [{"id": "curveball", "kind": "human"}, {"id": "bnd", "kind": "official"},
               {"id": "dod-technician", "kind": "human"}, {"id": "bnd-officer", "kind": "official"},
               {"id": "imagery", "kind": "technical"}]
    hyps = [{"id": "labs"}, {"id": "no-labs"}, {"id": "fabricated", "deception_by": "curveball-himself"}]
    ratings = []
    for rid, cons in (("cb1", ("C", "I", "C")), ("cb2", ("C", "I", "C")), ("dod-doubts", ("I", "C", "C")),
                      ("bnd-caution", ("I", "C", "C")), ("imagery-wall", ("II", "C", "C"))):
        ratings += [{"report": rid, "hypothesis": h["id"], "consistency": c} for h, c in zip(hyps, cons, strict=True)]
    return case_from_data({
        "format": "sevenfold/1", "case": {"id": "curveball", "as_of": "2005"},
        "actors": [{"id": "curveball-himself"}], "sources": sources,
        "documents": [{"id": wmd, "kind": kind, "date": "2005-03-31"}],
        "reports": reports, "hypotheses": hyps, "ratings": ratings})


def test_a_compilation_citing_a_defector_and_his_critics_keeps_them_apart() -> None:
    for via_document in (True, False):
        case = curveball_case(via_document=via_document)
        assert groups(case) == [["cb1", "cb2"], ["dod-doubts"], ["bnd-caution"], ["imagery-wall"]]
        part = partition(case)
        assert [m["rule"] for m in part.merges()] == ["via"]        # only Curveball's own relays join
        assert part.read_in and "wmd-commission" in part.read_in[0] and "not a common origin" in part.read_in[0]


def test_a_later_original_document_is_where_reports_were_read() -> None:
    # an "original" record dated 2005 cannot be the common origin of reports from 2000-2002
    case = curveball_case(kind="original")
    assert len(groups(case)) == 4
    # ... but reports recorded in the same contemporaneous original do share it
    same_day = curveball_case(kind="original", extra_reports=[
        {"id": "late-a", "source": "dod-technician", "date": "2005-03-31"},
        {"id": "late-b", "source": "imagery", "date": "2005-03-31"}])
    assert ["late-a", "late-b"] in groups(same_day)
    [doc_merge] = [m for m in partition(same_day).merges() if m["rule"] == "document"]
    assert doc_merge["reports"] == ["late-a", "late-b"] and "original document" in doc_merge["why"]


def test_burning_the_defector_does_not_make_his_critics_fall() -> None:
    case = curveball_case()
    from sevenfold.model import Burn

    burn = Burn(id="b", source="curveball", since="1999")
    direct, derived = fallen_reports(case, burn)
    assert sorted(f.id for f in direct) == ["cb1", "cb2"]
    assert derived == []
    _, impact = burn_source(case, "curveball", since="1999", actor="curveball-himself")
    fallen = {f.id for f in impact.reports} | {f.id for f in impact.derived}
    assert fallen == {"cb1", "cb2"}
    assert all("originated with curveball" in f.why for f in impact.reports)


def test_an_undated_original_document_is_a_shared_record() -> None:
    """The rule can join: an original record that cannot be shown to postdate the reports is their origin."""
    case = curveball_case(kind="original")
    undated = case.model_copy(update={"documents": [d.model_copy(update={"date": None}) for d in case.documents]})
    assert len(groups(undated)) == 1          # an undated original really is a shared record


def synthesis_case(with_synthesis: bool = True, derived: bool = False):
    reports = [{"id": f"r{k}", "source": f"s{k}"} for k in range(3)]
    if with_synthesis:
        key = "derived_from" if derived else "synthesis_of"
        reports.append({"id": "sitrep", "source": "staff", key: ["r0", "r1", "r2"]})
    ratings = [{"report": r["id"], "hypothesis": h, "consistency": c}
               for r in reports for h, c in (("h1", "C"), ("h2", "I"))]
    return case_from_data({
        "format": "sevenfold/1", "case": {"id": "syn"},
        "sources": [{"id": f"s{k}"} for k in range(3)] + [{"id": "staff"}],
        "reports": reports, "hypotheses": [{"id": "h1"}, {"id": "h2"}], "ratings": ratings})


def test_a_synthesis_keeps_its_inputs_independent() -> None:
    syn = synthesis_case()
    assert groups(syn) == [["r0"], ["r1"], ["r2"], ["sitrep"]]
    sitrep_origin = next(o for o in origin_groups(syn) if o.reports == ["sitrep"])
    assert any("synthesis of r0, r1, r2" in w for w in sitrep_origin.why)

def test_restating_several_reports_is_a_synthesis_not_a_merge() -> None:
    # derived_from naming two or more reports is read as a synthesis of them: the compiler of several
    # reports must not fuse them into one origin, and adds no weight of its own
    derived, synthesis = synthesis_case(derived=True), synthesis_case()
    assert groups(derived) == groups(synthesis) == [["r0"], ["r1"], ["r2"], ["sitrep"]]
    from sevenfold.ach import assess_case

    a = {h.id: h.posterior for h in assess_case(derived, origins=origin_groups(derived)).hypotheses}
    b = {h.id: h.posterior for h in assess_case(synthesis, origins=origin_groups(synthesis)).hypotheses}
    assert a == b


def test_a_copy_of_one_report_shares_its_origin() -> None:
    case = synthesis_case(with_synthesis=False)
    copy = case.reports[0].model_copy(update={"id": "copy", "source": "s1", "derived_from": ["r0"]})
    case = case.model_copy(update={"reports": [*case.reports, copy]})
    assert ["copy", "r0"] in [sorted(g) for g in groups(case)]


def test_a_synthesis_is_not_counted_as_support_of_its_own() -> None:
    from sevenfold.provenance import supporting_reports

    syn = synthesis_case()
    assert supporting_reports(syn, syn.reports)["h1"] == ["r0", "r1", "r2"]


def test_a_synthesis_adds_no_weight_in_the_assessment() -> None:
    from sevenfold.ach import assess_case

    with_syn, without = synthesis_case(True), synthesis_case(False)
    a = {h.id: h.posterior for h in assess_case(with_syn, origins=origin_groups(with_syn)).hypotheses}
    b = {h.id: h.posterior for h in assess_case(without, origins=origin_groups(without)).hypotheses}
    assert a.keys() == b.keys()
    for h in a:
        assert abs(a[h] - b[h]) < 1e-9, (h, a[h], b[h])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3), st.booleans(), st.booleans()),
                min_size=1, max_size=8))
def test_reading_reports_together_never_merges_them(rows) -> None:
    """Property: adding `cited_in` (or a compilation as `document`) to any reports leaves origins as they were."""
    reports = []
    for k, (src, sub, relayed, _) in enumerate(rows):
        r = {"id": f"r{k}", "source": f"s{src}", "date": "1937"}
        if relayed:
            r["origin"] = f"sub{sub}"
        reports.append(r)
    base = {"format": "sevenfold/1", "case": {"id": "p"},
            "sources": [{"id": f"s{i}"} for i in range(4)] + [{"id": f"sub{i}"} for i in range(4)],
            "documents": [{"id": "book", "kind": "compilation", "date": "1989"},
                          {"id": "later", "date": "1990"}],
            "hypotheses": [{"id": "h1"}]}
    plain = case_from_data({**base, "reports": reports})
    read = [dict(r, **({"cited_in": "book"} if cite else {"document": "later"}))
            for r, (_, _, _, cite) in zip(reports, rows, strict=True)]
    cited = case_from_data({**base, "reports": read})
    rules = OriginRules(text=False)
    assert groups(plain, rules) == groups(cited, rules)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2), st.booleans()), min_size=1, max_size=8))
def test_custody_written_either_way_gives_the_same_origins(rows) -> None:
    """Property: `origin: X, source: Y` and `source: X, via: [Y]` are one custody and one origin structure."""
    def build(with_origin: bool):
        reports = []
        for k, (sub, relay, relayed) in enumerate(rows):
            if not relayed:
                reports.append({"id": f"r{k}", "source": f"sub{sub}"})
            elif with_origin:
                reports.append({"id": f"r{k}", "origin": f"sub{sub}", "source": f"relay{relay}"})
            else:
                reports.append({"id": f"r{k}", "source": f"sub{sub}", "via": [f"relay{relay}"]})
        sources = [{"id": f"sub{i}"} for i in range(3)] + [{"id": f"relay{i}"} for i in range(3)]
        return case_from_data({"format": "sevenfold/1", "case": {"id": "p"}, "sources": sources,
                               "reports": reports, "hypotheses": [{"id": "h1"}]})
    rules = OriginRules(text=False)
    assert groups(build(True), rules) == groups(build(False), rules)
