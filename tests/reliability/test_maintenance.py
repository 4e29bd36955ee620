"""`sevenfold check`, `backup` and `restore` on SQLite and a real PostgreSQL."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from sqlalchemy import delete, update
from typer.testing import CliRunner

from sevenfold.cli import app, main
from sevenfold.errors import InputError
from sevenfold.model import load_case, loads_case
from sevenfold.store import Store
from sevenfold.store.maintenance import backup_store, check_store, restore_store, store_digest
from sevenfold.store.tables import audit_log, claims, entry_tables
from tests.model.test_case_files import MINIMAL

runner = CliRunner()


def _fill(store: Store, bundled: list[Path]) -> None:
    for path in bundled:
        store.import_case(load_case(path), actor="test:alice")
    store.import_case(loads_case(MINIMAL), actor="test:bob")

    def retitle(case):  # type: ignore[no-untyped-def]
        case.case.title = "retitled"

    store.update_case("c1", retitle, actor="test:bob")  # an audited edit


def _has_audit(store: Store) -> bool:
    from sevenfold.store.audit import head

    return head(store)[0] > 0


def test_check_passes_on_a_healthy_store(store_url: str, bundled_cases: list[Path]) -> None:
    with Store(store_url) as store:
        assert check_store(store).ok
        _fill(store, bundled_cases)
        report = check_store(store)
        assert report.ok, report.problems
        assert report.cases == len(bundled_cases) + 1
        assert {c.name for c in report.checks} == {"database", "schema", "references", "audit", "cases"}
    result = runner.invoke(app, ["check", "--db", store_url])
    assert result.exit_code == 0, result.output
    assert "all checks passed" in result.output


def test_check_finds_a_lost_report_and_orphan_claims(store_url: str, bundled_cases: list[Path]) -> None:
    with Store(store_url) as store:
        _fill(store, bundled_cases)
        reports = entry_tables["reports"]
        with store.write() as conn:  # damage the store behind sevenfold's back
            conn.execute(delete(reports).where(reports.c.pos == 1))  # the 2nd report of every case
        report = check_store(store)
        assert not report.ok
        text = "\n".join(report.problems)
        assert "positions have gaps" in text and "has no report" in text
    result = runner.invoke(app, ["check", "--db", store_url, "--json"])
    assert result.exit_code == 1
    assert '"ok": false' in result.output


def test_check_finds_a_dangling_reference_and_bad_claim_source(store_url: str) -> None:
    with Store(store_url) as store:
        store.import_case(loads_case(MINIMAL))
        reports = entry_tables["reports"]
        with store.write() as conn:
            conn.execute(update(reports).values(source_id="ghost"))
            conn.execute(update(claims).values(source_id="someone-else"))
        problems = "\n".join(check_store(store, deep=False).problems)
        assert "names a missing source 'ghost'" in problems
        assert "says source 'someone-else'" in problems


def test_check_finds_a_tampered_audit_record(store_url: str, bundled_cases: list[Path]) -> None:
    with Store(store_url) as store:
        _fill(store, bundled_cases)
        if not _has_audit(store):
            pytest.skip("this store does not record audit entries")
        with store.write() as conn:
            conn.execute(update(audit_log).where(audit_log.c.seq == 1).values(who="test:mallory"))
        report = check_store(store, deep=False)
        assert not report.ok
        assert any(p.startswith("audit:") and "tampered" in p for p in report.problems)


def test_check_reports_a_damaged_sqlite_file(tmp_path: Path, bundled_cases: list[Path],
                                             capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "store.db"
    with Store(str(db)) as store:
        _fill(store, bundled_cases)
        with store.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = bytearray(db.read_bytes())
    page = 4096
    for p in range(3, len(raw) // page):  # scribble over the middle of every page after the schema
        raw[p * page + 100: p * page + 400] = b"\xa5" * 300
    db.write_bytes(bytes(raw))
    code = main(["check", "--db", str(db)])
    out = capsys.readouterr()
    assert code == 1, out
    assert "FAIL" in out.out and "Traceback" not in out.out + out.err


def test_backup_restore_round_trip_same_backend(store_url: str, bundled_cases: list[Path], tmp_path: Path) -> None:
    backup = tmp_path / "backup.bin"
    with Store(store_url) as store:
        _fill(store, bundled_cases)
        before = store_digest(store)
        info = backup_store(store, backup)
        assert info.cases == len(bundled_cases) + 1
        # change the store after the backup, then restore: everything is as it was at backup time
        store.delete_case("c1", actor="test:bob")
        store.import_case(loads_case(MINIMAL.replace("id: c1", "id: c2")))
        assert store_digest(store) != before
        with pytest.raises(InputError, match="--force"):
            restore_store(store, backup)
        restore_store(store, backup, force=True)
    with Store(store_url) as store:
        assert store_digest(store) == before
        assert check_store(store).ok
        # the restored store keeps working: new writes extend the restored audit chain
        store.import_case(loads_case(MINIMAL.replace("id: c1", "id: c3")), actor="test:carol")
        assert check_store(store, deep=False).ok


def test_restore_across_backends(store_url: str, bundled_cases: list[Path], tmp_path: Path) -> None:
    """A backup from one backend restores into the other (SQLite file -> PostgreSQL, dump -> SQLite)."""
    source = Store(store_url)
    _fill(source, bundled_cases)
    backup = tmp_path / "b.bin"
    backup_store(source, backup)
    other = Store(str(tmp_path / "other.db"))
    try:
        restore_store(other, backup)
        assert [c.case_id for c in other.list_cases()] == [c.case_id for c in source.list_cases()]
        for c in source.list_cases():
            assert other.load_case(c.case_id) == source.load_case(c.case_id)
        assert check_store(other).ok
    finally:
        other.close()
        source.close()


def test_cli_backup_restore_and_refusals(store_url: str, bundled_cases: list[Path], tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    with Store(store_url) as store:
        _fill(store, bundled_cases)
        before = store_digest(store)
    backup = tmp_path / "cli-backup.bin"
    assert main(["backup", str(backup), "--db", store_url]) == 0
    assert backup.exists() and not list(tmp_path.glob(".cli-backup.bin.*"))  # no temp file left behind

    not_backup = tmp_path / "notes.txt"
    not_backup.write_text("hello")
    capsys.readouterr()
    assert main(["restore", str(not_backup), "--db", store_url, "--force"]) == 2
    assert "not a sevenfold backup" in capsys.readouterr().err

    assert main(["restore", str(backup), "--db", store_url]) == 2
    assert "--force" in capsys.readouterr().err

    assert main(["restore", str(backup), "--db", store_url, "--force"]) == 0
    assert "all checks passed" in capsys.readouterr().out
    with Store(store_url) as store:
        assert store_digest(store) == before


def test_truncated_dump_is_refused_and_store_unchanged(store_url: str, bundled_cases: list[Path],
                                                       tmp_path: Path) -> None:
    from sevenfold.store.maintenance import _write_dump

    with Store(store_url) as store:
        _fill(store, bundled_cases)
        dump = tmp_path / "full.dump"
        _write_dump(store, dump)
        lines = gzip.decompress(dump.read_bytes()).splitlines(keepends=True)
        cut = tmp_path / "cut.dump"
        cut.write_bytes(gzip.compress(b"".join(lines[: len(lines) // 2])))
        before = store_digest(store)
        with pytest.raises(InputError, match="incomplete"):
            restore_store(store, cut, force=True)
        assert store_digest(store) == before
        restore_store(store, dump, force=True)
        assert store_digest(store) == before
