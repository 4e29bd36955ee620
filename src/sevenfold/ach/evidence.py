"""From a case to arrays: priors, per-analyst likelihood matrices, reliability weights, channels, origins.

Notation (docs/assessment.md): reports i, hypotheses h, analysts a.

    L_a[i, h]   rating likelihood (Heuer scale mapped by CONSISTENCY_LIKELIHOOD, or explicit)
    w_i         effective reliability = r_source · modality · hops · interest · (1 − copy probability)
    P_a[i, h] = w_i · L_a[i, h] + (1 − w_i) · mean_h L_a[i, ·]      (unreliable -> uninformative)
    P_a[i, h] = max_h' P_a[i, h']   if h is a deception by A and report i may be fed by A
    ℓ_a[i, h] = log P_a[i, h] − mean_h log P_a[i, ·]                 (centred log-likelihood)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from itertools import repeat

import numpy as np

from sevenfold.ach.heuer import INCONSISTENCY_WEIGHT
from sevenfold.ach.reliability import SourceReliability, source_reliabilities
from sevenfold.ach.result import OriginResult
from sevenfold.model import Case
from sevenfold.model import may_be_on_or_after as _may_be_on_or_after
from sevenfold.model import surely_after as _surely_after

# Date comparisons parse ISO text; cases repeat the same few dates, so cache them.
surely_after = lru_cache(maxsize=65536)(_surely_after)
may_be_on_or_after = lru_cache(maxsize=65536)(_may_be_on_or_after)

# Heuer's consistency scale as P(report | hypothesis). Only ratios matter: CC/N = 1.8, N/II = 5.
CONSISTENCY_LIKELIHOOD: dict[str, float] = {"CC": 0.9, "C": 0.7, "N": 0.5, "I": 0.3, "II": 0.1}

# How far a report's modality shrinks it towards "uninformative" (multiplies reliability).
MODALITY_WEIGHT: dict[str, float] = {
    "observation": 1.0,
    "intercept": 1.0,
    "document": 0.9,
    "assessment": 0.7,
    "hearsay": 0.6,
    "official_statement": 0.4,
    "confession": 0.4,
    "coerced_confession": 0.05,
}
HOP_WEIGHT = 0.9          # per source in the report's `via` chain of custody
INTERESTED_WEIGHT = 0.5   # the source, or an intermediary in `via`, has declared `interests`
ANY_ACTOR = "*"  # compromise with no known actor: any deceiver may use the channel

# Consistency letters as codes (None = no letter given), for vectorised lookups.
_CONSISTENCY_CODE = {None: 0, "CC": 1, "C": 2, "N": 3, "I": 4, "II": 5, "NA": 6}
_CODE_LIKELIHOOD = np.array([np.nan, *(CONSISTENCY_LIKELIHOOD[k] for k in ("CC", "C", "N", "I", "II")), np.nan])
_CODE_INCONSISTENCY = np.array([np.nan, *(INCONSISTENCY_WEIGHT[k] for k in ("CC", "C", "N", "I", "II", "NA"))])


@dataclass
class Evidence:
    case_id: str
    hyp_ids: list[str]
    deception_by: list[str | None]
    prior: np.ndarray                       # (H,) normalised
    report_ids: list[str]                   # visible reports, case order
    report_source: list[str]
    analysts: list[str]                     # "" = ratings without an analyst name
    L: np.ndarray                           # (A, N, H) rating likelihoods (missing filled, see below)
    rated: np.ndarray                       # (A, N) analyst a rated report i
    cell_rated: np.ndarray                  # (A, N, H) explicit, non-NA cell
    consistency: np.ndarray                 # (A, N, H) Heuer inconsistency weight per cell (nan = none)
    weight: np.ndarray                      # (N,) effective reliability w_i
    weight_parts: list[str]                 # (N,) one-line explanation of w_i
    fed_by: list[frozenset[str]]            # (N,) actors who may feed report i (ANY_ACTOR = unknown)
    origin_index: np.ndarray                # (N,) origin of each report
    origins: list[OriginResult]
    reliability: dict[str, SourceReliability]
    interested: np.ndarray                  # (N,) bool
    coerced: np.ndarray                     # (N,) bool
    outcome: dict[str, str] = field(default_factory=dict)  # report id -> confirmed/refuted (<= as_of)
    notes: list[str] = field(default_factory=list)
    prior_explicit: bool = False
    cover: dict[int, list[int]] = field(default_factory=dict)  # deception hypothesis -> its cover stories

    @property
    def n_hyp(self) -> int:
        return len(self.hyp_ids)

    def deception_mask(self, actor: str) -> np.ndarray:
        return np.array([d == actor for d in self.deception_by], dtype=bool)


def visible_reports(case: Case) -> list[str]:
    """Ids of the reports known at ``case.as_of``, in case order."""
    return [r.id for r in case.visible_reports()]


def normalised_prior(case: Case) -> tuple[np.ndarray, list[str], bool]:
    """Priors: given ones kept, unset ones share the rest equally; normalised with a note if needed."""
    notes: list[str] = []
    given = [h.prior for h in case.hypotheses]
    n_unset = sum(p is None for p in given)
    total_given = sum(p for p in given if p is not None)
    explicit = n_unset < len(given)
    if n_unset == len(given):
        prior = np.full(len(given), 1.0 / len(given))
    else:
        rest = max(0.0, 1.0 - total_given)
        share = rest / n_unset if n_unset else 0.0
        prior = np.array([share if p is None else p for p in given], dtype=float)
        if n_unset and rest <= 0:
            notes.append(f"given priors sum to {total_given:.4g}: hypotheses without a prior get 0")
        s = prior.sum()
        if abs(s - 1.0) > 1e-6:
            notes.append(f"hypothesis priors sum to {s:.4g}, not 1; they were normalised")
        prior = prior / s
    return prior, notes, explicit


def compromise_entries(case: Case) -> dict[str, list[tuple[str | None, str, str]]]:
    """Per source: (since, actor or ANY_ACTOR, why) — controlled_by (since None), compromised_since, burns.

    Entries dated surely after as_of are ignored (no hindsight).
    """
    as_of = case.case.as_of
    out: dict[str, list[tuple[str | None, str, str]]] = {}
    for s in case.sources:
        if s.controlled_by:
            out.setdefault(s.id, []).append((None, s.controlled_by, f"suspected controlled by {s.controlled_by}"))
        if s.compromised_since and not surely_after(s.compromised_since, as_of):
            out.setdefault(s.id, []).append((s.compromised_since, ANY_ACTOR,
                                             f"compromised since {s.compromised_since}"))
    for b in case.burns:
        if surely_after(b.since, as_of):
            continue
        actor = b.actor or ANY_ACTOR
        who = f" by {b.actor}" if b.actor else ""
        out.setdefault(b.source, []).append((b.since, actor, f"burned{who} since {b.since} ({b.id})"))
    return out


def report_channels(case: Case, report_ids: list[str],
                    entries: dict[str, list[tuple[str | None, str, str]]]) -> list[frozenset[str]]:
    """Actors who may have fed each report: through its source or any source in its `via` chain,
    if the report may date on/after the compromise (earliest date wins: any entry suffices)."""
    reports = {r.id: r for r in case.reports}
    out = []
    if not entries:
        return [frozenset()] * len(report_ids)
    for rid in report_ids:
        r = reports[rid]
        actors: set[str] = set()
        for sid in [r.source, *r.via]:
            for since, actor, _ in entries.get(sid, []):
                if since is None or may_be_on_or_after(r.date, since):
                    actors.add(actor)
        out.append(frozenset(actors))
    return out


def build_origins(case: Case, report_ids: list[str],
                  origins: list[OriginResult] | None) -> tuple[np.ndarray, list[OriginResult], str]:
    """Origin index per visible report. Given origins are used as is (restricted to visible reports);
    otherwise reports linked by `derived_from` share an origin and every other report is its own."""
    index = {rid: i for i, rid in enumerate(report_ids)}
    parent = list(range(len(report_ids)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    if origins is not None:
        how = "origins given by provenance"
        groups = [(o.id, [r for r in o.reports if r in index], list(o.why)) for o in origins]
        covered = {r for _, rs, _ in groups for r in rs}
        groups += [(f"own:{rid}", [rid], ["not in any given origin: its own"])
                   for rid in report_ids if rid not in covered]
        groups = [g for g in groups if g[1]]
    else:
        how = "each report its own origin, except reports linked by derived_from"
        for r in case.reports:
            if r.id not in index:
                continue
            for d in r.derived_from:
                if d in index:
                    a, b = find(index[r.id]), find(index[d])
                    if a != b:
                        parent[max(a, b)] = min(a, b)
        roots: dict[int, list[str]] = {}
        for rid in report_ids:
            roots.setdefault(find(index[rid]), []).append(rid)
        groups = []
        for k, (_, members) in enumerate(sorted(roots.items())):
            why = ["linked by derived_from"] if len(members) > 1 else []
            groups.append((f"o{k + 1}", members, why))
    origin_index = np.zeros(len(report_ids), dtype=np.int64)
    result = []
    for k, (oid, members, why) in enumerate(groups):
        for rid in members:
            origin_index[index[rid]] = k
        result.append(OriginResult(id=oid, reports=members, why=why))
    return origin_index, result, how


def build_evidence(case: Case, *, origins: list[OriginResult] | None, fusion_trust: dict[str, float] | None,
                   copy_pairs: list[tuple[str, str, float]]) -> Evidence:
    hyp_ids = [h.id for h in case.hypotheses]
    hidx = {h: k for k, h in enumerate(hyp_ids)}
    prior, notes, explicit = normalised_prior(case)
    report_ids = visible_reports(case)
    ridx = {r: i for i, r in enumerate(report_ids)}
    reports = {r.id: r for r in case.reports}
    sources = {s.id: s for s in case.sources}
    hidden = len(case.reports) - len(report_ids)
    if hidden:
        notes.append(f"{hidden} report(s) dated after as_of {case.case.as_of} ignored (no hindsight)")

    entries = compromise_entries(case)
    fed_by = report_channels(case, report_ids, entries)
    suspects = {sid: [why for _, _, why in es] for sid, es in entries.items()}
    rel = source_reliabilities(case, set(report_ids), fusion_trust, suspects)

    # Columns of the ratings table in one pass, then dictionary maps and one fancy assignment.
    cols = list(zip(*[(rt.report, rt.hypothesis, rt.analyst or "", rt.likelihood, rt.consistency)
                      for rt in case.ratings], strict=True))
    analysts = sorted(set(cols[2])) if cols else [""]
    aidx = {a: k for k, a in enumerate(analysts)}
    A, N, H = len(analysts), len(report_ids), len(hyp_ids)
    L = np.full((A, N, H), np.nan)
    cons = np.full((A, N, H), np.nan)
    if cols:
        ri = np.fromiter(map(ridx.get, cols[0], repeat(-1)), dtype=np.int64, count=len(case.ratings))
        hi = np.fromiter(map(hidx.__getitem__, cols[1]), dtype=np.int64, count=len(case.ratings))
        ai = np.fromiter(map(aidx.__getitem__, cols[2]), dtype=np.int64, count=len(case.ratings))
        explicit_l = np.array(cols[3], dtype=float)  # None -> nan
        code = np.fromiter(map(_CONSISTENCY_CODE.__getitem__, cols[4]), dtype=np.int64, count=len(case.ratings))
        lv = np.where(np.isnan(explicit_l), _CODE_LIKELIHOOD[code], explicit_l)
        keep = ri >= 0
        L[ai[keep], ri[keep], hi[keep]] = lv[keep]
        cons[ai[keep], ri[keep], hi[keep]] = _CODE_INCONSISTENCY[code[keep]]
    cell_rated = ~np.isnan(L)
    rated = cell_rated.any(axis=2)
    # Missing or NA cells: the mean of the analyst's other cells for that report (neither for nor against).
    n_cells = cell_rated.sum(axis=2, keepdims=True)
    row_mean = np.where(cell_rated, L, 0.0).sum(axis=2, keepdims=True) / np.maximum(n_cells, 1)
    L = np.where(cell_rated, L, np.where(n_cells > 0, row_mean, 1.0))

    copier_prob: dict[str, float] = {}
    for copier, _original, p in copy_pairs:
        copier_prob[copier] = max(copier_prob.get(copier, 0.0), p)

    weight = np.zeros(N)
    parts: list[str] = []
    interested = np.zeros(N, dtype=bool)
    coerced = np.zeros(N, dtype=bool)
    memo: dict[tuple[str, str, int, bool], tuple[float, str]] = {}
    for i, rid in enumerate(report_ids):
        r = reports[rid]
        s = sources[r.source]
        # an interest anywhere on the chain (the source or an intermediary in `via`) can shade the report
        has_interest = bool(s.interests) or any(sources[v].interests for v in r.via)
        key = (s.id, r.modality, len(r.via), has_interest)
        if key not in memo:
            memo[key] = _report_weight(rel[s.id].mean, r.modality, len(r.via), has_interest,
                                       copier_prob.get(s.id, 0.0))
        weight[i], text = memo[key]
        parts.append(text)
        interested[i] = has_interest or r.modality == "official_statement"
        coerced[i] = r.modality == "coerced_confession"

    outcome: dict[str, str] = {}
    for o in case.known_outcomes():
        if o.report in ridx:
            outcome[o.report] = o.verdict
        elif o.hypothesis is not None:
            # known by as_of, but not folded into the posterior: the ACH matrix should carry it as evidence
            notes.append(f"hypothesis {o.hypothesis!r} was {o.verdict} ({o.date or 'undated'}) by as_of; "
                         "the posterior does not use this outcome")
    for rid, verdict in outcome.items():
        if verdict == "refuted":  # known false by as_of: what it says is evidence for nothing
            i = ridx[rid]
            weight[i] = 0.0
            parts[i] += "; refuted by an outcome known at as_of -> weight 0"

    fed_by = inherit_from_originals(case, report_ids, weight, parts, fed_by, interested, coerced)

    origin_index, origin_list, how = build_origins(case, report_ids, origins)
    notes.append(f"origins: {how}")

    return Evidence(
        case_id=case.id, hyp_ids=hyp_ids, deception_by=[h.deception_by for h in case.hypotheses],
        prior=prior, report_ids=report_ids, report_source=[reports[r].source for r in report_ids],
        analysts=analysts, L=L, rated=rated, cell_rated=cell_rated, consistency=cons, weight=weight,
        weight_parts=parts, fed_by=fed_by, origin_index=origin_index, origins=origin_list, reliability=rel,
        interested=interested, coerced=coerced, outcome=outcome, notes=notes, prior_explicit=explicit,
        cover=deception_covers(case),
    )


def inherit_from_originals(case: Case, report_ids: list[str], weight: np.ndarray, parts: list[str],
                           fed_by: list[frozenset[str]], interested: np.ndarray,
                           coerced: np.ndarray) -> list[frozenset[str]]:
    """A report ``derived_from`` others carries what they say, so it cannot be better than they are.

    Its weight is capped at the lowest weight among the visible reports it derives from (directly or
    through others), and it takes on their channels an adversary may have fed, their interest and
    their coercion. Without this a plain copy of an interested or fed original weighed more than the
    original, so copies of one report raised a hypothesis above what the report alone did, and burning
    the original's source left its copies standing. ``weight``, ``parts``, ``interested`` and
    ``coerced`` are updated in place; the new ``fed_by`` is returned.
    """
    index = {rid: i for i, rid in enumerate(report_ids)}
    parents = {i: [index[d] for d in r.derived_from if d in index]
               for r in case.reports if (i := index.get(r.id)) is not None and r.derived_from}
    if not parents:
        return fed_by
    fed = list(fed_by)
    weakest = {i: i for i in range(len(report_ids))}  # report -> its weakest ancestor (itself if none is weaker)
    # Originals before their copies: a depth-first post-order without recursion (chains of thousands of
    # copies are fine); a derived_from cycle (validation refuses them) is cut where it closes.
    state: dict[int, int] = {}  # 1 = on the stack, 2 = settled
    for root in parents:
        if state.get(root) == 2:
            continue
        stack = [(root, 0)]
        state[root] = 1
        while stack:
            i, k = stack[-1]
            ps = parents.get(i, [])
            if k < len(ps):
                stack[-1] = (i, k + 1)
                p = ps[k]
                if p not in state:
                    state[p] = 1
                    stack.append((p, 0))
                continue
            stack.pop()
            state[i] = 2
            for p in ps:
                if state.get(p) != 2:  # the edge that closes a cycle
                    continue
                fed[i] = fed[i] | fed[p]
                interested[i] |= interested[p]
                coerced[i] |= coerced[p]
                if weight[weakest[p]] < weight[weakest[i]]:
                    weakest[i] = weakest[p]
            w = weakest[i]
            if w != i:
                weight[i] = weight[w]
                parts[i] += f"; capped at {report_ids[w]}'s weight {weight[w]:.2f} (derived from it)"
    return fed


def _report_weight(r: float, modality: str, hops: int, interested: bool, copy_p: float) -> tuple[float, str]:
    """Effective reliability w of one report and its one-line explanation."""
    w = r
    why = [f"source r={r:.2f}"]
    m = MODALITY_WEIGHT[modality]
    if m != 1.0:
        why.append(f"{modality} ×{m:g}")
    w *= m
    if hops:
        hop = HOP_WEIGHT ** hops
        w *= hop
        why.append(f"{hops} hop(s) via ×{hop:.2f}")
    if interested:
        w *= INTERESTED_WEIGHT
        why.append(f"interested source or intermediary ×{INTERESTED_WEIGHT:g}")
    if copy_p > 0:
        w *= 1.0 - copy_p
        why.append(f"copies another source (p={copy_p:.2f}) ×{1 - copy_p:.2f}")
    return w, ", ".join(why) + f" -> weight {w:.2f}"


def log_likelihoods(ev: Evidence, weight: np.ndarray | None = None,
                    fed_by: list[frozenset[str]] | None = None) -> np.ndarray:
    """Centred log-likelihoods ℓ (A, N, H) per analyst; rows an analyst did not rate are 0."""
    w = (ev.weight if weight is None else weight)[None, :, None]
    base = ev.L.mean(axis=2, keepdims=True)
    P = w * ev.L + (1.0 - w) * base
    P = apply_deception(ev, P, ev.fed_by if fed_by is None else fed_by)
    logP = np.log(P)
    ell = logP - logP.mean(axis=2, keepdims=True)
    return np.where(ev.rated[:, :, None], ell, 0.0)


def apply_deception(ev: Evidence, P: np.ndarray, fed_by: list[frozenset[str]]) -> np.ndarray:
    """Under a deception hypothesis k by A, a report A may feed says what the deceiver wants: it is as
    likely as under the story the deception is made to look like (its cover, ``mimics``), whatever the
    truth — and never less likely than the analyst rated it under k itself:

        P[i, k] = max(P[i, k], max_{c ∈ cover(k)} P[i, c])
    """
    if not ev.cover or not any(fed_by):
        return P
    P = P.copy()
    for k, cover in ev.cover.items():
        actor = ev.deception_by[k]
        rows = np.array([actor in f or ANY_ACTOR in f for f in fed_by], dtype=bool)
        if rows.any() and cover:
            wanted = P[:, rows][:, :, cover].max(axis=2)
            P[:, rows, k] = np.maximum(P[:, rows, k], wanted)
    return P


def deception_covers(case: Case) -> dict[int, list[int]]:
    """Deception hypothesis index -> indices of the hypotheses it is made to look like.

    ``mimics`` (on the hypothesis: an id or a list of ids) names them; without it every
    non-deception hypothesis is a possible cover (the deceiver could dress the channel as any of them).
    """
    ids = [h.id for h in case.hypotheses]
    honest = [k for k, h in enumerate(case.hypotheses) if not h.deception_by]
    out: dict[int, list[int]] = {}
    for k, h in enumerate(case.hypotheses):
        if not h.deception_by:
            continue
        if h.mimics:
            out[k] = [ids.index(m) for m in h.mimics if m in ids and m != h.id]
        else:
            out[k] = honest or [j for j in range(len(ids)) if j != k]
    return out


def pooled(ell: np.ndarray, rated: np.ndarray) -> np.ndarray:
    """Log-linear pooling of analysts per report: mean of ℓ over the analysts who rated it. (N, H)"""
    n = rated.sum(axis=0)
    total = ell.sum(axis=0)
    return np.where(n[:, None] > 0, total / np.maximum(n, 1)[:, None], 0.0)


def informativeness(ell: np.ndarray) -> np.ndarray:
    """Spread of a report's centred log-likelihood over hypotheses (nats); 0 = no bearing."""
    if ell.shape[-1] == 0:
        return np.zeros(ell.shape[:-1])
    return ell.max(axis=-1) - ell.min(axis=-1)


def safe_log(p: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return np.log(p)

