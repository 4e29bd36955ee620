"""Verified items: values the analyst has checked, which a fit takes as known (semi-supervised fusion).

The seed's rule is "listen to spies but verify their information". Once some items are verified (an
outcome in a case, a value checked against a primary record), a truth-discovery method should not
re-estimate them. Instead they anchor it: a source's trust is then learned from items whose truth is
known as well as from agreement, and that trust carries over to the items nobody has checked.

A verified row is ``object, attribute, value`` with an optional ``verdict``:

* ``confirmed`` (the default): the item's truth is ``value``. Every candidate of the item with another
  key is false. When no source states ``value``, every candidate of the item is false and the item's
  fused value is ``value`` itself (confidence 1).
* ``refuted``: ``value`` is false. The item's other candidates stay open.

Values are compared by the same normaliser as the claims (:mod:`sevenfold.fusion.normalize`). Rows about
items that no claim mentions are counted (``not_in_claims``) and otherwise ignored. Two ``confirmed``
rows with different values for one item are an error, and so is a row that confirms a value another row
refutes.

Every method applies the anchor in the same place: after each update of its per-candidate belief, known
values are set to the method's "certainly true" level and known-false ones to its "certainly false"
level (:meth:`Verified.clamp`), before the belief feeds source trust. For the probabilistic methods
(ACCU, ACCU-COPY, LTM) this is EM with those items observed; for the others it is the same rule applied
to their scores. Scores against a gold table must leave the verified items out
(:func:`sevenfold.fusion.evaluate.accuracy` with ``exclude``); ``sevenfold fuse --verified`` does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from sevenfold.errors import InputError
from sevenfold.fusion.matrix import ClaimMatrix
from sevenfold.fusion.normalize import ValueNormalizer, attribute_keys, resolve_normalizer

VERDICTS = ("confirmed", "refuted")
#: how verified items were chosen (ACCU / ACCU-COPY ``verified_sample``): ``targeted`` (default; e.g. the
#: contested items an analyst checks first) or ``random`` (an audit sample, which may be pooled as one)
VERIFIED_SAMPLES = ("targeted", "random")
_MASKED = -1e30  # a log-score that exp() takes to 0 without the NaNs of -inf arithmetic


@dataclass(frozen=True)
class Verified:
    """Verified values indexed against one :class:`~sevenfold.fusion.matrix.ClaimMatrix`."""

    n_items: int
    n_cands: int
    true_cand: np.ndarray  # candidate ids known true
    false_cand: np.ndarray  # candidate ids known false (refuted, or another value of a confirmed item)
    unstated_item: np.ndarray  # item ids whose confirmed value no source states
    unstated_value: np.ndarray  # that value (object array, aligned with ``unstated_item``)
    rows: int = 0
    not_in_claims: int = 0  # rows about items no claim mentions (ignored)
    conflicting: int = 0  # items whose rows contradict each other (``conflicts="drop"``: not applied)

    # ------------------------------------------------------------------ building
    @classmethod
    def none(cls, cm: ClaimMatrix) -> Verified:
        empty = np.zeros(0, dtype=np.int64)
        return cls(cm.n_items, cm.n_cands, empty, empty, empty, np.zeros(0, dtype=object))

    @classmethod
    def from_table(cls, cm: ClaimMatrix, table: pa.Table, normalizer: Any = None,
                   origin: str = "verified") -> Verified:
        """Index a table with columns ``object, attribute, value`` and optionally ``verdict``."""
        missing = [c for c in ("object", "attribute", "value") if c not in table.column_names]
        if missing:
            raise InputError(f"{origin}: missing column(s) {', '.join(missing)}")
        # typed columns are cast by Arrow, as the claim matrix casts the claims (7.0 -> "7", not "7.0")
        objects, attributes, values = (_as_strings(table.column(c)) for c in ("object", "attribute", "value"))
        verdicts = (table.column("verdict").to_pylist() if "verdict" in table.column_names
                    else ["confirmed"] * table.num_rows)
        return cls.from_rows(cm, _checked_rows(zip(objects, attributes, values, verdicts, strict=True), origin),
                             normalizer, origin)

    @classmethod
    def from_rows(cls, cm: ClaimMatrix, rows: list[tuple[str, str, str, str]], normalizer: Any = None,
                  origin: str = "verified", conflicts: str = "error") -> Verified:
        """Index ``(object, attribute, value, verdict)`` rows (see :meth:`from_table`). Rows that
        contradict each other on an item are an error, or with ``conflicts="drop"`` verify nothing about
        that item (counted in ``conflicting``)."""
        if conflicts not in ("error", "drop"):
            raise InputError(f"{origin}: conflicts must be 'error' or 'drop', not {conflicts!r}")
        norm: ValueNormalizer = resolve_normalizer(normalizer)
        index = cm.item_index()
        on_items = [(index.get((o, a), -1), a, v, d) for o, a, v, d in rows]
        known = [r for r in on_items if r[0] >= 0]
        out = cls.none(cm)
        if not known:
            return cls(**{**out.__dict__, "rows": len(rows), "not_in_claims": len(rows)})
        items = np.asarray([r[0] for r in known], dtype=np.int64)
        attrs = np.asarray([r[1] for r in known], dtype=object)
        keys = attribute_keys(norm, attrs, np.asarray([r[2] for r in known], dtype=object))
        confirmed = np.asarray([r[3] == "confirmed" for r in known], dtype=bool)
        # the candidates' keys, only on the items concerned
        cand_sel = np.isin(cm.cand_item, items)
        cand_ids = np.flatnonzero(cand_sel)
        cand_keys = attribute_keys(norm, cm.item_attribute[cm.cand_item[cand_ids]], cm.cand_value[cand_ids])
        by_item_key = {(int(cm.cand_item[c]), k): int(c) for c, k in zip(cand_ids, cand_keys, strict=True)}

        truth_of: dict[int, tuple[str, str]] = {}  # item -> (key, raw value) confirmed
        refuted: dict[int, set[str]] = {}
        clash: dict[int, str] = {}  # item -> why its rows contradict each other
        raw = [r[2] for r in known]
        for it, key, ok, value in zip(items.tolist(), keys, confirmed.tolist(), raw, strict=True):
            if ok:
                prior = truth_of.get(it)
                if prior is not None and prior[0] != key:
                    clash.setdefault(it, f"confirmed as both {prior[1]!r} and {value!r}")
                truth_of.setdefault(it, (key, value))
            else:
                refuted.setdefault(it, set()).add(key)
        for it, (key, value) in truth_of.items():
            if key in refuted.get(it, ()):
                clash.setdefault(it, f"{value!r} is both confirmed and refuted")
        if clash and conflicts == "error":
            it, why = next(iter(clash.items()))
            raise InputError(f"{origin}: {cm.item_object[it]} / {cm.item_attribute[it]}: {why}")
        for it in clash:  # conflicts="drop": rows that contradict each other verify nothing
            truth_of.pop(it, None)
            refuted.pop(it, None)

        true_c, unstated_i, unstated_v = [], [], []
        for it, (key, value) in truth_of.items():
            c = by_item_key.get((it, key))
            if c is None:
                unstated_i.append(it)
                unstated_v.append(value)
            else:
                true_c.append(c)
        true_set = set(true_c)
        false_c = [int(c) for c, k in zip(cand_ids, cand_keys, strict=True)
                   if int(c) not in true_set and (int(cm.cand_item[c]) in truth_of
                                                  or k in refuted.get(int(cm.cand_item[c]), ()))]
        return cls(cm.n_items, cm.n_cands, np.asarray(sorted(true_c), dtype=np.int64),
                   np.asarray(sorted(false_c), dtype=np.int64), np.asarray(unstated_i, dtype=np.int64),
                   np.asarray(unstated_v, dtype=object), rows=len(rows), not_in_claims=len(rows) - len(known),
                   conflicting=len(clash))

    # ------------------------------------------------------------------ use
    @property
    def empty(self) -> bool:
        return not (self.true_cand.size or self.false_cand.size)

    def cand_mask(self, *, true: bool = False, false: bool = False) -> np.ndarray:
        """Per candidate, whether it is known true (``true=True``), known false (``false=True``) or
        either (both)."""
        mask = np.zeros(self.n_cands, dtype=bool)
        if true:
            mask[self.true_cand] = True
        if false:
            mask[self.false_cand] = True
        return mask

    def known_items(self, cm: ClaimMatrix) -> np.ndarray:
        """Items whose truth is known: a stated value confirmed, or a confirmed value nobody states."""
        mask = np.zeros(self.n_items, dtype=bool)
        mask[self.unstated_item] = True
        mask[cm.cand_item[self.true_cand]] = True
        return mask

    def unknown_items(self, cm: ClaimMatrix) -> np.ndarray:
        """Items whose every stated value is refuted and none confirmed: the truth is none of them."""
        false = self.cand_mask(false=True).astype(np.float64)
        return (cm.item_sum(false) >= cm.item_n_cands) & ~self.known_items(cm)

    def touched_items(self, cm: ClaimMatrix) -> np.ndarray:
        """Items with any verified row (known, or with a value refuted): leave these out of a score."""
        mask = self.known_items(cm)
        mask[cm.cand_item[self.false_cand]] = True
        return mask

    def clamp(self, belief: np.ndarray, high: float | None = 1.0, low: float = 0.0,
              cm: ClaimMatrix | None = None) -> np.ndarray:
        """``belief`` (per candidate) with known-true values at ``high`` and known-false ones at ``low``.

        ``high=None`` (for scores without a "certain" level, such as the link-analysis beliefs scaled to
        the largest one in the data) gives a known-true value the largest belief of its item instead, so
        the item's total stays on the scale of the other items (needs ``cm``).
        """
        if self.empty:
            return belief
        out = np.array(belief, dtype=np.float64, copy=True)
        top = None
        if high is None:
            if cm is None:
                raise ValueError("clamp(high=None) needs the claim matrix")
            top = cm.item_max(out)[cm.cand_item[self.true_cand]]
        out[self.false_cand] = low
        out[self.true_cand] = high if top is None else top
        return out

    def mask_logits(self, cm: ClaimMatrix, logits: np.ndarray,
                    extra_mass: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Log-scores and unstated mass for a per-item log-sum-exp given the verified values: the
        known-false values drop out, an item with a known stated value keeps only that value, and an
        item whose confirmed value nobody states keeps one unstated value (``exp(0)``)."""
        extra = np.array(np.broadcast_to(extra_mass, (cm.n_items,)), dtype=np.float64)
        if self.empty:
            return logits, extra
        out = np.array(logits, dtype=np.float64, copy=True)
        out[self.false_cand] = _MASKED
        extra[cm.cand_item[self.true_cand]] = 0.0
        extra[self.unstated_item] = 1.0
        # an item whose every stated value is false keeps at least one unstated value to be true
        alive = cm.item_sum((out > _MASKED / 2).astype(np.float64))
        extra[(alive == 0) & (extra <= 0)] = 1.0
        return out, extra

    def summary(self, cm: ClaimMatrix) -> dict[str, int]:
        """Counts for reports (the ``verified`` object of ``fuse --json``)."""
        return {"rows": self.rows, "items_known": int(self.known_items(cm).sum()),
                "items_touched": int(self.touched_items(cm).sum()),
                "values_refuted": int(self.false_cand.size), "unstated": int(self.unstated_item.size),
                "not_in_claims": self.not_in_claims, "conflicting": self.conflicting}


def _checked_rows(rows: Any, origin: str) -> list[tuple[str, str, str, str]]:
    """``(object, attribute, value, verdict)`` rows with the verdict normalised (empty: confirmed); a row
    with an unknown verdict or an empty field is refused."""
    out = []
    for k, (o, a, v, d) in enumerate(rows, start=1):
        verdict = (d or "confirmed").strip().lower() if isinstance(d, str) or d is None else d
        if verdict not in VERDICTS:
            raise InputError(f"{origin}: row {k}: verdict must be confirmed or refuted, not {d!r}")
        if o is None or a is None or str(o).strip() == "" or str(a).strip() == "":
            raise InputError(f"{origin}: row {k}: object and attribute must not be empty")
        if v is None or (isinstance(v, float) and np.isnan(v)) or str(v).strip() == "":
            raise InputError(f"{origin}: row {k}: value is empty (a verified value must name the value)")
        out.append((str(o), str(a), str(v), verdict))
    return out


def _as_strings(column: Any) -> list[Any]:
    from sevenfold.fusion.matrix import _as_string_array

    return _as_string_array(column).to_pylist()


def as_verified(cm: ClaimMatrix, verified: Any, normalizer: Any = None) -> Verified:
    """``verified`` as :class:`Verified` on ``cm``: ``None``, a :class:`Verified` built on the same matrix,
    an Arrow table, a path to a table file, or a list of ``(object, attribute, value[, verdict])``.
    Values are keyed by ``normalizer``, by default the one the claim matrix was built with."""
    if normalizer is None:
        normalizer = cm.normalizer
    if verified is None:
        return Verified.none(cm)
    if isinstance(verified, Verified):
        if verified.n_items != cm.n_items or verified.n_cands != cm.n_cands:
            raise InputError("verified: indexed against another claim matrix; build it on the claims you fit")
        return verified
    if isinstance(verified, pa.Table):
        return Verified.from_table(cm, verified, normalizer)
    if isinstance(verified, (list, tuple)):
        rows = []
        for k, r in enumerate(verified, start=1):
            if len(r) not in (3, 4):
                raise InputError(f"verified: row {k}: expected (object, attribute, value[, verdict]), not {r!r}")
            rows.append(tuple(x if x is None or isinstance(x, str) else json.dumps(x)
                              for x in (*r, *(("confirmed",) if len(r) == 3 else ()))))
        return Verified.from_rows(cm, _checked_rows(rows, "verified"), normalizer)
    from sevenfold.fusion.table_io import read_verified

    return Verified.from_table(cm, read_verified(verified), normalizer, origin=str(verified))


#: range of the pooled strength ``k`` of the unverified estimate, in pseudo-claims (see :func:`verified_accuracy`)
STRENGTH_BOUNDS = (1.0, 1e6)
_STRENGTH_GRID = np.geomspace(*STRENGTH_BOUNDS, 121)  # 10 points per factor of 10


def verified_accuracy(estimate: np.ndarray, correct: np.ndarray, checked: np.ndarray) -> tuple[np.ndarray, float]:
    """Per-source accuracy from two kinds of evidence, and the weight given to the first.

    ``estimate``: each source's accuracy as a truth-discovery loop estimates it from the items nobody
    verified (agreement under the method's model, which may be wrong about whom to trust: on the Flight
    data the aggregators agree with each other more than with the airlines' own sites). ``correct`` and
    ``checked``: how many of the source's claims on verified items were right, and how many it made.

    Hierarchical Bayes: a source's accuracy is ``Beta(k·e, k·(1 − e))`` around its estimate ``e``, and
    its verified claims are binomial draws from it. ``k`` (one value for all sources: how many verified
    claims the loop's estimate is worth) has a flat prior on ``log k`` over :data:`STRENGTH_BOUNDS`
    and the beta-binomial likelihood of every source's verified counts. It is large where the loop's
    estimates predict the verified record well and small where they do not: the data decide how far to
    trust the model. The accuracy returned is the posterior mean, ``(correct + k·e) / (checked + k)``
    averaged over the posterior of ``k`` (on a grid); with few verified claims that posterior is broad
    and the average leans on the loop's estimate rather than on a ``k`` fitted to noise (a point estimate
    of ``k`` from 10 verified items could fall to about 5 on the synthetic data and cost 3 points of
    held-out accuracy). A source without verified claims keeps ``e``. The second value is the posterior
    geometric mean of ``k`` (the upper bound when nothing is verified).
    """
    from scipy.special import betaln

    e = np.clip(np.asarray(estimate, dtype=np.float64), 1e-6, 1 - 1e-6)
    c = np.asarray(correct, dtype=np.float64)
    n = np.asarray(checked, dtype=np.float64)
    sel = n > 0
    if not sel.any():
        return e.copy(), float(STRENGTH_BOUNDS[1])
    es, cs, ns = e[sel], c[sel], n[sel]
    k = _STRENGTH_GRID[:, None]
    a, b = k * es, k * (1 - es)
    log_lik = (betaln(cs + a, ns - cs + b) - betaln(a, b)).sum(axis=1)
    w = np.exp(log_lik - log_lik.max())
    w /= w.sum()
    out = e.copy()
    out[sel] = w @ ((cs + a) / (ns + k))
    return out, float(np.exp(w @ np.log(_STRENGTH_GRID)))
