"""``sevenfold cite`` — footnote audit, citation parsing and CSL-JSON export."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from sevenfold.errors import InputError

cite_app = typer.Typer(
    help="Citations: audit a text's footnotes, parse a citation, export CSL-JSON.\n\n"
    "Example: sevenfold cite audit paper.txt --json",
    no_args_is_help=True,
)


def _read(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start})") from exc


def _dump(obj: object) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")


@cite_app.command("audit")
def audit_cmd(
    text: str = typer.Argument(..., help="Text file to audit ('-' for standard input)."),
    as_json: bool = typer.Option(False, "--json", help="Print the audit as JSON (the documented contract)."),
    csl: Path | None = typer.Option(None, "--csl", help="Also write the cited works as CSL-JSON to this file."),
    style: str = typer.Option("auto", "--style", help="Footnote style: auto, superscript, markdown, plain."),
    strict: bool = typer.Option(False, "--strict", help="Exit 1 when a reference dangles or a note has no citation."),
) -> None:
    """Audit the footnotes of TEXT: citations, Ibid./op. cit./short forms resolved, dangling references,
    works and single-source runs.

    Example: sevenfold cite audit paper.txt --json --csl works.json
    """
    from sevenfold.cite import audit, to_csl_json

    result = audit(_read(text), style=style)
    if csl is not None:
        try:
            csl.write_text(json.dumps(to_csl_json(result), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        except OSError as exc:
            raise InputError(f"{csl}: cannot write: {exc.strerror or exc}") from exc
    if as_json:
        _dump(result.model_dump(mode="json", exclude={"works": {"__all__": {"citation"}}}))
    else:
        _render(result, text)
    if strict and (result.dangling or result.unparsed):
        raise typer.Exit(1)


@cite_app.command("parse")
def parse_cmd(
    citation: str = typer.Argument(..., help="The citation text (quote it)."),
    as_json: bool = typer.Option(False, "--json", help="Print the parsed citations as JSON."),
    csl: bool = typer.Option(False, "--csl", help="Print CSL-JSON items instead."),
) -> None:
    """Parse a citation (or a whole footnote) into structured fields.

    Example: sevenfold cite parse "RGASPI, f. 17, op. 163, d. 1217, ll. 51–2" --json
    """
    from sevenfold.cite import parse_citations, to_csl_json
    from sevenfold.cite.models import Citation

    found = parse_citations(citation) or [Citation(raw=citation.strip(), kind="unparsed", start=0)]
    if csl:
        _dump(to_csl_json(found))
        return
    if as_json:
        _dump([c.model_dump(mode="json") for c in found])
        return
    console = Console()
    for c in found:
        table = Table(title=f"[bold]{c.kind}[/]  {escape(c.raw)}", show_header=False, title_justify="left")
        for key, val in c.model_dump(exclude={"raw", "kind", "start"}).items():
            if val not in (None, [], False):
                if key in ("authors", "editors"):
                    val = "; ".join(f"{p['family']}, {p['given']}" if p.get("given") else p["family"] for p in val)
                table.add_row(key, escape(str(val)))
        console.print(table)


_KIND_STYLE = {"book": "green", "article": "green", "archival": "cyan", "ibid": "blue", "op_cit": "blue",
               "short": "blue", "dangling": "bold red", "unparsed": "yellow"}


def _render(result: object, name: str) -> None:
    from sevenfold.cite.models import AuditResult

    assert isinstance(result, AuditResult)
    console = Console()
    table = Table(title=f"Footnotes of {name} ({len(result.footnotes)}, style {result.style})")
    table.add_column("n", justify="right")
    table.add_column("kind")
    table.add_column("citation")
    table.add_column("→ work")
    for fn in result.footnotes:
        for i, c in enumerate(fn.citations):
            raw = c.raw if len(c.raw) <= 90 else c.raw[:87] + "…"
            target = c.resolves_to or (c.reason or "")
            kind = f"[{_KIND_STYLE[c.kind]}]{c.kind}[/]" + (" (quoted in)" if c.quoted_in else "")
            table.add_row(str(fn.n) if i == 0 else "", kind, escape(raw), escape(target))
    console.print(table)
    works = Table(title=f"Works ({len(result.works)})")
    works.add_column("id")
    works.add_column("work")
    works.add_column("footnotes")
    for w in result.works:
        works.add_row(w.id, escape(w.label), ", ".join(str(n) for n in w.footnotes))
    console.print(works)
    if result.single_source_runs:
        for run in result.single_source_runs:
            console.print(f"[bold yellow]single-source run[/]: footnotes {run.footnotes[0]}–{run.footnotes[-1]} "
                          f"all rest on {run.work} ({escape(run.label or '')})")
    else:
        console.print("no single-source runs")
    if result.dangling:
        console.print(f"[bold red]dangling references[/] in footnotes {', '.join(map(str, result.dangling))}")
    if result.unparsed:
        console.print(f"[yellow]notes without a recognisable citation[/]: {', '.join(map(str, result.unparsed))}")


def register(app: typer.Typer) -> None:
    app.add_typer(cite_app, name="cite")
