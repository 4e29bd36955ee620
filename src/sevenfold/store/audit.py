"""The audit log: append-only, hash-chained records of every change made through the CLI or the web.

Each record's ``hash`` is the SHA-256 of the canonical JSON (sorted keys, no spaces, UTF-8) of
``[prev_hash, seq, who, at, action, case_id, before, after]``, and ``prev_hash`` is the previous
record's ``hash`` (64 zeros for the first). Records are appended in the same transaction as the
change they describe, so a change and its record are both present or both absent.

:func:`verify_chain` recomputes the chain and reports tampered, deleted, reordered and inserted
records, and a truncated tail (the ``audit_head`` row remembers the newest record). A chain kept
in the same database cannot resist someone who rewrites every record *and* the head; anchor the
head hash elsewhere (``sevenfold audit verify --json`` prints it) if that matters.

>>> from sevenfold.store import open_store           # doctest: +SKIP
>>> verify_chain(open_store("cases.db"))              # doctest: +SKIP
[]
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select, update

from sevenfold.store.tables import audit_head, audit_log

if TYPE_CHECKING:
    from sevenfold.model import Case
    from sevenfold.store.repository import Store

GENESIS_HASH = "0" * 64
_PAGE = 2_000


@dataclass(frozen=True)
class AuditRecord:
    seq: int
    prev_hash: str
    hash: str
    who: str
    at: str
    action: str
    case_id: str | None
    before: Any
    after: Any

    def to_json_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "prev_hash": self.prev_hash, "hash": self.hash, "who": self.who,
                "at": self.at, "action": self.action, "case_id": self.case_id,
                "before": self.before, "after": self.after}


@dataclass(frozen=True)
class ChainProblem:
    """One break in the chain: the record's seq (or None for the log as a whole), kind, message."""

    seq: int | None
    kind: str  # tampered | missing | reordered | inserted | truncated | bad_prev
    message: str

    def __str__(self) -> str:
        where = f"audit record {self.seq}" if self.seq is not None else "audit log"
        return f"{where}: {self.kind}: {self.message}"


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def record_hash(prev_hash: str, seq: int, who: str, at: str, action: str, case_id: str | None,
                before: Any, after: Any) -> str:
    return hashlib.sha256(canonical_json([prev_hash, seq, who, at, action, case_id, before, after])).hexdigest()


def cli_actor() -> str:
    """The actor recorded for CLI changes: ``cli:<login>``."""
    try:
        login = getpass.getuser()
    except Exception:  # no login name (containers without a passwd entry)
        login = "unknown"
    return f"cli:{login}"


def _now_text() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def lock_head(conn: Connection) -> tuple[int, str]:
    """Lock the chain head for this transaction (PostgreSQL: row lock; SQLite: the write lock)."""
    row = conn.execute(select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == 1)
                       .with_for_update()).first()
    if row is None:  # a store whose head row was removed: start again after the newest record
        last = conn.execute(select(audit_log.c.seq, audit_log.c.hash).order_by(audit_log.c.seq.desc())
                            .limit(1)).first()
        seq, digest = (last.seq, last.hash) if last else (0, GENESIS_HASH)
        conn.execute(audit_head.insert().values(id=1, seq=seq, hash=digest))
        return seq, digest
    return int(row.seq), str(row.hash)


def append(conn: Connection, who: str, action: str, case_id: str | None = None,
           before: Any = None, after: Any = None) -> AuditRecord:
    """Append one record inside the caller's transaction and return it."""
    prev_seq, prev_hash = lock_head(conn)
    seq = prev_seq + 1
    at = _now_text()
    # round-trip through JSON so what we hash is exactly what the database gives back
    before = json.loads(canonical_json(before))
    after = json.loads(canonical_json(after))
    digest = record_hash(prev_hash, seq, who, at, action, case_id, before, after)
    conn.execute(audit_log.insert().values(seq=seq, prev_hash=prev_hash, hash=digest, who=who, at=at,
                                           action=action, case_id=case_id, before=before, after=after))
    conn.execute(update(audit_head).where(audit_head.c.id == 1).values(seq=seq, hash=digest))
    return AuditRecord(seq, prev_hash, digest, who, at, action, case_id, before, after)


# ---- what a change did -------------------------------------------------------------------------
def case_digest(case: Case) -> dict[str, Any]:
    """A compact fingerprint of a whole case: sha256 of its canonical JSON and entry counts."""
    data = case.model_dump(mode="json", exclude_none=True)
    counts = {k: len(v) for k, v in data.items() if isinstance(v, list) and v}
    return {"sha256": hashlib.sha256(canonical_json(data)).hexdigest(), "counts": counts}


def _keyed(kind: str, entries: list[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for i, e in enumerate(entries):
        if kind == "ratings":
            key = f"{e.report}/{e.hypothesis}/{e.analyst or ''}"
        elif hasattr(e, "id") and kind != "aliases":
            key = e.id
        else:
            key = f"#{i}"
        out[key] = e.model_dump(mode="json", exclude_none=True)
    return out


def case_diff(old: Case, new: Case) -> tuple[dict[str, Any], dict[str, Any]]:
    """(before, after): only the entries an edit added, changed or removed, keyed by kind and key."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    old_meta, new_meta = (old.case.model_dump(mode="json", exclude_none=True),
                          new.case.model_dump(mode="json", exclude_none=True))
    if old_meta != new_meta:
        before["case"], after["case"] = old_meta, new_meta
    for kind in ("actors", "sources", "documents", "reports", "hypotheses", "ratings", "outcomes",
                 "burns", "aliases"):
        a, b = _keyed(kind, getattr(old, kind)), _keyed(kind, getattr(new, kind))
        for key in a.keys() | b.keys():
            if a.get(key) != b.get(key):
                before.setdefault(kind, {})[key] = a.get(key)
                after.setdefault(kind, {})[key] = b.get(key)
    return before, after


# ---- reading and verifying ---------------------------------------------------------------------
def _rows(conn: Connection, case_id: str | None = None) -> Iterator[AuditRecord]:
    last = 0
    while True:
        q = select(audit_log).where(audit_log.c.seq > last).order_by(audit_log.c.seq).limit(_PAGE)
        if case_id is not None:
            q = q.where(audit_log.c.case_id == case_id)
        page = conn.execute(q).all()
        if not page:
            return
        for r in page:
            yield AuditRecord(r.seq, r.prev_hash, r.hash, r.who, r.at, r.action, r.case_id, r.before, r.after)
        last = page[-1].seq


def last_deleted_revision(conn: Connection, case_id: str) -> int:
    """The revision a deleted case with this id had when it was deleted (0 if none was, as audited).

    A case imported again under that id continues from there, so (case id, revision) never names two
    different cases: a client's ``If-Match`` or ``If-None-Match`` from the deleted case cannot match the
    new one, and caches keyed on the revision stay right.
    """
    before = conn.execute(select(audit_log.c.before).where(audit_log.c.case_id == case_id,
                                                           audit_log.c.action == "delete")
                          .order_by(audit_log.c.seq.desc()).limit(1)).scalar()
    if isinstance(before, str):  # a JSON column read back as text on some backends
        before = json.loads(before)
    return int(before.get("revision", 0)) if isinstance(before, dict) else 0


def records(store: Store, case_id: str | None = None, limit: int | None = None, *,
            current_case_only: bool = False) -> list[AuditRecord]:
    """Audit records, oldest first (of one case when ``case_id`` is given; the newest ``limit``).

    ``current_case_only`` (with ``case_id``) leaves out the records of earlier cases that had the same id
    and were deleted: everything up to and including the newest ``delete`` record. The web API reads a
    case's history this way, so whoever imports a case under a freed id does not read the deleted case's
    history. ``sevenfold audit log --case`` shows everything.
    """
    with store.engine.connect() as conn:
        after = 0
        if current_case_only and case_id is not None:
            after = conn.execute(select(audit_log.c.seq).where(audit_log.c.case_id == case_id,
                                                                audit_log.c.action == "delete")
                                 .order_by(audit_log.c.seq.desc()).limit(1)).scalar() or 0
        if limit is not None or after:
            q = select(audit_log).where(audit_log.c.seq > after).order_by(audit_log.c.seq.desc())
            if limit is not None:
                q = q.limit(limit)
            if case_id is not None:
                q = q.where(audit_log.c.case_id == case_id)
            rows = list(reversed(conn.execute(q).all()))
            return [AuditRecord(r.seq, r.prev_hash, r.hash, r.who, r.at, r.action, r.case_id, r.before, r.after)
                    for r in rows]
        return list(_rows(conn, case_id))


def head(store: Store) -> tuple[int, str]:
    """(seq, hash) of the newest record as the head row remembers it."""
    with store.engine.connect() as conn:
        row = conn.execute(select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == 1)).first()
    return (int(row.seq), str(row.hash)) if row else (0, GENESIS_HASH)


def verify_chain(store: Store) -> list[ChainProblem]:
    """Every break in the audit chain; an empty list means the log is intact.

    Detects: a record whose content no longer matches its hash (tampered), a gap in ``seq``
    (deleted), a record whose ``prev_hash`` is not its predecessor's hash (reordered or inserted),
    and a head that does not match the newest record (tail truncated or appended outside sevenfold).
    """
    problems: list[ChainProblem] = []
    expected_prev = GENESIS_HASH
    expected_seq = 1
    last_seq, last_hash = 0, GENESIS_HASH
    with store.engine.connect() as conn:
        with conn.begin():
            head_row = conn.execute(select(audit_head.c.seq, audit_head.c.hash)
                                    .where(audit_head.c.id == 1)).first()
            for rec in _rows(conn):
                if rec.seq != expected_seq:
                    if rec.seq > expected_seq:
                        missing = (f"record {expected_seq}" if rec.seq == expected_seq + 1
                                   else f"records {expected_seq}-{rec.seq - 1}")
                        problems.append(ChainProblem(rec.seq, "missing", f"{missing} deleted before this one"))
                    else:
                        problems.append(ChainProblem(rec.seq, "reordered", f"seq {rec.seq} out of order"))
                recomputed = record_hash(rec.prev_hash, rec.seq, rec.who, rec.at, rec.action, rec.case_id,
                                         rec.before, rec.after)
                if recomputed != rec.hash:
                    problems.append(ChainProblem(rec.seq, "tampered",
                                                 f"content does not match its hash ({rec.action} "
                                                 f"{rec.case_id or ''} by {rec.who} at {rec.at})"))
                if rec.prev_hash != expected_prev:
                    problems.append(ChainProblem(rec.seq, "bad_prev",
                                                 "prev_hash is not the previous record's hash "
                                                 "(a record was inserted, deleted or moved here)"))
                expected_prev = rec.hash
                expected_seq = rec.seq + 1
                last_seq, last_hash = rec.seq, rec.hash
    if head_row is None:
        problems.append(ChainProblem(None, "truncated", "the audit head row is missing"))
    elif (int(head_row.seq), str(head_row.hash)) != (last_seq, last_hash):
        problems.append(ChainProblem(None, "truncated",
                                     f"the head says the newest record is {head_row.seq} "
                                     f"({str(head_row.hash)[:12]}…) but the log ends at {last_seq} "
                                     f"({last_hash[:12]}…): records were removed from the end or "
                                     "added without sevenfold"))
    return problems
