"""Execution backends: where an estimator's updates run.

The seam: a backend is an object with ``name`` and ``fit(estimator, claims, callback) -> FitResult``.
``NumpyBackend`` (default) builds on :class:`~sevenfold.fusion.matrix.ClaimMatrix` in memory and calls
the estimator's ``_fit_numpy``. Estimators only use a small set of primitives on the claim matrix:
sparse mat-vecs ``cand_sum`` / ``source_sum`` (``sc_t @ x`` / ``sc @ y``), per-claim gathers and
``bincount`` scatters, and per-item ``item_sum`` / ``item_max`` / ``item_argmax`` / ``item_softmax``.
Each of these is a join or a group-by on a claims DataFrame, which is how the Spark backend
(``sevenfold.fusion.spark``, ``pip install sevenfold[spark]``) implements them, with the same
``FitResult``, so user code (``Method(backend="spark").fit(claims)``) and the estimator API do not change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from sevenfold.errors import InputError

if TYPE_CHECKING:
    from sevenfold.fusion.base import FitResult, FusionEstimator, IterationControl, ProgressCallback
    from sevenfold.fusion.matrix import ClaimMatrix


class FusionBackend(Protocol):
    name: str

    def fit(self, estimator: FusionEstimator, claims: ClaimMatrix,
            callback: ProgressCallback | None) -> FitResult: ...


class NumpyBackend:
    """In-memory NumPy/SciPy execution (vectorised; no Python loop over claims)."""

    name = "numpy"

    def fit(self, estimator: FusionEstimator, claims: ClaimMatrix,
            callback: ProgressCallback | None) -> FitResult:
        from sevenfold.fusion.base import IterationControl

        ctl: IterationControl = IterationControl(estimator.max_iter, estimator.tol, callback)
        return estimator._fit_numpy(claims, ctl)


_BACKENDS: dict[str, FusionBackend] = {"numpy": NumpyBackend()}
PLANNED_BACKENDS: tuple[str, ...] = ()


def register_backend(backend: FusionBackend) -> None:
    """Make a backend available by name (how the Spark backend will plug in)."""
    _BACKENDS[backend.name] = backend


def available_backends() -> list[str]:
    return sorted({*_BACKENDS, "spark"})


def get_backend(name: str) -> FusionBackend:
    if name == "spark" and name not in _BACKENDS:
        # registered on first use; pyspark itself is imported only when a fit runs
        from sevenfold.fusion.spark import SparkBackend

        register_backend(SparkBackend())
    try:
        return _BACKENDS[name]
    except KeyError:
        if name in PLANNED_BACKENDS:
            raise InputError(f"backend '{name}' is not available in this build yet; use --backend numpy") from None
        raise InputError(f"unknown backend '{name}'; choose one of: {', '.join(available_backends())}") from None
