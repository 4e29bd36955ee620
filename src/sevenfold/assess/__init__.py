"""Assessment façade: ``assess_case(case) -> Assessment``.

Until the Bayesian engine lands this is Heuer's inconsistency count, labelled as such
(``method: heuer-inconsistency``); posteriors and other fields it cannot compute are ``None``.
"""

from __future__ import annotations

from sevenfold.assess.heuer import inconsistency_scores, visible_report_ids
from sevenfold.assess.result import Alert, Assessment, HypothesisResult, ReportResult, SourceResult
from sevenfold.model import Case

__all__ = ["Assessment", "assess_case", "inconsistency_scores"]


def assess_case(case: Case) -> Assessment:
    scores = inconsistency_scores(case)
    ranked = sorted(case.hypotheses, key=lambda h: (scores[h.id], case.hypotheses.index(h)))
    visible = visible_report_ids(case)
    alerts: list[Alert] = []
    rated = {rt.hypothesis for rt in case.ratings if rt.report in visible}
    for h in case.hypotheses:
        if h.id not in rated:
            alerts.append(Alert(kind="unrated_hypothesis", hypothesis=h.id,
                                message=f"hypothesis {h.id!r} has no rated evidence"))
    top = None
    if ranked and (len(ranked) == 1 or scores[ranked[0].id] < scores[ranked[1].id]):
        top = ranked[0].id
    return Assessment(
        case=case.id,
        title=case.case.title,
        question=case.case.question,
        as_of=case.case.as_of,
        top=top,
        hypotheses=[HypothesisResult(id=h.id, statement=h.statement, inconsistency=scores[h.id],
                                     deception_by=h.deception_by) for h in ranked],
        sources=[SourceResult(id=s.id, name=s.name) for s in case.sources],
        reports=[ReportResult(id=r.id, source=r.source) for r in case.reports if r.id in visible],
        alerts=alerts,
        notes=["Heuer inconsistency count (lower = less evidence against); no posterior probabilities."],
    )
