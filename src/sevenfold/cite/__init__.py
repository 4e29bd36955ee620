"""sevenfold.cite — citations and footnotes: parse, extract, resolve, audit, export.

Public API (stable; see docs/citations.md):

* ``parse_citation(text) -> Citation`` — the first citation in a string (``kind='unparsed'`` if none).
* ``parse_citations(text) -> list[Citation]`` — every citation in a footnote's text.
* ``extract_footnotes(text, style="auto") -> list[Footnote]`` — notes of plain text, Markdown (``[^1]:``)
  or superscript-numbered PDF extractions, page-break continuations joined; citations parsed, not resolved.
* ``audit(text, style="auto") -> AuditResult`` — footnotes, resolved references (ibid, op. cit., short
  forms, dangling), works and single-source runs: the ``sevenfold cite audit --json`` contract.
* ``to_csl_json(audit_result | citations) -> list[dict]`` — CSL-JSON items.
* ``citation_to_csl(citation, item_id, with_locator=False) -> dict`` — one CSL-JSON item for one full citation
  (also importable as ``sevenfold.cite.csl.citation_to_csl``; used by ``sevenfold.interop``).
* ``audit_file(path, style="auto") -> AuditResult`` — the same for a file: plain text, Markdown, PDF, DOCX
  or TEI, the format recognised from the content (``sevenfold.cite.inputs``).
* ``read_bibliography(data, name) -> (format, items)`` — BibTeX, RIS or CSL-JSON bytes as CSL-JSON items
  (``sevenfold.cite.bibliography``).
* Models: ``Citation``, ``Footnote``, ``Work``, ``SingleSourceRun``, ``AuditResult``, ``Person``.

Every function raises only ``sevenfold.errors.SevenfoldError`` subclasses (``InputError``,
``LimitExceeded``) on bad input.
"""

from __future__ import annotations

from typing import Any

from sevenfold.cite.audit import audit as _audit
from sevenfold.cite.audit import check_text, footnotes_of
from sevenfold.cite.csl import CslItem, citation_to_csl, to_csl_json
from sevenfold.cite.models import AuditResult, Citation, Footnote, Person, SingleSourceRun, Work
from sevenfold.cite.parse import parse_citation as _parse_citation
from sevenfold.cite.parse import parse_citations as _parse_citations

__all__ = [
    "AuditResult", "Citation", "CslItem", "Footnote", "Person", "SingleSourceRun", "Work",
    "audit", "audit_file", "citation_to_csl", "extract_footnotes", "parse_citation", "parse_citations",
    "read_bibliography", "to_csl_json",
]


def parse_citation(text: str) -> Citation:
    """Parse one citation string, e.g. ``"RGASPI, f. 17, op. 163, d. 1217, ll. 51–2"``."""
    return _parse_citation(check_text(text, "citation"))


def parse_citations(text: str) -> list[Citation]:
    """All citations in a footnote text, in order (``[]`` if none)."""
    return _parse_citations(check_text(text, "citation"))


def extract_footnotes(text: str, style: str = "auto") -> list[Footnote]:
    """The footnotes of ``text`` with parsed (unresolved) citations. style: auto|superscript|markdown|plain."""
    return footnotes_of(text, style)[1]


def audit(text: str, style: str = "auto") -> AuditResult:
    """Audit the footnotes of ``text``: see ``AuditResult`` and docs/citations.md."""
    return _audit(text, style)


def audit_file(path: str, style: str = "auto") -> AuditResult:
    """Audit the notes of a text, Markdown, PDF, DOCX or TEI file (format from its content)."""
    from sevenfold.cite.audit import audit_notes, notes_from_raw
    from sevenfold.cite.inputs import read_path
    from sevenfold.gc_pause import gc_paused

    with gc_paused():
        doc = read_path(path, style)
        return audit_notes(notes_from_raw(doc.notes), doc.style, doc.format)


def read_bibliography(data: bytes, name: str = "<bibliography>") -> tuple[str, list[dict[str, Any]]]:
    """(format, CSL-JSON items) of BibTeX, RIS or CSL-JSON bytes."""
    from sevenfold.cite.bibliography import read_bibliography as _read

    return _read(data, name)
