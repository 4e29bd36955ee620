"""Report and interchange commands: report, import-stix, import-csl, import-table, import-ftm.

``sevenfold export CASE --format stix|csl|ftm|csv|parquet`` lives in commands/case.py and calls
``sevenfold.interop.export_case``. Imports into an existing case (CSL, tables, FtM) are one store
transaction: the case is read, extended, validated and written back, or left exactly as it was.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from sevenfold.commands._common import (
    DbOption,
    JsonOption,
    cli_actor,
    console,
    err,
    load_case_ref,
    open_store,
    print_json,
    stdin_file,
    write_output,
)
from sevenfold.errors import InputError


def register(app: typer.Typer) -> None:
    app.command("report")(report)
    app.command("import-stix")(import_stix)
    app.command("import-csl")(import_csl)
    app.command("import-table")(import_table)
    app.command("import-ftm")(import_ftm)


def report(
    case_ref: Annotated[str, typer.Argument(metavar="CASE_OR_FILE", help="Case id in the store, or a case file.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="html (self-contained page) or pdf.")] = "html",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Output file (default CASE.html / CASE.pdf; "
                                             "'-' for standard output).")] = None,
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """Write a self-contained HTML or PDF report: bottom line, hypotheses, ACH matrix, provenance,
    sources, linchpins, what to verify next, alerts and the evidence with citations.

    Example: sevenfold report zarubin-1937.yaml --format pdf --out zarubin.pdf
    """
    from sevenfold.pipeline import run_assessment
    from sevenfold.report import FORMATS, render_report

    if fmt not in FORMATS:
        raise InputError(f"unknown report format {fmt!r}; use html or pdf")
    case = load_case_ref(case_ref, db)
    with err.status(f"assessing {case.id}"):
        result = run_assessment(case)
    if out is not None and str(out) == "-":
        import tempfile

        with tempfile.TemporaryDirectory(prefix="sevenfold-report-") as tmp, err.status(f"rendering {fmt}"):
            data = render_report(case, result, fmt, Path(tmp) / f"report.{fmt}").read_bytes()
        write_output(out, data)
        if json_out:  # the report is on stdout: the summary goes to stderr
            from sevenfold.commands._common import data_on_stdout

            with data_on_stdout():
                print_json({"case": case.id, "format": fmt, "out": "-", "top": result.top})
        return
    with err.status(f"rendering {fmt}"):
        from sevenfold.fileio import safe_child

        path = render_report(case, result, fmt, out or safe_child(".", f"{case.id}.{fmt}"))
    if json_out:
        print_json({"case": case.id, "format": fmt, "out": str(path), "top": result.top})
        return
    console.print(f"wrote {escape(str(path))}")


def import_stix(
    file: Annotated[Path, typer.Argument(help="STIX 2.1 bundle (JSON).")],
    case_id: Annotated[str | None, typer.Option("--case-id", help="Id for the new case (default: from the "
                                                "bundle's sevenfold grouping, else stix-<bundle id>).")] = None,
    replace: Annotated[bool, typer.Option("--replace", help="Overwrite a stored case with the same id.")] = False,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write a case file (YAML/JSON by suffix) "
                                             "instead of importing into the store.")] = None,
    json_out: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Import a STIX 2.1 bundle as a new case. Objects sevenfold does not map are kept (and counted);
    a malformed bundle is refused whole.

    Example: sevenfold import-stix bundle.json --case-id threat-2024
    """
    from sevenfold.interop.stix import import_stix as _import

    with stdin_file(file, ".json") as path:
        result = _import(path, case_id=case_id)
    summary: dict[str, Any] = {"case": result.case.id, "mapped": result.mapped, "unmapped": result.unmapped,
                               "warnings": result.warnings, "reports": len(result.case.reports),
                               "sources": len(result.case.sources)}
    if out is not None:
        _write_case_file(result.case, out)
        summary["out"] = str(out)
    else:
        with open_store(db) as store:
            summary["revision"] = store.import_case(result.case, replace=replace, actor=cli_actor())
    _print_summary(summary, json_out, f"imported STIX bundle as case {result.case.id!r}", result.warnings)


def _write_case_file(case: Any, out: Path) -> None:
    from sevenfold.model import dump_case

    write_output(out, dump_case(case, "json" if out.suffix.lower() == ".json" else "yaml"))


def _print_summary(summary: dict[str, Any], json_out: bool, headline: str, warnings: list[str]) -> None:
    """The summary on stdout, or on stderr when the case itself went to stdout (--out -)."""
    to_stdout = summary.get("out") != "-"
    if json_out:
        if to_stdout:
            print_json(summary)
        else:
            err.print_json(data=summary)
        return
    out = console if to_stdout else err
    out.print(escape(headline))
    for key, value in summary.items():
        if key not in ("warnings", "case") and value not in ({}, [], None):
            out.print(f"  {key}: {escape(str(value))}")
    for w in warnings:
        err.print(f"warning: {escape(w)}")


def _extend_case(case_ref: str, out: Path | None, db: str | None, extend: Any) -> tuple[Any, dict[str, Any]]:
    """Apply ``extend(case) -> (new_case, summary)`` to a stored case (one transaction) or a case file."""
    from sevenfold.commands._common import looks_like_file

    if looks_like_file(case_ref):
        if out is None:
            raise InputError(f"{case_ref} is a case file: give --out FILE for the extended case "
                             "(the input file is never overwritten)")
        new_case, summary = extend(load_case_ref(case_ref, db))
        _write_case_file(new_case, out)
        summary["out"] = str(out)
        return new_case, summary
    holder: dict[str, Any] = {}

    def change(case: Any) -> Any:
        new_case, holder["summary"] = extend(case)
        return new_case

    with open_store(db) as store:
        new_case, revision = store.update_case(case_ref, change, action="import", actor=cli_actor())
    holder["summary"]["revision"] = revision
    return new_case, holder["summary"]


CaseOption = Annotated[str, typer.Option("--case", "-c", help="Case id in the store (or a case file, with --out).")]
OutOption = Annotated[Path | None, typer.Option("--out", "-o", help="With a case file: where to write the result.")]


def import_csl(
    file: Annotated[Path, typer.Argument(help="CSL-JSON file (an array of references).")],
    case: CaseOption,
    out: OutOption = None,
    json_out: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Add CSL-JSON references to a case as documents (all validated against the CSL-JSON schema first).

    Example: sevenfold import-csl refs.json --case zarubin-1937
    """
    from sevenfold.interop.csl import import_csl as _import

    def extend(c: Any) -> tuple[Any, dict[str, Any]]:
        with stdin_file(file, ".json") as path:
            r = _import(path, c)
        return r.case, {"case": r.case.id, "documents_added": r.documents_added}

    _, summary = _extend_case(case, out, db, extend)
    _print_summary(summary, json_out, f"added {len(summary['documents_added'])} documents to {summary['case']}", [])


def import_table(
    file: Annotated[Path, typer.Argument(help="reports or claims table (.csv or .parquet).")],
    case: CaseOption,
    out: OutOption = None,
    json_out: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Add the rows of a reports table (id, source, ...) or a claims table (source, object, attribute,
    value, ...) to a case. Sources the rows name but the case lacks are created and listed.

    Example: sevenfold import-table claims.csv --case zarubin-1937
    """
    from sevenfold.interop.tables import import_table as _import

    def extend(c: Any) -> tuple[Any, dict[str, Any]]:
        with stdin_file(file, ".csv") as path:
            r = _import(path, c)
        return r.case, {"case": r.case.id, "reports_added": len(r.reports_added), "claims_added": r.claims_added,
                        "claims_already_present": r.claims_skipped,
                        "sources_created": r.sources_created, "documents_created": r.documents_created}

    _, summary = _extend_case(case, out, db, extend)
    _print_summary(summary, json_out, f"imported {file} into {summary['case']}", [])


def import_ftm(
    file: Annotated[Path, typer.Argument(help="FollowTheMoney entities, one JSON object a line.")],
    case: CaseOption,
    out: OutOption = None,
    json_out: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Add FollowTheMoney people/organisations (as sources) and documents to a case; other schemata are
    kept unmapped and counted; an unknown schema or invalid property refuses the whole file.

    Example: sevenfold import-ftm entities.ftm.json --case zarubin-1937
    """
    from sevenfold.interop.ftm import import_ftm as _import

    def extend(c: Any) -> tuple[Any, dict[str, Any]]:
        with stdin_file(file, ".json") as path:
            r = _import(path, c)
        return r.case, {"case": r.case.id, "sources_added": r.sources_added,
                        "documents_added": r.documents_added, "unmapped": r.unmapped}

    _, summary = _extend_case(case, out, db, extend)
    _print_summary(summary, json_out, f"imported {file} into {summary['case']}", [])
