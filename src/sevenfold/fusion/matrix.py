"""The shared sparse claim matrix every fusion method reads.

A *claim* is one source stating one value for one *item* (an ``(object, attribute)`` pair). The
distinct normalised values stated for an item are its *candidates*. ``ClaimMatrix`` holds

* index arrays, one entry per claim: ``claim_source``, ``claim_item``, ``claim_cand``;
* ``cand_item``: candidate → item, with candidates of one item contiguous (``item_ptr`` delimits them,
  and within an item they are ordered by first appearance in the input, which is how ties break);
* sparse incidence matrices ``sc`` (sources × candidates) and ``sc_t``, built once and shared;
  methods reach them through :meth:`ClaimMatrix.cand_sum` / :meth:`ClaimMatrix.source_sum`, which
  run large products on several cores.

Indexing hashes each string column once (Arrow) and otherwise orders claims by counting sorts
(:func:`group_order`), so building the matrix is linear in the number of claims.

Build it with :meth:`ClaimMatrix.read` (a file), :meth:`ClaimMatrix.from_table` (an Arrow table),
:meth:`ClaimMatrix.from_arrays` or :meth:`ClaimMatrix.from_case`.

Duplicate policy: a source stating the same item more than once keeps only one statement —
``duplicates="latest"`` (default) keeps the one with the latest ``date`` (rows without a date count
as oldest; equal dates fall back to file order, later wins), ``"first"``/``"last"`` keep by file order,
``"error"`` refuses when the statements disagree. Missing values (null, empty, or empty after
normalisation) raise :class:`InputError` naming the row unless ``missing="drop"``.
"""

from __future__ import annotations

import itertools
import json
import os
import threading
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp

from sevenfold.errors import InputError
from sevenfold.fusion.normalize import Normalizer, ValueNormalizer, identity_key, resolve_normalizer
from sevenfold.fusion.table_io import read_claims

DuplicatePolicy = Literal["latest", "first", "last", "error"]
MissingPolicy = Literal["error", "drop"]


def _as_string_array(values: Any) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if not isinstance(values, pa.Array):
        values = pa.array(values if isinstance(values, list) else list(values), type=pa.string(), from_pandas=True)
    if not pa.types.is_string(values.type):
        values = pc.cast(values, pa.string())
    return values


def _encode(arr: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Dense codes, labels and which labels are empty (null, or only whitespace); a null is a label of
    its own (``None``) so codes have no holes."""
    enc = pc.dictionary_encode(arr, null_encoding="encode")
    codes = enc.indices.to_numpy(zero_copy_only=False)  # int32: arithmetic on codes widens first
    labels = np.asarray(enc.dictionary.to_numpy(zero_copy_only=False), dtype="O")
    blank = pc.fill_null(pc.equal(pc.utf8_trim_whitespace(enc.dictionary), ""), True)
    return codes, labels, blank.to_numpy(zero_copy_only=False)


_PARALLEL_NNZ = 400_000  # below this a product takes well under a millisecond: threads cost more
# cores this process may use (CPU affinity / container limits where the OS reports them)
_WORKERS = min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1), 8)
_POOL: Any = None
_POOL_LOCK = threading.Lock()
_POOL_PREFIX = "sevenfold-spmv"


def _map_threads(fn: Any, args: list[Any]) -> list[Any]:
    """``[fn(a) for a in args]`` on up to ``_WORKERS`` threads (for functions that release the GIL)."""
    workers = min(len(args), _WORKERS)
    if workers <= 1 or sum(len(a) for a in args) < 200_000:  # small inputs: threads cost more than they save
        return [fn(a) for a in args]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(fn, args))


def group_order(codes: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    """Stable counting sort of integer ``codes`` in ``[0, n_groups)``: the row order that lists group 0's
    rows, then group 1's, ... (rows of one group in their original order), and the group pointers
    (group ``g`` is ``order[ptr[g]:ptr[g + 1]]``).

    Linear time: this is SciPy's CSR → CSC conversion of the one-entry-per-row matrix (rows × groups),
    which counts, prefix-sums and scatters in C. NumPy's stable argsort is a comparison sort here
    (10-20× slower on a million claims).
    """
    n = codes.size
    if n and (int(codes.min()) < 0 or int(codes.max()) >= n_groups):  # SciPy does not check, and a
        raise ValueError(f"codes must lie in [0, {n_groups})")        # bad code corrupts memory
    idx = np.int32 if max(n, n_groups) < 2**31 - 1 else np.int64  # SciPy's own choice: no casts
    rows = sp.csr_matrix((np.ones(n, dtype=np.int8), codes.astype(idx, copy=False), np.arange(n + 1, dtype=idx)),
                         shape=(n, n_groups)).tocsc()
    return rows.indices, rows.indptr


def _dense_codes(keys: np.ndarray, bound: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Dense codes for non-negative integer keys in order of first appearance, the distinct keys in that
    order, and the row of each key's first appearance.

    With a known ``bound`` (keys < bound) not much larger than the number of keys, the keys are
    grouped by :func:`group_order` (no hashing); otherwise they are hash-encoded with Arrow. Both give
    the same result.
    """
    n = keys.size
    if bound is not None and bound <= 4 * n + 1024:
        order, ptr = group_order(keys, bound)
        present = np.flatnonzero(ptr[1:] > ptr[:-1])  # keys that occur, ascending
        first_rows = order[ptr[present]]  # rows within a group keep their order: the first is the first
        is_first = np.zeros(n, dtype=bool)
        is_first[first_rows] = True
        slot = np.empty(n, dtype=np.int64)  # only the first rows are written and read
        slot[first_rows] = np.arange(present.size)
        by_first = slot[is_first]  # present keys (as ordinals) by first appearance: a counting sort
        code_of_key = np.empty(bound, dtype=np.int64)
        code_of_key[present[by_first]] = np.arange(present.size)
        return code_of_key[keys], present[by_first], first_rows[by_first]
    enc = pc.dictionary_encode(pa.array(keys, pa.int64()))
    codes = enc.indices.to_numpy(zero_copy_only=False).astype(np.int64, copy=False)
    uniq = enc.dictionary.to_numpy(zero_copy_only=False)
    # codes are handed out in order of first appearance, so a key appears first exactly where the code
    # exceeds every earlier one
    if codes.size:
        new = np.empty(codes.size, dtype=bool)
        new[0] = True
        new[1:] = codes[1:] > np.maximum.accumulate(codes)[:-1]
        first = np.flatnonzero(new)
    else:
        first = np.zeros(0, dtype=np.int64)
    return codes, uniq, first


def _has_repeated_pairs(a: np.ndarray, n_a: int, b: np.ndarray, n_b: int,
                        grouped_a: tuple[np.ndarray, np.ndarray] | None = None) -> bool:
    """Whether some pair ``(a[k], b[k])`` occurs twice, without hashing: the pairs as an ``a × b``
    incidence matrix, turned column-major by a counting sort (rows ascend within each column), are in
    canonical form (strictly ascending, so no entry twice) exactly when no pair repeats.
    ``grouped_a`` is ``group_order(a, n_a)`` when the caller has it already."""
    by_a, ptr_a = grouped_a if grouped_a is not None else group_order(a, n_a)
    m = sp.csr_matrix((np.ones(a.size, dtype=np.int8), b[by_a].astype(ptr_a.dtype, copy=False), ptr_a),
                      shape=(n_a, n_b))
    return not m.tocsc().has_canonical_format


def _forget_pool() -> None:
    """A forked child has none of the parent's threads: it must start its own pool."""
    global _POOL, _POOL_LOCK
    _POOL, _POOL_LOCK = None, threading.Lock()


if hasattr(os, "register_at_fork"):  # POSIX; elsewhere there is no fork to survive
    os.register_at_fork(after_in_child=_forget_pool)


def _pool() -> Any:
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            from concurrent.futures import ThreadPoolExecutor

            _POOL = ThreadPoolExecutor(max_workers=max(_WORKERS - 1, 1), thread_name_prefix=_POOL_PREFIX)
        return _POOL


def _row_blocks(m: sp.csr_matrix) -> list[tuple[int, int, sp.csr_matrix]]:
    """``m`` cut into row blocks of about equal non-zeros, one per core, as views (no copy)."""
    workers = _WORKERS
    if workers <= 1 or m.nnz < _PARALLEL_NNZ or m.shape[0] < 2:
        return [(0, m.shape[0], m)]
    cuts = np.searchsorted(m.indptr, np.linspace(0, m.nnz, workers + 1)[1:-1])
    bounds = [0, *sorted({int(c) for c in cuts if 0 < c < m.shape[0]}), m.shape[0]]
    blocks = []
    for lo, hi in itertools.pairwise(bounds):
        a, b = int(m.indptr[lo]), int(m.indptr[hi])
        blocks.append((lo, hi, sp.csr_matrix((m.data[a:b], m.indices[a:b], m.indptr[lo:hi + 1] - a),
                                             shape=(hi - lo, m.shape[1]), copy=False)))
    return blocks


def _product(m: sp.csr_matrix, blocks: list[tuple[int, int, sp.csr_matrix]], x: np.ndarray) -> np.ndarray:
    """``m @ x``; ``blocks`` are ``m``'s row blocks, run on threads (SciPy's CSR product releases the
    GIL, so two blocks run on two cores). Only vectors go to threads: a matrix ``x`` would need a second
    copy of the (possibly large) result. A call from one of the pool's own threads runs in place, so it
    never waits on the pool it is part of."""
    if len(blocks) == 1 or x.ndim != 1 or threading.current_thread().name.startswith(_POOL_PREFIX):
        return m @ x
    pool = _pool()
    out = np.empty(m.shape[0], dtype=np.result_type(x.dtype, np.float64))

    def run(block: tuple[int, int, sp.csr_matrix]) -> None:
        lo, hi, part = block
        out[lo:hi] = part @ x

    pending = [pool.submit(run, b) for b in blocks[1:]]
    run(blocks[0])  # this thread takes the first block itself
    for f in pending:
        f.result()
    return out


#: a date "latest" can order as text: YYYY, YYYY-MM or YYYY-MM-DD, optionally followed by a time
ISO_DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?([T ]\d|$)"


@dataclass(eq=False)
class ClaimMatrix:
    """Claims indexed for vectorised fusion. See the module docstring for the layout and policies."""

    source_labels: np.ndarray
    item_object: np.ndarray
    item_attribute: np.ndarray
    cand_value: np.ndarray
    cand_item: np.ndarray
    claim_source: np.ndarray
    claim_item: np.ndarray
    claim_cand: np.ndarray
    claim_date: np.ndarray | None = None
    claim_report: np.ndarray | None = None
    n_duplicates_dropped: int = 0
    #: dates that are not ISO 8601 (compared as text by duplicates="latest": "2020-1-5" > "2020-01-10")
    n_non_iso_dates: int = 0
    n_missing_dropped: int = 0
    origin: str = "claims"
    #: the value normaliser the candidates were keyed with (verified values and gold are keyed the same way)
    normalizer: ValueNormalizer | None = field(default=None, repr=False)
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    def __getstate__(self) -> dict[str, Any]:
        # the row blocks are views of ``sc``/``sc_t``; pickled they would be copies (rebuilt on demand).
        # A normaliser may be a closure, which does not pickle: an unpickled matrix keys with the default.
        state = {k: v for k, v in self.__dict__.items() if k not in ("_sc_blocks", "_sc_t_blocks")}
        state["normalizer"] = None
        return state

    def prepare(self) -> ClaimMatrix:
        """Materialise the shared indexes (incidence matrices, item pointers, counts) once, up front."""
        for name in ("item_ptr", "sc", "sc_t", "source_n_claims", "cand_votes", "item_n_claims", "item_n_cands"):
            getattr(self, name)
        return self

    # ------------------------------------------------------------------ sizes
    @property
    def n_sources(self) -> int:
        return len(self.source_labels)

    @property
    def n_items(self) -> int:
        return len(self.item_object)

    @property
    def n_cands(self) -> int:
        return len(self.cand_item)

    @property
    def n_claims(self) -> int:
        return len(self.claim_source)

    def __repr__(self) -> str:
        return (f"ClaimMatrix({self.n_claims} claims, {self.n_sources} sources, {self.n_items} items, "
                f"{self.n_cands} candidate values)")

    # ------------------------------------------------------------ derived, cached
    @cached_property
    def item_ptr(self) -> np.ndarray:
        """Candidates of item ``i`` are ``item_ptr[i]:item_ptr[i+1]``."""
        return np.searchsorted(self.cand_item, np.arange(self.n_items + 1)).astype(np.int64)

    @cached_property
    def sc(self) -> sp.csr_matrix:
        """Sources × candidates incidence (1 where the source states the candidate).

        Built directly in CSR form from a counting sort of the claims by source (column indices of a row
        in claim order, not sorted; products do not need them sorted).
        """
        order, ptr = group_order(self.claim_source, self.n_sources)
        return sp.csr_matrix((np.ones(self.n_claims), self.claim_cand[order], ptr),
                             shape=(self.n_sources, self.n_cands))

    @cached_property
    def sc_t(self) -> sp.csr_matrix:
        """Candidates × sources (``sc`` transposed, stored row-major for fast matvecs)."""
        return self.sc.T.tocsr()

    @cached_property
    def _sc_blocks(self) -> list[tuple[int, int, sp.csr_matrix]]:
        return _row_blocks(self.sc)

    @cached_property
    def _sc_t_blocks(self) -> list[tuple[int, int, sp.csr_matrix]]:
        return _row_blocks(self.sc_t)

    def cand_sum(self, per_source: np.ndarray) -> np.ndarray:
        """Per candidate, the sum of a per-source array over the sources that state it (``sc_t @ x``,
        on several cores when the matrix is large)."""
        return _product(self.sc_t, self._sc_t_blocks, np.asarray(per_source))

    def source_sum(self, per_cand: np.ndarray) -> np.ndarray:
        """Per source, the sum of a per-candidate array over the candidates it states (``sc @ y``)."""
        return _product(self.sc, self._sc_blocks, np.asarray(per_cand))

    @cached_property
    def source_n_claims(self) -> np.ndarray:
        return np.bincount(self.claim_source, minlength=self.n_sources).astype(np.float64)

    @cached_property
    def cand_votes(self) -> np.ndarray:
        return np.bincount(self.claim_cand, minlength=self.n_cands).astype(np.float64)

    @cached_property
    def item_n_claims(self) -> np.ndarray:
        return np.bincount(self.claim_item, minlength=self.n_items).astype(np.float64)

    @cached_property
    def item_n_cands(self) -> np.ndarray:
        return np.diff(self.item_ptr).astype(np.float64)

    # ------------------------------------------------------------ group operations
    def item_sum(self, x: np.ndarray) -> np.ndarray:
        """Per-item sum of a per-candidate array (floats; a weighted ``bincount`` adds in candidate order,
        as ``np.add.reduceat`` over ``item_ptr`` would, at a third of its cost)."""
        return np.bincount(self.cand_item, weights=x, minlength=self.n_items)

    def item_max(self, x: np.ndarray) -> np.ndarray:
        return np.maximum.reduceat(x, self.item_ptr[:-1]) if self.n_items else np.zeros(0)

    def item_argmax(self, x: np.ndarray) -> np.ndarray:
        """Per item, the candidate with the largest score (ties: first appearance in the input)."""
        m = self.item_max(x)
        idx = np.where(x >= m[self.cand_item], np.arange(self.n_cands), self.n_cands)
        return np.minimum.reduceat(idx, self.item_ptr[:-1]).astype(np.int64)

    def item_normalize(self, x: np.ndarray) -> np.ndarray:
        """Scale non-negative per-candidate scores to sum to 1 within each item (uniform if all 0)."""
        tot = self.item_sum(x)[self.cand_item]
        uniform = 1.0 / self.item_n_cands[self.cand_item]
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(tot > 0, x / np.where(tot > 0, tot, 1.0), uniform)

    def _item_exp(self, logits: np.ndarray, extra_mass: np.ndarray | float) -> tuple[np.ndarray, ...]:
        """Per-item shift ``m``, shifted exponentials and their per-item total (with ``extra_mass``)."""
        m = np.maximum(self.item_max(logits), 0.0 if np.any(np.asarray(extra_mass) > 0) else -np.inf)
        e = np.exp(logits - m[self.cand_item])
        return m, e, self.item_sum(e) + np.asarray(extra_mass) * np.exp(-m)

    def item_softmax(self, logits: np.ndarray, extra_mass: np.ndarray | float = 0.0) -> np.ndarray:
        """Per-item softmax; ``extra_mass`` (per item, in units of exp(0)) stands for unstated values."""
        _m, e, denom = self._item_exp(logits, extra_mass)
        return e / denom[self.cand_item]

    def item_logsumexp(self, logits: np.ndarray, extra_mass: np.ndarray | float = 0.0) -> np.ndarray:
        """Per item ``log(Σ exp(logits) + extra_mass)``: the log of :meth:`item_softmax`'s denominator."""
        m, _e, denom = self._item_exp(logits, extra_mass)
        return m + np.log(denom)

    # ------------------------------------------------------------ output
    def truth_table(self, truths: np.ndarray, confidence: np.ndarray, values: np.ndarray | None = None) -> pa.Table:
        """``object, attribute, value, confidence`` for one chosen candidate per item (``values``: the
        chosen values when some are not candidates, e.g. a verified value no source states)."""
        return pa.table({
            "object": pa.array(self.item_object, pa.string()),
            "attribute": pa.array(self.item_attribute, pa.string()),
            "value": pa.array(self.cand_value[truths] if values is None else values, pa.string()),
            "confidence": pa.array(np.asarray(confidence, dtype=np.float64)),
        })

    def item_index(self) -> dict[tuple[str, str], int]:
        return {(o, a): i for i, (o, a) in enumerate(zip(self.item_object, self.item_attribute, strict=True))}

    # ------------------------------------------------------------ builders
    @classmethod
    def read(cls, path: str | os.PathLike[str], **kwargs: Any) -> ClaimMatrix:
        """Read a CSV / TSV / Parquet / JSON-lines claims file (see :func:`read_claims`)."""
        kwargs.setdefault("origin", str(path))
        return cls.from_table(read_claims(path), **kwargs)

    @classmethod
    def from_table(cls, table: pa.Table, **kwargs: Any) -> ClaimMatrix:
        cols = {c: table.column(c) for c in ("source", "object", "attribute", "value", "date", "report")
                if c in table.column_names}
        missing = [c for c in ("source", "object", "attribute", "value") if c not in cols]
        if missing:
            raise InputError(f"{kwargs.get('origin', 'claims')}: missing column(s) {', '.join(missing)}")
        return cls.from_arrays(cols["source"], cols["object"], cols["attribute"], cols["value"],
                               date=cols.get("date"), report=cols.get("report"), **kwargs)

    @classmethod
    def from_case(cls, case: Any, **kwargs: Any) -> ClaimMatrix:
        """Claims of a case: one per ``case.reports[i].claims[j]``, stated by ``case.reports[i].source``.

        Works on :class:`sevenfold.model.Case` or any object of the same shape. Non-string values are
        written as JSON (``true``, ``3``, ``["a", "b"]``; ``3.0`` as ``3``, :func:`case_value_text`);
        the report's ``date`` orders duplicates.
        A source with no claims does not appear in the matrix.
        """
        src: list[str] = []
        obj: list[str] = []
        att: list[str] = []
        val: list[str | None] = []
        dates: list[str | None] = []
        reps: list[str | None] = []
        for report in getattr(case, "reports", None) or []:
            d = getattr(report, "date", None)
            for claim in getattr(report, "claims", None) or []:
                v = claim.value
                src.append(str(report.source))
                obj.append(str(claim.object))
                att.append(str(claim.attribute))
                val.append(case_value_text(v))
                dates.append(None if d is None else str(d))
                reps.append(str(getattr(report, "id", "")) or None)
        case_id = getattr(getattr(case, "case", None), "id", None) or "case"
        if not src:
            raise InputError(f"{case_id}: reports: no report has claims, nothing to fuse")
        kwargs.setdefault("origin", str(case_id))
        return cls.from_arrays(src, obj, att, val, date=dates, report=reps, **kwargs)

    @classmethod
    def from_arrays(
        cls,
        source: Any,
        object: Any,  # the column is called object (shadows the builtin inside)
        attribute: Any,
        value: Any,
        *,
        date: Any = None,
        report: Any = None,
        normalizer: ValueNormalizer | Normalizer | None = None,
        duplicates: DuplicatePolicy = "latest",
        missing: MissingPolicy = "error",
        origin: str = "claims",
    ) -> ClaimMatrix:
        """Index claims given as parallel columns (lists or Arrow arrays)."""
        if duplicates not in ("latest", "first", "last", "error"):
            raise InputError(f"duplicates policy must be latest, first, last or error, not {duplicates!r}")
        raw = {"source": source, "object": object, "attribute": attribute, "value": value}
        lengths = {len(c) for c in raw.values()}
        if len(lengths) != 1:
            raise InputError(f"{origin}: columns have different lengths")
        n = lengths.pop()
        if n == 0:
            raise InputError(f"{origin}: no claims")
        # encode first, then judge emptiness on the (much smaller) dictionaries; Arrow's hashing
        # releases the GIL, so the four columns are encoded on several cores at once
        enc = dict(zip(raw, _map_threads(lambda c: _encode(_as_string_array(c)), list(raw.values())),
                       strict=True))
        bad = np.zeros(n, dtype=bool)
        for name, (codes, _labels, empty_label) in enc.items():
            if not empty_label.any():
                continue
            mask = empty_label[codes]
            if name != "value":
                row = int(np.argmax(mask))
                raise InputError(f"{origin}: row {row + 1}: field '{name}' is empty or missing")
            bad |= mask
        if bad.any() and missing == "error":
            row = int(np.argmax(bad))
            raise InputError(f"{origin}: row {row + 1}: field 'value' is empty, missing or NaN "
                             "(use missing='drop' / --drop-missing to skip such rows)")
        (s, s_lab, _), (o, o_lab, _), (a, a_lab, _), (v, v_lab, _) = (
            enc[k] for k in ("source", "object", "attribute", "value"))
        v_lab = np.asarray([("" if lab is None else lab) for lab in v_lab], dtype="O")
        na = max(len(a_lab), 1)

        # -- normalised value keys, computed once per distinct (attribute, value) pair
        norm = resolve_normalizer(normalizer)
        if norm.default is identity_key and not norm.per_attribute:
            key = v
            key_empty = bad
        else:
            nv = max(len(v_lab), 1)
            pair = a.astype(np.int64) * nv + v
            pair_inv, pairs_u, _ = _dense_codes(pair)
            order_p = np.argsort(pairs_u, kind="stable")  # distinct pairs only
            rank_p = np.empty_like(order_p)
            rank_p[order_p] = np.arange(order_p.size)
            pairs_u, pair_inv = pairs_u[order_p], rank_p[pair_inv]
            pa_attr = pairs_u // nv
            keys = np.empty(len(pairs_u), dtype="O")
            bounds = np.searchsorted(pa_attr, np.arange(na + 1))
            for ai in range(na):  # one call per attribute name, not per claim
                lo, hi = bounds[ai], bounds[ai + 1]
                if hi > lo:
                    raw_values = v_lab[pairs_u[lo:hi] % nv]
                    raw_values = np.where(raw_values == None, "", raw_values)  # noqa: E711 - elementwise None test
                    keys[lo:hi] = norm.for_attribute(str(a_lab[ai]))(raw_values)
            kcodes, klab, _ = _encode(pa.array(keys, pa.string()))
            key = kcodes[pair_inv]
            empty_keys = np.asarray([k is None or k == "" for k in klab], dtype=bool)
            key_empty = bad | (empty_keys[key] if len(klab) else False)
        n_missing = 0
        keep = np.ones(n, dtype=bool)
        if key_empty.any():
            if missing == "error":
                row = int(np.argmax(key_empty))
                raise InputError(f"{origin}: row {row + 1}: field 'value' is empty after normalisation "
                                 "(use missing='drop' / --drop-missing to skip such rows)")
            keep &= ~key_empty
            n_missing = int(key_empty.sum())

        rows = np.flatnonzero(keep)
        if rows.size == 0:
            raise InputError(f"{origin}: no claims left after dropping missing values")
        kept = (lambda x: x) if rows.size == n else (lambda x: x[rows])  # no gathers when nothing is dropped
        if na == 1 and rows.size == n:
            # one attribute and no row dropped: the object codes already are dense, in order of first
            # appearance (that is how the dictionary hands them out), so they are the item codes
            item_inv, items_u = o.astype(np.int64), np.arange(len(o_lab), dtype=np.int64)
        else:
            item_inv, items_u, _ = _dense_codes(kept(o).astype(np.int64) * na + kept(a),
                                                bound=max(len(o_lab), 1) * na)
        n_items = len(items_u)
        s_r, key_r = kept(s), kept(key)

        # -- duplicates: one statement per (source, item)
        date_arr = None
        if date is not None:
            date_arr = _as_string_array(date)
            if len(date_arr) != n:
                raise InputError(f"{origin}: column 'date' has a different length")
        n_dups = 0
        n_non_iso = 0
        by_item, item_rows_ptr = group_order(item_inv, n_items)  # the claims item by item, in file order
        if _has_repeated_pairs(item_inv, n_items, s_r, len(s_lab), grouped_a=(by_item, item_rows_ptr)):
            sk = s_r.astype(np.int64) * n_items + item_inv
            if duplicates == "latest" and date_arr is not None:
                # missing dates become "" and so sort first (oldest); ISO dates sort as text
                dfilled = pc.utf8_trim_whitespace(pc.fill_null(date_arr, ""))
                iso = pc.match_substring_regex(dfilled, ISO_DATE_PATTERN)
                n_non_iso = int(pc.sum(pc.and_(pc.invert(iso), pc.not_equal(dfilled, ""))).as_py() or 0)
                drank = pc.rank(dfilled, sort_keys="ascending", tiebreaker="dense").to_numpy(
                    zero_copy_only=False)[rows]
                order = np.lexsort((np.arange(rows.size), drank, sk))
                take_last = True
            else:
                order = np.argsort(sk, kind="stable")
                take_last = duplicates in ("latest", "last")
            sk_sorted = sk[order]
            if duplicates == "error":
                dup = np.flatnonzero((sk_sorted[1:] == sk_sorted[:-1]) & (key_r[order][1:] != key_r[order][:-1]))
                if dup.size:
                    r = rows[order[dup[0] + 1]]
                    raise InputError(
                        f"{origin}: row {r + 1}: source '{s_lab[s[r]]}' states '{o_lab[o[r]]}'/"
                        f"'{a_lab[a[r]]}' more than once with different values (duplicates='error')")
            if take_last:
                last = np.r_[sk_sorted[1:] != sk_sorted[:-1], True]
            else:
                last = np.r_[True, sk_sorted[1:] != sk_sorted[:-1]]
            sel = np.sort(order[last])
            n_dups = rows.size - sel.size
            rows, item_inv, s_r, key_r = rows[sel], item_inv[sel], s_r[sel], key_r[sel]
            by_item, _ = group_order(item_inv, n_items)

        # -- candidates: (item, key), contiguous per item, ordered by first appearance within the item.
        # Walking the claims item by item (file order within an item), first-appearance codes come out
        # contiguous per item by construction.
        nk = int(key_r.max()) + 1
        codes, cu, first_idx = _dense_codes(item_inv[by_item] * nk + key_r[by_item], bound=n_items * nk)
        cand_item = cu // nk
        claim_cand = np.empty(rows.size, dtype=np.int64)
        claim_cand[by_item] = codes
        cand_value = v_lab[v[rows[by_item[first_idx]]]]

        # -- sources actually present (ids stay dense)
        present = np.bincount(s_r, minlength=len(s_lab)) > 0
        src_u = np.flatnonzero(present)
        src_inv = s_r if src_u.size == present.size else (np.cumsum(present) - 1)[s_r]
        report_arr = None
        if report is not None:
            report_arr = np.asarray(_as_string_array(report).to_numpy(zero_copy_only=False), dtype="O")[rows]
        return cls(
            source_labels=s_lab[src_u],
            item_object=o_lab[items_u // na],
            item_attribute=a_lab[items_u % na],
            cand_value=cand_value,
            cand_item=cand_item.astype(np.int64, copy=False),
            claim_source=src_inv.astype(np.int64, copy=False),
            claim_item=item_inv.astype(np.int64, copy=False),
            claim_cand=claim_cand,
            claim_date=None if date_arr is None else
            np.asarray(date_arr.to_numpy(zero_copy_only=False), dtype="O")[rows],
            claim_report=report_arr,
            n_duplicates_dropped=int(n_dups),
            n_non_iso_dates=n_non_iso,
            n_missing_dropped=n_missing,
            origin=origin,
            normalizer=norm,
        ).prepare()


def case_value_text(value: Any) -> str | None:
    """A case's claim value as text: strings as they are, anything else as JSON, with a whole-number
    float written as the integer (``7.0`` and ``7`` are one value; a case file may write either)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return json.dumps(value, sort_keys=True)


def as_claim_matrix(claims: Any) -> ClaimMatrix:
    """Accept a ClaimMatrix, a path, an Arrow table, or a case object."""
    if isinstance(claims, ClaimMatrix):
        return claims
    if isinstance(claims, (str, os.PathLike)):
        return ClaimMatrix.read(claims)
    if isinstance(claims, pa.Table):
        return ClaimMatrix.from_table(claims)
    if hasattr(claims, "reports"):
        return ClaimMatrix.from_case(claims)
    raise InputError(f"cannot fuse a {type(claims).__name__}: give a ClaimMatrix, a claims file, "
                     "an Arrow table or a case")
