"""The footnote audit: extract notes, parse their citations, resolve references, find single-source runs."""

from __future__ import annotations

import os

from sevenfold.cite.footnotes import extract
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
    notes = []
    for r in raw:
        cits = parse_citations(r.text)
        if not cits:
            cits = [Citation(raw=r.text.strip(), kind="unparsed", start=0)]
        notes.append(Footnote(n=r.n, citations=cits, text=r.text, label=r.label, line=r.line,
                              continued_at=r.continued_at))
    return used, notes


def audit(text: str, style: str = "auto", where: str = "text") -> AuditResult:
    used, notes = footnotes_of(text, style, where)
    works = resolve(notes)
    runs = single_source_runs(notes, works)
    return AuditResult(
        footnotes=notes,
        works=works,
        single_source_runs=runs,
        style=used,
        dangling=[f.n for f in notes if any(c.kind == "dangling" for c in f.citations)],
        unparsed=[f.n for f in notes if all(c.kind == "unparsed" for c in f.citations)],
    )
