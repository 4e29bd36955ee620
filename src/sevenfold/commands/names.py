"""``sevenfold names ...``: match, resolve, dedupe, alias, info (multilingual names)."""

from __future__ import annotations

import csv
import os
import sys
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from sevenfold.commands._common import (
    DbOption,
    JsonOption,
    console,
    data_on_stdout,
    err,
    is_stdio,
    load_case_ref,
    one_stdin,
    one_stdout,
    print_json,
    stdin_file,
    stdout_file,
)
from sevenfold.errors import InputError

names_app = typer.Typer(
    name="names",
    help="Multilingual names: match spellings across scripts, resolve a case's sources, dedupe records.",
    no_args_is_help=True,
)
alias_app = typer.Typer(name="alias", help="The user's alias table (codenames, place-name variants).",
                        no_args_is_help=True)
names_app.add_typer(alias_app, name="alias")


def register(app: typer.Typer) -> None:
    app.add_typer(names_app, name="names")


AliasFileOption = Annotated[
    Path | None,
    typer.Option("--aliases", help="Extra alias file (YAML: entries of canonical, variants, kind, note); "
                                   "'-' for standard input."),
]
ThresholdOption = Annotated[
    float | None,
    typer.Option("--threshold", min=0.0, max=1.0,
                 help="Decision threshold (default 0.65 for match, chosen on training data; 0.91 for resolve)."),
]


@contextmanager
def _warnings_to_stderr() -> Iterator[None]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for w in caught:
        err.print(f"warning: {w.message}")


def _matcher(aliases: Path | None, threshold: float | None, case_file: Path | None = None):  # type: ignore[no-untyped-def]
    from sevenfold.names import DEFAULT_THRESHOLD, AliasTable, NameMatcher, load_alias_file, user_aliases
    from sevenfold.names.aliases import aliases_from_case

    table = AliasTable()
    table.extend(user_aliases())
    if aliases is not None:
        with stdin_file(aliases, ".yaml") as path:  # '-': standard input
            table.extend(load_alias_file(path))
    if case_file is not None:
        from sevenfold.commands._common import load_case_file

        table.extend(aliases_from_case(load_case_file(case_file), origin=str(case_file)))
    return NameMatcher(table, DEFAULT_THRESHOLD if threshold is None else threshold)


def _atomic_csv(path: Path, header: list[str], rows: Iterator[list[object]], raw_cells: bool = False) -> None:
    """Write a CSV atomically; text cells a spreadsheet would run as formulas get a leading ' unless
    ``raw_cells`` (sevenfold.spreadsheet)."""
    if not raw_cells:
        from sevenfold.spreadsheet import safe_row

        rows = (safe_row(row) for row in rows)
    if str(path) == "-":  # standard output
        writer = csv.writer(sys.stdout)
        writer.writerow(header)
        writer.writerows(rows)
        sys.stdout.flush()
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            writer.writerows(rows)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"{path}: cannot write: {exc}") from None


def _read_pairs(path: Path) -> tuple[list[str], list[str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:  # -sig: a byte-order mark, as Excel writes
            reader = csv.DictReader(fh)
            columns = {(f or "").strip().lower(): f for f in reader.fieldnames or []}  # "A", " b " are a, b
            if "a" not in columns or "b" not in columns:
                raise InputError(f"{path}: need a header with columns a,b (got {reader.fieldnames})")
            left, right = [], []
            for i, row in enumerate(reader, 2):
                a, b = row.get(columns["a"]), row.get(columns["b"])
                if a is None or b is None:
                    raise InputError(f"{path}: line {i}: missing a or b value")
                left.append(a)
                right.append(b)
            return left, right
    except FileNotFoundError:
        raise InputError(f"{path}: pairs file not found") from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"{path}: cannot read pairs CSV: {exc}") from None


@names_app.command("match")
def match(
    a: Annotated[str | None, typer.Argument(help="First name (any script).")] = None,
    b: Annotated[str | None, typer.Argument(help="Second name (any script).")] = None,
    pairs: Annotated[Path | None, typer.Option("--pairs", help="CSV with columns a,b to score in batch "
                                               "('-' for standard input).")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Batch output CSV: a,b,score,match ('-' for standard "
                                             "output).")] = None,
    threshold: ThresholdOption = None,
    aliases: AliasFileOption = None,
    case_file: Annotated[Path | None, typer.Option("--case", help="Use this case file's aliases too ('-' for "
                                                   "standard input).")] = None,
    raw_cells: Annotated[bool, typer.Option("--raw-cells", help="Write --out cells as they are (default: a cell "
                                            "starting with = + - @, tab or CR gets a leading ', so a "
                                            "spreadsheet does not run it as a formula).")] = False,
    json_out: JsonOption = False,
) -> None:
    """Do two names (any script, any romanisation) name the same person or place?

    Examples:
      sevenfold names match Ежов Jeschow --json
      sevenfold names match "V. M. Zarubin" "Vasilii Mikhailovich Zarubin"
      sevenfold names match --pairs pairs.csv --out scored.csv
    """
    one_stdin({"--pairs": pairs, "--aliases": aliases, "--case": case_file})
    with _warnings_to_stderr():
        matcher = _matcher(aliases, threshold, case_file)
        if pairs is not None:
            if a is not None or b is not None:
                raise InputError("names match: give either two names or --pairs, not both")
            if out is None:
                raise InputError("names match --pairs needs --out OUT.csv")
            with stdin_file(pairs, ".csv") as pairs_path:  # '-': standard input
                left, right = _read_pairs(pairs_path)
            scores, decided = matcher.match_pairs(left, right)
            _atomic_csv(out, ["a", "b", "score", "match"],
                        ([x, y, f"{s:.4f}", "true" if d else "false"]
                         for x, y, s, d in zip(left, right, scores, decided, strict=True)), raw_cells)
            n_match = int(decided.sum())
            summary = {"pairs": len(left), "matches": n_match, "out": str(out), "threshold": matcher.threshold}
            if json_out and str(out) == "-":  # the scores went to stdout: the summary goes to stderr
                err.print_json(data=summary)
            elif json_out:
                print_json(summary)
            else:
                err.print(f"scored {len(left)} pairs, {n_match} matches at {matcher.threshold:.2f} → {out}")
            return
        if a is None or b is None:
            raise InputError("names match: give two names, or --pairs IN.csv --out OUT.csv")
        result = matcher.match(a, b)
    if json_out:
        print_json(result.as_dict())
        return
    verdict = "[green]match[/]" if result.match else "[red]no match[/]"
    console.print(f"{verdict}  score {result.score:.3f}")
    for part in result.explanation.split("; "):
        console.print(f"  • {part}", markup=False)


@names_app.command("resolve")
def resolve(
    case_ref: Annotated[str, typer.Argument(help="Case id in the store, or a case file (YAML/JSON).")],
    no_text: Annotated[bool, typer.Option("--no-text", help="Skip names mentioned in report text.")] = False,
    threshold: ThresholdOption = None,
    aliases: AliasFileOption = None,
    json_out: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Suggest which sources/actors of a case are the same party, and what report texts mention.

    Suggestions only: accept a merge by editing the case (e.g. add the spelling to its aliases).

    Example: sevenfold names resolve zarubin-1937.yaml   (or a stored case: sevenfold names resolve zarubin-1937)
    """
    from sevenfold.names import resolve_case

    one_stdin({"CASE_REF": case_ref, "--aliases": aliases})
    with _warnings_to_stderr():
        case = load_case_ref(case_ref, db)
        from sevenfold.names.compare import SUGGEST_THRESHOLD

        matcher = _matcher(aliases, SUGGEST_THRESHOLD if threshold is None else threshold)
        res = resolve_case(case, matcher, include_text=not no_text)
    if json_out:
        print_json(res.as_dict())
        return
    if not res.clusters:
        console.print("no merges suggested: every source and actor looks distinct")
    for i, cluster in enumerate(res.clusters, 1):
        console.print(f"[bold]suggested merge {i}:[/] {escape(', '.join(cluster))}")
        for link in res.links:
            if link.a in cluster and link.b in cluster:
                console.print(f"  {link.a} '{link.name_a}' ~ {link.b} '{link.name_b}' ({link.score:.2f})",
                              markup=False)
                console.print(f"    why: {link.why}", markup=False)
    if res.mentions:
        table = Table(title="names mentioned in report text")
        for col in ("where", "text", "resolves to", "score"):
            table.add_column(col)
        for m in res.mentions:
            table.add_row(escape(m.where), escape(m.text), escape(m.resolves_to), f"{m.score:.2f}")
        console.print(table)
    for group in res.mention_groups:
        console.print(f"same entity, several spellings: {group['entity']}: {', '.join(group['spellings'])}",
                      markup=False)


@names_app.command("dedupe")
def dedupe(
    records: Annotated[Path, typer.Argument(help="CSV with columns name, birth_year, place, role (and id); '-' "
                                            "for standard input.")],
    backend: Annotated[str, typer.Option("--backend", help="Splink backend: duckdb (default) or spark.")] = "duckdb",
    out: Annotated[Path | None, typer.Option("--out", help="Clusters CSV: id,cluster_id,name ('-' for standard "
                                             "output).")] = None,
    chart: Annotated[Path, typer.Option("--chart", help="Match-weight chart (HTML; '-' for standard output).")] = Path(
        "match_weights.html"),
    model: Annotated[Path | None, typer.Option("--model", help="Write the trained Splink model (JSON; '-' for "
                                               "standard output).")] = None,
    threshold: Annotated[float, typer.Option("--threshold", help="Match probability to link.")] = 0.9,
    json_out: JsonOption = False,
) -> None:
    """Probabilistic dedupe of person records with Splink (trained m/u, match-weight chart).

    Example: sevenfold names dedupe people.csv --out clusters.csv --chart weights.html
    """
    from sevenfold.names import dedupe_records
    from sevenfold.names.dedupe import read_records_csv

    try:
        import duckdb  # noqa: F401
        import splink  # noqa: F401
    except ImportError as exc:
        raise InputError(f"names dedupe needs the 'names' extra ({exc.name} is not installed): "
                         "pip install 'sevenfold[names]'") from None
    to_stdout = one_stdout({"--out": out, "--chart": chart, "--model": model}) is not None
    with _warnings_to_stderr(), stdout_file(chart, ".html") as chart_path:
        model_cm = stdout_file(model, ".json") if model is not None else None
        with stdin_file(records, ".csv") as records_path:  # '-': standard input
            rows = read_records_csv(records_path)
        with err.status(f"training and predicting on {len(rows)} records ({backend})"):
            if model_cm is None:
                res = dedupe_records(rows, backend=backend, threshold=threshold, chart_path=chart_path)
            else:
                with model_cm as model_path:
                    res = dedupe_records(rows, backend=backend, threshold=threshold, chart_path=chart_path,
                                         model_path=model_path)
    if out is not None:
        _atomic_csv(out, ["id", "cluster_id", "name"],
                    ([c["id"], c["cluster_id"], c["name"]] for c in res.clusters))
    res.chart = "-" if is_stdio(chart) else res.chart
    res.model = "-" if is_stdio(model) else res.model
    with data_on_stdout(to_stdout):
        _present_dedupe(res, out, json_out)


def _present_dedupe(res, out: Path | None, json_out: bool) -> None:  # type: ignore[no-untyped-def]
    groups = res.multi_record_clusters()
    summary = {"records": res.n_records, "clusters": res.n_clusters, "multi_record_clusters": len(groups),
               "pairs_above_threshold": res.pairs_scored, "chart": res.chart, "model": res.model,
               "out": str(out) if out else None, "timings_s": {k: round(v, 3) for k, v in res.timings.items()},
               "parameters": res.parameters, "notes": res.notes}
    for note in res.notes:
        err.print(f"warning: {note}", markup=False)
    if json_out:
        print_json(summary)
        return
    console.print(f"{res.n_records} records → {res.n_clusters} clusters "
                  f"({len(groups)} with more than one record); chart: {res.chart}")
    names = {c["id"]: c["name"] for c in res.clusters}
    for cid, ids in list(groups.items())[:20]:
        console.print(f"  {cid}: " + " | ".join(names[i] for i in ids), markup=False)
    if len(groups) > 20:
        console.print(f"  ... {len(groups) - 20} more (use --out)")


@names_app.command("info")
def info(json_out: JsonOption = False) -> None:
    """Which transliteration engines and alias tables this installation uses.

    Example: sevenfold names info
    """
    from sevenfold.names import DEFAULT_THRESHOLD, bundled_aliases, default_user_alias_file, engines

    active = engines()
    data = {"engines": active, "threshold": DEFAULT_THRESHOLD, "bundled_entities": len(bundled_aliases()),
            "user_alias_file": str(default_user_alias_file())}
    if json_out:
        print_json(data)
        return
    for k, v in active.items():
        console.print(f"{k:>9}: {v}")
    console.print(f"threshold: {DEFAULT_THRESHOLD}; bundled gazetteer: {data['bundled_entities']} entities; "
                  f"user aliases: {data['user_alias_file']}")


@alias_app.command("add")
def alias_add(
    canonical: Annotated[str, typer.Argument(help="The name the entity is known by.")],
    variant: Annotated[str, typer.Argument(help="Another spelling, script or codename for it.")],
    kind: Annotated[str, typer.Option("--kind", help="person|place|organisation|codename|event|other")] = "other",
    note: Annotated[str, typer.Option("--note", help="Where the variant comes from.")] = "",
    file: Annotated[Path | None, typer.Option(
        "--file", help="Alias file (default $SEVENFOLD_ALIASES or ~/.local/share/sevenfold/aliases.yaml); it is "
        "rewritten in place, so not '-'.")] = None,
    json_out: JsonOption = False,
) -> None:
    """Add a variant spelling or codename to the user alias file (atomic rewrite).

    Example: sevenfold names alias add "Vasilii Zarubin" MAKSIM --kind codename --note "Venona"
    """
    from sevenfold.names import add_user_alias

    if is_stdio(file):
        raise InputError("--file -: the alias file is read and rewritten in place; give a file name")
    path = add_user_alias(canonical, variant, kind=kind, note=note, path=file)
    if json_out:
        print_json({"file": str(path), "canonical": canonical, "variant": variant, "kind": kind})
    else:
        console.print(f"added '{variant}' to '{canonical}' ({kind}) in {path}", markup=False)


@alias_app.command("lookup")
def alias_lookup(
    name: Annotated[str, typer.Argument(help="A name in any spelling or script.")],
    file: Annotated[Path | None, typer.Option("--file", help="User alias file to include ('-' for standard "
                                              "input).")] = None,
    json_out: JsonOption = False,
) -> None:
    """Which entities of the gazetteer and the user alias file list this spelling.

    Example: sevenfold names alias lookup Hsinking
    """
    from sevenfold.names import bundled_aliases, user_aliases

    if file is not None:
        with stdin_file(file, ".yaml") as path:  # '-': standard input
            table = bundled_aliases().extend(user_aliases(path))
    else:
        table = bundled_aliases().extend(user_aliases(file))
    hits = table.lookup(name)
    data = [{"canonical": e.canonical, "kind": e.kind, "origin": e.origin,
             "variants": [{"name": v.name, "source": v.source} for v in e.variants]} for e in hits]
    if json_out:
        print_json({"name": name, "entities": data})
        return
    if not hits:
        console.print(f"'{name}' is not listed", markup=False)
        raise typer.Exit(1)
    for e in hits:
        console.print(f"{e.canonical} ({e.kind}, {e.origin}): " + ", ".join(v.name for v in e.variants),
                      markup=False)
