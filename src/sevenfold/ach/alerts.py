"""Bias checks, reported as alerts (kinds documented in docs/assessment.md).

Kinds raised here: no_deception_hypothesis, unrated_hypothesis, prior_contradicted, coerced_only,
interested_only, single_origin, single_channel_verdict, analyst_disagreement, overlapping_hypotheses,
priors_normalised. Provenance raises common_origin, hearsay_depth, controlled_source and burned_source.

"Support" is always diagnostic support: a report supports h when, as rated, it favours h over every
rival by more than SUPPORT_MARGIN_RAW nats. A report rated the same under every hypothesis supports
and opposes nothing.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Mapping

import numpy as np
from rapidfuzz import fuzz, process

from sevenfold.ach.evidence import ANY_ACTOR, Evidence, compromise_entries
from sevenfold.model import Case
from sevenfold.model.results import Alert, DeceptionBudget

PRIOR_CONTRADICTED_BAYES_FACTOR = 1 / 3   # evidence odds against the analyst's favourite
SUPPORT_MARGIN_RAW = 0.05                 # nats: a report "supports" h if it favours h over every rival
OVERLAP_RATIO = 90                        # rapidfuzz token_set_ratio of two hypothesis statements


def _norm_id(text: str) -> str:
    """An id without case, punctuation or spaces, in any script: letters, digits and combining marks stay
    (an ASCII-only rule reduced every Cyrillic or Chinese id to "", and dropping marks made the Hindi
    'काम' and 'कम' one id)."""
    return "".join(c for c in text.casefold() if unicodedata.category(c)[0] in "LNM")


def overlapping_hypotheses(case: Case) -> list[Alert]:
    """Pairs of hypotheses that may not be mutually exclusive: near-identical ids or statements."""
    hs = case.hypotheses
    if len(hs) < 2:
        return []
    ids = [_norm_id(h.id) for h in hs]
    texts = [h.statement.strip().casefold() for h in hs]
    scores = process.cdist(texts, texts, scorer=fuzz.token_set_ratio, dtype=np.uint8)
    out = []
    for a in range(len(hs)):
        for b in range(a + 1, len(hs)):
            why = None
            if ids[a] and ids[a] == ids[b]:
                why = "their ids differ only in case or punctuation"
            elif texts[a] and texts[b] and scores[a, b] >= OVERLAP_RATIO:
                why = f"their statements overlap (similarity {scores[a, b]}/100)"
            if why:
                out.append(Alert(kind="overlapping_hypotheses", hypothesis=hs[a].id,
                                 message=f"hypotheses {hs[a].id!r} and {hs[b].id!r} may not be mutually "
                                         f"exclusive: {why}; posteriors assume exactly one is true"))
    return out


def deception_alerts(case: Case) -> list[Alert]:
    entries = compromise_entries(case)
    deceivers = {h.deception_by for h in case.hypotheses if h.deception_by}
    by_actor: dict[str, list[str]] = {}
    for sid, es in entries.items():
        for _since, actor, _p, _why in es:
            by_actor.setdefault(actor, []).append(sid)
    out = []
    for actor, srcs in sorted(by_actor.items()):
        srcs = sorted(set(srcs))
        if actor == ANY_ACTOR:
            if not deceivers:
                out.append(Alert(kind="no_deception_hypothesis", sources=srcs,
                                 message=f"source(s) {', '.join(srcs)} are compromised but no hypothesis is a "
                                         "deception (deception_by); add the one the adversary would want"))
        elif actor not in deceivers:
            out.append(Alert(kind="no_deception_hypothesis", sources=srcs,
                             message=f"{actor} may control {', '.join(srcs)} but no hypothesis has "
                                     f"deception_by: {actor}; their reports are taken at face value"))
    return out


def unrated_alerts(ev: Evidence) -> list[Alert]:
    rated_h = ev.cell_rated.any(axis=(0, 1)) if ev.report_ids else np.zeros(ev.n_hyp, dtype=bool)
    return [Alert(kind="unrated_hypothesis", hypothesis=h,
                  message=f"hypothesis {h!r} has no rated evidence: its posterior is its prior moved only "
                          "by evidence about the others")
            for h, ok in zip(ev.hyp_ids, np.asarray(rated_h).tolist(), strict=True) if not ok]


def prior_alerts(ev: Evidence, post: np.ndarray, evidence_total: np.ndarray | None = None) -> list[Alert]:
    """priors_normalised; prior_contradicted: the evidence's odds against the analyst's favourite are at
    least 3:1. ``evidence_total`` (the summed origin log-likelihoods) also catches a dogmatic prior of 1,
    which no evidence can move: there the odds are the evidence's alone, against the best rival."""
    out = []
    if any("normalised" in n or "get 0" in n for n in ev.notes):
        out.append(Alert(kind="priors_normalised",
                         message="; ".join(n for n in ev.notes if "prior" in n)))
    if not ev.prior_explicit or ev.n_hyp < 2 or np.allclose(ev.prior, ev.prior[0]):
        return out
    fav = int(np.argmax(ev.prior))
    p0, p1 = ev.prior[fav], post[fav]
    if p0 >= 1 and evidence_total is not None:
        others = np.where(np.arange(ev.n_hyp) == fav, -np.inf, evidence_total)
        rival = int(np.argmax(others))
        log_bf = float(evidence_total[fav] - others[rival])  # the evidence's log odds, favourite vs best rival
        if log_bf <= np.log(PRIOR_CONTRADICTED_BAYES_FACTOR):
            out.append(Alert(kind="prior_contradicted", hypothesis=ev.hyp_ids[fav],
                             message=f"the analyst's favourite {ev.hyp_ids[fav]!r} has prior 1, so no evidence can "
                                     f"move it, yet the evidence's odds against it (against {ev.hyp_ids[rival]!r}) "
                                     f"are {np.exp(min(-log_bf, 700.0)):.3g}:1; a prior of 1 or 0 is a conclusion, "
                                     "not a prior"))
    if 0 < p0 < 1 and p1 < 1:
        bf = (p1 / max(1 - p1, 1e-300)) / (p0 / (1 - p0))
        if bf <= PRIOR_CONTRADICTED_BAYES_FACTOR:
            out.append(Alert(kind="prior_contradicted", hypothesis=ev.hyp_ids[fav],
                             message=f"the analyst's favourite {ev.hyp_ids[fav]!r} (prior {p0:.2f}) falls to "
                                     f"{p1:.2f}: the evidence's odds against it are {1 / max(bf, 1e-12):.1f}:1; "
                                     "re-examine the prior rather than the evidence"))
    return out


def supporting_rows(ev: Evidence, ell_raw: np.ndarray, k: int) -> np.ndarray:
    """Rows of the reports that support hypothesis k (diagnostic support; refuted, excluded and
    synthesis reports, which carry no weight, support nothing)."""
    rivals = np.delete(ell_raw, k, axis=1).max(axis=1)
    ok = ell_raw[:, k] - rivals > SUPPORT_MARGIN_RAW
    ok &= ev.weight > 0
    if ev.excluded is not None:
        ok &= ~ev.excluded
    return np.flatnonzero(ok)


def _supported(ev: Evidence, ell_raw: np.ndarray) -> Iterator[tuple[str, np.ndarray]]:
    """Each hypothesis with at least one supporting report, and those rows (none with fewer than two
    hypotheses or no reports)."""
    if not ev.report_ids or ev.n_hyp < 2:
        return
    for k, hid in enumerate(ev.hyp_ids):
        rows = supporting_rows(ev, ell_raw, k)
        if rows.size:
            yield hid, rows


def single_origin_alerts(ev: Evidence, ell_raw: np.ndarray, names: Mapping[str, str] | None = None) -> list[Alert]:
    """single_origin: every report that supports a hypothesis comes from one origin. ``names``: origin id ->
    its name after the source its reports started with (:func:`sevenfold.model.custody.origin_name`)."""
    out: list[Alert] = []
    for hid, rows in _supported(ev, ell_raw):
        used = sorted({int(ev.origin_index[i]) for i in rows})
        if len(used) != 1:
            continue
        reps = [ev.report_ids[i] for i in rows]
        srcs = sorted({ev.report_source[i] for i in rows})
        lead = (f"The only report supporting hypothesis {hid!r}, {reps[0]}," if len(reps) == 1 else
                f"All {len(reps)} reports supporting hypothesis {hid!r} ({', '.join(reps[:6])}"
                f"{' …' if len(reps) > 6 else ''})")
        out.append(Alert(kind="single_origin", hypothesis=hid, reports=reps, sources=srcs,
                         message=f"{lead} {'rests' if len(reps) == 1 else 'rest'} on one origin, "
                                 f"{(names or {}).get(ev.origins[used[0]].id, ev.origins[used[0]].id)}. "
                                 "That is one piece of evidence; seek a report with an independent origin before "
                                 "relying on it. (Reports rated the same under every hypothesis are not counted.)"))
    return out


def budget_alert(ev: Evidence, budget: DeceptionBudget, names: Mapping[str, str] | None = None) -> Alert:
    """single_channel_verdict: controlling one origin would hand the lead to another hypothesis."""
    oid = budget.origins[0]
    named = (names or {}).get(oid, oid)
    reps = next((o.reports for o in ev.origins if o.id == oid), [])
    return Alert(kind="single_channel_verdict", hypothesis=budget.hypothesis, reports=list(reps),
                 message=f"One channel decides this verdict: if origin {named} ({', '.join(reps[:6])}"
                         f"{' …' if len(reps) > 6 else ''}) were controlled by an adversary (its evidence void), "
                         f"{budget.flips_to} would lead instead of {budget.hypothesis}. Verify that channel "
                         "independently before acting on the verdict.")


def support_alerts(ev: Evidence, ell_raw: np.ndarray) -> list[Alert]:
    """coerced_only / interested_only: a hypothesis whose every supporting report is of that kind."""
    out: list[Alert] = []
    for hid, support in _supported(ev, ell_raw):
        reps = [ev.report_ids[i] for i in support]
        if ev.coerced[support].all():
            out.append(Alert(kind="coerced_only", hypothesis=hid, reports=reps,
                             message=f"every report supporting {hid!r} is a coerced confession; "
                                     "they carry almost no evidential weight"))
        elif (ev.coerced[support] | ev.interested[support]).all():
            out.append(Alert(kind="interested_only", hypothesis=hid, reports=reps,
                             message=f"no credible evidence for {hid!r} apart from sources with an interest in "
                                     "the answer (official statements, declared interests, coerced confessions)"))
    return out
