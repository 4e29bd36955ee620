"""Ids (docs/case-format.md): ids of one kind may not differ only in letter case, and an entry id holds no
space — for new input only (a store's older rows still open). Deleting a source says what happens to the
custody chains it is on; the originator of relayed reports needs an explicit choice (docs/workbench.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sevenfold.cli import main
from sevenfold.errors import CaseValidationError
from sevenfold.model import case_from_data, load_case
from sevenfold.model.case import same_id_ignoring_case
from sevenfold.store import Store
from sevenfold.workspace import EntryExists, Referenced, Workspace, custody_effects

CURVEBALL = Path(__file__).resolve().parents[1] / "provenance" / "data" / "curveball-2003.yaml"


def _data(**kinds):  # type: ignore[no-untyped-def]
    return {"format": "sevenfold/1", "case": {"id": "t", "title": "t", "question": "?"},
            "hypotheses": [{"id": "a", "statement": "one"}, {"id": "b", "statement": "two"}], **kinds}


def test_ids_differing_only_in_case_are_refused_naming_the_first() -> None:
    with pytest.raises(CaseValidationError) as exc:
        case_from_data(_data(sources=[{"id": "curveball"}, {"id": "Curveball"}]), "c.yaml")
    assert str(exc.value.problems[0]) == ("c.yaml: sources[Curveball].id: id 'Curveball' differs from 'curveball' "
                                          "only in letter case; use 'curveball', or an id that differs in more "
                                          "than case")
    # the same id in two kinds is fine, and so is a store's older case
    case_from_data(_data(sources=[{"id": "A"}], actors=[{"id": "a"}]), "c.yaml")
    stored = case_from_data(_data(sources=[{"id": "x"}, {"id": "X"}]), "store:t", check_limits=False)
    assert [s.id for s in stored.sources] == ["x", "X"]
    assert same_id_ignoring_case(["ÄRGER", "b"], "ärger") == "ÄRGER" and same_id_ignoring_case(["b"], "b") is None


def test_entry_ids_with_spaces_are_kept_with_a_warning() -> None:
    case = case_from_data(_data(sources=[{"id": "bad id"}, {"id": " padded "}]), "c.yaml")
    assert [s.id for s in case.sources] == ["bad id", "padded"]
    assert ("sources[bad id].id: the id 'bad id' holds spaces; it must be quoted on command lines and is easily "
            "mistyped in lists — consider 'bad-id'") in case.warnings()
    assert not any("holds spaces" in w for w in case_from_data(_data(sources=[{"id": "ok"}]), "c.yaml").warnings())


@pytest.fixture
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    s = Store(f"sqlite:///{tmp_path / 's.db'}")
    s.import_case(load_case(CURVEBALL))
    yield s
    s.close()


def test_workspace_add_refuses_a_case_twin(store: Store) -> None:
    ws = Workspace(store, actor="t")
    with pytest.raises(EntryExists, match="'CB-Trucks' differs from the existing 'cb-trucks' only in letter case"):
        ws.add("curveball-2003", "reports", {"id": "CB-Trucks", "source": "bnd"})
    ws.add("curveball-2003", "reports", {"id": "cb-trucks-2", "source": "bnd"})


def test_delete_originator_describes_the_cascade_and_needs_reassign(store: Store) -> None:
    ws = Workspace(store, actor="t")
    case = store.load_case("curveball-2003")
    effects = custody_effects(case, "sources", "curveball")
    assert "report cb-trucks loses curveball from its custody chain: curveball → bnd → dia becomes bnd → dia; " \
           "its origin becomes bnd" in effects[2]
    with pytest.raises(Referenced) as plain:
        ws.delete("curveball-2003", "sources", "curveball")
    assert plain.value.needs == "force" and plain.value.effects == effects and "what changes:" in str(plain.value)
    with pytest.raises(Referenced) as forced:
        ws.delete("curveball-2003", "sources", "curveball", force=True)
    assert forced.value.needs == "reassign_origin"
    assert "originator of 3 relayed report(s) (cb-accident, cb-sketch, cb-trucks)" in str(forced.value)
    assert store.load_case("curveball-2003").report("cb-trucks").origin == "curveball"
    ws.delete("curveball-2003", "sources", "curveball", force=True, reassign_origin=True)
    assert store.load_case("curveball-2003").report("cb-trucks").origin is None
    # a source only on a chain's later hops (not an originator) needs no more than force
    assert custody_effects(store.load_case("curveball-2003"), "sources", "dia")[0].endswith("(1 hop(s) fewer)")


def test_cli_delete_shows_the_cascade(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--db", store.url]
    assert main(["entry", "delete", "curveball-2003", "sources", "curveball", "--force", *db]) == 2
    err = capsys.readouterr().err
    assert "originator of 3 relayed report(s)" in err and "its origin becomes bnd" in " ".join(err.split())
    assert main(["entry", "delete", "curveball-2003", "sources", "curveball", "--force", "--reassign-origin",
                 *db, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["deleted"] is True and len(out["effects"]) == 3
