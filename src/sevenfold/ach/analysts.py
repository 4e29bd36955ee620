"""Several analysts: a posterior each, log-linear pooling, Jensen-Shannon disagreement, contested cells."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sevenfold.ach.engine import OriginCombiner, entropy_bits

DISAGREEMENT_ALERT_BITS = 0.05  # generalised Jensen-Shannon divergence that raises analyst_disagreement
MAX_CELLS = 10


@dataclass
class AnalystView:
    names: list[str]
    posteriors: np.ndarray          # (A, H)
    js_bits: float
    cells: list[dict[str, Any]]


def jensen_shannon_bits(posteriors: np.ndarray) -> float:
    """Generalised JS divergence with equal weights: H(mean) − mean(H); 0 = identical, ≤ log2(A)."""
    if posteriors.shape[0] < 2:
        return 0.0
    return float(max(0.0, entropy_bits(posteriors.mean(axis=0)) - entropy_bits(posteriors).mean()))


def analyst_view(ell_by_analyst: np.ndarray, rated: np.ndarray, L: np.ndarray, cell_rated: np.ndarray,
                 origin_index: np.ndarray, n_origins: int, log_prior: np.ndarray, names: list[str],
                 report_ids: list[str], hyp_ids: list[str]) -> AnalystView:
    posts = []
    for a in range(len(names)):
        ell = np.where(rated[a][:, None], ell_by_analyst[a], 0.0)
        posts.append(OriginCombiner(ell, origin_index, n_origins, log_prior).posterior())
    P = np.array(posts)
    # Cells rated by at least two analysts, ranked by the spread of their log-likelihoods.
    logL = np.log(L)
    both = cell_rated.sum(axis=0) >= 2
    hi = np.where(cell_rated, logL, -np.inf).max(axis=0)
    lo = np.where(cell_rated, logL, np.inf).min(axis=0)
    spread = np.where(both, hi - lo, 0.0)
    flat = np.argsort(-spread, axis=None, kind="stable")[:MAX_CELLS]
    cells = []
    for k in flat:
        i, h = np.unravel_index(k, spread.shape)
        if spread[i, h] <= 0:
            break
        cells.append({
            "report": report_ids[i], "hypothesis": hyp_ids[h],
            "likelihoods": {names[a]: round(float(L[a, i, h]), 3) for a in range(len(names)) if cell_rated[a, i, h]},
            "log_ratio_spread": round(float(spread[i, h]), 3),
        })
    return AnalystView(names, P, jensen_shannon_bits(P), cells)
