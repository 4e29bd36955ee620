"""The case store: import, load, list, update and delete cases as transactions.

Every write is one transaction: a case is wholly present or wholly absent, and a failed write
leaves the store as it was. ``revision`` numbers give optimistic concurrency for edits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import (
    Connection,
    Table,
    Text,
    delete,
    func,
    insert,
    select,
    text,
    type_coerce,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from sevenfold.errors import CaseValidationError, Conflict, InputError, NotFound, Problem, StoreError
from sevenfold.gc_pause import gc_paused
from sevenfold.model import Case, case_from_data, case_to_data
from sevenfold.store import audit as _audit
from sevenfold.store import jsontext
from sevenfold.store.engine import SQLITE_BUSY_TIMEOUT_MS, make_engine, migrate, redact, resolve_db_url
from sevenfold.store.tables import ENTRY_KINDS, case_grants, cases, claims, entry_tables

_BATCH = 20_000  # rows per executemany call
#: entry kinds :meth:`Store.write_entries` writes one entry at a time (it checks their references itself);
#: every other change goes through :meth:`Store.update_case`
ENTRY_WRITE_KINDS = ("ratings",)


@dataclass(frozen=True)
class CaseSummary:
    case_id: str
    title: str
    revision: int
    updated_at: dt.datetime
    counts: dict[str, int]


def _entry_key(kind: str, entry: Any) -> str:
    if kind == "ratings":
        return f"{entry.report}/{entry.hypothesis}/{entry.analyst or ''}"
    if kind in ("outcomes", "aliases"):
        return ""  # positional; filled with the position below
    return entry.id


def _lock_case(conn: Connection, case_id: str) -> None:
    """Serialise writers of one case on PostgreSQL (a transaction-scoped advisory lock).

    Writes replace a case's rows (new ``cases.pk``), so a row lock taken by a concurrent writer
    would point at a deleted row; under READ COMMITTED the second writer would then miss the
    first one's commit (a lost update, or a duplicate-key error). Taking this lock first makes
    the second writer wait and then read the committed case. SQLite needs nothing: writers
    already hold the database write lock from BEGIN IMMEDIATE.
    """
    if conn.dialect.name == "postgresql":
        key = int.from_bytes(hashlib.sha256(b"sevenfold-case:" + case_id.encode("utf-8")).digest()[:8],
                             "big", signed=True)
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def _bulk_insert(conn: Connection, table: Table, rows: list[tuple[Any, ...]]) -> None:
    """Insert rows given as tuples in the table's column order.

    On SQLite the JSON columns already hold their JSON text (see :func:`_json_encoder`) and the rows
    go straight to the driver's executemany: SQLAlchemy's per-row parameter processing cost more
    than SQLite's own work on large imports. Other backends go through SQLAlchemy.
    """
    if conn.dialect.name != "sqlite":
        names = [c.name for c in table.columns]
        conn.execute(insert(table), [dict(zip(names, r, strict=True)) for r in rows])
        return
    quoted = ", ".join('"' + c.name + '"' for c in table.columns)
    marks = ", ".join("?" for _ in table.columns)
    conn.exec_driver_sql(f'INSERT INTO "{table.name}" ({quoted}) VALUES ({marks})', rows)


def _identity(value: Any) -> Any:
    return value


def _json_encoder(conn: Connection) -> Callable[[Any], Any]:
    """How a JSON column's value is passed to :func:`_bulk_insert`: as JSON text on SQLite (written
    exactly as SQLAlchemy's JSON type would, ``json.dumps`` with None as JSON null), else as is."""
    return jsontext.dumps if conn.dialect.name == "sqlite" else _identity


def _json_column(conn: Connection, column: Any) -> tuple[Any, Callable[[Any], Any]]:
    """A JSON column to select and the function that decodes what it returns: on SQLite the raw
    text decoded by :mod:`jsontext` (one fast call per value), elsewhere SQLAlchemy's own result."""
    if conn.dialect.name == "sqlite":
        return type_coerce(column, Text), jsontext.loads
    return column, _identity


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _stamp(written: dt.datetime) -> str:
    """A write time as text, the same on every backend (SQLite returns it without a time zone)."""
    if written.tzinfo is None:
        written = written.replace(tzinfo=dt.UTC)
    return written.astimezone(dt.UTC).isoformat(timespec="microseconds")


class Store:
    """A sevenfold store on SQLite (default) or PostgreSQL.

    >>> store = Store("sqlite:///:memory:")   # doctest: +SKIP
    """

    def __init__(self, db: str | None = None, *, engine: Engine | None = None) -> None:
        self.url = resolve_db_url(db) if engine is None else str(engine.url)
        self._write_gate = threading.RLock()  # SQLite: this process's writers, one at a time (see write)
        self.engine = engine or make_engine(self.url)
        try:
            migrate(self.engine)
        except StoreError:
            raise
        except DBAPIError as exc:
            raise StoreError(f"cannot open store {redact(self.url)}: {exc.orig}") from None

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- transactions --------------------------------------------------------------------------
    @contextmanager
    def write(self, retries: int = 8) -> Iterator[Connection]:
        """A write transaction (SQLite: BEGIN IMMEDIATE, waits on busy_timeout).

        On SQLite the writers of one process also queue on a lock of their own: SQLite's busy handler
        waits by sleeping (up to 100 ms a try), so ten threads contending for the write lock waited
        far longer than the writes took; a waiting thread now starts as soon as the previous one ends.
        """
        # bounded like SQLite's own wait; past it, the write goes on to SQLite's busy handling and retries
        gated = self.dialect == "sqlite" and self._write_gate.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
        try:
            with self.engine.connect() as conn:
                conn = conn.execution_options(sevenfold_write=True)
                with conn.begin():
                    yield conn
        finally:
            if gated:
                self._write_gate.release()

    def _retrying(self, fn: Callable[[Connection], Any], retries: int = 8) -> Any:
        """Run a write, retrying when the database is busy; never show 'database is locked'."""
        for attempt in range(retries):
            try:
                with self.write() as conn:
                    return fn(conn)
            except OperationalError as exc:
                msg = str(exc.orig).lower()
                transient = "locked" in msg or "busy" in msg or "deadlock" in msg or "could not serialize" in msg
                if not transient:
                    raise StoreError(f"store {redact(self.url)}: {exc.orig}") from None
                if attempt == retries - 1:
                    raise StoreError("the store stayed busy (other writers) for too long; nothing was "
                                     "changed, try again") from None
                time.sleep(min(2.0, 0.05 * 2**attempt))
        raise AssertionError("unreachable")

    # ---- queries -------------------------------------------------------------------------------
    def has_case(self, case_id: str) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(select(cases.c.pk).where(cases.c.case_id == case_id)).first() is not None

    def list_cases(self) -> list[CaseSummary]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(cases).order_by(cases.c.case_id)).all()
            counts: dict[int, dict[str, int]] = {r.pk: {} for r in rows}
            for kind in ("sources", "reports", "hypotheses"):
                t = entry_tables[kind]
                for pk, n in conn.execute(select(t.c.case_pk, func.count()).group_by(t.c.case_pk)):
                    if pk in counts:
                        counts[pk][kind] = n
        return [CaseSummary(r.case_id, r.title, r.revision, r.updated_at, counts[r.pk]) for r in rows]

    def revision(self, case_id: str) -> int:
        return self.version(case_id)[0]

    def version(self, case_id: str) -> tuple[int, str]:
        """``(revision, written_at)``: the revision and when that revision was written.

        A case imported under a deleted case's id continues from the revision the audit log recorded
        for the deletion (:func:`~sevenfold.store.audit.last_deleted_revision`), but a deletion made
        without an actor is not audited, and then the new case starts at revision 1 again. The pair
        names a version in every case, so caches key on it (a cache keyed on the revision alone served a
        deleted case's contents to the next case with its id).
        """
        with self.engine.connect() as conn:
            row = conn.execute(select(cases.c.revision, cases.c.created_at).where(cases.c.case_id == case_id)).first()
        if row is None:
            raise NotFound(f"no case {case_id!r} in {redact(self.url)}")
        return int(row.revision), _stamp(row.created_at)

    def load_case(self, case_id: str) -> Case:
        with self.engine.connect() as conn:
            with conn.begin():  # one consistent snapshot
                return self._load(conn, case_id)[0]

    def load_case_with_revision(self, case_id: str) -> tuple[Case, int]:
        case, (revision, _) = self.load_case_with_version(case_id)
        return case, revision

    def load_case_with_version(self, case_id: str) -> tuple[Case, tuple[int, str]]:
        """The case and its :meth:`version`, read in one snapshot."""
        with self.engine.connect() as conn:
            with conn.begin():
                case, revision = self._load(conn, case_id)
                written = conn.execute(select(cases.c.created_at).where(cases.c.case_id == case_id)).scalar_one()
                return case, (revision, _stamp(written))

    def case_data(self, case_id: str) -> dict[str, Any]:
        """A stored case as the plain data of a case file, not validated (restore validates it as a new case)."""
        with self.engine.connect() as conn:
            with conn.begin():
                row = conn.execute(select(cases).where(cases.c.case_id == case_id)).first()
                if row is None:
                    raise NotFound(f"no case {case_id!r} in {redact(self.url)} (see `sevenfold list`)")
                return self._data(conn, row, case_id)

    def _data(self, conn: Connection, row: Any, case_id: str) -> dict[str, Any]:
        data: dict[str, Any] = {"format": row.format, "case": row.meta}
        for kind, table in entry_tables.items():
            body, decode = _json_column(conn, table.c.body)
            bodies = conn.execute(select(body).where(table.c.case_pk == row.pk)
                                  .order_by(table.c.pos)).scalars().all()
            if bodies:
                data[kind] = [decode(b) for b in bodies]
        if data.get("reports"):
            self._attach_claims(conn, row.pk, case_id, data["reports"])
        return data

    @gc_paused()  # hundreds of thousands of objects that all stay alive (see sevenfold.gc_pause)
    def _load(self, conn: Connection, case_id: str) -> tuple[Case, int]:
        row = conn.execute(select(cases).where(cases.c.case_id == case_id)).first()
        if row is None:
            raise NotFound(f"no case {case_id!r} in {redact(self.url)} (see `sevenfold list`)")
        data = self._data(conn, row, case_id)
        # limits were applied when the case was first read; validation still runs in full
        return case_from_data(data, f"store:{case_id}", check_limits=False), int(row.revision)

    def _attach_claims(self, conn: Connection, pk: int, case_id: str, reports: list[dict[str, Any]]) -> None:
        value, decode = _json_column(conn, claims.c.value)
        extra, decode_extra = _json_column(conn, claims.c.extra)
        q = (select(claims.c.report_pos, claims.c.object, claims.c.attribute, value, extra)
             .where(claims.c.case_pk == pk).order_by(claims.c.report_pos, claims.c.pos))
        n = len(reports)
        current_pos, current = -1, cast(list[dict[str, Any]], [])
        for rpos, obj, attr, val, ext in conn.execute(q):
            if rpos != current_pos:
                if not 0 <= rpos < n:  # only in a store damaged outside sevenfold
                    raise StoreError(f"case {case_id!r} is damaged in {redact(self.url)}: claims of a missing "
                                     f"report (position {rpos}); run `sevenfold check`")
                current_pos, current = rpos, reports[rpos].setdefault("claims", [])
            claim = {"object": obj, "attribute": attr, "value": decode(val)}
            if ext is not None:
                ext = decode_extra(ext)
                if ext:
                    claim.update(ext)
            current.append(claim)

    # ---- writes --------------------------------------------------------------------------------
    @gc_paused()
    def import_case(self, case: Case, *, replace: bool = False,
                    progress: Callable[[int], None] | None = None, actor: str | None = None) -> int:
        """Write a validated case in one transaction; returns its revision.

        With ``actor`` an audit record (``import``) is appended in the same transaction.
        """
        problems = case.reference_problems(f"case {case.id}")
        if problems:  # a Case built in code (not read from a file) may still dangle
            raise CaseValidationError(problems)

        def run(conn: Connection) -> int:
            _lock_case(conn, case.id)
            if actor is not None:
                _audit.lock_head(conn)  # serialise audited writes (PostgreSQL row lock)
            existing = conn.execute(select(cases.c.pk, cases.c.revision)
                                    .where(cases.c.case_id == case.id)).first()
            revision = _audit.last_deleted_revision(conn, case.id) + 1  # 1 unless the id was used before
            if existing is not None:
                if not replace:
                    raise InputError(f"case {case.id!r} is already in the store; use --replace to "
                                     "overwrite it (the old version is kept until the new one is complete)")
                revision = existing.revision + 1
                conn.execute(delete(cases).where(cases.c.pk == existing.pk))
                self._delete_rows(conn, existing.pk)
            new_rev = self._insert(conn, case, revision, progress)
            if actor is not None:
                _audit.append(conn, actor, "import", case.id,
                              {"revision": existing.revision} if existing is not None else None,
                              {"revision": new_rev, **_audit.case_digest(case)},
                              case_state=_audit.case_state(conn, case.id))
            return new_rev

        try:
            return self._retrying(run)
        except IntegrityError as exc:
            if self.has_case(case.id) and not replace:
                raise InputError(f"case {case.id!r} is already in the store") from None
            raise StoreError(f"cannot import case {case.id!r}: {exc.orig}") from None

    def _delete_rows(self, conn: Connection, pk: int) -> None:
        # explicit deletes: SQLite enforces ON DELETE CASCADE only with foreign_keys on, which
        # we set, but PostgreSQL and older files are handled the same way here
        conn.execute(delete(claims).where(claims.c.case_pk == pk))
        for table in entry_tables.values():
            conn.execute(delete(table).where(table.c.case_pk == pk))

    @gc_paused()
    def _insert(self, conn: Connection, case: Case, revision: int,
                progress: Callable[[int], None] | None) -> int:
        now = _now()
        meta = case.case.model_dump(mode="json", exclude_defaults=True)
        pk = conn.execute(insert(cases).values(case_id=case.id, format=case.format, title=case.case.title,
                                               meta=meta, revision=revision, created_at=now,
                                               updated_at=now).returning(cases.c.pk)).scalar_one()
        enc = _json_encoder(conn)
        for kind in ENTRY_KINDS:
            entries = getattr(case, kind)
            if entries:
                self._insert_kind(conn, pk, kind, entries, enc, progress if kind == "reports" else None)
        return revision

    def _insert_kind(self, conn: Connection, pk: int, kind: str, entries: list[Any],
                     enc: Callable[[Any], Any], progress: Callable[[int], None] | None) -> None:
        """Rows of one entry kind (and, for reports, their claims) as tuples in column order."""
        table = entry_tables[kind]
        rows: list[tuple[Any, ...]] = []
        claim_rows: list[tuple[Any, ...]] = []
        for pos, entry in enumerate(entries):
            body = entry.model_dump(mode="json", exclude_defaults=True)
            key = _entry_key(kind, entry) or f"#{pos}"
            if kind == "reports":
                # one serializer call per report, claims included (a claim's fields are all
                # required, so exclude_defaults leaves its dump whole): much cheaper than one
                # model_dump per claim
                claim_dumps = body.pop("claims", None) or []
                if len(claim_dumps) != len(entry.claims):
                    claim_dumps = [c.model_dump(mode="json") for c in entry.claims]
                source = entry.source
                for cpos, cd in enumerate(claim_dumps):
                    obj, attr, value = cd.pop("object"), cd.pop("attribute"), cd.pop("value")
                    claim_rows.append((pk, pos, cpos, source, obj, attr, enc(value), enc(cd or None)))
                rows.append((pk, pos, key, source, entry.date, enc(body)))
            elif kind == "ratings":
                rows.append((pk, pos, key, entry.report, entry.hypothesis, enc(body)))
            elif kind == "burns":
                rows.append((pk, pos, key, entry.source, enc(body)))
            else:
                rows.append((pk, pos, key, enc(body)))
            if len(rows) >= _BATCH:
                _bulk_insert(conn, table, rows)
                if progress:
                    progress(len(rows))
                rows = []
            if len(claim_rows) >= _BATCH:
                _bulk_insert(conn, claims, claim_rows)
                claim_rows = []
        if rows:
            _bulk_insert(conn, table, rows)
            if progress:
                progress(len(rows))
        if claim_rows:
            _bulk_insert(conn, claims, claim_rows)

    def delete_case(self, case_id: str, *, actor: str | None = None) -> None:
        """Delete a case (and its access grants); with ``actor`` an audit record is appended."""

        def run(conn: Connection) -> None:
            _lock_case(conn, case_id)
            if actor is not None:
                _audit.lock_head(conn)
            row = conn.execute(select(cases.c.pk, cases.c.revision).where(cases.c.case_id == case_id)).first()
            if row is None:
                raise NotFound(f"no case {case_id!r}")
            pk = row.pk
            self._delete_rows(conn, pk)
            conn.execute(delete(cases).where(cases.c.pk == pk))
            # grants must not outlive the case: a new case with the same id starts with none
            conn.execute(delete(case_grants).where(case_grants.c.case_id == case_id))
            if actor is not None:
                _audit.append(conn, actor, "delete", case_id, {"revision": row.revision}, None, case_state="",
                              accounts=True)

        self._retrying(run)

    def update_case(self, case_id: str, change: Callable[[Case], Case | None], *,
                    expected_revision: int | None = None, actor: str | None = None,
                    action: str = "update") -> tuple[Case, int]:
        """Read-modify-write a case in one transaction; ``change`` returns the new case (or edits in place).

        The result is validated (references, ids) before anything is written. With
        ``expected_revision`` a concurrent change raises :class:`Conflict` instead of being overwritten.
        With ``actor`` an audit record (``action``, default ``update``) holding only the entries that
        changed is appended in the same transaction.
        """

        def run(conn: Connection) -> tuple[Case, int]:
            _lock_case(conn, case_id)
            if actor is not None:
                _audit.lock_head(conn)  # serialise audited writes (PostgreSQL row lock)
            current, revision = self._load(conn, case_id)
            if expected_revision is not None and revision != expected_revision:
                raise Conflict(f"case {case_id!r} changed (revision {revision}, you had {expected_revision}); "
                               "reload and try again")
            candidate = current.model_copy(deep=True)
            result = change(candidate)
            new_case = result if result is not None else candidate
            # re-validate the whole case: an edit must not leave a dangling reference
            new_case = case_from_data(case_to_data(new_case), f"case {case_id}", check_case_id=False)
            if new_case.id != case_id:
                raise InputError("a case's id cannot be changed by an edit; export and import it instead")
            pk = conn.execute(select(cases.c.pk).where(cases.c.case_id == case_id)).scalar_one()
            self._delete_rows(conn, pk)
            conn.execute(delete(cases).where(cases.c.pk == pk))
            new_rev = self._insert(conn, new_case, revision + 1, None)
            if actor is not None:
                before, after = _audit.case_diff(current, new_case)
                before["revision"], after["revision"] = revision, new_rev
                _audit.append(conn, actor, action, case_id, before, after,
                              case_state=_audit.case_state(conn, case_id))
            return new_case, new_rev

        return self._retrying(run)

    # ---- per-entry writes ----------------------------------------------------------------------
    def edit_entries(self, case_id: str, reads: Mapping[str, Any], change: Callable[[Case], Case | None], *,
                     expected_revision: int | None = None, actor: str | None = None,
                     action: str = "update") -> int:
        """Edit a few entries of a case in one transaction, reading and writing only those; returns the new
        revision.

        ``reads`` (kind -> :class:`~sevenfold.store.entry_edit.Read`) names the rows the edit needs; ``change``
        gets a partial case holding the case's metadata and only those rows (every other list empty), edits it
        in place or returns a new one, as for :meth:`update_case`. The entries it added, changed or removed, and
        its metadata when changed, are written (:mod:`sevenfold.store.entry_edit`) after the checks a whole-case
        validation makes of them; the case reads back exactly as after the same change by :meth:`update_case`.
        ``expected_revision`` and ``actor`` work as in :meth:`update_case`; the audit record holds only the
        changed entries, and its state digest is the recorded one updated by the changed rows.
        """
        from sevenfold.store import entry_edit

        where = f"case {case_id}"

        def plan(conn: Connection, pk: int, head: Any) -> tuple[dict[str, Any], Any]:
            loaded = entry_edit.load_partial(conn, pk, head, reads)
            result = change(loaded.case)
            return entry_edit.diff(loaded, result if result is not None else loaded.case, where)

        return self._write_changes(case_id, plan, expected_revision=expected_revision, actor=actor, action=action)

    def write_entries(self, case_id: str, kind: str, upserts: Any = (), deletes: Any = (), *,
                      expected_revision: int | None = None, actor: str | None = None,
                      action: str = "update") -> int:
        """Add, replace or delete a few entries of one kind in one transaction, without reading the case;
        returns the new revision.

        ``upserts``: validated entry models, each replacing the entry with its key (in place: it keeps
        its position) or added after the last one; ``deletes``: keys of entries to remove (the ones after
        move up, as a whole-case write would leave them). Only the changed entries and what they refer to
        are read and checked, with the same refusals as a whole-case write (:meth:`update_case`):
        a rating's report and hypothesis must exist, a cell is rated once per analyst, entry limits.
        ``expected_revision`` and ``actor`` work as in :meth:`update_case`.
        Kinds: :data:`ENTRY_WRITE_KINDS` (reports, with their claims, go through :meth:`edit_entries`).
        """
        from sevenfold.store import entry_edit

        if kind not in ENTRY_WRITE_KINDS:
            raise InputError(f"per-entry writes of {kind}: not supported; use edit_entries")
        where = f"case {case_id}"
        ch = entry_edit.KindChange()
        for entry in upserts:
            key = _entry_key(kind, entry)
            if key in ch.put:
                raise CaseValidationError([Problem(where, kind, _entry_label(kind, entry), "report",
                                                   "duplicate rating of this report/hypothesis by this analyst")])
            ch.put[key] = entry
        ch.drop = list(dict.fromkeys(deletes))
        if set(ch.drop) & ch.put.keys():
            raise InputError(f"{where}: an entry cannot be written and deleted in one change")

        ch.audit_from_rows = True  # the audit record's entries as they were: from the rows the write reads

        def plan(conn: Connection, pk: int, head: Any) -> tuple[dict[str, Any], Any]:
            return {kind: ch}, None

        return self._write_changes(case_id, plan, expected_revision=expected_revision, actor=actor, action=action)

    def _write_changes(self, case_id: str, plan: Callable[[Connection, int, Any], tuple[dict[str, Any], Any]], *,
                       expected_revision: int | None, actor: str | None, action: str) -> int:
        """One per-entry transaction: lock, check the revision, ``plan`` the change, check it, write the rows,
        bump the revision, append the audit record with the updated state digest."""
        from sevenfold.store import entry_edit

        where = f"case {case_id}"

        def run(conn: Connection) -> int:
            _lock_case(conn, case_id)
            chain = _audit.lock_head(conn) if actor is not None else None
            row = conn.execute(_audit.head_query(conn, case_id).with_for_update()).first()
            if row is None:
                raise NotFound(f"no case {case_id!r} in {redact(self.url)} (see `sevenfold list`)")
            pk, revision = int(row.pk), int(row.revision)
            head = tuple(row)[1:]  # the case row's state cells
            if expected_revision is not None and revision != expected_revision:
                raise Conflict(f"case {case_id!r} changed (revision {revision}, you had {expected_revision}); "
                               "reload and try again")
            changes, meta = plan(conn, pk, tuple(row))
            if actor is not None and "reports" in changes:
                entry_edit.audit_claims(conn, pk, changes["reports"])
            for kind, ch in changes.items():
                entry_edit.check_bodies(where, kind, ch.put.values() if ch.tail is None else ch.tail[1])
            entry_edit.check_change(conn, pk, where, changes)
            base: str | None = None
            hashes: entry_edit.Hashes | None = None
            if actor is not None:
                base = _audit.recorded_case_state(conn, case_id, revision) or _audit.case_state(conn, case_id)
                hashes = entry_edit.Hashes(removed=[_audit.row_hash("case", head)])
            for kind in ENTRY_KINDS:  # the file's order, so that a report is written before its ratings
                if kind in changes:
                    entry_edit.write_kind(conn, pk, where, kind, changes[kind], hashes)
            if meta is not None:
                entry_edit.write_meta(conn, pk, meta)
            now = _now()
            conn.execute(update(cases).where(cases.c.pk == pk).values(revision=revision + 1, created_at=now,
                                                                       updated_at=now))
            if actor is not None and base is not None and hashes is not None:
                if meta is not None:
                    new_head = tuple(conn.execute(_audit.head_query(conn, case_id)).one())[1:]
                else:
                    new_head = (*head[:-1], revision + 1)
                hashes.added.append(_audit.row_hash("case", new_head))
                before: dict[str, Any] = {}
                after: dict[str, Any] = {}
                if meta is not None:
                    old_meta = jsontext.loads(head[3]) if isinstance(head[3], str) else head[3]
                    from sevenfold.model import CaseMeta

                    before["case"] = CaseMeta.model_validate(old_meta).model_dump(mode="json", exclude_none=True)
                    after["case"] = meta.model_dump(mode="json", exclude_none=True)
                for kind, ch in changes.items():
                    if ch.before or ch.after:
                        before[kind], after[kind] = ch.before, ch.after
                before["revision"], after["revision"] = revision, revision + 1
                _audit.append(conn, actor, action, case_id, before, after,
                              case_state=_audit.state_add(base, hashes.removed, hashes.added), head=chain)
            return revision + 1

        return cast(int, self._retrying(run))


def _entry_label(kind: str, entry: Any) -> str:
    if kind == "ratings":
        return f"{entry.report}/{entry.hypothesis}" + (f"/{entry.analyst}" if entry.analyst else "")
    return str(getattr(entry, "id", ""))
