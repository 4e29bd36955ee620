"""The case vocabulary, defined once: Heuer consistency codes (their scores, likelihoods and labels) and
the kinds of alert an assessment can raise. Every stage and front end imports these; none spells the
codes out again (tests/test_vocab.py checks).

The words for numbers (ICD 203 estimative bands, Admiralty reliability and credibility grades) are
defined once in :mod:`sevenfold.ach.language`, next to the thresholds that pick them.
"""

from __future__ import annotations

from typing import Literal, get_args

#: Heuer's consistency of a report with a hypothesis: CC very consistent ... II very inconsistent,
#: NA not applicable (the report says nothing about the hypothesis).
Consistency = Literal["CC", "C", "N", "I", "II", "NA"]
CONSISTENCY_CODES: tuple[str, ...] = get_args(Consistency)
#: the rated codes, most consistent first (NA is not on the scale)
CONSISTENCY_SCALE: tuple[str, ...] = ("CC", "C", "N", "I", "II")

CONSISTENCY_LABELS: dict[str, str] = {
    "CC": "very consistent", "C": "consistent", "N": "neutral", "I": "inconsistent", "II": "very inconsistent",
    "NA": "not applicable",
}
#: a signed score per code: + supports, − contradicts (NA: no score; it is not on the scale)
CONSISTENCY_SCORE: dict[str, float] = {"CC": 2.0, "C": 1.0, "N": 0.0, "I": -1.0, "II": -2.0}
#: P(report | hypothesis) for each code. Only ratios matter: CC/N = 1.8, N/II = 5 (docs/assessment.md).
CONSISTENCY_LIKELIHOOD: dict[str, float] = {"CC": 0.9, "C": 0.7, "N": 0.5, "I": 0.3, "II": 0.1}
#: Heuer's inconsistency count: 1 per I and 2 per II (PARC ACH 2.0's weighted score)
INCONSISTENCY_WEIGHT: dict[str, float] = {"CC": 0.0, "C": 0.0, "N": 0.0, "NA": 0.0, "I": 1.0, "II": 2.0}

#: every alert kind, with what it warns about (docs/assessment.md and docs/provenance.md say more)
ALERT_KINDS: dict[str, str] = {
    "single_origin": "the hypothesis rests on reports that share one origin",
    "coerced_only": "every report supporting the hypothesis is a coerced confession",
    "interested_only": "every report supporting the hypothesis goes the way its speaker wants",
    "common_origin": "several reports share one origin and count once",
    "hearsay_depth": "a report passed through several hands",
    "controlled_source": "a source is controlled by an actor",
    "burned_source": "a source is burned; its reports from the burn date fall",
    "derived_cycle": "derived_from links run in a circle",
    "overlapping_hypotheses": "two hypotheses are rated alike everywhere",
    "no_deception_hypothesis": "a controlled channel exists but no hypothesis says it deceives",
    "unrated_hypothesis": "a hypothesis has no ratings",
    "priors_normalised": "the priors did not sum to 1 and were rescaled",
    "prior_contradicted": "the evidence points away from the hypothesis the priors favour",
    "single_channel_verdict": "the verdict turns on one channel",
    "analyst_disagreement": "analysts' ratings lead to different verdicts",
    "fusion_depends_on_start": "source trust learned from the claims depends on where the fit starts",
}
AlertKind = Literal[
    "single_origin", "coerced_only", "interested_only", "common_origin", "hearsay_depth", "controlled_source",
    "burned_source", "derived_cycle", "overlapping_hypotheses", "no_deception_hypothesis", "unrated_hypothesis",
    "priors_normalised", "prior_contradicted", "single_channel_verdict", "analyst_disagreement",
    "fusion_depends_on_start",
]

__all__ = ["ALERT_KINDS", "CONSISTENCY_CODES", "CONSISTENCY_LABELS", "CONSISTENCY_LIKELIHOOD", "CONSISTENCY_SCALE",
           "CONSISTENCY_SCORE", "INCONSISTENCY_WEIGHT", "AlertKind", "Consistency"]
