"""Store maintenance: integrity check, backup and restore, on SQLite and PostgreSQL.

* :func:`check_store` — database-level integrity (SQLite ``integrity_check`` and ``foreign_key_check``;
  PostgreSQL: a full read of every table and, when the ``amcheck`` extension is installed, B-tree
  index checks), referential checks of the case model (orphan rows, dangling keys, gaps in
  positions, every case re-validated as a ``sevenfold/1`` case) and the audit chain.
* :func:`backup_store` — SQLite: the online backup API (a consistent copy while others write), into
  a temporary file renamed into place. PostgreSQL: a *logical dump* — every sevenfold table read in
  one REPEATABLE READ snapshot and written as gzip-compressed JSON lines with a header (format,
  schema revision, row counts), so a dump restores into any schema or server, or into SQLite.
* :func:`restore_store` — from either kind of file, refusing to overwrite a store that holds cases
  unless ``force``; the whole restore is one transaction (all or nothing).
* :func:`store_digest` — per-table row count and SHA-256 over the rows in key order: two stores
  with equal digests hold the same cases, accounts and audit chain.

>>> from sevenfold.store import open_store                   # doctest: +SKIP
>>> report = check_store(open_store("cases.db")); report.ok  # doctest: +SKIP
True
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, DateTime, Table, func, select, text
from sqlalchemy.exc import DBAPIError

from sevenfold import safe_json
from sevenfold.errors import InputError, SevenfoldError, StoreError
from sevenfold.store.engine import SCHEMA_HEAD, redact
from sevenfold.store.tables import case_grants, cases, claims, entry_tables, metadata

if TYPE_CHECKING:
    from sevenfold.store.repository import Store

DUMP_FORMAT = "sevenfold-dump/1"
SQLITE_MAGIC = b"SQLite format 3\x00"
_PAGE = 5_000
_DUMP_NESTING = 900  # a dump row nests a few levels more than a case may; json.loads fails near 1000


# ---- integrity check ---------------------------------------------------------------------------
@dataclass
class CheckResult:
    """One named check: ``ok`` and a list of problems (empty when ok); ``note`` says what was done."""

    name: str
    ok: bool = True
    note: str = ""
    problems: list[str] = field(default_factory=list)

    def fail(self, message: str) -> None:
        self.ok = False
        self.problems.append(message)


@dataclass
class CheckReport:
    store: str
    backend: str
    cases: int = 0
    checks: list[CheckResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def problems(self) -> list[str]:
        return [f"{c.name}: {p}" for c in self.checks for p in c.problems]

    def to_json_dict(self) -> dict[str, Any]:
        return {"store": self.store, "backend": self.backend, "ok": self.ok, "cases": self.cases,
                "checks": [{"name": c.name, "ok": c.ok, "note": c.note, "problems": c.problems}
                           for c in self.checks]}


_MAX_LISTED = 50  # problems listed per check (the count is always given)


def _limited(result: CheckResult, messages: list[str], what: str) -> None:
    for m in messages[:_MAX_LISTED]:
        result.fail(m)
    if len(messages) > _MAX_LISTED:
        result.fail(f"… and {len(messages) - _MAX_LISTED} more {what}")


def check_store(store: Store, *, deep: bool = True) -> CheckReport:
    """Run every check; ``deep`` also re-validates each case through the case model (slower)."""
    report = CheckReport(store=redact(store.url), backend=store.dialect)
    for fn in (_check_database, _check_schema, _check_references, _check_audit):
        try:
            result = fn(store)
        except SevenfoldError as exc:
            result = CheckResult(fn.__name__.removeprefix("_check_"))
            result.fail(str(exc))
        except DBAPIError as exc:
            result = CheckResult(fn.__name__.removeprefix("_check_"))
            result.fail(f"the database refused the check: {str(exc.orig).strip()}")
        report.checks.append(result)
    with store.engine.connect() as conn:
        report.cases = int(conn.execute(select(func.count()).select_from(cases)).scalar() or 0)
    if deep:
        report.checks.append(_check_cases(store))
    return report


def check_unopenable_sqlite(url: str, error: str) -> CheckReport | None:
    """For an SQLite store that sevenfold cannot even open: what SQLite itself says is wrong.

    Returns None when the URL is not an existing SQLite file (then the open error stands).
    """
    if not url.startswith("sqlite:///"):
        return None
    path = Path(url.removeprefix("sqlite:///"))
    if not path.is_file():
        return None
    report = CheckReport(store=url, backend="sqlite")
    result = CheckResult("database", note="the store cannot be opened")
    result.fail(error)
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = [r[0] for r in con.execute("PRAGMA integrity_check").fetchall()]
        finally:
            con.close()
        if rows != ["ok"]:
            _limited(result, [f"integrity_check: {r}" for r in rows], "integrity errors")
    except sqlite3.Error as exc:
        result.fail(f"integrity_check could not run: {exc}")
    report.checks.append(result)
    return report


def _check_database(store: Store) -> CheckResult:
    result = CheckResult("database")
    with store.engine.connect() as conn:
        if store.dialect == "sqlite":
            rows = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check").all()]
            if rows != ["ok"]:
                _limited(result, [f"integrity_check: {r}" for r in rows], "integrity errors")
            fk = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
            _limited(result, [f"foreign_key_check: row {r[1]} of {r[0]} points to a missing {r[2]} row"
                              for r in fk], "foreign key errors")
            mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
            result.note = f"SQLite integrity_check and foreign_key_check (journal_mode={mode})"
            return result
        # PostgreSQL: read every page of every table (a damaged page raises), then amcheck if present
        for table in metadata.sorted_tables:
            conn.execute(select(func.count()).select_from(table)).scalar()
        has_amcheck = conn.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'amcheck'")).first()
        if has_amcheck:
            idx = conn.execute(text(
                "SELECT c.oid::regclass::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "JOIN pg_class t ON t.oid = i.indrelid JOIN pg_am a ON a.oid = c.relam "
                "WHERE a.amname = 'btree' AND t.relnamespace = current_schema()::regnamespace")).scalars().all()
            for name in idx:
                try:
                    with conn.begin_nested():
                        conn.execute(text("SELECT bt_index_check(CAST(:n AS regclass), true)"), {"n": name})
                except DBAPIError as exc:
                    result.fail(f"index {name}: {str(exc.orig).strip()}")
            result.note = f"full read of every table; amcheck bt_index_check on {len(idx)} indexes"
        else:
            result.note = ("full read of every table (install the amcheck extension to also verify "
                           "index structure: CREATE EXTENSION amcheck)")
    return result


def _check_schema(store: Store) -> CheckResult:
    from sevenfold.store.engine import current_revision

    result = CheckResult("schema")
    rev = current_revision(store.engine)
    if rev != SCHEMA_HEAD:
        result.fail(f"schema revision is {rev!r}, expected {SCHEMA_HEAD!r}")
    result.note = f"Alembic revision {rev}"
    return result


def _check_references(store: Store) -> CheckResult:
    """Orphans and dangling keys, in SQL over the whole store (both backends)."""
    result = CheckResult("references")
    found: list[str] = []
    reports = entry_tables["reports"]
    with store.engine.connect() as conn, conn.begin():
        for kind, table in [*entry_tables.items(), ("claims", claims)]:
            n = conn.execute(select(func.count()).select_from(table)
                             .where(~table.c.case_pk.in_(select(cases.c.pk)))).scalar()
            if n:
                found.append(f"{n} {kind} row(s) belong to no case")
        # positions of each entry kind are 0..n-1 (a gap means a lost entry)
        for kind, table in entry_tables.items():
            q = (select(cases.c.case_id, func.count(), func.max(table.c.pos))
                 .join(table, table.c.case_pk == cases.c.pk).group_by(cases.c.case_id)
                 .having((func.count() != func.max(table.c.pos) + 1) | (func.min(table.c.pos) != 0)))
            for case_id, n, top in conn.execute(q):
                found.append(f"case {case_id!r}: {kind} positions have gaps ({n} rows, highest position {top})")
        # every claim belongs to an existing report of its case, with that report's source
        q = (select(cases.c.case_id, claims.c.report_pos, claims.c.pos)
             .join(cases, cases.c.pk == claims.c.case_pk)
             .outerjoin(reports, (reports.c.case_pk == claims.c.case_pk) & (reports.c.pos == claims.c.report_pos))
             .where(reports.c.pos.is_(None)).limit(_MAX_LISTED + 1))
        for case_id, rpos, cpos in conn.execute(q):
            found.append(f"case {case_id!r}: claim {cpos} of report position {rpos} has no report")
        q = (select(cases.c.case_id, reports.c.key, claims.c.pos, claims.c.source_id, reports.c.source_id)
             .join(cases, cases.c.pk == claims.c.case_pk)
             .join(reports, (reports.c.case_pk == claims.c.case_pk) & (reports.c.pos == claims.c.report_pos))
             .where(claims.c.source_id != reports.c.source_id).limit(_MAX_LISTED + 1))
        for case_id, key, cpos, csrc, rsrc in conn.execute(q):
            found.append(f"case {case_id!r}: reports[{key}] claim {cpos} says source {csrc!r}, report says {rsrc!r}")
        # indexed reference columns point at entries of the same case
        refs = [("reports", "source_id", "sources"), ("ratings", "report_id", "reports"),
                ("ratings", "hypothesis_id", "hypotheses"), ("burns", "source_id", "sources")]
        for kind, col, target_kind in refs:
            t, target = entry_tables[kind], entry_tables[target_kind].alias()
            q = (select(cases.c.case_id, t.c.key, t.c[col]).join(cases, cases.c.pk == t.c.case_pk)
                 .outerjoin(target, (target.c.case_pk == t.c.case_pk) & (target.c.key == t.c[col]))
                 .where(t.c[col].is_not(None) & target.c.pos.is_(None)).limit(_MAX_LISTED + 1))
            for case_id, key, value in conn.execute(q):
                found.append(f"case {case_id!r}: {kind}[{key}].{col} names a missing {target_kind[:-1]} {value!r}")
        q = select(case_grants.c.case_id).where(~case_grants.c.case_id.in_(select(cases.c.case_id))).distinct()
        for (case_id,) in conn.execute(q.limit(_MAX_LISTED + 1)):
            found.append(f"access grants remain for a deleted case {case_id!r}")
        for case_id, rev in conn.execute(select(cases.c.case_id, cases.c.revision).where(cases.c.revision < 1)):
            found.append(f"case {case_id!r}: revision {rev} is not positive")
    _limited(result, found, "reference problems")
    result.note = "orphan rows, position gaps, claims vs reports, indexed references, grants"
    return result


def _check_audit(store: Store) -> CheckResult:
    result = CheckResult("audit")
    try:
        from sevenfold.store.audit import head, verify_chain
    except ImportError:
        result.note = "no audit log in this version"
        return result
    problems = verify_chain(store)
    _limited(result, [str(p) for p in problems], "audit problems")
    seq, digest = head(store)
    result.note = f"hash chain of {seq} record(s) verified, head {digest[:12]}" if seq else "audit log empty"
    return result


def _check_cases(store: Store) -> CheckResult:
    """Every case loads and re-validates as a ``sevenfold/1`` case (ids, references, values)."""
    result = CheckResult("cases")
    with store.engine.connect() as conn:
        ids = conn.execute(select(cases.c.case_id, cases.c.meta).order_by(cases.c.case_id)).all()
    for case_id, meta in ids:
        if not isinstance(meta, dict) or meta.get("id") != case_id:
            named = meta.get("id") if isinstance(meta, dict) else meta
            result.fail(f"case {case_id!r}: its stored metadata names id {named!r}")
            continue
        try:
            case = store.load_case(case_id)
        except SevenfoldError as exc:
            result.fail(f"case {case_id!r} does not validate: {str(exc).splitlines()[0]}")
        except Exception as exc:  # a damaged store must be reported, not crash the check
            result.fail(f"case {case_id!r} cannot be loaded: {type(exc).__name__}: {exc}")
        else:
            for p in case.date_problems(f"case {case_id!r}"):  # opens, but cannot be assessed
                result.fail(str(p))
    result.note = f"{len(ids)} case(s) loaded and re-validated"
    return result


# ---- digests (equality of two stores) ----------------------------------------------------------
def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:  # SQLite gives naive datetimes back: they were stored as UTC
            value = value.replace(tzinfo=dt.UTC)
        return {"$dt": value.isoformat()}
    return value


def _table_rows(conn: Connection, table: Table) -> Iterator[list[Any]]:
    """All rows of a table in primary-key order, paged (bounded memory), as plain JSON values."""
    order = list(table.primary_key.columns) or list(table.columns)
    result = conn.execution_options(stream_results=True, yield_per=_PAGE).execute(select(table).order_by(*order))
    for row in result:
        yield [_plain(v) for v in row]


def store_digest(store: Store) -> dict[str, tuple[int, str]]:
    """{table: (rows, sha256)} over every sevenfold table, in key order, in one snapshot."""
    out: dict[str, tuple[int, str]] = {}
    with store.engine.connect() as conn, conn.begin():
        for table in metadata.sorted_tables:
            h, n = hashlib.sha256(), 0
            for row in _table_rows(conn, table):
                h.update(_canonical(row) + b"\n")
                n += 1
            out[table.name] = (n, h.hexdigest())
    return out


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _row_line(row: list[Any]) -> bytes:
    """A dump row: JSON objects keep their key order, so a restored row holds the same JSON text as
    the original (the state digests bound to the audit chain are over that text)."""
    return json.dumps(row, separators=(",", ":"), ensure_ascii=False).encode("utf-8") + b"\n"


# ---- backup ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BackupInfo:
    path: Path
    kind: str  # sqlite | dump
    cases: int
    rows: dict[str, int]
    bytes: int


def _sqlite_path(store: Store) -> Path:
    db = store.engine.url.database
    if not db or db == ":memory:":
        raise InputError("an in-memory store cannot be backed up or restored")
    return Path(db)


def _atomic_target(path: Path) -> tuple[int, Path]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    return fd, Path(tmp)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _refuse_live_target(store: Store, target: Path) -> None:
    """Refuse a backup destination that is the live store, one of its side files, or any SQLite
    database in use (one with a ``-wal`` or ``-shm`` file next to it): renaming a copy over an open
    database corrupts it for whoever has it open."""
    from sevenfold.fileio import output_kind

    if output_kind(target) != "file":
        raise InputError(f"{target}: refused: a backup is written to a regular file, not a device or a pipe")
    if store.dialect == "sqlite":
        live = _sqlite_path(store)
        sides = [Path(f"{live}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")]
        for side in sides:
            same = side.exists() and target.exists() and os.path.samefile(side, target)
            if same or side.resolve() == target.resolve():
                raise InputError(f"{target}: refused: that is the live store {live} (or one of its files); "
                                 "give another file name for the backup")
    if target.exists() and any(Path(f"{target}{s}").exists() for s in ("-wal", "-shm")):
        raise InputError(f"{target}: refused: an SQLite database in use (it has a -wal or -shm file); "
                         "give another file name for the backup")


def backup_store(store: Store, path: str | Path) -> BackupInfo:
    """Write a consistent backup of the whole store to ``path`` (atomically: complete or absent).

    A file that is replaced keeps its mode; a new backup is made readable by its owner only (it holds
    password hashes). The live store, any open SQLite database, devices and pipes are refused.
    """
    from sevenfold.fileio import copy_mode, write_error

    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_error(target, exc) from None
    _refuse_live_target(store, target)
    try:
        fd, tmp = _atomic_target(target)
    except OSError as exc:
        raise write_error(target, exc) from None
    os.close(fd)
    try:
        if store.dialect == "sqlite":
            _sqlite_backup(_sqlite_path(store), tmp)
            kind = "sqlite"
        else:
            _write_dump(store, tmp)
            kind = "dump"
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        copy_mode(target, tmp)  # a replaced file keeps its mode; a new one stays owner-only (0600)
        os.replace(tmp, target)
        _fsync_dir(target.parent)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise write_error(target, exc) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    rows = _file_rows(target, kind)
    return BackupInfo(target, kind, rows.get("cases", 0), rows, target.stat().st_size)


def _sqlite_backup(source: Path, dest: Path) -> None:
    """The SQLite online backup API: a consistent snapshot even while other processes write."""
    src = sqlite3.connect(str(source), timeout=30)
    try:
        dst = sqlite3.connect(str(dest))
        try:
            src.backup(dst, pages=4096)
            dst.execute("PRAGMA journal_mode = DELETE")  # a self-contained single file
            ok = dst.execute("PRAGMA integrity_check").fetchone()[0]
            if ok != "ok":
                raise StoreError(f"the backup of {source} failed its integrity check: {ok}")
        finally:
            dst.close()
    except sqlite3.Error as exc:
        raise StoreError(f"cannot back up {source}: {exc}") from None
    finally:
        src.close()


def _write_dump(store: Store, tmp: Path) -> None:
    from sevenfold.store.engine import current_revision

    with store.engine.connect() as conn:
        if store.dialect == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            counts = {t.name: int(conn.execute(select(func.count()).select_from(t)).scalar() or 0)
                      for t in metadata.sorted_tables}
            header = {"format": DUMP_FORMAT, "schema": current_revision(store.engine) or "",
                      "created_at": dt.datetime.now(dt.UTC).isoformat(),
                      "source": redact(store.url), "rows": counts}
            with gzip.open(tmp, "wb", compresslevel=6) as out:
                out.write(_canonical(header) + b"\n")
                for table in metadata.sorted_tables:
                    out.write(_canonical({"table": table.name, "columns": [c.name for c in table.columns]}) + b"\n")
                    for row in _table_rows(conn, table):
                        out.write(_row_line(row))


def _file_kind(path: Path) -> str:
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    if head == SQLITE_MAGIC:
        return "sqlite"
    if head[:2] == b"\x1f\x8b":
        return "dump"
    raise InputError(f"{path}: not a sevenfold backup (neither an SQLite store nor a {DUMP_FORMAT} file)")


def _file_rows(path: Path, kind: str) -> dict[str, int]:
    if kind == "dump":
        return dict(_read_dump_header(path)["rows"])
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {t.name: con.execute(f'SELECT count(*) FROM "{t.name}"').fetchone()[0] for t in metadata.sorted_tables}
    except sqlite3.Error as exc:
        raise InputError(f"{path}: not a readable sevenfold store: {exc}") from None
    finally:
        con.close()


def _dump_json(line: bytes, path: Path) -> Any:
    """One line of a dump, its nesting checked before it is parsed (a hostile file cannot crash restore)."""
    return safe_json.loads(line, str(path), limit=_DUMP_NESTING, first_line=None)


def _read_dump_header(path: Path) -> dict[str, Any]:
    try:
        with gzip.open(path, "rb") as fh:
            header = _dump_json(fh.readline(), path)
    except (OSError, EOFError, ValueError) as exc:
        raise InputError(f"{path}: not a readable {DUMP_FORMAT} file: {_dump_damage(exc)}") from None
    if not isinstance(header, dict) or header.get("format") != DUMP_FORMAT or not isinstance(header.get("rows"), dict):
        raise InputError(f"{path}: not a {DUMP_FORMAT} file (header {str(header)[:80]!r})")
    return header


# ---- restore -----------------------------------------------------------------------------------
def _dump_tables(path: Path) -> Iterator[tuple[str, list[str], Iterator[list[Any]]]]:
    """(table, columns, rows) from a dump; rows are lazily read (bounded memory)."""
    fh = gzip.open(path, "rb")  # noqa: SIM115  (closed in finally; rows are read lazily)
    try:
        fh.readline()  # header
        line = fh.readline()
        while line:
            marker = _dump_json(line, path)
            if not isinstance(marker, dict) or "table" not in marker:
                raise InputError(f"{path}: damaged dump (expected a table marker)")
            state = {"next": None}

            def rows(state: dict[str, Any] = state) -> Iterator[list[Any]]:
                while True:
                    try:  # runs in the caller's frame: a truncated file (EOFError) is reported from here
                        raw = fh.readline()
                        value: Any = _dump_json(raw, path) if raw else None
                    except (OSError, EOFError, ValueError) as exc:
                        raise InputError(f"{path}: damaged dump: {_dump_damage(exc)}") from None
                    if not raw:
                        state["next"] = b""
                        return
                    if isinstance(value, dict):
                        state["next"] = raw
                        return
                    yield value

            gen = rows()
            yield marker["table"], list(marker["columns"]), gen
            for _ in gen:  # the caller may not have consumed every row
                pass
            line = state["next"] or b""
    except (OSError, EOFError, ValueError) as exc:
        raise InputError(f"{path}: damaged dump: {_dump_damage(exc)}") from None
    finally:
        fh.close()


def _dump_damage(exc: BaseException) -> str:
    if isinstance(exc, EOFError):
        return "the file is truncated (the compressed stream ends early); nothing was restored"
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _revive(row: list[Any], is_dt: list[bool]) -> list[Any]:
    return [dt.datetime.fromisoformat(v["$dt"]) if flag and isinstance(v, dict) and "$dt" in v else v
            for v, flag in zip(row, is_dt, strict=True)]


def restore_store(store: Store, path: str | Path, *, force: bool = False) -> dict[str, int]:
    """Replace the store's contents with the backup at ``path``; returns rows restored per table.

    Refuses (InputError) when the store holds cases and ``force`` is false, when the backup is
    not a sevenfold store or dump, or when its schema revision differs from this version's.
    """
    source = Path(path)
    kind = _file_kind(source)
    if store.dialect == "sqlite" and os.path.samefile(source, _sqlite_path(store)):
        raise InputError(f"{source}: refused: that is the store itself; give a backup file")
    with store.engine.connect() as conn:
        n_cases = int(conn.execute(select(func.count()).select_from(cases)).scalar() or 0)
    if n_cases and not force:
        raise InputError(f"the store {redact(store.url)} holds {n_cases} case(s); restoring would replace "
                         "them. Back it up first, then use --force")
    if kind == "dump":
        header = _read_dump_header(source)
        if not _restorable(header.get("schema")):
            raise InputError(f"{source}: dump of schema revision {header.get('schema')!r}; this sevenfold "
                             f"restores revisions up to {SCHEMA_HEAD!r}")
    else:
        _verify_sqlite_backup(source)
    from sevenfold.store.repository import Store as _Store

    # everything is checked in a private staging copy first; the store is written only if it passes
    staging_dir = _sqlite_path(store).parent if store.dialect == "sqlite" else None
    with tempfile.TemporaryDirectory(prefix=".sevenfold-restore-", dir=staging_dir) as tmp:
        staging = Path(tmp) / "staging.db"
        if kind == "dump":
            with _Store(f"sqlite:///{staging}") as stage:
                _logical_restore(stage, _dump_tables(source), expected=dict(header["rows"]), where=str(source))
        else:
            _sqlite_copy(source, staging)
        with _Store(f"sqlite:///{staging}") as stage:
            validate_backup(stage, str(source))
        if store.dialect == "sqlite":
            return _sqlite_restore(store, staging)
        with _Store(f"sqlite:///{staging}") as stage, stage.engine.connect() as conn, conn.begin():
            tables = ((t.name, [c.name for c in t.columns], _table_rows(conn, t)) for t in metadata.sorted_tables)
            return _logical_restore(store, tables, expected=None, where=str(source))


def _sqlite_copy(source: Path, dest: Path) -> None:
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(str(dest))
        try:
            src.backup(dst)
        finally:
            dst.close()
    except sqlite3.Error as exc:
        raise InputError(f"{source}: cannot read the backup: {exc}") from None
    finally:
        src.close()


def validate_backup(stage: Store, where: str) -> None:
    """Refuse (InputError) a backup with any problem: the checks of ``sevenfold check`` (references,
    audit chain) and every case validated as ``import`` validates a new case (ids, codes, references,
    limits). The first problem is named; nothing has been written to the store yet."""
    from sevenfold.model import case_from_data

    def refuse(problem: str, more: int = 0) -> InputError:
        extra = f" (and {more} more problem(s))" if more else ""
        return InputError(f"{where}: refused, nothing was restored: {problem}{extra}")

    with stage.engine.connect() as conn:
        ids = conn.execute(select(cases.c.case_id, cases.c.meta).order_by(cases.c.case_id)).all()
    for case_id, meta in ids:
        if not isinstance(meta, dict) or meta.get("id") != case_id:
            named = meta.get("id") if isinstance(meta, dict) else meta
            raise refuse(f"case {case_id!r}: its stored metadata names id {named!r}")
        try:
            data = stage.case_data(case_id)
            case_from_data(data, f"case {case_id}", check_limits=True, check_case_id=True)
        except SevenfoldError as exc:
            raise refuse(str(exc).splitlines()[0]) from None
        except Exception as exc:  # a damaged backup must be refused, not crash the restore
            raise refuse(f"case {case_id!r} cannot be read: {type(exc).__name__}: {exc}") from None
    report = check_store(stage, deep=False)
    problems = [p for c in report.checks if c.name != "schema" for p in c.problems]
    if problems:
        raise refuse(problems[0], len(problems) - 1)


def _verify_sqlite_backup(path: Path) -> None:
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise InputError(f"{path}: cannot open the backup: {exc}") from None
    try:
        ok = con.execute("PRAGMA integrity_check").fetchone()[0]
        if ok != "ok":
            raise InputError(f"{path}: the backup is damaged (integrity_check: {ok})")
        rev = con.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error as exc:
        raise InputError(f"{path}: not a sevenfold store: {exc}") from None
    finally:
        con.close()
    if rev is None or not _restorable(rev[0]):
        raise InputError(f"{path}: a store of schema revision {rev[0] if rev else None!r}; this sevenfold "
                         f"restores revisions up to {SCHEMA_HEAD!r}")


def _restorable(revision: Any) -> bool:
    """A backup of this schema revision or an older one (the staging copy is migrated to head)."""
    return isinstance(revision, str) and len(revision) == 4 and revision.isdigit() and revision <= SCHEMA_HEAD


def _sqlite_restore(store: Store, source: Path) -> dict[str, int]:
    """Copy the backup over the live file with the online backup API (one write transaction)."""
    target = _sqlite_path(store)
    store.engine.dispose()
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(str(target), timeout=30)
        try:
            dst.execute("PRAGMA busy_timeout = 30000")
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = WAL")
        finally:
            dst.close()
    except sqlite3.Error as exc:
        raise StoreError(f"cannot restore {source} into {target}: {exc}; the store is unchanged") from None
    finally:
        src.close()
    return _file_rows(target, "sqlite")


def _logical_restore(store: Store, tables: Any, *, expected: dict[str, int] | None, where: str) -> dict[str, int]:
    known = {t.name: t for t in metadata.sorted_tables}
    counts: dict[str, int] = {}
    with store.write() as conn:
        for table in reversed(metadata.sorted_tables):
            conn.execute(table.delete())
        for name, columns, rows in tables:
            table = known.get(name)
            if table is None:
                raise InputError(f"{where}: unknown table {name!r} in the backup")
            if columns != [c.name for c in table.columns]:
                # a dump of an older revision lacks the nullable columns added since: they stay empty
                added = [c for c in table.columns if c.name not in columns]
                if (not set(columns) < {c.name for c in table.columns}
                        or not all(c.nullable for c in added)):
                    raise InputError(f"{where}: table {name!r} has columns {columns}, expected "
                                     f"{[c.name for c in table.columns]}")
            is_dt = [isinstance(table.c[c].type, DateTime) for c in columns]
            batch: list[dict[str, Any]] = []
            n = 0
            for row in rows:
                batch.append(dict(zip(columns, _revive(row, is_dt), strict=True)))
                if len(batch) >= _PAGE:
                    conn.execute(table.insert(), batch)
                    n += len(batch)
                    batch = []
            if batch:
                conn.execute(table.insert(), batch)
                n += len(batch)
            counts[name] = n
        if expected is not None and {k: v for k, v in expected.items() if k in known} != counts:
            raise InputError(f"{where}: the dump is incomplete (rows {counts}, header says {expected}); "
                             "nothing was restored")
        if store.dialect == "postgresql":
            for table in metadata.sorted_tables:
                pk = list(table.primary_key.columns)
                if len(pk) == 1 and pk[0].autoincrement is True:
                    conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', '{pk[0].name}'), "
                                      f"COALESCE((SELECT max({pk[0].name}) FROM {table.name}), 0) + 1, false)"))
    return counts
