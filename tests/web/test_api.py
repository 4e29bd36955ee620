"""The JSON API and the UI's forms: cases, edits, concurrency, burns, sessions, CSRF, limits, headers."""

from __future__ import annotations

import json
import threading

import pytest
import yaml

from sevenfold.errors import CaseValidationError
from sevenfold.model import case_from_data, loads_case
from sevenfold.pipeline import run_assessment
from sevenfold.store import accounts
from sevenfold.store.audit import records, verify_chain
from sevenfold.web import CONTENT_SECURITY_POLICY
from tests.web.conftest import PASSWORD, TINY, World, session_client, tiny_yaml

CASE = "/api/v1/cases/tiny"


def _upload(client, body: bytes, name: str = "case.yaml"):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/cases", files={"file": (name, body, "application/yaml")})


def test_create_case_makes_creator_owner_and_hides_it_from_others(fresh: World) -> None:
    data = dict(TINY, case=dict(TINY["case"], id="created"))
    r = _upload(fresh.client("bob"), yaml.safe_dump(data).encode())
    assert r.status_code == 201 and r.json()["role"] == "owner"
    assert [c["id"] for c in fresh.client("bob").get("/api/v1/cases").json()] == ["created", "tiny"]
    assert [c["id"] for c in fresh.client("dave").get("/api/v1/cases").json()] == []
    assert fresh.client("dave").get("/api/v1/cases/created").status_code == 404
    assert records(fresh.store, "created")[0].who == "api:bob"
    fresh.store.delete_case("created", actor="test:cleanup")


def test_a_case_imported_under_a_freed_id_shows_nothing_of_the_deleted_one(fresh: World) -> None:
    """Review finding (session 6): the assessment cache was keyed by (case id, revision), and a case
    imported again under a deleted case's id starts at revision 1 again, so the next owner was served the
    deleted case; the case's audit history also showed the deleted case's records."""
    alice, bob = fresh.client("alice"), fresh.client("bob")
    secret = dict(TINY, case=dict(TINY["case"], id="reused", title="ALICE SECRET"))
    assert _upload(alice, yaml.safe_dump(secret).encode()).status_code == 201
    assert alice.get("/api/v1/cases/reused/assessment").status_code == 200  # fills the cache
    assert alice.put("/api/v1/cases/reused/ratings/r1/h2", json={"consistency": "I", "note": "alice's note"}
                     ).status_code == 200
    assert alice.get("/api/v1/cases/reused").json()["case"]["case"]["title"] == "ALICE SECRET"
    assert alice.delete("/api/v1/cases/reused").status_code == 200
    mine = dict(TINY, case=dict(TINY["case"], id="reused", title="Bob's own"),
                sources=[*TINY["sources"][:2], TINY["sources"][3]], burns=[],
                reports=TINY["reports"][:1], ratings=TINY["ratings"][:2])
    created = _upload(bob, yaml.safe_dump(mine).encode())
    assert created.status_code == 201
    # revisions continue from the deleted case's (2), so its ETags cannot match the new case
    assert created.json()["revision"] == 3 and created.headers["etag"] == '"3"'
    assert bob.get("/api/v1/cases/reused", headers={"If-None-Match": '"2"'}).status_code == 200
    assert bob.delete("/api/v1/cases/reused/outcomes/0", headers={"If-Match": '"2"'}).status_code == 412
    for path in ("", "/export", "/assessment", "/sources"):
        body = bob.get("/api/v1/cases/reused" + path).text
        assert "ALICE SECRET" not in body and "Burned source" not in body, path
    assert bob.get("/api/v1/cases/reused").json()["case"]["case"]["title"] == "Bob's own"
    history = bob.get("/api/v1/cases/reused/audit").json()
    assert history and all(r["who"] == "api:bob" for r in history)
    assert "alice's note" not in json.dumps(history)
    assert any(r.who == "api:alice" for r in records(fresh.store, "reused"))  # the full log keeps them
    fresh.store.delete_case("reused", actor="test:cleanup")


def test_an_upload_with_a_taken_or_unsafe_id_is_refused_plainly(fresh: World) -> None:
    """Review findings (session 6): a taken id answered 400 "use --replace" (a CLI hint); ids such as
    'team/op-1' or one with a line break were stored and then unreachable from every route."""
    taken = yaml.safe_dump(dict(TINY, case=dict(TINY["case"], title="dave's")))
    r = _upload(fresh.client("dave"), taken.encode())  # dave cannot see "tiny"
    assert r.status_code == 409 and "is taken" in r.json()["detail"]
    assert "Tiny case" not in r.text
    for bad in ("team/op-1", "q\".html", "two words", "x\ny"):
        r = _upload(fresh.client("bob"), yaml.safe_dump(dict(TINY, case=dict(TINY["case"], id=bad))).encode())
        assert r.status_code == 422 and "slug" in r.text, bad
        assert not fresh.store.has_case(bad)


def test_invalid_upload_reports_the_same_problems_as_the_cli(fresh: World) -> None:
    bad = dict(TINY, case=dict(TINY["case"], id="bad"),
               reports=[*TINY["reports"], {"id": "r9", "source": "ghost"}],
               ratings=[{"report": "r1", "hypothesis": "h1", "consistency": "maybe"}])
    text = yaml.safe_dump(bad)
    with pytest.raises(CaseValidationError) as cli:
        loads_case(text, "bad.yaml")
    r = _upload(fresh.client("bob"), text.encode(), "bad.yaml")
    assert r.status_code == 422
    assert [p["text"] for p in r.json()["problems"]] == [str(p) for p in cli.value.problems]
    assert not fresh.store.has_case("bad")
    # YAML syntax errors and non-UTF-8 bytes are refused with a message too
    assert _upload(fresh.client("bob"), b"format: [unclosed\n").status_code == 422
    r = _upload(fresh.client("bob"), b"\xff\xfe\x00garbage")
    assert r.status_code in (400, 422) and "UTF-8" in r.json()["detail"]


def test_duplicate_case_id_is_refused(fresh: World) -> None:
    r = _upload(fresh.client("dave"), tiny_yaml())
    assert r.status_code == 409 and "is taken" in r.json()["detail"]  # 400 until session 6
    assert accounts.grants_on_case(fresh.store, "tiny").get("dave") is None


def test_upload_size_limit(fresh: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEVENFOLD_LIMIT_UPLOAD_BYTES", "1000")
    big = tiny_yaml() + b"#" * 2000 + b"\n"
    r = _upload(fresh.client("bob"), big)
    assert (r.status_code == 413 and "upload_bytes" in r.json()["detail"]) or "limit" in r.json()["detail"]


def test_a_chunked_body_over_the_limit_is_refused_without_reading_it_all(fresh: World,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Review finding (session 6): the limit was checked on Content-Length only, and a chunked body has
    none, so an anonymous client could make the server read and parse any size."""
    monkeypatch.setenv("SEVENFOLD_LIMIT_UPLOAD_BYTES", "1000")  # the guard allows 64 KiB of form overhead

    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(400):  # 400 KB in all, no Content-Length
            yield b"x" * 1000

    c = fresh.client()
    r = c.post("/api/v1/session", content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and "over the limit" in r.json()["detail"]
    r = fresh.client("bob").post("/api/v1/cases", content=chunks(),
                                 headers={"Content-Type": "multipart/form-data; boundary=x"})
    assert r.status_code == 413


def test_export_round_trips(fresh: World) -> None:
    c = fresh.client("carol")
    as_json = c.get(CASE + "/export", params={"format": "json"})
    as_yaml = c.get(CASE + "/export", params={"format": "yaml"})
    original = fresh.store.load_case("tiny")
    assert case_from_data(json.loads(as_json.text)) == original
    assert loads_case(as_yaml.text) == original
    assert as_json.headers["etag"] == f'"{fresh.store.revision("tiny")}"'
    assert c.get(CASE + "/export", params={"format": "xml"}).status_code == 422


def test_assessment_is_the_cli_json(fresh: World) -> None:
    r = fresh.client("carol").get(CASE + "/assessment")
    assert r.status_code == 200
    # the same pipeline as `sevenfold assess --json` (provenance origins and all), not the bare engine
    assert r.json() == run_assessment(fresh.store.load_case("tiny")).to_json_dict()
    again = fresh.client("carol").get(CASE + "/assessment", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304 and not again.content


def test_rating_edit_reassesses_and_is_audited(fresh: World) -> None:
    c = fresh.client("bob")
    rev = fresh.store.revision("tiny")
    before = c.get(CASE + "/assessment").json()
    r = c.put(CASE + "/ratings/r1/h1", json={"consistency": "II"})
    assert r.status_code == 200 and r.headers["etag"] == f'"{rev + 1}"'
    after = c.get(CASE + "/assessment").json()
    assert after != before
    assert after == run_assessment(fresh.store.load_case("tiny")).to_json_dict()
    mine = [x for x in c.get(CASE + "/ratings", params={"analyst": "bob"}).json()]
    assert mine == [{"report": "r1", "hypothesis": "h1", "consistency": "II", "analyst": "bob"}]
    rec = records(fresh.store, "tiny")[-1]
    assert (rec.who, rec.action) == ("api:bob", "rating.set")
    assert rec.after["ratings"] == {"r1/h1/bob": mine[0]}
    # unknown report / bad value
    assert c.put(CASE + "/ratings/nope/h1", json={"consistency": "C"}).status_code == 404
    assert c.put(CASE + "/ratings/r1/h1", json={"consistency": "XX"}).status_code == 422
    assert c.put(CASE + "/ratings/r1/h1", json={"likelihood": 1.5}).status_code == 422


def test_stale_if_match_is_refused_for_non_commutative_edits(fresh: World) -> None:
    c = fresh.client("bob")
    etag = c.get(CASE + "/reports/r1").headers["etag"]
    assert c.put(CASE + "/ratings/r2/h2", json={"consistency": "CC"}).status_code == 200  # someone edits
    r = c.put(CASE + "/reports/r1", json={"id": "r1", "source": "s1", "text": "edited"},
              headers={"If-Match": etag})
    assert r.status_code == 412
    assert fresh.store.load_case("tiny").report("r1").text == "The memorandum exists."
    fresh_etag = c.get(CASE).headers["etag"]
    r = c.put(CASE + "/reports/r1", json={"id": "r1", "source": "s1", "text": "edited"},
              headers={"If-Match": fresh_etag})
    assert r.status_code == 200
    # a cell edit with a stale If-Match is refused too, naming the current revision and cell value;
    # without If-Match it commutes with the other change and is applied
    r = c.put(CASE + "/ratings/r2/h2", json={"consistency": "C"}, headers={"If-Match": etag})
    assert r.status_code == 412 and r.headers["etag"] == c.get(CASE).headers["etag"]
    assert '"consistency": "CC"' in r.json()["detail"]
    assert c.put(CASE + "/ratings/r3/h2", json={"consistency": "C"}).status_code == 200
    assert c.put(CASE + "/reports/r1", json={"id": "r2", "source": "s1"}).status_code == 400
    assert c.delete(CASE + "/outcomes/0").status_code == 428


def _ten_analysts_edit_concurrently(world: World) -> None:
    """10 threads × 6 cells each through the API: every accepted edit is in the final case, audited."""
    client = world.client("alice")  # owners may write other analysts' cells
    rev = world.store.revision("tiny")
    cells = [(r, h) for r in ("r1", "r2", "r3") for h in ("h1", "h2")]
    choices = ["CC", "C", "N", "I", "II"]
    expected: dict[tuple[str, str, str], str] = {}
    errors: list[str] = []

    def analyst(i: int) -> None:
        for k, (rep, hyp) in enumerate(cells):
            value = choices[(i + k) % len(choices)]
            r = client.put(f"{CASE}/ratings/{rep}/{hyp}", json={"consistency": value, "analyst": f"a{i}"})
            if r.status_code != 200:
                errors.append(r.text)
            else:
                expected[(rep, hyp, f"a{i}")] = value

    threads = [threading.Thread(target=analyst, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    final = {(rt.report, rt.hypothesis, rt.analyst): rt.consistency
             for rt in world.store.load_case("tiny").ratings if rt.analyst and rt.analyst.startswith("a")}
    assert final == expected and len(final) == 60
    assert world.store.revision("tiny") == rev + 60
    assert verify_chain(world.store) == []


def test_ten_analysts_editing_concurrently_lose_no_update(fresh: World) -> None:
    _ten_analysts_edit_concurrently(fresh)


def test_entries_crud(fresh: World) -> None:
    c = fresh.client("bob")
    assert c.post(CASE + "/hypotheses", json={"id": "h3", "statement": "Third"}).status_code == 201
    assert c.post(CASE + "/hypotheses", json={"id": "h3"}).status_code == 409
    got = c.get(CASE + "/hypotheses/h3").json()
    assert got["id"] == "h3" and got["statement"] == "Third"
    assert fresh.store.load_case("tiny").hypothesis("h3").statement == "Third"
    assert c.post(CASE + "/reports", json={"id": "r4", "source": "ghost"}).status_code == 422
    assert c.post(CASE + "/reports", json={"id": "r4", "source": "s1", "date": "1937-13-01"}).status_code == 422
    assert c.put(CASE + "/ratings/r1/h3", json={"consistency": "I"}).status_code == 200
    # deleting a hypothesis takes its ratings along
    assert c.delete(CASE + "/hypotheses/h3").status_code == 200
    assert all(rt.hypothesis != "h3" for rt in fresh.store.load_case("tiny").ratings)
    assert c.get(CASE + "/hypotheses/h3").status_code == 404
    # a source that still has reports cannot go, even when confirmed; the answer names them
    for force in ("false", "true"):
        r = c.delete(CASE + "/sources/s1", params={"force": force})
        assert r.status_code == 409 and r.json()["references"] == ["report r1 (source)"]
    # another analyst's ratings go only when confirmed, and the refusal says whose they are
    r = c.delete(CASE + "/hypotheses/h2")
    assert r.status_code == 409 and "(unnamed analyst)" in r.json()["detail"]
    assert fresh.store.load_case("tiny").hypothesis("h2")


def test_outcomes(fresh: World) -> None:
    c = fresh.client("bob")
    r = c.post(CASE + "/outcomes", json={"report": "r2", "verdict": "refuted", "note": "it was not"})
    assert r.status_code == 201 and r.json()["index"] == 1
    assert c.post(CASE + "/outcomes", json={"verdict": "refuted"}).status_code == 422
    etag = c.get(CASE + "/outcomes").headers["etag"]
    assert c.delete(CASE + "/outcomes/0", headers={"If-Match": etag}).status_code == 200
    assert [o["report"] for o in c.get(CASE + "/outcomes").json()] == ["r2"]


def test_burn_shows_what_falls_and_unburn(fresh: World) -> None:
    c = fresh.client("bob")
    preview = c.get(CASE + "/burns/preview", params={"source": "s2", "since": "1937"}).json()
    assert set(preview["falls"]) == {"r2", "r3"}  # r3 derives from r2
    assert preview["before"]["hypotheses"] and preview["after"]["hypotheses"]
    assert fresh.store.load_case("tiny").burns[-1].id == "b1"  # a preview changes nothing
    r = c.post(CASE + "/burns", json={"source": "s2", "since": "1937", "note": "turned"})
    assert r.status_code == 201 and set(r.json()["what_if"]["falls"]) == {"r2", "r3"}
    assert {f["id"] for f in r.json()["reports"] + r.json()["derived"]} == {"r2", "r3"}
    burn_id = r.json()["burn"]["id"]
    assert r.json()["id"] == burn_id and set(r.json()["falls"]) == {"r2", "r3"}  # the fields API clients read
    assert [b["id"] for b in c.get(CASE + "/burns").json()] == ["b1", burn_id]
    assert c.post(CASE + "/burns", json={"source": "s2", "since": "1937"}).status_code == 409
    assert c.post(CASE + "/burns", json={"source": "ghost", "since": "1937"}).status_code == 404
    assert c.delete(f"{CASE}/burns/{burn_id}").status_code == 200
    assert c.delete(f"{CASE}/burns/{burn_id}").status_code == 404
    assert c.get(CASE + "/burns/preview", params={"source": "ghost"}).status_code == 404


def test_ui_unburn_of_an_unknown_burn_writes_nothing(fresh: World) -> None:
    """Review finding (session 6): the form answered "unburned no-such-burn", bumped the revision and
    wrote an audit record; it now answers 404 like the API, and nothing changes."""
    c, csrf = session_client(fresh, "bob")
    before, n_records = fresh.store.revision("tiny"), len(records(fresh.store, "tiny"))
    r = c.post("/cases/tiny/ui/unburn", data={"burn_id": "no-such-burn", "csrf_token": csrf})
    assert r.status_code == 404
    assert fresh.store.revision("tiny") == before and len(records(fresh.store, "tiny")) == n_records
    assert c.post("/cases/tiny/ui/unburn", data={"burn_id": "b1", "csrf_token": csrf}).status_code == 200
    assert fresh.store.revision("tiny") == before + 1


def test_a_lone_surrogate_is_bad_input_not_a_server_error(fresh: World) -> None:
    """Review finding (session 6): a JSON "\\ud800" escape reached the audit log's UTF-8 encoder: 500."""
    c = fresh.client("bob")
    r = c.post(CASE + "/reports", content=b'{"id": "r9", "source": "s1", "text": "bad \\ud800 text"}',
               headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and "surrogate" in r.json()["detail"]
    assert c.get(CASE + "/reports/r9").status_code == 404
    bad = json.dumps(dict(TINY, case=dict(TINY["case"], id="sur", title="x \ud800"))).encode()
    r = c.post("/api/v1/cases", files={"file": ("sur.json", bad, "application/json")})
    assert r.status_code in (400, 422) and "surrogate" in r.text


def test_grants_api_keeps_an_owner(fresh: World) -> None:
    c = fresh.client("alice")
    assert c.get(CASE + "/grants").json() == {"alice": "owner", "bob": "analyst", "carol": "reader"}
    assert c.delete(CASE + "/grants/alice").status_code == 409
    # review finding (session 6): demoting the last owner left a case nobody could administer
    r = c.put(CASE + "/grants/alice", json={"role": "reader"})
    assert r.status_code == 409 and "at least one owner" in r.json()["detail"]
    assert c.get(CASE + "/grants").json()["alice"] == "owner"
    assert c.put(CASE + "/grants/dave", json={"role": "reader"}).status_code == 200
    assert fresh.client("dave").get(CASE).status_code == 200
    assert c.put(CASE + "/grants/dave", json={"role": "god"}).status_code == 422
    assert c.put(CASE + "/grants/nobody", json={"role": "reader"}).status_code == 404


def test_session_cookie_flags_and_csrf(fresh: World) -> None:
    c, csrf = session_client(fresh, "bob")
    cookie = next(h for h in c.cookies.jar)
    assert cookie.name == "sf_session" and cookie.has_nonstandard_attr("HttpOnly")
    again = c.post("/api/v1/session", json={"name": "bob", "password": PASSWORD})
    raw, csrf = again.headers["set-cookie"], again.json()["csrf_token"]  # a new session, a new token
    assert "HttpOnly" in raw and "samesite=lax" in raw.lower() and "Secure" not in raw
    assert c.get("/api/v1/me").json()["user"] == "bob"
    # a write with the session cookie needs the CSRF token
    assert c.put(CASE + "/ratings/r1/h2", json={"consistency": "N"}).status_code == 403
    assert c.put(CASE + "/ratings/r1/h2", json={"consistency": "N"},
                 headers={"X-CSRF-Token": "0" * 64}).status_code == 403
    assert c.put(CASE + "/ratings/r1/h2", json={"consistency": "N"},
                 headers={"X-CSRF-Token": csrf}).status_code == 200
    # form posts carry it as a field
    r = c.post("/cases/tiny/ui/rate", data={"report": "r1", "hypothesis": "h2", "consistency": "I"})
    assert r.status_code == 403
    r = c.post("/cases/tiny/ui/rate", data={"report": "r1", "hypothesis": "h2", "consistency": "I", "csrf_token": csrf})
    assert r.status_code == 200
    # logout; a forged cookie is anonymous
    assert c.delete("/api/v1/session", headers={"X-CSRF-Token": csrf}).status_code == 200
    c.cookies.clear()
    c.cookies.set("sf_session", "forged.value.sig")
    assert c.get("/api/v1/me").status_code == 401


def test_secure_cookie_option(world: World) -> None:
    from fastapi.testclient import TestClient

    from sevenfold.web import create_app

    app = create_app(world.store, secure_cookies=True)
    r = TestClient(app).post("/api/v1/session", json={"name": "bob", "password": PASSWORD})
    assert "Secure" in r.headers["set-cookie"]


def test_password_change_ends_sessions(fresh: World) -> None:
    accounts.create_user(fresh.store, "frank", PASSWORD, actor="t")
    c, _ = session_client(fresh, "frank")
    assert c.get("/api/v1/me").status_code == 200
    accounts.set_password(fresh.store, "frank", "a new password", actor="t")
    assert c.get("/api/v1/me").status_code == 401


def test_login_rate_limit_per_account_and_ip(fresh: World) -> None:
    c = fresh.client()
    for _ in range(5):
        assert c.post("/api/v1/session", json={"name": "carol", "password": "wrong!"}).status_code == 401
    r = c.post("/api/v1/session", json={"name": "carol", "password": PASSWORD})
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
    assert c.post("/api/v1/session", json={"name": "bob", "password": PASSWORD}).status_code == 200
    # per address: many accounts from one address
    for i in range(15):
        c.post("/api/v1/session", json={"name": f"ghost{i}", "password": "x"})
    assert c.post("/api/v1/session", json={"name": "alice", "password": PASSWORD}).status_code == 429


def test_ui_login_needs_the_form_token(fresh: World) -> None:
    c = fresh.client()
    page = c.get("/login")
    token = page.text.split('name="prelogin" value="')[1].split('"')[0]
    r = c.post("/login", data={"name": "bob", "password": PASSWORD, "prelogin": "forged"}, follow_redirects=False)
    assert r.status_code == 403
    page = c.get("/login")
    token = page.text.split('name="prelogin" value="')[1].split('"')[0]
    r = c.post("/login", data={"name": "bob", "password": PASSWORD, "prelogin": token}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"
    home = c.get("/")
    assert "tiny" in home.text and "bob" in home.text


def test_security_headers_everywhere(fresh: World) -> None:
    for path in ("/login", "/api/v1/cases", "/static/app.css", "/api/v1/openapi.json"):
        r = fresh.client("carol").get(path)
        assert r.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY and "script-src 'self'" in CONTENT_SECURITY_POLICY


def test_case_page_renders_assessment_and_dashes_for_missing_fields(fresh: World) -> None:
    html = fresh.client("carol").get("/cases/tiny", headers={"accept": "text/html"}).text
    a = run_assessment(fresh.store.load_case("tiny"))
    for h in a.hypotheses:
        shown = "—" if h.posterior is None else format(h.posterior, ".2f")
        assert f'data-testid="posterior-{h.id}">{shown}<' in html
    for s in a.sources:
        if s.admiralty is None:
            continue
        assert f'<td class="grade">{s.admiralty}</td>' in html
    assert 'data-testid="graph-svg"' in html and 'data-testid="rate-' not in html  # a reader cannot rate
    assert 'data-testid="rate-r1-h1"' in fresh.client("bob").get("/cases/tiny", headers={"accept": "text/html"}).text


def test_openapi_documents_the_api(world: World) -> None:
    spec = world.client().get("/api/v1/openapi.json").json()
    assert "/api/v1/cases/{case_id}/assessment" in spec["paths"]
    assert "/cases/{case_id}" not in spec["paths"]  # UI routes stay out of the API spec
    body = spec["paths"]["/api/v1/cases/{case_id}/reports"]["post"]["requestBody"]
    assert "Report" in json.dumps(body)


def test_first_entry_of_a_kind_is_kept(fresh: World) -> None:
    """Appending to a list the stored case did not have (no burns, no outcomes yet) must persist."""
    data = dict(TINY, case=dict(TINY["case"], id="bare"), outcomes=[], burns=[], documents=[])
    data["reports"] = [dict(r, document=None) if r.get("document") else r for r in TINY["reports"]]
    for r in data["reports"]:
        r.pop("document", None)
    c = fresh.client("bob")
    upload = {"file": ("b.yaml", yaml.safe_dump(data), "application/yaml")}
    assert c.post("/api/v1/cases", files=upload).status_code == 201
    try:
        assert c.post("/api/v1/cases/bare/burns", json={"source": "s2", "since": "1937"}).status_code == 201
        assert c.post("/api/v1/cases/bare/outcomes", json={"report": "r1", "verdict": "confirmed"}).status_code == 201
        assert c.post("/api/v1/cases/bare/documents", json={"id": "d7", "title": "t"}).status_code == 201
        case = fresh.store.load_case("bare")
        assert [b.source for b in case.burns] == ["s2"] and len(case.outcomes) == 1 and case.documents[0].id == "d7"
    finally:
        fresh.store.delete_case("bare", actor="test:cleanup")


def test_ui_errors_come_back_as_flash_fragments(fresh: World) -> None:
    c = fresh.client("bob")
    hx = {"hx-request": "true"}
    r = c.get("/cases/tiny/ui/burn-preview", params={"source": "s1", "since": "1937-13"}, headers=hx)
    assert r.status_code == 422 and 'data-testid="burn-error"' in r.text  # shown in the burn panel
    r = c.post("/cases/tiny/ui/rate", data={"report": "r1", "hypothesis": "h1", "consistency": "maybe"}, headers=hx)
    assert r.status_code == 422 and 'id="flash"' in r.text
    r = c.post("/cases/tiny/ui/reports", data={"id": "r1", "source": "s1"}, headers=hx)
    assert r.status_code == 422 and "already exists" in r.text
    r = c.post("/cases/tiny/ui/rate", data={"report": "r1", "hypothesis": "h1", "consistency": ""}, headers=hx)
    assert r.status_code == 200  # clearing a cell you never rated is a no-op


def test_concurrent_rating_edits_on_postgresql(pg_url: str) -> None:
    """The same no-lost-update property through the API on a real PostgreSQL server."""
    from tests.web.conftest import make_world

    world = make_world(pg_url)
    try:
        _ten_analysts_edit_concurrently(world)
    finally:
        world.store.close()


def test_compressed_upload_is_unpacked_and_a_decompression_bomb_refused(
        fresh: World, monkeypatch: pytest.MonkeyPatch) -> None:
    import gzip

    data = dict(TINY, case=dict(TINY["case"], id="zipped"))
    r = _upload(fresh.client("bob"), gzip.compress(yaml.safe_dump(data).encode()), "case.yaml.gz")
    assert r.status_code == 201, r.text
    assert fresh.store.has_case("zipped")
    monkeypatch.setenv("SEVENFOLD_LIMIT_DECOMPRESSED_BYTES", str(1 << 20))
    bomb = gzip.compress(b"#" * (64 << 20))  # 64 MiB of comment behind ~64 KiB
    r = _upload(fresh.client("bob"), bomb, "bomb.yaml.gz")
    assert r.status_code in (400, 413, 422) and "decompressed_bytes" in r.text
