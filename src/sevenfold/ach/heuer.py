"""Heuer's Analysis of Competing Hypotheses: the inconsistency count.

Heuer (1999), *Psychology of Intelligence Analysis*, ch. 8: the most likely hypothesis is the one
with the *least* evidence against it. Score = Σ over reports of 1 per I and 2 per II (the weighted
score of PARC's ACH 2.0). With several analysts, each cell's score is the mean over analysts.
"""

from __future__ import annotations

from collections import defaultdict

from sevenfold.model import Case
from sevenfold.model.vocab import INCONSISTENCY_WEIGHT

__all__ = ["INCONSISTENCY_WEIGHT", "inconsistency_scores", "visible_report_ids"]


def visible_report_ids(case: Case) -> set[str]:
    """Ids of the reports known at ``case.as_of`` (no hindsight)."""
    return {r.id for r in case.visible_reports()}


def inconsistency_scores(case: Case) -> dict[str, float]:
    """Heuer's weighted inconsistency per hypothesis (0 = nothing against it)."""
    visible = visible_report_ids(case)
    cells: dict[tuple[str, str], list[float]] = defaultdict(list)
    for rt in case.ratings:
        if rt.report in visible and rt.consistency is not None:
            cells[(rt.report, rt.hypothesis)].append(INCONSISTENCY_WEIGHT[rt.consistency])
    scores = {h.id: 0.0 for h in case.hypotheses}
    for (_, hyp), values in cells.items():
        if hyp in scores:
            scores[hyp] += sum(values) / len(values)
    return scores
