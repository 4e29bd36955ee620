"""Per-entry edits of a stored case: read only the rows an edit needs, apply it, write only what it changed.

:meth:`Store.edit_entries <sevenfold.store.repository.Store.edit_entries>` reads the case's metadata and the
rows named by a :class:`Read` per entry kind into a *partial* case (the other kinds are empty lists), runs the
edit on it, and compares each read entry with what the edit left: entries it added, changed or removed are
written, in one transaction, with the same refusals as a whole-case validation (:func:`check_change`), the
same positions as a whole-case rewrite would give them (a replaced entry keeps its place, an added one goes
after the last, the ones after a removed one move up), an audit record holding only those entries, and the
case's ``m1:`` state digest updated from the rows that changed (:mod:`sevenfold.store.audit`).
:meth:`Store.write_entries` writes given entries without reading (a rating).
"""

from __future__ import annotations

import re
import types
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Connection, bindparam, delete, func, literal, or_, select, union_all, update

from sevenfold.errors import CaseValidationError, InputError, LimitExceeded, NotFound, Problem
from sevenfold.store import audit as _audit
from sevenfold.store import jsontext
from sevenfold.store.tables import cases, claims, entry_tables

#: kinds named by position (``#0``, ``#1``, ...), not by a key of their own
POSITIONAL = ("outcomes", "aliases")
#: which kinds may point at an entry of a kind (what a delete must look at)
REFERRERS: dict[str, tuple[str, ...]] = {
    "actors": ("sources", "hypotheses", "burns"),
    "sources": ("reports", "burns"),
    "documents": ("reports",),
    "reports": ("reports", "ratings", "outcomes"),
    "hypotheses": ("hypotheses", "ratings", "outcomes"),
}
_STORED = {"stored": True}  # validation context of stored data (see sevenfold.model.entries._id_text)
_SIMPLE_KEY = re.compile(r"[A-Za-z0-9_.:\-]+")  # written as is inside JSON text: a LIKE finds it


@dataclass(frozen=True)
class Read:
    """The rows of one entry kind an edit reads: every row (``where`` None) or those whose column (``key``,
    or an indexed column such as ``report_id``) holds one of the given values (any column matching);
    ``claims``: for reports, read their claims too (True: of every report read; or the keys of some)."""

    where: Mapping[str, Collection[str]] | None = None
    claims: bool | Collection[str] = True
    #: also the rows whose stored JSON holds one of these ids as a string (a superset of the entries that
    #: point at them: the edit looks at each); an id LIKE cannot find reliably reads every row instead
    mentions: Collection[str] = ()


@dataclass
class KindChange:
    """What one edit writes of one entry kind."""

    put: dict[str, Any] = field(default_factory=dict)  # key -> entry: replaced in place, or added at the end
    new: set[str] = field(default_factory=set)  # keys of ``put`` that must not exist yet
    old: set[str] = field(default_factory=set)  # keys of ``put`` that must exist
    drop: list[str] = field(default_factory=list)
    with_claims: set[str] = field(default_factory=set)  # reports whose claims are (re)written
    tail: tuple[int, list[Any]] | None = None  # positional kinds: rows from this position are rewritten
    before: dict[str, Any] = field(default_factory=dict)  # audit: key -> the entry as it was (None: new)
    after: dict[str, Any] = field(default_factory=dict)
    audit_from_rows: bool = False  # fill before/after from the stored rows the write reads (nothing was read)


def entry_key(kind: str, entry: Any) -> str:
    if kind == "ratings":
        return f"{entry.report}/{entry.hypothesis}/{entry.analyst or ''}"
    return str(entry.id)


def entry_label(kind: str, entry: Any) -> str:
    if kind == "ratings":
        return f"{entry.report}/{entry.hypothesis}" + (f"/{entry.analyst}" if entry.analyst else "")
    return str(getattr(entry, "id", ""))


def _model(kind: str) -> Any:
    from sevenfold import model

    return {"actors": model.Actor, "sources": model.Source, "documents": model.Document, "reports": model.Report,
            "hypotheses": model.Hypothesis, "ratings": model.Rating, "outcomes": model.Outcome,
            "burns": model.Burn, "aliases": model.AliasEntry}[kind]


def audit_dump(kind: str, entry: Any, with_claims: bool = True) -> dict[str, Any]:
    """An entry as :func:`~sevenfold.store.audit.case_diff` records it (a report read without its claims
    leaves them out)."""
    data = cast(dict[str, Any], entry.model_dump(mode="json", exclude_none=True))
    if kind == "reports" and not with_claims:
        data.pop("claims", None)
    return data


def _snapshot(entry: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """What an entry holds now, cheaply: its fields (lists copied, so an in-place append shows) and extras."""
    return ({k: (list(v) if isinstance(v, list) else v) for k, v in entry.__dict__.items()},
            dict(entry.__pydantic_extra__ or {}))


# ---- reading ----------------------------------------------------------------------------------------
@dataclass
class Loaded:
    """A partial case as read for an edit, and what is needed to see what the edit changed."""

    case: Any
    meta: Any
    read: dict[str, list[tuple[str, Any, Any, Any]]]  # kind -> [(key, entry, snapshot, stored data)], in order
    claims_read: set[str]  # reports read with their claims


def load_partial(conn: Connection, pk: int, head: Any, reads: Mapping[str, Read]) -> Loaded:
    from sevenfold.model import CaseMeta
    from sevenfold.store.repository import _json_column

    meta_text = head[4]
    meta_data = jsontext.loads(meta_text) if isinstance(meta_text, str) else meta_text
    meta = CaseMeta.model_validate(meta_data, context=_STORED)
    lists: dict[str, list[Any]] = {}
    read: dict[str, list[tuple[str, Any, Any, Any]]] = {}
    claims_read: set[str] = set()
    for kind, spec in reads.items():
        table = entry_tables[kind]
        body, decode = _json_column(conn, table.c.body)
        q = select(table.c.pos, table.c.key, body).where(table.c.case_pk == pk)
        if spec.where is not None:
            conds: list[Any] = [table.c[col].in_(list(values)) for col, values in spec.where.items() if values]
            if spec.mentions and all(_SIMPLE_KEY.fullmatch(k) for k in spec.mentions):
                text = _audit._text_of(conn, table.c.body)
                conds += [text.like(f'%"{k}"%') for k in spec.mentions]
            elif spec.mentions:
                conds = [literal(True)]
            rows: Sequence[Any] = conn.execute(q.where(or_(*conds)).order_by(table.c.pos)).all() if conds else []
        else:
            rows = conn.execute(q.order_by(table.c.pos)).all()
        model = _model(kind)
        datas = [(int(pos), key, decode(b)) for pos, key, b in rows]
        if kind == "reports" and spec.claims:
            wanted = {key for _, key, _ in datas} if spec.claims is True else set(spec.claims)
            by_pos = {pos: data for pos, key, data in datas if key in wanted}
            if by_pos:
                _attach_claims(conn, pk, by_pos)
            claims_read |= {key for _, key, _ in datas if key in wanted}
        entries = [(key, model.model_validate(data, context=_STORED), data) for _, key, data in datas]
        lists[kind] = [e for _, e, _ in entries]
        read[kind] = [(key, e, _snapshot(e), data) for key, e, data in entries]
    case = _case(head[2], meta, lists)
    return Loaded(case, meta, read, claims_read)


def _attach_claims(conn: Connection, pk: int, reports: dict[int, dict[str, Any]]) -> None:
    from sevenfold.store.repository import _json_column

    value, decode = _json_column(conn, claims.c.value)
    extra, decode_extra = _json_column(conn, claims.c.extra)
    q = (select(claims.c.report_pos, claims.c.object, claims.c.attribute, value, extra)
         .where(claims.c.case_pk == pk, claims.c.report_pos.in_(list(reports)))
         .order_by(claims.c.report_pos, claims.c.pos))
    for rpos, obj, attr, val, ext in conn.execute(q):
        claim = {"object": obj, "attribute": attr, "value": decode(val)}
        if ext is not None:
            ext = decode_extra(ext)
            if ext:
                claim.update(ext)
        reports[rpos].setdefault("claims", []).append(claim)


# ---- what an edit changed ---------------------------------------------------------------------------
def diff(loaded: Loaded, result: Any, where: str) -> tuple[dict[str, KindChange], Any]:
    """The entries the edit changed, per kind, and the new case metadata (None: unchanged)."""
    changes: dict[str, KindChange] = {}
    for kind, before in loaded.read.items():
        after = list(getattr(result, kind))
        if kind in POSITIONAL:
            change = _diff_positional(kind, before, after)
        else:
            change = _diff_keyed(kind, before, after, loaded.claims_read, where)
        if change is not None:
            changes[kind] = change
    for name in type(result).model_fields:  # kinds the edit was not given must stay as read (empty)
        if name not in loaded.read and name not in ("format", "case") and getattr(result, name):
            raise InputError(f"{where}: this edit changed {name}, which it did not read")
    meta = result.case if result.case != loaded.meta else None
    if meta is not None and meta.id != loaded.meta.id:
        raise InputError("a case's id cannot be changed by an edit; export and import it instead")
    return changes, meta


def _was(kind: str, data: Any) -> Any:
    """An entry as it was read (the edit may have changed the object read in place)."""
    return _model(kind).model_validate(data, context=_STORED)


def _diff_keyed(kind: str, before: list[tuple[str, Any, Any, Any]], after: list[Any], claims_read: set[str],
                where: str) -> KindChange | None:
    old = {key: (entry, snap, data) for key, entry, snap, data in before}
    after_keys = [entry_key(kind, e) for e in after]
    if len(set(after_keys)) != len(after_keys):
        twice = next(k for i, k in enumerate(after_keys) if k in after_keys[:i])
        entry = after[after_keys.index(twice)]
        if kind == "ratings":
            message = "duplicate rating of this report/hypothesis by this analyst"
            raise CaseValidationError([Problem(where, kind, entry_label(kind, entry), "report", message)])
        raise CaseValidationError([Problem(where, kind, twice, "id", f"duplicate id {twice!r} (2 entries)")])
    kept = set(after_keys)
    survivors = [k for k in after_keys if k in old]
    added = [k for k in after_keys if k not in old]
    if after_keys != survivors + added or survivors != [b[0] for b in before if b[0] in kept]:
        raise InputError(f"{where}: an edit may not reorder {kind}, and adds them after the last one")
    change = KindChange()
    for key, entry in zip(after_keys, after, strict=True):
        if key not in old:
            change.put[key] = entry
            change.new.add(key)
            change.before[key], change.after[key] = None, audit_dump(kind, entry)
            if kind == "reports":
                change.with_claims.add(key)
            continue
        was, snap, data = old[key]
        if entry is was and _snapshot(entry) == snap:
            continue
        was = _was(kind, data)
        with_claims = kind != "reports" or key in claims_read
        if not with_claims and (entry.claims or entry.source != was.source):
            raise InputError(f"{where}: report {key!r} was read without its claims: its claims and source "
                             "cannot change in this edit")
        was_dump, now_dump = audit_dump(kind, was, with_claims), audit_dump(kind, entry, with_claims)
        if was_dump == now_dump:
            continue
        change.put[key] = entry
        change.old.add(key)
        change.before[key], change.after[key] = was_dump, now_dump
        if kind == "reports" and with_claims and (entry.claims != was.claims or entry.source != was.source):
            change.with_claims.add(key)  # its claim rows are written again (they carry the report's source)
    for key, _, _, data in before:
        if key not in kept:
            change.drop.append(key)
            change.before[key] = audit_dump(kind, _was(kind, data), kind != "reports" or key in claims_read)
            change.after[key] = None
    return change if (change.put or change.drop) else None


def _diff_positional(kind: str, before: list[tuple[str, Any, Any, Any]], after: list[Any]) -> KindChange | None:
    """Positional kinds are read whole: the rows from the first one that differs are rewritten."""
    first = None
    for i in range(max(len(before), len(after))):
        if i >= len(before) or i >= len(after):
            first = i
            break
        _, was, snap, data = before[i]
        changed = after[i] is not was or _snapshot(after[i]) != snap
        if changed and audit_dump(kind, after[i]) != audit_dump(kind, _was(kind, data)):
            first = i
            break
    if first is None:
        return None
    change = KindChange(tail=(first, after[first:]))
    for i in range(first, max(len(before), len(after))):
        was = audit_dump(kind, _was(kind, before[i][3])) if i < len(before) else None
        now = audit_dump(kind, after[i]) if i < len(after) else None
        if was != now:
            change.before[f"#{i}"], change.after[f"#{i}"] = was, now
    return change


def audit_claims(conn: Connection, pk: int, ch: KindChange) -> None:
    """Reports changed without their claims being read: their audit record shows their claims too (unchanged),
    as a whole-case change records them. Read before the write (positions may move)."""
    from sevenfold.model import Claim

    keys = [k for k in ch.old if k not in ch.with_claims and "claims" not in (ch.before.get(k) or {})]
    if not keys:
        return
    table = entry_tables["reports"]
    pos_of = {key: int(pos) for key, pos in conn.execute(select(table.c.key, table.c.pos).where(
        table.c.case_pk == pk, table.c.key.in_(keys)))}
    data: dict[int, dict[str, Any]] = {pos: {} for pos in pos_of.values()}
    _attach_claims(conn, pk, data)
    for key, pos in pos_of.items():
        listed = [Claim.model_validate(c).model_dump(mode="json", exclude_none=True)
                  for c in data[pos].get("claims", [])]
        for dump in (ch.before.get(key), ch.after.get(key)):
            if isinstance(dump, dict):
                dump["claims"] = listed


# ---- checks -------------------------------------------------------------------------------------------
def _targets(kind: str, e: Any) -> Iterator[tuple[str, str]]:
    """(kind, key) of every entry ``e`` points at."""
    if kind == "sources":
        if e.controlled_by is not None:
            yield "actors", e.controlled_by
        if e.suspected_control is not None:
            yield "actors", e.suspected_control.by
    elif kind == "reports":
        yield "sources", e.source
        for s in (e.origin, *e.via):
            if s is not None:
                yield "sources", s
        for d in (e.document, e.cited_in):
            if d is not None:
                yield "documents", d
        for r in (*e.derived_from, *e.synthesis_of):
            yield "reports", r
    elif kind == "hypotheses":
        if e.deception_by is not None:
            yield "actors", e.deception_by
        for m in e.mimics:
            yield "hypotheses", m
    elif kind in ("ratings", "outcomes"):
        if e.report is not None:
            yield "reports", e.report
        if e.hypothesis is not None:
            yield "hypotheses", e.hypothesis
    elif kind == "burns":
        yield "sources", e.source
        if e.actor is not None:
            yield "actors", e.actor


_STUB_FIELDS = {"controlled_by": None, "suspected_control": None, "source": "", "origin": None, "document": None,
                "cited_in": None, "deception_by": None}


def _stub(kind: str, key: str, **fields: Any) -> Any:
    """An entry that exists, as far as reference checks look at it (its id; no references of its own)."""
    return types.SimpleNamespace(**{"id": key, **_STUB_FIELDS, "via": [], "derived_from": [], "synthesis_of": [],
                                    "mimics": [], **fields})


def _case(format: str, meta: Any, lists: Mapping[str, list[Any]]) -> Any:
    """A Case of these lists, unvalidated, every field given (pydantic's model_construct is slow on defaults)."""
    from sevenfold.model import Case

    kinds = ("actors", "sources", "documents", "reports", "hypotheses", "ratings", "outcomes", "burns", "aliases")
    return cast(Any, Case).model_construct(format=format, case=meta, **{k: list(lists.get(k, ())) for k in kinds})


def check_change(conn: Connection, pk: int, where: str, changes: Mapping[str, KindChange]) -> None:
    """What a whole-case validation (:func:`sevenfold.model.check_references`) would refuse after this change,
    found by reading only the entries involved: what the written entries point at must exist, nothing left may
    point at a removed entry, ``synthesis_of`` may not run in a circle, ids and rating cells stay unique."""
    from sevenfold.model import CaseMeta, check_references
    from sevenfold.store.repository import _json_column

    checked: dict[str, dict[str, Any]] = {}  # kind -> key -> entry in the state after the change
    for kind, ch in changes.items():
        if ch.tail is not None:
            first, tail = ch.tail
            checked[kind] = {f"#{first + i}": e for i, e in enumerate(tail)}
        else:
            checked[kind] = dict(ch.put)
    dropped = {kind: set(ch.drop) for kind, ch in changes.items() if ch.drop}
    positional_gone = {kind: ch.tail[0] for kind, ch in changes.items() if ch.tail is not None}
    # entries left in the store that may point at a removed entry
    for gone_kind, keys in dropped.items():
        for kind in REFERRERS.get(gone_kind, ()):
            for key, entry in _referrers(conn, pk, kind, gone_kind, keys, _json_column):
                if key in checked.get(kind, {}) or key in dropped.get(kind, set()):
                    continue
                if kind in positional_gone and int(key[1:]) >= positional_gone[kind]:
                    continue
                checked.setdefault(kind, {})[key] = entry
    wanted: dict[str, set[str]] = {}
    for kind, entries in checked.items():
        for entry in entries.values():
            for tk, key in _targets(kind, entry):
                if key not in checked.get(tk, {}) and key not in dropped.get(tk, set()):
                    wanted.setdefault(tk, set()).add(key)
    existing = _existing(conn, pk, wanted)
    lists: dict[str, list[Any]] = {}
    labels: set[tuple[str, str]] = set()
    outcome_keys: list[str] = []
    for kind, entries in checked.items():
        lists[kind] = list(entries.values())
        if kind == "outcomes":
            outcome_keys = list(entries)
        else:
            labels |= {(kind, entry_label(kind, e)) for e in entries.values()}
    for tk, keys in existing.items():
        lists.setdefault(tk, []).extend(_stub(tk, k) for k in sorted(keys))
    if any(e.synthesis_of for e in checked.get("reports", {}).values()):
        _add_synthesis_graph(conn, pk, lists, checked.get("reports", {}), dropped.get("reports", set()),
                             _json_column)
    mini = _case("sevenfold/1", CaseMeta.model_construct(id="-"), lists)
    problems = []
    for p in check_references(mini, where):
        if p.kind == "outcomes" and p.entry.startswith("#") and int(p.entry[1:]) < len(outcome_keys):
            problems.append(Problem(p.file, p.kind, outcome_keys[int(p.entry[1:])], p.field, p.message))
        elif (p.kind, p.entry) in labels or "runs in a circle" in p.message:
            problems.append(p)
    if problems:
        raise CaseValidationError(problems)


def _referrers(conn: Connection, pk: int, kind: str, gone_kind: str, keys: set[str],
               json_column: Callable[..., Any]) -> Iterator[tuple[str, Any]]:
    """Stored entries of ``kind`` that point at one of ``keys`` (of ``gone_kind``)."""
    table = entry_tables[kind]
    body, decode = json_column(conn, table.c.body)
    q = select(table.c.key, body).where(table.c.case_pk == pk)
    if kind == "ratings":
        column = {"reports": table.c.report_id, "hypotheses": table.c.hypothesis_id}[gone_kind]
        q = q.where(column.in_(list(keys)))
    elif all(_SIMPLE_KEY.fullmatch(k) for k in keys):  # a JSON string holding the key, as stored
        text = _audit._text_of(conn, table.c.body)
        q = q.where(or_(*[text.like(f'%"{k}"%') for k in keys]))
    model = _model(kind)
    for key, b in conn.execute(q):
        entry = model.model_validate(decode(b), context=_STORED)
        if any(tk == gone_kind and t in keys for tk, t in _targets(kind, entry)):
            yield key, entry


def _existing(conn: Connection, pk: int, wanted: Mapping[str, set[str]]) -> dict[str, set[str]]:
    parts = [select(literal(kind), entry_tables[kind].c.key)
             .where(entry_tables[kind].c.case_pk == pk, entry_tables[kind].c.key.in_(sorted(keys)))
             for kind, keys in wanted.items() if keys]
    found: dict[str, set[str]] = {}
    if parts:
        for kind, key in conn.execute(union_all(*parts) if len(parts) > 1 else parts[0]):
            found.setdefault(kind, set()).add(key)
    return found


def _add_synthesis_graph(conn: Connection, pk: int, lists: dict[str, list[Any]], written: Mapping[str, Any],
                         dropped: set[str], json_column: Callable[..., Any]) -> None:
    """Every stored report with ``synthesis_of``, so that a circle through stored reports is found."""
    table = entry_tables["reports"]
    body, decode = json_column(conn, table.c.body)
    text = _audit._text_of(conn, table.c.body)
    stored = {}
    for key, b in conn.execute(select(table.c.key, body).where(table.c.case_pk == pk,
                                                                text.like('%"synthesis_of"%'))):
        if key not in written and key not in dropped:
            stored[key] = _stub("reports", key, **{"synthesis_of": list(decode(b)["synthesis_of"])})
    lists["reports"] = [r for r in lists.get("reports", []) if r.id not in stored] + list(stored.values())


def check_bodies(where: str, kind: str, entries: Iterable[Any]) -> None:
    from sevenfold import limits as _limits
    from sevenfold.model.io import _check_tree

    limits = _limits.current()
    for entry in entries:
        _check_tree(entry.model_dump(mode="json", exclude_defaults=True), where, limits)


# ---- writing --------------------------------------------------------------------------------------------
@dataclass
class Hashes:
    """Row hashes taken out of and put into the case's state digest by a write."""

    removed: list[int] = field(default_factory=list)
    added: list[int] = field(default_factory=list)


def _claim_rows(pk: int, pos: int, entry: Any, enc: Callable[[Any], Any]) -> list[tuple[Any, ...]]:
    rows = []
    for cpos, claim in enumerate(entry.claims):
        cd = claim.model_dump(mode="json")
        obj, attr, value = cd.pop("object"), cd.pop("attribute"), cd.pop("value")
        rows.append((pk, pos, cpos, entry.source, obj, attr, enc(value), enc(cd or None)))
    return rows


def _row(kind: str, pk: int, pos: int, key: str, entry: Any, enc: Callable[[Any], Any]) -> tuple[Any, ...]:
    """One entry's row in its table's column order (as ``Store._insert_kind`` writes it)."""
    body = entry.model_dump(mode="json", exclude_defaults=True)
    if kind == "reports":
        body.pop("claims", None)
        return (pk, pos, key, entry.source, entry.date, enc(body))
    if kind == "ratings":
        return (pk, pos, key, entry.report, entry.hypothesis, enc(body))
    if kind == "burns":
        return (pk, pos, key, entry.source, enc(body))
    return (pk, pos, key, enc(body))


def write_kind(conn: Connection, pk: int, where: str, kind: str, ch: KindChange, hashes: Hashes | None) -> None:
    """Write one kind's change (rows, and a report's claims), noting the row hashes it removed and added."""
    from sevenfold import limits as _limits
    from sevenfold.store.repository import _bulk_insert, _identity, _json_encoder

    table = entry_tables[kind]
    in_case = table.c.case_pk == pk
    cells = _audit.state_cells(conn, table)
    claim_cells = _audit.state_cells(conn, claims)
    claims_in_case = claims.c.case_pk == pk
    enc = _json_encoder(conn)
    limits = _limits.current()
    if ch.tail is not None:
        first, entries = ch.tail
        count = conn.execute(select(func.count()).where(in_case)).scalar_one()
        if first + len(entries) > limits.entries:
            raise LimitExceeded("entries", first + len(entries), limits.entries, f"{where}: {kind}")
        if first > count:
            raise InputError(f"{where}: {kind} #{first}: out of range")
        if hashes is not None:
            hashes.removed += [_audit.row_hash(kind, r) for r in conn.execute(
                select(*cells).where(in_case, table.c.pos >= first))]
        conn.execute(delete(table).where(in_case, table.c.pos >= first))
        rows = [_row(kind, pk, first + i, f"#{first + i}", e, enc) for i, e in enumerate(entries)]
        if rows:
            _bulk_insert(conn, table, rows)
        if hashes is not None:
            hashes.added += [_audit.row_hash(kind, r) for r in conn.execute(
                select(*cells).where(in_case, table.c.pos >= first))]
        return
    keys = [*ch.put, *ch.drop]
    old = {r[1]: r for r in conn.execute(select(*cells).where(in_case, table.c.key.in_(keys)))} if keys else {}
    missing = [k for k in [*ch.drop, *ch.old] if k not in old]
    if missing:
        raise NotFound(f"{where}: no {kind[:-1] if kind != 'hypotheses' else 'hypothesis'} {missing[0]!r}")
    taken = [k for k in ch.new if k in old]
    if taken:
        label = entry_label(kind, ch.put[taken[0]])
        message = ("duplicate rating of this report/hypothesis by this analyst" if kind == "ratings"
                   else f"duplicate id {taken[0]!r} (2 entries)")
        raise CaseValidationError([Problem(where, kind, label, "report" if kind == "ratings" else "id", message)])
    replaced = [k for k in ch.put if k in old]
    added = [k for k in ch.put if k not in old]
    if ch.audit_from_rows and hashes is not None:
        _audit_from_rows(kind, ch, old)
    top = None
    if added:
        count, top = conn.execute(select(func.count(), func.max(table.c.pos)).where(in_case)).one()
        if count + len(added) - len(ch.drop) > limits.entries:
            raise LimitExceeded("entries", count + len(added), limits.entries, f"{where}: {kind}")
    low = min((old[k][0] for k in ch.drop), default=None)
    reports = kind == "reports"
    claim_positions = {old[k][0] for k in replaced if k in ch.with_claims} if reports else set()

    def claims_of(positions: set[int], low: int | None) -> Any:
        conds: list[Any] = []
        if positions:
            conds.append(claims.c.report_pos.in_(sorted(positions)))
        if low is not None:
            conds.append(claims.c.report_pos >= low)
        return select(*claim_cells).where(claims_in_case, or_(*conds)) if conds else None

    if hashes is not None:
        hashes.removed += [_audit.row_hash(kind, r) for r in old.values()]
        if low is not None:  # rows after a removed one move up: their position is in their hash
            hashes.removed += [_audit.row_hash(kind, r) for r in conn.execute(
                select(*cells).where(in_case, table.c.pos > low, table.c.key.not_in(list(old))))]
        if reports:
            q = claims_of(claim_positions, low)
            if q is not None:
                hashes.removed += [_audit.row_hash("claims", r) for r in conn.execute(q)]
    if reports and claim_positions:
        conn.execute(delete(claims).where(claims_in_case, claims.c.report_pos.in_(sorted(claim_positions))))
    gone = sorted(int(old[k][0]) for k in ch.drop)
    if gone:
        conn.execute(delete(table).where(in_case, table.c.pos.in_(gone)))
        _close_gaps(conn, table.c.pos, in_case, gone)
        if reports:
            conn.execute(delete(claims).where(claims_in_case, claims.c.report_pos.in_(gone)))
            _close_gaps(conn, claims.c.report_pos, claims_in_case, gone)
    if replaced:  # in place: a replaced entry keeps its position
        names = [c.name for c in table.columns][3:]  # the indexed columns and the body
        conn.execute(update(table).where(in_case, table.c.key == bindparam("k_"))
                     .values({n: bindparam(f"v_{n}") for n in names}),
                     [{"k_": k, **{f"v_{n}": v for n, v in zip(
                         names, _row(kind, pk, 0, k, ch.put[k], _identity)[3:], strict=True)}} for k in replaced])
    new_positions: set[int] = set()
    start = -1 if top is None else int(top) - len(ch.drop)  # the last position after the removals
    if added:
        _bulk_insert(conn, table, [_row(kind, pk, start + 1 + i, k, ch.put[k], enc) for i, k in enumerate(added)])
    if reports:
        rewrite = [k for k in ch.put if k in ch.with_claims]
        if rewrite:  # positions after the removals: a replaced report moves up past each removed one before it
            gone = sorted(old[k][0] for k in ch.drop)
            pos_of = {k: int(old[k][0]) - sum(1 for g in gone if g < old[k][0]) for k in replaced}
            pos_of.update({k: start + 1 + i for i, k in enumerate(added)})
            rows = []
            for k in rewrite:
                new_positions.add(int(pos_of[k]))
                rows += _claim_rows(pk, int(pos_of[k]), ch.put[k], enc)
            if rows:
                _bulk_insert(conn, claims, rows)
    if hashes is not None:
        hashes.added += [_audit.row_hash(kind, r) for r in conn.execute(
            select(*cells).where(in_case, table.c.key.in_(list(ch.put))))] if ch.put else []
        if low is not None:
            hashes.added += [_audit.row_hash(kind, r) for r in conn.execute(
                select(*cells).where(in_case, table.c.pos >= low, table.c.key.not_in(list(ch.put))))]
        if reports:
            q = claims_of(new_positions, low)
            if q is not None:
                hashes.added += [_audit.row_hash("claims", r) for r in conn.execute(q)]


def _close_gaps(conn: Connection, column: Any, scope: Any, gone: list[int]) -> None:
    """Move the rows after removed positions ``gone`` (sorted) up, as a whole-case rewrite numbers them: each
    row once to its new position, negated (no clash with the rows still to move), then back."""
    table = column.table
    for j, low in enumerate(gone):
        high = gone[j + 1] if j + 1 < len(gone) else None
        where = [scope, column > low] + ([column < high] if high is not None else [])
        conn.execute(update(table).where(*where).values({column.name: -(column - (j + 1))}))
    conn.execute(update(table).where(scope, column < 0).values({column.name: -column}))


def _audit_from_rows(kind: str, ch: KindChange, old: Mapping[str, Any]) -> None:
    """The audit record's before/after of a write made without reading: the stored rows (body last) and ``put``."""
    model = _model(kind)
    was = {k: audit_dump(kind, model.model_validate(jsontext.loads(row[-1]) if isinstance(row[-1], str) else row[-1]))
           for k, row in old.items()}
    for k, e in ch.put.items():
        now = audit_dump(kind, e)
        if was.get(k) != now:
            ch.before[k], ch.after[k] = was.get(k), now
    for k in ch.drop:
        ch.before[k], ch.after[k] = was[k], None


def write_meta(conn: Connection, pk: int, meta: Any) -> None:
    data = meta.model_dump(mode="json", exclude_defaults=True)
    conn.execute(update(cases).where(cases.c.pk == pk).values(meta=data, title=meta.title))
