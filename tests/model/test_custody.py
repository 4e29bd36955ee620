"""The one custody convention: [origin, source, *via] in travel order, and chains that look reversed."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sevenfold.model import (
    Report,
    case_from_data,
    custody_chain,
    custody_warnings,
    hop_count,
    origin_document,
    originating_source,
    relayers,
)
from sevenfold.model.entries import Document


def _case(reports: list[dict[str, Any]], sources: list[dict[str, Any]] | None = None,
          documents: list[dict[str, Any]] | None = None) -> Any:
    named = {s["id"] for s in sources or []}
    extra = []
    for r in reports:
        for s in [r.get("origin"), r["source"], *r.get("via", [])]:
            if s and s not in named:
                named.add(s)
                extra.append({"id": s})
    return case_from_data({"format": "sevenfold/1", "case": {"id": "t"}, "sources": (sources or []) + extra,
                           "documents": documents or [], "reports": reports,
                           "hypotheses": [{"id": "h1"}, {"id": "h2"}]})


def test_chain_runs_origin_source_via_in_travel_order() -> None:
    r = Report(id="r", source="bnd", origin="curveball", via=["dia", "cia"])
    assert custody_chain(r) == ["curveball", "bnd", "dia", "cia"]
    assert originating_source(r) == "curveball"
    assert relayers(r) == ["bnd", "dia", "cia"]
    assert hop_count(r) == 3


def test_without_origin_the_source_is_the_originator() -> None:
    r = Report(id="r", source="ezhov", via=["zarubin", "stavinskii-2003"])
    assert custody_chain(r) == ["ezhov", "zarubin", "stavinskii-2003"]
    assert originating_source(r) == "ezhov" and hop_count(r) == 2
    direct = Report(id="d", source="ezhov")
    assert custody_chain(direct) == ["ezhov"] and hop_count(direct) == 0
    same = Report(id="s", source="ezhov", origin="ezhov")  # origin equal to source adds no hop
    assert custody_chain(same) == ["ezhov"]


@given(st.lists(st.sampled_from(["a", "b", "c", "d", "e"]), min_size=1, max_size=5, unique=True))
def test_both_ways_of_writing_a_relay_give_one_chain(chain: list[str]) -> None:
    """origin + source + via and source + via describe the same custody when they list the same hands."""
    plain = Report(id="p", source=chain[0], via=chain[1:])
    if len(chain) >= 2:
        with_origin = Report(id="o", origin=chain[0], source=chain[1], via=chain[2:])
        assert custody_chain(with_origin) == custody_chain(plain) == chain
        assert hop_count(with_origin) == hop_count(plain) == len(chain) - 1


def test_reversed_chain_a_publication_before_a_person_is_warned() -> None:
    sources = [{"id": "book", "kind": "document"}, {"id": "zarubin", "kind": "human"},
               {"id": "ezhov", "kind": "official"}]
    good = _case([{"id": "r1", "source": "ezhov", "via": ["zarubin", "book"]}], sources)
    assert custody_warnings(good) == []
    bad = _case([{"id": "r1", "source": "ezhov", "via": ["book", "zarubin"]}], sources)
    [w] = custody_warnings(bad)
    assert w.startswith("reports[r1].via:") and "looks reversed" in w and "book" in w and "zarubin" in w
    assert any("looks reversed" in x for x in bad.warnings())


def test_reversed_chain_by_dates_is_warned() -> None:
    sources = [{"id": "memoir", "kind": "human", "date": "1960"}, {"id": "press", "kind": "human", "date": "1937"}]
    ok = _case([{"id": "r1", "source": "x", "via": ["press", "memoir"]}], sources)
    assert custody_warnings(ok) == []
    rev = _case([{"id": "r1", "source": "x", "via": ["memoir", "press"]}], sources)
    [w] = custody_warnings(rev)
    assert "press (1937) is dated before memoir (1960)" in w


def test_a_source_twice_on_a_chain_is_warned() -> None:
    case = _case([{"id": "r1", "source": "a", "origin": "b", "via": ["b"]}])
    assert any("appears twice" in w for w in custody_warnings(case))


@pytest.mark.parametrize(("kind", "doc_date", "report_date", "merges"), [
    ("original", "1937-03", "1937-03", True),      # the record of the report itself
    ("original", None, "1937-03", True),           # undated: cannot show it postdates the report
    ("original", "1937", None, True),              # undated report
    ("original", "1989", "1937-03", False),        # a later "original": where it was read
    ("edition", "1937", "1937", False),
    ("compilation", None, None, False),
    ("study", None, None, False),
    ("press", None, None, False),
    ("post-mortem", None, None, False),
])
def test_only_an_original_document_not_dated_after_the_report_is_an_origin(kind, doc_date, report_date, merges):
    doc = Document(id="d", kind=kind, date=doc_date)
    rep = Report(id="r", source="s", document="d", date=report_date)
    found, why = origin_document(rep, {"d": doc})
    assert (found == "d") is merges, why
    cited = Report(id="c", source="s", cited_in="d", date=report_date)
    assert origin_document(cited, {"d": doc})[0] is None   # cited_in is never an origin
