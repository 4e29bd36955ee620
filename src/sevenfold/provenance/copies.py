"""Copy detection for provenance: fusion's Accu-Copy (Dong et al. 2009) run on a case's claims."""

from __future__ import annotations

from typing import Any

from sevenfold.model import Case


def detect_copy_pairs(case: Case, threshold: float = 0.5) -> list[Any]:
    """Fusion's copy pairs (``CopyPair``: copier, original, probability, dependence) for ``case``.

    Empty when the case has no structured claims (there is nothing to compare).
    """
    if not any(r.claims for r in case.reports):
        return []
    from sevenfold.fusion import AccuCopy

    model = AccuCopy()
    model.fit(case)
    return model.copy_pairs(threshold)
