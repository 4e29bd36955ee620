"""Backups that cannot hit the live store, output paths that are never replaced, restores that
validate every case first, and state bound to the audit chain (SQLite and PostgreSQL)."""

from __future__ import annotations

import gzip
import json
import os
import stat
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from sevenfold.cli import main
from sevenfold.errors import InputError
from sevenfold.fileio import safe_child, write_atomic
from sevenfold.model import load_case
from sevenfold.store import Store
from sevenfold.store.audit import head, verify_chain
from sevenfold.store.maintenance import _write_dump, backup_store, restore_store, store_digest
from sevenfold.store.tables import case_grants, entry_tables, users

DATA = Path(__file__).resolve().parents[2] / "src" / "sevenfold" / "data"
CASE_ID = "zarubin-1937"


def _filled(url: str) -> Store:
    store = Store(url)
    store.import_case(load_case(DATA / f"{CASE_ID}.yaml"), actor="test:alice")
    return store


def _kinds(problems: list[Any]) -> set[str]:
    return {p.kind for p in problems}


def _cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Exit code and stdout+stderr (unwrapped) of the real entry point."""
    capsys.readouterr()
    code = main(argv)
    out = capsys.readouterr()
    return code, " ".join((out.out + out.err).split())


# ---- backup destinations ------------------------------------------------------------------------
def test_backup_onto_the_live_store_is_refused_and_changes_nothing(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    live = tmp_path / "live.db"
    with _filled(str(live)) as store:
        os.chmod(live, 0o644)
        before = live.read_bytes()
        for target in (live, tmp_path / "sub" / ".." / "live.db", Path(f"{live}-wal")):
            (tmp_path / "sub").mkdir(exist_ok=True)
            with pytest.raises(InputError, match="live store"):
                backup_store(store, target)
        link = tmp_path / "hardlink.db"
        os.link(live, link)
        with pytest.raises(InputError, match="live store"):
            backup_store(store, link)
        assert live.read_bytes() == before
        assert stat.S_IMODE(live.stat().st_mode) == 0o644
        assert store.load_case(CASE_ID).id == CASE_ID
    code, out = _cli(["backup", str(live), "--db", str(live)], capsys)
    assert code == 2 and "live store" in out and len(out.splitlines()) == 1


def test_backup_onto_another_open_database_is_refused(tmp_path: Path) -> None:
    with _filled(str(tmp_path / "a.db")) as a, Store(str(tmp_path / "b.db")) as b:
        b.list_cases()  # b is open: WAL mode leaves b.db-wal / b.db-shm beside it
        assert Path(f"{tmp_path / 'b.db'}-wal").exists() or Path(f"{tmp_path / 'b.db'}-shm").exists()
        with pytest.raises(InputError, match="in use"):
            backup_store(a, tmp_path / "b.db")


def test_backup_keeps_the_mode_of_a_file_it_replaces(tmp_path: Path) -> None:
    with _filled(str(tmp_path / "live.db")) as store:
        info = backup_store(store, tmp_path / "new.db")
        assert stat.S_IMODE(info.path.stat().st_mode) == 0o600  # new: password hashes inside
        old = tmp_path / "old.db"
        old.write_bytes(b"x")
        os.chmod(old, 0o640)
        backup_store(store, old)
        assert stat.S_IMODE(old.stat().st_mode) == 0o640


def _device(folder: Path, name: str) -> Path:
    """A character device node like /dev/<name> made in ``folder``, so that a regression replaces a
    copy, never the machine's own device (needs root and a file system that allows devices)."""
    numbers = {"null": (1, 3), "full": (1, 7)}[name]
    node = folder / f"dev-{name}"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(*numbers))
        with open(node, "wb"):
            pass
    except (PermissionError, OSError) as exc:
        pytest.skip(f"cannot make a device node here: {exc}")
    return node


def test_backup_to_a_fifo_or_device_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    null = _device(tmp_path, "null")
    with _filled(str(tmp_path / "live.db")) as store:
        for target in (fifo, null):
            with pytest.raises(InputError, match="regular file"):
                backup_store(store, target)
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert stat.S_ISCHR(null.stat().st_mode)


# ---- output paths ------------------------------------------------------------------------------
def test_output_to_devices_fifos_and_proc(tmp_path: Path) -> None:
    null, full = _device(tmp_path, "null"), _device(tmp_path, "full")
    write_atomic(null, "nothing")  # written in place
    assert stat.S_ISCHR(null.stat().st_mode)
    with pytest.raises(InputError, match="no space left"):
        write_atomic(full, "x" * 10_000)
    assert stat.S_ISCHR(full.stat().st_mode)
    with pytest.raises(InputError, match="kernel file system"):
        write_atomic("/proc/version", "x")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    write_atomic(fifo, "through the pipe")
    reader.join(10)
    assert got == [b"through the pipe"] and stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_replaced_output_file_keeps_its_mode(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    out.write_text("old")
    os.chmod(out, 0o600)
    write_atomic(out, "new")
    assert out.read_text() == "new" and stat.S_IMODE(out.stat().st_mode) == 0o600


def test_file_names_from_ids_stay_in_their_folder(tmp_path: Path) -> None:
    assert safe_child(tmp_path, "zarubin-1937.html") == tmp_path / "zarubin-1937.html"
    for bad in ("../../../../../escaped-dir/x.html", "..", "a/b.html", "a\\b.html", ""):
        with pytest.raises(InputError):
            safe_child(tmp_path, bad)


def test_cli_output_paths_give_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "live.db")
    _filled(db).close()
    code, out = _cli(["export", CASE_ID, "--db", db, "--out", "/proc/version"], capsys)
    assert code == 2 and "kernel file system" in out
    full = _device(tmp_path, "full")
    code, out = _cli(["export", CASE_ID, "--db", db, "--out", str(full)], capsys)
    assert code == 2 and "no space left" in out
    assert stat.S_ISCHR(full.stat().st_mode)


# ---- restore validates first -------------------------------------------------------------------
def _dump_lines(store: Store, path: Path) -> list[str]:
    _write_dump(store, path)
    return gzip.open(path, "rb").read().decode("utf-8").splitlines()


def _crafted(lines: list[str], path: Path, edit: Any) -> Path:
    out, table, cols = [], None, []
    for line in lines:
        value = json.loads(line)
        if isinstance(value, dict) and "table" in value:
            table, cols = value["table"], value["columns"]
        elif table is not None and isinstance(value, list):
            row = dict(zip(cols, value, strict=True))
            if edit(table, row):
                line = json.dumps([row[c] for c in cols], ensure_ascii=False)
        out.append(line)
    with gzip.open(path, "wb") as fh:
        fh.write(("\n".join(out) + "\n").encode("utf-8"))
    return path


EVIL = "../../../../../escaped-dir/x"


def _evil_id(table: str, row: dict[str, Any]) -> bool:
    if table == "audit_log" or row.get("case_id") != CASE_ID:
        return False
    row["case_id"] = EVIL
    if table == "cases":
        row["meta"] = {**row["meta"], "id": EVIL}
    return True


def _zz_rating(table: str, row: dict[str, Any]) -> bool:
    if table == "entry_ratings" and row["pos"] == 0:
        row["body"] = {**row["body"], "consistency": "ZZ"}
        return True
    return False


def _missing_source(table: str, row: dict[str, Any]) -> bool:
    if table == "entry_reports" and row["pos"] == 0:
        row["body"] = {**row["body"], "source": "ghost"}
        return True
    return False


@pytest.mark.parametrize(("edit", "message"), [
    (_evil_id, "a case id must be a slug"),
    (_zz_rating, "'ZZ' is not one of"),
    (_missing_source, "unknown source 'ghost'"),
])
def test_restore_refuses_a_crafted_dump_before_writing(store_url: str, tmp_path: Path, edit: Any,
                                                       message: str, capsys: pytest.CaptureFixture[str]) -> None:
    with _filled(f"sqlite:///{tmp_path / 'source.db'}") as source:
        dump = _crafted(_dump_lines(source, tmp_path / "good.dump"), tmp_path / "bad.dump", edit)
    with Store(store_url) as target:
        target.import_case(load_case(DATA / "internal-threat-1937.yaml"), actor="test:bob")
        before = store_digest(target)
        with pytest.raises(InputError, match=message) as err:
            restore_store(target, dump, force=True)
        assert "nothing was restored" in str(err.value)
        assert store_digest(target) == before
    code, out = _cli(["restore", str(dump), "--db", store_url, "--force"], capsys)
    assert code == 2 and message in out and "all checks passed" not in out


def test_restore_refuses_a_tampered_sqlite_backup(tmp_path: Path) -> None:
    with _filled(str(tmp_path / "live.db")) as store:
        backup_store(store, tmp_path / "backup.db")
    with Store(str(tmp_path / "backup.db")) as backup:
        ratings = entry_tables["ratings"]
        with backup.write() as conn:
            body = conn.execute(ratings.select().where(ratings.c.pos == 0)).first().body
            conn.execute(update(ratings).where(ratings.c.pos == 0).values(body={**body, "consistency": "ZZ"}))
    with Store(str(tmp_path / "target.db")) as target, pytest.raises(InputError, match="'ZZ' is not one of"):
        restore_store(target, tmp_path / "backup.db")


def test_restore_of_a_good_dump_still_works(store_url: str, tmp_path: Path) -> None:
    with _filled(f"sqlite:///{tmp_path / 'source.db'}") as source:
        _write_dump(source, tmp_path / "good.dump")
        want = store_digest(source)
    with Store(store_url) as target:
        restore_store(target, tmp_path / "good.dump")
        assert store_digest(target) == want
        assert verify_chain(target) == []


# ---- state bound to the audit chain ------------------------------------------------------------
def _with_accounts(url: str) -> Store:
    pytest.importorskip("argon2")
    os.environ.setdefault("SEVENFOLD_ARGON2_FAST", "1")
    from sevenfold.store import accounts

    store = _filled(url)
    accounts.create_user(store, "alice", "correct horse battery", admin=True, actor="test:root")
    accounts.create_user(store, "bob", "correct horse battery", actor="test:root")
    accounts.grant(store, CASE_ID, "bob", "reader", actor="test:root")

    def rerate(case):  # type: ignore[no-untyped-def]
        case.ratings[0].consistency = "II"

    store.update_case(CASE_ID, rerate, actor="test:alice", action="rating.set")
    return store


def _tamper_rating(store: Store) -> None:
    ratings = entry_tables["ratings"]
    with store.write() as conn:
        row = conn.execute(ratings.select().where(ratings.c.pos == 1)).first()
        new = "CC" if row.body.get("consistency") != "CC" else "II"
        conn.execute(update(ratings).where(ratings.c.pos == 1).values(body={**row.body, "consistency": new}))


def _tamper_grant(store: Store) -> None:
    with store.write() as conn:
        conn.execute(update(case_grants).values(role="owner"))


def _tamper_admin(store: Store) -> None:
    with store.write() as conn:
        conn.execute(update(users).where(users.c.name == "bob").values(is_admin=True))


@pytest.mark.parametrize(("tamper", "message"), [
    (_tamper_rating, f"case '{CASE_ID}' differs from the state recorded"),
    (_tamper_grant, "accounts (grants) differ"),
    (_tamper_admin, "accounts (users) differ"),
])
def test_direct_database_edits_are_detected(store_url: str, tamper: Any, message: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    with _with_accounts(store_url) as store:
        assert verify_chain(store) == []
        tamper(store)
        problems = verify_chain(store)
        assert _kinds(problems) == {"state"}
        assert message in "\n".join(map(str, problems))
    for argv in (["audit", "verify"], ["check", "--quick"]):
        code, out = _cli([*argv, "--db", store_url], capsys)
        assert code == 1 and message in out, out


def test_a_kept_head_detects_a_truncated_or_rewritten_tail(store_url: str,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    from sevenfold.store.tables import audit_head, audit_log

    with _with_accounts(store_url) as store:
        seq, digest = head(store)
        kept = f"{seq}:{digest}"
        assert _cli(["audit", "head", "--db", store_url], capsys) == (0, kept)
        assert verify_chain(store, expected_head=kept) == []
        store.delete_case(CASE_ID, actor="test:alice")  # the chain goes on: the kept head is still in it
        assert verify_chain(store, expected_head=kept) == []
        with store.write() as conn:  # drop the newest two records and move the head row back
            conn.execute(audit_log.delete().where(audit_log.c.seq >= seq))
            prev = conn.execute(audit_log.select().where(audit_log.c.seq == seq - 1)).first()
            conn.execute(update(audit_head).values(seq=prev.seq, hash=prev.hash))
        assert "rewritten" in _kinds(verify_chain(store, expected_head=kept, states=False))
    code, out = _cli(["audit", "verify", "--head", kept, "--db", store_url], capsys)
    assert code == 1 and "truncated or rewritten" in out
    code, out = _cli(["audit", "verify", "--head", "not-a-hash", "--db", store_url], capsys)
    assert code == 2 and "expected SEQ:HASH" in out


def test_migration_0005_keeps_old_records_verifying(store_url: str) -> None:
    """A store at 0004 (records without state) upgrades; its chain still verifies, and new records
    carry state, which then binds the case."""
    from alembic import command

    from sevenfold.store import audit
    from sevenfold.store.engine import SCHEMA_HEAD, alembic_config, current_revision

    case = load_case(DATA / f"{CASE_ID}.yaml")
    with Store(store_url) as store:
        store.import_case(case)
        with store.write() as conn:  # an import record as revision 0004 wrote it: no state
            audit.append(conn, "test:old", "import", CASE_ID, None, {"revision": 1, **audit.case_digest(case)})
        cfg = alembic_config(store.engine)
        with store.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0004")
        assert current_revision(store.engine) == "0004"
    with Store(store_url) as store:  # opening migrates to head
        assert current_revision(store.engine) == SCHEMA_HEAD
        assert audit.records(store)[0].state is None
        assert verify_chain(store) == []

        def retitle(case):  # type: ignore[no-untyped-def]
            case.case.title = "retitled"

        store.update_case(CASE_ID, retitle, actor="test:bob")
        assert audit.records(store)[-1].state["case"]
        assert verify_chain(store) == []
        _tamper_rating(store)
        assert _kinds(verify_chain(store)) == {"state"}


def test_a_dump_of_the_previous_revision_restores(store_url: str, tmp_path: Path) -> None:
    """A dump made at revision 0004 (no audit_log.state column) restores into this revision."""
    from sevenfold.store import audit

    case = load_case(DATA / f"{CASE_ID}.yaml")
    with Store(f"sqlite:///{tmp_path / 'source.db'}") as source:
        source.import_case(case)
        with source.write() as conn:  # an import record as revision 0004 wrote it: no state
            audit.append(conn, "test:old", "import", CASE_ID, None, {"revision": 1, **audit.case_digest(case)})
        lines = _dump_lines(source, tmp_path / "new.dump")
        want = store_digest(source)
    out, drop = [], None
    for line in lines:
        value = json.loads(line)
        if isinstance(value, dict) and value.get("format"):
            value["schema"] = "0004"
        elif isinstance(value, dict) and "table" in value:
            drop = value["columns"].index("state") if value["table"] == "audit_log" else None
            if drop is not None:
                value["columns"].pop(drop)
        elif drop is not None:
            assert value.pop(drop) is None
        out.append(json.dumps(value, ensure_ascii=False))
    old = tmp_path / "old.dump"
    with gzip.open(old, "wb") as fh:
        fh.write(("\n".join(out) + "\n").encode("utf-8"))
    with Store(store_url) as target:
        restore_store(target, old)
        assert store_digest(target) == want
        assert verify_chain(target) == []
