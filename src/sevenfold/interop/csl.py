"""CSL-JSON: a case's documents (and `cite audit` results) out, references in as documents.

Export parses each document's ``citation`` with :mod:`sevenfold.cite` and reuses its CSL mapping
(``citation_to_csl`` / ``to_csl_json``), then adds what the document itself knows (title, date,
language) and keeps the document verbatim in ``custom.sevenfold`` so our own files round-trip.
Every item is validated against the CSL-JSON schema model (:mod:`.csl_schema`) before writing.

Import turns CSL items into documents: ``id`` → document id (slugged), a citation string composed
from the item's variables (or the original one from ``custom.sevenfold``), ``title``, ``issued`` →
date, ``language``, identifiers (``doi``, ``isbn``, ``issn``, ``url``, ``citation_key``) and the whole
item under ``csl``. BibTeX and RIS files are converted by :mod:`sevenfold.cite.bibliography` first.
Items missing ``id``/``type``, or breaking the schema, are all reported and nothing is imported.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any

from sevenfold.errors import CaseValidationError, InputError
from sevenfold.interop._io import slug, unique_id
from sevenfold.interop.csl_schema import csl_item_problems
from sevenfold.model import Case, Document, case_from_data, case_to_data

MAX_PROBLEMS_SHOWN = 20


def _date_parts(date: str) -> dict[str, Any]:
    return {"date-parts": [[int(x) for x in date.split("-")]]}


def document_to_csl(doc: Document, raw: dict[str, Any] | None = None) -> dict[str, Any]:
    """One CSL item for a document; the parsed citation supplies author, container, archive, pages."""
    item: dict[str, Any] = {"id": doc.id, "type": "document"}
    if doc.citation:
        from sevenfold.cite import parse_citation
        from sevenfold.cite.csl import citation_to_csl

        cit = parse_citation(doc.citation)
        if cit.kind in ("book", "article", "archival"):
            item = citation_to_csl(cit, doc.id, with_locator=True)
        item.setdefault("note", doc.citation)
    if doc.title:
        item["title"] = doc.title
    elif "title" not in item:
        item["title"] = doc.citation or doc.id
    if doc.date:
        item["issued"] = _date_parts(doc.date)
    if doc.language:
        item["language"] = doc.language
    # the entry as the case file holds it (``raw``: with its extra keys exactly, nulls included)
    item["custom"] = {"sevenfold": raw if raw is not None else doc.model_dump(mode="json", exclude_none=True)}
    return item


def _checked(items: list[dict[str, Any]], what: str) -> list[dict[str, Any]]:
    for item in items:
        problems = csl_item_problems(item)
        if problems:  # an exporter bug, not user input: say exactly what
            raise InputError(f"{what}: item {item.get('id')!r} would not be valid CSL-JSON: {'; '.join(problems)}")
    return items


def case_to_csl(case: Case) -> list[dict[str, Any]]:
    """CSL-JSON items for the documents of ``case`` (schema-validated)."""
    raws = case_to_data(case).get("documents", [])
    return _checked([document_to_csl(d, raw) for d, raw in zip(case.documents, raws, strict=True)], f"case {case.id}")


def audit_to_csl(audit_result: Any) -> list[dict[str, Any]]:
    """CSL-JSON items for the works of a ``sevenfold.cite`` audit (its own ``to_csl_json``), validated."""
    from sevenfold.cite import to_csl_json

    return _checked(to_csl_json(audit_result), "cite audit")


# ---- import ------------------------------------------------------------------------------------------

@dataclass
class CslImport:
    case: Case
    documents_added: list[str] = field(default_factory=list)


def _names(names: list[dict[str, Any]]) -> str:
    out = []
    for n in names:
        if n.get("literal"):
            out.append(n["literal"])
        else:
            out.append(" ".join(x for x in (n.get("given"), n.get("non-dropping-particle"), n.get("family")) if x))
    return ", ".join(x for x in out if x)


def _issued(item: dict[str, Any]) -> str | None:
    issued = item.get("issued")
    if isinstance(issued, str):
        text = issued.strip()
        return text if _iso(text) else None
    if isinstance(issued, dict) and issued.get("date-parts"):
        parts = issued["date-parts"][0]
        try:
            nums = [int(p) for p in parts]
        except (TypeError, ValueError):
            return None
        text = "-".join([f"{nums[0]:04d}"] + [f"{p:02d}" for p in nums[1:]])
        return text if _iso(text) else None
    return None


def _iso(text: str) -> bool:
    from sevenfold.model.dates import parse_hist_date

    try:
        parse_hist_date(text)
    except ValueError:
        return False
    return True


def citation_from_csl(item: dict[str, Any]) -> str:
    """A readable citation string composed from a CSL item's variables."""
    if item.get("archive") or item.get("archive_location"):
        return ", ".join(str(x) for x in (item.get("archive"), item.get("archive_location")) if x)
    bits = []
    authors = _names(item.get("author", []) or [])
    if authors:
        bits.append(authors)
    if item.get("title"):
        bits.append(str(item["title"]))
    if item.get("container-title"):
        bits.append(str(item["container-title"]) + (f" {item['volume']}" if item.get("volume") else ""))
    text = ", ".join(bits)
    place = ": ".join(str(x) for x in (item.get("publisher-place"), item.get("publisher")) if x)
    year = (_issued(item) or "")[:4]
    if place or year:
        text += f" ({', '.join(x for x in (place, year) if x)})"
    if item.get("page"):
        text += f", pp. {item['page']}"
    return text.strip()


def csl_to_documents(items: Any, taken: set[str], file: str = "<csl>") -> list[dict[str, Any]]:
    """Documents (plain data) for CSL items; every schema problem is collected and refused at once."""
    if isinstance(items, dict):
        items = [items]  # one item written without the surrounding array
    if not isinstance(items, list):
        raise InputError(f"{file}: CSL-JSON must be an array of items")
    problems: list[str] = []
    for i, item in enumerate(items):
        label = f"item[{i}]" + (f" (id {item.get('id')!r})" if isinstance(item, dict) and "id" in item else "")
        problems += [f"{file}: {label}: {p}" for p in csl_item_problems(item)]
    if problems:
        shown = problems[:MAX_PROBLEMS_SHOWN]
        more = len(problems) - len(shown)
        raise InputError("invalid CSL-JSON; nothing was imported:\n" + "\n".join(shown)
                         + (f"\n... and {more} more" if more else ""))
    docs = []
    for item in items:
        ours = (item.get("custom") or {}).get("sevenfold")
        if isinstance(ours, dict) and ours.get("id"):
            doc = json.loads(json.dumps(ours))
            if doc["id"] in taken:
                raise InputError(f"{file}: document {doc['id']!r} is already in the case")
            taken.add(doc["id"])
        else:
            doc = {"id": unique_id(slug(str(item["id"]), "document"), taken), "csl_id": item["id"],
                   "csl_type": item["type"]}
            citation = citation_from_csl(item)
            if citation:
                doc["citation"] = citation
            if item.get("title"):
                doc["title"] = item["title"]
            date = _issued(item)
            if date:
                doc["date"] = date
            if item.get("language"):
                doc["language"] = item["language"]
            if item.get("note"):
                doc["note"] = item["note"]
            for var, key in _IDENTIFIERS.items():
                if item.get(var) not in (None, ""):
                    doc[key] = str(item[var])
            # every CSL variable, as given (Zotero / Better BibTeX keys, dates, names, custom)
            doc["csl"] = json.loads(json.dumps(item))
        docs.append(doc)
    return docs


_IDENTIFIERS = {"DOI": "doi", "ISBN": "isbn", "ISSN": "issn", "URL": "url", "citation-key": "citation_key",
                "PMID": "pmid", "PMCID": "pmcid"}


def _read_references(path: str | os.PathLike[str]) -> Any:
    """CSL-JSON items of a CSL-JSON, BibTeX or RIS file (recognised from the content)."""
    from pathlib import Path

    from sevenfold.cite.inputs import sniff

    try:
        head = Path(path).read_bytes()[:4096] if str(path) != "-" else b"["
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if sniff(head) in ("bibtex", "ris"):
        from sevenfold.cite.bibliography import read_bibliography

        return read_bibliography(Path(path).read_bytes(), str(path))[1]
    from sevenfold.cite.bibliography import load_csl_json  # one CSL-JSON reader for `cite import` and this
    from sevenfold.model import read_text

    return load_csl_json(read_text(Path(path)), str(path))


def import_csl(path: str | os.PathLike[str], case: Case) -> CslImport:
    """Add the references of a CSL-JSON (or BibTeX, RIS) file to ``case`` as documents; a new, validated case."""
    items = _read_references(path)
    data = case_to_data(case)
    taken = {d["id"] for d in data.get("documents", [])}
    docs = csl_to_documents(items, taken, str(path))
    data.setdefault("documents", []).extend(docs)
    try:
        new = case_from_data(data, str(path))
    except CaseValidationError as exc:
        raise CaseValidationError(exc.problems) from None
    return CslImport(case=new, documents_added=[d["id"] for d in docs])
