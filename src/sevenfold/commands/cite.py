"""``sevenfold cite`` — footnote audit, citation parsing and CSL-JSON export."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Literal

import typer
from rich.markup import escape
from rich.table import Table

from sevenfold.commands._common import (
    STDIO,
    check_output,
    data_on_stdout,
    is_stdio,
    read_stdin_bytes,
    stdout_console,
    write_output,
)
from sevenfold.errors import InputError

cite_app = typer.Typer(
    help="Citations: audit the footnotes of a text, PDF, DOCX or TEI file, parse a citation, import a "
    "bibliography (BibTeX, RIS, CSL-JSON).\n\nExample: sevenfold cite audit paper.pdf --json",
    no_args_is_help=True,
)


JSON_INDENT_MAX = 10_000  # citations above which --json is written on one line


def _read_bytes(path: str) -> bytes:
    if is_stdio(path):
        return read_stdin_bytes()  # size-limited like a file
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc


def _dump(obj: object) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")


FootnoteStyle = Literal["auto", "superscript", "markdown", "plain"]  # of sevenfold.cite.footnotes.extract


@cite_app.command("audit")
def audit_cmd(
    text: str = typer.Argument(..., help="File to audit: plain text, Markdown, PDF, DOCX or TEI ('-' for "
                                         "standard input). The format is recognised from the content."),
    as_json: bool = typer.Option(False, "--json", help="Print the audit as JSON (the documented contract)."),
    csl: Path | None = typer.Option(None, "--csl", help="Also write the cited works as CSL-JSON to this file "
                                                        "('-': standard output; the table then goes to stderr)."),
    style: FootnoteStyle = typer.Option("auto", "--style", help="Footnote style of text files: auto, superscript, "
                                                                 "markdown, plain."),
    strict: bool = typer.Option(False, "--strict", help="Exit 1 when a reference dangles, a note has no "
                                                        "citation, or the note numbering has a gap or duplicate."),
    limit: int = typer.Option(200, "--limit", min=0, help="Table rows shown before the rest is summarised (0: all)."),
) -> None:
    """Audit the footnotes of a file: citations, Ibid./op. cit./short forms resolved (Ibid. inherits the
    archive, signature, roll ... of what it repeats), dangling references, works, single-source runs and
    gaps in the note numbering.

    Example: sevenfold cite audit chapter.pdf --json --csl works.json
    """
    from sevenfold.cite.audit import audit_notes, notes_from_raw
    from sevenfold.cite.inputs import read_notes
    from sevenfold.gc_pause import gc_paused

    name = "<stdin>" if text == "-" else text
    check_output(csl, inputs=(text,))  # never over the file being audited
    if is_stdio(csl) and as_json:
        raise InputError("--csl - and --json both write to standard output; only one can go there: give --csl a "
                         "file name, or leave out --json")
    with gc_paused():  # 100,000 notes make ~10^6 acyclic objects: no collector passes over them
        doc = read_notes(_read_bytes(text), name, style)
        result = audit_notes(notes_from_raw(doc.notes), doc.style, doc.format)
    if csl is not None:
        from sevenfold.cite import to_csl_json

        write_output(csl, json.dumps(to_csl_json(result), ensure_ascii=False, indent=2) + "\n")
    if as_json:
        # indented for reading; one line when large (100,000 citations: a third of the size and time)
        total = sum(len(fn.citations) for fn in result.footnotes)
        # UTF-8 bytes straight to standard output (100,000 notes: no decode and re-encode)
        write_output(STDIO, result.__pydantic_serializer__.to_json(
            result, indent=2 if total <= JSON_INDENT_MAX else None, exclude={"works": {"__all__": {"citation"}}})
            + b"\n")
    else:
        with data_on_stdout(is_stdio(csl)):
            _render(result, name, limit)
    if strict and (result.dangling or result.unparsed or result.problems):
        why = [f"{len(result.dangling)} notes with a dangling reference"] if result.dangling else []
        why += [f"{len(result.unparsed)} notes without a citation"] if result.unparsed else []
        why += result.problems[:5] + ([f"{len(result.problems) - 5} more numbering problems"]
                                      if len(result.problems) > 5 else [])
        sys.stderr.write(f"{name}: --strict: " + "; ".join(why) + "\n")
        raise typer.Exit(1)


@cite_app.command("import")
def import_cmd(
    bibliography: str = typer.Argument(..., help="BibTeX, RIS or CSL-JSON (Zotero, Better BibTeX) file, or '-'."),
    out: str = typer.Option("-", "--out", "-o", help="Where to write the CSL-JSON items ('-': standard output)."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON summary instead of a table (with --out)."),
) -> None:
    """Read a bibliography and write it as CSL-JSON (every CSL 1.0.2 variable kept: DOI, ISBN,
    citation-key ...). The format is recognised from the content. Add the result to a case with
    `sevenfold import-csl`.

    Example: sevenfold cite import library.bib --out library.json
    """
    from sevenfold.cite.bibliography import read_bibliography

    name = "<stdin>" if bibliography == "-" else bibliography
    check_output(out, inputs=(bibliography,))  # never over the bibliography being read
    fmt, items = read_bibliography(_read_bytes(bibliography), name)
    payload = json.dumps(items, ensure_ascii=False, indent=2) + "\n"
    if out == "-":
        sys.stdout.write(payload)
        if as_json:  # the items are on stdout: the summary goes to stderr
            sys.stderr.write(json.dumps({"format": fmt, "items": len(items), "out": out}, indent=2) + "\n")
        return
    try:
        Path(out).write_text(payload, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{out}: cannot write: {exc.strerror or exc}") from exc
    if as_json:
        _dump({"format": fmt, "items": len(items), "out": out})
    else:
        stdout_console(stderr=True).print(f"{len(items)} {fmt} references written to {escape(out)} as CSL-JSON")


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
    console = stdout_console()
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


def _render(result: object, name: str, limit: int = 200) -> None:
    """Tables of the first ``limit`` rows; the rest is counted, not drawn (a 100,000-note file prints fast)."""
    from collections import Counter

    from sevenfold.cite.models import AuditResult

    assert isinstance(result, AuditResult)
    console = stdout_console()
    total = sum(len(fn.citations) for fn in result.footnotes)
    fmt = f", {result.source_format}" if result.source_format else ""
    table = Table(title=f"Footnotes of {escape(name)} ({len(result.footnotes)}, style {result.style}{fmt})")
    table.add_column("n", justify="right")
    table.add_column("kind")
    table.add_column("citation")
    table.add_column("→ work")
    shown = 0
    for fn in result.footnotes:
        if limit and shown >= limit:
            break
        for i, c in enumerate(fn.citations):
            if limit and shown >= limit:
                break
            raw = c.raw if len(c.raw) <= 90 else c.raw[:87] + "…"
            target = c.resolves_to or (c.reason or "")
            kind = f"[{_KIND_STYLE[c.kind]}]{c.kind}[/]" + (" (quoted in)" if c.quoted_in else "")
            table.add_row(str(fn.n) if i == 0 else "", kind, escape(raw), escape(target))
            shown += 1
    console.print(table)
    if shown < total:
        kinds = Counter(c.kind for fn in result.footnotes for c in fn.citations)
        console.print(f"… {total - shown:,} more citations not shown (--limit 0 shows all, --json gives "
                      f"everything); all {total:,}: " + ", ".join(f"{k} {v:,}" for k, v in kinds.most_common()))
    works = Table(title=f"Works ({len(result.works)})")
    works.add_column("id")
    works.add_column("work")
    works.add_column("footnotes")
    for w in result.works[: limit or None]:
        notes = w.footnotes if len(w.footnotes) <= 30 else [*w.footnotes[:30]]
        more = f" … (+{len(w.footnotes) - 30:,})" if len(w.footnotes) > 30 else ""
        works.add_row(w.id, escape(w.label), ", ".join(str(n) for n in notes) + more)
    console.print(works)
    if limit and len(result.works) > limit:
        console.print(f"… {len(result.works) - limit:,} more works not shown")
    runs = result.single_source_runs
    for run in runs[: limit or None]:
        console.print(f"[bold yellow]single-source run[/]: footnotes {run.footnotes[0]}–{run.footnotes[-1]} "
                      f"all rest on {run.work} ({escape(run.label or '')})")
    if not runs:
        console.print("no single-source runs")
    elif limit and len(runs) > limit:
        console.print(f"… {len(runs) - limit:,} more single-source runs")

    def _list(ns: list[int]) -> str:
        head = ", ".join(map(str, ns[:50]))
        return head + (f" … ({len(ns):,} in all)" if len(ns) > 50 else "")

    if result.dangling:
        console.print(f"[bold red]dangling references[/] in footnotes {_list(result.dangling)}")
    if result.unparsed:
        console.print(f"[yellow]notes without a recognisable citation[/]: {_list(result.unparsed)}")
    for problem in result.problems[:50]:
        console.print(f"[bold red]numbering[/]: {escape(problem)}")
    if len(result.problems) > 50:
        console.print(f"… {len(result.problems) - 50:,} more numbering problems")


def register(app: typer.Typer) -> None:
    app.add_typer(cite_app, name="cite")
