"""The assessment follows the custody convention: the originator's record weighs a report, the
originator absorbs a refutation, hops count along the whole chain, and the originator can be verified."""

from __future__ import annotations

from sevenfold.ach import assess_case
from sevenfold.model import case_from_data
from sevenfold.provenance import origin_groups


def _case(outcomes=(), *, written_with_origin: bool = True):
    if written_with_origin:
        relayed = [{"id": f"cb{k}", "origin": "curveball", "source": "bnd", "via": ["dia"]} for k in range(3)]
    else:
        relayed = [{"id": f"cb{k}", "source": "curveball", "via": ["bnd", "dia"]} for k in range(3)]
    reports = [*relayed, {"id": "tech", "source": "dod-technician"}]
    ratings = [{"report": r["id"], "hypothesis": h, "consistency": c} for r in reports[:3]
               for h, c in (("labs", "CC"), ("no-labs", "II"))]
    ratings += [{"report": "tech", "hypothesis": "labs", "consistency": "I"},
                {"report": "tech", "hypothesis": "no-labs", "consistency": "C"}]
    return case_from_data({
        "format": "sevenfold/1", "case": {"id": "cb"},
        "sources": [{"id": "curveball", "track_record": {"confirmed": 1, "refuted": 0}}, {"id": "bnd"},
                    {"id": "dia"}, {"id": "dod-technician"}],
        "reports": reports, "hypotheses": [{"id": "labs"}, {"id": "no-labs"}], "ratings": ratings,
        "outcomes": list(outcomes)})


def _assess(case):
    return assess_case(case, origins=origin_groups(case))


def test_a_refutation_counts_against_the_originator_not_the_relay() -> None:
    result = _assess(_case([{"report": "cb0", "verdict": "refuted"}]))
    sources = {s.id: s for s in result.sources}
    assert "1 refuted" in (sources["curveball"].reason or "")
    assert "0 refuted" in (sources["bnd"].reason or "") or "prior only" in (sources["bnd"].reason or "")


def test_either_way_of_writing_the_custody_assesses_the_same() -> None:
    a, b = _assess(_case()), _assess(_case(written_with_origin=False))
    assert {h.id: round(h.posterior, 9) for h in a.hypotheses} == {h.id: round(h.posterior, 9) for h in b.hypotheses}


def test_the_originator_can_be_named_in_verify_next() -> None:
    result = _assess(_case())
    targets = {(v.kind, v.target) for v in result.verify_next or []}
    assert ("source", "curveball") in targets
