"""`sevenfold fuse`: truth discovery over a claims table (see docs/fusion.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from sevenfold.commands._common import (
    JsonOption,
    check_output,
    console,
    data_on_stdout,
    err,
    is_stdio,
    one_stdin,
    one_stdout,
    print_json,
    stdin_file,
    stdout_file,
)
from sevenfold.errors import InputError

PROGRESS_MIN_CLAIMS = 100_000  # below this a run takes well under a second: no bar
SOURCES_SHOWN = 30  # sources in the reliability table (the most and the least trusted beyond that)
COPY_PAIRS_SHOWN = 30


def __getattr__(name: str) -> Any:
    """``DEFAULT_COPY_AWARE_MAX_SOURCES`` lives in :mod:`sevenfold.fusion.run` (imported on use: the fusion
    package loads SciPy, which the CLI's start-up must not)."""
    if name == "DEFAULT_COPY_AWARE_MAX_SOURCES":
        from sevenfold.fusion import run

        return run.DEFAULT_COPY_AWARE_MAX_SOURCES
    raise AttributeError(name)


def register(app: typer.Typer) -> None:
    app.command("fuse")(fuse)
    app.command("fuse-dataset")(fuse_dataset)


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


VERIFY_FIRST_SHOWN = 10  # items listed under "verify first" in the human output


def _print_accuracy(acc: Any) -> None:
    if acc.evaluated == 0:  # "0.0000 (0/0)" read as a total failure; nothing was scored
        err.print(f"warning: no gold item could be scored ({acc.not_covered} gold items no source mentions"
                  + (f", {acc.excluded} verified items left out" if acc.excluded else "")
                  + "): check that the gold's object and attribute columns match the claims'", markup=False)
        return
    console.print(f"accuracy: {acc.accuracy:.4f} ({acc.correct}/{acc.evaluated} gold items"
                  + (f"; {acc.not_covered} gold items no source mentions" if acc.not_covered else "")
                  + (f"; {acc.excluded} verified items left out" if acc.excluded else "")
                  + (f"; {acc.no_value} gold rows without a value left out" if acc.no_value else "") + ")")
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


def _print_sources(result: Any, shown: int = SOURCES_SHOWN) -> None:
    """Per-source reliability, most trusted first, with the copy relations of each source."""
    rows = result.sources()
    if not rows:
        return
    picked = rows if len(rows) <= shown else rows[: shown - shown // 3] + rows[-(shown // 3):]
    title = ("source reliability (trust, most trusted first)" if len(rows) <= shown else
             f"source reliability: the {shown - shown // 3} most and {shown // 3} least trusted of "
             f"{len(rows):,} sources (--sources-out for all)")
    t = Table("source", "trust", "claims", "copies", "copied by", "dependent on (direction unclear)", title=title)
    for r in picked:
        t.add_row(r["source"], f"{r['trust']:.3f}", "" if r["claims"] is None else f"{r['claims']:,}",
                  _short(r["copies"]), _short(r["copied_by"]), _short(r["dependent_on"]))
    console.print(t)


def _short(joined: str, n: int = 3) -> str:
    items = [x for x in joined.split(";") if x]
    return ", ".join(items[:n]) + (f" (+{len(items) - n})" if len(items) > n else "")


def _print_copying(result: Any) -> None:
    """Copying (a direction at least ``copy_probability`` likely) apart from dependence whose direction is
    unclear: the second are not independent either, but nobody is named as the copier."""
    if result.copying is None:
        return
    for pairs, title, first in (
            (result.copying, f"likely copying (dependence ≥ {result.copy_threshold:g} and Pr(copier copies "
             f"original) ≥ {result.copy_probability:g})", ("copier", "original", "Pr(copies)")),
            (result.dependent, f"dependent, direction unclear (dependence ≥ {result.copy_threshold:g}, neither "
             f"direction ≥ {result.copy_probability:g}): not independent, but not listed as copying",
             ("source", "source", "Pr(likelier direction)"))):
        if not pairs:
            continue
        t = Table(*first, "dependence", "shared items", title=title)
        for p in pairs[:COPY_PAIRS_SHOWN]:
            t.add_row(p.copier, p.original, f"{p.probability:.2f}", f"{p.dependence:.2f}", str(p.shared_items))
        console.print(t)
        if len(pairs) > COPY_PAIRS_SHOWN:
            console.print(f"… and {len(pairs) - COPY_PAIRS_SHOWN:,} more (--sources-out, --json)")
    if not result.copying and not result.dependent:
        console.print(f"no copying detected (no pair with dependence ≥ {result.copy_threshold:g})")
    elif not result.copying:
        console.print(f"no pair is listed as copying: no direction reaches Pr ≥ {result.copy_probability:g}")


class _Bar:
    """:class:`sevenfold.fusion.run.FuseProgress` on a Rich progress bar (stderr)."""

    def __init__(self, progress: Any) -> None:
        self.progress = progress
        self.task = progress.add_task("", total=None, visible=False)
        self.label = ""

    def stage(self, description: str, total: int | None = None, visible: bool | None = None) -> None:
        self.label = description
        kw: dict[str, Any] = {"description": description, "total": total, "completed": 0}
        if visible is not None:
            kw["visible"] = visible
        self.progress.update(self.task, **kw)

    def tick(self, i: int, n: int, change: float) -> None:
        self.progress.update(self.task, completed=i, total=n, description=f"{self.label} (change {change:.2g})")


def fuse(
    claims: Annotated[Path, typer.Argument(help="Claims table: CSV, TSV, Parquet or JSON-lines with columns "
                                                "source, object, attribute, value [, date, report]; "
                                                "'-' for a CSV on standard input.")],
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
                                              "(ECE, Brier). Verified items are left out of the score. "
                                              "'-': a CSV on standard input.")] = None,
    verified: Annotated[Path | None, typer.Option(
        "--verified", help="Values you have checked: a table (object, attribute, value [, verdict]) with verdict "
        "confirmed (default) or refuted. The fit takes them as known and learns source trust from them too "
        "(docs/fusion.md, Verified items). '-': a CSV on standard input.")] = None,
    verified_sample: Annotated[str | None, typer.Option(
        "--verified-sample", help="accu, accu-copy: how the --verified items were chosen. 'targeted' (default: "
        "e.g. the contested items you checked first) only fixes them in the fit; 'random' (an audit sample "
        "drawn at random) also pools each source's record on them with the fit's estimate, which helps much "
        "more but misleads when the items were picked, not drawn.")] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write object,attribute,value,confidence "
                                             "by extension: .csv (the default), .tsv, .parquet, or "
                                             ".jsonl / .json (JSON-lines); '-': CSV on standard output "
                                             "(the tables and the --json summary then go to stderr).")] = None,
    sources_out: Annotated[Path | None, typer.Option(
        "--sources-out", help="Write every source's trust, claims and copy relations (columns source, trust, "
        "claims, copies, copied_by, dependent_on), by extension as --out; '-': CSV on standard output.")] = None,
    json_out: JsonOption = False,
    normalize: Annotated[list[str] | None, typer.Option(
        "--normalize", "-n", metavar="[ATTRIBUTE=]KIND",
        help="How values are compared (repeatable): KIND for every attribute, ATTRIBUTE=KIND for one. Kinds: "
        "text (default: case and whitespace ignored), exact, case (case ignored), space (extra whitespace ignored), "
        "number[:TOL], quantity[:TOL] (numbers with units: "
        "1.5 km = 1500 m, 2 million = 2,000,000), time (a clock time written any way → HH:MM), list[:SEP] (a set "
        "of items), authors (an author list as the set of its name words). E.g. --normalize time "
        "--normalize gate=text. A value with nothing left after normalising is no claim (see --drop-missing).")]
    = None,
    list_attribute: Annotated[list[str] | None, typer.Option(
        "--list-attribute", help="Attribute whose values are lists compared as sets (repeatable; = "
        "--normalize ATTRIBUTE=list:SEP).")] = None,
    list_sep: Annotated[str, typer.Option("--list-sep", help="Separator of list values.")] = ";",
    numeric_tolerance: Annotated[float | None, typer.Option(
        "--numeric-tolerance", help="Compare numbers as numbers: 0 makes 7, 7.0 and 7e0 one value; a positive "
        "tolerance t makes numbers that round to the same multiple of t one value (buckets, so 0.9 and 1.1 agree at "
        "t=1 while 1.4 and 1.6 do not). A comma is read as a thousands separator. (= --normalize number:T)")]
    = None,
    exact: Annotated[bool, typer.Option("--exact", help="Compare values byte for byte (default: ignore case "
                                        "and extra whitespace; = --normalize exact).")] = False,
    duplicates: Annotated[str, typer.Option("--duplicates", help="A source stating an item twice: keep latest "
                                            "(by date), first, last, or error.")] = "latest",
    drop_missing: Annotated[bool, typer.Option("--drop-missing", help="Skip rows with an empty or NaN value, or "
                                               "one with nothing left after normalising, instead of refusing "
                                               "the file.")] = False,
    max_iter: Annotated[int | None, typer.Option("--max-iter", help="Iteration cap (method default; "
                                                 "accu-copy: per start).")] = None,
    tol: Annotated[float | None, typer.Option("--tol", help="Convergence tolerance (method default).")] = None,
    copy_threshold: Annotated[float, typer.Option(
        "--copy-threshold", help="accu-copy: a source pair is dependent from this probability that one copies "
        "the other (either direction).")] = 0.5,
    copy_probability: Annotated[float, typer.Option(
        "--copy-probability", help="accu-copy: a dependent pair is listed as copying (copier → original) only "
        "when that direction has at least this probability; the others are reported as dependent, direction "
        "unclear.")] = 0.8,
    raw_cells: Annotated[bool, typer.Option(
        "--raw-cells", help="Write CSV/TSV cells as they are: by default a text cell starting with = + - @, tab "
        "or CR gets a leading ' so a spreadsheet does not run it as a formula.")] = False,
    param: Annotated[list[str] | None, typer.Option("--param", "-p", metavar="KEY=VALUE",
                                                    help="A method parameter as KEY=VALUE "
                                                    "(repeatable; see docs/fusion.md, Methods), e.g. "
                                                    "--param starts=agreement --param n_false=100. Values "
                                                    "true/false/none and numbers are converted.")] = None,
) -> None:
    """Decide which claims are true, learn how reliable each source is, and (accu-copy) who copies whom.

    Example: sevenfold fuse claims.csv --method accu-copy --gold truth.csv --out truths.csv --sources-out sources.csv

    Example: sevenfold fuse claims.csv --out - --quiet | head
    """
    from contextlib import ExitStack, nullcontext

    one_stdin({"CLAIMS": claims, "--gold": gold, "--verified": verified})
    to_stdout = one_stdout({"--out": out, "--sources-out": sources_out}) is not None
    for written in (out, sources_out):
        check_output(written, inputs=(claims, gold, verified))  # never over an input
    if backend != "numpy" and is_stdio(out):
        raise InputError("--out -: with --backend spark the truths are written by Spark; give a file name")
    with ExitStack() as files, data_on_stdout(to_stdout):
        claims_path = files.enter_context(stdin_file(claims, ".csv"))  # '-': a CSV on standard input
        gold_path = None if gold is None else files.enter_context(stdin_file(gold, ".csv"))
        verified_path = None if verified is None else files.enter_context(stdin_file(verified, ".csv"))
        sources_path = None if sources_out is None else files.enter_context(stdout_file(sources_out, ".csv"))
        with stdout_file(out, ".csv") if out is not None else nullcontext() as out_path:
            result = _fuse(claims_path, gold_path, verified_path, out_path, json_out, method=method,
                           backend=backend, verified_sample=verified_sample, normalize=normalize or [],
                           exact=exact, list_attributes=list_attribute or [], list_sep=list_sep,
                           numeric_tolerance=numeric_tolerance, duplicates=duplicates, drop_missing=drop_missing,
                           max_iter=max_iter, tol=tol, copy_threshold=copy_threshold,
                           copy_probability=copy_probability, params=_method_params(param or []),
                           raw_cells=raw_cells)
        if result.out is not None:
            result.out = str(out)  # '-', not the temporary file it went through
        if sources_path is not None:
            result.write_sources(sources_path, raw_cells=raw_cells)
        _present_fuse(result, json_out, verified, sources_out)


def _fuse(claims: Path, gold: Path | None, verified: Path | None, out: Path | None, json_out: bool,
          **options: Any) -> Any:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from sevenfold.fusion.run import run_fuse

    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), console=err, transient=True, disable=json_out and not err.is_terminal
                  ) as progress:
        return run_fuse(claims, progress=_Bar(progress), gold=gold, verified=verified, out=out,
                        progress_min_claims=PROGRESS_MIN_CLAIMS, **options)


def _present_fuse(result: Any, json_out: bool, verified: Path | None, sources_out: Path | None) -> None:
    for note in result.notes:
        err.print(f"note: {note}", markup=False)
    for warning in result.warnings:
        err.print(f"warning: {warning}", markup=False)
    if json_out:
        data = result.to_json()
        data["sources_out"] = None if sources_out is None else str(sources_out)
        print_json(data)
        return
    if result.spark is not None:
        _present_spark(result)
    else:
        _present(result, verified)
    _print_sources(result)
    _print_copying(result)
    if sources_out is not None:
        console.print(f"wrote {len(result.sources()):,} sources to {_where(sources_out)}", markup=False)
    if result.accuracy is not None:
        _print_accuracy(result.accuracy)


def _where(path: object) -> str:
    return "standard output" if is_stdio(path) else str(path)


def _present_spark(result: Any) -> None:
    s = result.spark
    console.print(f"{result.method} on Spark: {s['n_iter']} iteration(s), stopped at "
                  f"{s['stop_reason']}, {result.seconds:.1f} s" + (f"; wrote {result.out}" if result.out else ""))
    if "start_disagreement" in s:
        _print_start_check(s["start"], s["start_disagreement"], result.estimator.select, s.get("items"))


def _present(result: Any, verified: Path | None) -> None:
    from sevenfold.fusion.methods.accu import START_WARN_SHARE

    est, cm = result.estimator, result.matrix
    console.print(f"{result.method}: {cm.n_claims:,} claims, {cm.n_sources:,} sources, {cm.n_items:,} items — "
                  f"{est.n_iter_} iteration(s), stopped at {est.stop_reason_}, {result.seconds:.2f} s")
    if hasattr(est, "n_false_"):
        how = "estimated from the data" if est.n_false == "auto" else "as given"
        console.print(f"false values per item: {est.n_false_:.3g} ({how}; the paper assumes 100)")
    if hasattr(est, "start_disagreement_"):
        _print_start_check(est.start_, est.start_disagreement_, est.select, cm.n_items)
        if max(est.start_disagreement_.values(), default=0.0) >= START_WARN_SHARE:
            t = Table("object", "attribute", "value kept", "claims",
                      title=f"verify first: {len(est.start_differs_):,} items depend on the start, most-stated "
                      "first (check some and re-run with --verified)")
            for r in result.verify_first(VERIFY_FIRST_SHOWN):
                t.add_row(r["object"], r["attribute"], str(r["value"]), str(r["claims"]))
            err.print(t)
    if result.verified is not None and verified is not None:
        _print_verified(result.verified.summary(cm), getattr(est, "verified_strength_", None), verified)
    if cm.n_missing_dropped:
        console.print(f"skipped {cm.n_missing_dropped:,} claims with an empty value (or nothing left after "
                      "normalising)")
    if cm.n_duplicates_dropped:
        console.print(f"kept one statement per source and item ({result.duplicates}); "
                      f"dropped {cm.n_duplicates_dropped:,} repeated statements")
    if result.out is not None:
        console.print(f"wrote {cm.n_items:,} truths to {_where(result.out)}", markup=False)
    else:
        t = Table("object", "attribute", "value", "confidence", title="truths (first 20; --out for all)")
        for row in est.truth_table().slice(0, 20).to_pylist():
            t.add_row(row["object"], row["attribute"], row["value"], f"{row['confidence']:.3f}")
        console.print(t)


def fuse_dataset(
    name: Annotated[str, typer.Argument(help="book, flight or population.")],
    root: Annotated[Path, typer.Argument(help="The dataset's folder, e.g. data/truth-discovery/book.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Claims table to write (by extension, as fuse --out; "
                                      "'-': CSV on standard output).")],
    gold_out: Annotated[Path, typer.Option("--gold-out", help="Gold table to write (as --out).")],
    raw_cells: Annotated[bool, typer.Option("--raw-cells", help="As fuse --raw-cells.")] = False,
    json_out: JsonOption = False,
) -> None:
    """Reshape a standard truth-discovery dataset (Book, Flight, Population) into fuse's claims and gold
    tables, values exactly as written in the files; it prints the --normalize options that compare them
    as docs/fusion.md does.

    Example: sevenfold fuse-dataset book data/truth-discovery/book --out book.csv --gold-out book-gold.csv
    """
    from sevenfold.fusion.datasets import NORMALIZE, RAW_LOADERS
    from sevenfold.fusion.table_io import write_table

    if name not in RAW_LOADERS:
        raise InputError(f"unknown dataset {name!r}; choose one of: {', '.join(RAW_LOADERS)}")
    if not root.is_dir():
        raise InputError(f"{root}: not a folder (the dataset's folder, e.g. data/truth-discovery/{name})")
    to_stdout = one_stdout({"--out": out, "--gold-out": gold_out}) is not None
    for path in (out, gold_out):
        check_output(path)
    claims, gold = RAW_LOADERS[name](root)
    for table, path in ((claims, out), (gold, gold_out)):
        with stdout_file(path, ".csv") as target:
            write_table(table, target, raw_cells=raw_cells)
    options = " ".join(f"--normalize {spec}" for spec in NORMALIZE[name])
    with data_on_stdout(to_stdout):
        _present_dataset(name, claims, gold, out, gold_out, options, json_out)


def _present_dataset(name: str, claims: Any, gold: Any, out: Path, gold_out: Path, options: str,
                     json_out: bool) -> None:
    from sevenfold.fusion.datasets import NORMALIZE

    if json_out:
        print_json({"dataset": name, "claims": claims.num_rows, "gold": gold.num_rows, "out": str(out),
                    "gold_out": str(gold_out), "normalize": list(NORMALIZE[name])})
        return
    console.print(f"wrote {claims.num_rows:,} claims to {_where(out)} and {gold.num_rows:,} gold rows to "
                  f"{_where(gold_out)}", markup=False)
    console.print(f"fuse them as docs/fusion.md does: sevenfold fuse {out} --gold {gold_out} {options} --drop-missing",
                  markup=False)
