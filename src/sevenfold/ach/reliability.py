"""Source reliability from evidence: a Beta-binomial posterior, not a typed-in grade.

r_s ~ Beta(a0 + confirmed + k·t, b0 + refuted + k·(1 − t))

* (a0, b0): prior by source kind (:data:`KIND_PRIOR`);
* confirmed / refuted: ``track_record`` plus outcomes dated <= as_of on the source's own reports
  (``outcome.report``) or on claims it made (``outcome.claim``: same value counts as the verdict, a
  different value for the same object/attribute as its opposite; each statement once, a copied or
  relayed claim credited to its originator, a synthesis's to nobody), one test per report: the
  outcomes on a report and on its claims count once, refuted if any of them went against it;
* t: trust learned by fusion (if given) as ``k = FUSION_PSEUDO_COUNT`` pseudo-observations; a trust
  marked :class:`AgreementOnly` is shown but adds nothing (agreement is not confirmation).

What fusion reads inside an assessment (:func:`fusion_votes`): each origin's statements once, credited
to the source the origin started with; syntheses and what is copied from them state nothing. Which
learned trust counts (:func:`counted_trust`): only a source linked, through items stated by several
origins, to an item a dated claim outcome has checked, and which states an unchecked item another
origin also states (otherwise the trust only repeats its own outcomes).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from scipy.special import betaincinv

from sevenfold.ach.language import ADMIRALTY_WORDS, admiralty_grade
from sevenfold.model import Case, Report, Source, originating_source
from sevenfold.model.custody import derived_parents, synthesised
from sevenfold.model.dates import date_start
from sevenfold.model.results import OriginResult

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


class AgreementOnly(float):
    """A fusion trust learned from agreement alone (no checked outcome behind it): shown in the
    source's reason, never blended into its reliability."""

    why = "agreement between independent origins, and no checked outcome on the items they share"


class CheckedOnly(AgreementOnly):
    """A fusion trust that measured the source only on items outcomes have checked: its track record
    already holds those verdicts, so it is shown and not blended in a second time."""

    why = "it measures only items that outcomes checked, already counted in the record"


@dataclass
class SourceReliability:
    source: str
    alpha: float
    beta: float
    confirmed: int = 0
    refuted: int = 0
    fusion_trust: float | None = None
    suspect: list[str] = field(default_factory=list)  # why it may be adversary-fed
    #: the fusion trust is shown and not blended in (see :func:`counted_trust`)
    agreement_only: bool = False
    #: why the fusion trust is not blended in
    not_counted_why: str = AgreementOnly.why

    @property
    def mean(self) -> float:
        return self.alpha / (self.alpha + self.beta)

    @property
    def lower10(self) -> float:
        return float(betaincinv(self.alpha, self.beta, 0.10))

    @property
    def observations(self) -> float:
        blended = self.fusion_trust is not None and not self.agreement_only
        return self.confirmed + self.refuted + (FUSION_PSEUDO_COUNT if blended else 0.0)

    @property
    def admiralty(self) -> str:
        return admiralty_grade(self.mean, self.lower10, self.observations, suspect=bool(self.suspect))

    def reason(self) -> str:
        grade = self.admiralty
        parts = [f"{self.confirmed} confirmed, {self.refuted} refuted"]
        if self.fusion_trust is not None and not self.agreement_only:
            parts.append(f"fusion trust {self.fusion_trust:.2f}")
        if self.observations <= 0:
            parts = ["no track record or outcomes: prior only" if self.agreement_only
                     else "no track record, outcomes or fusion trust: prior only"]
        if self.agreement_only and self.fusion_trust is not None:
            parts.append(f"fusion trust {self.fusion_trust:.2f} not counted ({self.not_counted_why})")
        text = "; ".join(parts) + f" -> {grade} ({ADMIRALTY_WORDS[grade]}), r={self.mean:.2f}"
        if self.suspect:
            text += "; " + "; ".join(self.suspect)
        return text


def _same_value(a: object, b: object) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.strip().casefold() == b.strip().casefold()
    return a == b


def outcome_counts(case: Case, visible_reports: set[str]) -> dict[str, tuple[int, int]]:
    """(confirmed, refuted) per source from outcomes dated <= as_of on its visible reports/claims.

    The unit is the report: one act of reporting is one test of its originator, however many outcomes
    judge it. An outcome on a report and the outcomes on the claims it states are one test: confirmed
    when every verdict on it agrees with what it said, refuted as soon as one does not (a report with a
    false claim in it was not right, and true detail wrapped around a false point is how a controlled
    channel works). A claim outcome judges each source's statement of that item once, credited as fusion
    credits it (:func:`_statements`): repeating, relaying or synthesising a claim earns no record of its
    own. A statement repeated in several reports of its originator is judged on the first of them that
    has its own report outcome, else on the earliest (the one fusion reads)."""
    by_report = {r.id: r for r in case.reports if r.id in visible_reports}
    order = {r.id: k for k, r in enumerate(case.reports)}
    statements = _statements(by_report, {r.id: r for r in case.reports})
    tests: dict[tuple[str, str], list[bool]] = {}  # (source, report id) -> verdicts (True: it was right)
    known = case.known_outcomes()
    for o in known:
        if o.report is not None and (rep := by_report.get(o.report)) is not None:
            tests.setdefault((originating_source(rep), rep.id), []).append(o.verdict == "confirmed")
    report_tested = set(tests)

    def rank(rid: str) -> tuple[float, int]:
        when = by_report[rid].date
        return (float(date_start(when).toordinal()) if when is not None else float("inf"), order[rid])

    for o in known:
        if o.report is not None or o.claim is None or o.claim.value is None:
            continue  # a claim outcome on an item without a value cannot judge any claim
        for (credit, obj, att, _key), (value, rids) in statements.items():
            if obj != o.claim.object or att != o.claim.attribute:
                continue
            agrees = _same_value(value, o.claim.value) == (o.verdict == "confirmed")
            tested = [rid for rid in rids if (credit, rid) in report_tested]
            tests.setdefault((credit, min(tested or rids, key=rank)), []).append(agrees)
    counts: dict[str, list[int]] = {}
    for (source, _rid), verdicts in tests.items():
        counts.setdefault(source, [0, 0])[0 if all(verdicts) else 1] += 1
    return {k: (v[0], v[1]) for k, v in counts.items()}


def _statements(reports: Mapping[str, Report],
                every: Mapping[str, Report]) -> dict[tuple[str, str, str, str], tuple[object, list[str]]]:
    """Each source's claims once: ``(credited source, object, attribute, value key) -> (value, ids of the
    reports stating it)``, credited as :func:`fusion_votes` credits them (a copy to the originator of
    what it copies, a relay to its originator; a synthesis and what is copied from it state nothing).
    ``every``: all the case's reports, so that a copy of a left-out report is still credited to that
    report's originator."""
    out: dict[tuple[str, str, str, str], tuple[object, list[str]]] = {}
    for rep in reports.values():
        root = _root(rep, every)
        if not rep.claims or synthesised(root):
            continue
        credit = originating_source(root)
        for cl in rep.claims:
            key = cl.value.strip().casefold() if isinstance(cl.value, str) else _value_key(cl.value)
            rids = out.setdefault((credit, str(cl.object), str(cl.attribute), key), (cl.value, []))[1]
            if rep.id not in rids:
                rids.append(rep.id)
    return out


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
    agreement_only = isinstance(trust, AgreementOnly)
    if trust is not None and not agreement_only:
        a += FUSION_PSEUDO_COUNT * trust
        b += FUSION_PSEUDO_COUNT * (1.0 - trust)
    return SourceReliability(source.id, a, b, confirmed, refuted, None if trust is None else float(trust),
                             list(suspect), agreement_only,
                             trust.why if isinstance(trust, AgreementOnly) else AgreementOnly.why)


# ---- what fusion reads inside an assessment, and which of its trust counts ------------------------

def _value_key(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return json.dumps(value, sort_keys=True)


def _root(report: Report, by_id: Mapping[str, Report]) -> Report:
    """The report ``report``'s content comes from: up its single-parent ``derived_from`` line (a synthesis
    ends the line: it has no parent of its own)."""
    seen = {report.id}
    while (parents := derived_parents(report)) and parents[0] in by_id and parents[0] not in seen:
        report = by_id[parents[0]]
        seen.add(report.id)
    return report


def fusion_votes(case: Case, origins: Sequence[OriginResult]) -> list[Report]:
    """The statements fusion reads inside an assessment: each origin's claims once.

    A report's claims are credited to the originator of the report it derives from (the first of that
    report's custody chain: ``origin``, else ``source``). A synthesis, and a report derived from one,
    states nothing of its own and casts nothing. Within one origin each ``(object, attribute, value)``
    counts once, from its earliest report (then case order). Returns copies of those reports carrying
    only the claims they cast, with ``source`` set to the credited originator.
    """
    visible = case.visible_reports()
    by_id = {r.id: r for r in visible}
    order = {r.id: k for k, r in enumerate(visible)}
    chosen: dict[str, list[int]] = {}  # report id -> indices of the claims it casts
    for origin in origins:
        first: dict[tuple[str, str, str], tuple[tuple[float, int], str, int]] = {}
        for rid in origin.reports:
            rep = by_id.get(rid)
            if rep is None or not rep.claims or synthesised(_root(rep, by_id)):
                continue
            when = date_start(rep.date).toordinal() if rep.date is not None else float("inf")
            rank = (float(when), order[rid])
            for k, cl in enumerate(rep.claims):
                key = (str(cl.object), str(cl.attribute), _value_key(cl.value))
                if key not in first or rank < first[key][0]:
                    first[key] = (rank, rid, k)
        for _rank, rid, k in first.values():
            chosen.setdefault(rid, []).append(k)
    votes = []
    for rep in visible:
        if rep.id in chosen:
            credit = originating_source(_root(rep, by_id))
            claims = [rep.claims[k] for k in sorted(chosen[rep.id])]
            votes.append(rep.model_copy(update={"source": credit, "origin": None, "via": [], "derived_from": [],
                                                "synthesis_of": [], "claims": claims}))
    return votes


def claim_rows(reports: Sequence[Report]) -> list[tuple[str, str, str, str, str]]:
    """``(source, object, attribute, value, date)`` of every claim, sorted: two report lists with the
    same rows give fusion the same input."""
    return sorted((r.source, str(c.object), str(c.attribute), _value_key(c.value), str(r.date))
                  for r in reports for c in r.claims)


def checked_items(case: Case) -> set[tuple[str, str]]:
    """``(object, attribute)`` of items a claim outcome known at ``as_of`` has checked (a value
    confirmed or refuted), leaving out items whose outcomes contradict each other."""
    verdicts: dict[tuple[str, str], list[tuple[object, str]]] = {}
    for o in case.known_outcomes():
        if o.claim is not None and o.claim.value is not None:
            verdicts.setdefault((str(o.claim.object), str(o.claim.attribute)), []).append((o.claim.value, o.verdict))
    out = set()
    for item, rows in verdicts.items():
        confirmed = [v for v, verdict in rows if verdict == "confirmed"]
        refuted = [v for v, verdict in rows if verdict == "refuted"]
        clash = any(not _same_value(a, b) for a in confirmed for b in confirmed) or any(
            _same_value(a, b) for a in confirmed for b in refuted)
        if not clash:
            out.add(item)
    return out


def counted_trust(case: Case, votes: Sequence[Report], trust: Mapping[str, float] | None) -> dict[str, float] | None:
    """The learned ``trust`` with every value that rests on agreement alone marked :class:`AgreementOnly`.

    A source's trust counts when the items it states connect it, through items other origins also
    state, to an item a known claim outcome checked (:func:`checked_items`): the fit then measured it
    against a verified value, directly or through the sources that agree with one. Agreement among
    origins that nobody has checked is what a deceiver feeding several channels produces; it is not
    confirmation.

    A source that states no unchecked item another origin also states was measured by the fit only on
    checked items: its trust is its own outcomes over again (already in its track record, one test per
    report) and is marked :class:`CheckedOnly`.
    """
    if trust is None:
        return None
    parent: dict[tuple[str, ...], tuple[str, ...]] = {}

    def find(x: tuple[str, ...]) -> tuple[str, ...]:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    stated: dict[str, set[tuple[str, str]]] = {}
    claimants: dict[tuple[str, str], set[str]] = {}
    for rep in votes:
        for cl in rep.claims:
            item = (str(cl.object), str(cl.attribute))
            stated.setdefault(rep.source, set()).add(item)
            claimants.setdefault(item, set()).add(rep.source)
            a, b = find(("source", rep.source)), find(("item", *item))
            parent[a] = b
    checked = checked_items(case)
    anchored = {find(("item", *item)) for item in checked if ("item", *item) in parent}

    def marked(s: str, t: float) -> float:
        if find(("source", s)) not in anchored:
            return AgreementOnly(t)
        if not any(item not in checked and len(claimants[item]) > 1 for item in stated.get(s, ())):
            return CheckedOnly(t)
        return float(t)

    return {s: marked(s, t) for s, t in trust.items()}
