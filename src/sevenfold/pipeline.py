"""The one pipeline: fusion → provenance → assessment, producing one ``Assessment``.

Fusion runs first only because provenance needs its copy pairs (a copier's reports share the
original's origin); the assessment then counts origins, not reports, and blends into source
reliability the trust fusion learns from each origin's claims counted once, where a checked outcome
stands behind it (:func:`origin_trust`). A case without structured claims skips fusion; nothing is
invented where a stage has nothing to work on.

What-ifs use the same pipeline: :func:`run_assessment` takes ``exclude`` (report, source or origin ids:
re-assess without that evidence) and ``as_of`` (re-assess as of an earlier date); :func:`what_if` is the
one before/after function behind ``sevenfold burn``, ``assess --exclude`` and the web's burn preview.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from sevenfold.ach import assess_case
from sevenfold.ach.checks import check_dates
from sevenfold.ach.reliability import claim_rows, counted_trust, fusion_votes
from sevenfold.errors import InputError, NotFound
from sevenfold.fusion import CaseFusion, case_fusion
from sevenfold.fusion.methods.accu import START_WARN_SHARE
from sevenfold.model import Burn, Case, chain_sources, may_be_on_or_after
from sevenfold.model.dates import parse_hist_date
from sevenfold.model.results import Alert, Assessment, ChangeWhy, OriginResult
from sevenfold.provenance import origin_groups, provenance_alerts

#: alert kinds decided by the assessment engine; provenance's versions of them are not repeated
#: (the engine counts only diagnostic support: a report rated the same under every hypothesis
#: supports nothing)
ASSESSMENT_ALERT_KINDS = frozenset({"coerced_only", "interested_only", "single_origin"})


def with_as_of(case: Case, as_of: str) -> Case:
    """``case`` assessed as of an earlier (or any) date; InputError (exit 2) when it is not a date."""
    try:
        date = parse_hist_date(str(as_of).strip())
    except ValueError as exc:
        raise InputError(f"--as-of: {exc}") from None
    return case.model_copy(update={"case": case.case.model_copy(update={"as_of": date})})


def resolve_exclusions(case: Case, ids: Iterable[str], origins: list[OriginResult] | None = None) -> list[str]:
    """Report ids to leave out for ``ids`` — each a report id, a source id (every report on whose custody
    chain it stands) or an origin id (its reports). An id that is none of these raises InputError."""
    reports = {r.id for r in case.reports}
    sources = {s.id for s in case.sources}
    by_origin = {o.id: o.reports for o in (origins or [])}
    out: dict[str, None] = {}
    for raw in ids:
        x = str(raw).strip()
        if x in reports:
            out[x] = None
        elif x in sources:
            out.update(dict.fromkeys(r.id for r in case.reports if x in chain_sources(r)))
        elif x in by_origin:
            out.update(dict.fromkeys(by_origin[x]))
        else:
            raise InputError(f"--exclude: {x!r} is not a report, source or origin of case {case.id!r}")
    return list(out)


def run_assessment(case: Case, *, exclude: Iterable[str] = (), as_of: str | None = None) -> Assessment:
    """The whole pipeline. ``exclude``: report / source / origin ids whose evidence is left out (each
    report's share of its origin stays vacant); ``as_of``: assess as of that date instead of the case's."""
    if as_of is not None:
        case = with_as_of(case, as_of)
    check_dates(case)  # before anything dated is computed
    fusion = case_fusion(case) if any(r.claims for r in case.reports) else CaseFusion()
    origins = origin_groups(case, copy_pairs=fusion.copy_pairs)
    excluded = resolve_exclusions(case, exclude, origins) if exclude else []
    result = assess_case(case, origins=origins, fusion_trust=origin_trust(case, origins, fusion),
                         copy_pairs=fusion.copy_pairs, exclude=excluded)
    if fusion.trust is not None and any(share >= START_WARN_SHARE for share in fusion.start_disagreement.values()):
        result.alerts.append(_fusion_start_alert(fusion))
    # support-based alerts are the assessment's: it knows which reports actually favour a hypothesis
    # over its rivals (not merely rated consistent with it)
    known = {(a.kind, tuple(a.reports), a.hypothesis) for a in result.alerts}
    for alert in provenance_alerts(case, origins):
        if alert.kind in ASSESSMENT_ALERT_KINDS:
            continue
        if (alert.kind, tuple(alert.reports), alert.hypothesis) not in known:
            result.alerts.append(alert)
    return result


def origin_trust(case: Case, origins: list[OriginResult], fusion: CaseFusion) -> dict[str, float] | None:
    """Source trust learned from each origin's claims counted once (docs/assessment.md §2): fusion reads
    :func:`~sevenfold.ach.reliability.fusion_votes` (re-fitted only when they differ from the reports'
    own claims, whose fit ``fusion`` is), and trust resting on agreement alone is marked not to count.

    The origins are those the case declares (custody, derivation, documents, near-identical text), not
    those fusion's own copy detection adds: the fit weighs suspected copying itself, and accurate
    sources agreeing on many items can look like copiers (merging them would leave them only their
    errors to be judged on)."""
    if not any(r.claims for r in case.reports):
        return None
    votes = fusion_votes(case, origin_groups(case) if fusion.copy_pairs else origins)
    if claim_rows(votes) != claim_rows([r for r in case.visible_reports() if r.claims]):
        fusion = case_fusion(case.model_copy(update={"reports": votes})) if votes else CaseFusion()
    return counted_trust(case, votes, fusion.trust)


def _fusion_start_alert(fusion: CaseFusion) -> Alert:
    """The learned trust depends on where fusion starts (docs/fusion.md, ACCU-COPY's starts)."""
    share = max(fusion.start_disagreement.values())
    n = round(share * fusion.items)
    items = "; ".join(f"{o} / {a}" for o, a in fusion.contested)
    return Alert(kind="fusion_depends_on_start", sources=sorted(fusion.trust or {}), message=(
        f"Source trust learned from the claims depends on where the fit starts: started without "
        f"discounting copies, the claims settle on different values for {n} of {fusion.items} items "
        f"({share:.0%}). The trust used here discounts copies; before leaning on it, check the copy "
        f"pairs and verify a contested item" + (f" (most stated first: {items})" if items else "")
        + ". A confirmed outcome on it anchors the fit."))


class HypothesisChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    before: float | None = None
    after: float | None = None
    change: float | None = None
    why: ChangeWhy | None = None


class WhatIf(BaseModel):
    """Before/after of one change to a case: every hypothesis, the reports affected, and why it moved."""

    model_config = ConfigDict(extra="forbid")
    case: str
    change: str
    falls: list[str] = Field(default_factory=list)
    hypotheses: list[HypothesisChange] = Field(default_factory=list)
    top_before: str | None = None
    top_after: str | None = None
    top_changes: bool = False
    why: list[str] = Field(default_factory=list)
    before: Assessment
    after: Assessment

    def to_json_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def burned_reports(case: Case, source_id: str, since: str | None) -> list[str]:
    """Reports from or passed on by ``source_id`` that may date from ``since`` on (undated ones may),
    and every report resting on them: copies and syntheses, transitively
    (:func:`sevenfold.provenance.burn.resting_on`)."""
    from sevenfold.provenance.burn import resting_on

    fallen = {r.id for r in case.reports if source_id in chain_sources(r)
              and (since is None or may_be_on_or_after(r.date, since))}
    fallen |= {f.id for f in resting_on(case.reports, fallen)}
    return [r.id for r in case.reports if r.id in fallen]


def what_if(case: Case, *, source: str | None = None, since: str | None = None, actor: str | None = None,
            exclude: Iterable[str] = (), as_of: str | None = None) -> WhatIf:
    """Re-assess ``case`` after one change and say what moved and why.

    * ``source`` with ``since``: burn the source from that date (its reports, and those resting on them,
      become fed with probability 1 under a deception by ``actor``, or by any deceiver);
    * ``source`` without ``since``: leave out everything from or through that source;
    * ``exclude``: leave out these report / source / origin ids;  ``as_of``: assess as of that date.
    Nothing is stored; the input case is not changed.
    """
    from sevenfold.ach.explain import explain_shift
    from sevenfold.ach.whatif import explain_burn, explain_removal

    before = run_assessment(case)
    why: list[str] = []
    if source is not None:
        case.source(source)  # NotFound names the missing source
        if actor is not None and actor not in {a.id for a in case.actors}:
            raise NotFound(f"case {case.id}: no actor {actor!r}")
    if source is not None and since is not None:
        since_date = with_as_of(case, since).case.as_of  # validated like --as-of
        burn = Burn(id=f"what-if-{source}", source=source, since=str(since_date), actor=actor)
        new_case = case.model_copy(update={"burns": [*case.burns, burn]})
        falls = burned_reports(case, source, str(since_date))
        after = run_assessment(new_case)
        change = f"burn {source} from {since_date}" + (f" (by {actor})" if actor else "")
        why = explain_burn(case, new_case, actor, falls, origin_groups(case))
    else:
        ids = [*exclude, *([source] if source is not None else [])]
        origins = origin_groups(case)
        falls = resolve_exclusions(case, ids, origins) if ids else []
        after = run_assessment(case, exclude=ids, as_of=as_of)
        parts = []
        if ids:
            parts.append("without " + ", ".join(ids))
        if as_of is not None:
            parts.append(f"as of {after.as_of}")
            hidden = {r.id for r in case.visible_reports()} - {r.id for r in with_as_of(case, as_of).visible_reports()}
            falls = [*falls, *[r.id for r in case.reports if r.id in hidden and r.id not in falls]]
        change = "; ".join(parts) or "no change"
        why = explain_removal(case, falls, origins) if falls else ["nothing was removed"]
    post_b = {h.id: h.posterior for h in before.hypotheses}
    post_a = {h.id: h.posterior for h in after.hypotheses}
    shifts = explain_shift(before, after)
    hyps = []
    for h, b in post_b.items():
        a = post_a.get(h)
        delta = None if a is None or b is None else round(a - b, 6)
        hyps.append(HypothesisChange(id=h, before=b, after=a, change=delta, why=shifts.get(h)))
    if hyps and all(abs(h.change or 0.0) < 5e-4 for h in hyps):
        why.insert(0, "no posterior moved")
    return WhatIf(case=case.id, change=change, falls=falls, hypotheses=hyps, top_before=before.top,
                  top_after=after.top, top_changes=before.top != after.top, why=why, before=before, after=after)
