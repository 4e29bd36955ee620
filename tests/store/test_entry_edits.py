"""Per-entry edits of every entry kind (``Store.edit_entries``, behind every ``Workspace`` operation): the same
rows, revision, audit record and state digest as the same operation applied by a whole-case rewrite; no
whole-case read or write; refusals as a whole-case validation gives them, nothing written; ``audit verify``
and ``check`` clean after a mix of operations, tampering still found (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as _dt
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from sevenfold.errors import CaseValidationError, NotFound
from sevenfold.model import Case, case_from_data, case_to_data, load_case
from sevenfold.store import Store
from sevenfold.store import audit as _audit
from sevenfold.store.audit import records, verify_chain
from sevenfold.store.maintenance import check_store
from sevenfold.store.tables import cases, claims, entry_tables
from sevenfold.workspace import Referenced, StaleRevision, Workspace

DATA = Path(__file__).resolve().parents[2] / "src" / "sevenfold" / "data"
CASE_ID = "zarubin-1937"
ACTOR = "test:alice"


class _FixedClock:
    """``datetime`` as seen by the burn module: a fixed "now", so two stores get the same recorded_at."""

    @staticmethod
    def now(tz: Any = None) -> _dt.datetime:
        return _dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=_dt.UTC)


@pytest.fixture(autouse=True)
def _fixed_burn_time(monkeypatch: pytest.MonkeyPatch) -> None:
    import sevenfold.provenance.burn as burn_module

    monkeypatch.setattr(burn_module, "dt", types.SimpleNamespace(datetime=_FixedClock, UTC=_dt.UTC))


def _filled(url: str) -> Store:
    store = Store(url)
    store.import_case(load_case(DATA / f"{CASE_ID}.yaml"), actor=ACTOR)
    return store


def _whole_case(store: Store) -> Store:
    """The same store, but every per-entry edit applied as a whole-case rewrite (``update_case``) of the full case."""

    def edit_entries(case_id: str, reads: Any, change: Callable[[Case], Any], *, expected_revision: int | None = None,
                     actor: str | None = None, action: str = "update") -> int:
        def run(case: Case) -> Case:
            result = change(case)
            new = result if result is not None else case
            for name in type(new).model_fields:  # every list counts as set (see case_to_data)
                setattr(new, name, getattr(new, name))
            return new

        return store.update_case(case_id, run, expected_revision=expected_revision, actor=actor, action=action)[1]

    store.edit_entries = edit_entries  # type: ignore[method-assign]
    return store


def _rows(store: Store) -> dict[str, Any]:
    """Every stored row of the case (JSON decoded), the case row and the newest audit record's change."""
    out: dict[str, Any] = {}
    with store.engine.connect() as conn:
        row = conn.execute(select(cases).where(cases.c.case_id == CASE_ID)).one()
        out["case"] = (row.title, row.meta, row.revision)
        for kind, table in entry_tables.items():
            cols = [c for c in table.columns if c.name != "case_pk"]
            out[kind] = [tuple(r) for r in conn.execute(select(*cols).where(table.c.case_pk == row.pk)
                                                         .order_by(table.c.pos))]
        cols = [c for c in claims.columns if c.name != "case_pk"]
        out["claims"] = [tuple(r) for r in conn.execute(select(*cols).where(claims.c.case_pk == row.pk)
                                                         .order_by(claims.c.report_pos, claims.c.pos))]
        out["state"] = _audit.case_state(conn, CASE_ID)
    last = records(store, CASE_ID)[-1]
    out["audit"] = (last.action, last.before, last.after, (last.state or {}).get("case"))
    return out


def _ops(case: Case) -> list[tuple[str, Callable[[Workspace, int], Any]]]:
    r0, r1 = case.reports[0].id, case.reports[1].id
    h0 = case.hypotheses[0].id
    actor0 = case.actors[0].id
    src0 = case.reports[0].source
    mid = case.reports[len(case.reports) // 2]

    def rev(ws: Workspace) -> int:
        return ws.store.revision(CASE_ID)

    return [
        ("add actor", lambda ws, _: ws.add(CASE_ID, "actors", {"id": "a-new", "name": "Someone"})),
        ("add source", lambda ws, _: ws.add(CASE_ID, "sources", {"id": "s-new", "name": "New",
                                                                 "controlled_by": "a-new"})),
        ("replace source", lambda ws, _: ws.replace(CASE_ID, "sources", "s-new", {"id": "s-new", "name": "Renamed",
                                                                                    "kind": "official"})),
        ("add document", lambda ws, _: ws.add(CASE_ID, "documents", {"id": "d-new", "title": "A file"})),
        ("add report", lambda ws, _: ws.add(CASE_ID, "reports", {
            "id": "r-new", "source": "s-new", "date": "1937-03", "document": "d-new", "text": "new",
            "claims": [{"object": "o", "attribute": "a", "value": 12.0},
                       {"object": "o", "attribute": "b", "value": "x"}]})),
        ("replace report", lambda ws, _: ws.replace(CASE_ID, "reports", "r-new", {
            "id": "r-new", "source": src0, "date": "1937-04", "text": "changed",
            "claims": [{"object": "o", "attribute": "a", "value": 13}]})),
        ("replace report text", lambda ws, _: ws.replace(CASE_ID, "reports", mid.id,
                                                         mid.model_copy(update={"text": "edited text"}))),
        ("add claim", lambda ws, _: ws.add_claim(CASE_ID, "r-new", {"object": "p", "attribute": "q", "value": [1, 2]})),
        ("replace claim", lambda ws, _: ws.replace_claim(CASE_ID, "r-new", 0, {"object": "o", "attribute": "a",
                                                                                "value": 14})),
        ("delete claim", lambda ws, _: ws.delete_claim(CASE_ID, "r-new", 1, expected_revision=rev(ws))),
        ("add link derived_from", lambda ws, _: ws.add_link(CASE_ID, "r-new", "derived_from", r0)),
        ("add link via", lambda ws, _: ws.add_link(CASE_ID, "r-new", "via", "s-new")),
        ("delete link via", lambda ws, _: ws.delete_link(CASE_ID, "r-new", "via", "s-new")),
        ("add hypothesis", lambda ws, _: ws.add(CASE_ID, "hypotheses", {"id": "h-new", "statement": "a plant",
                                                                         "deception_by": actor0, "mimics": [h0]})),
        ("rate", lambda ws, _: ws.rate(CASE_ID, "r-new", "h-new", analyst="bob", consistency="CC")),
        ("rate other", lambda ws, _: ws.rate(CASE_ID, r1, "h-new", analyst="carol", likelihood=0.5)),
        ("add outcome", lambda ws, _: ws.add(CASE_ID, "outcomes", {"report": "r-new", "verdict": "confirmed"})),
        ("add outcome 2", lambda ws, _: ws.add(CASE_ID, "outcomes", {"hypothesis": "h-new", "verdict": "refuted"})),
        ("replace outcome", lambda ws, _: ws.replace(CASE_ID, "outcomes", "#0", {"report": "r-new",
                                                                                  "verdict": "refuted"})),
        ("burn", lambda ws, _: ws.burn(CASE_ID, "s-new", "1937-02", burn_actor="a-new", impact=False)),
        ("burn 2", lambda ws, _: ws.burn(CASE_ID, src0, "1937", impact=False)),
        ("unburn", lambda ws, _: ws.unburn(CASE_ID, "burn-1")),
        ("edit meta", lambda ws, _: ws.edit_meta(CASE_ID, title="A new title", as_of="1937-06", blind_rating=True)),
        ("delete outcome", lambda ws, _: ws.delete(CASE_ID, "outcomes", "#0", expected_revision=rev(ws))),
        ("delete hypothesis (forced)", lambda ws, _: ws.delete(CASE_ID, "hypotheses", "h-new", force=True)),
        ("delete report in the middle (forced)", lambda ws, _: ws.delete(CASE_ID, "reports", r0, force=True)),
        ("re-add report, ratings back", lambda ws, _: ws.add(CASE_ID, "reports", case.reports[0])),
        ("clear a rating", lambda ws, _: ws.clear_rating(CASE_ID, r0, h0, analyst=None)),
        ("restore ratings", lambda ws, _: ws.restore_ratings(CASE_ID, r0)),
        ("restore hypothesis", lambda ws, _: ws.restore_entry(CASE_ID, "hypotheses", "h-new")),
        ("delete report r-new (forced)", lambda ws, _: ws.delete(CASE_ID, "reports", "r-new", force=True)),
        ("delete actor (forced)", lambda ws, _: ws.delete(CASE_ID, "actors", "a-new", force=True)),
        ("delete the first actor (forced)", lambda ws, _: ws.delete(CASE_ID, "actors", actor0, force=True)),
        ("delete the first report (forced)", lambda ws, _: ws.delete(CASE_ID, "reports", case.reports[1].id,
                                                                     force=True)),
        ("delete source", lambda ws, _: ws.delete(CASE_ID, "sources", "s-new", force=True)),
        ("delete document", lambda ws, _: ws.delete(CASE_ID, "documents", "d-new")),
        ("restore source", lambda ws, _: ws.restore_entry(CASE_ID, "sources", "s-new")),
    ]


def test_every_operation_equals_a_whole_case_rewrite(store_url: str, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Each Workspace operation, per entry and as a whole-case rewrite: the same rows (positions, keys,
    bodies, claims), case row, audit record and state digest; the per-entry path never reads or writes the
    whole case."""
    with _filled(store_url) as fast, _whole_case(_filled(f"sqlite:///{tmp_path / 'whole.db'}")) as whole:
        case = fast.load_case(CASE_ID)

        def no_whole_case(*args: Any, **kwargs: Any) -> Any:
            raise AssertionError("a per-entry edit read or rewrote the whole case")

        ws_fast, ws_whole = Workspace(fast, actor=ACTOR), Workspace(whole, actor=ACTOR)
        for name, op in _ops(case):
            monkeypatch.setattr(fast, "update_case", no_whole_case)
            monkeypatch.setattr(fast, "_load", no_whole_case)
            op(ws_fast, 0)
            monkeypatch.undo()
            _fixed = _FixedClock  # the burn clock stays fixed (undo restored it): set it again
            import sevenfold.provenance.burn as burn_module

            monkeypatch.setattr(burn_module, "dt", types.SimpleNamespace(datetime=_fixed, UTC=_dt.UTC))
            op(ws_whole, 0)
            got, want = _rows(fast), _rows(whole)
            for part in want:
                assert got[part] == want[part], f"{name}: {part} differs"
            assert got["audit"][3] == got["state"], f"{name}: recorded digest is not the recomputed one"
        assert verify_chain(fast) == []
        assert check_store(fast).ok
        assert fast.load_case(CASE_ID) == whole.load_case(CASE_ID)
        from sevenfold.cli import main

        assert main(["audit", "verify", "--db", fast.url]) == 0  # the commands, too
        assert main(["check", "--db", fast.url]) == 0


def test_refusals_are_those_of_a_whole_case_validation(store_url: str, tmp_path: Path) -> None:
    """A per-entry edit refuses what re-validating the whole case refuses, with the same problems, and writes
    nothing (no revision, no audit record)."""
    with _filled(store_url) as fast, _whole_case(_filled(f"sqlite:///{tmp_path / 'whole.db'}")) as whole:
        case = fast.load_case(CASE_ID)
        r0 = case.reports[0]
        bad: list[Callable[[Workspace], Any]] = [
            lambda ws: ws.add(CASE_ID, "reports", {"id": "x", "source": "nobody", "document": "nothing",
                                                   "derived_from": ["x", "missing"]}),
            lambda ws: ws.replace(CASE_ID, "reports", r0.id, r0.model_copy(update={"via": ["ghost"]})),
            lambda ws: ws.add(CASE_ID, "hypotheses", {"id": "hx", "mimics": ["hx"], "deception_by": "nobody"}),
            lambda ws: ws.add(CASE_ID, "sources", {"id": "sx", "suspected_control": {"by": "ghost", "p": 0.5}}),
            lambda ws: ws.add(CASE_ID, "outcomes", {"report": "ghost", "verdict": "confirmed"}),
            lambda ws: ws.add(CASE_ID, "burns", {"id": "bx", "source": "ghost", "since": "1937"}),
            lambda ws: ws.add_link(CASE_ID, r0.id, "synthesis_of", r0.id),
        ]
        for i, op in enumerate(bad):
            before_fast, before_whole = fast.revision(CASE_ID), whole.revision(CASE_ID)
            n = len(records(fast))
            errors = []
            for ws in (Workspace(fast, actor=ACTOR), Workspace(whole, actor=ACTOR)):
                with pytest.raises((CaseValidationError, NotFound)) as exc:
                    op(ws)
                errors.append(exc.value)
            assert type(errors[0]) is type(errors[1]), i
            if isinstance(errors[0], CaseValidationError):
                assert sorted(map(str, errors[0].problems)) == sorted(map(str, errors[1].problems)), i
            assert (fast.revision(CASE_ID), whole.revision(CASE_ID)) == (before_fast, before_whole)
            assert len(records(fast)) == n
        # a circle of syntheses through stored reports
        ws = Workspace(fast, actor=ACTOR)
        ws.add(CASE_ID, "reports", {"id": "s1", "source": r0.source, "synthesis_of": [r0.id]})
        ws.add(CASE_ID, "reports", {"id": "s2", "source": r0.source, "synthesis_of": ["s1"]})
        with pytest.raises(CaseValidationError, match="runs in a circle"):
            ws.add_link(CASE_ID, "s1", "synthesis_of", "s2")
        # a source with reports cannot go; a referenced entry needs force
        with pytest.raises(Referenced, match="still has"):
            ws.delete(CASE_ID, "sources", r0.source, force=True)
        with pytest.raises(Referenced):
            ws.delete(CASE_ID, "reports", r0.id)
        with pytest.raises(StaleRevision):
            ws.replace(CASE_ID, "reports", r0.id, r0, expected_revision=1)
        assert verify_chain(fast) == [] and check_store(fast).ok


def test_tampering_is_found_after_per_entry_edits(store_url: str) -> None:
    """A report row changed behind sevenfold's back after per-entry edits: audit verify and check fail."""
    with _filled(store_url) as store:
        ws = Workspace(store, actor=ACTOR)
        case = store.load_case(CASE_ID)
        ws.replace(CASE_ID, "reports", case.reports[2].id, case.reports[2].model_copy(update={"text": "t"}))
        ws.add(CASE_ID, "sources", {"id": "s-x"})
        ws.delete(CASE_ID, "sources", "s-x")
        assert verify_chain(store) == []
        table = entry_tables["reports"]
        with store.engine.begin() as conn:
            conn.execute(update(table).where(table.c.key == case.reports[1].id).values(date="1999"))
        assert any(p.kind == "state" for p in verify_chain(store))
        assert not check_store(store).ok


def test_generated_cases_edited_per_entry_read_back_valid(tmp_path: Path) -> None:
    """A case edited entry by entry still loads and validates as a whole (round trip through the file format)."""
    with _filled(f"sqlite:///{tmp_path / 'a.db'}") as store:
        ws = Workspace(store, actor=ACTOR)
        case = store.load_case(CASE_ID)
        for i in range(5):
            ws.add(CASE_ID, "reports", {"id": f"g{i}", "source": case.sources[i % len(case.sources)].id,
                                        "derived_from": [case.reports[i].id]})
        ws.delete(CASE_ID, "reports", case.reports[3].id, force=True)
        stored = store.load_case(CASE_ID)
        assert case_from_data(case_to_data(stored), "again") == stored


def test_concurrent_editors_of_other_kinds_lose_nothing(store_url: str) -> None:
    """Eight threads adding sources, replacing report texts and adding claims at once, without If-Match:
    every edit lands, the revision counts them, the chain and the state digests verify."""
    import threading

    with _filled(store_url) as store:
        case = store.load_case(CASE_ID)
        reports, others = case.reports[:8], case.reports[8:]  # texts replaced; claims added (a replace sets claims)
        before = store.revision(CASE_ID)
        errors: list[BaseException] = []

        def editor(i: int) -> None:
            try:
                ws = Workspace(store, actor=f"test:editor{i}")
                for k in range(3):
                    ws.add(CASE_ID, "sources", {"id": f"c-{i}-{k}"})
                    ws.replace(CASE_ID, "reports", reports[i].id, reports[i].model_copy(update={"text": f"{i}/{k}"}))
                    ws.add_claim(CASE_ID, others[i % len(others)].id, {"object": f"o{i}", "attribute": "k", "value": k})
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=editor, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        after = store.load_case(CASE_ID)
        assert store.revision(CASE_ID) == before + 8 * 9
        assert {f"c-{i}-{k}" for i in range(8) for k in range(3)} <= {s.id for s in after.sources}
        assert [after.report(r.id).text for r in reports] == [f"{i}/2" for i in range(8)]
        for i in range(8):
            added = [c for c in after.report(others[i % len(others)].id).claims if c.object == f"o{i}"]
            assert [c.value for c in added] == [0, 1, 2]
        assert verify_chain(store) == [] and check_store(store).ok
