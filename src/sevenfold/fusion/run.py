"""One fusion run from files to a result: the policy and validation behind ``sevenfold fuse``.

>>> result = run_fuse("claims.csv", gold="gold.csv", normalize=["time"])   # doctest: +SKIP
>>> result.accuracy.accuracy, result.copying, result.to_json()             # doctest: +SKIP

The command only parses options and presents a :class:`FuseResult`; everything it decides (the default
method, the value normaliser, which pairs count as copying) is decided here, once.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from sevenfold.errors import InputError

#: the default method wherever one is not named: ``sevenfold fuse``, :func:`sevenfold.fusion.fuse` and the
#: case pipeline (:func:`sevenfold.fusion.case_fusion`) all call :func:`default_method`
DEFAULT_METHOD = "accu-copy"
#: above this many sources the default is accu (copy-unaware): accu-copy's pair statistics grow as sources²
#: (5,000 sources and 1 M claims took 74 s and 4.5 GB against accu's 2.6 s and 0.4 GB)
DEFAULT_COPY_AWARE_MAX_SOURCES = 2000
#: a pair of sources counts as dependent from this probability (either direction) ...
DEFAULT_COPY_THRESHOLD = 0.5
#: ... and is listed as copying (copier → original) only when that direction is at least this likely
DEFAULT_COPY_PROBABILITY = 0.8
DUPLICATE_POLICIES = ("latest", "first", "last", "error")
VERIFY_FIRST_JSON = 50  # items listed under "verify_first" in JSON (the count of all is beside them)


def default_method(n_sources: int | None = None, backend: str = "numpy") -> str:
    """The method used when none is named: ACCU-COPY, or ACCU above
    :data:`DEFAULT_COPY_AWARE_MAX_SOURCES` sources and on the Spark backend."""
    if backend == "spark" or (n_sources is not None and n_sources > DEFAULT_COPY_AWARE_MAX_SOURCES):
        return "accu"
    return DEFAULT_METHOD


class FuseProgress(Protocol):
    """What :func:`run_fuse` reports while it runs (the CLI's progress bar)."""

    def stage(self, description: str, total: int | None = None, visible: bool | None = None) -> None: ...

    def tick(self, i: int, n: int, change: float) -> None: ...


def build_normalizer(normalize: Sequence[str] = (), *, exact: bool = False, list_attributes: Sequence[str] = (),
                     list_sep: str = ";", numeric_tolerance: float | None = None) -> Any:
    """The value normaliser of a run: ``--normalize`` specs (:func:`~sevenfold.fusion.normalize.parse_normalizer`)
    after the shorthand options (``--exact`` = ``exact``, ``--numeric-tolerance T`` = ``number:T``,
    ``--list-attribute A`` = ``A=list:SEP``)."""
    from sevenfold.fusion.normalize import identity_key, numeric_key, parse_normalizer, set_key, text_key

    if numeric_tolerance is not None and not (math.isfinite(numeric_tolerance) and numeric_tolerance >= 0):
        raise InputError(f"--numeric-tolerance must be a finite number ≥ 0, not {numeric_tolerance}")
    if list_attributes and not list_sep:
        raise InputError("--list-sep must not be empty")
    default = identity_key if exact else (numeric_key(numeric_tolerance) if numeric_tolerance is not None
                                          else text_key)
    norm = parse_normalizer(normalize, default=default)
    per = {a: set_key(list_sep) for a in list_attributes}
    per.update(norm.per_attribute)
    norm.per_attribute = per
    return norm


@dataclass
class FuseResult:
    """What one run found; :meth:`to_json` is ``sevenfold fuse --json``."""

    method: str
    backend: str
    estimator: Any
    matrix: Any = None  # the ClaimMatrix (numpy backend)
    seconds: float = 0.0
    out: str | None = None
    accuracy: Any = None  # sevenfold.fusion.Accuracy, with --gold
    verified: Any = None  # sevenfold.fusion.verified.Verified, with --verified
    copy_threshold: float = DEFAULT_COPY_THRESHOLD
    copy_probability: float = DEFAULT_COPY_PROBABILITY
    #: pairs whose dependence reaches copy_threshold and whose likelier direction reaches copy_probability
    copying: list[Any] | None = None
    #: dependent pairs (dependence ≥ copy_threshold) whose direction is less likely than copy_probability
    dependent: list[Any] | None = None
    duplicates: str = "latest"
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    spark: dict[str, Any] | None = None  # the Spark backend's summary (no matrix reaches the driver)

    # ---------------------------------------------------------------------------------- per source
    def sources(self) -> list[dict[str, Any]]:
        """One row per source, most trusted first: trust, claims, and the sources it copies, is copied by,
        or depends on with the direction unclear (';'-joined)."""
        rel: dict[str, dict[str, list[str]]] = {}

        def add(src: str, key: str, other: str) -> None:
            rel.setdefault(src, {"copies": [], "copied_by": [], "dependent_on": []})[key].append(other)

        for p in self.copying or []:
            add(p.copier, "copies", p.original)
            add(p.original, "copied_by", p.copier)
        for p in self.dependent or []:
            add(p.copier, "dependent_on", p.original)
            add(p.original, "dependent_on", p.copier)
        if self.spark is not None:
            base = [{"source": s, "trust": float(t), "claims": None}
                    for s, t in self.spark.get("source_trust", {}).items()]
        else:
            cm = self.matrix
            base = [{"source": str(s), "trust": float(t), "claims": int(n)} for s, t, n in
                    zip(cm.source_labels, self.estimator.source_trust_, cm.source_n_claims, strict=True)]
        rows = []
        for row in sorted(base, key=lambda r: (-r["trust"], r["source"])):
            links = rel.get(row["source"], {})
            rows.append({**row, **{k: ";".join(links.get(k, [])) for k in ("copies", "copied_by", "dependent_on")}})
        return rows

    def write_sources(self, path: str | os.PathLike[str], *, raw_cells: bool = False) -> None:
        """:meth:`sources` as a table, by extension as ``--out`` (CSV cells formula-safe unless ``raw_cells``)."""
        import pyarrow as pa

        from sevenfold.fusion.table_io import write_table

        rows = self.sources()
        cols = ("source", "trust", "claims", "copies", "copied_by", "dependent_on")
        table = pa.table({c: pa.array([r[c] for r in rows], pa.float64() if c == "trust" else
                                      pa.int64() if c == "claims" else pa.string()) for c in cols})
        write_table(table, path, raw_cells=raw_cells)

    # ---------------------------------------------------------------------------------- JSON
    def to_json(self, *, truths: bool | None = None) -> dict[str, Any]:
        """The ``--json`` object; ``truths`` (default: when nothing was written to a file) adds every truth."""
        pairs = None if self.copying is None else [p.__dict__ for p in self.copying]
        dependent = None if self.dependent is None else [p.__dict__ for p in self.dependent]
        if self.spark is not None:
            data = dict(self.spark)
            data["source_trust"] = [{"source": s, "trust": t} for s, t in data["source_trust"].items()]
            data.update(seconds=round(self.seconds, 3), out=self.out, copy_pairs=pairs, dependent_pairs=dependent,
                        copy_threshold=self.copy_threshold, copy_probability=self.copy_probability,
                        accuracy=None if self.accuracy is None else accuracy_json(self.accuracy))
            return data
        cm, est = self.matrix, self.estimator
        data = {
            "method": self.method, "backend": self.backend, "claims": cm.n_claims, "sources": cm.n_sources,
            "items": cm.n_items, "candidates": cm.n_cands, "duplicates_dropped": cm.n_duplicates_dropped,
            "missing_dropped": cm.n_missing_dropped, "n_iter": est.n_iter_,
            "converged": est.converged_, "stop_reason": est.stop_reason_,
            "seconds": round(self.seconds, 3), "out": self.out,
            "accuracy": None if self.accuracy is None else accuracy_json(self.accuracy),
            "source_trust": [{"source": str(s), "trust": float(t), "claims": int(n)} for s, t, n in
                             zip(cm.source_labels, est.source_trust_, cm.source_n_claims, strict=True)],
            "copy_threshold": self.copy_threshold, "copy_probability": self.copy_probability,
            "copy_pairs": pairs, "dependent_pairs": dependent,
        }
        if hasattr(est, "n_false_"):  # accu, accu-copy: the false values per item the vote assumed
            data["n_false"] = float(est.n_false_)
        if self.verified is not None:
            data["verified"] = self.verified.summary(cm)
            if hasattr(est, "verified_strength_"):
                data["verified"]["strength"] = float(est.verified_strength_)
        from sevenfold.fusion.methods.accu import START_KEYS

        for key in START_KEYS:  # accu-copy: which start's fixed point was kept, and why
            if hasattr(est, f"{key}_"):
                data[key] = getattr(est, f"{key}_")
        if hasattr(est, "start_differs_"):  # accu-copy: the items to verify first
            data["start_differs_items"] = len(est.start_differs_)
            data["verify_first"] = self.verify_first(VERIFY_FIRST_JSON)
        if data.get("n_false") is not None and not math.isfinite(data["n_false"]):
            data["n_false"] = None
        if truths if truths is not None else self.out is None:
            data["truths"] = est.truth_table().to_pylist()
        return data

    def verify_first(self, limit: int) -> list[dict[str, Any]]:
        """ACCU-COPY's items whose answer depends on the start, most-stated first: verifying one adds to the
        record of every source that states it (``fuse --verified``)."""
        est, cm = self.estimator, self.matrix
        if cm is None or not hasattr(est, "verify_first"):
            return []
        return [{"object": str(cm.item_object[i]), "attribute": str(cm.item_attribute[i]),
                 "value": est.truths_[i], "confidence": float(est.confidence_[i]),
                 "claims": int(cm.item_n_claims[i])} for i in est.verify_first(limit)]


def accuracy_json(acc: Any) -> dict[str, Any]:
    return {"accuracy": acc.accuracy, "correct": acc.correct, "evaluated": acc.evaluated,
            "not_covered": acc.not_covered, "excluded_verified": acc.excluded, "gold_without_value": acc.no_value,
            "ece": acc.ece, "brier": acc.brier}


def split_pairs(pairs: list[Any] | None, copy_probability: float) -> tuple[list[Any] | None, list[Any] | None]:
    """Dependent pairs → (copying: the likelier direction ≥ ``copy_probability``, dependent: the rest)."""
    if pairs is None:
        return None, None
    return ([p for p in pairs if p.probability >= copy_probability],
            [p for p in pairs if p.probability < copy_probability])


def _check_probability(name: str, value: float) -> None:
    if not 0.0 <= value <= 1.0:  # also refuses nan
        raise InputError(f"{name} must be a probability in [0, 1], not {value}")


def run_fuse(
    claims: str | os.PathLike[str],
    *,
    method: str | None = None,
    backend: str = "numpy",
    gold: str | os.PathLike[str] | None = None,
    verified: str | os.PathLike[str] | None = None,
    verified_sample: str | None = None,
    out: str | os.PathLike[str] | None = None,
    normalize: Sequence[str] = (),
    exact: bool = False,
    list_attributes: Sequence[str] = (),
    list_sep: str = ";",
    numeric_tolerance: float | None = None,
    duplicates: str = "latest",
    drop_missing: bool = False,
    max_iter: int | None = None,
    tol: float | None = None,
    copy_threshold: float = DEFAULT_COPY_THRESHOLD,
    copy_probability: float = DEFAULT_COPY_PROBABILITY,
    params: dict[str, Any] | None = None,
    raw_cells: bool = False,
    progress: FuseProgress | None = None,
    progress_min_claims: int = 100_000,
) -> FuseResult:
    """Read ``claims``, fuse them and (optionally) write the truths and score them against ``gold``.

    Every option of ``sevenfold fuse`` is a parameter here, with the same checks; a bad value raises
    :class:`~sevenfold.errors.InputError`. ``normalize`` takes ``--normalize`` specs (``"time"``,
    ``"authors=authors"``, ``"price=quantity:0.01"``; docs/fusion.md). ``progress`` receives stages and
    iterations for inputs of at least ``progress_min_claims`` claims.
    """
    from sevenfold.fusion.backends import get_backend
    from sevenfold.fusion.registry import make_method

    if duplicates not in DUPLICATE_POLICIES:
        raise InputError(f"--duplicates must be latest, first, last or error, not {duplicates!r}")
    _check_probability("--copy-threshold", copy_threshold)
    _check_probability("--copy-probability", copy_probability)
    norm = build_normalizer(normalize, exact=exact, list_attributes=list_attributes, list_sep=list_sep,
                            numeric_tolerance=numeric_tolerance)
    named = method is not None
    method = method if method is not None else default_method(None, backend)
    kwargs: dict[str, Any] = {"backend": backend}
    if method != "majority-voting":
        if max_iter is not None:
            kwargs["max_iter"] = max_iter
        if tol is not None:
            kwargs["tol"] = tol
    if params and "backend" in params:
        raise InputError("--param backend: use --backend")
    kwargs.update(params or {})
    if verified_sample is not None:
        if verified is None:
            raise InputError("--verified-sample needs --verified")
        if method not in ("accu", "accu-copy"):
            raise InputError(f"--verified-sample: only accu and accu-copy pool verified items; {method} takes "
                             "them as known either way (drop the option)")
        kwargs["verified_sample"] = verified_sample
    estimator = make_method(method, **kwargs)
    get_backend(backend)
    if verified is not None and backend != "numpy":
        raise InputError("--verified needs --backend numpy")
    if backend == "spark":
        if list_attributes or numeric_tolerance is not None or duplicates == "error" or normalize:
            raise InputError("--backend spark supports the default and --exact value normalisation and the "
                             "duplicates policies latest/first/last; use --backend numpy for --normalize, "
                             "--list-attribute, --numeric-tolerance or --duplicates error")
        return _run_on_spark(estimator, Path(claims), None if out is None else Path(out),
                             None if gold is None else Path(gold), exact, duplicates, copy_threshold,
                             copy_probability, drop_missing, raw_cells, progress)
    return _run_numpy(estimator, method, named, kwargs, Path(claims), None if out is None else Path(out),
                      None if gold is None else Path(gold), None if verified is None else Path(verified), norm,
                      duplicates, drop_missing, copy_threshold, copy_probability, raw_cells, progress,
                      progress_min_claims)


def _run_numpy(estimator: Any, method: str, named: bool, kwargs: dict[str, Any], claims: Path, out: Path | None,
               gold: Path | None, verified: Path | None, norm: Any, duplicates: str, drop_missing: bool,
               copy_threshold: float, copy_probability: float, raw_cells: bool, progress: FuseProgress | None,
               progress_min_claims: int) -> FuseResult:
    from sevenfold.fusion.evaluate import accuracy
    from sevenfold.fusion.matrix import ClaimMatrix
    from sevenfold.fusion.registry import make_method
    from sevenfold.fusion.table_io import read_claims, read_gold, read_verified, write_table
    from sevenfold.fusion.verified import Verified

    started = time.perf_counter()
    stage: Callable[..., None] = progress.stage if progress is not None else (lambda *a, **k: None)
    stage(f"reading {claims.name}", None, False)
    table = read_claims(claims)
    big = table.num_rows >= progress_min_claims
    stage("indexing claims", None, big)
    cm = ClaimMatrix.from_table(table, normalizer=norm, duplicates=duplicates,
                                missing="drop" if drop_missing else "error", origin=str(claims))
    del table
    result = FuseResult(method=method, backend="numpy", estimator=estimator, matrix=cm, duplicates=duplicates,
                        out=None if out is None else str(out), copy_threshold=copy_threshold,
                        copy_probability=copy_probability)
    chosen = default_method(cm.n_sources, "numpy")
    if not named and chosen != method:
        result.method = method = chosen
        result.estimator = estimator = make_method(method, **kwargs)
        result.notes.append(f"{cm.n_sources:,} sources: the default method is accu here (copy-unaware); "
                            "accu-copy's pairwise statistics grow with the square of the sources (pass --method "
                            "accu-copy to use it anyway)")
    checked = None if verified is None else Verified.from_table(cm, read_verified(verified), norm,
                                                                origin=str(verified))
    if checked is not None and checked.not_in_claims:
        result.warnings.append(f"{checked.not_in_claims:,} verified rows name items no claim mentions (check "
                               "object and attribute spelling); they were ignored")
    if checked is not None and checked.unstated_item.size:
        result.warnings.append(f"{checked.unstated_item.size:,} confirmed values match no stated value of their "
                               "item, so every stated value there counts as false (check spelling and format "
                               "against the claims)")
    if cm.n_duplicates_dropped and cm.n_non_iso_dates:
        result.warnings.append(
            f"{cm.n_non_iso_dates:,} dates are not ISO 8601 (YYYY-MM-DD); 'latest' compares dates as text, so "
            "'2020-1-5' counts as later than '2020-01-10' and '12/31/2019' as later than '05/01/2020'. Rewrite "
            "the dates, or use --duplicates first|last")
    result.verified = checked
    stage(method, getattr(estimator, "max_iter", None), None)
    estimator.fit(cm, verified=checked, callback=progress.tick if (progress is not None and big) else None)
    if out is not None:
        stage(f"writing {out.name}", None, None)
        write_table(estimator.truth_table(), out, raw_cells=raw_cells)
    result.seconds = time.perf_counter() - started
    if gold is not None:
        result.accuracy = accuracy(estimator, read_gold(gold), norm,
                                   exclude=None if checked is None else checked.touched_items(cm))
    pairs = estimator.copy_pairs(copy_threshold) if hasattr(estimator, "copy_pairs") else None
    result.copying, result.dependent = split_pairs(pairs, copy_probability)
    return result


def _run_on_spark(estimator: Any, claims: Path, out: Path | None, gold: Path | None, exact: bool, duplicates: str,
                  copy_threshold: float, copy_probability: float, drop_missing: bool, raw_cells: bool,
                  progress: FuseProgress | None) -> FuseResult:
    """The whole file is read, fused and written by Spark; only per-source numbers reach the driver."""
    import tempfile

    from sevenfold.fusion.copying import CopyPair
    from sevenfold.fusion.evaluate import table_accuracy
    from sevenfold.fusion.normalize import ValueNormalizer, identity_key, text_key
    from sevenfold.fusion.spark import fit_path
    from sevenfold.fusion.table_io import read_gold, read_table

    started = time.perf_counter()
    target = out
    scratch = None
    if target is None and gold is not None:
        scratch = tempfile.TemporaryDirectory(prefix="sevenfold-fuse-")
        target = Path(scratch.name) / "truths.csv"
    if progress is not None:
        progress.stage(f"{estimator.name} on Spark: {claims.name}", None, True)
    summary = fit_path(estimator, claims, target, normalise="identity" if exact else "text",
                       duplicates=duplicates, missing="drop" if drop_missing else "error", raw_cells=raw_cells)
    pairs = [CopyPair(**p) for p in summary.pop("copy_pairs", []) or []
             if max(p["probability"], p["dependence"]) >= copy_threshold]
    result = FuseResult(method=estimator.name, backend="spark", estimator=estimator, spark=summary,
                        out=None if out is None else str(out), copy_threshold=copy_threshold,
                        copy_probability=copy_probability, duplicates=duplicates)
    if estimator.copy_aware:
        result.copying, result.dependent = split_pairs(pairs, copy_probability)
    if gold is not None and target is not None:
        if target.is_dir():  # Spark writes Parquet as a folder of parts
            import pyarrow.parquet as pq

            truths = pq.read_table(target)
            truths = truths.select([c for c in ("object", "attribute", "value", "confidence")
                                    if c in truths.column_names])
        else:
            truths = read_table(target, ("object", "attribute", "value"), ("confidence",))
        result.accuracy = table_accuracy(truths, read_gold(gold),
                                         ValueNormalizer(default=identity_key if exact else text_key))
    if scratch is not None:
        scratch.cleanup()
    result.seconds = time.perf_counter() - started
    return result

