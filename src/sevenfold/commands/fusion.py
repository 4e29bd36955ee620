"""`sevenfold fuse`: truth discovery over a claims table (see docs/fusion.md)."""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from sevenfold.commands._common import JsonOption, console, err, print_json
from sevenfold.errors import InputError

PROGRESS_MIN_CLAIMS = 100_000  # below this a run takes well under a second: no bar


def register(app: typer.Typer) -> None:
    app.command("fuse")(fuse)


#: above this many sources the default method is accu, not accu-copy (whose pair statistics grow as sources²:
#: 5,000 sources and 1 M claims took 74 s and 4.5 GB against accu's 2.6 s and 0.4 GB)
DEFAULT_COPY_AWARE_MAX_SOURCES = 2000


def _normalizer(exact: bool, list_attributes: list[str], list_sep: str, numeric_tolerance: float | None) -> Any:
    from sevenfold.fusion import ValueNormalizer, identity_key, numeric_key, set_key, text_key

    default = identity_key if exact else (numeric_key(numeric_tolerance) if numeric_tolerance is not None
                                          else text_key)
    return ValueNormalizer(default=default, per_attribute={a: set_key(list_sep) for a in list_attributes})


def _fuse_on_spark(estimator: Any, claims: Path, out: Path | None, gold: Path | None, json_out: bool, exact: bool,
                   duplicates: str, copy_threshold: float, drop_missing: bool) -> None:
    """The whole file is read, fused and written by Spark; only per-source numbers reach the driver."""
    import tempfile

    from sevenfold.fusion import read_gold
    from sevenfold.fusion.evaluate import table_accuracy
    from sevenfold.fusion.normalize import ValueNormalizer, identity_key, text_key
    from sevenfold.fusion.spark import fit_path
    from sevenfold.fusion.table_io import read_table

    started = time.perf_counter()
    target = out
    scratch = None
    if target is None and gold is not None:
        scratch = tempfile.TemporaryDirectory(prefix="sevenfold-fuse-")
        target = Path(scratch.name) / "truths.csv"
    with err.status(f"{estimator.name} on Spark: {claims.name}"):
        summary = fit_path(estimator, claims, target, normalise="identity" if exact else "text",
                           duplicates=duplicates, missing="drop" if drop_missing else "error")
    summary["seconds"] = round(time.perf_counter() - started, 3)
    summary["out"] = str(out) if out else None
    pairs = [p for p in summary.pop("copy_pairs", []) or [] if max(p["probability"], p["dependence"]) >= copy_threshold]
    summary["copy_pairs"] = pairs if estimator.copy_aware else None
    acc = None
    if gold is not None and target is not None:
        if target.is_dir():  # Spark writes Parquet as a folder of parts
            import pyarrow.parquet as pq

            truths = pq.read_table(target)
            truths = truths.select([c for c in ("object", "attribute", "value", "confidence")
                                    if c in truths.column_names])
        else:
            truths = read_table(target, ("object", "attribute", "value"), ("confidence",))
        acc = table_accuracy(truths, read_gold(gold), ValueNormalizer(default=identity_key if exact else text_key))
        summary["accuracy"] = _accuracy_json(acc)
    if scratch is not None:
        scratch.cleanup()
    if json_out:
        summary["source_trust"] = [{"source": s, "trust": t} for s, t in summary["source_trust"].items()]
        print_json(summary)
        return
    console.print(f"{estimator.name} on Spark: {summary['n_iter']} iteration(s), stopped at "
                  f"{summary['stop_reason']}, {summary['seconds']:.1f} s" + (f"; wrote {out}" if out else ""))
    if "start_disagreement" in summary:
        _print_start_check(summary["start"], summary["start_disagreement"], estimator.select, summary.get("items"))
    if acc is not None:
        _print_accuracy(acc)


def _param_value(text: str) -> Any:
    low = text.strip().lower()
    if low in ("true", "false"):
        return low == "true"
    if low == "none":
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def _method_params(pairs: list[str]) -> dict[str, Any]:
    """``--param KEY=VALUE`` options as keyword arguments (a bad key is refused by the method itself)."""
    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip().replace("-", "_")
        if not sep or not key.isidentifier():
            raise InputError(f"--param {pair!r}: expected KEY=VALUE, e.g. --param starts=agreement")
        if key == "backend":
            raise InputError("--param backend: use --backend")
        out[key] = _param_value(value)
    return out


def _print_start_check(kept: str, disagreement: dict[str, float], select: str, n_items: int | None) -> None:
    """ACCU-COPY ran from several starts: say whether they reach the same answer (docs/fusion.md)."""
    from sevenfold.fusion.methods.accu import START_WARN_SHARE

    if not disagreement:
        return
    differ = {k: v for k, v in disagreement.items() if v > 0}
    if not differ:
        console.print(f"start check: every start ({kept}, {', '.join(disagreement)}) reaches the same answer")
        return

    def share(v: float) -> str:
        return f"{round(v * n_items):,} of {n_items:,} items ({v:.2%})" if n_items else f"{v:.2%} of items"

    shares = ", ".join(f"from '{k}' on {share(v)}" for k, v in differ.items())
    if max(differ.values()) < START_WARN_SHARE:  # below: an info line, not a warning
        console.print(f"start check: the answer differs {shares}; kept: the '{kept}' start's")
        return
    how = "the first start's" if select == "first" else "the likeliest"
    err.print(f"[yellow]warning:[/yellow] the answer depends on where the fit starts: it differs {shares}. "
              f"Kept: the '{kept}' start's ({how}). With copiers, a copy-unaware start can settle on what a "
              "group of copies repeats; check the likely copying below before relying on contested items.")


VERIFY_FIRST_JSON = 50  # items listed under "verify_first" in --json (the count of all is beside them)
VERIFY_FIRST_SHOWN = 10  # ... and in the human output


def _verify_first(estimator: Any, cm: Any, limit: int) -> list[dict[str, Any]]:
    """ACCU-COPY's items whose answer depends on the start, most-stated first: verifying one adds to the
    record of every source that states it (``fuse --verified``)."""
    return [{"object": str(cm.item_object[i]), "attribute": str(cm.item_attribute[i]),
             "value": estimator.truths_[i], "confidence": float(estimator.confidence_[i]),
             "claims": int(cm.item_n_claims[i])} for i in estimator.verify_first(limit)]


def _accuracy_json(acc: Any) -> dict[str, Any]:
    return {"accuracy": acc.accuracy, "correct": acc.correct, "evaluated": acc.evaluated,
            "not_covered": acc.not_covered, "excluded_verified": acc.excluded, "ece": acc.ece, "brier": acc.brier}


def _print_accuracy(acc: Any) -> None:
    if acc.evaluated == 0:  # "0.0000 (0/0)" read as a total failure; nothing was scored
        err.print(f"warning: no gold item could be scored ({acc.not_covered} gold items no source mentions"
                  + (f", {acc.excluded} verified items left out" if acc.excluded else "")
                  + "): check that the gold's object and attribute columns match the claims'", markup=False)
        return
    console.print(f"accuracy: {acc.accuracy:.4f} ({acc.correct}/{acc.evaluated} gold items"
                  + (f"; {acc.not_covered} gold items no source mentions" if acc.not_covered else "")
                  + (f"; {acc.excluded} verified items left out" if acc.excluded else "") + ")")
    if acc.ece is not None:
        console.print(f"confidence calibration on those items: ECE {acc.ece:.3f}, Brier {acc.brier:.3f} "
                      "(0 is perfect; see docs/fusion.md for which methods' confidences are probabilities)")


def _print_verified(summary: dict[str, int], strength: float | None, path: Path) -> None:
    console.print(f"verified ({path.name}): {summary['rows']:,} rows; truth known for {summary['items_known']:,} "
                  f"items, {summary['values_refuted']:,} stated values known false"
                  + (f", {summary['unstated']:,} verified values no source states" if summary["unstated"] else ""))
    if strength is not None:
        console.print(f"source accuracy: the loop's estimate counts as {strength:.3g} verified claims per source "
                      "(fitted to how well it predicts the verified record; docs/fusion.md)")


def fuse(
    claims: Annotated[Path, typer.Argument(help="Claims table: CSV, TSV, Parquet or JSON-lines with columns "
                                                "source, object, attribute, value [, date, report].")],
    method: Annotated[str | None, typer.Option(
        "--method", "-m", help="Method name: majority-voting, sums, average-log, "
                                        "investment, pooled-investment, truthfinder, 2-estimates, 3-estimates, "
                                        "accu, accu-copy, crh, ltm. Default: accu-copy (copy-aware: sources "
                                        "that copy each other are not counted as independent) for up to 2,000 "
                                        "sources, accu above that and on --backend spark (accu-copy's pair "
                                        "statistics grow with the square of the sources).")] = None,
    backend: Annotated[str, typer.Option("--backend", help="Execution backend: numpy (in memory, default) or "
                                         "spark (the file is read and fused in Apache Spark; see docs/scale.md)."
                                         )] = "numpy",
    gold: Annotated[Path | None, typer.Option("--gold", help="Gold table (object, attribute, value): print "
                                              "accuracy, and how well the confidences are calibrated "
                                              "(ECE, Brier). Verified items are left out of the score.")] = None,
    verified: Annotated[Path | None, typer.Option(
        "--verified", help="Values you have checked: a table (object, attribute, value [, verdict]) with verdict "
        "confirmed (default) or refuted. The fit takes them as known and learns source trust from them too "
        "(docs/fusion.md, Verified items).")] = None,
    verified_sample: Annotated[str | None, typer.Option(
        "--verified-sample", help="accu, accu-copy: how the --verified items were chosen. 'targeted' (default: "
        "e.g. the contested items you checked first) only fixes them in the fit; 'random' (an audit sample "
        "drawn at random) also pools each source's record on them with the fit's estimate, which helps much "
        "more but misleads when the items were picked, not drawn.")] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write object,attribute,value,confidence "
                                             "by extension: .csv (the default), .tsv, .parquet, or "
                                             ".jsonl / .json (JSON-lines).")] = None,
    json_out: JsonOption = False,
    list_attribute: Annotated[list[str] | None, typer.Option(
        "--list-attribute", help="Attribute whose values are lists compared as sets (repeatable).")] = None,
    list_sep: Annotated[str, typer.Option("--list-sep", help="Separator of list values.")] = ";",
    numeric_tolerance: Annotated[float | None, typer.Option(
        "--numeric-tolerance", help="Compare numbers as numbers: 0 makes 7, 7.0 and 7e0 one value; a positive "
        "tolerance t makes numbers that round to the same multiple of t one value (buckets, so 0.9 and 1.1 agree at "
        "t=1 while 1.4 and 1.6 do not). A comma is read as a thousands separator.")] = None,
    exact: Annotated[bool, typer.Option("--exact", help="Compare values byte for byte (default: ignore case "
                                        "and extra whitespace).")] = False,
    duplicates: Annotated[str, typer.Option("--duplicates", help="A source stating an item twice: keep latest "
                                            "(by date), first, last, or error.")] = "latest",
    drop_missing: Annotated[bool, typer.Option("--drop-missing", help="Skip rows with an empty or NaN value "
                                               "instead of refusing the file.")] = False,
    max_iter: Annotated[int | None, typer.Option("--max-iter", help="Iteration cap (method default; "
                                                 "accu-copy: per start).")] = None,
    tol: Annotated[float | None, typer.Option("--tol", help="Convergence tolerance (method default).")] = None,
    copy_threshold: Annotated[float, typer.Option("--copy-threshold", help="accu-copy: report source pairs at or "
                                                  "above this dependence probability.")] = 0.5,
    param: Annotated[list[str] | None, typer.Option("--param", "-p", metavar="KEY=VALUE",
                                                    help="A method parameter as KEY=VALUE "
                                                    "(repeatable; see docs/fusion.md, Methods), e.g. "
                                                    "--param starts=agreement --param n_false=100. Values "
                                                    "true/false/none and numbers are converted.")] = None,
) -> None:
    """Decide which claims are true, learn how reliable each source is, and (accu-copy) who copies whom.

    Example: sevenfold fuse claims.csv --method accu-copy --gold truth.csv --out truths.csv
    """
    from sevenfold.fusion import ClaimMatrix, accuracy, get_backend, make_method, read_claims, read_gold, write_table
    from sevenfold.fusion.methods.accu import START_KEYS, START_WARN_SHARE
    from sevenfold.fusion.table_io import read_verified
    from sevenfold.fusion.verified import Verified

    if duplicates not in ("latest", "first", "last", "error"):
        raise InputError(f"--duplicates must be latest, first, last or error, not {duplicates!r}")
    if not 0.0 <= copy_threshold <= 1.0:  # also refuses nan
        raise InputError(f"--copy-threshold must be a probability in [0, 1], not {copy_threshold}")
    if numeric_tolerance is not None and not (math.isfinite(numeric_tolerance) and numeric_tolerance >= 0):
        raise InputError(f"--numeric-tolerance must be a finite number ≥ 0, not {numeric_tolerance}")
    if list_attribute and not list_sep:
        raise InputError("--list-sep must not be empty")
    default_method = method is None
    if method is None:
        method = "accu" if backend == "spark" else "accu-copy"
    params: dict[str, Any] = {"backend": backend}
    if max_iter is not None:
        params["max_iter"] = max_iter
    if tol is not None:
        params["tol"] = tol
    if method == "majority-voting":
        params = {"backend": backend}
    params.update(_method_params(param or []))
    if verified_sample is not None:
        if verified is None:
            raise InputError("--verified-sample needs --verified")
        if method not in ("accu", "accu-copy"):
            raise InputError(f"--verified-sample: only accu and accu-copy pool verified items; {method} takes "
                             "them as known either way (drop the option)")
        params["verified_sample"] = verified_sample
    estimator = make_method(method, **params)
    get_backend(backend)
    if verified is not None and backend != "numpy":
        raise InputError("--verified needs --backend numpy")
    if backend == "spark":
        if list_attribute or numeric_tolerance is not None or duplicates == "error":
            raise InputError("--backend spark supports the default and --exact value normalisation and the "
                             "duplicates policies latest/first/last; use --backend numpy for --list-attribute, "
                             "--numeric-tolerance or --duplicates error")
        _fuse_on_spark(estimator, claims, out, gold, json_out, exact, duplicates, copy_threshold, drop_missing)
        return
    norm = _normalizer(exact, list_attribute or [], list_sep, numeric_tolerance)
    started = time.perf_counter()
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), console=err, transient=True, disable=json_out and not err.is_terminal
                  ) as progress:
        task = progress.add_task(f"reading {claims.name}", total=None, visible=False)
        table = read_claims(claims)
        big = table.num_rows >= PROGRESS_MIN_CLAIMS
        progress.update(task, description="indexing claims", visible=big)
        cm = ClaimMatrix.from_table(table, normalizer=norm, duplicates=duplicates,  # type: ignore[arg-type]
                                    missing="drop" if drop_missing else "error", origin=str(claims))
        del table
        if default_method and cm.n_sources > DEFAULT_COPY_AWARE_MAX_SOURCES:
            method = "accu"
            estimator = make_method(method, **params)
            err.print(f"note: {cm.n_sources:,} sources: the default method is accu here (copy-unaware); "
                      f"accu-copy's pairwise statistics grow with the square of the sources (pass --method "
                      f"accu-copy to use it anyway)", markup=False)
        checked = None if verified is None else Verified.from_table(cm, read_verified(verified), norm,
                                                                    origin=str(verified))
        if checked is not None and checked.not_in_claims:
            err.print(f"[yellow]warning:[/yellow] {checked.not_in_claims:,} verified rows name items no claim "
                      "mentions (check object and attribute spelling); they were ignored")
        if checked is not None and checked.unstated_item.size:
            err.print(f"[yellow]warning:[/yellow] {checked.unstated_item.size:,} confirmed values match no stated "
                      "value of their item, so every stated value there counts as false (check spelling and "
                      "format against the claims)")
        progress.update(task, description=f"{method}", total=estimator.max_iter, completed=0)

        def tick(i: int, n: int, change: float) -> None:
            progress.update(task, completed=i, total=n, description=f"{method} (change {change:.2g})")

        estimator.fit(cm, verified=checked, callback=tick if big else None)
        if out is not None:
            progress.update(task, description=f"writing {out.name}", total=None)
            write_table(estimator.truth_table(), out)
    seconds = time.perf_counter() - started

    acc = None
    if gold is not None:
        acc = accuracy(estimator, read_gold(gold), norm,
                       exclude=None if checked is None else checked.touched_items(cm))
    pairs = estimator.copy_pairs(copy_threshold) if hasattr(estimator, "copy_pairs") else None

    if json_out:
        data: dict[str, Any] = {
            "method": method, "backend": backend, "claims": cm.n_claims, "sources": cm.n_sources,
            "items": cm.n_items, "candidates": cm.n_cands, "duplicates_dropped": cm.n_duplicates_dropped,
            "missing_dropped": cm.n_missing_dropped, "n_iter": estimator.n_iter_,
            "converged": estimator.converged_, "stop_reason": estimator.stop_reason_,
            "seconds": round(seconds, 3), "out": str(out) if out else None,
            "accuracy": None if acc is None else _accuracy_json(acc),
            "source_trust": [{"source": str(s), "trust": float(t), "claims": int(n)} for s, t, n in
                             zip(cm.source_labels, estimator.source_trust_, cm.source_n_claims, strict=True)],
            "copy_pairs": None if pairs is None else [p.__dict__ for p in pairs],
        }
        if hasattr(estimator, "n_false_"):  # accu, accu-copy: the false values per item the vote assumed
            data["n_false"] = float(estimator.n_false_)
        if checked is not None:
            data["verified"] = checked.summary(cm)
            if hasattr(estimator, "verified_strength_"):
                data["verified"]["strength"] = float(estimator.verified_strength_)
        for key in START_KEYS:  # accu-copy: which start's fixed point was kept, and why
            if hasattr(estimator, f"{key}_"):
                data[key] = getattr(estimator, f"{key}_")
        if hasattr(estimator, "start_differs_"):  # accu-copy: the items to verify first
            data["start_differs_items"] = len(estimator.start_differs_)
            data["verify_first"] = _verify_first(estimator, cm, VERIFY_FIRST_JSON)
        if out is None:
            data["truths"] = estimator.truth_table().to_pylist()
        print_json(data)
        return

    console.print(f"{method}: {cm.n_claims:,} claims, {cm.n_sources:,} sources, {cm.n_items:,} items — "
                  f"{estimator.n_iter_} iteration(s), stopped at {estimator.stop_reason_}, {seconds:.2f} s")
    if hasattr(estimator, "n_false_"):
        how = "estimated from the data" if estimator.n_false == "auto" else "as given"
        console.print(f"false values per item: {estimator.n_false_:.3g} ({how}; the paper assumes 100)")
    if hasattr(estimator, "start_disagreement_"):
        _print_start_check(estimator.start_, estimator.start_disagreement_, estimator.select, cm.n_items)
        if max(estimator.start_disagreement_.values(), default=0.0) >= START_WARN_SHARE:
            rows = _verify_first(estimator, cm, VERIFY_FIRST_SHOWN)
            t = Table("object", "attribute", "value kept", "claims",
                      title=f"verify first: {len(estimator.start_differs_):,} items depend on the start, most-stated "
                      "first (check some and re-run with --verified)")
            for r in rows:
                t.add_row(r["object"], r["attribute"], str(r["value"]), str(r["claims"]))
            err.print(t)
    if checked is not None:
        _print_verified(checked.summary(cm), getattr(estimator, "verified_strength_", None), verified)
    if cm.n_duplicates_dropped:
        console.print(f"kept one statement per source and item ({duplicates}); "
                      f"dropped {cm.n_duplicates_dropped:,} repeated statements")
        if cm.n_non_iso_dates:
            err.print(f"warning: {cm.n_non_iso_dates:,} dates are not ISO 8601 (YYYY-MM-DD); 'latest' compares "
                      "dates as text, so '2020-1-5' counts as later than '2020-01-10' and '12/31/2019' as later "
                      "than '05/01/2020'. Rewrite the dates, or use --duplicates first|last", markup=False)
    if out is not None:
        console.print(f"wrote {cm.n_items:,} truths to {out}")
    else:
        t = Table("object", "attribute", "value", "confidence", title="truths (first 20; --out for all)")
        for row in estimator.truth_table().slice(0, 20).to_pylist():
            t.add_row(row["object"], row["attribute"], row["value"], f"{row['confidence']:.3f}")
        console.print(t)
    if pairs is not None:
        t = Table("copier", "original", "Pr(copies)", "dependence", "shared items",
                  title=f"likely copying (dependence ≥ {copy_threshold})")
        for p in pairs[:30]:
            t.add_row(p.copier, p.original, f"{p.probability:.2f}", f"{p.dependence:.2f}", str(p.shared_items))
        console.print(t if pairs else "no copying detected")
    if acc is not None:
        _print_accuracy(acc)
