"""The report's view model: what the report shows, computed from a Case and its Assessment.

Nothing here invents a number. A field the assessment could not compute (``None``) is shown as
"—"; when posteriors are absent the ranking is Heuer's inconsistency count and says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sevenfold.ach.explain import why_text
from sevenfold.ach.language import bottom_line_text, deception_budget_line, estimative, probability_text
from sevenfold.model import Case, custody_chain
from sevenfold.model.results import Assessment

DASH = "—"


def estimative_phrase(posterior: float | None) -> str | None:
    """ICD 203 phrase for a probability (the assessment's own wording); ``None`` stays ``None``."""
    if posterior is None:
        return None
    return estimative(posterior)


def fmt_num(value: float | None, digits: int = 2) -> str:
    return DASH if value is None else f"{value:.{digits}f}"


def fmt_pct(value: float | None) -> str:
    """A probability as a percentage that never contradicts its estimative words (19.8 %, not 20 %)."""
    return DASH if value is None else probability_text(value, percent=True)


@dataclass
class HypothesisRow:
    rank: int
    id: str
    statement: str
    posterior: str
    estimative: str
    inconsistency: str
    prior: str
    deception_by: str
    why: str = ""


@dataclass
class EvidenceRow:
    id: str
    source: str
    source_name: str
    date: str
    modality: str
    origin: str
    credibility: str
    diagnosticity: str
    text: str
    via: str
    derived_from: str
    document: str
    citation: str
    claims: list[str]
    ratings: list[tuple[str, str]]
    note: str = ""
    date_note: str = ""
    chain: str = ""        # custody: originator → source → via (when relayed)
    cited_in: str = ""
    synthesis_of: str = ""


@dataclass
class ReportView:
    case_id: str
    title: str
    question: str
    as_of: str
    method: str
    has_posteriors: bool
    bottom_line: str
    confidence: str
    confidence_reason: str
    hypotheses: list[HypothesisRow]
    sources: list[dict[str, str]]
    linchpins: list[dict[str, str]] | None
    verify_next: list[dict[str, str]] | None
    alerts: list[dict[str, str]]
    evidence: list[EvidenceRow]
    origins_note: str
    origins: list[dict[str, Any]]
    notes: list[str]
    n_reports_total: int
    figures: dict[str, str] = field(default_factory=dict)
    case_note: str = ""
    deception_budget: str = ""


def origin_groups(case: Case, assessment: Assessment) -> tuple[dict[str, str], bool]:
    """report id -> origin id; True when the groups come from the assessment.

    Without ``assessment.origins`` every report is its own origin (no grouping is claimed).
    """
    visible = {r.id for r in assessment.reports} or {r.id for r in case.reports}
    if assessment.origins:
        out = {rid: o.id for o in assessment.origins for rid in o.reports}
        for r in case.reports:
            if r.id in visible:
                out.setdefault(r.id, r.id)
        return out, True
    return {r.id: r.id for r in case.reports if r.id in visible}, False


def bottom_line(case: Case, assessment: Assessment) -> str:
    """One sentence in estimative language; says plainly when no probability is available."""
    hyps = {h.id: h for h in assessment.hypotheses}
    if not hyps:
        return "The case has no hypotheses, so there is no answer to assess."
    if assessment.top is None:
        if all(h.posterior is None for h in assessment.hypotheses):
            return ("No hypothesis stands out: the leading hypotheses have equal Heuer inconsistency "
                    "scores and no posterior probabilities are available.")
        return "No hypothesis stands out on the evidence assessed."
    top = hyps.get(assessment.top)
    if top is None:
        return f"Top hypothesis: {assessment.top}."
    statement = (top.statement or top.id).rstrip(". ")
    tie = bottom_line_text([(h.id, h.statement, h.posterior) for h in assessment.hypotheses
                            if h.posterior is not None])
    if top.posterior is not None and tie is not None and tie.startswith("No hypothesis stands out"):
        return tie
    if top.posterior is not None:
        phrase = top.estimative or estimative_phrase(top.posterior)
        return f"It is {phrase} ({fmt_pct(top.posterior)}) that: {statement}."
    return (f"Least evidence against: {statement} (Heuer inconsistency "
            f"{fmt_num(top.inconsistency, 1)}; no posterior probability available).")


def build_view(case: Case, assessment: Assessment) -> ReportView:
    has_post = any(h.posterior is not None for h in assessment.hypotheses)
    hyp_rows = []
    for i, h in enumerate(assessment.hypotheses, start=1):
        hyp_rows.append(HypothesisRow(
            rank=i, id=h.id, statement=h.statement, posterior=fmt_pct(h.posterior),
            estimative=h.estimative or estimative_phrase(h.posterior) or DASH,
            inconsistency=fmt_num(h.inconsistency, 1), prior=fmt_num(h.prior),
            deception_by=h.deception_by or "", why=why_text(h.id, h.why),
        ))
    src_names = {s.id: s.name for s in case.sources}
    sources = []
    results = {s.id: s for s in assessment.sources}
    for s in case.sources:
        sr = results.get(s.id)
        sources.append({
            "id": s.id, "name": s.name, "kind": s.kind, "access": s.access,
            "admiralty": (sr.admiralty if sr and sr.admiralty else DASH),
            "reliability": fmt_num(sr.reliability if sr else None),
            "reason": (sr.reason if sr and sr.reason else DASH),
            "burned": "yes" if (sr and sr.burned) or s.compromised_since else "",
            "controlled_by": s.controlled_by or "",
        })
    report_res = {r.id: r for r in assessment.reports}
    origins, from_assessment = origin_groups(case, assessment)
    docs = {d.id: d for d in case.documents}
    ratings: dict[str, list[tuple[str, str]]] = {}
    for rt in case.ratings:
        label = rt.consistency or (f"p={rt.likelihood:g}" if rt.likelihood is not None else "")
        if rt.analyst:
            label += f" ({rt.analyst})"
        ratings.setdefault(rt.report, []).append((rt.hypothesis, label))
    evidence = []
    for rep in case.reports:
        if rep.id not in origins:
            continue  # after as_of: not part of this assessment
        res = report_res.get(rep.id)
        doc = docs.get(rep.document) if rep.document else None
        evidence.append(EvidenceRow(
            id=rep.id, source=rep.source, source_name=src_names.get(rep.source, ""), date=rep.date or DASH,
            modality=rep.modality, origin=origins.get(rep.id, rep.id),
            credibility=DASH if not res or res.credibility is None else str(res.credibility),
            diagnosticity=fmt_num(res.diagnosticity if res else None),
            text=rep.text, via=", ".join(rep.via), derived_from=", ".join(rep.derived_from),
            document=rep.document or "", citation=doc.citation if doc else "",
            claims=[f"{c.object} · {c.attribute} = {c.value}" for c in rep.claims],
            ratings=ratings.get(rep.id, []),
            note=rep.note, date_note=rep.date_note,
            chain=" → ".join(custody_chain(rep)) if len(custody_chain(rep)) > 1 else "",
            cited_in=rep.cited_in or "", synthesis_of=", ".join(rep.synthesis_of),
        ))
    linchpins = None
    if assessment.linchpins is not None:
        linchpins = []
        for rid in assessment.linchpins:
            try:
                rep = case.report(rid)
                linchpins.append({"id": rid, "text": rep.text, "source": rep.source})
            except Exception:  # a linchpin may name something other than a report
                linchpins.append({"id": rid, "text": "", "source": ""})
    verify = None
    if assessment.verify_next is not None:
        verify = [{"target": v.target, "value": fmt_num(v.value, 3), "why": v.why or DASH,
                   "kind": v.kind or ""} for v in assessment.verify_next]
    alerts = [{"kind": a.kind, "message": a.message, "reports": ", ".join(a.reports),
               "hypothesis": a.hypothesis or "", "sources": ", ".join(a.sources)} for a in assessment.alerts]
    return ReportView(
        deception_budget=deception_budget_line(assessment, case) or "",
        case_id=case.id, title=case.case.title or case.id, question=case.case.question, case_note=case.case.note,
        as_of=assessment.as_of or case.case.as_of or DASH, method=assessment.method,
        has_posteriors=has_post, bottom_line=bottom_line(case, assessment),
        confidence=assessment.confidence or DASH, confidence_reason=assessment.confidence_reason or "",
        hypotheses=hyp_rows, sources=sources, linchpins=linchpins, verify_next=verify, alerts=alerts,
        evidence=evidence,
        origins=[{"id": o.id, "n": len(o.reports), "why": o.why[:3], "more": max(0, len(o.why) - 3)}
                 for o in (assessment.origins or []) if len(o.reports) > 1],
        origins_note=("Origin groups from the assessment's provenance stage." if from_assessment else
                      "No origin grouping in this assessment: each report is drawn as its own origin; "
                      "edges show declared derived_from links."),
        notes=list(assessment.notes), n_reports_total=len(case.reports),
    )


def as_dict(view: ReportView) -> dict[str, Any]:
    return view.__dict__
