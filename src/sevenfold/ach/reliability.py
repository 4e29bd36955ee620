"""Source reliability from evidence: a Beta-binomial posterior, not a typed-in grade.

r_s ~ Beta(a0 + confirmed + k·t, b0 + refuted + k·(1 − t))

* (a0, b0): prior by source kind (:data:`KIND_PRIOR`);
* confirmed / refuted: ``track_record`` plus outcomes dated <= as_of on the source's own reports
  (``outcome.report``) or on claims its reports made (``outcome.claim``: same value counts as the
  verdict, a different value for the same object/attribute as its opposite);
* t: trust learned by fusion (if given) as ``k = FUSION_PSEUDO_COUNT`` pseudo-observations.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scipy.special import betaincinv

from sevenfold.ach.language import ADMIRALTY_WORDS, admiralty_grade
from sevenfold.model import Case, Source, originating_source

# Beta prior per source kind: mean 0.5 (no opinion) with the weight of 4 observations, except
# technical collection and intercepts whose failure mode is noise rather than lying (mean 0.6).
KIND_PRIOR: dict[str, tuple[float, float]] = {
    "human": (2.0, 2.0),
    "document": (2.0, 2.0),
    "official": (2.0, 2.0),
    "open": (2.0, 2.0),
    "intercept": (3.0, 2.0),
    "technical": (3.0, 2.0),
}
FUSION_PSEUDO_COUNT = 4.0


@dataclass
class SourceReliability:
    source: str
    alpha: float
    beta: float
    confirmed: int = 0
    refuted: int = 0
    fusion_trust: float | None = None
    suspect: list[str] = field(default_factory=list)  # why it may be adversary-fed

    @property
    def mean(self) -> float:
        return self.alpha / (self.alpha + self.beta)

    @property
    def lower10(self) -> float:
        return float(betaincinv(self.alpha, self.beta, 0.10))

    @property
    def observations(self) -> float:
        return self.confirmed + self.refuted + (FUSION_PSEUDO_COUNT if self.fusion_trust is not None else 0.0)

    @property
    def admiralty(self) -> str:
        return admiralty_grade(self.mean, self.lower10, self.observations, suspect=bool(self.suspect))

    def reason(self) -> str:
        grade = self.admiralty
        parts = [f"{self.confirmed} confirmed, {self.refuted} refuted"]
        if self.fusion_trust is not None:
            parts.append(f"fusion trust {self.fusion_trust:.2f}")
        if self.observations <= 0:
            parts = ["no track record, outcomes or fusion trust: prior only"]
        text = "; ".join(parts) + f" -> {grade} ({ADMIRALTY_WORDS[grade]}), r={self.mean:.2f}"
        if self.suspect:
            text += "; " + "; ".join(self.suspect)
        return text


def _same_value(a: object, b: object) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.strip().casefold() == b.strip().casefold()
    return a == b


def outcome_counts(case: Case, visible_reports: set[str]) -> dict[str, tuple[int, int]]:
    """(confirmed, refuted) per source from outcomes dated <= as_of on its visible reports/claims."""
    by_report = {r.id: r for r in case.reports if r.id in visible_reports}
    counts: dict[str, list[int]] = {}
    for o in case.known_outcomes():
        if o.report is not None:
            rep = by_report.get(o.report)
            if rep is not None:
                slot = counts.setdefault(originating_source(rep), [0, 0])
                slot[0 if o.verdict == "confirmed" else 1] += 1
        elif o.claim is not None:
            for rep in by_report.values():
                for cl in rep.claims:
                    if cl.object != o.claim.object or cl.attribute != o.claim.attribute:
                        continue
                    if o.claim.value is None:
                        continue  # outcome on an item without a value: cannot judge any claim
                    agrees = _same_value(cl.value, o.claim.value) == (o.verdict == "confirmed")
                    slot = counts.setdefault(originating_source(rep), [0, 0])
                    slot[0 if agrees else 1] += 1
    return {k: (v[0], v[1]) for k, v in counts.items()}


def source_reliabilities(case: Case, visible_reports: set[str], fusion_trust: dict[str, float] | None,
                         suspects: dict[str, list[str]]) -> dict[str, SourceReliability]:
    outcomes = outcome_counts(case, visible_reports)
    out: dict[str, SourceReliability] = {}
    for s in case.sources:
        out[s.id] = reliability_of(s, outcomes.get(s.id, (0, 0)),
                                   None if fusion_trust is None else fusion_trust.get(s.id),
                                   suspects.get(s.id, []))
    return out


def reliability_of(source: Source, outcome: tuple[int, int], trust: float | None,
                   suspect: list[str]) -> SourceReliability:
    a0, b0 = KIND_PRIOR.get(source.kind, (2.0, 2.0))
    tr = source.track_record
    confirmed = (tr.confirmed if tr else 0) + outcome[0]
    refuted = (tr.refuted if tr else 0) + outcome[1]
    a, b = a0 + confirmed, b0 + refuted
    if trust is not None:
        a += FUSION_PSEUDO_COUNT * trust
        b += FUSION_PSEUDO_COUNT * (1.0 - trust)
    return SourceReliability(source.id, a, b, confirmed, refuted, trust, list(suspect))
