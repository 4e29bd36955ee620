"""Bayesian ACH (``bayes-ach/1``): assemble every part of the Assessment from one Evidence build."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from sevenfold.ach.alerts import (
    budget_alert,
    deception_alerts,
    overlapping_hypotheses,
    prior_alerts,
    single_origin_alerts,
    support_alerts,
    unrated_alerts,
)
from sevenfold.ach.analysts import DISAGREEMENT_ALERT_BITS, analyst_view
from sevenfold.ach.budget import deception_budget
from sevenfold.ach.checks import check_case
from sevenfold.ach.engine import OriginCombiner
from sevenfold.ach.evidence import (
    SUSPECT_GRADE_P,
    Evidence,
    build_evidence,
    face_value_log_likelihoods,
    fed_probability,
    log_likelihoods,
    pooled,
    safe_log,
)
from sevenfold.ach.explain import hypothesis_whys, quiet_reasons, ranking, rival, terms_of, weight_factors
from sevenfold.ach.language import (
    CONFIDENCE_RELIABLE,
    CREDIBILITY_WORDS,
    LIVE_DECEPTION,
    SUPPORT_MARGIN,
    confidence_level,
    credibility_grade,
    estimative,
    near_tie,
    tie_text,
)
from sevenfold.ach.sensitivity import controlled_tops, source_rows, top_of, value_of_information
from sevenfold.model import Case, chain_sources, surely_after
from sevenfold.model.custody import origin_names
from sevenfold.model.results import (
    Alert,
    AnalystDisagreement,
    Assessment,
    ConfidenceLevel,
    DeceptionBudget,
    HypothesisResult,
    OriginResult,
    ReportResult,
    ReportWhy,
    SensitivityRow,
    SourceResult,
    VerifyItem,
)

METHOD = "bayes-ach/1"
MAX_VERIFY = 10


def run(case: Case, *, origins: list[OriginResult] | None = None,
        fusion_trust: Mapping[str, float] | None = None,
        copy_pairs: Iterable[Any] | None = None, detail: bool = True,
        exclude: Iterable[str] | None = None) -> Assessment:
    pairs = check_case(case, origins, fusion_trust, copy_pairs)
    ev = build_evidence(case, origins=origins, fusion_trust=dict(fusion_trust) if fusion_trust else None,
                        copy_pairs=pairs, exclude=set(exclude) if exclude else None)
    H = ev.n_hyp
    ell_a = log_likelihoods(ev)
    ell = pooled(ell_a, ev.rated)
    log_prior = safe_log(ev.prior)
    comb = OriginCombiner(ell, ev.origin_index, len(ev.origins), log_prior, excluded=ev.excluded)
    post = comb.posterior()
    top_idx = int(top_of(post))
    reports = {r.id: r for r in case.reports}
    hid = ev.hyp_ids
    post_map = {hid[k]: float(post[k]) for k in range(H)}
    tied = near_tie(post_map)
    # what each report says, as rated (full weight, no deception): support, direction, content truth
    ell_raw = pooled(face_value_log_likelihoods(ev), ev.rated)
    if ev.excluded is not None:
        ell_raw = np.where(ev.excluded[:, None], 0.0, ell_raw)

    # ---- sensitivity, linchpins, value of information ------------------------------------------
    via = [chain_sources(reports[r]) for r in ev.report_ids]  # whole custody chain (model.custody)
    rows_by_source = source_rows(ev, via)
    removed_post = comb.posterior(comb.totals_without_each_report())
    removed_top = top_of(removed_post)
    # inside a near tie every report "changes the top": no linchpin is declared there
    linchpins = [] if tied else [ev.report_ids[i] for i in range(len(ev.report_ids)) if removed_top[i] != top_idx]

    def name(k: int) -> str | None:
        return hid[k] if k >= 0 else None

    sens_rows: list[SensitivityRow] | None = None
    verify: list[VerifyItem] | None = None
    if detail:
        controlled = controlled_tops(ev, comb, rows_by_source)
        sens_rows = [
            SensitivityRow(
                report=rid,
                if_removed_top=name(int(removed_top[i])),
                if_removed_posterior={hid[k]: round(float(removed_post[i, k]), 4) for k in range(H)},
                if_controlled_top={a: name(t) or "tie"
                                   for a, t in controlled.get(ev.report_source[i], {}).items()} or None,
            )
            for i, rid in enumerate(ev.report_ids)
        ]
        voi = value_of_information(ev, comb)
        verify = [VerifyItem(target=it.target, kind=it.kind, value=round(it.value, 4), why=_voi_why(it, hid))
                  for it in voi if round(it.value, 4) > 0][:MAX_VERIFY]

    # ---- per report: diagnosticity, credibility -------------------------------------------------
    diag = 1.0 - np.exp(-comb.u)
    t_wo_origin = comb.totals_without_each_origin()
    post_wo_origin = comb.posterior(t_wo_origin) if len(ev.origins) else np.zeros((0, H))
    favours = ell > 1e-9
    truth, live_all = content_truth(ev, ell_raw, post_wo_origin[ev.origin_index] if n_rep_any(ev) else None)
    fed_live = [names[0] if names else "" for names in live_all]
    n_fav = favours.sum(axis=1, keepdims=True)
    n_not = H - n_fav
    direction = np.where(favours, 1.0 / np.maximum(n_fav, 1), -1.0 / np.maximum(n_not, 1))
    agreement = comb.contrib @ direction.T if len(ev.report_ids) else np.zeros((0, 0))  # (O, N)
    corroborating = _corroboration(ev, comb, agreement)
    n_rep = len(ev.report_ids)
    q_all = (post_wo_origin[ev.origin_index] * truth).sum(axis=1).tolist() if n_rep else []
    q0_all = (truth @ ev.prior).tolist() if n_rep else []
    informative_all = (comb.u > 1e-9).tolist()
    fav_lists = [[hid[k] for k in row] for row in _row_indices(truth > 0.5)]
    excluded_all = ev.excluded.tolist() if ev.excluded is not None else [False] * n_rep
    origin_all = ev.origin_index.tolist()
    diag_all, weight_all, corr_all = diag.tolist(), ev.weight.tolist(), corroborating.tolist()
    # ---- why: each report's term in the leader's odds against its strongest rival; why it moves nothing
    terms = terms_of(ev, comb)
    order = ranking(post)
    lead, lead_rival = order[0] if H else None, rival(order, order[0]) if H else None
    lead_terms = (np.round(terms.terms[:, lead] - terms.terms[:, lead_rival], 6).tolist()
                  if lead is not None and lead_rival is not None and n_rep else [None] * n_rep)
    share_all = np.round(comb.shares(), 4).tolist() if n_rep else []
    factor_memo: dict[int, Any] = {}
    quiet = quiet_reasons(ev, comb, ell_raw)
    report_results = []
    for i, rid in enumerate(ev.report_ids):
        o = origin_all[i]
        informative = informative_all[i]
        q = q_all[i] if informative else 0.0
        q0 = q0_all[i] if informative else 0.0
        bf = _odds(q) / max(_odds(q0), 1e-300) if informative else 1.0
        corroborated = corr_all[i]
        live = fed_live[i]
        grade = credibility_grade(q, bf, informative=informative, corroborated=corroborated,
                                  outcome=ev.outcome.get(rid), fed_by_live_deception=bool(live))
        if rid in ev.outcome:
            why_c = f"outcome: {ev.outcome[rid]} (dated <= as_of)"
        elif excluded_all[i]:
            why_c = "excluded from this assessment"
        elif not informative:
            why_c = ("a synthesis of reports in the case: its inputs carry the evidence, not it"
                     if ev.synthesis is not None and ev.synthesis[i] else "no bearing on any hypothesis as rated")
        else:
            fav = ", ".join(fav_lists[i]) or "no hypothesis"
            why_c = (f"P(content true | other origins) = {q:.2f} (true under {fav}; prior {q0:.2f}, "
                     f"Bayes factor {bf:.2g}); "
                     + ("corroborated by an independent origin" if corroborated else "no independent corroboration"))
            if live:
                why_c += f"; the live deception {live} explains it as fed (content false under it)"
        lt, quiet_i = lead_terms[i], quiet[i]
        report_why = ReportWhy(
            p_true=round(q, 4) if informative else None, p_true_prior=round(q0, 4) if informative else None,
            bayes_factor=round(bf, 4) if informative and bf != float("inf") else None,
            true_under=fav_lists[i] if informative else [], fed_under=live_all[i] if informative else [],
            corroborated=bool(corroborated) if informative else None,
            fed_by={a: round(p, 4) for a, p in ev.fed_by[i].items()},
            weight_factors=weight_factors(ev, i, factor_memo), share=share_all[i], log_lr_top=lt,
            unmoved=quiet_i[1] if quiet_i else None, unmoved_kind=quiet_i[0] if quiet_i else None)
        report_results.append(ReportResult(
            id=rid, source=ev.report_source[i], origin=ev.origins[o].id, credibility=grade,
            diagnosticity=round(diag_all[i], 4), weight=round(weight_all[i], 4),
            reason=f"{grade} ({CREDIBILITY_WORDS[grade]}): {why_c}; {ev.weight_parts[i]}", why=report_why,
        ))

    # ---- sources --------------------------------------------------------------------------------
    burned = {b.source for b in case.burns if not surely_after(b.since, case.case.as_of)}
    source_results = [
        SourceResult(id=s.id, name=s.name, reliability=round(ev.reliability[s.id].mean, 4),
                     admiralty=ev.reliability[s.id].admiralty, reason=ev.reliability[s.id].reason(),
                     fusion_trust=ev.reliability[s.id].fusion_trust, burned=s.id in burned)
        for s in case.sources
    ]

    # ---- analysts -------------------------------------------------------------------------------
    analysts_out = None
    per_analyst: dict[str, dict[str, float]] = {}
    alerts: list[Alert] = []
    if len(ev.analysts) > 1:
        view = analyst_view(ell_a, ev.rated, ev.L, ev.cell_rated, ev.origin_index, len(ev.origins), log_prior,
                            ev.analysts, ev.report_ids, hid)
        labels = [a or "(unnamed)" for a in ev.analysts]
        for k in range(H):
            per_analyst[hid[k]] = {labels[a]: round(float(view.posteriors[a, k]), 4) for a in range(len(labels))}
        analysts_out = AnalystDisagreement(
            analysts=labels, disagreement=round(view.js_bits, 4), cells=view.cells,
            pooled={hid[k]: round(float(post[k]), 4) for k in range(H)})
        # an analyst whose own posteriors are a near tie has no single leader (the wording rule of the verdict)
        tops = {labels[a]: (None if near_tie({hid[k]: float(view.posteriors[a, k]) for k in range(H)})
                            else name(int(top_of(view.posteriors[a])))) for a in range(len(labels))}
        leaders_differ = len({t for t in tops.values() if t is not None}) > 1
        if view.js_bits >= DISAGREEMENT_ALERT_BITS or leaders_differ:
            cells = ", ".join(f"{c['report']}/{c['hypothesis']}" for c in view.cells[:3])
            leaders = "; ".join(f"{who}: {top or 'no single leader'}" for who, top in tops.items())
            alerts.append(Alert(kind="analyst_disagreement",
                                message=f"analysts disagree (Jensen-Shannon {view.js_bits:.3f} bits); each "
                                        f"analyst's most likely hypothesis — {leaders}; most contested cells: "
                                        f"{cells or 'none shared'}",
                                reports=[c["report"] for c in view.cells[:3]]))

    # ---- alerts ---------------------------------------------------------------------------------
    names = origin_names(case.reports, ev.origins)  # "o1 — curveball, relayed by bnd"
    alerts = (overlapping_hypotheses(case) + deception_alerts(case) + unrated_alerts(ev)
              + prior_alerts(ev, post, comb.total) + support_alerts(ev, ell_raw)
              + single_origin_alerts(ev, ell_raw, names) + alerts)

    # ---- deception budget -----------------------------------------------------------------------
    budget = None
    if top_idx >= 0 and H > 1:
        b = deception_budget(comb.contrib, log_prior, top_idx)
        budget = DeceptionBudget(hypothesis=hid[top_idx], flips_to=name(b.flips_to) if b.flips_to is not None else None,
                                 origins=[ev.origins[o].id for o in b.origins], size=b.size)
        if b.size == 1 and not tied:  # inside a near tie there is no verdict for one channel to decide
            alerts.append(budget_alert(ev, budget, names))

    # ---- confidence -----------------------------------------------------------------------------
    confidence, confidence_reason = _confidence(ev, comb, post, top_idx, bool(linchpins),
                                                tie_text(post_map, tied) if tied else "")

    heuer = _heuer_scores(ev)
    hyp_whys = hypothesis_whys(terms, post)
    hyp_results = [
        HypothesisResult(id=hid[k], statement=case.hypotheses[k].statement, posterior=round(float(post[k]), 6),
                         estimative=estimative(float(post[k])), inconsistency=heuer[hid[k]],
                         prior=round(float(ev.prior[k]), 6), deception_by=ev.deception_by[k],
                         per_analyst=per_analyst.get(hid[k]), why=hyp_whys[k])
        for k in order
    ]
    result = Assessment(
        method=METHOD, case=case.id, title=case.case.title, question=case.case.question, as_of=case.case.as_of,
        top=name(top_idx), confidence=confidence, confidence_reason=confidence_reason, hypotheses=hyp_results,
        sources=source_results, reports=report_results, origins=ev.origins, linchpins=linchpins,
        verify_next=verify, alerts=alerts, sensitivity=sens_rows, analysts=analysts_out,
        notes=[*ev.notes, "inconsistency = Heuer's weighted count (I=1, II=2), shown beside the posterior"]
        + ([f"near tie ({tie_text(post_map, tied)}): no linchpin is declared inside a tie"] if tied else []),
        deception_budget=budget,
    )
    result._terms = terms
    return result


def n_rep_any(ev: Evidence) -> bool:
    return bool(ev.report_ids) and bool(ev.origins)


def content_truth(ev: Evidence, ell_raw: np.ndarray, post_other: np.ndarray | None
                  ) -> tuple[np.ndarray, list[list[str]]]:
    """T (N, H): the probability that report i's content is true under hypothesis h; and, per report,
    the live deceptions (if any, case order) that explain it as fed.

    Under an ordinary hypothesis the content is true when the report favours it as rated (ℓ > 0 at
    face value). Under a deception k the content is true only when the report points at the deception
    itself (favours k over its cover); a report favouring k's cover is what the deceiver would feed,
    false under k. k explains a report as fed when its content is false under k and it favours k's
    cover, or comes through a channel k's actor runs with probability >= 0.5.
    ``post_other``: (N, H) posteriors without each report's origin (for "live"); None -> nothing live.
    """
    n = ell_raw.shape[0]
    eps = 1e-9
    T = (ell_raw > eps).astype(float)
    live: list[list[str]] = [[] for _ in range(n)]
    for k, cover in ev.cover.items():
        actor = ev.deception_by[k] or ""
        own = ell_raw[:, k]
        cov = ell_raw[:, cover].max(axis=1) if cover else np.full(n, -np.inf)
        T[:, k] = ((own > eps) & (own > cov + eps)).astype(float)
        p_fed = np.array([fed_probability(f, actor) for f in ev.fed_by]) if n else np.zeros(0)
        if post_other is None:
            continue
        as_fed = ((cov > eps) | (p_fed >= SUSPECT_GRADE_P)) & (T[:, k] < 0.5) & (ell_raw.max(axis=1) > eps)
        for i in np.flatnonzero(as_fed & (post_other[:, k] >= LIVE_DECEPTION)):
            live[i].append(ev.hyp_ids[k])
    return T, live


def _confidence(ev: Evidence, comb: OriginCombiner, post: np.ndarray, top_idx: int,
                has_linchpin: bool, tied: str = "") -> tuple[ConfidenceLevel, str]:
    if top_idx < 0:
        return "low", "no single most likely hypothesis (a tie)" + (f": {tied} are level" if tied else "")
    if ev.n_hyp == 1:
        return "low", "only one hypothesis: nothing competes with it"
    c = comb.contrib
    margin = c[:, top_idx] - np.delete(c, top_idx, axis=1).max(axis=1) if len(c) else np.zeros(0)
    supporting = np.flatnonzero(margin > SUPPORT_MARGIN)
    best_weight = np.zeros(len(ev.origins))
    informative = comb.u > 1e-9
    np.maximum.at(best_weight, ev.origin_index[informative], ev.weight[informative])
    n_reliable = int((best_weight[supporting] >= CONFIDENCE_RELIABLE).sum())
    equal_priors = bool(np.ptp(ev.prior) < 1e-12)
    return confidence_level(float(post[top_idx]), int(supporting.size), n_reliable, has_linchpin, tied,
                            equal_priors=equal_priors)


def _row_indices(mask: np.ndarray) -> list[list[int]]:
    """Column indices of True per row, without a NumPy call per row."""
    rows, cols = np.nonzero(mask)
    out: list[list[int]] = [[] for _ in range(mask.shape[0])]
    for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
        out[r].append(c)
    return out


def _heuer_scores(ev: Evidence) -> dict[str, float]:
    """Heuer's weighted inconsistency (as heuer.inconsistency_scores) from the evidence arrays."""
    cons = ev.consistency
    n = (~np.isnan(cons)).sum(axis=0)
    cell = np.where(n > 0, np.nansum(cons, axis=0) / np.maximum(n, 1), 0.0)
    return {h: float(v) for h, v in zip(ev.hyp_ids, cell.sum(axis=0), strict=True)}


def _corroboration(ev: Evidence, comb: OriginCombiner, agreement: np.ndarray) -> np.ndarray:
    """(N,) bool: another origin, holding an informative report from ANOTHER source, points the same way."""
    n, n_orig = len(ev.report_ids), len(ev.origins)
    if n == 0:
        return np.zeros(0, dtype=bool)
    src_codes = {s: k for k, s in enumerate(sorted(set(ev.report_source)))}
    code = np.array([src_codes[s] for s in ev.report_source])
    inf = comb.u > 1e-9
    # per origin: number of distinct informative sources, and the one source if there is exactly one
    pairs = np.unique(np.stack([ev.origin_index[inf], code[inf]]), axis=1) if inf.any() else np.zeros((2, 0), int)
    n_src = np.bincount(pairs[0], minlength=n_orig)
    only = np.full(n_orig, -1)
    only[pairs[0]] = pairs[1]
    other_source = (n_src[:, None] > 1) | ((n_src[:, None] == 1) & (only[:, None] != code[None, :]))
    not_own = ev.origin_index[None, :] != np.arange(n_orig)[:, None]
    return ((agreement > SUPPORT_MARGIN) & other_source & not_own).any(axis=0)


def _odds(p: float) -> float:
    return p / (1.0 - p) if p < 1.0 else float("inf")


def _voi_why(it: Any, hid: list[str]) -> str:
    def top(k: int, p: float) -> str:
        return f"{hid[k]} ({p:.0%})" if k >= 0 else "a tie"

    if it.kind == "report":
        yes, no = "it proves accurate", "it proves false or fed"
    else:
        yes, no = "the source proves reliable", "the source proves unreliable"
    return (f"expected {it.value:.3f} bits less uncertainty: if {yes} (p≈{it.p_yes:.2f}) the top is "
            f"{top(it.top_yes, it.p_top_yes)}; if {no}, {top(it.top_no, it.p_top_no)}")
