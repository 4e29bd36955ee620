"""Our scales on STIX 2.1's ``confidence`` (0-100), after STIX 2.1 Appendix A (confidence scales).

* assessment confidence (low | moderate | high) ↔ the "Low/Med/High" scale:
  low → 15, moderate → 50, high → 85; back: 0 → none, 1-29 low, 30-69 moderate, 70-100 high.
* report credibility (Admiralty 1-6 information scale) ↔ the "Admiralty Credibility" scale:
  1 → 90, 2 → 70, 3 → 50, 4 → 30, 5 → 10, 6 (truth cannot be judged) → no confidence;
  back: 80-100 → 1, 60-79 → 2, 40-59 → 3, 20-39 → 4, 0-19 → 5, absent → 6.
* a hypothesis's posterior probability p → round(100 p) (STIX confidence is the creator's confidence
  that the object is correct, on a 0-100 scale); absent posterior → no confidence, never invented.
"""

from __future__ import annotations

CONFIDENCE_TO_STIX = {"low": 15, "moderate": 50, "high": 85}
CREDIBILITY_TO_STIX = {1: 90, 2: 70, 3: 50, 4: 30, 5: 10}


def confidence_to_stix(level: str | None) -> int | None:
    return CONFIDENCE_TO_STIX.get(level) if level else None


def stix_to_confidence(value: int | None) -> str | None:
    if value is None or value == 0:
        return None
    if value < 30:
        return "low"
    if value < 70:
        return "moderate"
    return "high"


def credibility_to_stix(credibility: int | None) -> int | None:
    return CREDIBILITY_TO_STIX.get(credibility) if credibility is not None else None


def stix_to_credibility(value: int | None) -> int:
    if value is None:
        return 6
    if value >= 80:
        return 1
    if value >= 60:
        return 2
    if value >= 40:
        return 3
    if value >= 20:
        return 4
    return 5


def posterior_to_stix(p: float | None) -> int | None:
    return None if p is None else max(0, min(100, round(100 * p)))
