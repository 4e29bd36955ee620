"""Blind rating applies to those who rate on the case: a reader (who cannot rate) sees the whole team's
ratings and result through every endpoint and on the page, while an owner and an analyst are still kept
from the others' ratings of what they have not rated. The rule is the library's
(``sevenfold.workspace.Viewer``); alice owner, bob analyst, carol reader, through the API and the page."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("argon2")

import sevenfold
from sevenfold.workspace import Viewer, Workspace, blind_reports
from tests.web.conftest import World
from tests.web.test_blind_api import CASE, _others, _rate


@pytest.fixture
def blind(fresh: World) -> World:
    alice = fresh.client("alice")
    _rate(alice, "r1", "h1", "CC")
    _rate(alice, "r1", "h2", "II")
    _rate(alice, "r2", "h1", "C")  # r2 only half rated by alice
    Workspace(fresh.store, actor="test").edit_meta("tiny", blind_rating=True)
    return fresh


def test_a_reader_sees_every_rating_and_the_whole_result(blind: World) -> None:
    store_case = blind.store.load_case_with_revision("tiny")[0]
    every = {(r.report, r.hypothesis, r.analyst) for r in store_case.ratings}
    whole = sevenfold.assess(store_case).to_json_dict()
    assert whole["analysts"] is not None  # two raters (alice and face value): a per-analyst part exists
    carol = blind.client("carol")
    assert carol.put(f"{CASE}/ratings/r1/h1", json={"consistency": "C"}).status_code == 403  # she cannot rate
    assert _others(carol.get(CASE + "/ratings").json(), "carol") == every
    assert _others(carol.get(CASE).json()["case"]["ratings"], "carol") == every
    export = json.loads(carol.get(CASE + "/export", params={"format": "json"}).text)
    assert _others(export["ratings"], "carol") == every
    assessment = carol.get(CASE + "/assessment").json()
    assert assessment["analysts"] == whole["analysts"]
    assert [h["posterior"] for h in assessment["hypotheses"]] == [h["posterior"] for h in whole["hypotheses"]]
    assert [h["per_analyst"] for h in assessment["hypotheses"]] == [h["per_analyst"] for h in whole["hypotheses"]]
    what_if = carol.get(CASE + "/what-if", params={"exclude": "r3"}).json()
    assert what_if["before"]["analysts"] is not None
    assert "redacted" not in json.dumps(carol.get(CASE + "/audit").json())
    assert "alice" in carol.get("/cases/tiny/report.html").text


def test_an_analyst_and_an_owner_who_have_not_rated_are_still_kept_back(blind: World) -> None:
    bob, alice = blind.client("bob"), blind.client("alice")
    assert _others(bob.get(CASE + "/ratings").json(), "bob") == set()  # bob has rated nothing
    assert bob.get(CASE + "/assessment").json()["analysts"] is None
    assert "redacted" in json.dumps(bob.get(CASE + "/audit").json())
    # alice (owner) rated r1 whole and r2 half: the others' r2 ratings stay hidden from her
    assert not any(r == "r2" for r, _, _ in _others(alice.get(CASE + "/ratings").json(), "alice"))
    assert alice.get(CASE + "/assessment").json()["analysts"] is None


def test_the_page_hides_chips_from_the_analyst_not_from_the_reader(blind: World) -> None:
    bob_page = blind.client("bob").get("/cases/tiny")
    carol_page = blind.client("carol").get("/cases/tiny")
    assert bob_page.status_code == carol_page.status_code == 200
    assert 'data-testid="hidden-r1-h1"' in bob_page.text
    assert 'data-testid="hidden-' not in carol_page.text
    assert "you see everyone's ratings" in carol_page.text and "you see everyone's" not in bob_page.text


def test_the_rule_is_the_librarys() -> None:
    from sevenfold.model import case_from_data
    from tests.web.conftest import TINY

    data = json.loads(json.dumps(TINY))
    data["case"]["blind_rating"] = True
    data.setdefault("ratings", []).append({"report": "r1", "hypothesis": "h1", "analyst": "zoe", "consistency": "C"})
    case = case_from_data(data, "tiny.yaml")
    assert blind_reports(case, Viewer("carol", "reader")) == set()
    assert blind_reports(case, Viewer("bob", "analyst")) == blind_reports(case, "bob") != set()
    assert blind_reports(case, Viewer("alice", "owner")) == blind_reports(case, "alice") != set()
