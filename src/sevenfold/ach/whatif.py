"""Why a re-assessment moved (or did not move) each hypothesis: the report-level reading of a change.

``explain_change`` compares how the affected reports read before and after a change (a burn, an
exclusion, an earlier ``as_of``) and says, in words, why the posteriors moved or why they did not:
e.g. "14 reports fall, none reads differently: 10 were already as likely under german-provocation as
under its cover as rated; 4 have no bearing".
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from sevenfold.ach.checks import check_case
from sevenfold.ach.evidence import Evidence, build_evidence, fed_probability, log_likelihoods, pooled
from sevenfold.ach.explain import QUIET_KINDS
from sevenfold.model import Case
from sevenfold.model.results import OriginResult

#: a report's log-likelihood row must move by more than this (nats) to count as read differently
ROW_CHANGE = 1e-6


def _rows(case: Case, origins: list[OriginResult] | None) -> tuple[Evidence, np.ndarray]:
    pairs = check_case(case, origins, None, None)
    ev = build_evidence(case, origins=origins, fusion_trust=None, copy_pairs=pairs)
    return ev, pooled(log_likelihoods(ev), ev.rated)


def explain_burn(before: Case, after: Case, actor: str | None, falls: list[str],
                 origins: list[OriginResult] | None = None) -> list[str]:
    """Sentences: how many of the falling reports read differently after the burn, and why the others do not."""
    ev_b, ell_b = _rows(before, origins)
    ev_a, ell_a = _rows(after, origins)
    idx_b = {r: i for i, r in enumerate(ev_b.report_ids)}
    idx_a = {r: i for i, r in enumerate(ev_a.report_ids)}
    deceptions = [k for k, d in enumerate(ev_b.deception_by) if d is not None and (actor is None or d == actor)]
    changed: list[str] = []
    reasons: Counter[str] = Counter()
    for rid in falls:
        if rid not in idx_b or rid not in idx_a:
            reasons["is not visible at as_of"] += 1
            continue
        i, j = idx_b[rid], idx_a[rid]
        if float(np.abs(ell_a[j] - ell_b[i]).max(initial=0.0)) > ROW_CHANGE:
            changed.append(rid)
            continue
        reasons[_why_same(ev_b, i, deceptions, actor)] += 1
    out = []
    if not deceptions:
        who = f"by {actor}" if actor else "at all"
        out.append(f"no hypothesis is a deception {who}: a burn changes how a report reads only under a "
                   "deception by the burning actor; add that hypothesis (deception_by) to see its effect")
    n = len(falls)
    if changed:
        out.append(f"{len(changed)} of {n} falling report(s) read differently under the deception: "
                   + ", ".join(changed[:8]) + (" …" if len(changed) > 8 else ""))
    if reasons:
        parts = "; ".join(f"{c} {why}" for why, c in reasons.most_common())
        out.append(f"{n - len(changed)} of {n} falling report(s) read the same as before: {parts}")
    return out


def _why_same(ev: Evidence, i: int, deceptions: list[int], actor: str | None) -> str:
    if ev.weight[i] <= 0:
        return QUIET_KINDS["no_weight"][1]
    if not ev.rated[:, i].any() or np.ptp(ev.L[:, i, :]) == 0:
        return QUIET_KINDS["non_diagnostic"][1]
    if not deceptions:
        return "are not read differently without a deception hypothesis by that actor"
    for k in deceptions:
        if actor is not None and fed_probability(ev.fed_by[i], actor) >= 1.0:
            return f"were already treated as fed by {actor} (controlled_by, compromised_since or an earlier burn)"
        cover = ev.cover.get(k, [])
        if cover and (ev.L[:, i, k] >= ev.L[:, i, cover].max(axis=-1) - 1e-12).all():
            return (f"were already rated at least as likely under {ev.hyp_ids[k]} as under its cover, so "
                    "reading them as fed changes nothing")
    return "read the same for another reason (their rows did not change)"


def explain_removal(case: Case, removed: list[str], origins: list[OriginResult] | None = None) -> list[str]:
    """Sentences for an exclusion or an earlier as_of: how many removed reports carried evidence."""
    ev, ell = _rows(case, origins)
    idx = {r: i for i, r in enumerate(ev.report_ids)}
    informative = [r for r in removed if r in idx and float(np.ptp(ell[idx[r]])) > ROW_CHANGE]
    quiet = len(removed) - len(informative)
    out = [f"{len(informative)} of {len(removed)} removed report(s) bore on the hypotheses; each takes its "
           "share out of its origin (the origin's other reports keep theirs)"]
    if quiet:
        out.append(f"{quiet} removed report(s) had no bearing or no weight, so removing them moves nothing")
    return out
