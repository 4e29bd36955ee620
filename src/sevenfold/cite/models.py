"""Pydantic models of the citation audit (the ``sevenfold cite audit --json`` contract).

Field names of ``Citation``, ``Footnote``, ``Work``, ``SingleSourceRun`` and ``AuditResult`` are a public
contract (docs/citations.md, /work/shared/design/contracts.md): fields may be added, never renamed or
removed.
"""

from __future__ import annotations

import builtins
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Kind = Literal["book", "article", "archival", "ibid", "op_cit", "short", "dangling", "unparsed"]
FULL_KINDS = ("book", "article", "archival")


class Person(BaseModel):
    """One author or editor, split as CSL does (family, given)."""

    model_config = ConfigDict(frozen=True)
    family: str
    given: str | None = None

    def __str__(self) -> str:
        return f"{self.given} {self.family}" if self.given else self.family


class Citation(BaseModel):
    """One citation found in a footnote.

    Contract fields (always present, ``null`` when not applicable): raw, kind, archive, fond, opis, delo,
    list, author, title, year, pages, resolves_to. Everything after ``resolves_to`` is an addition.
    """

    raw: str
    kind: Kind
    archive: str | None = None
    fond: str | None = None
    opis: str | None = None
    delo: str | None = None
    list: str | None = Field(default=None, description="folio(s) (l./ll.), ranges expanded: '51-52'")
    author: str | None = Field(default=None, description="authors as written, e.g. 'Ian Kershaw'")
    title: str | None = None
    year: int | None = None
    pages: str | None = Field(default=None, description="pages as written, ASCII hyphen: '367-69'")
    resolves_to: str | None = Field(default=None, description="work id ('w3'); null if dangling/unparsed")
    # ---- additions ----------------------------------------------------------------------------
    form: str | None = Field(default=None, description="for ibid/op_cit/short/dangling: the written form")
    reason: str | None = Field(default=None, description="why a reference is dangling")
    quoted_in: bool = Field(default=False, description="'Quoted in ...': the author quotes someone else")
    authors: builtins.list[Person] = Field(default_factory=builtins.list)
    editors: builtins.list[Person] = Field(default_factory=builtins.list)
    container: str | None = Field(default=None, description="journal, newspaper or edited volume")
    volume: str | None = None
    issue: str | None = None
    place: str | None = None
    date: str | None = Field(default=None, description="a full date when one is given (ISO 8601)")
    first_page: int | None = None
    last_page: int | None = None
    locator: str | None = Field(default=None, description="other locator: 'ch 6', 'roll 8', 'S.9.4.5'")
    series: str | None = Field(default=None, description="microfilm publication (NARA 'T1243')")
    roll: str | None = None
    signature: str | None = Field(default=None, description="call number: CAW 'I.303.4.3158', 'S.9.4.5'")
    reference_code: str | None = Field(default=None, description="JACAR reference code 'C01004123400'")
    item: str | None = Field(default=None, description="file/decimal number, e.g. NARA '760c.6/682'")
    country: str | None = None
    csl_type: str | None = Field(default=None, description="CSL item type this would export as")
    note: str | None = None
    start: int | None = Field(default=None, description="offset of raw in the footnote text")
    record_group: str | None = Field(default=None, description="NARA record group number: '242'")
    publication: str | None = Field(default=None, description="microfilm publication: 'T175', 'M1234'")
    frame: str | None = Field(default=None, description="microfilm frame(s): '2345-2350'")
    folio: str | None = Field(default=None, description="Blatt/karta/folio, recto/verso kept: '45-47', '12v'")
    box: str | None = None
    folder: str | None = None
    collection: str | None = Field(default=None, description="collection, papers, Nachlass or fonds name")
    archive_series: str | None = Field(default=None, description="series within a collection: 'Series 2'")
    inherited: builtins.list[str] = Field(default_factory=builtins.list,
                                          description="ibid: the fields copied from the cited antecedent")


class Footnote(BaseModel):
    """A footnote: its number, the full text (page-break continuations joined), its citations."""

    n: int
    citations: list[Citation]
    text: str = ""
    label: str | None = Field(default=None, description="Markdown label when not the number")
    line: int | None = Field(default=None, description="1-based line where the note starts")
    continued_at: list[int] = Field(default_factory=list, description="lines of page-break continuations")


class Work(BaseModel):
    """A cited work: every footnote whose support includes it."""

    id: str
    label: str
    footnotes: list[int]
    kind: str = "book"
    first_footnote: int | None = None
    citation: Citation | None = Field(default=None, description="the full citation that introduced it")


class SingleSourceRun(BaseModel):
    """A maximal run of >= 2 consecutive footnotes all supported by one single work."""

    footnotes: list[int]
    work: str
    label: str | None = None


class AuditResult(BaseModel):
    """``sevenfold cite audit --json``."""

    footnotes: list[Footnote]
    works: list[Work]
    single_source_runs: list[SingleSourceRun]
    style: str = "auto"
    dangling: list[int] = Field(default_factory=list, description="footnotes with a dangling reference")
    unparsed: list[int] = Field(default_factory=list, description="footnotes with no recognisable citation")
    problems: list[str] = Field(default_factory=list,
                                description="numbering gaps, duplicates and notes out of order")
    source_format: str | None = Field(default=None, description="text, markdown, pdf, docx or tei")

    def work(self, work_id: str) -> Work:
        for w in self.works:
            if w.id == work_id:
                return w
        raise KeyError(work_id)

    def footnote(self, n: int) -> Footnote:
        for f in self.footnotes:
            if f.n == n:
                return f
        raise KeyError(n)
