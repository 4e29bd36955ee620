"""The footnote audit: extract notes, parse their citations, resolve references, find single-source runs."""

from __future__ import annotations

import os

from sevenfold.cite.footnotes import RawNote, extract, numbering_problems
from sevenfold.cite.models import AuditResult, Citation, Footnote
from sevenfold.cite.parse import parse_citations
from sevenfold.cite.resolve import resolve, single_source_runs
from sevenfold.cite.textnorm import normalize_input
from sevenfold.errors import InputError, LimitExceeded

DEFAULT_MAX_CHARS = 50_000_000


def max_chars() -> int:
    raw = os.environ.get("SEVENFOLD_LIMIT_CITE_TEXT_CHARS")
    if raw is None:
        return DEFAULT_MAX_CHARS
    try:
        return int(raw)
    except ValueError as exc:
        raise InputError(f"SEVENFOLD_LIMIT_CITE_TEXT_CHARS: not an integer: {raw!r}") from exc


def check_text(text: object, where: str = "text") -> str:
    if not isinstance(text, str):
        raise InputError(f"{where}: expected text (str), got {type(text).__name__}")
    limit = max_chars()
    if len(text) > limit:
        raise LimitExceeded("cite text chars", len(text), limit, where)
    return normalize_input(text)


def footnotes_of(text: str, style: str = "auto", where: str = "text") -> tuple[str, list[Footnote]]:
    text = check_text(text, where)
    used, raw = extract(text, style)
    return used, notes_from_raw(raw)


class NoteList(list[Footnote]):
    """Footnotes, with the problems found while cutting the text into notes (numbered lines kept as text)."""

    problems: list[str]


def notes_from_raw(raw: list[RawNote]) -> list[Footnote]:
    """Parse the citations of extracted notes (any source format)."""
    notes = NoteList()
    notes.problems = [p for r in raw for p in r.problems]
    for r in raw:
        cits = parse_citations(r.text)
        if not cits:
            cits = [Citation(raw=r.text.strip(), kind="unparsed", start=0)]
        # values of the model's own types, built here: construct without re-validating (100,000 notes)
        fn = Footnote.__new__(Footnote)
        fields = {"n": r.n, "citations": cits, "text": r.text, "label": r.label, "line": r.line,
                  "continued_at": list(r.continued_at)}
        object.__setattr__(fn, "__dict__", fields)
        object.__setattr__(fn, "__pydantic_fields_set__", set(fields))
        object.__setattr__(fn, "__pydantic_extra__", None)
        object.__setattr__(fn, "__pydantic_private__", None)
        notes.append(fn)
    return notes


def audit(text: str, style: str = "auto", where: str = "text") -> AuditResult:
    from sevenfold.gc_pause import gc_paused

    with gc_paused():  # many small acyclic objects: the cyclic collector would rescan them again and again
        used, notes = footnotes_of(text, style, where)
        return audit_notes(notes, used)


def audit_notes(notes: list[Footnote], style: str, source_format: str | None = None) -> AuditResult:
    """Resolve and summarise already extracted notes (from text, PDF, DOCX or TEI)."""
    used = style
    works = resolve(notes)
    runs = single_source_runs(notes, works)
    dangling: list[int] = []
    unparsed: list[int] = []
    for f in notes:
        cits = f.citations
        if len(cits) == 1:  # the common case, without building a set
            kind = cits[0].kind
            if kind == "dangling":
                dangling.append(f.n)
            elif kind == "unparsed":
                unparsed.append(f.n)
            continue
        kinds = {c.kind for c in cits}
        if "dangling" in kinds:
            dangling.append(f.n)
        if kinds == {"unparsed"}:
            unparsed.append(f.n)
    return AuditResult(
        footnotes=notes,
        works=works,
        single_source_runs=runs,
        style=used,
        dangling=dangling,
        unparsed=unparsed,
        problems=numbering_problems([(f.n, f.label) for f in notes]) + list(getattr(notes, "problems", [])),
        source_format=source_format,
    )
