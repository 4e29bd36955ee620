"""Input checks that refuse a case before anything is computed (nothing half-computed).

Each message names the case, the entry and the field, like the model's own validation.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from sevenfold.errors import AssessmentError
from sevenfold.model import Case
from sevenfold.model.results import OriginResult


def check_dates(case: Case) -> None:
    """Raise :class:`AssessmentError` naming every date that cannot be used (:meth:`Case.date_problems`)."""
    problems = case.date_problems(f"case {case.id!r}")
    if problems:
        raise AssessmentError("cannot assess:\n" + "\n".join(str(p) for p in problems))


def check_case(case: Case, origins: list[OriginResult] | None, fusion_trust: Mapping[str, float] | None,
               copy_pairs: Iterable[Any] | None) -> list[tuple[str, str, float]]:
    """Raise :class:`AssessmentError` listing every problem; return copy pairs as tuples."""
    where = f"case {case.id!r}"
    problems: list[str] = []
    if not case.hypotheses:
        problems.append(f"{where}: hypotheses: none given; there is nothing to assess")
    problems += [str(p) for p in case.date_problems(where)]
    for kind in ("sources", "reports", "hypotheses"):
        for entry_id, n in Counter(e.id for e in getattr(case, kind)).items():
            if n > 1:
                problems.append(f"{where}: {kind}[{entry_id}].id: duplicate id ({n} entries)")
    reports = {r.id for r in case.reports}
    hyps = {h.id for h in case.hypotheses}
    sources = {s.id for s in case.sources}
    for r in case.reports:
        if r.source not in sources:
            problems.append(f"{where}: reports[{r.id}].source: unknown source {r.source!r}")
        for v in r.via:
            if v not in sources:
                problems.append(f"{where}: reports[{r.id}].via: unknown source {v!r}")
    for rt in case.ratings:
        bad_l = rt.likelihood is not None and not (0.0 < rt.likelihood <= 1.0 and math.isfinite(rt.likelihood))
        if rt.report in reports and rt.hypothesis in hyps and not bad_l and (
                rt.consistency is not None or rt.likelihood is not None):
            continue
        label = f"ratings[{rt.report}/{rt.hypothesis}" + (f"/{rt.analyst}]" if rt.analyst else "]")
        if rt.report not in reports:
            problems.append(f"{where}: {label}.report: unknown report {rt.report!r}")
        if rt.hypothesis not in hyps:
            problems.append(f"{where}: {label}.hypothesis: unknown hypothesis {rt.hypothesis!r}")
        if bad_l:
            problems.append(f"{where}: {label}.likelihood: must lie in (0, 1], got {rt.likelihood}")
        if rt.consistency is None and rt.likelihood is None:
            problems.append(f"{where}: {label}: neither consistency nor likelihood given")
    actors = {a.id for a in case.actors}
    for s in case.sources:  # the model checks these on load; a Case built in code may not have been
        sc = s.suspected_control
        if sc is None:
            continue
        if sc.by not in actors:
            problems.append(f"{where}: sources[{s.id}].suspected_control.by: unknown actor {sc.by!r}")
        if not (0.0 <= sc.p <= 1.0 and math.isfinite(sc.p)):
            problems.append(f"{where}: sources[{s.id}].suspected_control.p: must lie in [0, 1], got {sc.p}")
    for h in case.hypotheses:
        for m in h.mimics:  # the model checks this on load; a Case built in code may not have been
            if m not in hyps or m == h.id:
                problems.append(f"{where}: hypotheses[{h.id}].mimics: {m!r} is not another hypothesis")
        if h.mimics and not h.deception_by:
            problems.append(f"{where}: hypotheses[{h.id}].mimics: only a deception hypothesis "
                            "(deception_by) can mimic another")
        if h.prior is not None and not (0.0 <= h.prior <= 1.0 and math.isfinite(h.prior)):
            problems.append(f"{where}: hypotheses[{h.id}].prior: must lie in [0, 1], got {h.prior}")
    given = [h.prior for h in case.hypotheses if h.prior is not None]
    if case.hypotheses and len(given) == len(case.hypotheses) and sum(given) <= 0:
        problems.append(f"{where}: hypotheses.prior: every prior is 0; no hypothesis can be true")
    if fusion_trust is not None:
        for sid, t in fusion_trust.items():
            if sid not in sources:
                problems.append(f"{where}: fusion_trust[{sid}]: unknown source {sid!r}")
            elif not (isinstance(t, int | float) and math.isfinite(t) and 0.0 <= t <= 1.0):
                problems.append(f"{where}: fusion_trust[{sid}]: trust must lie in [0, 1], got {t!r}")
    if origins is not None:
        seen: dict[str, str] = {}
        for o in origins:
            for rid in o.reports:
                if rid not in reports:
                    problems.append(f"{where}: origins[{o.id}].reports: unknown report {rid!r}")
                elif rid in seen and seen[rid] != o.id:
                    problems.append(f"{where}: origins[{o.id}].reports: report {rid!r} is already in "
                                    f"origin {seen[rid]!r}; an origin partition cannot overlap")
                seen[rid] = o.id
        dup = [k for k, n in Counter(o.id for o in origins).items() if n > 1]
        for k in dup:
            problems.append(f"{where}: origins[{k}].id: duplicate origin id")
    pairs: list[tuple[str, str, float]] = []
    for i, p in enumerate(copy_pairs or []):
        try:
            if isinstance(p, Mapping):
                copier, original, prob = p["copier"], p["original"], float(p["probability"])
            elif hasattr(p, "copier"):
                copier, original, prob = p.copier, p.original, float(p.probability)
            else:
                copier, original, prob = p[0], p[1], float(p[2])
        except (KeyError, IndexError, TypeError, ValueError):
            problems.append(f"{where}: copy_pairs[{i}]: expected (copier, original, probability), got {p!r}")
            continue
        if copier not in sources or original not in sources:
            problems.append(f"{where}: copy_pairs[{i}]: unknown source in ({copier!r}, {original!r})")
        elif not (math.isfinite(prob) and 0.0 <= prob <= 1.0):
            problems.append(f"{where}: copy_pairs[{i}].probability: must lie in [0, 1], got {prob}")
        else:
            pairs.append((copier, original, prob))
    if problems:
        raise AssessmentError("cannot assess:\n" + "\n".join(problems))
    return pairs
