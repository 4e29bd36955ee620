"""What the API and the UI read: the what-if of a burn.

Edits and the assessment cache are the library's (:class:`sevenfold.workspace.Workspace`: one
transaction each, optimistic concurrency, audited per entry; :class:`~sevenfold.workspace.AssessmentCache`).
"""

from __future__ import annotations

from typing import Any

from sevenfold.model import Case
from sevenfold.model.results import Assessment
from sevenfold.workspace import AssessmentCache

__all__ = ["AssessmentCache", "burn_what_if", "what_if_view"]


# ---- what falls when a source is burned --------------------------------------------------------
def _summary(a: Assessment) -> dict[str, Any]:
    return {"top": a.top, "confidence": a.confidence,
            "hypotheses": [{"id": h.id, "posterior": h.posterior, "estimative": h.estimative,
                            "inconsistency": h.inconsistency} for h in a.hypotheses],
            "alerts": [al.model_dump(mode="json") for al in a.alerts]}


def burn_what_if(case: Case, source_id: str, since: str | None, actor: str | None = None) -> dict[str, Any]:
    """Before/after assessment when ``source_id`` is treated as compromised from ``since`` (without a
    date: everything from or through it left out) — :func:`sevenfold.pipeline.what_if`, as the CLI's
    ``burn`` uses it."""
    from sevenfold.pipeline import what_if

    return what_if_view(what_if(case, source=source_id, since=since or None, actor=actor), source_id, since)


def what_if_view(w: Any, source_id: str, since: str | None) -> dict[str, Any]:
    """What the page shows of a burn's what-if (a :class:`sevenfold.pipeline.WhatIf`)."""
    method = ("the burn is applied (its reports become fed under a deception by any deceiver) and the case "
              "re-assessed" if since else "reports from or through the source are left out and the case re-assessed")
    return {"source": source_id, "since": since, "falls": w.falls, "method": method,
            "hypotheses": [h.model_dump(mode="json") for h in w.hypotheses], "why": w.why,
            "before": _summary(w.before), "after": _summary(w.after), "top_changes": w.top_changes}
