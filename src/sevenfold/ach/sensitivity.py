"""What the verdict rests on: leave-one-out, "what if this source is controlled", value of information."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sevenfold.ach.engine import OriginCombiner, entropy_bits
from sevenfold.ach.evidence import Evidence, informativeness, log_likelihoods, pooled


def top_of(post: np.ndarray, tol: float = 1e-9) -> np.ndarray:
    """Index of the top hypothesis per row, -1 where the first two tie."""
    if post.shape[-1] == 0:
        return np.full(post.shape[:-1], -1)
    order = np.argsort(-post, axis=-1, kind="stable")
    best = np.take_along_axis(post, order[..., :1], axis=-1)[..., 0]
    if post.shape[-1] == 1:
        return order[..., 0]
    second = np.take_along_axis(post, order[..., 1:2], axis=-1)[..., 0]
    return np.where(best - second > tol, order[..., 0], -1)


def source_rows(ev: Evidence, report_via: list[list[str]]) -> dict[str, np.ndarray]:
    """Rows of reports that come from, or pass through, each source."""
    rows: dict[str, list[int]] = {}
    for i, (src, via) in enumerate(zip(ev.report_source, report_via, strict=True)):
        for s in {src, *via}:
            rows.setdefault(s, []).append(i)
    return {s: np.array(r, dtype=np.int64) for s, r in rows.items()}


def controlled_tops(ev: Evidence, comb: OriginCombiner, rows_by_source: dict[str, np.ndarray]
                    ) -> dict[str, dict[str, int]]:
    """source -> actor -> index of the top hypothesis if that source turns out to be run by that actor
    (every report from or via it then possibly fed). Only actors with a deception hypothesis matter."""
    controlled: dict[str, dict[str, int]] = {}
    actors = sorted({d for d in ev.deception_by if d is not None})
    for actor in actors:
        fed = [{**f, actor: 1.0} for f in ev.fed_by]
        ell_x = pooled(log_likelihoods(ev, fed_by=fed), ev.rated)
        u_x = informativeness(ell_x)
        for src in sorted(set(ev.report_source)):
            rows = rows_by_source.get(src, np.zeros(0, dtype=np.int64))
            post = comb.posterior(comb.totals_replacing_rows(rows, ell_x[rows], u_x[rows]))
            controlled.setdefault(src, {})[actor] = int(top_of(post))
    return controlled


@dataclass
class VoiItem:
    target: str
    kind: str
    value: float
    p_yes: float
    top_yes: int
    p_top_yes: float
    top_no: int
    p_top_no: float


def _mean_rated_L(ev: Evidence) -> np.ndarray:
    n = ev.rated.sum(axis=0)
    tot = (ev.L * ev.rated[:, :, None]).sum(axis=0)
    return np.where(n[:, None] > 0, tot / np.maximum(n, 1)[:, None], 1.0)


def value_of_information(ev: Evidence, comb: OriginCombiner) -> list[VoiItem]:
    """Expected reduction of posterior entropy (bits) from learning whether each report is accurate
    and whether each source is reliable."""
    post = comb.posterior()
    h_now = float(entropy_bits(post))
    items: list[VoiItem] = []
    n = len(ev.report_ids)
    if n == 0 or ev.n_hyp < 2:
        return items
    Lbar = _mean_rated_L(ev)                     # (N, H)
    base = Lbar.mean(axis=1, keepdims=True)
    w = ev.weight[:, None]
    active = ev.rated.any(axis=0) & (comb.u > 0)

    # Reports: accurate -> weight 1; inaccurate -> no bearing (removed).
    ell_acc = pooled(log_likelihoods(ev, weight=np.ones(n)), ev.rated)
    post_acc = comb.posterior(comb.totals_replacing_each_report(ell_acc, informativeness(ell_acc)))
    post_not = comb.posterior(comb.totals_without_each_report())
    mix = w * Lbar / np.maximum(w * Lbar + (1 - w) * base, 1e-300)
    p_acc = np.clip((mix * post[None, :]).sum(axis=1), 0.0, 1.0)
    value = h_now - (p_acc * entropy_bits(post_acc) + (1 - p_acc) * entropy_bits(post_not))
    top_acc, top_not = top_of(post_acc), top_of(post_not)
    for i in np.flatnonzero(active):
        items.append(VoiItem(ev.report_ids[i], "report", max(0.0, float(value[i])), float(p_acc[i]),
                             int(top_acc[i]), float(post_acc[i].max()), int(top_not[i]), float(post_not[i].max())))

    # Sources: reliable -> r_s = 1 (modality discounts stay); unreliable -> its reports have no bearing.
    # a report's track record and its verification belong to its originator (model.custody)
    originators = ev.report_origin or ev.report_source
    r_of_row = np.array([ev.reliability[s].mean for s in originators])
    w_rel = np.minimum(1.0, ev.weight / np.maximum(r_of_row, 1e-9))
    ell_rel = pooled(log_likelihoods(ev, weight=w_rel), ev.rated)
    u_rel = informativeness(ell_rel)
    own_rows: dict[str, list[int]] = {}
    for row, s in enumerate(originators):
        own_rows.setdefault(s, []).append(row)
    for src, rel in ev.reliability.items():
        if src not in own_rows:
            continue
        rows = np.array(own_rows[src], dtype=np.int64)
        if not active[rows].any():
            continue
        r = rel.mean
        t_yes = comb.totals_replacing_rows(rows, ell_rel[rows], u_rel[rows])
        t_no = comb.totals_without_rows(rows)
        p_yes_post, p_no_post = comb.posterior(t_yes), comb.posterior(t_no)
        # P(reliable | E) ∝ r · Σ_h P(h | E without s) Π_i Lbar_i(h)^α_i, α_i = share of i in its origin
        alpha = comb.u[rows] / np.maximum(comb.W[comb.oi[rows]], 1e-12)
        log_a = np.log(np.maximum(p_no_post, 1e-300)) + (alpha[:, None] * np.log(Lbar[rows])).sum(axis=0)
        log_b = float((alpha * np.log(base[rows, 0])).sum())
        m = max(float(log_a.max()), log_b)
        a_val = float(np.exp(log_a - m).sum())
        b_val = float(np.exp(log_b - m))
        p_yes = r * a_val / max(r * a_val + (1 - r) * b_val, 1e-300)
        v = h_now - (p_yes * float(entropy_bits(p_yes_post)) + (1 - p_yes) * float(entropy_bits(p_no_post)))
        items.append(VoiItem(src, "source", max(0.0, v), p_yes, int(top_of(p_yes_post)), float(p_yes_post.max()),
                             int(top_of(p_no_post)), float(p_no_post.max())))
    items.sort(key=lambda it: (-it.value, it.kind, it.target))
    return items
