"""Fusion inside the assessment pipeline: source trust and copy pairs learned from a case's claims.

A case's reports may carry structured claims (``object, attribute, value``). When several sources
state values for the same items, truth discovery learns how often each source is right and who copies
whom; the assessment blends that trust into source reliability, and provenance merges copiers' reports
into one origin (a copy is not independent corroboration).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: below this many sources stating common items, trust is not learned (exact duplicates count once).
#: With four sources — two honest, one poor source and its copier — agreement alone cannot tell the
#: honest pair from the copying pair, and ACCU-COPY can side with the copiers
#: (tests/fusion/test_case_fusion.py keeps that case): no trust is better than confidently wrong trust.
MIN_SOURCES = 5
CONTESTED_LISTED = 5


@dataclass(frozen=True)
class CaseFusion:
    """What fusion learned from a case's claims (``None`` fields: too few overlapping sources)."""

    trust: dict[str, float] | None = None  # source id → trust, for sources stating a shared item
    copy_pairs: list[Any] | None = None
    #: ACCU-COPY's start check: other start → share of items whose answer differs (empty: one start,
    #: or a method without starts). Non-zero: the learned trust depends on where the fit starts.
    start_disagreement: dict[str, float] = field(default_factory=dict)
    items: int = 0  # items the fit decided
    #: items whose truth a dated outcome settles (confirmed value) and the fit took as known
    verified_items: int = 0
    #: items whose outcomes contradict each other (two values confirmed, or one confirmed and refuted):
    #: not used to anchor the fit
    conflicting_outcomes: int = 0
    #: ``(object, attribute)`` of the items on which the start check differs, most-stated first (up to
    #: :data:`CONTESTED_LISTED`): what to verify first
    contested: list[tuple[str, str]] = field(default_factory=list)
    #: confirmed outcome values that match no stated value of their item (every stated value then false)
    unmatched_outcomes: int = 0


def outcome_rows(case: Any) -> list[tuple[str, str, str, str]]:
    """``(object, attribute, value, verdict)`` of the claim outcomes known at ``case.as_of``.

    Outcomes on a report or a hypothesis, unresolved ones and ones without a value are not verified
    values; an outcome dated after ``as_of`` is not known yet (no hindsight). Non-string values are
    written as JSON, as :meth:`ClaimMatrix.from_case` writes claim values.
    """
    from sevenfold.fusion.matrix import case_value_text

    rows = []
    for o in case.known_outcomes():
        if o.claim is None or o.claim.value is None:
            continue
        rows.append((o.claim.object, o.claim.attribute, str(case_value_text(o.claim.value)), o.verdict))
    return rows


def case_fusion(case: Any, *, method: str | None = None, copy_threshold: float = 0.5) -> CaseFusion:
    """Trust, copy pairs and the start check from the claims of the reports known at ``case.as_of``.

    Claim outcomes known at ``as_of`` (:func:`outcome_rows`) are verified values: the fit takes them
    as known (docs/fusion.md, *Verified items*), so a source's trust also reflects its record on
    checked items, and a source that agrees with a checked-reliable one gains from it. A confirmed
    value that no claim states makes every stated value of its item false; ``unmatched_outcomes``
    counts them (usually a spelling or format slip worth checking).

    Only sources that state at least one item another source also states get a trust value (a
    lone statement cannot be checked against anything). Nothing is learned when fewer than
    :data:`MIN_SOURCES` such sources remain once exact duplicates
    (:func:`~sevenfold.fusion.copying.duplicate_groups`) count as one. Without a ``method``, the one
    :func:`~sevenfold.fusion.run.default_method` picks (as ``sevenfold fuse`` does).
    """
    from sevenfold.fusion.copying import PairCounts, duplicate_groups
    from sevenfold.fusion.matrix import ClaimMatrix
    from sevenfold.fusion.registry import make_method
    visible = [r for r in case.visible_reports() if r.claims]
    if not visible:
        return CaseFusion()
    cm = ClaimMatrix.from_case(case.model_copy(update={"reports": visible}))
    shared_items = cm.item_n_claims >= 2
    overlapping = np.zeros(cm.n_sources, dtype=bool)
    overlapping[cm.claim_source[shared_items[cm.claim_item]]] = True
    # independent witnesses, not sources: exact duplicates of each other count once (three always-right
    # witnesses are as uninformative about each other as three copies)
    groups = duplicate_groups(PairCounts(cm))
    if np.unique(groups[overlapping]).size < MIN_SOURCES:
        return CaseFusion()
    from sevenfold.fusion.verified import Verified

    verified = Verified.from_rows(cm, outcome_rows(case), origin=f"{case.case.id}: outcomes", conflicts="drop")
    from sevenfold.fusion.run import default_method

    estimator = make_method(method or default_method(cm.n_sources)).fit(cm, verified=verified)
    trust = {str(label): float(t) for label, t, ok in zip(cm.source_labels, estimator.source_trust_, overlapping,
                                                          strict=True) if ok}
    pairs = estimator.copy_pairs(copy_threshold) if hasattr(estimator, "copy_pairs") else None
    differs = estimator.verify_first(CONTESTED_LISTED) if hasattr(estimator, "verify_first") else ()
    contested = [(str(cm.item_object[i]), str(cm.item_attribute[i])) for i in differs]
    return CaseFusion(trust, pairs, dict(getattr(estimator, "start_disagreement_", {})), cm.n_items,
                      int(verified.known_items(cm).sum()), verified.conflicting, contested,
                      int(verified.unstated_item.size))


def case_trust_and_copying(case: Any, *, method: str | None = None,
                           copy_threshold: float = 0.5) -> tuple[dict[str, float] | None, list[Any] | None]:
    """``(trust by source id, copy pairs)`` of :func:`case_fusion`; ``(None, None)`` when fewer than
    :data:`MIN_SOURCES` sources overlap."""
    result = case_fusion(case, method=method, copy_threshold=copy_threshold)
    return result.trust, result.copy_pairs
