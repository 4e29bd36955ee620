"""Why every number is what it is: contributions to the posterior, and why an edit moves nothing.

Everything here is read off the quantities the posterior is computed from (``OriginCombiner``): no
number is re-derived. Natural logarithms throughout (nats).

**Contributions.** The posterior is ``log P(h | E) = log π(h) + Σ_o c_o(h) − log Z`` and each origin's
``c_o = Σ_{i∈o} a_i ℓ_i`` (``a_i`` the report's fixed share of its origin). For a hypothesis h and its
strongest rival r (the most probable other hypothesis) the log posterior odds split exactly:

    log P(h|E)/P(r|E) = log π(h)/π(r) + Σ_o [c_o(h) − c_o(r)],    c_o(h) − c_o(r) = Σ_{i∈o} a_i [ℓ_i(h) − ℓ_i(r)]

The ``MAX_CONTRIBUTIONS`` origins with the largest |c_o(h) − c_o(r)| are listed, each with its reports'
terms; ``rest`` is the sum over the other origins, so the listed terms plus ``rest`` are the evidence
(log posterior odds minus log prior odds).

**Why nothing moves.** :func:`quiet_reasons` says, per report, why it adds nothing to the posterior
(one reason, the first that applies): excluded; not rated; non-diagnostic (the same rating under every
hypothesis); no weight (refuted, a synthesis, capped); its channel is fed under a deception (fed, it is
as likely under the deception as under its cover and so reads the same everywhere); its origin is
already counted (the origin reads the same without it); or too little weight to move any posterior by
``QUIET``. :func:`edit_unmoved_reason` turns that into the sentence a front end shows after a rating edit
that moved nothing, and the what-if's burn explanation (``whatif.explain_burn``) uses the same table.

**What-if deltas.** :func:`explain_shift` splits the change of each hypothesis's log odds against its
strongest rival (before the change) into the changes of the reports' terms, grouped by origin.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sevenfold.ach.engine import softmax_rows
from sevenfold.ach.evidence import ANY_ACTOR, Evidence, fed_probability
from sevenfold.model.results import ChangeWhy, Contribution, HypothesisWhy, WeightFactor

if TYPE_CHECKING:
    from sevenfold.ach.engine import OriginCombiner
    from sevenfold.model import Case
    from sevenfold.model.results import Assessment, ReportWhy

#: origins listed per hypothesis (the rest are summed in ``rest``)
MAX_CONTRIBUTIONS = 5
#: reports listed per origin in a contribution
MAX_REPORTS = 8
#: a posterior that moves by less than this has not moved (it prints the same to four decimals)
QUIET = 5e-5
#: a log-likelihood row (nats) that moves by less than this reads the same
ROW_EPS = 1e-9
DIGITS = 6

#: why a report adds nothing to the posterior: kind -> (sentence for one report, phrase for a count)
QUIET_KINDS: dict[str, tuple[str, str]] = {
    "excluded": ("excluded from this assessment", "are excluded"),
    "not_rated": ("not rated against any hypothesis yet", "are not rated"),
    "non_diagnostic": ("non-diagnostic: same rating under every hypothesis, so it cannot favour one over "
                       "another", "have no bearing on any hypothesis as rated"),
    "no_weight": ("carries no weight", "carry no weight (refuted, a synthesis, or capped by what they derive from)"),
    "fed": ("this channel is fed under the deception hypothesis", "are fed under the deception hypothesis"),
    "origin_counted": ("this origin is already counted", "add nothing to an origin already counted"),
    "negligible": ("too little weight to move any posterior", "carry too little weight to move a posterior"),
}


@dataclass
class Terms:
    """Every report's term a_i ℓ_i (N, H) in the log posterior, with the ids to match them across runs."""

    hyp_ids: list[str]
    report_ids: list[str]
    report_origin: list[str]
    origin_ids: list[str]
    origin_index: np.ndarray
    terms: np.ndarray
    contrib: np.ndarray
    log_prior: np.ndarray

    @property
    def logits(self) -> np.ndarray:
        return self.log_prior + self.contrib.sum(axis=0)


def terms_of(ev: Evidence, comb: OriginCombiner) -> Terms:
    shares = comb.shares()
    return Terms(hyp_ids=list(ev.hyp_ids), report_ids=list(ev.report_ids),
                 report_origin=[ev.origins[o].id for o in ev.origin_index.tolist()],
                 origin_ids=[o.id for o in ev.origins], origin_index=ev.origin_index,
                 terms=shares[:, None] * comb.ell if comb.ell.size else np.zeros(comb.ell.shape),
                 contrib=comb.contrib, log_prior=comb.log_prior)


def ranking(post: np.ndarray) -> list[int]:
    """Hypothesis indices in the order the Assessment lists them (posterior descending, then case order)."""
    return sorted(range(post.size), key=lambda k: (-float(post[k]), k))


def rival(order: list[int], k: int) -> int | None:
    """The strongest other hypothesis: the first in ``order`` that is not k."""
    return next((j for j in order if j != k), None)


def _finite(x: float) -> float | None:
    return round(float(x), DIGITS) if np.isfinite(x) else None


def _listed(values: np.ndarray, limit: int) -> list[int]:
    """Indices of the ``limit`` largest |values| that are not zero, largest first."""
    nz = np.flatnonzero(np.abs(values) > 1e-12)
    if nz.size > limit:
        nz = nz[np.argpartition(-np.abs(values[nz]), limit - 1)[:limit]]
    return sorted(nz.tolist(), key=lambda j: (-abs(float(values[j])), j))


def _members(origin_index: np.ndarray, n_origins: int) -> list[np.ndarray]:
    order = np.argsort(origin_index, kind="stable")
    bounds = np.searchsorted(origin_index[order], np.arange(n_origins + 1))
    return [order[bounds[o]:bounds[o + 1]] for o in range(n_origins)]


def _contribution(origin: str, value: float, rows: np.ndarray, report_values: np.ndarray,
                  report_ids: list[str]) -> Contribution:
    """``report_values`` is aligned with ``rows`` (report indices); the largest ``MAX_REPORTS`` are listed."""
    by_report = {report_ids[int(rows[j])]: round(float(report_values[j]), DIGITS)
                 for j in _listed(report_values, MAX_REPORTS)}
    return Contribution(origin=origin, log_lr=round(float(value), DIGITS), reports=list(by_report),
                        report_log_lr=by_report)


def hypothesis_whys(t: Terms, post: np.ndarray) -> list[HypothesisWhy | None]:
    """Per hypothesis (case order): its log posterior odds against its strongest rival, split by origin."""
    H = len(t.hyp_ids)
    order = ranking(post)
    members = _members(t.origin_index, len(t.origin_ids))
    logits = t.logits
    out: list[HypothesisWhy | None] = []
    for k in range(H):
        r = rival(order, k)
        if r is None:
            out.append(None)
            continue
        d = t.contrib[:, k] - t.contrib[:, r] if len(t.origin_ids) else np.zeros(0)
        evidence = float(d.sum())
        listed = _listed(d, MAX_CONTRIBUTIONS)
        contributions = []
        for o in listed:
            rows = members[o]
            contributions.append(_contribution(t.origin_ids[o], float(d[o]), rows,
                                               t.terms[rows, k] - t.terms[rows, r], t.report_ids))
        rest = evidence - float(d[listed].sum()) if listed else evidence
        n_rest = int((np.abs(d) > 1e-12).sum()) - len(listed)
        out.append(HypothesisWhy(
            against=t.hyp_ids[r], log_posterior_odds=_finite(logits[k] - logits[r]),
            log_prior_odds=_finite(t.log_prior[k] - t.log_prior[r]), evidence=round(evidence, DIGITS),
            contributions=contributions, rest=round(rest, DIGITS), rest_origins=n_rest))
    return out


# ---- why a report moves nothing ------------------------------------------------------------------------

def quiet_reasons(ev: Evidence, comb: OriginCombiner, ell_raw: np.ndarray) -> list[tuple[str, str] | None]:
    """Per report: ``(kind, sentence)`` when it adds nothing to the posterior, else None (kinds: QUIET_KINDS)."""
    n, H = len(ev.report_ids), ev.n_hyp
    if n == 0:
        return []
    ell, u = comb.ell, comb.u
    o = ev.origin_index
    # the case without report i (its origin's other reports keep their own readings, shares re-normalised)
    S_wo = comb.S[o] - u[:, None] * ell
    W_wo = comb.W[o] - u
    c_wo = np.where((W_wo > 1e-12)[:, None], S_wo / np.where(W_wo > 1e-12, W_wo, 1.0)[:, None], 0.0)
    origin_moves = np.abs(c_wo - comb.contrib[o]).max(axis=1) if H else np.zeros(n)
    post = comb.posterior()
    post_wo = comb.posterior(comb.total[None, :] - comb.contrib[o] + c_wo)
    post_moves = np.abs(post_wo - post[None, :]).max(axis=1) if H else np.zeros(n)
    rated = ev.rated
    excluded: np.ndarray = ev.excluded if ev.excluded is not None else np.zeros(n, dtype=bool)
    not_rated = np.logical_not(rated.any(axis=0))
    flat = ((np.ptp(ev.L, axis=2) <= 1e-12) | ~rated).all(axis=0)  # every analyst who rated it: one rating
    raw_informative = (ell_raw.max(axis=1) - ell_raw.min(axis=1) > ROW_EPS) if H else np.zeros(n, dtype=bool)
    live = u > ROW_EPS
    sizes = np.bincount(o, weights=live.astype(float), minlength=len(ev.origins))
    quiet = excluded | not_rated | flat | (ev.weight <= 0) | ~live | (post_moves < QUIET)
    out: list[tuple[str, str] | None] = [None] * n
    for i in np.flatnonzero(quiet).tolist():
        why: tuple[str, str] | None = None
        if excluded[i]:
            why = ("excluded", QUIET_KINDS["excluded"][0])
        elif not_rated[i]:
            why = ("not_rated", QUIET_KINDS["not_rated"][0])
        elif flat[i]:
            why = ("non_diagnostic", QUIET_KINDS["non_diagnostic"][0])
        elif ev.weight[i] <= 0:
            last = ev.weight_factors[i][-1][2] if i < len(ev.weight_factors) and ev.weight_factors[i] else ""
            why = ("no_weight", QUIET_KINDS["no_weight"][0] + (f": {last}" if last else ""))
        elif not live[i] and raw_informative[i]:
            why = ("fed", fed_sentence(ev, i))
        elif not live[i]:
            why = ("negligible", QUIET_KINDS["negligible"][0])
        elif sizes[o[i]] > 1:
            others = [ev.report_ids[j] for j in np.flatnonzero((o == o[i]) & live) if j != i]
            same = "the same" if origin_moves[i] <= ROW_EPS else "nearly the same"
            why = ("origin_counted", f"{QUIET_KINDS['origin_counted'][0]}: {ev.origins[o[i]].id} counts once, "
                                     f"and {', '.join(others[:4])}{' …' if len(others) > 4 else ''} already "
                                     f"say(s) {same}, so without it no posterior moves by {QUIET:g} or more")
        else:
            why = ("negligible", f"{QUIET_KINDS['negligible'][0]} (weight {ev.weight[i]:.2f}: with or without it "
                                 f"no posterior moves by {QUIET:g} or more)")
        out[i] = why
    return out


def fed_deceptions(ev: Evidence, i: int, p_min: float = 1.0) -> list[int]:
    """Deception hypotheses whose actor feeds report i with probability >= ``p_min`` (or whose reach is 1)."""
    out = []
    for k, cover in ev.cover.items():
        if not cover:
            continue
        p = fed_probability(ev.fed_by[i], ev.deception_by[k] or ANY_ACTOR)
        if p >= p_min or ev.hyp_reach.get(k, ev.reach) >= 1.0:
            out.append(k)
    return out


def fed_sentence(ev: Evidence, i: int) -> str:
    ks = fed_deceptions(ev, i) or list(ev.cover)
    parts = []
    for k in ks:
        cover = ", ".join(ev.hyp_ids[c] for c in ev.cover.get(k, []))
        parts.append(f"{ev.hyp_ids[k]} (by {ev.deception_by[k] or 'any deceiver'}; cover: {cover})")
    return (f"{QUIET_KINDS['fed'][0]} {'; '.join(parts)}: fed, the report is as likely under the deception as "
            "under its cover, so it reads the same under every hypothesis")


def weight_factors(ev: Evidence, i: int, memo: dict[int, list[WeightFactor]] | None = None) -> list[WeightFactor]:
    """Report i's weight factors; ``memo`` shares the (read-only) objects between reports whose factors are
    the same tuple (the evidence shares one tuple between reports weighed alike)."""
    terms = ev.weight_factors[i] if i < len(ev.weight_factors) else ()
    if memo is not None and id(terms) in memo:
        return list(memo[id(terms)])
    out = [WeightFactor(factor=f, value=round(float(v), 4), detail=d) for f, v, d in terms]
    if memo is not None:
        memo[id(terms)] = out
    return list(out)


# ---- a rating edit that moved nothing ------------------------------------------------------------------

def posteriors_unmoved(before: dict[str, float | None], after: dict[str, float | None]) -> bool:
    """True when ``after`` holds the same hypotheses as ``before`` and none of their posteriors moved by
    ``QUIET`` or more (a posterior that is None on either side is not compared)."""
    if set(before) != set(after):
        return False
    return not any(b is not None and (a := after[h]) is not None and abs(b - a) >= QUIET
                   for h, b in before.items())


def edit_unmoved_reason(case: Case, report_id: str, why: ReportWhy | None, *, analyst: str | None = None,
                        hypothesis: str | None = None) -> str | None:
    """Why an edit of ``report_id``'s ratings (by ``analyst``, of the cell under ``hypothesis``) moved no
    posterior, in a user's words; ``why`` is the report's ``ReportWhy`` after the edit. None: no reason known."""
    me = analyst or ""
    mine = {rt.hypothesis: rt.consistency for rt in case.ratings
            if rt.report == report_id and (rt.analyst or "") == me and rt.consistency}
    hyps = [h.id for h in case.hypotheses]
    if hyps and all(h in mine for h in hyps) and len({mine[h] for h in hyps}) == 1:
        return (f"{report_id} is non-diagnostic — your rating is the same ({mine[hyps[0]]}) under every "
                "hypothesis, so it cannot favour one over another")
    deception = next((h for h in case.hypotheses if h.id == hypothesis and h.deception_by), None)
    if deception is not None and why is not None and fed_probability(why.fed_by, deception.deception_by or
                                                                     ANY_ACTOR) >= 1.0:
        return (f"this channel is fed under the deception hypothesis {deception.id}: {report_id} comes through a "
                f"channel {deception.deception_by} runs, so under {deception.id} it is as likely as under its cover "
                "story; a rating under it counts only where it is above the cover's")
    missing = [h for h in hyps if h not in mine]
    if missing and mine:
        return f"you have not rated {report_id} against {', '.join(missing)} yet"
    if why is not None and why.unmoved:
        return f"{report_id}: {why.unmoved}"
    if missing:
        return f"you have not rated {report_id} against {', '.join(missing)} yet"
    return None


# ---- what-if deltas ------------------------------------------------------------------------------------

def explain_shift(before: Assessment, after: Assessment) -> dict[str, ChangeWhy]:
    """Per hypothesis id: the change of its log odds against its strongest rival (before), by origin."""
    tb, ta = attached_terms(before), attached_terms(after)
    if tb is None or ta is None or tb.hyp_ids != ta.hyp_ids or len(tb.hyp_ids) < 2:
        return {}
    ids = list(dict.fromkeys([*tb.report_ids, *ta.report_ids]))
    H = len(tb.hyp_ids)
    ib = {r: i for i, r in enumerate(tb.report_ids)}
    ia = {r: i for i, r in enumerate(ta.report_ids)}
    Tb = np.zeros((len(ids), H))
    Ta = np.zeros((len(ids), H))
    origin_of = []
    for j, rid in enumerate(ids):
        if rid in ib:
            Tb[j] = tb.terms[ib[rid]]
        if rid in ia:
            Ta[j] = ta.terms[ia[rid]]
        origin_of.append(tb.report_origin[ib[rid]] if rid in ib else ta.report_origin[ia[rid]])
    origins = list(dict.fromkeys(origin_of))
    oidx = np.array([origins.index(x) for x in origin_of], dtype=np.int64) if ids else np.zeros(0, np.int64)
    members = _members(oidx, len(origins))
    post_b = softmax_rows(tb.logits)
    order = ranking(post_b)
    lb, la = tb.logits, ta.logits
    out: dict[str, ChangeWhy] = {}
    for k in range(H):
        r = rival(order, k)
        if r is None:
            continue
        d_rep = (Ta[:, k] - Ta[:, r]) - (Tb[:, k] - Tb[:, r])
        d = np.bincount(oidx, weights=d_rep, minlength=len(origins)) if ids else np.zeros(0)
        change = float(d_rep.sum())
        listed = _listed(d, MAX_CONTRIBUTIONS)
        contributions = [_contribution(origins[o], float(d[o]), members[o], d_rep[members[o]], ids) for o in listed]
        rest = change - float(d[listed].sum()) if listed else change
        out[tb.hyp_ids[k]] = ChangeWhy(
            against=tb.hyp_ids[r], log_odds_before=_finite(lb[k] - lb[r]), log_odds_after=_finite(la[k] - la[r]),
            change=round(change, DIGITS), contributions=contributions, rest=round(rest, DIGITS),
            rest_origins=int((np.abs(d) > 1e-12).sum()) - len(listed))
    return out


def attached_terms(a: Assessment) -> Terms | None:
    t = getattr(a, "_terms", None)
    return t if isinstance(t, Terms) else None


def why_text(hypothesis: str, w: HypothesisWhy | None, n_origins: int = 3) -> str:
    """One line for people: 'against R: log odds +0.04 = prior +0.00 + evidence +0.04; o1 +0.04 (r1, r2)'."""
    if w is None:
        return ""
    def s(x: float | None) -> str:
        return "—" if x is None else f"{x:+.3f}"
    head = f"against {w.against}: log odds {s(w.log_posterior_odds)}"
    if w.log_prior_odds is not None:
        head += f" = prior {s(w.log_prior_odds)} + evidence {s(w.evidence)}"
    parts = [f"{c.origin} {s(c.log_lr)} ({', '.join(c.reports[:3])}{' …' if len(c.reports) > 3 else ''})"
             for c in w.contributions[:n_origins]]
    rest = w.rest + sum(c.log_lr for c in w.contributions[n_origins:])
    n_rest = w.rest_origins + max(0, len(w.contributions) - n_origins)
    if n_rest:
        parts.append(f"{n_rest} other origin(s) {s(rest)}")
    return head + ("; " + "; ".join(parts) if parts else f"; no origin favours {hypothesis} or {w.against}")
