"""The audit log: append-only, hash-chained records of every change made through the CLI or the web.

Each record's ``hash`` is the SHA-256 of the canonical JSON (sorted keys, no spaces, UTF-8) of
``[prev_hash, seq, who, at, action, case_id, before, after]`` (with ``state`` appended when the
record has one), and ``prev_hash`` is the previous
record's ``hash`` (64 zeros for the first). Records are appended in the same transaction as the
change they describe, so a change and its record are both present or both absent.

:func:`verify_chain` recomputes the chain and reports tampered, deleted, reordered and inserted
records, and a truncated tail (the ``audit_head`` row remembers the newest record). A chain kept
in the same database cannot resist someone who rewrites every record *and* the head: keep the
head elsewhere (``sevenfold audit head``) and verify against it (``audit verify --head``).

State is bound to the chain: every record of a case change carries, in ``state.case``, the case's
state digest after the change (:func:`case_state`: a sum of SHA-256 hashes of its rows, so a write of
one entry updates it from the rows it changed), and every change to
accounts carries in ``state.accounts`` the accounts digests after it (users, API tokens, grants).
A record's ``state`` is part of what its hash covers.
:func:`verify_chain` recomputes both from the tables and compares them with the newest record, so
a rating, a grant or an admin flag changed in the database behind sevenfold's back is found.

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

from sqlalchemy import JSON, Connection, Text, cast, select, type_coerce, update

from sevenfold.store.tables import api_tokens, audit_head, audit_log, case_grants, cases, users

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
    #: state digests after the change: ``{"case": sha256}`` and/or ``{"accounts": {...}}`` (None before 0005)
    state: Any = None

    def to_json_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "prev_hash": self.prev_hash, "hash": self.hash, "who": self.who,
                "at": self.at, "action": self.action, "case_id": self.case_id,
                "before": self.before, "after": self.after, "state": self.state}


@dataclass(frozen=True)
class ChainProblem:
    """One break in the chain: the record's seq (or None for the log as a whole), kind, message."""

    seq: int | None
    kind: str  # tampered | missing | reordered | inserted | truncated | bad_prev | rewritten | state
    message: str

    def __str__(self) -> str:
        where = f"audit record {self.seq}" if self.seq is not None else "audit log"
        return f"{where}: {self.kind}: {self.message}"


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def record_hash(prev_hash: str, seq: int, who: str, at: str, action: str, case_id: str | None,
                before: Any, after: Any, state: Any = None) -> str:
    """SHA-256 of the record's canonical JSON; ``state``, when the record has one, is hashed too."""
    fields = [prev_hash, seq, who, at, action, case_id, before, after]
    if state is not None:
        fields.append(state)
    return hashlib.sha256(canonical_json(fields)).hexdigest()


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
           before: Any = None, after: Any = None, *, case_state: str | None = None,
           accounts: bool = False, head: tuple[int, str] | None = None) -> AuditRecord:
    """Append one record inside the caller's transaction and return it.

    ``case_state``: the changed case's state digest after the change (:func:`case_state`), or ""
    when the change deleted it. ``accounts``: the change touched users, API tokens or grants; the
    record then carries the accounts digest as it is after the change (:func:`accounts_state`).
    ``head``: what :func:`lock_head` returned earlier in this transaction (the head stays locked).
    """
    prev_seq, prev_hash = head if head is not None else lock_head(conn)
    state: dict[str, Any] | None = None
    if case_state is not None or accounts:
        state = {}
        if case_state is not None:
            state["case"] = case_state or None
        if accounts:
            state["accounts"] = accounts_state(conn)
    seq = prev_seq + 1
    at = _now_text()
    # round-trip through JSON so what we hash is exactly what the database gives back
    before = json.loads(canonical_json(before))
    after = json.loads(canonical_json(after))
    digest = record_hash(prev_hash, seq, who, at, action, case_id, before, after, state)
    conn.execute(audit_log.insert().values(seq=seq, prev_hash=prev_hash, hash=digest, who=who, at=at,
                                           action=action, case_id=case_id, before=before, after=after,
                                           state=state))
    conn.execute(update(audit_head).where(audit_head.c.id == 1).values(seq=seq, hash=digest))
    return AuditRecord(seq, prev_hash, digest, who, at, action, case_id, before, after, state)


# ---- what a change did -------------------------------------------------------------------------
def case_digest(case: Case) -> dict[str, Any]:
    """A compact fingerprint of a whole case: sha256 of its canonical JSON and entry counts."""
    data = case.model_dump(mode="json", exclude_none=True)
    counts = {k: len(v) for k, v in data.items() if isinstance(v, list) and v}
    return {"sha256": hashlib.sha256(canonical_json(data)).hexdigest(), "counts": counts}


#: the prefix of a case state digest in the multiset format (:func:`case_state`); a digest without it is
#: the older sequential format (:func:`case_state_sequential`), still verified as such
STATE_FORMAT = "m1:"
_MOD = 1 << 256


def _text_of(conn: Connection, column: Any) -> Any:
    """A JSON column as its stored text, not the decoded value."""
    return type_coerce(column, Text) if conn.dialect.name == "sqlite" else cast(column, Text)


def state_cells(conn: Connection, table: Any) -> list[Any]:
    """The columns of a case row's state: every column but ``case_pk``, JSON cells as stored text."""
    return [_text_of(conn, c) if isinstance(c.type, JSON) else c for c in table.columns if c.name != "case_pk"]


def head_query(conn: Connection, case_id: str) -> Any:
    """The case row as its state digest sees it: pk, then id, format, title, metadata text, revision."""
    return select(cases.c.pk, cases.c.case_id, cases.c.format, cases.c.title, _text_of(conn, cases.c.meta),
                  cases.c.revision).where(cases.c.case_id == case_id)


def row_hash(kind: str, row: Any) -> int:
    """One row's contribution to a case's state digest: SHA-256 of its kind and its cells, as an integer.

    ``kind``: the entry kind, ``claims``, or ``case`` for the case row; ``row``: the cells of
    :func:`state_cells` (for the case row: id, format, title, metadata, revision), in column order.
    """
    text = f"{kind}\n{tuple(row)!r}".encode("utf-8", "surrogatepass")  # repr: unambiguous, one C call
    return int.from_bytes(hashlib.sha256(text).digest(), "big")


def state_text(total: int) -> str:
    return f"{STATE_FORMAT}{total % _MOD:064x}"


def state_add(state: str, removed: Any = (), added: Any = ()) -> str:
    """A multiset state digest with the row hashes ``removed`` taken out and ``added`` put in."""
    if not state.startswith(STATE_FORMAT):
        raise ValueError(f"not a multiset state digest: {state[:12]!r}")
    return state_text(int(state[len(STATE_FORMAT):], 16) - sum(removed) + sum(added))


def case_state(conn: Connection, case_id: str) -> str | None:
    """The state digest of a stored case: ``m1:`` and the sum, modulo 2**256, of the SHA-256 of each of
    its rows as the database holds them (the case row's id, format, title, metadata and revision; every
    entry row with its position and key; every claim), JSON cells as their stored text (:func:`row_hash`).

    A sum of row hashes (a multiset hash) does not depend on the order rows are read in, and a write of
    a few entries updates it from the rows it changed (:func:`state_add`) without reading the rest;
    recomputing it from every row, as ``audit verify`` and ``check`` do, gives the same value.
    Computed from the rows, not from the case model, so it means the same thing to every version of
    sevenfold and on every backend, and a backup restored elsewhere keeps its digests. None: no such case.
    """
    from sevenfold.store.tables import claims, entry_tables

    head = conn.execute(head_query(conn, case_id)).first()
    if head is None:
        return None
    total = row_hash("case", tuple(head)[1:])
    parts: list[tuple[str, Any]] = [*entry_tables.items(), ("claims", claims)]
    for kind, table in parts:
        for r in conn.execute(select(*state_cells(conn, table)).where(table.c.case_pk == head.pk)):
            total += row_hash(kind, r)
    return state_text(total)


def case_state_sequential(conn: Connection, case_id: str) -> str | None:
    """The older state digest format (no prefix): one SHA-256 over the same rows, read in key order."""
    from sevenfold.store.tables import claims, entry_tables

    head = conn.execute(head_query(conn, case_id)).first()
    if head is None:
        return None
    h = hashlib.sha256(repr(tuple(head)[1:]).encode("utf-8"))
    parts = [(kind, table, [table.c.pos]) for kind, table in entry_tables.items()]
    parts.append(("claims", claims, [claims.c.report_pos, claims.c.pos]))
    for kind, table, order in parts:
        h.update(f"\n{kind}".encode())
        rows = conn.execute(select(*state_cells(conn, table)).where(table.c.case_pk == head.pk).order_by(*order))
        for r in rows:
            h.update(repr(tuple(r)).encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def case_state_like(conn: Connection, case_id: str, recorded: str) -> str | None:
    """The case's state digest now, in the format of the digest ``recorded`` (multiset or sequential)."""
    if recorded.startswith(STATE_FORMAT):
        return case_state(conn, case_id)
    return case_state_sequential(conn, case_id)


def recorded_case_state(conn: Connection, case_id: str, revision: int) -> str | None:
    """The multiset state digest the audit log last recorded for the case (the newest of its records
    that records the case's state, as :func:`verify_chain` reads them), if that record is of this
    revision; None otherwise (written without an actor, before multiset digests, or deleted)."""
    last = None
    for size in (1, 20, 20, 20):  # records without the case's state (grants) are few; past those, recompute
        q = (select(audit_log.c.seq, audit_log.c.action, audit_log.c.after, audit_log.c.state)
             .where(audit_log.c.case_id == case_id).order_by(audit_log.c.seq.desc()).limit(size))
        if last is not None:
            q = q.where(audit_log.c.seq < last)
        page = conn.execute(q).all()
        for rec in page:
            after = json.loads(rec.after) if isinstance(rec.after, str) else rec.after
            state = json.loads(rec.state) if isinstance(rec.state, str) else rec.state
            after = after if isinstance(after, dict) else {}
            state = state if isinstance(state, dict) else {}
            if rec.action == "delete":
                return None
            if "case" in state or rec.action in _CASE_WRITES or "revision" in after:
                recorded = state.get("case")
                if after.get("revision") != revision or not isinstance(recorded, str):
                    return None
                return recorded if recorded.startswith(STATE_FORMAT) else None
        if len(page) < size:
            return None
        last = page[-1].seq
    return None


def _digest_rows(rows: Any) -> str:
    h = hashlib.sha256()
    for row in rows:
        h.update(canonical_json([v if isinstance(v, str | int | None) else bool(v) for v in row]) + b"\n")
    return h.hexdigest()


def accounts_state(conn: Connection) -> dict[str, str]:
    """Digests of the accounts as they are now: users (name, password hash, admin flag, session
    epoch), API tokens (user, token hash) and grants (case, user, role), each in key order."""
    return {
        "users": _digest_rows(conn.execute(
            select(users.c.name, users.c.password_hash, users.c.is_admin, users.c.session_epoch)
            .order_by(users.c.name))),
        "tokens": _digest_rows(conn.execute(
            select(users.c.name, api_tokens.c.token_hash).join(users, users.c.pk == api_tokens.c.user_pk)
            .order_by(api_tokens.c.token_hash))),
        "grants": _digest_rows(conn.execute(
            select(case_grants.c.case_id, users.c.name, case_grants.c.role)
            .join(users, users.c.pk == case_grants.c.user_pk).order_by(case_grants.c.case_id, users.c.name))),
    }


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
            yield AuditRecord(r.seq, r.prev_hash, r.hash, r.who, r.at, r.action, r.case_id, r.before, r.after,
                              r.state)
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
            return [AuditRecord(r.seq, r.prev_hash, r.hash, r.who, r.at, r.action, r.case_id, r.before, r.after,
                                r.state) for r in rows]
        return list(_rows(conn, case_id))


def head(store: Store) -> tuple[int, str]:
    """(seq, hash) of the newest record as the head row remembers it."""
    with store.engine.connect() as conn:
        row = conn.execute(select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == 1)).first()
    return (int(row.seq), str(row.hash)) if row else (0, GENESIS_HASH)


def parse_head(text: str) -> tuple[int | None, str]:
    """``SEQ:HASH`` (as :func:`head` is printed by ``sevenfold audit head``) or a bare ``HASH``."""
    seq_text, _, digest = text.strip().rpartition(":")
    digest = digest.lower()
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest) or (seq_text and not seq_text.isdigit()):
        from sevenfold.errors import InputError

        raise InputError(f"--head {text!r}: expected SEQ:HASH as printed by `sevenfold audit head` "
                         "(or the 64-hex-digit hash alone)")
    return (int(seq_text) if seq_text else None), digest


# the record actions that write a whole case (their ``after`` holds the case's revision and state)
_CASE_WRITES = ("import", "delete")


@dataclass
class _Seen:
    """What the chain says a case or the accounts should be now."""

    seq: int
    action: str
    state: str | None  # None: deleted (cases) or not recorded (a record from before state digests)
    revision: int | None


def _note_state(rec: AuditRecord, case_states: dict[str, _Seen], accounts: list[tuple[int, dict[str, str]]]) -> None:
    after = rec.after if isinstance(rec.after, dict) else {}
    recorded = rec.state if isinstance(rec.state, dict) else {}
    if isinstance(recorded.get("accounts"), dict):
        accounts[:] = [(rec.seq, recorded["accounts"])]
    if rec.case_id is None:
        return
    if rec.action == "delete":
        case_states[rec.case_id] = _Seen(rec.seq, "delete", None, None)
    elif "case" in recorded or rec.action in _CASE_WRITES or "revision" in after:
        state = recorded.get("case")  # None in records written before state digests
        rev = after.get("revision")
        case_states[rec.case_id] = _Seen(rec.seq, rec.action, state if isinstance(state, str) else None,
                                         rev if isinstance(rev, int) else None)


def _state_problems(store: Store, conn: Connection, case_states: dict[str, _Seen],
                    accounts: list[tuple[int, dict[str, str]]]) -> list[ChainProblem]:
    """The stored cases and accounts compared with the newest state the chain recorded for each."""
    problems: list[ChainProblem] = []
    stored = dict(conn.execute(select(cases.c.case_id, cases.c.revision)).all())
    for case_id, revision in sorted(stored.items()):
        seen = case_states.get(case_id)
        if seen is None:
            continue  # written without an actor (library use): nothing to compare with
        if seen.action == "delete":
            problems.append(ChainProblem(seen.seq, "state", f"case {case_id!r} is in the store, but the audit "
                                         "log's newest record of it deletes it: it was put back without sevenfold"))
            continue
        if seen.revision is not None and seen.revision != revision:
            problems.append(ChainProblem(seen.seq, "state", f"case {case_id!r} is at revision {revision}, but the "
                                         f"audit log's newest record of it says revision {seen.revision}: "
                                         "changed without an audit record"))
            continue
        if seen.state is None:
            continue  # last written before state digests were recorded
        if case_state_like(conn, case_id, seen.state) != seen.state:
            problems.append(ChainProblem(seen.seq, "state", f"case {case_id!r} differs from the state recorded "
                                         f"by audit record {seen.seq} ({seen.action}): its rows were changed "
                                         "in the database without sevenfold"))
    for case_id, seen in sorted(case_states.items()):
        if case_id not in stored and seen.action != "delete":
            problems.append(ChainProblem(seen.seq, "state", f"case {case_id!r} is missing from the store, but "
                                         f"the audit log's newest record of it ({seen.action}) does not delete it"))
    if accounts:
        seq, recorded = accounts[0]
        now = accounts_state(conn)
        changed = [part for part in ("users", "tokens", "grants") if recorded.get(part) != now[part]]
        if changed:
            problems.append(ChainProblem(seq, "state", f"the accounts ({', '.join(changed)}) differ from the state "
                                         f"recorded by audit record {seq}: changed in the database without "
                                         "sevenfold"))
    return problems


def verify_chain(store: Store, *, expected_head: str | None = None, states: bool = True) -> list[ChainProblem]:
    """Every break in the audit chain; an empty list means the log is intact.

    Detects: a record whose content no longer matches its hash (tampered), a gap in ``seq``
    (deleted), a record whose ``prev_hash`` is not its predecessor's hash (reordered or inserted),
    and a head that does not match the newest record (tail truncated or appended outside sevenfold).
    ``states``: each stored case and the accounts are compared with the newest state digest the
    chain recorded for them (kind ``state``). ``expected_head`` (``SEQ:HASH`` or ``HASH``, kept
    elsewhere): the chain must still hold that record, at that seq.
    """
    problems: list[ChainProblem] = []
    expected_prev = GENESIS_HASH
    expected_seq = 1
    last_seq, last_hash = 0, GENESIS_HASH
    kept = parse_head(expected_head) if expected_head else None
    kept_found = False
    case_states: dict[str, _Seen] = {}
    accounts: list[tuple[int, dict[str, str]]] = []
    with store.engine.connect() as conn:
        if store.dialect == "postgresql":  # one snapshot for the chain and the state it is compared with
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
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
                                         rec.before, rec.after, rec.state)
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
                if kept is not None and rec.hash == kept[1] and kept[0] in (None, rec.seq):
                    kept_found = True
                if states:
                    _note_state(rec, case_states, accounts)
            if states:
                problems.extend(_state_problems(store, conn, case_states, accounts))
    if kept is not None and not kept_found:
        where = f"record {kept[0]} " if kept[0] is not None else "a record "
        problems.append(ChainProblem(kept[0], "rewritten",
                                     f"the head kept elsewhere names {where}with hash {kept[1][:12]}…, which "
                                     f"the log (ending at {last_seq}) does not hold: its tail was truncated "
                                     "or rewritten"))
    if head_row is None:
        problems.append(ChainProblem(None, "truncated", "the audit head row is missing"))
    elif (int(head_row.seq), str(head_row.hash)) != (last_seq, last_hash):
        problems.append(ChainProblem(None, "truncated",
                                     f"the head says the newest record is {head_row.seq} "
                                     f"({str(head_row.hash)[:12]}…) but the log ends at {last_seq} "
                                     f"({last_hash[:12]}…): records were removed from the end or "
                                     "added without sevenfold"))
    return problems
