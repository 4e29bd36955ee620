"""Workbench forms, session 8: the deception model in the entry forms, ids differing only in case or
holding spaces, a source delete that says what it does to custody chains (and needs an explicit
choice for an originator), typed values kept on a 412, the rating form naming its field, and the
what-if's labelled why toggles."""

from __future__ import annotations

import html
import re

from tests.web.conftest import World

HX = {"hx-request": "true"}


def field_error(text: str, name: str) -> str:
    match = re.search(rf'data-testid="error-{re.escape(name)}">([^<]*)', text)
    return html.unescape(match.group(1)) if match else ""


def test_suspected_control_fields_errors_next_to_field_then_saved(fresh: World) -> None:
    c = fresh.client("bob")
    before = fresh.store.revision("tiny")
    r = c.post("/cases/tiny/ui/entries/sources", headers=HX,
               data={"id": "s9", "suspected_control.by": "adversary", "suspected_control.p": "1.5"})
    assert r.status_code == 422
    assert field_error(r.text, "suspected_control.p") == "a control probability must lie in [0, 1], got 1.5"
    assert 'value="1.5"' in r.text  # typed values kept
    r = c.post("/cases/tiny/ui/entries/sources", headers=HX,
               data={"id": "s9", "suspected_control.by": "gestapo", "suspected_control.p": "0.3"})
    assert r.status_code == 422 and field_error(r.text, "suspected_control.by") == "unknown actor 'gestapo'"
    r = c.post("/cases/tiny/ui/entries/sources", headers=HX,
               data={"id": "s9", "suspected_control.by": "adversary", "suspected_control.p": "0.3",
                     "suspected_control.since": "1936-02-30"})
    assert r.status_code == 422 and "no such day '1936-02-30'" in field_error(r.text, "suspected_control.since")
    assert fresh.store.revision("tiny") == before
    r = c.post("/cases/tiny/ui/entries/sources", headers=HX,
               data={"id": "s9", "suspected_control.by": "adversary", "suspected_control.p": "0.3",
                     "suspected_control.since": "1936-09"})
    assert r.status_code == 200, r.text[-2000:]
    sc = fresh.store.load_case("tiny").source("s9").suspected_control
    assert sc is not None and (sc.by, sc.p, sc.since) == ("adversary", 0.3, "1936-09")
    form = c.get("/cases/tiny/ui/form/sources", params={"entry": "s9"}, headers=HX).text
    assert 'name="suspected_control.p" value="0.3"' in form and 'value="1936-09"' in form


def test_mimics_and_reach_fields_errors_next_to_field_then_saved(fresh: World) -> None:
    c = fresh.client("bob")
    r = c.post("/cases/tiny/ui/entries/hypotheses", headers=HX, data={"id": "h9", "statement": "x", "reach": "0.2"})
    assert r.status_code == 422
    assert field_error(r.text, "reach") == "reach is the reach of a deception: give deception_by, or drop reach"
    r = c.post("/cases/tiny/ui/entries/hypotheses", headers=HX,
               data={"id": "h9", "statement": "x", "reach": "1.5", "deception_by": "adversary"})
    assert r.status_code == 422 and "less than or equal to 1" in field_error(r.text, "reach")
    r = c.post("/cases/tiny/ui/entries/hypotheses", headers=HX, data={"id": "h9", "statement": "x", "mimics": "h1"})
    assert field_error(r.text, "mimics") == "only a deception hypothesis (deception_by) can mimic another"
    r = c.post("/cases/tiny/ui/entries/hypotheses", headers=HX,
               data={"id": "h9", "statement": "x", "mimics": "zz", "deception_by": "adversary"})
    assert field_error(r.text, "mimics") == "'zz' is not another hypothesis"
    assert all(h.id != "h9" for h in fresh.store.load_case("tiny").hypotheses)
    c.post("/cases/tiny/ui/entries/hypotheses", headers=HX,
           data={"id": "h9", "statement": "x", "mimics": "h1", "reach": "0.1", "deception_by": "adversary"})
    h = next(h for h in fresh.store.load_case("tiny").hypotheses if h.id == "h9")
    assert (h.mimics, h.reach, h.deception_by) == (["h1"], 0.1, "adversary")


def test_ids_differing_only_in_case_are_refused_under_the_id_spaces_warn(fresh: World) -> None:
    c = fresh.client("bob")
    before = fresh.store.revision("tiny")
    r = c.post("/cases/tiny/ui/entries/sources", headers=HX, data={"id": "S1"})
    assert r.status_code == 409
    assert "'S1' differs from the existing 's1' only in letter case" in field_error(r.text, "id")
    r = c.post("/cases/tiny/ui/entries/reports", headers=HX, data={"id": "R1", "source": "s1"})
    assert r.status_code == 409 and "existing 'r1'" in field_error(r.text, "id")
    assert fresh.store.revision("tiny") == before
    # the API takes the same rule
    r = c.post("/api/v1/cases/tiny/sources", json={"id": "S2"})
    assert r.status_code == 409 and "only in letter case" in r.json()["detail"]
    # an id with spaces is added, with a warning in the flash
    r = c.post("/cases/tiny/ui/entries/sources", headers=HX, data={"id": "bad id with spaces"})
    assert r.status_code == 200 and "consider &#39;bad-id-with-spaces&#39;" in r.text


def _with_relayed_reports(world: World) -> None:
    from sevenfold.workspace import Workspace

    ws = Workspace(world.store, actor="test")
    ws.add("tiny", "sources", {"id": "orig", "interests": ["h1"]})
    ws.add("tiny", "reports", {"id": "r8", "source": "s2", "origin": "orig", "via": ["s1"], "text": "relayed"})


def test_deleting_an_originator_says_what_changes_and_needs_the_explicit_button(fresh: World) -> None:
    _with_relayed_reports(fresh)
    c = fresh.client("bob")
    r = c.post("/cases/tiny/ui/entries/sources/orig/delete", headers=HX)
    assert r.status_code == 200
    effects = re.search(r'data-testid="delete-effects">(.*?)</ul>', r.text, re.S)
    assert effects, r.text
    text = html.unescape(effects.group(1))
    assert "report r8 loses orig from its custody chain: orig → s2 → s1 becomes s2 → s1" in text
    assert "its origin becomes s2" in text
    assert 'data-testid="delete-origin-warning"' in r.text and 'data-testid="confirm-delete-reassign"' in r.text
    assert 'data-testid="confirm-delete-yes"' not in r.text  # no plain delete for an originator
    revision = re.search(r'name="revision" value="(\d+)"', r.text).group(1)  # type: ignore[union-attr]
    # a plain confirmation (without the explicit choice) is refused, and says why
    r = c.post("/cases/tiny/ui/entries/sources/orig/delete", headers=HX, data={"confirm": "1", "revision": revision})
    assert r.status_code == 409 and "originator of 1 relayed report" in html.unescape(r.text)
    assert fresh.store.load_case("tiny").report("r8").origin == "orig"
    r = c.post("/cases/tiny/ui/entries/sources/orig/delete", headers=HX,
               data={"confirm": "1", "revision": revision, "reassign_origin": "1"})
    assert r.status_code == 200, r.text[-2000:]
    assert fresh.store.load_case("tiny").report("r8").origin is None
    assert all(s.id != "orig" for s in fresh.store.load_case("tiny").sources)


def test_deleting_a_relayer_lists_the_hop_and_a_plain_delete_is_enough(fresh: World) -> None:
    fresh.store.update_case("tiny", lambda case: setattr(case.report("r2"), "via", ["s4"]), actor="test")
    c = fresh.client("bob")
    r = c.post("/cases/tiny/ui/entries/sources/s4/delete", headers=HX)
    text = html.unescape(r.text)
    assert "report r2 loses s4 from its custody chain: s2 → s4 becomes s2 (1 hop(s) fewer)" in text
    assert 'data-testid="confirm-delete-yes"' in r.text and 'data-testid="delete-origin-warning"' not in r.text


def test_api_refusal_carries_effects_and_what_confirms(fresh: World) -> None:
    _with_relayed_reports(fresh)
    c = fresh.client("bob")
    r = c.delete("/api/v1/cases/tiny/sources/orig", params={"force": "true"})
    assert r.status_code == 409
    body = r.json()
    assert body["needs"] == "reassign_origin" and any("its origin becomes s2" in e for e in body["effects"])
    r = c.delete("/api/v1/cases/tiny/sources/orig", params={"force": "true", "reassign_origin": "true"})
    assert r.status_code == 200, r.text


def test_stale_edit_keeps_the_typed_values_beside_the_current_ones(fresh: World) -> None:
    c = fresh.client("bob")
    form = c.get("/cases/tiny/ui/form/reports", params={"entry": "r1"}, headers=HX).text
    revision = re.search(r'name="revision" value="(\d+)"', form).group(1)  # type: ignore[union-attr]
    fresh.store.update_case("tiny", lambda case: setattr(case.report("r1"), "note", "theirs"), actor="test")
    r = c.post("/cases/tiny/ui/entries/reports/r1", headers=HX,
               data={"revision": revision, "source": "s1", "date": "1936-11", "note": "mine, typed with care",
                     "text": "The memorandum exists."})
    assert r.status_code == 412
    assert "your edit was not saved" in r.text
    yours = dict(re.findall(r'data-testid="yours-([^"]+)">([^<]*)</textarea>', r.text))
    assert yours.get("date") == "1936-11" and html.unescape(yours.get("note", "")) == "mine, typed with care"
    assert "text" not in yours  # unchanged fields are not repeated
    assert ">theirs</textarea>" in r.text  # the current value is in the form
    assert fresh.store.load_case("tiny").report("r1").note == "theirs"


def test_rating_form_names_the_field(fresh: World) -> None:
    c = fresh.client("bob")
    r = c.post("/cases/tiny/ui/rating", headers=HX, data={"report": "r1", "hypothesis": "h1", "likelihood": "1.5"})
    assert r.status_code == 422
    flash = re.search(r'data-testid="form-error">([^<]*)', r.text)
    assert flash and flash.group(1).startswith("likelihood: ")
    assert field_error(r.text, "likelihood").startswith("likelihood: ") and 'value="1.5"' in r.text


def test_what_if_why_toggles_are_labelled(fresh: World) -> None:
    r = fresh.client("bob").get("/cases/tiny/ui/burn-preview", params={"source": "s2"}, headers=HX)
    assert r.status_code == 200
    summaries = re.findall(r'data-testid="why-change-([^"]+)"><summary>([^<]*)</summary>', r.text)
    assert summaries
    for hid, label in summaries:
        assert label.startswith(f"why: {hid} (log odds against ")


def test_what_if_on_curveball_lists_the_synthesis_and_its_copy(fresh: World) -> None:
    from pathlib import Path

    from sevenfold.model import load_case
    from sevenfold.store import accounts

    case = load_case(Path(__file__).resolve().parents[1] / "provenance" / "data" / "curveball-2003.yaml")
    fresh.store.import_case(case.model_copy(update={"burns": []}), replace=True, actor="test")
    accounts.grant(fresh.store, case.id, "bob", "analyst", actor="test")
    try:
        r = fresh.client("bob").get(f"/cases/{case.id}/ui/burn-preview",
                                    params={"source": "curveball", "since": "2000-01"}, headers=HX)
        assert r.status_code == 200
        falls = re.search(r'data-testid="falls">(.*?)</span>', r.text, re.S)
        assert falls
        ids = set(re.findall(r">([^<>]+)</a>", falls.group(1)))
        assert ids == {"cb-trucks", "cb-accident", "cb-sketch", "nie-2002", "powell-un"}
    finally:
        fresh.store.delete_case(case.id, actor="test")
