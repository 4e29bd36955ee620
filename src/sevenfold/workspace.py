"""A store-backed workspace: every change a team makes to a stored case, one entry at a time.

>>> ws = Workspace(Store("team.db"), actor="alice")                               # doctest: +SKIP
>>> case, rev = ws.add("zarubin-1937", "hypotheses", {"id": "h3", "statement": "..."})  # doctest: +SKIP
>>> ws.rate("zarubin-1937", "r1", "h3", analyst="alice", consistency="C", expected_revision=rev)  # doctest: +SKIP

Every operation is one transaction that reads and writes only the entries it touches
(:meth:`Store.edit_entries`; a rating, :meth:`Store.write_entries`), with an audit record holding only
the entries it changed. ``expected_revision`` (the web's ``If-Match``) makes a concurrent change a
:class:`StaleRevision` instead of a lost update; without it, an edit applies to whatever is current (it
reads what it needs inside its transaction, under the case's lock). The case an edit returns is read from
the store when first used (:class:`StoredCase`).

Blind rating (:func:`blind_reports`, :func:`ratings_seen_by`, :func:`case_seen_by`,
:func:`assess_seen_by`, :func:`assessment_seen_by`, :func:`audit_seen_by`): what one analyst may see of the
others' ratings, and the assessment computed from only that; the web's page, JSON, exports and reports go
through these. Blind rating applies to those who rate on the case: a :class:`Viewer` whose role cannot
rate (a reader) is anchored by nothing and sees the whole team's result.

The domain rules live here, not in a front end:

* adding an entry whose id is taken is :class:`EntryExists`; ids cannot be renamed by a replace;
* deleting an entry that other entries reference (a source's burns, a report's ratings by other
  analysts, a report another derives from, ...) is :class:`Referenced`, naming them, unless ``force``;
  with ``force`` the references go with it (list links are cut, optional links cleared); a source that
  still has reports cannot be deleted at all; what a source's delete does to custody chains is
  :func:`custody_effects`, and a source that originated reports others relayed also needs
  ``reassign_origin`` (their relayer becomes their origin);
* a new id that equals an existing one of its kind ignoring letter case is :class:`EntryExists`, naming it;
* a deleted report's ratings stay in the audit record of the deletion, and re-adding a report under the
  same id brings back every analyst's ratings of it (:meth:`restore_ratings`).
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from sevenfold.errors import AssessmentError, Conflict, InputError, NotFound

if TYPE_CHECKING:
    from sevenfold.model import Case, Rating
    from sevenfold.model.results import Assessment, BurnImpact
    from sevenfold.pipeline import WhatIf
    from sevenfold.store import Store
    from sevenfold.store.entry_edit import Read

#: entry kinds with an ``id``, in case-file order
ID_KINDS = ("actors", "sources", "documents", "reports", "hypotheses", "burns")
#: every kind :meth:`Workspace.add` / ``replace`` / ``delete`` accepts (outcomes by position)
ENTRY_KINDS = (*ID_KINDS, "outcomes")
SINGULAR = {"actors": "actor", "sources": "source", "documents": "document", "reports": "report",
            "hypotheses": "hypothesis", "burns": "burn", "outcomes": "outcome", "ratings": "rating"}
LINK_FIELDS = ("derived_from", "via", "synthesis_of")


class StaleRevision(Conflict):
    """The case changed since the revision the caller read (HTTP 412); ``current`` is the revision now."""

    def __init__(self, message: str, current: int) -> None:
        super().__init__(message)
        self.current = current


class EntryExists(Conflict):
    """An entry with this id is already in the case (HTTP 409)."""


class Referenced(Conflict):
    """Other entries reference the one to delete (HTTP 409); ``references`` names each, ``kind entry.field``."""

    def __init__(self, message: str, references: list[str], effects: list[str] | None = None,
                 needs: str = "force") -> None:
        super().__init__(message)
        self.references = references
        #: what the delete would change beyond cutting links (custody chains that lose a member, new originators)
        self.effects = effects or []
        #: what confirms it: ``force``, or ``reassign_origin`` for a source that originated relayed reports
        self.needs = needs


@dataclass(frozen=True)
class Reference:
    """One entry pointing at another: ``kind`` and ``entry`` (id, or rating/outcome label) and ``field``."""

    kind: str
    entry: str
    field: str
    analyst: str | None = None  # for ratings: whose

    def __str__(self) -> str:
        if self.kind == "ratings":
            return f"rating {self.entry} by {self.analyst or '(unnamed analyst)'}"
        return f"{SINGULAR.get(self.kind, self.kind)} {self.entry} ({self.field})"


def _entry_model(kind: str) -> type[Any]:
    from sevenfold import model

    return {"actors": model.Actor, "sources": model.Source, "documents": model.Document, "reports": model.Report,
            "hypotheses": model.Hypothesis, "burns": model.Burn, "outcomes": model.Outcome,
            "ratings": model.Rating}[kind]


def _validated(kind: str, entry: Any) -> Any:
    """An entry model from a model or a mapping; a bad field is a CaseValidationError naming it."""
    from pydantic import ValidationError

    from sevenfold.errors import CaseValidationError, Problem

    model = _entry_model(kind)
    if isinstance(entry, model):
        return entry
    if not isinstance(entry, Mapping):
        raise InputError(f"{SINGULAR[kind]}: expected a {model.__name__} or a mapping, not {type(entry).__name__}")
    try:
        return model.model_validate(dict(entry))
    except ValidationError as exc:
        label = str(entry.get("id", "")) if isinstance(entry.get("id", ""), str) else ""
        if kind == "ratings":
            label = f"{entry.get('report', '')}/{entry.get('hypothesis', '')}"
        raise CaseValidationError([Problem("<form>", kind, label, ".".join(map(str, e["loc"])),
                                           e["msg"].removeprefix("Value error, ")) for e in exc.errors()]) from None


def _check_kind(kind: str, kinds: Sequence[str] = ENTRY_KINDS) -> None:
    if kind not in kinds:
        raise InputError(f"unknown entry kind {kind!r}; use one of {', '.join(kinds)}")


def references(case: Case, kind: str, entry_id: str) -> list[Reference]:
    """Every entry of ``case`` that points at entry ``entry_id`` of ``kind``."""
    out: list[Reference] = []
    if kind == "actors":
        for s in case.sources:
            if s.controlled_by == entry_id:
                out.append(Reference("sources", s.id, "controlled_by"))
            if s.suspected_control is not None and s.suspected_control.by == entry_id:
                out.append(Reference("sources", s.id, "suspected_control.by"))
        out += [Reference("hypotheses", h.id, "deception_by") for h in case.hypotheses if h.deception_by == entry_id]
        out += [Reference("burns", b.id, "actor") for b in case.burns if b.actor == entry_id]
    elif kind == "sources":
        for r in case.reports:
            if r.source == entry_id:
                out.append(Reference("reports", r.id, "source"))
            if r.origin == entry_id:
                out.append(Reference("reports", r.id, "origin"))
            if entry_id in r.via:
                out.append(Reference("reports", r.id, "via"))
        out += [Reference("burns", b.id, "source") for b in case.burns if b.source == entry_id]
    elif kind == "documents":
        for r in case.reports:
            for name in ("document", "cited_in"):
                if getattr(r, name) == entry_id:
                    out.append(Reference("reports", r.id, name))
    elif kind == "reports":
        for r in case.reports:
            for name in ("derived_from", "synthesis_of"):
                if entry_id in getattr(r, name) and r.id != entry_id:
                    out.append(Reference("reports", r.id, name))
        out += [Reference("ratings", f"{rt.report}/{rt.hypothesis}", "report", rt.analyst)
                for rt in case.ratings if rt.report == entry_id]
        out += [Reference("outcomes", f"#{i}", "report") for i, o in enumerate(case.outcomes) if o.report == entry_id]
    elif kind == "hypotheses":
        out += [Reference("hypotheses", h.id, "mimics") for h in case.hypotheses
                if entry_id in h.mimics and h.id != entry_id]
        out += [Reference("ratings", f"{rt.report}/{rt.hypothesis}", "hypothesis", rt.analyst)
                for rt in case.ratings if rt.hypothesis == entry_id]
        out += [Reference("outcomes", f"#{i}", "hypothesis") for i, o in enumerate(case.outcomes)
                if o.hypothesis == entry_id]
    return out


def _detach(case: Case, kind: str, entry_id: str) -> None:
    """Remove every reference to ``entry_id`` (of ``kind``): cut list links, clear optional links, drop the
    ratings, outcomes and burns that exist only for it."""
    if kind == "actors":
        for s in case.sources:
            if s.controlled_by == entry_id:
                s.controlled_by = None
            if s.suspected_control is not None and s.suspected_control.by == entry_id:
                s.suspected_control = None
        for h in case.hypotheses:
            if h.deception_by == entry_id:
                h.deception_by = None
                h.mimics = []
        for b in case.burns:
            if b.actor == entry_id:
                b.actor = None
    elif kind == "sources":
        for r in case.reports:
            if r.origin == entry_id:
                r.origin = None
            r.via = [v for v in r.via if v != entry_id]
        case.burns = [b for b in case.burns if b.source != entry_id]
    elif kind == "documents":
        for r in case.reports:
            if r.document == entry_id:
                r.document = None
            if r.cited_in == entry_id:
                r.cited_in = None
    elif kind == "reports":
        for r in case.reports:
            r.derived_from = [d for d in r.derived_from if d != entry_id]
            r.synthesis_of = [d for d in r.synthesis_of if d != entry_id]
        case.ratings = [rt for rt in case.ratings if rt.report != entry_id]
        case.outcomes = [o for o in case.outcomes if o.report != entry_id]
    elif kind == "hypotheses":
        for h in case.hypotheses:
            h.mimics = [m for m in h.mimics if m != entry_id]
        case.ratings = [rt for rt in case.ratings if rt.hypothesis != entry_id]
        case.outcomes = [o for o in case.outcomes if o.hypothesis != entry_id]


def custody_effects(case: Case, kind: str, entry_id: str) -> list[str]:
    """What deleting source ``entry_id`` does to the custody chains it is on, one sentence per report:
    which part of the chain goes, and (when it is the originator) who becomes the originator. [] for other
    kinds. The originator's track record and interests weigh a report (docs/case-format.md), so a new
    originator changes its weight and its alerts."""
    from sevenfold.model import custody_chain

    if kind != "sources":
        return []
    out = []
    for r in case.reports:
        chain = custody_chain(r)
        if entry_id not in chain or r.source == entry_id:
            continue
        after = [c for c in chain if c != entry_id]
        line = (f"report {r.id} loses {entry_id} from its custody chain: {' → '.join(chain)} becomes "
                f"{' → '.join(after)}")
        if chain[0] == entry_id:
            line += (f"; its origin becomes {after[0]}, so {entry_id}'s interests and track record no longer "
                     "weigh it (its weight and alerts change)")
        else:
            line += f" ({len(chain) - len(after)} hop(s) fewer)"
        out.append(line)
    return out


def originated_relays(case: Case, kind: str, entry_id: str) -> list[str]:
    """Reports relayed by another source that source ``entry_id`` originated (their ``origin``)."""
    if kind != "sources":
        return []
    return [r.id for r in case.reports if r.origin == entry_id and r.source != entry_id]


def blocking_references(refs: list[Reference], kind: str, by: str | None) -> tuple[list[Reference], list[Reference]]:
    """(references that need ``force``, references that can never be removed by a delete).

    A source's reports cannot go with it (delete or re-source them first). The deleting analyst's own
    ratings need no confirmation; every other analyst's do.
    """
    never = [r for r in refs if kind == "sources" and r.kind == "reports" and r.field == "source"]
    confirm = [r for r in refs if r not in never and not (r.kind == "ratings" and by is not None and r.analyst == by)]
    return confirm, never


class AssessmentCache:
    """Per-process LRU of (case id, version) -> (case, Assessment, JSON bytes): a version never changes.

    The version is :meth:`Store.version`, the revision *and* when it was written: a case imported under
    the id of one deleted without an audit record starts at revision 1 again, and must not be served the
    old case's entry.
    Concurrent misses on the same key compute once (the others wait for it), so fifty readers
    arriving together cost one assessment, not fifty.

    Under blind rating, a viewer's assessment is that of the case as they may see it
    (:func:`assess_seen_by`), cached per (case id, version, :func:`seen_signature`): analysts who see the
    same ratings share one entry, and nothing computed from ratings hidden from a viewer reaches them.
    """

    def __init__(self, size: int = 32) -> None:
        self._size = size
        self._items: OrderedDict[tuple[str, tuple[int, str]], tuple[Case, Assessment, bytes]] = OrderedDict()
        self._lock = threading.Lock()
        self._computing: dict[tuple[str, tuple[int, str]], threading.Lock] = {}

    def _entry(self, store: Store, case_id: str, viewer: str | Viewer | None = None
               ) -> tuple[tuple[Case, Assessment, bytes], int]:
        """The (case, assessment, JSON) of the current version; with ``viewer``, the stored case and the
        assessment and JSON as that analyst may see them (:func:`assess_seen_by`)."""
        whole, version = self._whole(store, case_id)
        revision = version[0]
        if viewer is None:
            return whole, revision
        case, assessment, _ = whole
        signature = seen_signature(case, viewer)
        if not signature:
            return whole, revision
        key = (f"{case_id}\0{signature}", version)  # the version the whole entry was read at
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
                return hit, revision
            gate = self._computing.setdefault(key, threading.Lock())
        with gate:
            with self._lock:
                hit = self._items.get(key)
            if hit is not None:
                return hit, revision
            seen = assess_seen_by(case, viewer, assessment)
            body = json.dumps(seen.to_json_dict(), ensure_ascii=False, separators=(",", ":")).encode()
            entry = (case, seen, body)
            with self._lock:
                self._items[key] = entry
                self._items.move_to_end(key)
                while len(self._items) > self._size:
                    self._items.popitem(last=False)
                self._computing.pop(key, None)
            return entry, revision

    def _whole(self, store: Store, case_id: str) -> tuple[tuple[Case, Assessment, bytes], tuple[int, str]]:
        key = (case_id, store.version(case_id))
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
                return hit, key[1]
            gate = self._computing.setdefault(key, threading.Lock())
        with gate:
            with self._lock:
                hit = self._items.get(key)
            if hit is not None:
                return hit, key[1]
            case, version = store.load_case_with_version(case_id)
            from sevenfold.pipeline import run_assessment

            assessment = run_assessment(case)
            body = json.dumps(assessment.to_json_dict(), ensure_ascii=False, separators=(",", ":")).encode()
            entry = (case, assessment, body)
            with self._lock:
                self._items[(case_id, version)] = entry
                self._items.move_to_end((case_id, version))
                while len(self._items) > self._size:
                    self._items.popitem(last=False)
                self._computing.pop(key, None)
            return entry, version

    def peek_json(self, store: Store, case_id: str, viewer: str | Viewer | None = None) -> tuple[bytes, int] | None:
        """The cached JSON of the current version, or None (cheap: one indexed query). With ``viewer``, the
        JSON as that analyst may see it (:func:`assess_seen_by`)."""
        version = store.version(case_id)
        key = (case_id, version)
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
        if hit is not None and viewer is not None:
            signature = seen_signature(hit[0], viewer)
            if signature:
                key = (f"{case_id}\0{signature}", version)
                with self._lock:
                    hit = self._items.get(key)
                    if hit is not None:
                        self._items.move_to_end(key)
        if hit is None:
            return None
        return hit[2], version[0]

    def get(self, store: Store, case_id: str, viewer: str | Viewer | None = None) -> tuple[Case, int, Assessment]:
        """The stored case, its revision and its assessment; with ``viewer``, the assessment as that analyst
        may see it (:func:`assess_seen_by`; the case returned is still the whole stored case)."""
        (case, assessment, _), revision = self._entry(store, case_id, viewer)
        return case, revision, assessment

    def json_bytes(self, store: Store, case_id: str, viewer: str | Viewer | None = None) -> tuple[bytes, int]:
        """The assessment as JSON (what `sevenfold assess --json` prints, compact) and its revision; with
        ``viewer``, as that analyst may see it (:func:`assess_seen_by`)."""
        entry, revision = self._entry(store, case_id, viewer)
        return entry[2], revision

    def load(self, store: Store, case_id: str) -> tuple[Case, int]:
        """The case and its revision; a case that cannot be assessed (yet) still loads, to be read or fixed."""
        try:
            case, revision, _ = self.get(store, case_id)
        except AssessmentError:
            return store.load_case_with_revision(case_id)
        return case, revision


# ---- blind rating: what one analyst may see of the others' ratings ---------------------------------
#: the case roles that rate (:mod:`sevenfold.store.accounts`); blind rating applies to these only
RATING_ROLES = frozenset({"analyst", "owner"})


@dataclass(frozen=True)
class Viewer:
    """Who looks at a case: their name and their role on it (``None``: not known, as on the command line,
    taken as one who rates). A viewer who cannot rate (a reader) is not kept from the others' ratings."""

    name: str
    role: str | None = None

    @property
    def rates(self) -> bool:
        return self.role is None or self.role in RATING_ROLES


def as_viewer(viewer: str | Viewer) -> Viewer:
    """``viewer`` as a :class:`Viewer` (a bare name is one who rates)."""
    return viewer if isinstance(viewer, Viewer) else Viewer(viewer)


def blind_rating(case: Case) -> bool:
    """The case's setting (``case.blind_rating``): each analyst rates a report before seeing the others'."""
    return bool(case.case.extra.get("blind_rating"))


def blind_reports(case: Case, viewer: str | Viewer) -> set[str]:
    """Under blind rating, the reports whose other analysts' ratings ``viewer`` may not see yet: those
    ``viewer`` has not rated under every hypothesis. Empty when the case does not rate blind, and for a
    viewer who cannot rate on it (:attr:`Viewer.rates`: a reader sees the whole team's ratings)."""
    who = as_viewer(viewer)
    if not blind_rating(case) or not who.rates:
        return set()
    hypotheses = {h.id for h in case.hypotheses}
    mine: dict[str, set[str]] = {}
    for rt in case.ratings:
        if rt.analyst == who.name:
            mine.setdefault(rt.report, set()).add(rt.hypothesis)
    return {r.id for r in case.reports if not hypotheses <= mine.get(r.id, set())}


def ratings_seen_by(case: Case, viewer: str | Viewer) -> list[Rating]:
    """The ratings ``viewer`` may see: all, but under blind rating not the others' of :func:`blind_reports`."""
    hidden = blind_reports(case, viewer)
    name = as_viewer(viewer).name
    return [rt for rt in case.ratings if rt.report not in hidden or rt.analyst == name]


def case_seen_by(case: Case, viewer: str | Viewer) -> Case:
    """The case as ``viewer`` may see it (its ratings: :func:`ratings_seen_by`); for its JSON and exports."""
    if not blind_reports(case, viewer):
        return case
    return case.model_copy(update={"ratings": ratings_seen_by(case, viewer)})


def assessment_seen_by(data: dict[str, Any], case: Case, viewer: str | Viewer) -> dict[str, Any]:
    """An assessment's JSON as ``viewer`` may see it: while blind rating hides some report's ratings from them,
    no analyst's separate posterior (``per_analyst``), no ``analysts`` disagreement or disputed cells, no
    ``analyst_disagreement`` alert. The team's pooled result stays, as on the page."""
    if not blind_reports(case, viewer):
        return data
    out = dict(data)
    out["analysts"] = None
    out["hypotheses"] = [dict(h, per_analyst=None) for h in data.get("hypotheses", [])]
    out["alerts"] = [a for a in data.get("alerts", []) if a.get("kind") != "analyst_disagreement"]
    return out


def seen_signature(case: Case, viewer: str | Viewer) -> str:
    """What distinguishes the ratings ``viewer`` may see from the whole case's: ``""`` when they see
    everything; otherwise a digest of the ratings kept from them (two viewers with the same digest see
    the same ratings, at the same case version)."""
    hidden = blind_reports(case, viewer)
    if not hidden:
        return ""
    import hashlib

    name = as_viewer(viewer).name
    kept_back = sorted((rt.report, rt.hypothesis, rt.analyst or "") for rt in case.ratings
                       if rt.report in hidden and rt.analyst != name)
    return "blind:" + hashlib.sha256(json.dumps(kept_back).encode()).hexdigest()


def assess_seen_by(case: Case, viewer: str | Viewer, assessment: Assessment | None = None) -> Assessment:
    """The assessment ``viewer`` may see: under blind rating, that of :func:`case_seen_by` — posteriors,
    diagnosticity, inconsistency, whys, alerts and budget all computed without the ratings kept from them —
    with no per-analyst part while anything is hidden (:func:`assessment_seen_by`). ``assessment`` is the
    whole case's, when already computed (returned as is when nothing is hidden from ``viewer``)."""
    from sevenfold.pipeline import run_assessment

    if not blind_reports(case, viewer):
        return assessment if assessment is not None else run_assessment(case)
    seen_case = case_seen_by(case, viewer)
    hidden_any = len(seen_case.ratings) != len(case.ratings)
    result = run_assessment(seen_case) if hidden_any or assessment is None else assessment
    return result.model_copy(update={
        "analysts": None,
        "hypotheses": [h.model_copy(update={"per_analyst": None}) for h in result.hypotheses],
        "alerts": [a for a in result.alerts if a.kind != "analyst_disagreement"]})


def seen_by(case: Case, assessment: Assessment, viewer: str | Viewer) -> tuple[Case, Assessment]:
    """The case and its assessment as ``viewer`` may see them (:func:`case_seen_by`, :func:`assess_seen_by`):
    what a report or export made for them holds."""
    if not blind_reports(case, viewer):
        return case, assessment
    return case_seen_by(case, viewer), assess_seen_by(case, viewer, assessment)


def what_if_seen_by(case: Case, viewer: str | Viewer, **change: Any) -> dict[str, Any]:
    """:func:`sevenfold.api.what_if` (``change``: its keyword arguments) as ``viewer`` may see it, as JSON:
    computed on the case as they may see it (:func:`case_seen_by`), its whole assessments (``before``,
    ``after``) without the per-analyst parts blind rating keeps from them (:func:`assessment_seen_by`)."""
    from sevenfold.api import what_if

    data = what_if(case_seen_by(case, viewer), **change).to_json_dict()
    for part in ("before", "after"):
        data[part] = assessment_seen_by(data[part], case, viewer)
    return data


def audit_seen_by(records: list[dict[str, Any]], case: Case, viewer: str | Viewer) -> list[dict[str, Any]]:
    """Audit records (JSON) as ``viewer`` may see them: under blind rating, the others' ratings of
    :func:`blind_reports` are left out of ``before`` / ``after`` (the record then says ``redacted``)."""
    hidden = blind_reports(case, viewer)
    if not hidden:
        return records
    name = as_viewer(viewer).name
    out = []
    for rec in records:
        before, after = rec.get("before"), rec.get("after")
        b_r = before.get("ratings") if isinstance(before, dict) else None
        a_r = after.get("ratings") if isinstance(after, dict) else None
        if not isinstance(b_r, dict) and not isinstance(a_r, dict):
            out.append(rec)
            continue
        b_r, a_r = b_r if isinstance(b_r, dict) else {}, a_r if isinstance(a_r, dict) else {}

        def shown(key: str, b_r: dict[str, Any] = b_r, a_r: dict[str, Any] = a_r) -> bool:
            value = b_r.get(key) or a_r.get(key)
            return not (isinstance(value, dict) and value.get("report") in hidden and value.get("analyst") != name)

        keys = set(b_r) | set(a_r)
        if all(shown(k) for k in keys):
            out.append(rec)
            continue
        rec = dict(rec, redacted="other analysts' ratings of reports you have not rated yet (blind rating)")
        for side, ratings in (("before", b_r), ("after", a_r)):
            if isinstance(rec.get(side), dict) and isinstance(rec[side].get("ratings"), dict):
                rec[side] = dict(rec[side], ratings={k: v for k, v in ratings.items() if shown(k)})
        out.append(rec)
    return out



class Workspace:
    """Per-entry operations on the cases of a :class:`~sevenfold.store.Store`.

    ``actor`` is who the audit log names (default: the operating-system user, as on the command line);
    each method takes ``actor=`` to name someone else for one call (the web passes the logged-in user).
    ``cache``: an :class:`AssessmentCache` shared between workspaces (the web server keeps one per process).
    """

    def __init__(self, store: Store, *, actor: str | None = None, cache: AssessmentCache | None = None) -> None:
        self.store = store
        self.actor = actor
        self.cache = cache if cache is not None else AssessmentCache()

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _who(self, actor: str | None) -> str:
        if actor is not None:
            return actor
        if self.actor is not None:
            return self.actor
        from sevenfold.store.audit import cli_actor

        return cli_actor()

    def _edit(self, case_id: str, reads: Mapping[str, Read], change: Callable[[Case], Any], action: str,
              expected_revision: int | None, actor: str | None) -> tuple[Case, int]:
        """One per-entry transaction (:meth:`Store.edit_entries`): ``change`` gets the case's metadata and
        the rows ``reads`` names; returns the stored case (read when first used) and the new revision."""
        try:
            revision = self.store.edit_entries(case_id, reads, change, expected_revision=expected_revision,
                                               actor=self._who(actor), action=action)
        except Conflict as exc:
            if isinstance(exc, (EntryExists, Referenced)):
                raise
            raise StaleRevision(str(exc), self.store.revision(case_id)) from None
        return cast("Case", StoredCase(self.store, case_id)), revision

    # ---- whole cases ---------------------------------------------------------------------------
    def load(self, case_id: str) -> tuple[Case, int]:
        """The stored case and its revision."""
        return self.store.load_case_with_revision(case_id)

    def assessment(self, case_id: str, viewer: str | Viewer | None = None) -> tuple[Assessment, int]:
        """The assessment of the stored case (:func:`sevenfold.assess`) and its revision, computed once per
        store version; with ``viewer``, as that analyst may see it (:func:`assess_seen_by`)."""
        _, revision, assessment = self.cache.get(self.store, case_id, viewer)
        return assessment, revision

    def import_case(self, case: Case, *, replace: bool = False, actor: str | None = None) -> int:
        """Store a whole case (one transaction); an id already taken is :class:`EntryExists` unless ``replace``."""
        try:
            return self.store.import_case(case, replace=replace, actor=self._who(actor))
        except InputError:
            if replace or not self.store.has_case(case.id):
                raise
            # the same answer whether or not the caller may see that case, and nothing else about it
            raise EntryExists(f"the case id {case.id!r} is taken in this store; give your case another id "
                              "(case.id in the file)") from None

    def create_case(self, case_id: str, *, title: str = "", question: str = "", as_of: str | None = None,
                    hypotheses: Sequence[Mapping[str, Any] | Any] = (), owner: str | None = None,
                    actor: str | None = None) -> tuple[Case, int]:
        """A new case from its meta fields and (optionally) its hypotheses; ``owner`` (a user) is granted it."""
        from sevenfold.model import case_from_data

        meta: dict[str, Any] = {"id": case_id, "title": title, "question": question}
        if as_of:
            meta["as_of"] = as_of
        hyps = [h.model_dump(mode="json", exclude_none=True) if hasattr(h, "model_dump") else dict(h)
                for h in hypotheses]
        data: dict[str, Any] = {"format": "sevenfold/1", "case": meta}
        if hyps:
            data["hypotheses"] = hyps
        case = case_from_data(data, "<new case>")
        revision = self.import_case(case, actor=actor)
        if owner is not None:
            self.grant(case.id, owner, "owner", actor=actor)
        return case, revision

    def edit_meta(self, case_id: str, *, expected_revision: int | None = None, actor: str | None = None,
                  **fields: Any) -> tuple[Case, int]:
        """Change the case's title, question, as_of, language or note (``None`` clears as_of / language)."""
        allowed = {"title", "question", "as_of", "language", "note", "blind_rating", "shuffle_hypotheses"}
        unknown = sorted(set(fields) - allowed)
        if unknown:
            raise InputError(f"case: cannot change {', '.join(unknown)} (only {', '.join(sorted(allowed))})")

        def change(case: Case) -> Case:
            meta = case.case.model_dump(mode="json", exclude_none=True) | fields
            return case.model_copy(update={"case": type(case.case).model_validate(
                {k: v for k, v in meta.items() if v is not None})})

        return self._edit(case_id, {}, change, "case.edit", expected_revision, actor)

    def delete_case(self, case_id: str, *, expected_revision: int | None = None, actor: str | None = None) -> None:
        """Delete a case and its grants (one transaction)."""
        if expected_revision is not None:
            current = self.store.revision(case_id)
            if current != expected_revision:
                raise StaleRevision(f"case {case_id!r} changed since revision {expected_revision}", current)
        self.store.delete_case(case_id, actor=self._who(actor))

    # ---- entries with ids (and outcomes by position) -------------------------------------------
    def add(self, case_id: str, kind: str, entry: Any, *, expected_revision: int | None = None,
            actor: str | None = None) -> tuple[Case, int]:
        """Add one entry (a model or a mapping). A re-added report gets back the ratings it had when deleted."""
        _check_kind(kind)
        new = _validated(kind, entry)
        restored: list[Any] = []
        if kind == "reports":
            restored = self._deleted_ratings(case_id, new.id)
        reads = _reads_for_ratings(restored, {kind: [] if kind == "outcomes" else [new.id]})
        from sevenfold.model.case import same_id_ignoring_case

        twin = None if kind == "outcomes" else same_id_ignoring_case(self._entry_keys(case_id, kind), new.id)

        def change(case: Case) -> None:
            entries = getattr(case, kind)
            if kind != "outcomes" and any(e.id == new.id for e in entries):
                raise EntryExists(f"case {case_id!r}: {SINGULAR[kind]} {new.id!r} already exists")
            if twin is not None:
                raise EntryExists(f"case {case_id!r}: {SINGULAR[kind]} {new.id!r} differs from the existing "
                                  f"{twin!r} only in letter case; use {twin!r}, or an id that differs in more "
                                  "than case")
            entries.append(new)
            if restored:
                _restore(case, restored)

        return self._edit(case_id, reads, change, f"{SINGULAR[kind]}.add", expected_revision, actor)

    def _entry_keys(self, case_id: str, kind: str) -> list[str]:
        """The ids of one kind's entries in a stored case (only the key column is read)."""
        from sqlalchemy import select

        from sevenfold.store.tables import cases, entry_tables

        table = entry_tables[kind]
        with self.store.engine.connect() as conn:
            rows = conn.execute(select(table.c.key).join(cases, cases.c.pk == table.c.case_pk)
                                .where(cases.c.case_id == case_id))
            return [str(r[0]) for r in rows]

    def get(self, case_id: str, kind: str, entry_id: str) -> Any:
        """One entry by id (outcomes: by position, ``"#0"`` or ``"0"``)."""
        _check_kind(kind)
        case, _ = self.load(case_id)
        return _find(case, kind, entry_id)[1]

    def replace(self, case_id: str, kind: str, entry_id: str, entry: Any, *, expected_revision: int | None = None,
                actor: str | None = None) -> tuple[Case, int]:
        """Replace one entry; its id stays (a different id in ``entry`` is refused). Ratings stay."""
        _check_kind(kind)
        new = _validated(kind, entry)
        if kind != "outcomes" and new.id != entry_id:
            raise InputError(f"{SINGULAR[kind]} id in the body ({new.id!r}) differs from {entry_id!r}; "
                             "ids cannot be renamed")

        def change(case: Case) -> None:
            i, _ = _find(case, kind, entry_id)
            getattr(case, kind)[i] = new

        return self._edit(case_id, _own_read(kind, entry_id), change, f"{SINGULAR[kind]}.edit",
                          expected_revision, actor)

    def delete(self, case_id: str, kind: str, entry_id: str, *, force: bool = False,
               expected_revision: int | None = None, actor: str | None = None, analyst: str | None = None,
               reassign_origin: bool = False) -> tuple[Case, int]:
        """Delete one entry. Entries that reference it refuse the delete (:class:`Referenced`, naming each
        and, for a source, what it does to their custody chains: :func:`custody_effects`) unless ``force``;
        ``analyst`` (the person deleting) may drop their own ratings without it. A source that is the
        ``origin`` of reports relayed by others also needs ``reassign_origin`` (their relayer becomes
        their originator, so their weight and alerts change): without it the delete is
        :class:`Referenced` with ``needs="reassign_origin"``, even with ``force``.

        Outcomes are positional: deleting one needs ``expected_revision`` (positions shift).
        """
        _check_kind(kind)
        if kind == "outcomes" and expected_revision is None:
            raise StaleRevision("deleting an outcome needs the revision you read (outcome positions change)",
                                self.store.revision(case_id))

        def change(case: Case) -> None:
            i, _ = _find(case, kind, entry_id)
            refs = references(case, kind, entry_id) if kind != "outcomes" else []
            confirm, never = blocking_references(refs, kind, analyst)
            if never:
                raise Referenced(f"case {case_id!r}: {SINGULAR[kind]} {entry_id!r} still has "
                                 f"{len(never)} report(s) ({', '.join(r.entry for r in never[:20])}); delete "
                                 "them or give them another source first", [str(r) for r in never])
            effects = custody_effects(case, kind, entry_id)
            said = "; what changes: " + "; ".join(effects) if effects else ""
            if confirm and not force:
                raise Referenced(_refusal(case_id, kind, entry_id, confirm) + said, [str(r) for r in confirm],
                                 effects)
            relays = originated_relays(case, kind, entry_id)
            if relays and not reassign_origin:
                raise Referenced(f"case {case_id!r}: source {entry_id!r} is the originator of {len(relays)} "
                                 f"relayed report(s) ({', '.join(relays[:20])}); deleting it gives them another "
                                 f"origin{said}. Confirm that explicitly to delete it (reassign_origin)",
                                 [str(r) for r in confirm], effects, needs="reassign_origin")
            del getattr(case, kind)[i]
            _detach(case, kind, entry_id)

        return self._edit(case_id, _delete_reads(kind, entry_id), change, f"{SINGULAR[kind]}.delete",
                          expected_revision, actor)

    def restore_ratings(self, case_id: str, report_id: str, *, expected_revision: int | None = None,
                        actor: str | None = None) -> tuple[Case, int]:
        """Bring back the ratings report ``report_id`` had when it was last deleted (cells rated since stay)."""
        restored = self._deleted_ratings(case_id, report_id)
        if not restored:
            raise NotFound(f"case {case_id!r}: no deleted ratings of report {report_id!r} in the audit log")

        def change(case: Case) -> None:
            case.report(report_id)  # NotFound when the report is not back
            _restore(case, restored)

        reads = _reads_for_ratings(restored, {"reports": [report_id]})
        return self._edit(case_id, reads, change, "rating.restore", expected_revision, actor)

    def _deleted_ratings(self, case_id: str, report_id: str) -> list[Any]:
        """The ratings of ``report_id`` as the newest audited deletion of that report removed them."""
        return self._deleted(case_id, "reports", report_id)[1]

    def _deleted(self, case_id: str, kind: str, entry_id: str) -> tuple[dict[str, Any] | None, list[Any]]:
        """The entry as the newest audited deletion of it removed it, and the ratings that went with it."""
        from sqlalchemy import select

        from sevenfold.store.tables import audit_log

        if not self.store.has_case(case_id):
            return None, []
        field = {"reports": "report", "hypotheses": "hypothesis"}.get(kind)
        with self.store.engine.connect() as conn:
            # only this case's records since the newest deletion of a case with its id (not an older case's)
            since = conn.execute(select(audit_log.c.seq).where(audit_log.c.case_id == case_id,
                                                               audit_log.c.action == "delete")
                                 .order_by(audit_log.c.seq.desc()).limit(1)).scalar() or 0
            befores = conn.execute(select(audit_log.c.before).where(
                audit_log.c.case_id == case_id, audit_log.c.action == f"{SINGULAR[kind]}.delete",
                audit_log.c.seq > since).order_by(audit_log.c.seq.desc())).scalars().all()
        for before in befores:
            if not isinstance(before, dict):
                continue
            body = (before.get(kind) or {}).get(entry_id)
            if not isinstance(body, dict):
                continue
            Rating = _entry_model("ratings")
            ratings = [] if field is None else [
                Rating.model_validate(r) for r in (before.get("ratings") or {}).values()
                if isinstance(r, dict) and r.get(field) == entry_id]
            return body, ratings
        return None, []

    def restore_entry(self, case_id: str, kind: str, entry_id: str, *, expected_revision: int | None = None,
                      actor: str | None = None) -> tuple[Case, int]:
        """Add back an entry as its newest audited deletion removed it, with the ratings that went with it
        (a report's or a hypothesis's; cells rated since stay). Links other entries had to it are not
        re-made. NotFound when the audit log has no deletion of it; EntryExists when the id is in use."""
        _check_kind(kind, ID_KINDS)
        body, ratings = self._deleted(case_id, kind, entry_id)
        if body is None:
            raise NotFound(f"case {case_id!r}: the audit log has no deletion of {SINGULAR[kind]} {entry_id!r}")
        new = _validated(kind, body)

        def change(case: Case) -> None:
            entries = getattr(case, kind)
            if any(e.id == entry_id for e in entries):
                raise EntryExists(f"case {case_id!r}: {SINGULAR[kind]} {entry_id!r} already exists")
            entries.append(new)
            _restore(case, ratings)

        reads = _reads_for_ratings(ratings, {kind: [entry_id]})
        return self._edit(case_id, reads, change, f"{SINGULAR[kind]}.restore", expected_revision, actor)

    # ---- ratings: one cell per (report, hypothesis, analyst) -----------------------------------
    def rate(self, case_id: str, report_id: str, hypothesis_id: str, *, analyst: str | None,
             consistency: str | None = None, likelihood: float | None = None, note: str = "",
             expected_revision: int | None = None, actor: str | None = None) -> tuple[Rating, int]:
        """Set one analyst's rating of one cell (a consistency code of :mod:`sevenfold.model.vocab` or a
        likelihood; neither is refused by :class:`~sevenfold.model.Rating`, as a CaseValidationError naming the
        field); returns the rating and the new revision. Commutes with every other edit: without
        ``expected_revision`` it applies to whatever is current. Written as one entry
        (:meth:`Store.write_entries`), not by rewriting the case."""
        fields: dict[str, Any] = {"report": report_id, "hypothesis": hypothesis_id, "analyst": analyst,
                                  "consistency": consistency, "likelihood": likelihood}
        if note:
            fields["note"] = note
        rating = _validated("ratings", {k: v for k, v in fields.items() if v is not None})
        return rating, self._write_entries(case_id, "ratings", [rating], [], "rating.set", expected_revision, actor)

    def clear_rating(self, case_id: str, report_id: str, hypothesis_id: str, *, analyst: str | None,
                     expected_revision: int | None = None, actor: str | None = None) -> tuple[None, int]:
        """Remove one analyst's rating of one cell (NotFound when there is none); returns (None, new revision)."""
        key = f"{report_id}/{hypothesis_id}/{analyst or ''}"
        try:
            return None, self._write_entries(case_id, "ratings", [], [key], "rating.clear", expected_revision, actor)
        except NotFound:
            if not self.store.has_case(case_id):
                raise
            raise NotFound(f"case {case_id!r}: no rating of {report_id}/{hypothesis_id} by {analyst}") from None

    def _write_entries(self, case_id: str, kind: str, upserts: list[Any], deletes: list[str], action: str,
                       expected_revision: int | None, actor: str | None) -> int:
        """:meth:`Store.write_entries` with the workspace's errors: a stale revision is :class:`StaleRevision`,
        a rating of a missing report or hypothesis is :class:`NotFound` (as for every edit)."""
        from sevenfold.errors import CaseValidationError

        try:
            return self.store.write_entries(case_id, kind, upserts, deletes, expected_revision=expected_revision,
                                            actor=self._who(actor), action=action)
        except CaseValidationError as exc:
            unknown = [p for p in exc.problems if p.message.startswith("unknown ")]
            if unknown and len(unknown) == len(exc.problems):
                raise NotFound(unknown[0].message.replace("unknown ", "no ", 1)) from None
            raise
        except Conflict as exc:
            if isinstance(exc, (EntryExists, Referenced)):
                raise
            raise StaleRevision(str(exc), self.store.revision(case_id)) from None

    @staticmethod
    def cell(case: Case, report_id: str, hypothesis_id: str, analyst: str | None) -> dict[str, Any] | None:
        """One analyst's rating of one cell as JSON, or None when not rated."""
        return next((rt.model_dump(mode="json", exclude_none=True) for rt in case.ratings
                     if (rt.report, rt.hypothesis, rt.analyst) == (report_id, hypothesis_id, analyst)), None)

    # ---- claims and links of a report ----------------------------------------------------------
    def add_claim(self, case_id: str, report_id: str, claim: Any, *, expected_revision: int | None = None,
                  actor: str | None = None) -> tuple[Case, int]:
        """Append a claim (object, attribute, value) to a report."""
        from sevenfold.model import Claim

        new = claim if isinstance(claim, Claim) else Claim.model_validate(dict(claim))

        def change(case: Case) -> None:
            report = case.report(report_id)
            report.claims = [*report.claims, new]  # assigned, so the field counts as set

        return self._edit(case_id, _own_read("reports", report_id), change, "claim.add", expected_revision, actor)

    def replace_claim(self, case_id: str, report_id: str, index: int, claim: Any, *,
                      expected_revision: int | None = None, actor: str | None = None) -> tuple[Case, int]:
        from sevenfold.model import Claim

        new = claim if isinstance(claim, Claim) else Claim.model_validate(dict(claim))

        def change(case: Case) -> None:
            report = case.report(report_id)
            claims = list(report.claims)
            if not 0 <= index < len(claims):
                raise NotFound(f"case {case_id!r}: report {report_id!r} has no claim #{index}")
            claims[index] = new
            report.claims = claims

        return self._edit(case_id, _own_read("reports", report_id), change, "claim.edit", expected_revision, actor)

    def delete_claim(self, case_id: str, report_id: str, index: int, *, expected_revision: int | None = None,
                     actor: str | None = None) -> tuple[Case, int]:
        """Remove claim ``index`` of a report (positional: ``expected_revision`` is required)."""
        if expected_revision is None:
            raise StaleRevision("deleting a claim needs the revision you read (claim positions change)",
                                self.store.revision(case_id))

        def change(case: Case) -> None:
            report = case.report(report_id)
            claims = list(report.claims)
            if not 0 <= index < len(claims):
                raise NotFound(f"case {case_id!r}: report {report_id!r} has no claim #{index}")
            del claims[index]
            report.claims = claims

        return self._edit(case_id, _own_read("reports", report_id), change, "claim.delete", expected_revision,
                          actor)

    def add_link(self, case_id: str, report_id: str, link: str, target: str, *,
                 expected_revision: int | None = None, actor: str | None = None) -> tuple[Case, int]:
        """Link a report: ``derived_from`` / ``synthesis_of`` another report, or ``via`` a source."""
        if link not in LINK_FIELDS:
            raise InputError(f"unknown link {link!r}; use one of {', '.join(LINK_FIELDS)}")

        def change(case: Case) -> None:
            report = case.report(report_id)
            if link == "via":
                case.source(target)
            else:
                case.report(target)
            values = getattr(report, link)
            if target in values:
                raise EntryExists(f"case {case_id!r}: report {report_id!r} already has {link} {target!r}")
            setattr(report, link, [*values, target])

        return self._edit(case_id, _link_reads(report_id, link, target), change, "link.add", expected_revision,
                          actor)

    def delete_link(self, case_id: str, report_id: str, link: str, target: str, *,
                    expected_revision: int | None = None, actor: str | None = None) -> tuple[Case, int]:
        if link not in LINK_FIELDS:
            raise InputError(f"unknown link {link!r}; use one of {', '.join(LINK_FIELDS)}")

        def change(case: Case) -> None:
            report = case.report(report_id)
            values = getattr(report, link)
            if target not in values:
                raise NotFound(f"case {case_id!r}: report {report_id!r} has no {link} {target!r}")
            setattr(report, link, [v for v in values if v != target])

        return self._edit(case_id, _own_read("reports", report_id), change, "link.delete", expected_revision, actor)

    # ---- burns ---------------------------------------------------------------------------------
    def burn(self, case_id: str, source: str, since: str, *, burn_actor: str | None = None, note: str = "",
             expected_revision: int | None = None, actor: str | None = None, burn_id: str | None = None,
             impact: bool = True) -> tuple[Case, int, BurnImpact | None]:
        """Record that ``source`` is compromised from ``since`` (:func:`sevenfold.burn`); returns the stored
        case, its revision and what falls (``impact=False``: None, and no assessment is run). The source
        and ``burn_actor`` must exist; the same source, date and actor burned twice is :class:`EntryExists`.
        The burn id is ``burn_id`` (:class:`EntryExists` when taken) or ``burn-N``, chosen on the stored case."""
        stored, revision, found, _ = self.burn_with_what_if(
            case_id, source, since, burn_actor=burn_actor, note=note, expected_revision=expected_revision,
            actor=actor, burn_id=burn_id, impact=impact)
        return stored, revision, found

    def burn_with_what_if(self, case_id: str, source: str, since: str, *, burn_actor: str | None = None,
                          note: str = "", expected_revision: int | None = None, actor: str | None = None,
                          burn_id: str | None = None, impact: bool = True, viewer: str | Viewer | None = None,
                          ) -> tuple[Case, int, BurnImpact | None, WhatIf | None]:
        """:meth:`burn`, and the what-if its impact was computed from (one assessment before, one after);
        with ``viewer``, both computed on the case as that analyst may see it (:func:`case_seen_by`)."""
        from sevenfold.api import burn_with_what_if
        from sevenfold.provenance import make_burn
        from sevenfold.store.entry_edit import Read

        found: BurnImpact | None = None
        what_if: WhatIf | None = None
        recorded_at: str | None = None
        if impact:  # what falls is computed on the case as read; the burn is made again on the stored case
            case, _ = self.load(case_id)
            if viewer is not None:
                case = case_seen_by(case, viewer)
            _, found, what_if = burn_with_what_if(case, source, since, burn_actor, note)
            recorded_at = found.burn.recorded_at
        final: list[Any] = []

        def change(c: Case) -> Case:
            fresh = make_burn(c, source, since, burn_actor, note, recorded_at)
            same = next((b for b in c.burns if (b.source, b.since, b.actor) == (fresh.source, fresh.since,
                                                                                 fresh.actor)), None)
            if same is not None:
                raise EntryExists(f"case {case_id!r}: source {fresh.source!r} is already burned since {fresh.since}"
                                  + (f" by {fresh.actor}" if fresh.actor else "") + f" ({same.id})")
            if burn_id is not None:
                if any(b.id == burn_id for b in c.burns):
                    raise EntryExists(f"case {case_id!r}: burn {burn_id!r} already exists")
                fresh = fresh.model_copy(update={"id": burn_id})
            final[:] = [fresh]
            return c.model_copy(update={"burns": [*c.burns, fresh]})

        reads = {"burns": Read(), "actors": Read(), "sources": Read(where={"key": [source]})}
        stored, new_revision = self._edit(case_id, reads, change, "burn", expected_revision, actor)
        if found is not None and final and final[0] != found.burn:
            found = found.model_copy(update={"burn": final[0]})
        return stored, new_revision, found, what_if

    def unburn(self, case_id: str, burn_or_source: str, *, expected_revision: int | None = None,
               actor: str | None = None) -> tuple[Case, int, list[Any]]:
        """Remove a burn (by id) or every burn of a source (by source id); returns the removed burns."""
        from sevenfold.provenance import unburn
        from sevenfold.store.entry_edit import Read

        removed: list[Any] = []

        def drop(c: Case) -> Case:
            new_case, gone = unburn(c, burn_or_source)
            removed[:] = gone
            return new_case

        case, revision = self._edit(case_id, {"burns": Read()}, drop, "unburn", expected_revision, actor)
        return case, revision, removed

    # ---- grants --------------------------------------------------------------------------------
    def grant(self, case_id: str, user: str, role: str, *, keep_an_owner: bool = False,
              actor: str | None = None) -> None:
        """Give ``user`` ``role`` (reader, analyst, owner) on the case (audited)."""
        from sevenfold.store import accounts

        accounts.grant(self.store, case_id, user, role, actor=self._who(actor), keep_an_owner=keep_an_owner)

    def revoke(self, case_id: str, user: str, *, keep_an_owner: bool = False, actor: str | None = None) -> None:
        from sevenfold.store import accounts

        accounts.revoke(self.store, case_id, user, actor=self._who(actor), keep_an_owner=keep_an_owner)

    def grants(self, case_id: str) -> dict[str, str]:
        from sevenfold.store import accounts

        return dict(accounts.grants_on_case(self.store, case_id))


def _own_read(kind: str, entry_id: str) -> dict[str, Read]:
    """An edit of one entry reads that entry (outcomes, named by position, are read whole)."""
    from sevenfold.store.entry_edit import Read

    if kind == "outcomes":
        return {"outcomes": Read()}
    return {kind: Read(where={"key": [entry_id]})}


def _reads_for_ratings(ratings: Sequence[Any], reads: Mapping[str, Sequence[str]]) -> dict[str, Read]:
    """What adding entries back with their ratings reads: the entries (``reads``: kind -> ids), and the
    reports, hypotheses and ratings those ratings name (:func:`_restore` checks them)."""
    from sevenfold.store.entry_edit import Read

    ids: dict[str, set[str]] = {kind: set(keys) for kind, keys in reads.items()}
    if ratings:
        ids.setdefault("reports", set()).update(rt.report for rt in ratings)
        ids.setdefault("hypotheses", set()).update(rt.hypothesis for rt in ratings)
    out = {kind: Read(where={"key": sorted(keys)}) if kind != "outcomes" else Read() for kind, keys in ids.items()}
    if ratings:
        out["ratings"] = Read(where={"report_id": sorted(ids["reports"])})
    return out


def _delete_reads(kind: str, entry_id: str) -> dict[str, Read]:
    """What deleting an entry reads: the entry, and every entry that may point at it (:func:`references`)."""
    from sevenfold.store.entry_edit import REFERRERS, Read

    if kind == "outcomes":
        return {"outcomes": Read()}
    reads = {kind: Read(where={"key": [entry_id]})}
    for referrer in REFERRERS.get(kind, ()):
        if referrer == "ratings":
            reads["ratings"] = Read(where={SINGULAR[kind] + "_id": [entry_id]})
        elif referrer == "outcomes":  # positional: read whole
            reads["outcomes"] = Read()
        elif referrer == kind:
            reads[kind] = Read(where={"key": [entry_id]}, mentions=[entry_id], claims=[entry_id])
        else:
            reads[referrer] = Read(where={}, mentions=[entry_id], claims=False)
    return reads


def _link_reads(report_id: str, link: str, target: str) -> dict[str, Read]:
    from sevenfold.store.entry_edit import Read

    if link == "via":
        return {"reports": Read(where={"key": [report_id]}), "sources": Read(where={"key": [target]})}
    return {"reports": Read(where={"key": [report_id, target]})}


class StoredCase:
    """The stored case after an edit, read from the store when first used (an edit reads and writes only the
    entries it changes, so nothing is read unless the caller looks). ``id`` needs no read."""

    def __init__(self, store: Store, case_id: str) -> None:
        self._store = store
        self._case_id = case_id
        self._case: Case | None = None

    @property
    def id(self) -> str:
        return self._case_id

    def loaded(self) -> Case:
        """The stored case itself (read now, once)."""
        if self._case is None:
            self._case = self._store.load_case(self._case_id)
        return self._case

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.loaded(), name)

    def __eq__(self, other: object) -> bool:
        return self.loaded() == (other.loaded() if isinstance(other, StoredCase) else other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"StoredCase({self._case_id!r})"


def _find(case: Case, kind: str, entry_id: str) -> tuple[int, Any]:
    entries = getattr(case, kind)
    if kind == "outcomes":
        try:
            i = int(str(entry_id).removeprefix("#"))
        except ValueError:
            raise InputError(f"outcome {entry_id!r}: outcomes are named by position (#0, #1, ...)") from None
        if not 0 <= i < len(entries):
            raise NotFound(f"case {case.id!r}: no outcome #{i}")
        return i, entries[i]
    for i, e in enumerate(entries):
        if e.id == entry_id:
            return i, e
    raise NotFound(f"case {case.id!r}: no {SINGULAR[kind]} {entry_id!r}")


def _restore(case: Case, ratings: list[Any]) -> None:
    """Put back deleted ratings whose report and hypothesis exist and whose cell nobody has rated since."""
    hypotheses = {h.id for h in case.hypotheses}
    reports = {r.id for r in case.reports}
    taken = {(rt.report, rt.hypothesis, rt.analyst) for rt in case.ratings}
    for rt in ratings:
        key = (rt.report, rt.hypothesis, rt.analyst)
        if rt.report in reports and rt.hypothesis in hypotheses and key not in taken:
            case.ratings.append(rt)
            taken.add(key)


def _refusal(case_id: str, kind: str, entry_id: str, refs: list[Reference]) -> str:
    analysts = sorted({r.analyst or "(unnamed analyst)" for r in refs if r.kind == "ratings"})
    others = [str(r) for r in refs if r.kind != "ratings"]
    parts = []
    if analysts:
        n = sum(1 for r in refs if r.kind == "ratings")
        parts.append(f"{n} rating(s) by {', '.join(analysts)}")
    if others:
        parts.append(", ".join(others[:20]) + (f" and {len(others) - 20} more" if len(others) > 20 else ""))
    return (f"case {case_id!r}: {SINGULAR[kind]} {entry_id!r} is referenced by {'; '.join(parts)}; "
            "confirm to delete them with it (force)")
