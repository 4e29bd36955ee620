"""Blind rating on the case page and in the JSON API, with two analysts on the Curveball case.

anna has rated every report; blind rating is on; boris is shared in. Until boris rates a report, nothing on
his page or in his API answers may come from anna's ratings of it: the whole assessment he sees is that of
the case with only the ratings he may see (``sevenfold.workspace.assess_seen_by``). The expected numbers are
computed here independently, with ``sevenfold.assess`` on the case filtered by hand.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("argon2")

import sevenfold
from sevenfold.model import Case, case_from_data
from sevenfold.store import accounts
from sevenfold.workspace import Workspace
from tests.web.conftest import PASSWORD, World

CASE_FILE = Path(__file__).parent / "data" / "curveball-2003.yaml"
CID = "curveball-2003"
API = f"/api/v1/cases/{CID}"


@pytest.fixture
def two(world: World) -> World:
    """The Curveball case with anna's 30 ratings only, blind rating on; anna owner, boris analyst."""
    import yaml

    for name in ("anna", "boris"):
        if name not in world.tokens:
            accounts.create_user(world.store, name, PASSWORD, actor="test:setup")
            world.tokens[name] = accounts.create_token(world.store, name, "tests", actor="test:setup")
    data = yaml.safe_load(CASE_FILE.read_text())
    data["ratings"] = [r for r in data["ratings"] if r.get("analyst") == "anna"]
    data["case"]["blind_rating"] = True
    world.store.import_case(case_from_data(data, "curveball.yaml"), replace=True, actor="test:setup")
    accounts.grant(world.store, CID, "anna", "owner", actor="test:setup")
    accounts.grant(world.store, CID, "boris", "analyst", actor="test:setup")
    world.app.state.assessments = type(world.app.state.assessments)()  # type: ignore[attr-defined]
    return world


def _stored(world: World) -> Case:
    return world.store.load_case_with_revision(CID)[0]


def _only(case: Case, keep: Any) -> dict[str, Any]:
    """The assessment JSON of ``case`` with only the ratings ``keep(rating)`` accepts."""
    return sevenfold.assess(case.model_copy(update={"ratings": [r for r in case.ratings if keep(r)]})).to_json_dict()


class _Cells(HTMLParser):
    """Text of every element with a data-testid, and the matrix's Diag. column."""

    def __init__(self) -> None:
        super().__init__()
        self.by_id: dict[str, str] = {}
        self.diag: list[str] = []
        self._open: list[tuple[str, str | None, int]] = []  # (tag, testid, td index in row)
        self._td = -1
        self._in_matrix = 0
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("data-testid") == "matrix":
            self._in_matrix = 1
        if tag == "tr":
            self._td = -1
        if tag == "td":
            self._td += 1
        self._open.append((tag, a.get("data-testid"), self._td))

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            t, _tid, _ = self._open.pop()
            if t == tag:
                break
        if tag == "table":
            self._in_matrix = 0

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        for _t, tid, _ in self._open:
            if tid:
                self.by_id[tid] = self.by_id.get(tid, "") + data
        if self._in_matrix and self._open and self._open[-1][0] == "td" and self._open[-1][2] == 3:
            self.diag.append(data.strip())


def _page(world: World, user: str) -> _Cells:
    r = world.client(user).get(f"/cases/{CID}")
    assert r.status_code == 200, r.text
    p = _Cells()
    p.feed(r.text)
    return p


def _fmt(x: float | None) -> str:
    return "—" if x is None else format(x, ".2f")


def _shown(p: _Cells, a: dict[str, Any]) -> dict[str, str]:
    """What the page shows of ``a``'s numbers, and what it should show."""
    got, want = {}, {}
    for h in a["hypotheses"]:
        for key, tid in (("posterior", f"posterior-{h['id']}"), ("inconsistency", f"inconsistency-{h['id']}")):
            got[tid], want[tid] = p.by_id[tid].strip(), _fmt(h[key])
    visible = a["reports"]
    got["diag"] = " ".join(p.diag)
    want["diag"] = " ".join(_fmt(r["diagnosticity"]) for r in visible)
    return {"got": json.dumps(got, sort_keys=True), "want": json.dumps(want, sort_keys=True)}


def _true_under(html_text: str) -> list[str]:
    return sorted(re.findall(r"true under [^;.]*(?:; fed under [^(]*)?", html_text))


def _expected_true_under(a: dict[str, Any]) -> list[str]:
    out = []
    for r in a["reports"]:
        w = r.get("why") or {}
        if w.get("p_true") is None:
            continue
        line = f"true under {', '.join(w['true_under']) or 'no hypothesis'}"
        if w.get("fed_under"):
            line += f"; fed under {', '.join(w['fed_under'])} "
        out.append(line)
    return sorted(out)


def test_before_boris_rates_nothing_of_annas_judgement_reaches_him(two: World) -> None:
    case = _stored(two)
    mine = _only(case, lambda r: r.analyst == "boris")  # boris has rated nothing: no ratings at all
    annas = _only(case, lambda r: True)
    assert mine["hypotheses"] != annas["hypotheses"]  # the test can tell the two apart

    # the JSON API: exactly the assessment of the case as he may see it
    api = two.client("boris").get(API + "/assessment").json()
    assert api == mine

    # the page: posteriors, inconsistency, the Diag. column and every report's "true under" line
    p = _page(two, "boris")
    shown = _shown(p, mine)
    assert shown["got"] == shown["want"]
    assert _shown(p, annas)["got"] != _shown(p, annas)["want"]
    page_text = "".join(p.text)
    assert _true_under(page_text) == _expected_true_under(mine)
    assert "fed under inc-deception" not in page_text  # anna's whys
    assert not any(k.startswith("posterior-") and k.endswith("-anna") for k in p.by_id)

    # the what-if (page and API) and the origins' alerts come from the same ratings
    r = two.client("boris").get(f"/cases/{CID}/ui/burn-preview", params={"source": "curveball", "since": "2000-01"})
    assert r.status_code == 200
    before = {h["id"]: h["posterior"] for h in mine["hypotheses"]}
    w = two.client("boris").get(API + "/what-if", params={"exclude": "harith-labs"}).json()
    assert {h["id"]: h["posterior"] for h in w["before"]["hypotheses"]} == before
    prov = two.client("boris").get(API + "/origins").json()
    assert not any(a["kind"] in ("single_origin", "interested_only") for a in prov["alerts"])

    # anna, who rated everything, still sees her own assessment
    assert two.client("anna").get(API + "/assessment").json() == annas


def test_a_rated_report_brings_in_the_others_ratings_of_it_only(two: World) -> None:
    ws = Workspace(two.store, actor="boris")
    case = _stored(two)
    for h in case.hypotheses:
        ws.rate(CID, "cb-trucks", h.id, analyst="boris", consistency="I")
    case = _stored(two)
    mine = _only(case, lambda r: r.analyst == "boris" or r.report == "cb-trucks")
    # per-analyst parts stay out while anything is hidden from him
    mine = dict(mine, analysts=None, hypotheses=[dict(h, per_analyst=None) for h in mine["hypotheses"]],
                alerts=[a for a in mine["alerts"] if a["kind"] != "analyst_disagreement"])
    assert two.client("boris").get(API + "/assessment").json() == mine
    p = _page(two, "boris")
    shown = _shown(p, mine)
    assert shown["got"] == shown["want"]
    assert "per-analyst-kept" in p.by_id  # the page says why no one's own posterior shows


def test_everyone_who_rated_everything_sees_the_disagreement(two: World) -> None:
    ws = Workspace(two.store, actor="boris")
    case = _stored(two)
    # boris rates every report the other way round from anna
    flip = {"CC": "II", "C": "I", "N": "N", "I": "C", "II": "CC", "NA": "NA"}
    for rt in case.ratings:
        ws.rate(CID, rt.report, rt.hypothesis, analyst="boris", consistency=flip[rt.consistency or "N"])
    full = _only(_stored(two), lambda r: True)
    assert full["analysts"] is not None
    for user in ("anna", "boris"):
        assert two.client(user).get(API + "/assessment").json() == full
        p = _page(two, user)
        assert "per-analyst-note" in p.by_id, user
        for h in full["hypotheses"]:
            for an in ("anna", "boris"):
                assert p.by_id[f"posterior-{h['id']}-{an}"].strip() == _fmt(h["per_analyst"][an])
        alerts = p.by_id["alerts"]
        assert "analyst_disagreement" in alerts and "{'" not in alerts and "anna: " in alerts


def test_not_blind_shows_each_analyst_to_everyone(two: World) -> None:
    ws = Workspace(two.store, actor="anna")
    ws.rate(CID, "cb-trucks", "mobile-bw", analyst="boris", consistency="II")
    ws.edit_meta(CID, blind_rating=False)
    p = _page(two, "boris")
    assert "per-analyst-note" in p.by_id and "per-analyst-kept" not in p.by_id
    assert any(k.endswith("-anna") for k in p.by_id if k.startswith("posterior-"))


def test_budget_and_origin_names_on_the_page(two: World) -> None:
    a = _only(_stored(two), lambda r: True)
    budget = a["deception_budget"]
    assert budget and budget["origins"]
    p = _page(two, "anna")
    line = p.by_id["deception-budget"]
    assert f"for {budget['flips_to']} to draw level" in line or "one channel decides" in line
    for oid in budget["origins"]:
        assert re.search(rf"\b{oid} — \w", line), line  # named after the source it started with
    # the source table counts what a source originated and relayed
    assert p.by_id["originated-curveball"].strip() == "3"
    assert p.by_id["relayed-bnd"].strip() == str(sum(1 for r in _stored(two).reports if "bnd" in
                                                      [r.source, *r.via] and (r.origin or r.source) != "bnd"))
    # hypothesis whys name origins after their originator
    assert "o1 — curveball, relayed by bnd" in "".join(p.text)


def test_one_cache_entry_per_visible_ratings_and_revision(two: World) -> None:
    from sevenfold.workspace import AssessmentCache, seen_signature

    cache = AssessmentCache()
    _, rev, boris = cache.get(two.store, CID, "boris")
    assert cache.get(two.store, CID, "boris")[2] is boris  # computed once
    # carol has rated nothing either: she sees the same ratings as boris, and shares his entry
    case = _stored(two)
    assert seen_signature(case, "carol") == seen_signature(case, "boris") != ""
    assert cache.get(two.store, CID, "carol")[2] is boris
    assert cache.get(two.store, CID, "anna")[2] is cache.get(two.store, CID)[2]  # she sees everything
    assert cache.peek_json(two.store, CID, "boris") == cache.json_bytes(two.store, CID, "boris")
    Workspace(two.store, actor="boris").rate(CID, "cb-trucks", "mobile-bw", analyst="boris", consistency="C")
    _, rev2, after = cache.get(two.store, CID, "boris")
    assert rev2 == rev + 1 and after is not boris
    assert cache.peek_json(two.store, CID, "carol") is None  # a new revision: not computed for her yet
