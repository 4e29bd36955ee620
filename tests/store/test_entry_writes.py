"""Per-entry writes (``Store.write_entries``, used by ``Workspace.rate`` / ``clear_rating``): the same
result as a whole-case rewrite, revisions and ``If-Match``, references refused, the incremental state
digest (audit verify and check pass; tampering is still found), concurrent editors (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from sevenfold.errors import CaseValidationError, InputError, NotFound
from sevenfold.model import Rating, load_case
from sevenfold.store import Store
from sevenfold.store import audit as _audit
from sevenfold.store.audit import records, verify_chain
from sevenfold.store.maintenance import check_store
from sevenfold.store.tables import entry_tables
from sevenfold.workspace import StaleRevision, Workspace
from tests.store.test_hardening import _tamper_rating

DATA = Path(__file__).resolve().parents[2] / "src" / "sevenfold" / "data"
CASE_ID = "zarubin-1937"
ACTOR = "test:alice"


def _filled(url: str) -> Store:
    store = Store(url)
    store.import_case(load_case(DATA / f"{CASE_ID}.yaml"), actor=ACTOR)
    return store


def _whole_case_rate(store: Store, report: str, hyp: str, analyst: str | None, **fields: Any) -> int:
    """What a rating edit did before per-entry writes: read, change, re-validate and rewrite the case."""
    rating = Rating.model_validate({"report": report, "hypothesis": hyp, "analyst": analyst, **fields})

    def change(case: Any) -> None:
        for i, rt in enumerate(case.ratings):
            if (rt.report, rt.hypothesis, rt.analyst) == (report, hyp, analyst):
                case.ratings[i] = rating
                return
        case.ratings.append(rating)

    return store.update_case(CASE_ID, change, actor=ACTOR, action="rating.set")[1]


def _whole_case_clear(store: Store, report: str, hyp: str, analyst: str | None) -> int:
    def change(case: Any) -> None:
        case.ratings = [rt for rt in case.ratings if (rt.report, rt.hypothesis, rt.analyst) != (report, hyp, analyst)]

    return store.update_case(CASE_ID, change, actor=ACTOR, action="rating.clear")[1]


def _rating_rows(store: Store) -> list[tuple[Any, ...]]:
    t = entry_tables["ratings"]
    with store.engine.connect() as conn:
        pk = conn.execute(select(t.c.case_pk).limit(1)).scalar()
        return [tuple(r) for r in conn.execute(select(t.c.pos, t.c.key, t.c.report_id, t.c.hypothesis_id, t.c.body)
                                               .where(t.c.case_pk == pk).order_by(t.c.pos))]


def test_per_entry_writes_equal_whole_case_writes(store_url: str, tmp_path: Path) -> None:
    """Each rating edit through both paths: the same case, rows, revision, audit record and state digest."""
    with _filled(store_url) as fast, _filled(f"sqlite:///{tmp_path / 'whole.db'}") as whole:
        ws = Workspace(fast, actor=ACTOR)
        case = fast.load_case(CASE_ID)
        first, middle = case.ratings[0], case.ratings[len(case.ratings) // 2]
        steps: list[tuple[str, str, str, str | None, dict[str, Any]]] = [
            ("rate", first.report, first.hypothesis, first.analyst, {"consistency": "II"}),  # replace in place
            ("rate", first.report, first.hypothesis, "bob", {"consistency": "CC", "note": "why"}),  # add
            ("rate", middle.report, middle.hypothesis, "carol", {"likelihood": 0.25}),  # add
            ("clear", middle.report, middle.hypothesis, middle.analyst, {}),  # delete in the middle: rows move up
            ("rate", first.report, first.hypothesis, "bob", {"consistency": "CC", "note": "why"}),  # unchanged
            ("clear", first.report, first.hypothesis, "bob", {}),
            ("rate", middle.report, middle.hypothesis, middle.analyst, {"consistency": "N"}),  # back, at the end
        ]
        for op, report, hyp, analyst, fields in steps:
            if op == "rate":
                _, rev = ws.rate(CASE_ID, report, hyp, analyst=analyst, **fields)
                want = _whole_case_rate(whole, report, hyp, analyst, **fields)
            else:
                _, rev = ws.clear_rating(CASE_ID, report, hyp, analyst=analyst)
                want = _whole_case_clear(whole, report, hyp, analyst)
            assert rev == want == fast.revision(CASE_ID)
            assert fast.load_case(CASE_ID) == whole.load_case(CASE_ID)
            assert _rating_rows(fast) == _rating_rows(whole)
            got, expected = records(fast, CASE_ID)[-1], records(whole, CASE_ID)[-1]
            assert (got.action, got.before, got.after) == (expected.action, expected.before, expected.after)
            # the digest updated from the changed rows equals the one computed from every row
            assert got.state == expected.state
            assert str(got.state["case"]).startswith(_audit.STATE_FORMAT)
        assert verify_chain(fast) == []
        assert check_store(fast).ok


def test_if_match_and_nothing_written_on_refusal(store_url: str) -> None:
    with _filled(store_url) as store:
        ws = Workspace(store, actor=ACTOR)
        case, rev = store.load_case_with_revision(CASE_ID)
        r, h = case.ratings[0].report, case.ratings[0].hypothesis
        _, rev2 = ws.rate(CASE_ID, r, h, analyst="bob", consistency="C", expected_revision=rev)
        assert rev2 == rev + 1
        n = len(records(store))
        with pytest.raises(StaleRevision) as stale:
            ws.rate(CASE_ID, r, h, analyst="carol", consistency="C", expected_revision=rev)
        assert stale.value.current == rev2
        with pytest.raises(StaleRevision):
            ws.clear_rating(CASE_ID, r, h, analyst="bob", expected_revision=99999)
        with pytest.raises(NotFound, match="no report 'nope'"):
            ws.rate(CASE_ID, "nope", h, analyst="bob", consistency="C")
        with pytest.raises(NotFound, match="no hypothesis 'nope'"):
            ws.rate(CASE_ID, r, "nope", analyst="bob", consistency="C")
        with pytest.raises(NotFound, match="no rating of"):
            ws.clear_rating(CASE_ID, r, h, analyst="nobody")
        with pytest.raises(NotFound):
            ws.rate("no-such-case", r, h, analyst="bob", consistency="C")
        bad = Rating.model_validate({"report": "nope", "hypothesis": "nope2", "consistency": "C"})
        with pytest.raises(CaseValidationError) as refused:
            store.write_entries(CASE_ID, "ratings", [bad], actor=ACTOR)
        assert [p.field for p in refused.value.problems] == ["report", "hypothesis"]
        twice = Rating.model_validate({"report": r, "hypothesis": h, "consistency": "C"})
        with pytest.raises(CaseValidationError, match="duplicate rating"):
            store.write_entries(CASE_ID, "ratings", [twice, twice], actor=ACTOR)
        with pytest.raises(InputError, match="not supported"):
            store.write_entries(CASE_ID, "reports", [], ["r1"], actor=ACTOR)
        assert store.revision(CASE_ID) == rev2 and len(records(store)) == n
        assert verify_chain(store) == []
        # without If-Match a rating applies to whatever is current
        store.update_case(CASE_ID, lambda c: None, actor=ACTOR)
        _, rev3 = ws.rate(CASE_ID, r, h, analyst="carol", consistency="I")
        assert rev3 == rev2 + 2


def test_tampering_is_still_detected_after_per_entry_writes(store_url: str) -> None:
    with _filled(store_url) as store:
        ws = Workspace(store, actor=ACTOR)
        case = store.load_case(CASE_ID)
        r, h = case.ratings[3].report, case.ratings[3].hypothesis
        ws.rate(CASE_ID, r, h, analyst="bob", consistency="I")
        assert verify_chain(store) == []
        _tamper_rating(store)
        problems = verify_chain(store)
        assert {p.kind for p in problems} == {"state"}
        assert f"case '{CASE_ID}' differs from the state recorded" in str(problems[0])
        # a later per-entry write starts from the recorded digest: the tampered row stays found
        ws.rate(CASE_ID, r, h, analyst="carol", consistency="C")
        ws.clear_rating(CASE_ID, r, h, analyst="bob")
        assert {p.kind for p in verify_chain(store)} == {"state"}
        assert not check_store(store, deep=False).ok


def _append_sequential_record(store: Store) -> None:
    """An audit record as sevenfold wrote them before the multiset digest (no prefix)."""
    rev = store.revision(CASE_ID)
    with store.write() as conn:
        state = _audit.case_state_sequential(conn, CASE_ID)
        assert state is not None and not state.startswith(_audit.STATE_FORMAT)
        _audit.append(conn, ACTOR, "update", CASE_ID, {"revision": rev}, {"revision": rev}, case_state=state)


def test_records_with_the_sequential_digest_still_verify(store_url: str) -> None:
    """A record with the older digest format is checked in that format; per-entry writes go on from it."""
    with _filled(store_url) as store:
        _append_sequential_record(store)
        assert verify_chain(store) == []
        case = store.load_case(CASE_ID)
        Workspace(store, actor=ACTOR).rate(CASE_ID, case.ratings[0].report, case.ratings[0].hypothesis,
                                           analyst="bob", consistency="N")
        assert verify_chain(store) == []
        assert str(records(store, CASE_ID)[-1].state["case"]).startswith(_audit.STATE_FORMAT)
        _append_sequential_record(store)
        assert verify_chain(store) == []
        _tamper_rating(store)
        assert {p.kind for p in verify_chain(store)} == {"state"}


def test_ten_concurrent_editors_lose_no_update(store_url: str) -> None:
    editors, per_editor = 10, 6
    with _filled(store_url) as store:
        case, rev = store.load_case_with_revision(CASE_ID)
        cells = [(rt.report, rt.hypothesis) for rt in case.ratings]
        codes = ["CC", "C", "N", "I", "II"]
        plans = {f"ed{i}": [(*cells[(i * 7 + k * 3) % len(cells)], codes[(i + k) % 5]) for k in range(per_editor)]
                 for i in range(editors)}
        errors: list[BaseException] = []
        start = threading.Barrier(editors)

        def editor(name: str) -> None:
            ws = Workspace(store, actor=f"test:{name}")
            start.wait()
            try:
                for report, hyp, code in plans[name]:
                    ws.rate(CASE_ID, report, hyp, analyst=name, consistency=code)
            except BaseException as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=editor, args=(n,)) for n in plans]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert errors == []
        want: dict[tuple[str, str, str], str] = {}
        for name, plan in plans.items():
            for report, hyp, code in plan:
                want[(report, hyp, name)] = code
        final = store.load_case(CASE_ID)
        got = {(rt.report, rt.hypothesis, rt.analyst): rt.consistency for rt in final.ratings
               if rt.analyst and rt.analyst.startswith("ed")}
        assert got == want
        assert store.revision(CASE_ID) == rev + editors * per_editor
        assert verify_chain(store) == []
        t = entry_tables["ratings"]
        with store.engine.connect() as conn:
            n, top = conn.execute(select(func.count(), func.max(t.c.pos))).first()
        assert top == n - 1  # positions stay 0..n-1
        assert check_store(store).ok


def test_a_rating_write_does_not_recompute_the_whole_digest(store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The digest comes from the newest record of the case's state (records of grants in between are
    skipped), updated by the changed rows; the whole case is read only when no usable record exists."""
    pytest.importorskip("argon2")
    monkeypatch.setenv("SEVENFOLD_ARGON2_FAST", "1")
    from sevenfold.store import accounts

    with _filled(store_url) as store:
        accounts.create_user(store, "bob", "correct horse battery", actor="test:root")
        accounts.grant(store, CASE_ID, "bob", "analyst", actor="test:root")  # a record of the case, no state
        whole_reads: list[str] = []
        real = _audit.case_state

        def counting(conn: Any, case_id: str) -> Any:
            whole_reads.append(case_id)
            return real(conn, case_id)

        monkeypatch.setattr(_audit, "case_state", counting)
        ws = Workspace(store, actor=ACTOR)
        case = store.load_case(CASE_ID)
        for i, rt in enumerate(case.ratings[:4]):
            ws.rate(CASE_ID, rt.report, rt.hypothesis, analyst="bob", consistency=["C", "I", "N", "CC"][i])
        ws.clear_rating(CASE_ID, case.ratings[0].report, case.ratings[0].hypothesis, analyst="bob")
        assert whole_reads == []
        store.write_entries(CASE_ID, "ratings", [Rating.model_validate(  # written without an actor: no record
            {"report": case.ratings[1].report, "hypothesis": case.ratings[1].hypothesis, "consistency": "II"})])
        ws.rate(CASE_ID, case.ratings[2].report, case.ratings[2].hypothesis, analyst="bob", consistency="II")
        assert whole_reads == [CASE_ID]  # the newest record is of an older revision: computed once from the rows
        monkeypatch.undo()
        assert verify_chain(store) == []
