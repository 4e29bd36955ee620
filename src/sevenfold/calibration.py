"""How far stated probabilities are from observed frequencies: one implementation for every engine.

* :func:`expected_calibration_error` — equal-width bins over the stated probability; the mean, weighted
  by bin size, of |mean stated probability − share that came true| (Guo et al., "On calibration of
  modern neural networks", ICML 2017). 0 is perfectly calibrated.
* :func:`brier_score` — mean squared difference between the stated probability and the 0/1 outcome
  (Brier, Monthly Weather Review 1950).

Used by the ACH calibration benchmark and by fusion's gold scoring (``sevenfold fuse --gold``).
"""

from __future__ import annotations

import numpy as np


def _as_pairs(probability: np.ndarray, outcome: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    p = np.asarray(probability, dtype=np.float64).ravel()
    y = np.asarray(outcome, dtype=np.float64).ravel()
    if p.shape != y.shape:
        raise ValueError(f"{p.size} probabilities but {y.size} outcomes")
    if p.size and (np.nanmin(p) < 0 or np.nanmax(p) > 1 or np.isnan(p).any()):
        raise ValueError("probabilities must lie in [0, 1]")
    return p, y


def expected_calibration_error(probability: np.ndarray, outcome: np.ndarray, bins: int = 10) -> float:
    """ECE of stated probabilities against 0/1 outcomes (NaN when there is nothing to score)."""
    p, y = _as_pairs(probability, outcome)
    if p.size == 0:
        return float("nan")
    idx = np.minimum((p * bins).astype(np.int64), bins - 1)
    n = np.bincount(idx, minlength=bins)
    gap = np.abs(np.bincount(idx, weights=p, minlength=bins) - np.bincount(idx, weights=y, minlength=bins))
    return float(gap[n > 0].sum() / p.size)  # Σ_b |Σ p − Σ y| / N = Σ_b (n_b/N)·|mean p − mean y|


def brier_score(probability: np.ndarray, outcome: np.ndarray) -> float:
    """Mean squared error of stated probabilities against 0/1 outcomes (NaN when there is nothing)."""
    p, y = _as_pairs(probability, outcome)
    return float(np.mean((p - y) ** 2)) if p.size else float("nan")
