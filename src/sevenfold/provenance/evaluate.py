"""Scoring recovered origins against planted ones: the adjusted Rand index (Hubert & Arabie 1985)."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
from scipy.sparse import coo_matrix
from scipy.special import comb

from sevenfold.model.results import OriginResult


def adjusted_rand_index(truth: Sequence[Hashable], predicted: Sequence[Hashable]) -> float:
    """ARI of two labelings of the same items: 1 = identical partitions, ≈0 = chance agreement.

    Computed from the sparse contingency table, so it is linear in the number of items.
    """
    if len(truth) != len(predicted):
        raise ValueError(f"labelings differ in length: {len(truth)} vs {len(predicted)}")
    n = len(truth)
    if n < 2:
        return 1.0
    _, t = np.unique(np.asarray([str(x) for x in truth]), return_inverse=True)
    _, p = np.unique(np.asarray([str(x) for x in predicted]), return_inverse=True)
    table = coo_matrix((np.ones(n), (t, p))).tocsr()
    table.sum_duplicates()
    sum_cells = comb(table.data, 2).sum()
    sum_rows = comb(np.asarray(table.sum(axis=1)).ravel(), 2).sum()
    sum_cols = comb(np.asarray(table.sum(axis=0)).ravel(), 2).sum()
    expected = sum_rows * sum_cols / comb(n, 2)
    maximum = (sum_rows + sum_cols) / 2
    if maximum == expected:  # both partitions all-singletons or one block: agreement is total
        return 1.0
    return float((sum_cells - expected) / (maximum - expected))


def origin_labels(origins: Sequence[OriginResult], report_ids: Sequence[str]) -> list[str]:
    """Origin id of each report in ``report_ids`` (from a list of OriginResult)."""
    of = {rid: o.id for o in origins for rid in o.reports}
    return [of[rid] for rid in report_ids]
