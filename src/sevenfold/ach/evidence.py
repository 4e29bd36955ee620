"""From a case to arrays: priors, per-analyst likelihood matrices, reliability weights, channels, origins.

Notation (docs/assessment.md): reports i, hypotheses h, analysts a.

    L_a[i, h]   rating likelihood (Heuer scale mapped by CONSISTENCY_LIKELIHOOD, or explicit)
    w_i         effective reliability = r_originator · modality · hops · interest · (1 − copy probability)
    P_a[i, h] = w_i · L_a[i, h] + (1 − w_i) · mean_h L_a[i, ·]      (unreliable -> uninformative)
    P_a[i, k] = q_i,k · F_a[i, k] + (1 − q_i,k) · P_a[i, k]        k a deception by A, F = "as fed":
                F_a[i, k] = max(P_a[i, k], max_{c ∈ cover(k)} P_a[i, c]),
                q_i,k = 1 − (1 − p_i(A)) · (1 − DECEPTION_REACH),   p_i(A) = P(A controls i's channel)
    ℓ_a[i, h] = log P_a[i, h] − mean_h log P_a[i, ·]                 (centred log-likelihood)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import repeat
from typing import Any

import numpy as np

from sevenfold.ach.heuer import INCONSISTENCY_WEIGHT
from sevenfold.ach.reliability import SourceReliability, source_reliabilities
from sevenfold.model import (
    Case,
    chain_sources,
    derived_parents,
    directional_interests,
    hop_count,
    originating_source,
    synthesised,
)
from sevenfold.model import may_be_on_or_after as _may_be_on_or_after
from sevenfold.model import surely_after as _surely_after
from sevenfold.model.results import OriginResult
from sevenfold.model.vocab import CONSISTENCY_CODES, CONSISTENCY_LIKELIHOOD

# Date comparisons parse ISO text; cases repeat the same few dates, so cache them.
surely_after = lru_cache(maxsize=65536)(_surely_after)
may_be_on_or_after = lru_cache(maxsize=65536)(_may_be_on_or_after)

# Heuer's consistency scale as P(report | hypothesis): sevenfold.model.vocab.CONSISTENCY_LIKELIHOOD

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
HOP_WEIGHT = 0.9          # per hand-over in the report's chain of custody (origin -> source -> via ...)
INTERESTED_WEIGHT = 0.5   # the report goes the way a speaker or relay on its chain wants (or the way is unknown)
# A report marked `against_interest: true` (the analyst knows it hurts its speaker): an admission against
# interest is more credible than a neutral statement (weight capped at 1). One that merely goes against a
# directional interest, as rated, keeps its full weight (no interest discount).
AGAINST_INTEREST_WEIGHT = 1.25
INTEREST_MARGIN = 0.05    # rating-likelihood gap that says which way a report goes relative to an interest
# A deception is built to fool every channel it reaches, not only the ones its author runs: under a
# deception hypothesis, a report from a channel nobody suspects is "as fed" with this probability.
DECEPTION_REACH = 0.5
SUSPECT_GRADE_P = 0.5     # a suspected-control probability from which the source is graded at best D
ANY_ACTOR = "*"  # compromise with no known actor: any deceiver may use the channel

Fed = dict[str, float]   # actor (or ANY_ACTOR) -> probability that the actor feeds this report
WeightTerm = tuple[str, float, str]  # (factor, value, detail): one factor of a report's weight w_i

# Consistency letters as codes (None = no letter given), for vectorised lookups.
_CONSISTENCY_CODE: dict[str | None, int] = {None: 0, **{c: i for i, c in enumerate(CONSISTENCY_CODES, 1)}}
_CODE_LIKELIHOOD = np.array([np.nan, *(CONSISTENCY_LIKELIHOOD.get(k, np.nan) for k in CONSISTENCY_CODES)])
_CODE_INCONSISTENCY = np.array([np.nan, *(INCONSISTENCY_WEIGHT[k] for k in CONSISTENCY_CODES)])


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
    fed_by: list[Fed]                       # (N,) actor -> P(actor feeds report i) (ANY_ACTOR = unknown)
    origin_index: np.ndarray                # (N,) origin of each report
    origins: list[OriginResult]
    reliability: dict[str, SourceReliability]
    interested: np.ndarray                  # (N,) bool
    coerced: np.ndarray                     # (N,) bool
    outcome: dict[str, str] = field(default_factory=dict)  # report id -> confirmed/refuted (<= as_of)
    notes: list[str] = field(default_factory=list)
    prior_explicit: bool = False
    cover: dict[int, list[int]] = field(default_factory=dict)  # deception hypothesis -> its cover stories
    excluded: np.ndarray | None = None      # (N,) bool: left out by the caller (their origin shares stay vacant)
    synthesis: np.ndarray | None = None     # (N,) bool: a synthesis of other visible reports (no weight)
    report_origin: list[str] = field(default_factory=list)  # (N,) originating source (model.custody)
    reach: float = DECEPTION_REACH
    hyp_reach: dict[int, float] = field(default_factory=dict)  # deception hypotheses with their own `reach`
    weight_factors: list[tuple[WeightTerm, ...]] = field(default_factory=list)  # (N,) the factors of w_i

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


Compromise = tuple[str | None, str, float, str]   # (since, actor or ANY_ACTOR, probability, why)


def compromise_entries(case: Case) -> dict[str, list[Compromise]]:
    """Per source: (since, actor or ANY_ACTOR, p, why) — ``controlled_by`` (p 1, since None),
    ``compromised_since`` (p 1, any actor), ``suspected_control`` (its p and since) and burns (p 1).

    Entries dated surely after as_of are ignored (no hindsight).
    """
    as_of = case.case.as_of
    out: dict[str, list[Compromise]] = {}
    for s in case.sources:
        if s.controlled_by:
            out.setdefault(s.id, []).append((None, s.controlled_by, 1.0,
                                             f"suspected controlled by {s.controlled_by}"))
        if s.compromised_since and not surely_after(s.compromised_since, as_of):
            out.setdefault(s.id, []).append((s.compromised_since, ANY_ACTOR, 1.0,
                                             f"compromised since {s.compromised_since}"))
        sc = s.suspected_control
        if sc is not None and sc.p > 0 and (sc.since is None or not surely_after(sc.since, as_of)):
            since = f" since {sc.since}" if sc.since else ""
            out.setdefault(s.id, []).append((sc.since, sc.by, float(sc.p),
                                             f"suspected controlled by {sc.by} (p={sc.p:g}){since}"))
    for b in case.burns:
        if surely_after(b.since, as_of):
            continue
        actor = b.actor or ANY_ACTOR
        who = f" by {b.actor}" if b.actor else ""
        out.setdefault(b.source, []).append((b.since, actor, 1.0, f"burned{who} since {b.since} ({b.id})"))
    return out


def _either(p: float, q: float) -> float:
    """P(at least one of two independent channels is fed)."""
    return 1.0 - (1.0 - p) * (1.0 - q)


def report_channels(case: Case, report_ids: list[str], entries: dict[str, list[Compromise]]) -> list[Fed]:
    """Per report, actor -> probability the actor feeds it: through any source on its custody chain
    (originator, source, relays), if the report may date on/after the compromise (an undated report
    cannot be shown to predate it). Two suspected channels on one chain combine as independent."""
    reports = {r.id: r for r in case.reports}
    if not entries:
        return [{} for _ in report_ids]
    out: list[Fed] = []
    for rid in report_ids:
        r = reports[rid]
        actors: Fed = {}
        for sid in chain_sources(r):
            for since, actor, p, _ in entries.get(sid, []):
                if since is None or may_be_on_or_after(r.date, since):
                    actors[actor] = _either(actors.get(actor, 0.0), p)
        out.append(actors)
    return out


def merge_fed(a: Fed, b: Fed) -> Fed:
    """Channels of a report and of what it derives from (the same channel is not counted twice)."""
    if not b:
        return a
    out = dict(a)
    for actor, p in b.items():
        out[actor] = max(out.get(actor, 0.0), p)
    return out


def fed_probability(fed: Fed, actor: str) -> float:
    """P(report fed by ``actor``): by it by name, or through a compromise whose actor is unknown."""
    return _either(fed.get(actor, 0.0), fed.get(ANY_ACTOR, 0.0))


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
            for d in derived_parents(r):  # a synthesis does not tie its inputs together
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
                   copy_pairs: list[tuple[str, str, float]], exclude: set[str] | None = None) -> Evidence:
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
    suspects = {sid: [why for _, _, p, why in es if p >= SUSPECT_GRADE_P] for sid, es in entries.items()}
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
    # which way each report goes, as rated (mean over the analysts who rated it): for interests
    n_rated = rated.sum(axis=0)
    L_face = np.where(n_rated[:, None] > 0, (L * rated[:, :, None]).sum(axis=0) / np.maximum(n_rated, 1)[:, None],
                      1.0) if N else np.zeros((0, H))

    copier_prob: dict[str, float] = {}
    for copier, _original, p in copy_pairs:
        copier_prob[copier] = max(copier_prob.get(copier, 0.0), p)

    weight = np.zeros(N)
    parts: list[str] = []
    interested = np.zeros(N, dtype=bool)
    coerced = np.zeros(N, dtype=bool)
    memo: dict[tuple[str, str, int, str, str], tuple[float, str, tuple[WeightTerm, ...]]] = {}
    factors: list[tuple[WeightTerm, ...]] = []  # shared between reports until one is changed
    for i, rid in enumerate(report_ids):
        r = reports[rid]
        origin = originating_source(r)
        if origin not in sources:
            origin = r.source
        state, who = interest_state(r, sources, L_face[i], hidx)
        key = (origin, r.modality, hop_count(r), state, r.source)
        if key not in memo:
            memo[key] = _report_weight(rel[origin].mean, r.modality, hop_count(r), state, who,
                                       copier_prob.get(r.source, 0.0), origin)
        weight[i], text, terms = memo[key]
        parts.append(text)
        factors.append(terms)
        interested[i] = state in ("pro", "unknown") or (r.modality == "official_statement"
                                                         and state not in ("against", "admits"))
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
            factors[i] += (("refuted", 0.0, "refuted by an outcome known at as_of"),)

    # A synthesis (all-source assessment) of reports that are in the case adds no weight of its own:
    # its inputs count, each in its own origin. One whose inputs are all absent stands in for them.
    synthesis = np.zeros(N, dtype=bool)
    for i, rid in enumerate(report_ids):
        inputs = [x for x in synthesised(reports[rid]) if x in ridx and x != rid]
        if inputs:
            synthesis[i] = True
            weight[i] = 0.0
            parts[i] += (f"; a synthesis of {len(inputs)} report(s) in the case ({', '.join(inputs[:4])}"
                         f"{' …' if len(inputs) > 4 else ''}): no weight of its own, its inputs count")
            factors[i] += (("synthesis", 0.0, f"a synthesis of {len(inputs)} report(s) in the case: its "
                                              "inputs count, not it"),)

    fed_by = inherit_from_originals(case, report_ids, weight, parts, fed_by, interested, coerced, factors)

    origin_index, origin_list, how = build_origins(case, report_ids, origins)
    notes.append(f"origins: {how}")

    excluded = None
    if exclude:
        excluded = np.array([rid in exclude for rid in report_ids], dtype=bool)
        if excluded.any():
            notes.append(f"{int(excluded.sum())} report(s) excluded by request: "
                         f"{', '.join(r for r in report_ids if r in exclude)}")

    return Evidence(
        case_id=case.id, hyp_ids=hyp_ids, deception_by=[h.deception_by for h in case.hypotheses],
        prior=prior, report_ids=report_ids, report_source=[reports[r].source for r in report_ids],
        analysts=analysts, L=L, rated=rated, cell_rated=cell_rated, consistency=cons, weight=weight,
        weight_parts=parts, fed_by=fed_by, origin_index=origin_index, origins=origin_list, reliability=rel,
        interested=interested, coerced=coerced, outcome=outcome, notes=notes, prior_explicit=explicit,
        cover=deception_covers(case), excluded=excluded, synthesis=synthesis, reach=DECEPTION_REACH,
        hyp_reach={k: h.reach for k, h in enumerate(case.hypotheses) if h.reach is not None},
        report_origin=[originating_source(reports[r]) for r in report_ids], weight_factors=factors,
    )


def interest_state(report: Any, sources: dict[str, Any], face: np.ndarray, hidx: dict[str, int]) -> tuple[str, str]:
    """Which way ``report`` goes relative to the stated interests on its custody chain.

    ``("against", who)`` when it is marked ``against_interest`` or goes against the directional interests
    it touches (every hypothesis the speaker wants believed is rated below the report's mean: its content
    favours what the speaker does not want); ``("pro", who)`` when it goes the way a speaker or relay
    wants (a hypothesis it wants believed is rated above the report's mean);
    ``("unknown", who)`` when an interest on the chain is free text (direction unknown); ``("none", "")``
    otherwise. A source's ``kind`` plays no part.
    """
    if report.against_interest:
        return "admits", report.source
    pro = against = unknown = ""
    for sid in chain_sources(report):
        src = sources.get(sid)
        if src is None or not src.interests:
            continue
        wanted = directional_interests(src, hidx)
        if len(wanted) < len(src.interests):
            unknown = unknown or sid
        if not wanted or face.size == 0:
            continue
        cols = [hidx[h] for h in wanted]
        if len(cols) == face.size:
            continue
        gap = float(face[cols].max() - face.mean())   # the best a wanted hypothesis fares, against the row
        if gap > INTEREST_MARGIN:
            pro = pro or sid
        elif gap < -INTEREST_MARGIN:
            against = against or sid
    if pro:
        return "pro", pro
    if against:
        return "against", against
    if unknown:
        return "unknown", unknown
    return "none", ""


def inherit_from_originals(case: Case, report_ids: list[str], weight: np.ndarray, parts: list[str],
                           fed_by: list[Fed], interested: np.ndarray,
                           coerced: np.ndarray, factors: list[tuple[WeightTerm, ...]] | None = None
                           ) -> list[Fed]:
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
               for r in case.reports if (i := index.get(r.id)) is not None and r.derived_from and not synthesised(r)}
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
                fed[i] = merge_fed(fed[i], fed[p])
                interested[i] |= interested[p]
                coerced[i] |= coerced[p]
                if weight[weakest[p]] < weight[weakest[i]]:
                    weakest[i] = weakest[p]
            w = weakest[i]
            if w != i:
                weight[i] = weight[w]
                parts[i] += f"; capped at {report_ids[w]}'s weight {weight[w]:.2f} (derived from it)"
                if factors is not None:
                    factors[i] += (("cap", float(weight[w]), f"capped at {report_ids[w]}'s weight "
                                                             "(derived from it)"),)
    return fed


def _report_weight(r: float, modality: str, hops: int, interest: str, who: str,
                   copy_p: float, originator: str = "") -> tuple[float, str, tuple[WeightTerm, ...]]:
    """Effective reliability w of one report (at most 1), its one-line explanation and its factors."""
    why = [f"source r={r:.2f}"]
    terms: list[WeightTerm] = [("reliability", r, f"{originator} (the source it started with)")]

    def factor(kind: str, value: float, detail: str, said: str) -> None:
        """One multiplicative factor: in the one-line explanation (``said``) and among the terms."""
        why.append(said)
        terms.append((kind, value, detail))

    m = MODALITY_WEIGHT[modality]
    if m != 1.0:
        factor("modality", m, modality, f"{modality} ×{m:g}")
    if hops:
        hop = HOP_WEIGHT ** hops
        factor("hops", hop, f"{hops} hand-over(s) on its custody chain", f"{hops} hop(s) ×{hop:.2f}")
    if interest == "pro":
        factor("interest", INTERESTED_WEIGHT, f"goes the way {who} wants",
               f"goes the way {who} wants ×{INTERESTED_WEIGHT:g}")
    elif interest == "unknown":
        factor("interest", INTERESTED_WEIGHT, f"{who} has an interest of unknown direction",
               f"{who} has an interest of unknown direction ×{INTERESTED_WEIGHT:g}")
    elif interest == "admits":
        factor("interest", AGAINST_INTEREST_WEIGHT, f"marked against {who}'s interest",
               f"marked against {who}'s interest ×{AGAINST_INTEREST_WEIGHT:g}")
    elif interest == "against":
        factor("interest", 1.0, f"goes against {who}'s interest: no discount",
               f"goes against {who}'s interest: no interest discount")
    if copy_p > 0:
        factor("copy", 1.0 - copy_p, f"copies another source (p={copy_p:.2f})",
               f"copies another source (p={copy_p:.2f}) ×{1 - copy_p:.2f}")
    w = math.prod(value for _, value, _ in terms)  # the factors, in order: r × modality × hops × interest × copy
    if w > 1.0:
        terms.append(("cap", 1.0, "a weight is at most 1"))
    w = min(w, 1.0)
    return w, ", ".join(why) + f" -> weight {w:.2f}", tuple(terms)


def log_likelihoods(ev: Evidence, weight: np.ndarray | None = None,
                    fed_by: list[Fed] | None = None, reach: float | None = None) -> np.ndarray:
    """Centred log-likelihoods ℓ (A, N, H) per analyst; rows an analyst did not rate are 0."""
    w = (ev.weight if weight is None else weight)[None, :, None]
    base = ev.L.mean(axis=2, keepdims=True)
    P = w * ev.L + (1.0 - w) * base
    P = apply_deception(ev, P, ev.fed_by if fed_by is None else fed_by, reach)
    logP = np.log(P)
    ell = logP - logP.mean(axis=2, keepdims=True)
    return np.where(ev.rated[:, :, None], ell, 0.0)


def face_value_log_likelihoods(ev: Evidence) -> np.ndarray:
    """ℓ as rated: full weight, no deception (what each report says, not what it is worth). (A, N, H)"""
    n = len(ev.report_ids)
    return log_likelihoods(ev, weight=np.ones(n), fed_by=[{} for _ in range(n)], reach=0.0)


def apply_deception(ev: Evidence, P: np.ndarray, fed_by: list[Fed], reach: float | None = None) -> np.ndarray:
    """Under a deception hypothesis k by A, a report A feeds says what the deceiver wants: it is as likely
    as under the story the deception is made to look like (its cover, ``mimics``), whatever the truth —
    and never less likely than the analyst rated it under k itself ("as fed"):

        F[i, k] = max(P[i, k], max_{c ∈ cover(k)} P[i, c])

    A report is as fed with probability q = 1 − (1 − p)(1 − reach), where p is the probability that A
    runs its channel (1 for controlled_by, compromised_since and burns; ``suspected_control.p``) and
    ``reach`` the chance that a deception fools a channel nobody suspects (the hypothesis's own
    ``reach`` when the case gives one, else DECEPTION_REACH; an explicit ``reach`` argument overrides
    both); otherwise it is as rated. The mixture is P[i, k] ← q·F[i, k] + (1 − q)·P[i, k].
    """
    if not ev.cover or P.shape[1] == 0:
        return P
    P = P.copy()
    p_cache: dict[str, np.ndarray] = {}
    for k, cover in ev.cover.items():
        if not cover:
            continue
        actor = ev.deception_by[k] or ANY_ACTOR
        if actor not in p_cache:
            p_cache[actor] = np.array([fed_probability(f, actor) for f in fed_by], dtype=float)
        r = reach if reach is not None else ev.hyp_reach.get(k, ev.reach)
        q = 1.0 - (1.0 - p_cache[actor]) * (1.0 - r)
        if not q.any():
            continue
        fed = np.maximum(P[:, :, k], P[:, :, cover].max(axis=2))
        P[:, :, k] = q[None, :] * fed + (1.0 - q[None, :]) * P[:, :, k]
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

