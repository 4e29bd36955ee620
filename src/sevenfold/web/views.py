"""View models: what the case page shows, built from the Case and its Assessment only.

Nothing here invents a number: a field the assessment leaves ``None`` stays ``None`` and the
templates print it as "—".
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sevenfold.ach.heuer import INCONSISTENCY_WEIGHT, visible_report_ids
from sevenfold.ach.result import Assessment
from sevenfold.model import Case, date_start

CONSISTENCY_CHOICES = ("CC", "C", "N", "I", "II", "NA")
# a signed score per rating for colouring and disagreement: + supports, - contradicts
CONSISTENCY_SCORE = {"CC": 2.0, "C": 1.0, "N": 0.0, "NA": 0.0, "I": -1.0, "II": -2.0}
FACE_VALUE = "case file"  # label for ratings without an analyst (the case file's own)


@dataclass
class Cell:
    report: str
    hypothesis: str
    mine: str | None = None  # the logged-in analyst's consistency rating
    others: list[tuple[str, str]] = field(default_factory=list)  # (analyst, consistency)
    tone: str = "none"  # css class: the mean rating's sign and strength
    disagreement: bool = False
    spread: float | None = None


@dataclass
class Row:
    report_id: str
    source: str
    date: str | None
    modality: str
    text: str
    origin: str | None
    credibility: int | None
    diagnosticity: float | None
    cells: list[Cell]


def _tone(scores: list[float]) -> str:
    if not scores:
        return "none"
    mean = sum(scores) / len(scores)
    if mean >= 1.5:
        return "cc"
    if mean >= 0.5:
        return "c"
    if mean > -0.5:
        return "n"
    if mean > -1.5:
        return "i"
    return "ii"


def matrix(case: Case, assessment: Assessment, me: str, limit: int | None = None) -> list[Row]:
    """The ACH matrix as rows of cells; every analyst's ratings, disagreement flagged."""
    visible = visible_report_ids(case)
    by_cell: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for rt in case.ratings:
        if rt.consistency is not None:
            by_cell[(rt.report, rt.hypothesis)].append((rt.analyst or FACE_VALUE, rt.consistency))
    results = {r.id: r for r in assessment.reports}
    rows: list[Row] = []
    for rep in case.reports:
        if rep.id not in visible:
            continue
        cells: list[Cell] = []
        for h in case.hypotheses:
            ratings = by_cell.get((rep.id, h.id), [])
            scores = [CONSISTENCY_SCORE[c] for _, c in ratings]
            spread = (max(scores) - min(scores)) if len(scores) > 1 else None
            cells.append(Cell(rep.id, h.id,
                              mine=next((c for a, c in ratings if a == me), None),
                              others=[(a, c) for a, c in ratings if a != me],
                              tone=_tone(scores), disagreement=spread is not None and spread >= 2.0,
                              spread=spread))
        res = results.get(rep.id)
        rows.append(Row(rep.id, rep.source, rep.date, rep.modality, rep.text,
                        res.origin if res else None, res.credibility if res else None,
                        res.diagnosticity if res else None, cells))
        if limit is not None and len(rows) >= limit:
            break
    return rows


def hypothesis_bars(assessment: Assessment) -> list[dict[str, Any]]:
    """One bar per hypothesis: posterior when the engine gives one, else Heuer inconsistency."""
    worst = max((h.inconsistency or 0.0 for h in assessment.hypotheses), default=0.0) or 1.0
    out = []
    for h in assessment.hypotheses:
        out.append({
            "id": h.id, "statement": h.statement, "posterior": h.posterior, "estimative": h.estimative,
            "inconsistency": h.inconsistency, "deception_by": h.deception_by, "prior": h.prior,
            "posterior_pct": None if h.posterior is None else round(100 * h.posterior, 1),
            "inconsistency_pct": None if h.inconsistency is None else round(100 * h.inconsistency / worst, 1),
            "top": h.id == assessment.top,
        })
    return out


def sources_table(case: Case, assessment: Assessment) -> list[dict[str, Any]]:
    results = {s.id: s for s in assessment.sources}
    burned = {b.source for b in case.burns}
    counts: dict[str, int] = defaultdict(int)
    for r in case.reports:
        counts[r.source] += 1
    rows = []
    for s in case.sources:
        res = results.get(s.id)
        tr = s.track_record
        rows.append({
            "id": s.id, "name": s.name, "kind": s.kind, "access": s.access,
            "controlled_by": s.controlled_by, "compromised_since": s.compromised_since,
            "reports": counts[s.id],
            "track": f"{tr.confirmed} confirmed / {tr.refuted} refuted" if tr else None,
            "reliability": res.reliability if res else None, "admiralty": res.admiralty if res else None,
            "reason": res.reason if res else None, "fusion_trust": res.fusion_trust if res else None,
            "burned": bool(res and res.burned) or s.id in burned,
        })
    return rows


def timeline(case: Case) -> list[dict[str, Any]]:
    """Reports, outcomes and burns by date (undated last), with the as-of line."""
    items: list[dict[str, Any]] = []
    for r in case.reports:
        items.append({"date": r.date, "kind": "report", "id": r.id, "label": f"{r.source}: {r.text[:160]}"})
    for i, o in enumerate(case.outcomes):
        target = o.report or o.hypothesis or (f"{o.claim.object}.{o.claim.attribute}" if o.claim else "")
        items.append({"date": o.date, "kind": f"outcome {o.verdict}", "id": f"outcome #{i}",
                      "label": f"{target}: {o.note[:160]}"})
    for b in case.burns:
        items.append({"date": b.since, "kind": "burn", "id": b.id, "label": f"{b.source} burned. {b.note[:120]}"})
    if case.case.as_of:
        items.append({"date": case.case.as_of, "kind": "as-of", "id": "as_of",
                      "label": "decision point: later items are ignored by the assessment"})

    def key(item: dict[str, Any]) -> tuple[int, str]:
        d = item["date"]
        if not d:
            return (1, "")
        try:
            return (0, date_start(d).isoformat())
        except Exception:
            return (1, str(d))

    return sorted(items, key=key)


def graph_elements(case: Case, assessment: Assessment) -> list[dict[str, Any]]:
    """Cytoscape elements: sources, reports (inside their origin group), via and derived-from edges."""
    burned = {b.source for b in case.burns} | {s.id for s in assessment.sources if s.burned}
    visible = {r.id for r in assessment.reports} or {r.id for r in case.reports}
    parent: dict[str, str] = {}
    elements: list[dict[str, Any]] = []
    for o in assessment.origins or []:
        gid = f"origin:{o.id}"
        elements.append({"data": {"id": gid, "label": f"origin {o.id}"}, "classes": "origin"})
        for report_id in o.reports:
            parent[report_id] = gid
    for s in case.sources:
        elements.append({"data": {"id": f"source:{s.id}", "label": s.name or s.id},
                         "classes": "source burned" if s.id in burned else "source"})
    for r in case.reports:
        if r.id not in visible:
            continue
        data: dict[str, Any] = {"id": f"report:{r.id}", "label": r.id}
        if r.id in parent:
            data["parent"] = parent[r.id]
        elements.append({"data": data, "classes": "report fallen" if r.source in burned else "report"})
        chain = [r.source, *r.via]
        for a, b in itertools.pairwise(chain):
            elements.append({"data": {"id": f"via:{r.id}:{a}:{b}", "source": f"source:{a}",
                                      "target": f"source:{b}"}, "classes": "via"})
        elements.append({"data": {"id": f"made:{r.id}", "source": f"source:{r.source}",
                                  "target": f"report:{r.id}"}, "classes": "made"})
        for d in r.derived_from:
            if d in visible:
                elements.append({"data": {"id": f"derived:{r.id}:{d}", "source": f"report:{d}",
                                          "target": f"report:{r.id}"}, "classes": "derived"})
    # via edges repeat per report: keep one of each
    seen: set[str] = set()
    unique = []
    for e in elements:
        if e["classes"] == "via":
            key = e["data"]["source"] + ">" + e["data"]["target"]
            if key in seen:
                continue
            seen.add(key)
            e["data"]["id"] = "via:" + key
        unique.append(e)
    return unique


def my_weight(consistency: str | None) -> float | None:
    return None if consistency is None else INCONSISTENCY_WEIGHT[consistency]
