"""Blind rating in the JSON API: until an analyst has rated a report (under every hypothesis), no endpoint
shows them the other analysts' ratings of it — ``/ratings``, the case JSON, exports, the assessment's
per-analyst parts, the what-if's assessments, the audit trail. The rule is the library's
(``sevenfold.workspace.ratings_seen_by`` and friends); two analysts, alice and bob, through the API."""

from __future__ import annotations

import json
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("argon2")

from sevenfold.workspace import Workspace, blind_reports, ratings_seen_by
from tests.web.conftest import World

CASE = "/api/v1/cases/tiny"


def _others(rows: list[dict[str, Any]], me: str) -> set[tuple[str, str, str | None]]:
    return {(r["report"], r["hypothesis"], r.get("analyst")) for r in rows if r.get("analyst") != me}


def _rate(c: Any, report: str, hyp: str, code: str) -> None:
    assert c.put(f"{CASE}/ratings/{report}/{hyp}", json={"consistency": code}).status_code == 200


def _everything(c: Any) -> dict[str, Any]:
    return {
        "ratings": c.get(CASE + "/ratings").json(),
        "case": c.get(CASE).json()["case"].get("ratings", []),
        "export": json.loads(c.get(CASE + "/export", params={"format": "json"}).text).get("ratings", []),
        "assessment": c.get(CASE + "/assessment").json(),
        "what_if": c.get(CASE + "/what-if", params={"exclude": "r3"}).json(),
        "audit": c.get(CASE + "/audit").json(),
    }


def test_blind_rating_hides_the_others_ratings_in_every_endpoint(fresh: World) -> None:
    alice, bob = fresh.client("alice"), fresh.client("bob")
    _rate(alice, "r1", "h1", "CC")
    _rate(alice, "r1", "h2", "II")
    _rate(alice, "r2", "h1", "C")  # r2 only half rated by alice
    # blind rating off: bob sees alice's ratings and the per-analyst parts
    seen = _everything(bob)
    assert ("r1", "h1", "alice") in _others(seen["ratings"], "bob")
    assert seen["assessment"]["analysts"] is not None
    assert any(h["per_analyst"] for h in seen["assessment"]["hypotheses"])
    assert "alice" in bob.get("/cases/tiny/report.html").text

    Workspace(fresh.store, actor="test").edit_meta("tiny", blind_rating=True)
    seen = _everything(bob)
    for part in ("ratings", "case", "export"):
        assert _others(seen[part], "bob") == set(), part  # bob has rated nothing: none of the others' ratings
    assessment = seen["assessment"]
    assert assessment["analysts"] is None
    assert all(not h["per_analyst"] for h in assessment["hypotheses"])
    assert all(a["kind"] != "analyst_disagreement" for a in assessment["alerts"])
    assert all(seen["what_if"][p]["analysts"] is None for p in ("before", "after"))
    assert "alice" not in bob.get("/cases/tiny/report.html").text  # the downloadable report too
    audit_text = json.dumps(seen["audit"])
    assert '"analyst": "alice"' not in audit_text and "redacted" in audit_text

    # bob rates r1 under every hypothesis: now he sees r1's other ratings, still not r2's
    _rate(bob, "r1", "h1", "C")
    _rate(bob, "r1", "h2", "N")
    seen = _everything(bob)
    for part in ("ratings", "case", "export"):
        others = _others(seen[part], "bob")
        assert ("r1", "h1", "alice") in others and ("r1", "h2", None) in others, part
        assert not any(r == "r2" for r, _, _ in others), part
    # alice has rated r1 whole and r2 half: she sees bob's r1 ratings, and the face-value r2 ratings stay hidden
    seen_by_alice = _others(alice.get(CASE + "/ratings").json(), "alice")
    assert ("r1", "h1", "bob") in seen_by_alice and not any(r == "r2" for r, _, _ in seen_by_alice)
    # the owner reads the same rule: no way around it through ?analyst=
    assert [r for r in bob.get(CASE + "/ratings", params={"analyst": "alice"}).json() if r["report"] == "r2"] == []


def test_the_rule_is_the_librarys(fresh: World) -> None:
    ws = Workspace(fresh.store, actor="test")
    ws.rate("tiny", "r1", "h1", analyst="alice", consistency="CC")
    case, _ = ws.load("tiny")
    assert blind_reports(case, "bob") == set() and len(ratings_seen_by(case, "bob")) == len(case.ratings)
    ws.edit_meta("tiny", blind_rating=True)
    case, _ = ws.load("tiny")
    assert blind_reports(case, "bob") == {"r1", "r2", "r3"}
    assert ratings_seen_by(case, "bob") == []
    assert {(rt.report, rt.analyst) for rt in ratings_seen_by(case, "alice")} == {("r1", "alice")}


def test_a_rating_of_nothing_is_refused_by_the_model_rule(fresh: World) -> None:
    """One rule (``sevenfold.model.Rating``): the API answers 422 naming the field, the form shows the message,
    the library raises the same problem; nothing is written."""
    from sevenfold.errors import CaseValidationError

    before = fresh.store.revision("tiny")
    r = fresh.client("bob").put(f"{CASE}/ratings/r1/h1", json={"note": "no code"})
    assert r.status_code == 422
    problem = r.json()["problems"][0]
    assert problem["field"] == "likelihood" and problem["message"].startswith("a rating needs a consistency")
    with pytest.raises(CaseValidationError, match="a rating needs a consistency"):
        Workspace(fresh.store, actor="test").rate("tiny", "r1", "h1", analyst="bob")
    assert fresh.store.revision("tiny") == before
