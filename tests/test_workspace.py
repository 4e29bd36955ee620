"""Workspace: per-entry writes with optimistic concurrency and the delete rules (references, ratings kept)."""

from __future__ import annotations

from pathlib import Path

import pytest

import sevenfold
from sevenfold.errors import CaseValidationError, NotFound
from sevenfold.store import audit
from sevenfold.workspace import ENTRY_KINDS, EntryExists, Referenced, StaleRevision, Workspace, references
from tests.web.conftest import tiny_case


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    w = sevenfold.open_workspace(f"sqlite:///{tmp_path / 'ws.db'}", actor="test:ws")
    w.import_case(tiny_case())
    return w


def test_every_kind_add_replace_delete(ws: Workspace) -> None:
    samples = {"actors": {"id": "x1", "name": "X"}, "sources": {"id": "x1", "name": "X"},
               "documents": {"id": "x1", "title": "X"}, "reports": {"id": "x1", "source": "s1", "text": "X"},
               "hypotheses": {"id": "x1", "statement": "X"}, "burns": {"id": "x1", "source": "s4", "since": "1930"},
               "outcomes": {"report": "r2", "verdict": "refuted"}}
    assert set(samples) == set(ENTRY_KINDS)
    for kind, data in samples.items():
        case, rev = ws.add("tiny", kind, data)
        entry_id = data.get("id", f"#{len(case.outcomes) - 1}")
        changed = dict(data, note="edited")
        case, rev2 = ws.replace("tiny", kind, entry_id, changed, expected_revision=rev)
        assert rev2 == rev + 1 and ws.get("tiny", kind, entry_id).note == "edited"
        with pytest.raises(StaleRevision) as stale:
            ws.replace("tiny", kind, entry_id, data, expected_revision=rev)
        assert stale.value.current == rev2
        ws.delete("tiny", kind, entry_id, expected_revision=rev2)
        with pytest.raises(NotFound):
            ws.get("tiny", kind, entry_id)
    # one audit record per write, naming the entry kind and what it did
    actions = [r.action for r in audit.records(ws.store, "tiny")]
    assert actions[-3:] == ["outcome.add", "outcome.edit", "outcome.delete"]


def test_taken_id_and_bad_field(ws: Workspace) -> None:
    with pytest.raises(EntryExists):
        ws.add("tiny", "reports", {"id": "r1", "source": "s1"})
    with pytest.raises(CaseValidationError) as bad:
        ws.add("tiny", "reports", {"id": "r9", "source": "s1", "date": "1937-13-01"})
    assert bad.value.problems[0].field == "date"
    with pytest.raises(CaseValidationError):  # a dangling reference is refused by the store's validation
        ws.add("tiny", "reports", {"id": "r9", "source": "ghost"})


def test_delete_refuses_while_referenced_and_names_the_references(ws: Workspace) -> None:
    with pytest.raises(Referenced) as refused:
        ws.delete("tiny", "reports", "r2")
    assert "report r3 (derived_from)" in refused.value.references
    assert any(r.startswith("rating r2/h1 by (unnamed analyst)") for r in refused.value.references)
    assert ws.load("tiny")[0].report("r2")  # nothing written
    with pytest.raises(Referenced):
        ws.delete("tiny", "sources", "s1", force=True)  # a source with reports never goes
    case, _ = ws.delete("tiny", "reports", "r2", force=True)
    assert "r2" not in {r.id for r in case.reports}
    assert case.report("r3").derived_from == [] and all(rt.report != "r2" for rt in case.ratings)


def test_own_ratings_need_no_confirmation(ws: Workspace) -> None:
    ws.add("tiny", "reports", {"id": "r9", "source": "s1"})
    ws.rate("tiny", "r9", "h1", analyst="bob", consistency="C")
    assert [str(r) for r in references(ws.load("tiny")[0], "reports", "r9")] == ["rating r9/h1 by bob"]
    with pytest.raises(Referenced):
        ws.delete("tiny", "reports", "r9", analyst="alice")
    ws.delete("tiny", "reports", "r9", analyst="bob")


def test_deleted_report_gets_every_analysts_ratings_back(ws: Workspace) -> None:
    ws.add("tiny", "reports", {"id": "r9", "source": "s1", "text": "t"})
    for who, code in (("alice", "CC"), ("bob", "I"), ("carol", "N")):
        ws.rate("tiny", "r9", "h1", analyst=who, consistency=code)
    before = {(rt.analyst, rt.consistency) for rt in ws.load("tiny")[0].ratings if rt.report == "r9"}
    ws.delete("tiny", "reports", "r9", force=True)
    assert all(rt.report != "r9" for rt in ws.load("tiny")[0].ratings)
    case, _ = ws.add("tiny", "reports", {"id": "r9", "source": "s1", "text": "t again"})
    assert {(rt.analyst, rt.consistency) for rt in case.ratings if rt.report == "r9"} == before
    # restore_ratings leaves cells rated since alone
    ws.delete("tiny", "reports", "r9", force=True)
    ws.add("tiny", "reports", {"id": "r9", "source": "s1"})
    ws.rate("tiny", "r9", "h1", analyst="bob", consistency="II")
    ws.restore_ratings("tiny", "r9")
    got = {(rt.analyst, rt.consistency) for rt in ws.load("tiny")[0].ratings if rt.report == "r9"}
    assert ("bob", "II") in got and ("alice", "CC") in got and ("bob", "I") not in got


def test_rating_commutes_without_a_revision(ws: Workspace) -> None:
    _, rev = ws.load("tiny")
    ws.rate("tiny", "r1", "h1", analyst="alice", consistency="C")
    ws.rate("tiny", "r1", "h2", analyst="bob", consistency="I")  # no revision: applied to the newest
    with pytest.raises(StaleRevision):
        ws.rate("tiny", "r1", "h1", analyst="carol", consistency="C", expected_revision=rev)
    ws.clear_rating("tiny", "r1", "h1", analyst="alice")
    with pytest.raises(NotFound):
        ws.clear_rating("tiny", "r1", "h1", analyst="alice")


def test_claims_links_burns_and_meta(ws: Workspace) -> None:
    ws.add_claim("tiny", "r1", {"object": "memo", "attribute": "status", "value": "genuine"})
    case, _ = ws.add_link("tiny", "r1", "via", "s2")
    assert case.report("r1").via == ["s2"] and case.report("r1").claims[0].value == "genuine"
    with pytest.raises(EntryExists):
        ws.add_link("tiny", "r1", "via", "s2")
    ws.delete_link("tiny", "r1", "via", "s2")
    ws.delete_claim("tiny", "r1", 0, expected_revision=ws.load("tiny")[1])
    case, _, impact = ws.burn("tiny", "s2", "1937")
    assert impact is not None and case.burns[-1].id == "burn-2"
    with pytest.raises(EntryExists):
        ws.burn("tiny", "s2", "1937", impact=False)
    case, _, removed = ws.unburn("tiny", "burn-2")
    assert [b.id for b in removed] == ["burn-2"]
    case, _ = ws.edit_meta("tiny", title="Renamed", as_of="1937-06")
    assert case.case.title == "Renamed" and case.case.as_of == "1937-06"


def test_create_case_from_its_fields(tmp_path: Path) -> None:
    with sevenfold.open_workspace(f"sqlite:///{tmp_path / 'new.db'}", actor="test") as ws:
        case, rev = ws.create_case("fresh", title="T", question="Q?", as_of="1937",
                                   hypotheses=[{"id": "a", "statement": "A"}, {"id": "b", "statement": "B"}])
        assert rev == 1 and [h.id for h in case.hypotheses] == ["a", "b"]
        with pytest.raises(EntryExists):
            ws.create_case("fresh")
        ws.delete_case("fresh", expected_revision=1)
        assert not ws.store.has_case("fresh")


def test_assessment_is_computed_once_per_revision(ws: Workspace) -> None:
    first, rev = ws.assessment("tiny")
    again, rev_again = ws.assessment("tiny")
    assert again is first and rev_again == rev
    assert first.to_json_dict() == sevenfold.assess(ws.load("tiny")[0]).to_json_dict()
    ws.rate("tiny", "r1", "h1", analyst="alice", consistency="II")
    after, rev_after = ws.assessment("tiny")
    assert rev_after == rev + 1 and after is not first


def test_restore_entry_brings_back_a_deleted_hypothesis_and_its_ratings(ws: Workspace) -> None:
    before = ws.load("tiny")[0]
    ws.delete("tiny", "hypotheses", "h2", force=True)
    with pytest.raises(NotFound):
        ws.restore_entry("tiny", "hypotheses", "h1")  # never deleted
    case, _ = ws.restore_entry("tiny", "hypotheses", "h2")
    assert case.hypothesis("h2") == before.hypothesis("h2")
    restored = sorted((rt.report, rt.consistency) for rt in case.ratings if rt.hypothesis == "h2")
    assert restored and restored == sorted((rt.report, rt.consistency) for rt in before.ratings
                                           if rt.hypothesis == "h2")
    with pytest.raises(EntryExists):
        ws.restore_entry("tiny", "hypotheses", "h2")


def test_cli_entry_commands_are_the_workspace(ws: Workspace, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from sevenfold.cli import main

    db = ws.store.url

    def run(*argv: str) -> tuple[int, dict]:  # type: ignore[type-arg]
        capsys.readouterr()
        code = main(["entry", *argv, "--db", db, "--json"])
        return code, json.loads(capsys.readouterr().out)

    code, out = run("add", "tiny", "hypotheses", '{id: h9, statement: "Ninth"}')
    assert code == 0 and out["id"] == "h9" and ws.load("tiny")[0].hypothesis("h9").statement == "Ninth"
    code, out = run("rate", "tiny", "r1", "h9", "--analyst", "alice", "-c", "II")
    assert code == 0 and Workspace.cell(ws.load("tiny")[0], "r1", "h9", "alice") == {
        "report": "r1", "hypothesis": "h9", "analyst": "alice", "consistency": "II"}
    code, out = run("delete", "tiny", "hypotheses", "h9", "--analyst", "bob")
    assert code == 2 and "alice" in out["error"]  # refused: another analyst's rating, named
    code, out = run("delete", "tiny", "hypotheses", "h9", "--force")
    assert code == 0 and out["deleted"]
    code, out = run("restore", "tiny", "hypotheses", "h9")
    assert code == 0 and Workspace.cell(ws.load("tiny")[0], "r1", "h9", "alice") is not None
    code, out = run("replace", "tiny", "hypotheses", "h9", '{id: h9, statement: "Renamed"}', "--revision", "1")
    assert code == 2 and "changed" in out["error"]  # a stale revision is refused
