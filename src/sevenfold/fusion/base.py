"""The estimator contract every fusion method follows (scikit-learn style).

``Method(**params).fit(claims)`` returns the estimator with learned attributes:

* ``truths_``        value chosen for each item (aligned with ``claims_.item_object``/``item_attribute``)
* ``truth_index_``   the chosen candidate id per item
* ``confidence_``    per item, in [0, 1]: the method's belief in the chosen value
* ``belief_``        per candidate value, in [0, 1]
* ``source_trust_``  per source (aligned with ``claims_.source_labels``), in [0, 1]
* ``n_iter_``, ``converged_``, ``stop_reason_`` (``"tolerance"``, ``"max_iter"``, ``"single-pass"``
  or ``"degenerate"``: the update became undefined, e.g. a zero investment; the last finite state is kept)
* copy-aware methods add ``dependence_`` (see :mod:`sevenfold.fusion.copying`).

Methods are written once against :class:`~sevenfold.fusion.matrix.ClaimMatrix` primitives and run by a
backend (:mod:`sevenfold.fusion.backends`); ``backend="numpy"`` is the default.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pyarrow as pa
import scipy.sparse as sp

from sevenfold.errors import InputError

if TYPE_CHECKING:
    from sevenfold.fusion.verified import Verified
from sevenfold.fusion.matrix import ClaimMatrix, as_claim_matrix

ProgressCallback = Callable[[int, int, float], None]
"""Called after every iteration with ``(iteration, max_iter, change)``; a fit that runs its loop several
times (ACCU-COPY's starts) counts the iterations of all runs, out of ``runs × max_iter``."""


@dataclass
class FitResult:
    """What a backend hands back to the estimator (all NumPy arrays, aligned with the ClaimMatrix)."""

    truth_index: np.ndarray
    confidence: np.ndarray
    belief: np.ndarray
    source_trust: np.ndarray
    n_iter: int
    converged: bool
    stop_reason: str
    dependence: sp.csr_matrix | None = None
    extra: dict[str, Any] | None = None


class IterationControl:
    """Counts iterations and decides when to stop: at ``tol`` (converged) or ``max_iter`` (not)."""

    def __init__(self, max_iter: int, tol: float, callback: ProgressCallback | None = None) -> None:
        self.max_iter, self.tol, self.callback = int(max_iter), float(tol), callback
        self.n_iter = 0
        self.spent = 0  # iterations of every run under :meth:`phase` (multi-start loops)
        self.converged = False
        self.stop_reason = "max_iter"

    def done(self, change: float) -> bool:
        """Record one iteration whose state moved by ``change``; True when the loop should stop."""
        self.n_iter += 1
        if self.callback is not None:
            self.callback(self.n_iter, self.max_iter, float(change))
        if np.isfinite(change) and change <= self.tol:
            self.converged, self.stop_reason = True, "tolerance"
            return True
        if self.n_iter >= self.max_iter:
            self.converged, self.stop_reason = False, "max_iter"
            return True
        return False

    @property
    def exhausted(self) -> bool:
        """Whether ``max_iter`` iterations have been spent (a loop that shares this control stops)."""
        return self.n_iter >= self.max_iter

    def phase(self, count: int) -> IterationControl:
        """A fresh control for one of ``count`` runs of the same loop (several starts), with the full
        ``max_iter`` each. Progress stays on one scale: the callback sees the iterations of all runs so
        far, counted on from this control's :attr:`spent`, out of ``count * max_iter``."""
        outer, total = self.callback, count * self.max_iter

        def forward(_i: int, _n: int, change: float) -> None:
            self.spent += 1
            if outer is not None:
                outer(self.spent, total, change)

        return IterationControl(self.max_iter, self.tol, forward)

    def adopt(self, run: IterationControl) -> None:
        """Take the iteration count and stop reason of the run whose result is kept."""
        self.n_iter, self.converged, self.stop_reason = run.n_iter, run.converged, run.stop_reason

    def single_pass(self) -> None:
        self.n_iter, self.converged, self.stop_reason = 1, True, "single-pass"
        if self.callback is not None:
            self.callback(1, 1, 0.0)

    def degenerate(self) -> None:
        self.converged, self.stop_reason = False, "degenerate"


def max_abs_change(new: np.ndarray, old: np.ndarray) -> float:
    return float(np.max(np.abs(new - old))) if new.size else 0.0


def max_scale(x: np.ndarray) -> float:
    """The factor :func:`scale_to_max` divides by: the maximum when it is positive, else 1."""
    m = float(np.max(x)) if x.size else 0.0
    return m if m > 0 else 1.0


def scale_to_max(x: np.ndarray) -> np.ndarray:
    """Divide by the maximum when it is positive (keeps an all-zero vector at zero)."""
    return x / max_scale(x)


class FusionEstimator:
    """Base class: parameters in ``__init__``, learning in ``_fit_numpy`` (one per backend)."""

    name: ClassVar[str] = ""
    copy_aware: ClassVar[bool] = False
    iterative: ClassVar[bool] = True
    default_max_iter: ClassVar[int] = 100
    default_tol: ClassVar[float] = 1e-6
    #: numeric parameters' allowed ranges, ``name -> (low, high, low included, high included)``;
    #: checked with every other numeric parameter's finiteness when a fit starts (:meth:`check_params`)
    param_bounds: ClassVar[dict[str, tuple[float, float, bool, bool]]] = {}

    def __init__(self, *, max_iter: int | None = None, tol: float | None = None, backend: str = "numpy") -> None:
        self.max_iter = self.default_max_iter if max_iter is None else max_iter
        self.tol = self.default_tol if tol is None else tol
        self.backend = backend
        if int(self.max_iter) < 1:
            raise InputError(f"{self.name}: max_iter must be at least 1, not {self.max_iter}")
        if not float(self.tol) >= 0:
            raise InputError(f"{self.name}: tol must be a non-negative number, not {self.tol}")

    # -- scikit-learn-style parameter access
    @classmethod
    def _param_names(cls) -> list[str]:
        names: list[str] = []
        for klass in cls.__mro__:
            if klass is object or "__init__" not in klass.__dict__:
                continue
            for p in inspect.signature(klass.__dict__["__init__"]).parameters.values():
                if p.name != "self" and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL) and p.name not in names:
                    names.append(p.name)
        return names

    def get_params(self) -> dict[str, Any]:
        return {n: getattr(self, n) for n in self._param_names()}

    def check_params(self) -> None:
        """Refuse (InputError) a numeric parameter that is not a finite number, or outside its
        ``param_bounds``: such values made fits fail deep inside NumPy (IndexError) or quietly
        return nonsense (every confidence 0.5, every trust 0)."""
        bounds = {k: v for klass in reversed(type(self).__mro__)
                  for k, v in vars(klass).get("param_bounds", {}).items()}
        for name, value in self.get_params().items():
            numbers = value if isinstance(value, tuple) else (value,)
            for v in numbers:
                if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
                    continue
                if not math.isfinite(v):
                    raise InputError(f"{self.name}: {name} must be a finite number, not {v}")
                if name in bounds:
                    lo, hi, lo_in, hi_in = bounds[name]
                    if not ((lo <= v if lo_in else lo < v) and (v <= hi if hi_in else v < hi)):
                        span = f"{'[' if lo_in else '('}{lo:g}, {hi:g}{']' if hi_in else ')'}"
                        raise InputError(f"{self.name}: {name} must be in {span}, not {v}")

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

    # -- the contract
    def fit(self, claims: Any, *, verified: Any = None, callback: ProgressCallback | None = None) -> FusionEstimator:
        """Learn truths and source trust from ``claims`` (a ClaimMatrix, claims file, Arrow table or case).

        ``verified``: values known to be true (or false), which the fit takes as given instead of
        estimating them (:mod:`sevenfold.fusion.verified`: a table, a file, a list of rows, or a
        :class:`~sevenfold.fusion.verified.Verified`). ``verified_`` is what was applied.
        """
        from sevenfold.fusion.backends import get_backend
        from sevenfold.fusion.verified import as_verified

        self.check_params()
        cm = as_claim_matrix(claims)
        checked = as_verified(cm, verified)
        if not checked.empty and self.backend != "numpy":
            raise InputError(f"{self.name}: verified values are supported on the numpy backend only, "
                             f"not on {self.backend!r}")
        self._verified: Verified | None = checked
        try:
            result = get_backend(self.backend).fit(self, cm, callback)
        finally:
            verified_used, self._verified = self._verified, None
        self.claims_ = cm
        self.verified_ = verified_used
        truth_index = np.asarray(result.truth_index)
        confidence = np.asarray(result.confidence, dtype=np.float64)
        if not verified_used.empty:  # a verified item's answer is its verified value, whatever the scores
            truth_index, confidence = truth_index.copy(), confidence.copy()
            known = cm.cand_item[verified_used.true_cand]
            truth_index[known] = verified_used.true_cand
            confidence[known] = 1.0
            confidence[verified_used.unstated_item] = 1.0
        self.truth_index_ = truth_index
        truths = cm.cand_value[truth_index]
        unknown = verified_used.unknown_items(cm) if not verified_used.empty else None
        if verified_used.unstated_item.size or (unknown is not None and unknown.any()):
            truths = truths.copy()
            truths[verified_used.unstated_item] = verified_used.unstated_value  # the confirmed value
            truths[unknown] = None  # every stated value refuted: the truth is none of them, and unknown
            confidence[unknown] = 0.0
        self.truths_ = truths
        self.confidence_ = np.clip(confidence, 0.0, 1.0)
        self.belief_ = np.clip(result.belief, 0.0, 1.0)
        self.source_trust_ = np.clip(result.source_trust, 0.0, 1.0)
        self.n_iter_ = result.n_iter
        self.converged_ = result.converged
        self.stop_reason_ = result.stop_reason
        if self.copy_aware:
            self.dependence_ = result.dependence
        for key in getattr(self, "_extra_keys", ()):  # a refit must not leave the last fit's extras behind
            self.__dict__.pop(f"{key}_", None)
        self._extra_keys = tuple(result.extra or {})
        for key, value in (result.extra or {}).items():
            setattr(self, f"{key}_", value)
        return self

    def _fit_numpy(self, cm: ClaimMatrix, ctl: IterationControl) -> FitResult:  # pragma: no cover - abstract
        raise NotImplementedError

    def _anchor(self, belief: np.ndarray, high: float | None = 1.0, low: float = 0.0,
                cm: ClaimMatrix | None = None) -> np.ndarray:
        """``belief`` per candidate with the verified values of this fit set to ``high`` (known true;
        ``None``: the item's largest belief, see :meth:`~sevenfold.fusion.verified.Verified.clamp`) and
        ``low`` (known false); unchanged when nothing is verified. Every method calls it after each
        update of its belief, before the belief feeds source trust."""
        verified = getattr(self, "_verified", None)
        return belief if verified is None else verified.clamp(belief, high, low, cm)

    # -- conveniences over the learned state
    def _check_fitted(self) -> None:
        if not hasattr(self, "truths_"):
            raise InputError(f"{self.name}: call fit(claims) first")

    def truth_table(self) -> pa.Table:
        """``object, attribute, value, confidence``: one row per item."""
        self._check_fitted()
        return self.claims_.truth_table(self.truth_index_, self.confidence_, values=self.truths_)

    def trust_table(self) -> pa.Table:
        self._check_fitted()
        cm = self.claims_
        return pa.table({"source": pa.array(cm.source_labels, pa.string()),
                         "trust": pa.array(self.source_trust_),
                         "claims": pa.array(cm.source_n_claims.astype(np.int64))})

    # helper for subclasses: per-item decision from per-candidate scores
    @staticmethod
    def _decide(cm: ClaimMatrix, score: np.ndarray, belief: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        truths = cm.item_argmax(score)
        return truths, belief[truths]
