"""Crash consistency: SIGKILL `sevenfold import` at a chosen moment, then verify the store.

Shared by the short test (tests/reliability/test_crash.py) and the full harness
(benchmarks/crash_harness.py). After each kill: the store opens, ``check_store`` passes, the
anchor case imported before is intact, and the killed case is wholly present (every entry and
claim) or wholly absent.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from sevenfold.store import Store
from sevenfold.store.maintenance import check_store
from sevenfold.store.tables import cases, claims, entry_tables


def sevenfold_cmd() -> list[str]:
    exe = Path(sys.executable).parent / "sevenfold"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "sevenfold.cli"]


def case_counts(store: Store, case_id: str) -> dict[str, int] | None:
    """Rows per entry kind (and claims) of a stored case, or None when it is absent."""
    with store.engine.connect() as conn, conn.begin():
        pk = conn.execute(select(cases.c.pk).where(cases.c.case_id == case_id)).scalar()
        if pk is None:
            return None
        out = {kind: int(conn.execute(select(func.count()).select_from(t).where(t.c.case_pk == pk)).scalar() or 0)
               for kind, t in entry_tables.items()}
        out["claims"] = int(conn.execute(select(func.count()).select_from(claims)
                                         .where(claims.c.case_pk == pk)).scalar() or 0)
    return {k: v for k, v in out.items() if v}


def _write_probe(url: str):  # type: ignore[no-untyped-def]
    """(in_write_transaction, close): whether another process holds an open write transaction now.

    SQLite: ``BEGIN IMMEDIATE`` with no wait fails while another connection holds the write lock
    (otherwise it is rolled back at once). PostgreSQL: another backend holds a RowExclusiveLock on
    this schema's case tables (row locks last until commit or rollback).
    """
    if url.startswith("sqlite:///"):
        import sqlite3

        con = sqlite3.connect(url.removeprefix("sqlite:///"), timeout=0, isolation_level=None)

        def sqlite_writing() -> bool:
            try:
                con.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError:
                return True  # locked: a writer is inside its transaction
            con.execute("ROLLBACK")
            return False

        return sqlite_writing, con.close
    from sqlalchemy import create_engine, text

    eng = create_engine(url)
    conn = eng.connect()
    q = text("SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
             "WHERE c.relnamespace = current_schema()::regnamespace AND c.relname IN ('cases', 'claims', "
             "'entry_reports') AND l.mode = 'RowExclusiveLock' AND l.pid <> pg_backend_pid()")

    def pg_writing() -> bool:
        n = conn.execute(q).scalar()
        conn.rollback()
        return bool(n)

    def close() -> None:
        conn.close()
        eng.dispose()

    return pg_writing, close


@dataclass
class KillOutcome:
    delay: float
    killed: bool  # False when the import finished before the kill
    state: str  # present | absent | PARTIAL
    check_ok: bool
    problems: list[str]
    anchor_ok: bool
    phase: str = "?"  # write (inside the write transaction) | other (reading, validating, exiting) | done
    returncode: int = 0  # of the import process (-9 when killed); non-zero otherwise means it failed to run

    @property
    def ok(self) -> bool:
        return self.state in ("present", "absent") and self.check_ok and self.anchor_ok

    @property
    def import_failed(self) -> bool:
        """The import ended by itself with an error: the run says nothing about crashes."""
        return not self.killed and self.returncode != 0


def run_import(url: str, case_file: Path, replace: bool = False) -> subprocess.CompletedProcess[str]:
    cmd = [*sevenfold_cmd(), "import", str(case_file), "--db", url, *(["--replace"] if replace else [])]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=1800)


def kill_import_at(url: str, case_file: Path, case_id: str, delay: float, expected: dict[str, int],
                   anchor_id: str, anchor_expected: dict[str, int], deep: bool = False,
                   after_write_starts: bool = False, expected_content: str | None = None) -> KillOutcome:
    """Start `sevenfold import`, SIGKILL it after ``delay`` seconds, and verify the store.

    ``expected_content`` (:func:`content_of` the case file): a present case must equal it entry for
    entry, not only in its row counts.

    With ``after_write_starts`` the delay counts from the moment the import opens its write
    transaction (so the kill lands inside it unless it commits first). ``phase`` records whether
    the write transaction was open just before the kill.
    """
    writing, close_probe = _write_probe(url)
    cmd = [*sevenfold_cmd(), "import", str(case_file), "--db", url]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        if after_write_starts:
            while proc.poll() is None and not writing():
                time.sleep(0.01)
        deadline = time.monotonic() + delay
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.005)
        killed = False
        phase = "done"
        if proc.poll() is None:
            phase = "write" if writing() else "other"
            os.kill(proc.pid, signal.SIGKILL)
            killed = True
        proc.wait()
    finally:
        close_probe()
    store = Store(url)
    try:
        counts = case_counts(store, case_id)
        state = "absent" if counts is None else ("present" if counts == expected else "PARTIAL")
        if state == "present" and expected_content is not None and \
                content_of(store.load_case(case_id)) != expected_content:
            state = "PARTIAL"
        report = check_store(store, deep=deep)
        anchor_ok = case_counts(store, anchor_id) == anchor_expected
        if counts is not None:
            store.delete_case(case_id, actor="test:crash")  # next run starts from the same state
    finally:
        store.close()
    return KillOutcome(delay, killed, state, report.ok, report.problems, anchor_ok, phase, proc.returncode)


# ---- content, not row counts: import, replace, burn, ratings, restore ---------------------------
def content_of(case: Any) -> str:
    """sha256 of a case's canonical content, with what a write stamps at run time (a burn's
    ``recorded_at``) left out, so an expected state can be computed before the write happens."""
    import hashlib

    from sevenfold.store.audit import canonical_json

    data = case.model_dump(mode="json", exclude_none=True)
    for burn in data.get("burns", []):
        burn.pop("recorded_at", None)
    return hashlib.sha256(canonical_json(data)).hexdigest()


def store_contents(url: str) -> dict[str, str]:
    """Content digest of every case in the store, by case id."""
    with Store(url) as store:
        return {c.case_id: content_of(store.load_case(c.case_id)) for c in store.list_cases()}


@dataclass
class ContentOutcome:
    op: str
    delay: float
    killed: bool
    state: str  # before | after | an allowed intermediate (e.g. 'after 3 of 20 writes') | CORRUPT
    check_ok: bool
    problems: list[str]
    returncode: int

    @property
    def ok(self) -> bool:
        return self.state != "CORRUPT" and self.check_ok and (self.killed or self.returncode == 0)


def kill_command_at(url: str, argv: list[str], delay: float, allowed: dict[str, dict[str, str]], op: str,
                    deep: bool = False) -> ContentOutcome:
    """Run ``argv`` (a whole command line), SIGKILL it after ``delay`` seconds, and compare the store's
    content (every case, digest by digest) with the ``allowed`` states (name → {case id: digest})."""
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + delay
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.005)
    killed = proc.poll() is None
    if killed:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    contents = store_contents(url)
    state = next((name for name, want in allowed.items() if want == contents), "CORRUPT")
    with Store(url) as store:
        report = check_store(store, deep=deep)
    return ContentOutcome(op, delay, killed, state, report.ok, report.problems, proc.returncode)


RATING_WRITER = r"""
import sys
from sevenfold.model import Rating
from sevenfold.store import Store
url, case_id, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
with Store(url) as store:
    for i in range(n):
        def change(case, i=i):
            case.ratings = [r for r in case.ratings if not (r.report == f"r{i}" and r.hypothesis == "plant"
                                                             and r.analyst == "crash")]
            case.ratings.append(Rating(report=f"r{i}", hypothesis="plant", consistency="II", analyst="crash"))
        store.update_case(case_id, change, actor="crash", action="rate")
"""


def rating_states(case: Any, n: int) -> dict[str, str]:
    """The states a run of :data:`RATING_WRITER` may leave: its first k writes done, k = 0..n."""
    from sevenfold.model import Rating

    states: dict[str, str] = {}
    case = case.model_copy(deep=True)
    states["before"] = content_of(case)
    for i in range(n):
        case.ratings.append(Rating(report=f"r{i}", hypothesis="plant", consistency="II", analyst="crash"))
        states[f"after {i + 1} of {n} writes"] = content_of(case)
    return states


def _run_ok(argv: list[str]) -> float:
    """Run a command to completion (it must succeed); its duration in seconds."""
    start = time.monotonic()
    done = subprocess.run(argv, capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:3])}… failed: {done.stderr.strip()[-500:]}")
    return time.monotonic() - start


CONTENT_OPS = ("replace", "burn", "ratings", "restore")


def content_campaign(op: str, url: str, v1: Path, v2: Path, work: Path, kills: int, rng: Any,
                     deep: bool = False) -> list[ContentOutcome]:
    """``kills`` SIGKILLs of one operation at random moments, each checked by content.

    The store holds the case ``bulk`` as in ``v1`` (and any other cases, which must stay as they are).
    ``replace``: `import v2 --replace`; ``burn``: `burn bulk s3`; ``ratings``: a process writing 12
    ratings one transaction each (the store call behind the workbench's rating PUT); ``restore``:
    `restore --force` of a backup taken with ``bulk`` as in v1, over a store where it is as in v2.
    Before each run the store is put back in the operation's starting state."""
    cmd = sevenfold_cmd()
    to_v1 = [*cmd, "import", str(v1), "--replace", "--db", url]
    to_v2 = [*cmd, "import", str(v2), "--replace", "--db", url]
    start = store_contents(url)
    if op == "replace":
        argv, reset = to_v2, to_v1
        duration = _run_ok(argv)
        allowed = {"before": start, "after": store_contents(url)}
    elif op == "burn":
        argv, reset = [*cmd, "burn", "bulk", "s3", "--since", "1934-01-01", "--db", url], to_v1
        duration = _run_ok(argv)
        allowed = {"before": start, "after": store_contents(url)}
    elif op == "ratings":
        n = 12
        argv, reset = [sys.executable, "-c", RATING_WRITER, url, "bulk", str(n)], to_v1
        with Store(url) as store:
            states = rating_states(store.load_case("bulk"), n)
        duration = _run_ok(argv)
        allowed = {name: {**start, "bulk": digest} for name, digest in states.items()}
        if store_contents(url) != allowed[f"after {n} of {n} writes"]:
            raise AssertionError("the uninterrupted rating run did not leave the expected content")
    elif op == "restore":
        dump = work / "store.backup"
        _run_ok([*cmd, "backup", str(dump), "--db", url])
        _run_ok(to_v2)
        new = store_contents(url)
        argv, reset = [*cmd, "restore", str(dump), "--force", "--db", url], to_v2
        duration = _run_ok(argv)
        if store_contents(url) != start:
            raise AssertionError("an uninterrupted restore did not give back the backed-up content")
        allowed = {"before": new, "after": start}
    else:
        raise ValueError(f"unknown operation {op!r}; one of {', '.join(CONTENT_OPS)}")
    outcomes = []
    for _ in range(kills):
        # the machine's speed drifts (other load): a run that finishes before its kill is kept as an
        # outcome only after a few tries aimed at the shortest duration seen
        for _attempt in range(4):
            _run_ok(reset)
            started = time.monotonic()
            outcome = kill_command_at(url, argv, rng.uniform(0.2, 0.95) * duration, allowed, op, deep=deep)
            if outcome.killed:
                break
            duration = min(duration, time.monotonic() - started)
        outcomes.append(outcome)
    return outcomes
