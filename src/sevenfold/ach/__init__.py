"""Assessment façade: ``assess_case(case, *, origins=None, fusion_trust=None, copy_pairs=None) -> Assessment``.

The engine is Bayesian Analysis of Competing Hypotheses with adversary-controlled channels
(``method: bayes-ach/1``; see docs/assessment.md). Heuer's inconsistency count stays beside every
posterior (``inconsistency``) and alone in :func:`inconsistency_scores`.

>>> from sevenfold.model import load_case
>>> from sevenfold.ach import assess_case
>>> a = assess_case(load_case("zarubin-1937.yaml"))      # doctest: +SKIP
>>> a.top, a.confidence, a.hypotheses[0].estimative     # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sevenfold.ach.bayes import METHOD, run
from sevenfold.ach.heuer import inconsistency_scores
from sevenfold.ach.language import estimative
from sevenfold.model import Case
from sevenfold.model.results import Assessment, OriginResult

__all__ = ["METHOD", "Assessment", "OriginResult", "assess_case", "estimative", "inconsistency_scores"]


def assess_case(case: Case, *, origins: list[OriginResult] | None = None,
                fusion_trust: Mapping[str, float] | None = None,
                copy_pairs: Iterable[Any] | None = None, detail: bool = True,
                exclude: Iterable[str] | None = None) -> Assessment:
    """Assess ``case`` as of ``case.case.as_of``.

    ``origins``: independent evidence units from provenance (reports sharing an origin count once);
    when ``None``, reports linked by ``derived_from`` share one and every other report is its own.
    ``fusion_trust``: source id -> trust in [0, 1] learned by fusion, blended into the Beta posterior.
    ``copy_pairs``: ``(copier, original, probability)`` rows (or ``fusion.CopyPair``): a copier's
    reports are discounted by ``1 − probability``.
    ``detail=False`` skips the per-source "what if controlled" sensitivity and verify-next (fields ``None``).
    ``exclude``: report ids left out (each one's share of its origin stays vacant, so removing a report
    never raises a hypothesis it supports).
    Raises :class:`sevenfold.errors.AssessmentError` (listing every problem) before computing anything.
    """
    return run(case, origins=origins, fusion_trust=fusion_trust, copy_pairs=copy_pairs, detail=detail,
               exclude=exclude)
