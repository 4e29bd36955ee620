"""What the API and the UI do to cases: cached assessments, edits with optimistic concurrency, what-if burns.

Edits go through :meth:`Store.update_case` with the caller's ``expected_revision`` (from
``If-Match``) and an audit actor. Commutative cell edits (one analyst's rating of one cell, adding
an entry with a fresh id) are retried on :class:`Conflict` against the newest revision, so ten
analysts editing different cells at once lose nothing; every other edit with a stale ``If-Match``
fails with 412.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from sevenfold.assess import assess_case
from sevenfold.assess.result import Assessment
from sevenfold.errors import Conflict
from sevenfold.model import Case, may_be_on_or_after
from sevenfold.store import Store

_MAX_COMMUTATIVE_RETRIES = 50


class AssessmentCache:
    """Per-process LRU of (case id, revision) -> (case, Assessment): a revision never changes."""

    def __init__(self, size: int = 32) -> None:
        self._size = size
        self._items: OrderedDict[tuple[str, int], tuple[Case, Assessment]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, store: Store, case_id: str) -> tuple[Case, int, Assessment]:
        revision = store.revision(case_id)
        key = (case_id, revision)
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
                return hit[0], revision, hit[1]
        case, revision = store.load_case_with_revision(case_id)
        assessment = assess_case(case)
        with self._lock:
            self._items[(case_id, revision)] = (case, assessment)
            self._items.move_to_end((case_id, revision))
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return case, revision, assessment

    def load(self, store: Store, case_id: str) -> tuple[Case, int]:
        case, revision, _ = self.get(store, case_id)
        return case, revision


def edit(store: Store, case_id: str, change: Callable[[Case], Any], *, actor: str, action: str,
         expected_revision: int | None, commutative: bool) -> tuple[Case, int]:
    """Apply ``change``; retry on Conflict only when the edit commutes with others."""
    expected = expected_revision
    for _ in range(_MAX_COMMUTATIVE_RETRIES):
        try:
            return store.update_case(case_id, change, expected_revision=expected, actor=actor, action=action)
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
    before = assess_case(case)
    try:
        from sevenfold.provenance import burn_source
    except ImportError:
        burn_source = None  # type: ignore[assignment]
    result: dict[str, Any] = {"source": source_id, "since": since}
    if burn_source is not None and since:
        new_case, impact = burn_source(case, source_id, since)
        after = assess_case(new_case)
        result["falls"] = [r.id for r in impact.reports] + [r.id for r in impact.derived
                                                            if r.id not in {x.id for x in impact.reports}]
        result["method"] = ("sevenfold.provenance.burn_source: the burn is applied and the case re-assessed; "
                            "reports from the source (and those resting on them) are discounted")
        result["provenance"] = impact.model_dump(mode="json")
    else:
        fallen = falling_reports(case, source_id, since)
        after = assess_case(without_reports(case, set(fallen)))
        result["falls"] = fallen
        result["method"] = ("reports from the source (or via it) from `since` on, and reports derived from "
                            "them, are removed and the case re-assessed")
    result.update(before=_summary(before), after=_summary(after), top_changes=before.top != after.top)
    return result
