"""Several processes importing and editing cases at once, on SQLite (WAL, busy timeout, retry) and
PostgreSQL: no lost update, no raw "database is locked" shown to a user."""

from __future__ import annotations

import multiprocessing as mp
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sevenfold.model import Hypothesis, loads_case
from sevenfold.store import Store
from sevenfold.store.maintenance import check_store
from tests.model.test_case_files import MINIMAL
from tests.reliability.bulk_case import write_bulk_case
from tests.reliability.crash import sevenfold_cmd

WORKERS = 4
EDITS = 8


def _case(case_id: str):  # type: ignore[no-untyped-def]
    return loads_case(MINIMAL.replace("id: c1", f"id: {case_id}"))


def _editor(url: str, case_id: str, worker: int, edits: int, own_import: bool) -> list[str]:
    """Import (optionally) then make ``edits`` read-modify-write edits; returns error messages."""
    errors: list[str] = []
    store = Store(url)
    try:
        if own_import:
            store.import_case(_case(case_id))
        for j in range(edits):
            def add(c, j=j):  # type: ignore[no-untyped-def]
                c.hypotheses.append(Hypothesis(id=f"w{worker}-e{j}", statement=f"edit {j} by worker {worker}"))
            try:
                store.update_case(case_id, add, actor=f"test:w{worker}" if j % 2 else None)
            except Exception as exc:  # the test fails on any error; record it readably
                errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        store.close()
    return errors


def _run_workers(url: str, jobs: list[tuple[str, int, int, bool]]) -> list[str]:
    ctx = mp.get_context("spawn")
    with ctx.Pool(len(jobs)) as pool:
        results = pool.starmap(_editor, [(url, *job) for job in jobs])
    return [e for r in results for e in r]


def test_processes_importing_and_editing_different_cases(store_url: str) -> None:
    Store(store_url).close()  # create the schema once (concurrent first opens are tested elsewhere)
    errors = _run_workers(store_url, [(f"case{w}", w, EDITS, True) for w in range(WORKERS)])
    assert errors == []
    with Store(store_url) as store:
        for w in range(WORKERS):
            case = store.load_case(f"case{w}")
            assert [h.id for h in case.hypotheses][2:] == [f"w{w}-e{j}" for j in range(EDITS)]
            assert store.revision(f"case{w}") == 1 + EDITS
        assert check_store(store, deep=False).ok


def test_processes_editing_the_same_case_lose_no_update(store_url: str) -> None:
    with Store(store_url) as store:
        store.import_case(_case("shared"))
    errors = _run_workers(store_url, [("shared", w, EDITS, False) for w in range(WORKERS)])
    assert errors == []
    with Store(store_url) as store:
        ids = {h.id for h in store.load_case("shared").hypotheses}
        expected = {f"w{w}-e{j}" for w in range(WORKERS) for j in range(EDITS)}
        assert expected <= ids, f"lost updates: {sorted(expected - ids)}"
        assert store.revision("shared") == 1 + WORKERS * EDITS
        report = check_store(store, deep=False)
        assert report.ok, report.problems


def test_parallel_cli_imports_never_show_database_is_locked(store_url: str, tmp_path: Path) -> None:
    files = [write_bulk_case(tmp_path / f"c{i}.json", f"bulk{i}", reports=600, sources=20, ratings=50)
             for i in range(WORKERS)]

    def run(f: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*sevenfold_cmd(), "import", str(f), "--db", store_url],
                              capture_output=True, text=True, timeout=600)

    with ThreadPoolExecutor(WORKERS) as pool:  # fresh store: the first opens race on migration too
        results = list(pool.map(run, files))
    for r in results:
        assert r.returncode == 0, r.stderr
        assert "locked" not in (r.stdout + r.stderr).lower()
        assert "Traceback" not in r.stderr
    with Store(store_url) as store:
        assert sorted(c.case_id for c in store.list_cases()) == [f"bulk{i}" for i in range(WORKERS)]
