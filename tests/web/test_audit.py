"""The hash-chained audit log on SQLite and (with SEVENFOLD_TEST_PG_URL) PostgreSQL."""

from __future__ import annotations

import itertools
import threading

import pytest
from sqlalchemy import delete, select, update

from sevenfold.errors import CaseValidationError, Conflict
from sevenfold.model import Rating
from sevenfold.store import Store
from sevenfold.store.audit import GENESIS_HASH, head, record_hash, records, verify_chain
from sevenfold.store.tables import audit_head, audit_log
from tests.web.conftest import tiny_case


def _kinds(problems: list) -> set[str]:  # type: ignore[type-arg]
    return {p.kind for p in problems}


@pytest.fixture
def store(store_url: str):  # type: ignore[no-untyped-def]
    with Store(store_url) as s:
        yield s


def _history(store: Store) -> None:
    """import, three edits, a delete and a re-import: six records."""
    store.import_case(tiny_case(), actor="cli:tester")
    for i, c in enumerate(["I", "II", "CC"]):
        def change(case, c=c, i=i):  # type: ignore[no-untyped-def]
            case.ratings.append(Rating(report="r3", hypothesis="h1", consistency=c, analyst=f"a{i}"))
        store.update_case("tiny", change, actor=f"web:user{i}")
    store.delete_case("tiny", actor="cli:tester")
    store.import_case(tiny_case(), actor="cli:tester")


def test_chain_records_every_change_and_verifies(store: Store) -> None:
    _history(store)
    recs = records(store)
    assert [r.action for r in recs] == ["import", "update", "update", "update", "delete", "import"]
    assert [r.seq for r in recs] == list(range(1, 7))
    assert recs[0].prev_hash == GENESIS_HASH
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(recs))
    assert all(r.hash == record_hash(r.prev_hash, r.seq, r.who, r.at, r.action, r.case_id, r.before, r.after,
                                     r.state) for r in recs)
    # an update records only the cell that changed, with revisions
    upd = recs[1]
    assert upd.who == "web:user0" and upd.case_id == "tiny"
    assert upd.before == {"ratings": {"r3/h1/a0": None}, "revision": 1}
    assert upd.after["ratings"]["r3/h1/a0"]["consistency"] == "I"
    assert recs[4].before == {"revision": 4} and recs[4].after is None
    assert verify_chain(store) == []
    assert head(store) == (6, recs[-1].hash)


def test_failed_change_writes_no_record(store: Store) -> None:
    store.import_case(tiny_case(), actor="t")
    n = len(records(store))

    def bad(case):  # type: ignore[no-untyped-def]
        case.ratings.append(Rating(report="nope", hypothesis="h1", consistency="C"))

    with pytest.raises(CaseValidationError):
        store.update_case("tiny", bad, actor="t")
    with pytest.raises(Conflict):
        store.update_case("tiny", lambda c: None, expected_revision=99, actor="t")
    assert len(records(store)) == n and verify_chain(store) == []


def test_without_actor_nothing_is_recorded(store: Store) -> None:
    store.import_case(tiny_case())
    store.update_case("tiny", lambda c: None)
    assert records(store) == [] and verify_chain(store) == []


def test_tampered_record_is_detected(store: Store) -> None:
    _history(store)
    with store.write() as conn:
        conn.execute(update(audit_log).where(audit_log.c.seq == 3).values(who="web:someone-else"))
    problems = verify_chain(store)
    assert _kinds(problems) == {"tampered"} and problems[0].seq == 3


def test_tampered_payload_is_detected(store: Store) -> None:
    _history(store)
    with store.write() as conn:
        conn.execute(update(audit_log).where(audit_log.c.seq == 2).values(after={"ratings": {}, "revision": 2}))
    assert [p.seq for p in verify_chain(store)] == [2]


def test_rehashed_record_still_breaks_the_chain(store: Store) -> None:
    """A forger who recomputes the edited record's hash breaks the next record's prev_hash."""
    _history(store)
    r = records(store)[2]
    forged = record_hash(r.prev_hash, r.seq, "web:forger", r.at, r.action, r.case_id, r.before, r.after)
    with store.write() as conn:
        conn.execute(update(audit_log).where(audit_log.c.seq == 3).values(who="web:forger", hash=forged))
    problems = verify_chain(store)
    assert ("bad_prev", 4) in {(p.kind, p.seq) for p in problems}


def test_deleted_record_is_detected(store: Store) -> None:
    _history(store)
    with store.write() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.seq == 4))
    problems = verify_chain(store)
    assert {"missing", "bad_prev"} <= _kinds(problems)
    assert all(p.seq == 5 for p in problems)


def test_truncated_tail_is_detected(store: Store) -> None:
    _history(store)
    with store.write() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.seq >= 5))
    # the head row no longer matches, and the case no longer matches the newest state left in the log
    assert _kinds(verify_chain(store)) == {"truncated", "state"}
    assert _kinds(verify_chain(store, states=False)) == {"truncated"}


def test_reordered_records_are_detected(store: Store) -> None:
    _history(store)
    recs = {r.seq: r for r in records(store)}
    with store.write() as conn:  # swap the contents of records 2 and 3, keeping seq numbers
        for seq, src in ((2, recs[3]), (3, recs[2])):
            conn.execute(update(audit_log).where(audit_log.c.seq == seq).values(
                prev_hash=src.prev_hash, hash=src.hash, who=src.who, at=src.at, action=src.action,
                case_id=src.case_id, before=src.before, after=src.after))
    problems = verify_chain(store)
    assert problems and {p.seq for p in problems} <= {2, 3, 4}


def test_inserted_record_is_detected(store: Store) -> None:
    _history(store)
    with store.write() as conn:
        # make room after record 2 and slip a well-formed record in
        rows = conn.execute(select(audit_log).where(audit_log.c.seq > 2).order_by(audit_log.c.seq.desc())).all()
        for row in rows:
            conn.execute(update(audit_log).where(audit_log.c.seq == row.seq).values(seq=row.seq + 1))
        prev = conn.execute(select(audit_log.c.hash).where(audit_log.c.seq == 2)).scalar_one()
        at = "2026-01-01T00:00:00.000000+00:00"
        digest = record_hash(prev, 3, "web:mallory", at, "update", "tiny", None, {"x": 1})
        conn.execute(audit_log.insert().values(seq=3, prev_hash=prev, hash=digest, who="web:mallory", at=at,
                                               action="update", case_id="tiny", before=None, after={"x": 1}))
        conn.execute(update(audit_head).values(seq=7))
    problems = verify_chain(store)
    assert problems, "an inserted record must break the chain"
    assert any(p.seq in (4, None) for p in problems)


def test_concurrent_audited_writes_keep_one_chain(store_url: str) -> None:
    with Store(store_url) as store:
        store.import_case(tiny_case(), actor="t")
    errors: list[BaseException] = []

    def worker(i: int) -> None:
        try:
            with Store(store_url) as s:
                for j in range(4):
                    def change(case, i=i, j=j):  # type: ignore[no-untyped-def]
                        case.ratings.append(Rating(report="r3", hypothesis="h2", consistency="N",
                                                   analyst=f"w{i}-{j}"))
                    s.update_case("tiny", change, actor=f"web:w{i}")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    with Store(store_url) as store:
        recs = records(store)
        assert [r.seq for r in recs] == list(range(1, 18))
        assert verify_chain(store) == []
        assert len(store.load_case("tiny").ratings) == len(tiny_case().ratings) + 16


def test_cli_audit_verify_exit_codes(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from sevenfold.cli import main

    db = str(tmp_path / "cli.db")
    with Store(db) as store:
        _history(store)
    assert main(["audit", "verify", "--db", db]) == 0
    with Store(db) as store, store.write() as conn:
        conn.execute(update(audit_log).where(audit_log.c.seq == 1).values(action="edited"))
    assert main(["audit", "verify", "--db", db]) == 1
