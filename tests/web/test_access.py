"""Access control for EVERY endpoint: the route table below must list each route of the app.

A new endpoint without an entry here fails ``test_every_route_is_classified``. For each case route:
an ungranted user gets 404 and changes nothing, each role below the required one gets 403 and
changes nothing, the required role succeeds, and an anonymous caller gets 401 (API) or is sent
to the login page (UI).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.conftest import World, tiny_yaml

ROLE_ORDER = ["reader", "analyst", "owner"]
USER_WITH = {"reader": "carol", "analyst": "bob", "owner": "alice"}

# (method, path) -> (minimum role, sample request that succeeds for that role)
CASE_ROUTES: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {
    ("GET", "/api/v1/cases/{case_id}"): ("reader", {}),
    ("DELETE", "/api/v1/cases/{case_id}"): ("owner", {}),
    ("GET", "/api/v1/cases/{case_id}/export"): ("reader", {"params": {"format": "json"}}),
    ("GET", "/api/v1/cases/{case_id}/assessment"): ("reader", {}),
    ("GET", "/api/v1/cases/{case_id}/origins"): ("reader", {}),
    ("GET", "/api/v1/cases/{case_id}/what-if"): ("reader", {"params": {"exclude": "r2", "as_of": "1937"}}),
    ("GET", "/api/v1/cases/{case_id}/fusion"): ("reader", {"prep": "claims"}),
    ("GET", "/api/v1/cases/{case_id}/audit"): ("reader", {}),
    ("GET", "/api/v1/cases/{case_id}/grants"): ("owner", {}),
    ("PUT", "/api/v1/cases/{case_id}/grants/{user_name}"): ("owner", {"path": {"user_name": "dave"},
                                                                      "json": {"role": "reader"}}),
    ("DELETE", "/api/v1/cases/{case_id}/grants/{user_name}"): ("owner", {"path": {"user_name": "carol"}}),
    ("GET", "/api/v1/cases/{case_id}/sources"): ("reader", {}),
    ("POST", "/api/v1/cases/{case_id}/sources"): ("analyst", {"json": {"id": "s9", "name": "New"}}),
    ("GET", "/api/v1/cases/{case_id}/sources/{entry_id}"): ("reader", {"path": {"entry_id": "s1"}}),
    ("PUT", "/api/v1/cases/{case_id}/sources/{entry_id}"): ("analyst", {"path": {"entry_id": "s1"},
                                                                        "json": {"id": "s1", "name": "Renamed"}}),
    ("DELETE", "/api/v1/cases/{case_id}/sources/{entry_id}"): ("analyst", {"path": {"entry_id": "s4"}}),
    ("GET", "/api/v1/cases/{case_id}/actors"): ("reader", {}),
    ("POST", "/api/v1/cases/{case_id}/actors"): ("analyst", {"json": {"id": "a9", "name": "New"}}),
    ("GET", "/api/v1/cases/{case_id}/actors/{entry_id}"): ("reader", {"path": {"entry_id": "adversary"}}),
    ("PUT", "/api/v1/cases/{case_id}/actors/{entry_id}"): ("analyst", {"path": {"entry_id": "adversary"},
                                                                       "json": {"id": "adversary", "name": "R"}}),
    ("DELETE", "/api/v1/cases/{case_id}/actors/{entry_id}"): ("analyst", {"path": {"entry_id": "a9"},
                                                                          "prep": "spare-actor"}),
    ("GET", "/api/v1/cases/{case_id}/documents"): ("reader", {}),
    ("POST", "/api/v1/cases/{case_id}/documents"): ("analyst", {"json": {"id": "d9", "title": "New"}}),
    ("GET", "/api/v1/cases/{case_id}/documents/{entry_id}"): ("reader", {"path": {"entry_id": "d1"}}),
    ("PUT", "/api/v1/cases/{case_id}/documents/{entry_id}"): ("analyst", {"path": {"entry_id": "d1"},
                                                                          "json": {"id": "d1", "title": "T"}}),
    ("DELETE", "/api/v1/cases/{case_id}/documents/{entry_id}"): ("analyst", {"path": {"entry_id": "d1"},
                                                                             "prep": "undocument"}),
    ("GET", "/api/v1/cases/{case_id}/reports"): ("reader", {}),
    ("POST", "/api/v1/cases/{case_id}/reports"): ("analyst", {"json": {"id": "r9", "source": "s1", "text": "x"}}),
    ("GET", "/api/v1/cases/{case_id}/reports/{entry_id}"): ("reader", {"path": {"entry_id": "r1"}}),
    ("PUT", "/api/v1/cases/{case_id}/reports/{entry_id}"): ("analyst", {"path": {"entry_id": "r1"},
                                                                        "json": {"id": "r1", "source": "s2"}}),
    ("DELETE", "/api/v1/cases/{case_id}/reports/{entry_id}"): ("analyst", {"path": {"entry_id": "r3"}}),
    ("GET", "/api/v1/cases/{case_id}/hypotheses"): ("reader", {}),
    ("POST", "/api/v1/cases/{case_id}/hypotheses"): ("analyst", {"json": {"id": "h9", "statement": "Other"}}),
    ("GET", "/api/v1/cases/{case_id}/hypotheses/{entry_id}"): ("reader", {"path": {"entry_id": "h1"}}),
    ("PUT", "/api/v1/cases/{case_id}/hypotheses/{entry_id}"): ("analyst", {"path": {"entry_id": "h1"},
                                                                           "json": {"id": "h1", "statement": "G"}}),
    ("DELETE", "/api/v1/cases/{case_id}/hypotheses/{entry_id}"): ("analyst", {"path": {"entry_id": "h2"},
                                                                           "params": {"force": "true"}}),
    ("GET", "/api/v1/cases/{case_id}/ratings"): ("reader", {}),
    ("PUT", "/api/v1/cases/{case_id}/ratings/{report_id}/{hypothesis_id}"): (
        "analyst", {"path": {"report_id": "r3", "hypothesis_id": "h1"}, "json": {"consistency": "II"}}),
    ("DELETE", "/api/v1/cases/{case_id}/ratings/{report_id}/{hypothesis_id}"): (
        "analyst", {"path": {"report_id": "r1", "hypothesis_id": "h1"}, "prep": "own-rating"}),
    ("GET", "/api/v1/cases/{case_id}/outcomes"): ("reader", {}),
    ("POST", "/api/v1/cases/{case_id}/outcomes"): ("analyst", {"json": {"report": "r2", "verdict": "refuted"}}),
    ("DELETE", "/api/v1/cases/{case_id}/outcomes/{index}"): ("analyst", {"path": {"index": "0"},
                                                                         "if_match": True}),
    ("GET", "/api/v1/cases/{case_id}/burns"): ("reader", {}),
    ("GET", "/api/v1/cases/{case_id}/burns/preview"): ("reader", {"params": {"source": "s2", "since": "1937"}}),
    ("POST", "/api/v1/cases/{case_id}/burns"): ("analyst", {"json": {"source": "s2", "since": "1937-01"}}),
    ("DELETE", "/api/v1/cases/{case_id}/burns/{burn_id}"): ("analyst", {"path": {"burn_id": "b1"}}),
    # browser UI
    ("GET", "/cases/{case_id}"): ("reader", {}),
    ("POST", "/cases/{case_id}/ui/rate"): ("analyst", {"data": {"report": "r2", "hypothesis": "h2",
                                                                "consistency": "CC"}}),
    ("GET", "/cases/{case_id}/ui/burn-preview"): ("reader", {"params": {"source": "s1", "since": "1936"}}),
    ("POST", "/cases/{case_id}/ui/burn"): ("analyst", {"data": {"source": "s1", "since": "1936"}}),
    ("POST", "/cases/{case_id}/ui/unburn"): ("analyst", {"data": {"burn_id": "b1"}}),
    ("POST", "/cases/{case_id}/ui/reports"): ("analyst", {"data": {"id": "r8", "source": "s1", "text": "t"}}),
    ("POST", "/cases/{case_id}/ui/hypotheses"): ("analyst", {"data": {"id": "h8", "statement": "t"}}),
    ("GET", "/cases/{case_id}/ui/form/{kind}"): ("analyst", {"path": {"kind": "sources"},
                                                             "params": {"entry": "s1"}}),
    ("POST", "/cases/{case_id}/ui/entries/{kind}"): ("analyst", {"path": {"kind": "reports"},
                                                                 "data": {"id": "r8", "source": "s1", "text": "t"}}),
    ("POST", "/cases/{case_id}/ui/entries/{kind}/{entry_id}"): (
        "analyst", {"path": {"kind": "sources", "entry_id": "s1"}, "data": {"name": "Renamed"}}),
    ("POST", "/cases/{case_id}/ui/entries/{kind}/{entry_id}/delete"): (
        "analyst", {"path": {"kind": "actors", "entry_id": "a9"}, "data": {"confirm": "1"}, "prep": "spare-actor"}),
    ("POST", "/cases/{case_id}/ui/rating"): ("analyst", {"data": {"report": "r2", "hypothesis": "h2",
                                                                  "consistency": "CC", "note": "why"}}),
    ("POST", "/cases/{case_id}/ui/meta"): ("analyst", {"data": {"title": "Retitled", "as_of": "1937"}}),
    ("POST", "/cases/{case_id}/ui/delete-case"): ("owner", {"data": {"confirm": "tiny"}}),
    ("POST", "/cases/{case_id}/ui/grants"): ("owner", {"data": {"user": "dave", "role": "reader"}}),
    ("POST", "/cases/{case_id}/ui/grants/{user_name}/remove"): ("owner", {"path": {"user_name": "carol"}}),
    ("GET", "/cases/{case_id}/report.{fmt}"): ("reader", {"path": {"fmt": "html"}}),
    ("POST", "/api/v1/cases/{case_id}/actors/{entry_id}/restore"): ("analyst", {
        "path": {"entry_id": "adversary"}, "prep": "deleted:actors/adversary"}),
    ("POST", "/api/v1/cases/{case_id}/sources/{entry_id}/restore"): ("analyst", {
        "path": {"entry_id": "s4"}, "prep": "deleted:sources/s4"}),
    ("POST", "/api/v1/cases/{case_id}/documents/{entry_id}/restore"): ("analyst", {
        "path": {"entry_id": "d1"}, "prep": "deleted:documents/d1"}),
    ("POST", "/api/v1/cases/{case_id}/reports/{entry_id}/restore"): ("analyst", {
        "path": {"entry_id": "r3"}, "prep": "deleted:reports/r3"}),
    ("POST", "/api/v1/cases/{case_id}/hypotheses/{entry_id}/restore"): ("analyst", {
        "path": {"entry_id": "h2"}, "prep": "deleted:hypotheses/h2"}),
}

# routes without a case: who may call them
OTHER_ROUTES: dict[tuple[str, str], str] = {
    ("GET", "/api/v1/openapi.json"): "public",
    ("GET", "/healthz"): "public",
    ("GET", "/login"): "public",
    ("POST", "/login"): "public",  # protected by the login form's double-submit token (test_api)
    ("POST", "/api/v1/session"): "public",
    ("DELETE", "/api/v1/session"): "user",
    ("GET", "/api/v1/me"): "user",
    ("POST", "/api/v1/tokens"): "user",
    ("GET", "/api/v1/tokens"): "user",  # only the caller's own (test_api)
    ("DELETE", "/api/v1/tokens/{token_id}"): "user",  # only the caller's own: another's is 404 (test_api)
    ("DELETE", "/api/v1/sessions"): "user",  # ends the caller's own sessions only
    ("POST", "/api/v1/users"): "admin",
    ("GET", "/api/v1/cases"): "user",  # lists only granted cases (test_api)
    ("POST", "/api/v1/cases"): "user",  # the creator becomes owner (test_api)
    ("POST", "/api/v1/cases/new"): "user",  # the creator becomes owner (tests/test_workspace_web.py)
    ("GET", "/"): "user",
    ("POST", "/cases"): "user",
    ("POST", "/cases/new"): "user",  # the creator becomes owner (browser/test_build_case.py)
    ("GET", "/account"): "user",
    ("POST", "/account/password"): "user",  # the caller's own password, after checking the current one
    ("POST", "/logout"): "user",
}


def app_routes(app: Any) -> set[tuple[str, str]]:
    """(method, path) of every endpoint, including routes of included routers."""

    def walk(routes: list[Any]) -> Any:
        for r in routes:
            if hasattr(r, "original_router"):  # FastAPI >= 0.16x keeps included routers nested
                yield from walk(r.original_router.routes)
            else:
                yield r

    out = set()
    for r in walk(app.routes):
        for m in getattr(r, "methods", None) or ():
            if m != "HEAD":
                out.add((m, r.path))
    return out


def test_every_route_is_classified(world: World) -> None:
    routes = app_routes(world.app)
    unclassified = routes - CASE_ROUTES.keys() - OTHER_ROUTES.keys()
    assert not unclassified, f"new endpoints need an access entry (and test) here: {sorted(unclassified)}"
    stale = (CASE_ROUTES.keys() | OTHER_ROUTES.keys()) - routes
    assert not stale, f"table lists endpoints the app no longer has: {sorted(stale)}"
    # every route with a case id is in the case table
    assert all(path.count("{case_id}") == 1 for _, path in CASE_ROUTES)
    assert not [k for k in OTHER_ROUTES if "{case_id}" in k[1]]


def _call(world: World, user: str | None, method: str, path: str, sample: dict[str, Any],
          case_id: str = "tiny") -> Any:
    client = world.client(user)
    url = path.replace("{case_id}", case_id)
    for k, v in sample.get("path", {}).items():
        url = url.replace("{" + k + "}", v)
    headers = {"accept": "text/html"} if not url.startswith("/api/") else {}
    if sample.get("if_match"):
        headers["If-Match"] = f'"{world.store.revision("tiny")}"'
    return client.request(method, url, params=sample.get("params"), json=sample.get("json"),
                          data=sample.get("data"), headers=headers, follow_redirects=False)


def _prepare(world: World, sample: dict[str, Any]) -> None:
    prep = sample.get("prep")
    if prep == "undocument":  # a document still cited by a report cannot be deleted
        def change(case):  # type: ignore[no-untyped-def]
            case.reports[0].document = None
        world.store.update_case("tiny", change)
    elif prep and prep.startswith("deleted:"):  # an audited deletion to restore
        from sevenfold.workspace import Workspace

        kind, entry_id = prep.removeprefix("deleted:").split("/")
        Workspace(world.store, actor="test:setup").delete("tiny", kind, entry_id, force=True)
    elif prep == "claims":  # fusion needs claims
        from sevenfold.model import Claim

        def change(case):  # type: ignore[no-untyped-def]
            for r, value in (("r1", "genuine"), ("r2", "plant"), ("r3", "plant")):
                case.report(r).claims = [Claim(object="memo", attribute="status", value=value)]
        world.store.update_case("tiny", change)
    elif prep == "spare-actor":  # an actor nothing references, so deleting it needs no confirmation
        from sevenfold.model import Actor

        def change(case):  # type: ignore[no-untyped-def]
            case.actors = [*case.actors, Actor(id="a9", name="Spare")]
        world.store.update_case("tiny", change)
    elif prep == "own-rating":
        from sevenfold.model import Rating

        def change(case):  # type: ignore[no-untyped-def]
            for who in ("alice", "bob", "carol"):
                case.ratings.append(Rating(report="r1", hypothesis="h1", consistency="II", analyst=who))
        world.store.update_case("tiny", change)


def _snapshot(world: World) -> tuple[int, dict[str, str]]:
    from sevenfold.store import accounts

    return world.store.revision("tiny"), accounts.grants_on_case(world.store, "tiny")


ROUTE_IDS = [f"{m} {p}" for m, p in CASE_ROUTES]


@pytest.mark.parametrize(("method", "path"), list(CASE_ROUTES), ids=ROUTE_IDS)
def test_case_route_hidden_from_ungranted_user(fresh: World, method: str, path: str) -> None:
    _, sample = CASE_ROUTES[(method, path)]
    _prepare(fresh, sample)
    before = _snapshot(fresh)
    r = _call(fresh, "dave", method, path, sample)
    assert r.status_code == 404, r.text
    assert _snapshot(fresh) == before
    # and a case that does not exist looks exactly the same
    assert _call(fresh, "dave", method, path, sample, case_id="no-such-case").status_code == 404


@pytest.mark.parametrize(("method", "path"), list(CASE_ROUTES), ids=ROUTE_IDS)
def test_case_route_needs_its_role(fresh: World, method: str, path: str) -> None:
    role, sample = CASE_ROUTES[(method, path)]
    _prepare(fresh, sample)
    for lower in ROLE_ORDER[: ROLE_ORDER.index(role)]:
        before = _snapshot(fresh)
        r = _call(fresh, USER_WITH[lower], method, path, sample)
        assert r.status_code == 403, f"{lower}: {r.status_code} {r.text}"
        assert _snapshot(fresh) == before
    r = _call(fresh, USER_WITH[role], method, path, sample)
    assert r.status_code < 400, f"{role}: {r.status_code} {r.text[:500]}"


@pytest.mark.parametrize(("method", "path"), list(CASE_ROUTES), ids=ROUTE_IDS)
def test_case_route_refuses_anonymous(fresh: World, method: str, path: str) -> None:
    _, sample = CASE_ROUTES[(method, path)]
    before = _snapshot(fresh)
    r = _call(fresh, None, method, path, sample)
    if path.startswith("/api/"):
        assert r.status_code == 401
    else:
        assert r.status_code in (303, 401) and (r.status_code == 401 or r.headers["location"] == "/login")
    assert _snapshot(fresh) == before


@pytest.mark.parametrize(("method", "path"), [k for k, v in OTHER_ROUTES.items() if v != "public"],
                         ids=[f"{m} {p}" for (m, p), v in OTHER_ROUTES.items() if v != "public"])
def test_user_route_refuses_anonymous(world: World, method: str, path: str) -> None:
    client = world.client()
    kwargs: dict[str, Any] = {}
    if (method, path) == ("POST", "/api/v1/cases") or (method, path) == ("POST", "/cases"):
        kwargs["files"] = {"file": ("t.yaml", tiny_yaml(), "application/yaml")}
    r = client.request(method, path, follow_redirects=False, **kwargs)
    assert r.status_code in (401, 303), r.text
    if r.status_code == 303:
        assert r.headers["location"] == "/login"


def test_admin_route_refuses_non_admin(world: World) -> None:
    r = world.client("bob").post("/api/v1/users", json={"name": "eve", "password": "long enough pw"})
    assert r.status_code == 403
    r = world.client("alice").post("/api/v1/users", json={"name": "erin", "password": "long enough pw"})
    assert r.status_code == 201


@pytest.mark.parametrize(("method", "path"), [k for k, v in OTHER_ROUTES.items() if v == "public"],
                         ids=[f"{m} {p}" for (m, p), v in OTHER_ROUTES.items() if v == "public"])
def test_public_routes_reveal_no_case(world: World, method: str, path: str) -> None:
    r = world.client().request(method, path, json={"name": "x", "password": "y"} if method == "POST" else None,
                               follow_redirects=False)
    assert "tiny" not in r.text
