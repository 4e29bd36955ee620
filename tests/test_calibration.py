"""The shared calibration measures (ECE, Brier) against hand-computed values."""

from __future__ import annotations

import numpy as np
import pytest

from sevenfold.calibration import brier_score, expected_calibration_error


def test_perfectly_calibrated_bins_score_zero():
    # in the 0.2 bin one of five comes true, in the 0.8 bin four of five
    p = np.array([0.2] * 5 + [0.8] * 5)
    y = np.array([1, 0, 0, 0, 0, 1, 1, 1, 1, 0])
    assert expected_calibration_error(p, y) == pytest.approx(0.0)
    assert brier_score(p, y) == pytest.approx(np.mean((p - y) ** 2))


def test_overconfidence_is_measured_per_bin_and_weighted_by_bin_size():
    # 0.95 stated, half come true (8 items, gap 0.45); 0.55 stated, all come true (2 items, gap 0.45)
    p = np.array([0.95] * 8 + [0.55] * 2)
    y = np.array([1, 0] * 4 + [1, 1])
    assert expected_calibration_error(p, y) == pytest.approx(0.8 * 0.45 + 0.2 * 0.45)
    assert expected_calibration_error(np.array([1.0, 1.0]), np.array([1, 0])) == pytest.approx(0.5)  # p=1 binned


def test_bad_input_is_refused_and_empty_is_nan():
    with pytest.raises(ValueError, match="in \\[0, 1\\]"):
        expected_calibration_error(np.array([1.2]), np.array([1]))
    with pytest.raises(ValueError, match="outcomes"):
        brier_score(np.array([0.5, 0.5]), np.array([1]))
    assert np.isnan(expected_calibration_error(np.array([]), np.array([])))
