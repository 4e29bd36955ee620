"""The workbench's forms without a browser: each form goes through the library, errors come back next to
their field with nothing stored, stale edits are 412 with the current values, deletes name what goes,
downloads, grants, the password page and blind rating. (The browser tests drive the same pages.)"""

from __future__ import annotations

import re

from tests.web.conftest import World, session_client

HX = {"hx-request": "true"}


def field_error(html: str, name: str) -> str:
    match = re.search(rf'data-testid="error-{re.escape(name)}">([^<]*)', html)
    return match.group(1) if match else ""


def test_new_case_form_errors_next_to_field_then_created(fresh: World) -> None:
    c = fresh.client("bob")
    r = c.post("/cases/new", data={"id": "formed", "as_of": "1937-13", "hypotheses": "h1 | one\nh2 | two"},
               follow_redirects=False)
    assert r.status_code == 422 and "month out of range" in field_error(r.text, "as_of")
    assert "h1 | one" in r.text  # the typed values stay
    assert not fresh.store.has_case("formed")
    r = c.post("/cases/new", data={"id": "formed", "title": "F", "as_of": "1937-03", "hypotheses": "h1 | one"},
               follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/cases/formed"
    try:
        page = c.get("/cases/formed")
        assert page.status_code == 200 and 'data-testid="missing"' in page.text and "second hypothesis" in page.text
        r = c.post("/cases/new", data={"id": "formed"}, follow_redirects=False)
        assert r.status_code == 409 and "taken" in field_error(r.text, "id")
    finally:
        fresh.store.delete_case("formed", actor="test")


def test_case_with_only_an_id_is_not_a_dead_end(fresh: World) -> None:
    c = fresh.client("bob")
    assert c.post("/cases/new", data={"id": "bare-id"}, follow_redirects=False).status_code == 303
    try:
        page = c.get("/cases/bare-id")
        assert page.status_code == 200
        assert "cannot be assessed yet" in page.text and "hypotheses: add at least two" in page.text
        assert 'data-testid="form-hypotheses"' in page.text  # the form to add what is missing
        r = c.post("/cases/bare-id/ui/entries/hypotheses", data={"id": "h1", "statement": "x"}, headers=HX)
        assert r.status_code == 200 and r.headers["hx-retarget"] == "#workspace"
    finally:
        fresh.store.delete_case("bare-id", actor="test")


def test_entry_form_error_next_to_field_and_nothing_stored(fresh: World) -> None:
    c = fresh.client("bob")
    before = fresh.store.revision("tiny")
    r = c.post("/cases/tiny/ui/entries/reports", data={"id": "r9", "source": "nope", "date": "1937-02-30"},
               headers=HX)
    assert r.status_code == 422 and r.headers["x-sevenfold-form"] == "1"
    assert "1937-02-30" in field_error(r.text, "date")
    assert fresh.store.revision("tiny") == before
    r = c.post("/cases/tiny/ui/entries/reports", data={"id": "r9", "source": "nope"}, headers=HX)
    assert "unknown source 'nope'" in field_error(r.text, "source").replace("&#39;", "'")
    r = c.post("/cases/tiny/ui/entries/reports", data={"id": "r1", "source": "s1"}, headers=HX)
    assert r.status_code == 409 and "already exists" in field_error(r.text, "id")
    assert fresh.store.revision("tiny") == before
    r = c.post("/cases/tiny/ui/entries/reports",
               data={"id": "r9", "source": "s1", "via": "s2", "derived_from": "r1, r2", "footnote": "12",
                     "claims": "memo | authentic | true\nmemo | pages | 3"}, headers=HX)
    assert r.status_code == 200, r.text
    rep = fresh.store.load_case("tiny").report("r9")
    assert rep.via == ["s2"] and rep.derived_from == ["r1", "r2"] and rep.extra["footnote"] == 12
    assert [(cl.object, cl.attribute, cl.value) for cl in rep.claims] == [("memo", "authentic", True),
                                                                          ("memo", "pages", 3)]


def test_edit_keeps_unshown_fields_and_a_stale_form_is_412_with_current_values(fresh: World) -> None:
    c = fresh.client("bob")
    form = c.get("/cases/tiny/ui/form/sources", params={"entry": "s1"}, headers=HX).text
    revision = re.search(r'name="revision" value="(\d+)"', form).group(1)  # type: ignore[union-attr]
    fresh.store.update_case("tiny", lambda case: setattr(case.source("s1"), "name", "Renamed meanwhile"),
                            actor="test")
    r = c.post("/cases/tiny/ui/entries/sources/s1", data={"name": "Mine", "revision": revision}, headers=HX)
    assert r.status_code == 412 and "changed since you opened" in r.text and "Renamed meanwhile" in r.text
    assert fresh.store.load_case("tiny").source("s1").name == "Renamed meanwhile"
    r = c.post("/cases/tiny/ui/entries/sources/s1",
               data={"name": "Mine", "kind": "human", "access": "direct", "track_record.confirmed": "6",
                     "track_record.refuted": "1", "revision": str(fresh.store.revision("tiny"))}, headers=HX)
    assert r.status_code == 200, r.text
    assert fresh.store.load_case("tiny").source("s1").name == "Mine"


def test_delete_says_whose_ratings_go_and_needs_confirmation(fresh: World) -> None:
    from sevenfold.workspace import Workspace

    Workspace(fresh.store, actor="test").rate("tiny", "r2", "h1", analyst="carol", consistency="II")
    c = fresh.client("bob")
    r = c.post("/cases/tiny/ui/entries/reports/r2/delete", headers=HX)
    assert r.status_code == 200 and "report r3 (derived_from)" in r.text
    assert re.search(r"3 ratings go with it — by <strong>carol, case file</strong>", r.text), r.text
    assert [x.id for x in fresh.store.load_case("tiny").reports] == ["r1", "r2", "r3"]  # nothing yet
    r = c.post("/cases/tiny/ui/entries/reports/r2/delete",
               data={"confirm": "1", "revision": str(fresh.store.revision("tiny"))}, headers=HX)
    assert r.status_code == 200
    case = fresh.store.load_case("tiny")
    assert [x.id for x in case.reports] == ["r1", "r3"] and case.report("r3").derived_from == []
    r = c.post("/cases/tiny/ui/entries/sources/s2/delete", headers=HX)
    assert 'data-testid="delete-refused"' in r.text and "confirm-delete-yes" not in r.text


def test_rating_that_moves_nothing_says_why(fresh: World) -> None:
    c = fresh.client("bob")
    c.post("/cases/tiny/ui/rate", data={"report": "r3", "hypothesis": "h1", "consistency": "C"}, headers=HX)
    r = c.post("/cases/tiny/ui/rating", data={"report": "r3", "hypothesis": "h2", "consistency": "C",
                                              "note": "same under both"}, headers=HX)
    assert r.status_code == 200 and "non-diagnostic" in r.text
    assert any(rt.extra.get("note") == "same under both" for rt in fresh.store.load_case("tiny").ratings)
    r = c.post("/cases/tiny/ui/rating", data={"report": "r3", "hypothesis": "h2", "likelihood": "7"}, headers=HX)
    assert r.status_code == 422 and 'data-testid="form-error"' in r.text


def test_grants_downloads_and_alerts_in_words(fresh: World) -> None:
    alice = fresh.client("alice")
    r = alice.post("/cases/tiny/ui/grants", data={"user": "nobody", "role": "reader"}, headers=HX)
    assert 'data-testid="grant-error"' in r.text
    r = alice.post("/cases/tiny/ui/grants", data={"user": "dave", "role": "reader"}, headers=HX)
    assert r.status_code == 200 and fresh.client("dave").get("/cases/tiny").status_code == 200
    alice.post("/cases/tiny/ui/grants/dave/remove", headers=HX)
    assert fresh.client("dave").get("/cases/tiny").status_code == 404
    html = alice.get("/cases/tiny/report.html")
    assert html.status_code == 200 and "tiny-report.html" in html.headers["content-disposition"]
    assert "{'" not in alice.get("/cases/tiny").text  # no Python dict anywhere on the page


def test_blind_rating_hides_others_until_rated(fresh: World) -> None:
    c = fresh.client("bob")
    r = c.post("/cases/tiny/ui/meta", data={"title": "Tiny case", "question": "Which one?", "as_of": "1937-03",
                                            "blind_rating": "1", "revision": str(fresh.store.revision("tiny"))},
               headers=HX)
    assert r.status_code == 200, r.text
    page = c.get("/cases/tiny").text
    assert 'data-testid="hidden-r1-h1"' in page and "Ccase file" not in page.replace("<sub>", "")
    c.post("/cases/tiny/ui/rate", data={"report": "r1", "hypothesis": "h1", "consistency": "C"}, headers=HX)
    page = c.get("/cases/tiny").text
    assert 'data-testid="hidden-r1-h1"' in page  # one hypothesis rated of two: still hidden
    c.post("/cases/tiny/ui/rate", data={"report": "r1", "hypothesis": "h2", "consistency": "C"}, headers=HX)
    page = c.get("/cases/tiny").text
    assert 'data-testid="hidden-r1-h1"' not in page and 'data-testid="hidden-r2-h1"' in page


def test_password_page_checks_the_current_password(fresh: World) -> None:
    from sevenfold.store import accounts

    accounts.create_user(fresh.store, "pia", "correct horse battery", actor="test:setup")  # ends up changed
    c, csrf = session_client(fresh, "pia")
    r = c.post("/account/password", data={"csrf_token": csrf, "current": "wrong one!", "new": "a new long secret",
                                          "again": "a new long secret"})
    assert r.status_code == 422 and 'data-testid="error-current"' in r.text
    r = c.post("/account/password", data={"csrf_token": csrf, "current": "correct horse battery",
                                          "new": "password", "again": "password"})
    assert r.status_code == 422 and field_error(r.text, "new")
    r = c.post("/account/password", data={"csrf_token": csrf, "current": "correct horse battery",
                                          "new": "a new long secret", "again": "a new long secret"})
    assert r.status_code == 200 and 'data-testid="password-changed"' in r.text
    assert accounts.authenticate(fresh.store, "pia", "a new long secret") is not None
    assert c.get("/account", follow_redirects=False).status_code in (303, 401)  # this session has ended


def test_form_values_are_escaped(fresh: World) -> None:
    c = fresh.client("bob")
    payload = '"><script>alert(1)</script>'
    r = c.post("/cases/tiny/ui/entries/reports", data={"id": "r7", "source": payload, "text": payload},
               headers=HX)
    assert r.status_code == 422 and "<script>alert(1)" not in r.text


def test_delete_case_needs_its_id_typed(fresh: World) -> None:
    alice = fresh.client("alice")
    r = alice.post("/cases/tiny/ui/delete-case", data={"confirm": "tin"}, headers=HX)
    assert r.status_code == 400 and fresh.store.has_case("tiny")
    r = alice.post("/cases/tiny/ui/delete-case", data={"confirm": "tiny"}, headers=HX)
    assert r.status_code == 204 and r.headers["hx-redirect"] == "/" and not fresh.store.has_case("tiny")


def test_pdf_report_download(fresh: World) -> None:
    import importlib.util

    import pytest

    if importlib.util.find_spec("weasyprint") is None:
        pytest.skip("weasyprint is not installed (pip install 'sevenfold[report]')")
    r = fresh.client("carol").get("/cases/tiny/report.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF-")
    assert r.headers["content-type"] == "application/pdf"
