"""Origins are named after the source their reports started with (the custody chain's first member), not
after the source that handed them to the record: a sub-source relayed by a liaison service is "o1 —
curveball, relayed by bnd", in the assessment's alerts and in `sevenfold provenance`'s alike. The analysts'
disagreement alert names each analyst's leading hypothesis in words, never as a Python dict."""

from __future__ import annotations

from typing import Any

import sevenfold
from sevenfold.model import case_from_data
from sevenfold.model.custody import origin_name


def _case(ratings: list[dict[str, Any]] | None = None) -> Any:
    data = {
        "format": "sevenfold/1",
        "case": {"id": "relay", "title": "Relayed sub-source", "as_of": "2003-02"},
        "sources": [
            {"id": "curveball", "name": "Sub-source", "kind": "human", "access": "direct"},
            {"id": "bnd", "name": "Liaison service", "kind": "official", "access": "indirect"},
            {"id": "dia", "name": "Relaying agency", "kind": "official", "access": "indirect"},
            {"id": "imagery", "name": "Imagery", "kind": "technical", "access": "direct"},
        ],
        "reports": [
            {"id": "r1", "source": "bnd", "origin": "curveball", "date": "2000-03", "text": "Trucks seen."},
            {"id": "r2", "source": "bnd", "origin": "curveball", "via": ["dia"], "date": "2000-05",
             "text": "Sketches of the trucks."},
            {"id": "r3", "source": "imagery", "date": "2002-10", "text": "Nothing at the site."},
        ],
        "hypotheses": [{"id": "real", "statement": "The trucks exist"},
                       {"id": "invented", "statement": "He made them up"}],
        "ratings": ratings if ratings is not None else [
            {"report": "r1", "hypothesis": "real", "consistency": "CC"},
            {"report": "r1", "hypothesis": "invented", "consistency": "N"},
            {"report": "r2", "hypothesis": "real", "consistency": "CC"},
            {"report": "r2", "hypothesis": "invented", "consistency": "N"},
            {"report": "r3", "hypothesis": "real", "consistency": "N"},
            {"report": "r3", "hypothesis": "invented", "consistency": "N"},
        ],
    }
    return case_from_data(data, "relay.yaml")


def _single_origin(alerts: list[Any]) -> Any:
    found = [a for a in alerts if a.kind == "single_origin" and a.hypothesis == "real"]
    assert len(found) == 1, [a.message for a in alerts]
    return found[0]


def test_single_origin_names_the_originator_in_assess_and_provenance() -> None:
    case = _case()
    a = sevenfold.assess(case)
    origins = a.origins or []
    oid = next(o.id for o in origins if "r1" in o.reports)
    assert {"r1", "r2"} <= set(next(o.reports for o in origins if o.id == oid))
    for alert in (_single_origin(a.alerts), _single_origin(sevenfold.origins(case).alerts)):
        assert f"{oid} — curveball, relayed by bnd, dia" in alert.message
        assert "(source: bnd)" not in alert.message
        assert set(alert.reports) == {"r1", "r2"}  # the numbers and lists are the engine's, unchanged


def test_origin_name() -> None:
    case = _case()
    r1, r2, r3 = case.reports
    assert origin_name("o1", [r1, r2]) == "o1 — curveball, relayed by bnd, dia"
    assert origin_name("o2", [r3]) == "o2 — imagery"
    assert origin_name("o3", []) == "o3"
    many = [r3.model_copy(update={"id": f"x{i}", "origin": None, "source": s})
            for i, s in enumerate(["a", "b", "c", "d"])]
    assert origin_name("o4", many) == "o4 — a, b, c …"


def test_analyst_disagreement_is_plain_words() -> None:
    ratings = []
    for who, real, invented in (("anna", "CC", "II"), ("boris", "II", "CC")):
        for rep in ("r1", "r3"):
            ratings += [{"report": rep, "hypothesis": "real", "consistency": real, "analyst": who},
                        {"report": rep, "hypothesis": "invented", "consistency": invented, "analyst": who}]
    a = sevenfold.assess(_case(ratings))
    alert = next(al for al in a.alerts if al.kind == "analyst_disagreement")
    assert "{" not in alert.message and "': " not in alert.message
    assert "anna: real" in alert.message and "boris: invented" in alert.message
