"""CSL-JSON export of the works of an audit (or of parsed citations).

Items follow the CSL-JSON data schema (citation-style-language/schema, csl-data.json): ``id``, ``type``
(book, article-journal, article-newspaper, chapter, paper-conference, manuscript for archival items),
``author``/``editor`` as ``[{family, given}]``, ``title``, ``container-title``, ``publisher-place``,
``issued: {date-parts: [[y, m, d]]}``, ``page``, ``volume``, ``issue``, ``archive``,
``archive_location``, ``note``. ``CslItem`` is a pydantic model of that subset used to validate output.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from sevenfold.cite.archives import archive_by_code
from sevenfold.cite.models import AuditResult, Citation, Person

CslType = Literal["book", "article-journal", "article-newspaper", "chapter", "paper-conference", "manuscript",
                  "document"]


class CslName(BaseModel):
    model_config = ConfigDict(extra="forbid")
    family: str | None = None
    given: str | None = None
    literal: str | None = None


class CslDate(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    date_parts: list[list[int]] = Field(alias="date-parts", min_length=1, max_length=2)
    literal: str | None = None


class CslItem(BaseModel):
    """A CSL-JSON item (the fields sevenfold writes; the schema allows more)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    id: str
    type: CslType
    title: str | None = None
    author: list[CslName] | None = None
    editor: list[CslName] | None = None
    container_title: str | None = Field(default=None, alias="container-title")
    publisher_place: str | None = Field(default=None, alias="publisher-place")
    issued: CslDate | None = None
    page: str | None = None
    volume: str | None = None
    issue: str | None = None
    archive: str | None = None
    archive_place: str | None = Field(default=None, alias="archive-place")
    archive_location: str | None = None
    archive_collection: str | None = None
    note: str | None = None


def _names(people: list[Person]) -> list[dict[str, str]] | None:
    out = []
    for p in people:
        d = {"family": p.family}
        if p.given:
            d["given"] = p.given
        out.append(d)
    return out or None


def archive_location(c: Citation, with_locator: bool = False) -> str | None:
    """'f. 17, op. 163, d. 1217' (the file); with ``with_locator`` also the folios ('l. 51-52')."""
    bits = []
    for key, val in (("f.", c.fond), ("op.", c.opis), ("d.", c.delo)):
        if val:
            bits.append(f"{key} {val}")
    if with_locator and c.list and (c.fond or c.delo):
        bits.append(f"{'ll.' if '-' in c.list or ',' in c.list else 'l.'} {c.list}")
    if c.record_group:
        bits.append(f"RG {c.record_group}")
    if c.signature:
        bits.append(c.signature)
    if c.series:
        bits.append(c.series + (f", roll {c.roll}" if c.roll else ""))
    elif c.roll:
        bits.append(f"roll {c.roll}")
    if c.archive_series:
        bits.append(f"series {c.archive_series}")
    if c.box:
        bits.append(f"box {c.box}")
    if c.folder:
        bits.append(f"folder {c.folder}")
    if with_locator and c.frame:
        bits.append(f"frames {c.frame}" if "-" in c.frame or "," in c.frame else f"frame {c.frame}")
    if with_locator and c.folio and not c.fond:
        bits.append(f"f. {c.folio}")
    if c.item:
        bits.append(c.item)
    if c.reference_code:
        bits.append(f"Ref. {c.reference_code}")
    if c.locator:
        bits.append(c.locator)
    return ", ".join(bits) or None


def citation_to_csl(c: Citation, item_id: str, with_locator: bool = False) -> dict[str, Any]:
    """One CSL-JSON item for a full citation (book, article, archival)."""
    typ = c.csl_type or {"book": "book", "article": "article-journal", "archival": "manuscript"}.get(c.kind, "document")
    item: dict[str, Any] = {"id": item_id, "type": typ}
    if c.kind == "archival":
        arch = archive_by_code(c.archive or "")
        item["archive"] = arch.name if arch else c.archive
        if c.collection:
            item["archive_collection"] = c.collection
        loc = archive_location(c, with_locator)
        if loc:
            item["archive_location"] = loc
        item["title"] = f"{c.archive}, {loc}" if loc else (c.archive or c.raw)
    else:
        if c.title:
            item["title"] = c.title
        if c.authors:
            item["author"] = _names(c.authors)
        if c.editors:
            item["editor"] = _names(c.editors)
        if c.container:
            item["container-title"] = c.container
        if c.place:
            item["publisher-place"] = c.place
        if c.volume:
            item["volume"] = c.volume
        if c.issue:
            item["issue"] = c.issue
        if with_locator or (c.kind == "article" and c.first_page != c.last_page):
            if c.first_page is not None and c.last_page is not None and c.last_page != c.first_page:
                item["page"] = f"{c.first_page}-{c.last_page}"
            elif c.pages:
                item["page"] = c.pages
    if c.date:
        y, m, d = (int(x) for x in c.date.split("-"))
        item["issued"] = {"date-parts": [[y, m, d]]}
    elif c.year:
        item["issued"] = {"date-parts": [[c.year]]}
    if c.note:
        item["note"] = c.note
    if "title" not in item and c.kind != "archival":
        item["title"] = c.container or c.raw
    CslItem.model_validate(item)  # never export what we would not accept
    return item


def to_csl_json(source: AuditResult | list[Citation]) -> list[dict[str, Any]]:
    """CSL-JSON items: one per work of an audit, or one per full citation of a list.

    Work items carry the work id (``w7``); a list of citations gets ids ``c1``, ``c2``, ...
    Back-references (ibid, short forms) are not works and are skipped.
    """
    items: list[dict[str, Any]] = []
    if isinstance(source, AuditResult):
        for w in source.works:
            if w.citation is not None:
                items.append(citation_to_csl(w.citation, w.id))
        return items
    k = 0
    for c in source:
        if c.kind in ("book", "article", "archival"):
            k += 1
            items.append(citation_to_csl(c, f"c{k}", with_locator=True))
    return items
