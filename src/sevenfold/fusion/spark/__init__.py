"""Apache Spark backend for fusion: the same estimators, run on Spark DataFrames (local mode or a cluster).

>>> from sevenfold.fusion import TruthFinder
>>> TruthFinder(backend="spark").fit("claims.parquet")     # doctest: +SKIP

``pip install 'sevenfold[spark]'`` brings pyspark; Java 17+ runs it. See docs/scale.md.
"""

from __future__ import annotations

import os
from typing import Any

from sevenfold.errors import InputError, SevenfoldError
from sevenfold.fusion.spark.session import SparkUnavailable, spark_session, stop_session, translate_spark_error

__all__ = ["SparkBackend", "SparkUnavailable", "fit_path", "spark_session", "stop_session"]


def _method_fn(estimator: Any) -> Any:
    from sevenfold.fusion.spark.methods import SPARK_METHODS

    fn = SPARK_METHODS.get(estimator.name)
    if fn is None:
        raise InputError(f"method '{estimator.name}' has no Spark implementation yet; Spark runs: "
                         f"{', '.join(sorted(SPARK_METHODS))} (or use --backend numpy)")
    return fn


class SparkBackend:
    """Runs an estimator's updates on Spark. Given a ClaimMatrix, results map onto its arrays."""

    name = "spark"

    def fit(self, estimator: Any, claims: Any, callback: Any) -> Any:
        from sevenfold.fusion.base import FitResult, IterationControl
        from sevenfold.fusion.spark.frame import SparkClaims

        fn = _method_fn(estimator)
        spark = spark_session()
        ctl = IterationControl(estimator.max_iter, estimator.tol, callback)
        try:
            sc = SparkClaims.from_claim_matrix(claims, spark)
            truth, belief, bcol, trust, extra = fn(estimator, sc, ctl)
            truth_index, confidence, b = sc.to_arrays(truth, belief, bcol)
            dependence = extra.pop("__dependence__", None)
            sc.unpersist()
        except SevenfoldError:
            raise
        except Exception as exc:  # Py4J / JVM failures
            raise translate_spark_error(exc) from None
        return FitResult(truth_index, confidence, b, trust, ctl.n_iter, ctl.converged, ctl.stop_reason,
                         dependence=dependence, extra=extra or None)


def _write_single_csv(frame: Any, path: str, raw_cells: bool = False) -> None:
    """One CSV file with a header (Spark writes a folder of parts; keep the single part). Text cells a
    spreadsheet would run as formulas get a leading ' unless ``raw_cells`` (:mod:`sevenfold.spreadsheet`)."""
    if not raw_cells:
        from sevenfold.spreadsheet import safe_spark_frame

        frame = safe_spark_frame(frame)
    import glob
    import shutil
    import tempfile

    tmp = tempfile.mkdtemp(prefix="sevenfold-csv-", dir=os.path.dirname(os.path.abspath(path)) or None)
    try:
        frame.coalesce(1).write.mode("overwrite").option("header", True).csv(os.path.join(tmp, "out"))
        part = glob.glob(os.path.join(tmp, "out", "part-*"))[0]
        os.replace(part, path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def fit_path(estimator: Any, path: str | os.PathLike[str], out: str | os.PathLike[str] | None = None, *,
             normalise: str = "text", duplicates: str = "latest", missing: str = "error",
             callback: Any = None, raw_cells: bool = False) -> dict[str, Any]:
    """Fuse a claims file entirely in Spark (nothing is collected but per-source numbers).

    Writes ``object, attribute, value, confidence`` to ``out`` (Parquet directory, or CSV when the name
    ends in .csv) and returns a summary with per-source trust.
    """
    from pyspark.sql import functions as F

    from sevenfold.fusion.base import IterationControl
    from sevenfold.fusion.methods.accu import START_KEYS
    from sevenfold.fusion.spark.frame import SparkClaims

    fn = _method_fn(estimator)
    spark = spark_session()
    ctl = IterationControl(estimator.max_iter, estimator.tol, callback)
    try:
        sc = SparkClaims.from_path(path, spark, normalise=normalise, duplicates=duplicates, missing=missing)
        truth, _belief, _bcol, trust, extra = fn(estimator, sc, ctl)
        dependence = extra.pop("__dependence__", None)
        table = (truth.join(sc.items, "i").join(sc.cands.select("c", "value"), "c")
                 .select("object", "attribute", "value", F.col("conf").alias("confidence")))
        n_items = None
        if out is not None:
            o = str(out)
            if o.lower().endswith(".csv"):
                _write_single_csv(table, o, raw_cells)
            else:
                table.write.mode("overwrite").parquet(o)
        else:
            n_items = table.count()
        summary = {"method": estimator.name, "backend": "spark", "n_iter": ctl.n_iter,
                   "converged": ctl.converged, "stop_reason": ctl.stop_reason,
                   "source_trust": {str(lab): float(t) for lab, t in zip(sc.source_labels, trust, strict=True)},
                   "items": n_items}
        if "n_false" in extra:  # accu, accu-copy: the false values per item the vote assumed
            summary["n_false"] = float(extra["n_false"])
        summary.update({k: extra[k] for k in START_KEYS if k in extra})  # accu-copy: the start kept
        if dependence is not None:
            from sevenfold.fusion.copying import copy_pairs

            summary["copy_pairs"] = [p.__dict__ for p in copy_pairs(dependence, sc.source_labels, 0.5)]
        sc.unpersist()
        return summary
    except SevenfoldError:
        raise
    except Exception as exc:
        raise translate_spark_error(exc) from None
