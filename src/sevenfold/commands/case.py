"""Case commands: init, validate, import, export, list, show, schema, assess, demo."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from sevenfold.commands._common import (
    STDIO,
    DbOption,
    JsonOption,
    check_output,
    cli_actor,
    console,
    data_on_stdout,
    err,
    is_stdio,
    load_case_file,
    load_case_ref,
    open_store,
    print_json,
    write_output,
)
from sevenfold.errors import CaseValidationError


def _cells(*values: object) -> list[Text]:
    """Table cells as plain Text: user data is never parsed as Rich markup."""
    return [Text("" if v is None else str(v)) for v in values]


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("validate")(validate)
    app.command("import")(import_)
    app.command("export")(export)
    app.command("list")(list_)
    app.command("show")(show)
    app.command("schema")(schema)
    app.command("assess")(assess)
    app.command("demo")(demo)


def init(db: DbOption = None, json_out: JsonOption = False) -> None:
    """Create (or migrate) the store. The store URL is printed with any password masked.

    Example: sevenfold init --db team.db
    """
    with open_store(db) as store:
        url = masked_url(store.url)
    if json_out:
        print_json({"store": url, "ready": True})
        return
    console.print(f"store ready: {escape(url)} (schema up to date)")


def masked_url(url: str) -> str:
    """A store URL fit to print: any password (in the credentials or the query) is replaced by ***."""
    import re

    from sevenfold.store.engine import redact

    return re.sub(r"(?i)([?&]password=)[^&]*", r"\1***", redact(url))


def validate(
    file: Annotated[Path, typer.Argument(help="Case file (YAML or JSON) in the sevenfold/1 format; "
                                         "'-' for standard input.")],
    json_out: JsonOption = False,
) -> None:
    """Check a case file; exit 0 when valid, 2 with one message per problem otherwise.

    Example: sevenfold validate zarubin-1937.yaml
    """
    try:
        case = load_case_file(file)
    except CaseValidationError as exc:
        if json_out:
            print_json({"valid": False, "problems": [p.__dict__ for p in exc.problems]})
            raise typer.Exit(2) from None
        raise
    if json_out:
        print_json({"valid": True, "case": case.id, "warnings": case.warnings(), "problems": []})
        return
    for w in case.warnings():
        err.print(f"warning: {w}", markup=False)
    console.print(rf"{escape(str(file))}: valid sevenfold/1 case {case.id!r} — {len(case.sources)} sources, "
                  f"{len(case.reports)} reports, {len(case.hypotheses)} hypotheses, {len(case.ratings)} ratings")


def import_(
    file: Annotated[Path, typer.Argument(help="Case file (YAML or JSON) to import; '-' for standard input.")],
    replace: Annotated[bool, typer.Option("--replace", help="Overwrite a case with the same id.")] = False,
    owner: Annotated[list[str] | None, typer.Option(
        "--owner", help="Web user to grant the imported case to (repeatable); admins see every case anyway.")] = None,
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """Import a case file into the store, as one transaction (all or nothing).

    Example: sevenfold import zarubin-1937.yaml --db cases.db --owner alice
    """
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with err.status(f"reading {file}"):
        case = load_case_file(file)
    for w in case.warnings():
        err.print(f"warning: {w}", markup=False)
    with open_store(db) as store:
        if owner:
            from sevenfold.store import accounts

            for user in owner:
                accounts.get_user(store, user)  # an unknown user refuses the import before anything is stored
        show_bar = len(case.reports) >= 20_000
        with Progress(TextColumn("importing"), BarColumn(), TextColumn("{task.completed}/{task.total} reports"),
                      TimeElapsedColumn(), console=err, disable=not show_bar, transient=True) as bar:
            task = bar.add_task("import", total=len(case.reports))
            revision = store.import_case(case, replace=replace, progress=lambda n: bar.advance(task, n),
                                         actor=cli_actor())
        for user in owner or []:
            _grant(store, user, case.id)
    n_claims = sum(len(r.claims) for r in case.reports)
    if json_out:
        print_json({"case": case.id, "revision": revision, "reports": len(case.reports), "claims": n_claims,
                    "warnings": case.warnings(), "owners": list(owner or [])})
        return
    console.print(f"imported case {case.id!r} (revision {revision}): {len(case.reports)} reports, "
                  f"{n_claims} claims" + (f"; granted to {', '.join(owner)}" if owner else ""))


def _grant(store, username: str, case_id: str) -> None:  # type: ignore[no-untyped-def]
    from sevenfold.store import accounts

    accounts.grant(store, case_id, username, "owner", actor=cli_actor())


def export(
    case_id: Annotated[str, typer.Argument(help="Case id in the store.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="yaml | json (and stix | csl | ftm | csv | parquet "
                                     "when the interop extra is installed).")] = "yaml",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Output file ('-' or none: standard output); "
                                             "for csv/parquet without --table, a folder for every table.")] = None,
    table: Annotated[str | None, typer.Option("--table", "-t", help="csv/parquet: write this one table (reports "
                                              "or claims) as a single file, or to standard output.")] = None,
    db: DbOption = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print what was written as JSON (on stderr when the "
                                           "export itself goes to stdout; errors as JSON too).")] = False,
    raw_cells: Annotated[bool, typer.Option("--raw-cells", help="csv: write cells as they are (default: a text "
                                            "cell starting with = + - @, tab or CR gets a leading ', so a "
                                            "spreadsheet does not run it as a formula).")] = False,
) -> None:
    """Export a stored case (round-trips through `sevenfold import`).

    csv and parquet hold two tables, reports and claims: --out DIR writes both into a folder;
    --table NAME writes one, to --out FILE or to standard output.

    Example: sevenfold export zarubin-1937 --format json --out zarubin.json

    Example: sevenfold export zarubin-1937 --format csv --table claims | sevenfold fuse -
    """
    import sys

    from sevenfold.api import export as export_library
    from sevenfold.errors import InputError

    to_stdout = out is None or is_stdio(out)
    folder = fmt in ("csv", "parquet") and table is None and not to_stdout
    if fmt not in ("yaml", "json") or table is not None:
        from sevenfold.interop import check_export

        check_export(fmt, table, one_file=to_stdout)  # before the store is opened: fail fast
    if not folder:
        check_output(out)
    if to_stdout and fmt == "parquet" and sys.stdout.isatty():
        raise InputError("--format parquet is binary: send standard output to a file or a pipe, or give --out FILE")
    with open_store(db) as store:
        case = store.load_case(case_id)
    if to_stdout:
        data = export_library(case, fmt, table=table, raw_cells=raw_cells)
        assert not isinstance(data, Path)  # no out: the export itself
        write_output(STDIO, data)
        if json_out:
            with data_on_stdout():
                print_json({"case": case.id, "format": fmt, "table": table, "out": STDIO})
        return
    written = export_library(case, fmt, out, table=table, raw_cells=raw_cells)
    if json_out:
        print_json({"case": case.id, "format": fmt, "table": table, "out": str(written)})
    else:
        err.print(f"wrote {escape(str(written))}")


def list_(db: DbOption = None, json_out: JsonOption = False) -> None:
    """List the cases in the store.

    Example: sevenfold list
    """
    with open_store(db) as store:
        rows = store.list_cases()
    if json_out:
        print_json([{"case": r.case_id, "title": r.title, "revision": r.revision,
                     "updated_at": r.updated_at.isoformat(), **r.counts} for r in rows])
        return
    if not rows:
        console.print("no cases yet — try `sevenfold demo` or `sevenfold import FILE`")
        return
    t = Table("case", "title", "sources", "reports", "hypotheses", "rev")
    for r in rows:
        t.add_row(*_cells(r.case_id, r.title, r.counts.get("sources", 0), r.counts.get("reports", 0),
                          r.counts.get("hypotheses", 0), r.revision))
    console.print(t)


def show(
    case_ref: Annotated[str, typer.Argument(help="Case id in the store, or a case file.")],
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """Show a case: question, hypotheses, sources, reports, and any burns, outcomes and aliases.

    Example: sevenfold show zarubin-1937
    """
    from sevenfold.model import case_to_data

    case = load_case_ref(case_ref, db)
    if json_out:
        print_json(case_to_data(case))
        return
    console.rule(f"[bold]{escape(case.id)}[/] — {escape(case.case.title)}")
    if case.case.question:
        console.print(f"[bold]Question:[/] {escape(case.case.question)}")
    if case.case.as_of:
        console.print(f"[bold]As of:[/] {case.case.as_of}")
    if case.case.note:
        console.print(f"[bold]Note:[/] {escape(case.case.note)}")
    t = Table("hypothesis", "statement", "prior", "deception by", title="Hypotheses")
    for h in case.hypotheses:
        t.add_row(*_cells(h.id, h.statement, "" if h.prior is None else f"{h.prior:.2f}", h.deception_by or ""))
    console.print(t)
    t = Table("source", "name", "kind", "access", "controlled by", "compromised since", title="Sources")
    for s in case.sources:
        t.add_row(*_cells(s.id, s.name, s.kind, s.access, s.controlled_by or "", s.compromised_since or ""))
    console.print(t)
    t = Table("report", "source", "date", "modality", "text", title="Reports")
    for r in case.reports:
        text = r.text if len(r.text) <= 90 else r.text[:87] + "…"
        t.add_row(*_cells(r.id, r.source, r.date or "", r.modality, text))
    console.print(t)
    noted = [r for r in case.reports if r.note or r.date_note]
    if noted:  # the caveats: what the encoder says about a report and its date
        t = Table("report", "date", "date note", "note", title="Report notes")
        for r in noted:
            t.add_row(*_cells(r.id, r.date or "undated", r.date_note, r.note))
        console.print(t)
    # a burned source must not look clean (review finding, session 6): burns, outcomes and aliases too
    if case.burns:
        t = Table("burn", "source", "since", "actor", "note", title="Burns (compromised sources)")
        for b in case.burns:
            t.add_row(*_cells(b.id, b.source, b.since, b.actor or "any", b.note))
        console.print(t)
    if case.outcomes:
        t = Table("about", "verdict", "date", "note", title="Outcomes")
        for o in case.outcomes:
            about = (f"report {o.report}" if o.report is not None else f"hypothesis {o.hypothesis}"
                     if o.hypothesis is not None
                     else f"claim {o.claim.object}/{o.claim.attribute}" if o.claim is not None else "")
            t.add_row(*_cells(about, o.verdict, o.date or "", o.note))
        console.print(t)
    if case.aliases:
        t = Table("canonical", "kind", "variants", title="Aliases")
        for a in case.aliases:
            t.add_row(*_cells(a.canonical, a.kind, ", ".join(a.variants)))
        console.print(t)


def schema(json_out: Annotated[bool, typer.Option("--json", help="The schema is JSON already; errors as "
                                                   "JSON too.")] = False) -> None:
    """Print the JSON Schema of the sevenfold/1 case format.

    Example: sevenfold schema > sevenfold-1.schema.json
    """
    from sevenfold.model import case_json_schema

    typer.echo(json.dumps(case_json_schema(), indent=2))


def assess(
    case_ref: Annotated[str, typer.Argument(help="Case id in the store, or a case file (YAML/JSON).")],
    db: DbOption = None,
    json_out: JsonOption = False,
    allow_unknown: Annotated[bool, typer.Option(
        "--allow-unknown", help="Assess even when an unknown key stands where as_of belongs (asof, as-of).")] = False,
    exclude: Annotated[list[str] | None, typer.Option(
        "--exclude", help="Re-assess without this report, source (all it reported or relayed) or origin; "
                          "repeatable.")] = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="Re-assess as of this date (YYYY, YYYY-MM or YYYY-MM-DD) instead of the case's as_of.")] = None,
    why: Annotated[bool, typer.Option(
        "--why", help="Also print why: each posterior's largest contributions (origin, reports, log-likelihood "
                      "ratio), each key report's credibility and weight, and the reports that move nothing.")] = False,
) -> None:
    """Assess a case: ranked hypotheses, source grades, origins, linchpins, what to verify next, alerts.

    Example: sevenfold assess zarubin-1937 --json
    Example: sevenfold assess internal-threat-1937 --as-of 1937 --exclude kuromiya
    Example: sevenfold assess zarubin-1937 --why
    """
    from sevenfold.api import assess as assess_case
    from sevenfold.render import render_assessment

    case = load_case_ref(case_ref, db)
    for w in case.key_warnings():
        err.print(f"warning: {w.message}", markup=False)
    result = assess_case(case, exclude=exclude or (), as_of=as_of, allow_unknown=allow_unknown)
    if json_out:
        print_json(result.to_json_dict())
        return
    render_assessment(result, console, why=why, case=case)


def demo(
    db: DbOption = None,
    report_dir: Annotated[Path | None, typer.Option("--report-dir", help="Also write HTML reports into this folder "
                                                    "(one per case, so not '-').")] = None,
    json_out: JsonOption = False,
) -> None:
    """The main job on the bundled seed cases: load them into the store, assess, print verdicts.

    Example: sevenfold demo
    """
    from sevenfold.data import bundled_case_paths
    from sevenfold.model import load_case
    from sevenfold.pipeline import run_assessment
    from sevenfold.render import render_assessment

    if is_stdio(report_dir):
        from sevenfold.errors import InputError

        raise InputError("--report-dir -: the reports are one file per case; give a folder")
    paths = bundled_case_paths()
    summary: list[dict[str, object]] = []
    with open_store(db) as store:
        if not json_out:
            console.print(f"[dim]store: {escape(masked_url(store.url))}[/]")
        for path in paths:
            case = load_case(path)
            store.import_case(case, replace=True, actor=cli_actor())
            stored = store.load_case(case.id)
            result = run_assessment(stored)
            if json_out:
                summary.append({"case": stored.id, "top": result.top, "confidence": result.confidence})
            else:
                render_assessment(result, console, case=stored)
            if report_dir is not None:
                _write_report(stored, result, report_dir, quiet=json_out)
    if json_out:
        print_json({"store": masked_url(store.url), "cases": summary})


def _write_report(case, result, report_dir: Path, quiet: bool = False) -> None:  # type: ignore[no-untyped-def]
    try:
        from sevenfold.report import render_report
    except ImportError:
        err.print("reports need the report extra: pip install 'sevenfold[report]'")
        return
    report_dir.mkdir(parents=True, exist_ok=True)
    from sevenfold.fileio import safe_child

    out = render_report(case, result, "html", safe_child(report_dir, f"{case.id}.html"))
    if not quiet:
        console.print(f"report: {out}")
