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
                   after_write_starts: bool = False) -> KillOutcome:
    """Start `sevenfold import`, SIGKILL it after ``delay`` seconds, and verify the store.

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
        report = check_store(store, deep=deep)
        anchor_ok = case_counts(store, anchor_id) == anchor_expected
        if counts is not None:
            store.delete_case(case_id)  # next run starts from the same state
    finally:
        store.close()
    return KillOutcome(delay, killed, state, report.ok, report.problems, anchor_ok, phase, proc.returncode)
