"""Year 0 through the workbench: every write and query naming ``0000`` is a 422 next to the field, nothing
is stored; a year 0 already in the store (an older version let it in) shows as the assessment's error,
the case still opens and can be corrected."""

from __future__ import annotations

from sqlalchemy import update

from sevenfold.store.tables import entry_tables
from tests.web.conftest import World

C = "/api/v1/cases/tiny"


def _loc(r: object) -> list[list[str]]:
    return [d["loc"] for d in r.json()["detail"]]  # type: ignore[attr-defined]


def test_writes_and_queries_naming_year_0_are_422_next_to_the_field(fresh: World) -> None:
    bob = fresh.client("bob")
    revision = bob.get(C).json()["revision"]
    for method, path, kwargs, loc in [
        ("POST", "/burns", {"json": {"source": "s1", "since": "0000"}}, ["body", "since"]),
        ("POST", "/sources", {"json": {"id": "y0", "compromised_since": "0000"}}, ["body", "compromised_since"]),
        ("POST", "/reports", {"json": {"id": "y0r", "source": "s1", "date": "0000-06", "text": "t"}},
         ["body", "date"]),
        ("GET", "/what-if", {"params": {"as_of": "0000"}}, ["query", "as_of"]),
        ("GET", "/what-if", {"params": {"source": "s1", "since": "0000"}}, ["query", "since"]),
        ("GET", "/burns/preview", {"params": {"source": "s1", "since": "0000"}}, ["query", "since"]),
    ]:
        r = bob.request(method, C + path, **kwargs)
        assert r.status_code == 422, (path, r.text)
        assert loc in _loc(r) and "no such year" in r.text, (path, r.text)
    assert bob.get(C).json()["revision"] == revision  # nothing stored


def test_ui_burn_preview_naming_year_0_is_not_a_500(fresh: World) -> None:
    from tests.web.conftest import session_client

    c, _ = session_client(fresh, "bob")
    r = c.get("/cases/tiny/ui/burn-preview", params={"source": "s1", "since": "0000"})
    assert r.status_code < 500 and "no such year" in r.text


def test_a_stored_year_0_is_shown_as_the_assessment_error(fresh: World) -> None:
    sources = entry_tables["sources"]
    with fresh.store.write() as conn:
        row = conn.execute(sources.select().where(sources.c.key == "s2")).first()
        conn.execute(update(sources).where(sources.c.case_pk == row.case_pk, sources.c.key == "s2")
                     .values(body={**row.body, "compromised_since": "0000"}))
    fresh.app.state.assessments = type(fresh.app.state.assessments)()  # type: ignore[attr-defined]
    bob = fresh.client("bob")
    assert bob.get(C).status_code == 200  # the case opens
    assert bob.get(C + "/sources/s2").json()["compromised_since"] == "0000"
    assert bob.get(C + "/export").status_code == 200
    r = bob.get(C + "/assessment")
    assert r.status_code == 422 and "sources[s2].compromised_since: no such year in '0000'" in r.text
    from tests.web.conftest import session_client

    c, _ = session_client(fresh, "bob")
    page = c.get("/cases/tiny")
    assert page.status_code == 200 and "no such year in &#39;0000&#39;" in page.text
    fixed = bob.put(C + "/sources/s2", json={"id": "s2", "name": "Agent Two", "kind": "human",
                                              "access": "indirect", "compromised_since": "1936"})
    assert fixed.status_code == 200, fixed.text
    assert bob.get(C + "/assessment").status_code == 200


def test_ui_entry_form_with_year_0_is_422_next_to_the_field(fresh: World) -> None:
    from tests.web.test_ui_forms import HX, field_error

    c = fresh.client("bob")
    before = fresh.store.revision("tiny")
    r = c.post("/cases/tiny/ui/entries/sources", data={"id": "y0", "compromised_since": "0000"}, headers=HX)
    assert r.status_code == 422
    assert "no such year" in field_error(r.text, "compromised_since")
    assert fresh.store.revision("tiny") == before
