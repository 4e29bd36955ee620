"""What the API and the UI do to cases: cached assessments, edits with optimistic concurrency, what-if burns.

Edits go through :meth:`Store.update_case` with the caller's ``expected_revision`` (from
``If-Match``) and an audit actor. Commutative cell edits (one analyst's rating of one cell, adding
an entry with a fresh id) are retried on :class:`Conflict` against the newest revision, so ten
analysts editing different cells at once lose nothing; every other edit with a stale ``If-Match``
fails with 412.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from sevenfold.ach.result import Assessment
from sevenfold.errors import Conflict
from sevenfold.model import Case, may_be_on_or_after
from sevenfold.pipeline import run_assessment
from sevenfold.store import Store

_MAX_COMMUTATIVE_RETRIES = 50


class AssessmentCache:
    """Per-process LRU of (case id, version) -> (case, Assessment, JSON bytes): a version never changes.

    The version is :meth:`Store.version`, the revision *and* when it was written: a case imported under
    the id of one deleted without an audit record starts at revision 1 again, and must not be served the
    old case's entry.
    Concurrent misses on the same key compute once (the others wait for it), so fifty readers
    arriving together cost one assessment, not fifty.
    """

    def __init__(self, size: int = 32) -> None:
        self._size = size
        self._items: OrderedDict[tuple[str, tuple[int, str]], tuple[Case, Assessment, bytes]] = OrderedDict()
        self._lock = threading.Lock()
        self._computing: dict[tuple[str, tuple[int, str]], threading.Lock] = {}

    def _entry(self, store: Store, case_id: str) -> tuple[tuple[Case, Assessment, bytes], int]:
        key = (case_id, store.version(case_id))
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
                return hit, key[1][0]
            gate = self._computing.setdefault(key, threading.Lock())
        with gate:
            with self._lock:
                hit = self._items.get(key)
            if hit is not None:
                return hit, key[1][0]
            case, version = store.load_case_with_version(case_id)
            assessment = run_assessment(case)
            body = json.dumps(assessment.to_json_dict(), ensure_ascii=False, separators=(",", ":")).encode()
            entry = (case, assessment, body)
            with self._lock:
                self._items[(case_id, version)] = entry
                self._items.move_to_end((case_id, version))
                while len(self._items) > self._size:
                    self._items.popitem(last=False)
                self._computing.pop(key, None)
            return entry, version[0]

    def peek_json(self, store: Store, case_id: str) -> tuple[bytes, int] | None:
        """The cached JSON of the current version, or None (cheap: one indexed query)."""
        key = (case_id, store.version(case_id))
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
                return hit[2], key[1][0]
        return None

    def get(self, store: Store, case_id: str) -> tuple[Case, int, Assessment]:
        (case, assessment, _), revision = self._entry(store, case_id)
        return case, revision, assessment

    def json_bytes(self, store: Store, case_id: str) -> tuple[bytes, int]:
        """The assessment as JSON (what `sevenfold assess --json` prints, compact) and its revision."""
        (_, _, body), revision = self._entry(store, case_id)
        return body, revision

    def load(self, store: Store, case_id: str) -> tuple[Case, int]:
        case, revision, _ = self.get(store, case_id)
        return case, revision


def _marking_fields_set(change: Callable[[Case], Any]) -> Callable[[Case], Case]:
    """Run ``change`` and mark every top-level field as set.

    ``Store.update_case`` re-validates ``model_dump(exclude_unset=True)``: a list that was absent
    from the stored case and then appended to in place (``case.burns.append(...)``) would count as
    unset and be dropped. Re-assigning each field records it as set.
    """

    def run(case: Case) -> Case:
        result = change(case)
        new = result if result is not None else case
        for name in type(new).model_fields:
            setattr(new, name, getattr(new, name))
        return new

    return run


def edit(store: Store, case_id: str, change: Callable[[Case], Any], *, actor: str, action: str,
         expected_revision: int | None, commutative: bool) -> tuple[Case, int]:
    """Apply ``change``; retry on Conflict only when the edit commutes with others."""
    expected = expected_revision
    for _ in range(_MAX_COMMUTATIVE_RETRIES):
        try:
            return store.update_case(case_id, _marking_fields_set(change), expected_revision=expected,
                                     actor=actor, action=action)
        except Conflict:
            if not commutative:
                raise
            expected = store.revision(case_id)  # re-apply the same cell edit on the newest case
    raise Conflict(f"case {case_id!r} is changing too fast; try again")


# ---- what falls when a source is burned --------------------------------------------------------
def falling_reports(case: Case, source_id: str, since: str | None) -> list[str]:
    """Reports from (or passed on by) ``source_id`` that may date from ``since`` on, and every report
    derived from them. Undated reports fall (they cannot be shown to predate the compromise)."""
    fallen = {r.id for r in case.reports
              if (r.source == source_id or source_id in r.via)
              and (since is None or may_be_on_or_after(r.date, since))}
    changed = True
    while changed:  # derived_from closure
        changed = False
        for r in case.reports:
            if r.id not in fallen and any(d in fallen for d in r.derived_from):
                fallen.add(r.id)
                changed = True
    return [r.id for r in case.reports if r.id in fallen]


def without_reports(case: Case, report_ids: set[str]) -> Case:
    data = case.model_copy(deep=True)
    data.reports = [r for r in data.reports if r.id not in report_ids]
    data.ratings = [rt for rt in data.ratings if rt.report not in report_ids]
    data.outcomes = [o for o in data.outcomes if o.report not in report_ids]
    return data


def _summary(a: Assessment) -> dict[str, Any]:
    return {"top": a.top, "confidence": a.confidence,
            "hypotheses": [{"id": h.id, "posterior": h.posterior, "estimative": h.estimative,
                            "inconsistency": h.inconsistency} for h in a.hypotheses],
            "alerts": [al.model_dump(mode="json") for al in a.alerts]}


def burn_what_if(case: Case, source_id: str, since: str | None) -> dict[str, Any]:
    """Before/after assessment when ``source_id`` is treated as compromised from ``since``.

    With the provenance stage (``sevenfold.provenance.burn_source``) the burn is applied as the
    engine sees it (a Burn entry; common origins and copies fall too). Without it, or without a
    date, the reports that may fall are removed and the case re-assessed.
    """
    case.source(source_id)  # NotFound for an unknown source
    before = run_assessment(case)
    try:
        from sevenfold.provenance import burn_source
    except ImportError:
        burn_source = None  # type: ignore[assignment]
    result: dict[str, Any] = {"source": source_id, "since": since}
    if burn_source is not None and since:
        new_case, impact = burn_source(case, source_id, since)
        after = run_assessment(new_case)
        result["falls"] = [r.id for r in impact.reports] + [r.id for r in impact.derived
                                                            if r.id not in {x.id for x in impact.reports}]
        result["method"] = ("sevenfold.provenance.burn_source: the burn is applied and the case re-assessed; "
                            "reports from the source (and those resting on them) are discounted")
        result["provenance"] = impact.model_dump(mode="json")
    else:
        fallen = falling_reports(case, source_id, since)
        after = run_assessment(without_reports(case, set(fallen)))
        result["falls"] = fallen
        result["method"] = ("reports from the source (or via it) from `since` on, and reports derived from "
                            "them, are removed and the case re-assessed")
    result.update(before=_summary(before), after=_summary(after), top_changes=before.top != after.top)
    return result
