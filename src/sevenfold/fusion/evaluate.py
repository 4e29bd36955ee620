"""Accuracy against a gold table: the share of gold items whose fused value has the same key.

Both sides go through the same normaliser used to build the claim matrix (per attribute), so the
comparison is exactly the one fusion used to decide which claims agree. Gold items that no source
mentions are counted separately and excluded from the denominator (they cannot be fused).

Calibration of the reported ``confidence`` on the same gold items: expected calibration error (10
equal-width bins) and Brier score of "the chosen value is right", from :mod:`sevenfold.calibration`.
A method whose confidence is a posterior probability (ACCU, ACCU-COPY, LTM) should score low; the
link-analysis methods report a share of belief, which is not meant as a probability.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pyarrow as pa

from sevenfold.calibration import brier_score, expected_calibration_error
from sevenfold.fusion.normalize import attribute_keys, resolve_normalizer


@dataclass(frozen=True)
class Accuracy:
    accuracy: float
    correct: int
    evaluated: int
    gold_items: int
    not_covered: int
    ece: float | None = None  # expected calibration error of the confidences (None: no confidences)
    brier: float | None = None
    excluded: int = 0  # gold items left out of the score (verified items the fit was given)
    #: gold rows left out because their value is empty, or has nothing left after normalising (the
    #: same rule that makes such a claim no claim)
    no_value: int = 0


def _with_values(gold: pa.Table, norm: Any) -> tuple[pa.Table, int]:
    """``gold`` without the rows whose value has an empty key, and how many those were."""
    g_att = np.asarray(gold.column("attribute").to_pylist(), dtype=object)
    g_val = np.asarray([v if v is not None else "" for v in gold.column("value").to_pylist()], dtype=object)
    keys = attribute_keys(norm, g_att, g_val)
    valid = np.asarray([k is not None and k != "" for k in keys], dtype=bool)
    if valid.all():
        return gold, 0
    return gold.filter(pa.array(valid)), int((~valid).sum())


def _scored(hit: np.ndarray, covered: np.ndarray, confidence: np.ndarray | None) -> Accuracy:
    """The score of the covered gold items (``hit``: the fused value is right), with the calibration
    of ``confidence`` when the results carry one."""
    correct, n = int(hit.sum()), int(covered.sum())
    acc = Accuracy(correct / n, correct, n, len(covered), int((~covered).sum()))
    if confidence is None:
        return acc
    conf = np.clip(confidence, 0.0, 1.0)
    return replace(acc, ece=expected_calibration_error(conf, hit), brier=brier_score(conf, hit))


def gold_hits(estimator: Any, gold: pa.Table, normalizer: Any = None) -> tuple[np.ndarray, np.ndarray]:
    """Per gold row: the item it names in the estimator's claim matrix (-1: no source mentions it), and
    whether the fused value has the gold value's key (False where not covered)."""
    norm = resolve_normalizer(normalizer)
    index = estimator.claims_.item_index()
    g_att = np.asarray(gold.column("attribute").to_pylist(), dtype=object)
    g_val = np.asarray([v if v is not None else "" for v in gold.column("value").to_pylist()], dtype=object)
    pos = np.asarray([index.get((o, a), -1) for o, a in zip(gold.column("object").to_pylist(), g_att, strict=True)],
                     dtype=np.int64)
    covered = pos >= 0
    hit = np.zeros(len(pos), dtype=bool)
    if covered.any():
        fused = np.asarray(estimator.truths_, dtype=object)[pos[covered]]
        known = np.asarray([v is not None for v in fused], dtype=bool)  # an unknown answer is never right
        fused = np.where(known, fused, "")
        hit[covered] = known & (attribute_keys(norm, g_att[covered], fused)
                                == attribute_keys(norm, g_att[covered], g_val[covered]))
    return pos, hit


def accuracy(estimator: Any, gold: pa.Table, normalizer: Any = None, exclude: np.ndarray | None = None) -> Accuracy:
    """Score a fitted estimator against ``gold`` (columns object, attribute, value).

    ``exclude`` (a boolean mask over the claim matrix's items) leaves items out of the score, e.g. the
    verified items a semi-supervised fit was given (``estimator.verified_.touched_items(...)``): scoring
    them would count the answers the fit was told. They are counted in ``excluded``.
    """
    cm = estimator.claims_
    gold, no_value = _with_values(gold, resolve_normalizer(normalizer))
    pos, hit = gold_hits(estimator, gold, normalizer)
    covered = pos >= 0
    n_excluded = 0
    if exclude is not None:
        exclude = np.asarray(exclude)
        if exclude.dtype != bool or exclude.shape != (cm.n_items,):
            raise ValueError(f"exclude must be a boolean mask over the {cm.n_items} items, "
                             f"not {exclude.dtype} of shape {exclude.shape}")
        dropped = covered.copy()
        dropped[covered] = np.asarray(exclude, dtype=bool)[pos[covered]]
        n_excluded = int(dropped.sum())
        pos, hit, covered = pos[~dropped], hit[~dropped], covered[~dropped]
    if not covered.any():
        return Accuracy(0.0, 0, 0, len(pos), len(pos), excluded=n_excluded, no_value=no_value)
    scored = _scored(hit[covered], covered, np.asarray(estimator.confidence_, dtype=np.float64)[pos[covered]])
    return replace(scored, excluded=n_excluded, no_value=no_value)


def table_accuracy(truths: pa.Table, gold: pa.Table, normalizer: Any = None) -> Accuracy:
    """Score a truths table (object, attribute, value) against ``gold``, as :func:`accuracy` does.

    For results that never lived in a ClaimMatrix (the Spark backend writes them straight to a file).
    """
    norm = resolve_normalizer(normalizer)
    gold, no_value = _with_values(gold, norm)
    confs = (truths.column("confidence").to_pylist() if "confidence" in truths.column_names
             else [None] * truths.num_rows)
    fused_by_item = {(o, a): (None if v is None else str(v), c) for o, a, v, c in zip(
        truths.column("object").to_pylist(), truths.column("attribute").to_pylist(),
        truths.column("value").to_pylist(), confs, strict=True)}
    g_att = np.asarray(gold.column("attribute").to_pylist(), dtype=object)
    g_val = np.asarray([v if v is not None else "" for v in gold.column("value").to_pylist()], dtype=object)
    fused = [fused_by_item.get((o, a)) for o, a in zip(gold.column("object").to_pylist(), g_att, strict=True)]
    covered = np.asarray([f is not None for f in fused], dtype=bool)
    if not covered.any():
        return Accuracy(0.0, 0, 0, len(fused), len(fused), no_value=no_value)
    values = [f[0] for f in fused if f is not None]
    fk = attribute_keys(norm, g_att[covered], np.asarray(["" if v is None else v for v in values], dtype=object))
    gk = attribute_keys(norm, g_att[covered], g_val[covered])
    known = np.asarray([v is not None for v in values], dtype=bool)  # an unknown answer is never right
    conf = [f[1] for f in fused if f is not None]
    return replace(_scored((fk == gk) & known, covered,
                           None if any(c is None for c in conf) else np.asarray(conf, dtype=np.float64)),
                   no_value=no_value)
