"""Bibliographies in: BibTeX (bibtexparser), RIS (rispy) and CSL-JSON (Zotero, Better BibTeX) -> CSL-JSON items.

Every item is checked against the CSL-JSON schema (``sevenfold.interop.csl_schema``, CSL 1.0.2
variables, ``citation-key`` included); identifiers (DOI, ISBN, ISSN, URL) are kept. A file that
cannot be read whole is refused with one line naming the entry: nothing is half-imported.
"""

from __future__ import annotations

import json
import re
from typing import Any

from sevenfold.cite.inputs import _lazy
from sevenfold.errors import InputError

ACCEPTED_BIB = "accepted: BibTeX (.bib), RIS (.ris), CSL-JSON (Zotero, Better BibTeX)"


def _year_parts(value: str) -> dict[str, Any] | None:
    m = re.search(r"(?<!\d)(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", value)
    if not m:
        return {"literal": value} if value.strip() else None
    parts = [int(g) for g in m.groups() if g]
    return {"date-parts": [parts]}


def _person(name: str) -> dict[str, str]:
    name = " ".join(name.split()).strip(" ,")
    if name.startswith("{") and name.endswith("}"):
        return {"literal": name.strip("{}")}
    if "," in name:
        family, given = (x.strip() for x in name.split(",", 1))
        out = {"family": family}
        if given:
            out["given"] = given
        return out
    from sevenfold.cite.locators import split_people

    people = split_people(name)
    if len(people) == 1:
        p = people[0]
        return {"family": p.family, **({"given": p.given} if p.given else {})}
    return {"literal": name}


# ---- BibTeX -----------------------------------------------------------------------------------------

BIBTEX_TYPES = {
    "article": "article-journal", "book": "book", "booklet": "pamphlet", "inbook": "chapter",
    "incollection": "chapter", "inproceedings": "paper-conference", "conference": "paper-conference",
    "manual": "report", "mastersthesis": "thesis", "phdthesis": "thesis", "thesis": "thesis",
    "proceedings": "book", "techreport": "report", "report": "report", "unpublished": "manuscript",
    "misc": "document", "online": "webpage", "collection": "book", "periodical": "periodical",
    "dataset": "dataset", "software": "software", "patent": "patent", "mvbook": "book",
}
_BIB_FIELDS = {
    "title": "title", "journal": "container-title", "journaltitle": "container-title", "booktitle": "container-title",
    "publisher": "publisher", "address": "publisher-place", "location": "publisher-place", "volume": "volume",
    "number": "issue", "issue": "issue", "pages": "page", "edition": "edition", "series": "collection-title",
    "doi": "DOI", "isbn": "ISBN", "issn": "ISSN", "url": "URL", "note": "note", "abstract": "abstract",
    "language": "language", "langid": "language", "school": "publisher", "institution": "publisher",
    "chapter": "chapter-number", "keywords": "keyword", "shorttitle": "title-short", "howpublished": "medium",
    "type": "genre", "eprint": "number", "archive": "archive", "archive_location": "archive_location",
}
_ENTRY_START = re.compile(r"^\s*@\s*(?P<type>[A-Za-z]+)\s*[{(]\s*(?P<key>[^,\s]*)", re.MULTILINE)
_LATEX = [(r"\\&", "&"), (r"--", "–"), (r"\\textit\{([^{}]*)\}", r"\1"), (r"\\emph\{([^{}]*)\}", r"\1"),
          (r"\\textbf\{([^{}]*)\}", r"\1"), (r"[{}]", "")]


def _delatex(s: str) -> str:
    try:
        from bibtexparser.latexenc import latex_to_unicode

        s = latex_to_unicode(s)
    except ImportError:  # pragma: no cover - bibtexparser is imported before this is called
        pass
    for pat, rep in _LATEX:
        s = re.sub(pat, rep, s)
    return " ".join(s.split())


def _check_bibtex(text: str, name: str) -> list[tuple[str, str, int]]:
    """(type, key, line) of every entry; a malformed entry (braces that never close) is refused."""
    entries = []
    for m in _ENTRY_START.finditer(text):
        typ = m.group("type").casefold()
        line = text.count("\n", 0, m.start()) + 1
        if typ in ("comment", "preamble", "string"):
            continue
        # braces must balance before the next entry starts
        nxt = _ENTRY_START.search(text, m.end())
        body = text[m.end(): nxt.start() if nxt else len(text)]
        depth = 1
        ok = False
        for ch in body:
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
                if depth == 0:
                    ok = True
                    break
        if text[m.end() - len(m.group("key")) - 1] == "(":  # @book(key, ...) form
            ok = ok or ")" in body
        if not ok:
            raise InputError(f"{name}: line {line}: BibTeX entry @{m.group('type')}{{{m.group('key')}: unbalanced "
                             f"braces (the entry never closes); nothing was imported")
        if typ not in BIBTEX_TYPES:
            raise InputError(f"{name}: line {line}: unknown BibTeX entry type @{m.group('type')} "
                             f"({', '.join(sorted(BIBTEX_TYPES))})")
        entries.append((typ, m.group("key"), line))
    return entries


def bibtex_to_csl(text: str, name: str = "<bibtex>") -> list[dict[str, Any]]:
    bibtexparser = _lazy("bibtexparser", name)
    from bibtexparser.bparser import BibTexParser

    found = _check_bibtex(text, name)
    if not found:
        raise InputError(f"{name}: no BibTeX entries (@book{{key, ...}}); {ACCEPTED_BIB}")
    parser = BibTexParser(common_strings=True, ignore_nonstandard_types=False, interpolate_strings=True)
    try:
        db = bibtexparser.loads(text, parser)
    except Exception as exc:
        raise InputError(f"{name}: malformed BibTeX ({type(exc).__name__}: {exc}); nothing was imported") from exc
    got = {e.get("ID") for e in db.entries}
    for typ, key, line in found:
        if key not in got:
            raise InputError(f"{name}: line {line}: BibTeX entry @{typ}{{{key}, ...}} could not be read (a field "
                             f"without '=' or a missing comma?); nothing was imported")
    items = []
    for e in db.entries:
        typ = e.get("ENTRYTYPE", "misc").casefold()
        item: dict[str, Any] = {"id": e["ID"], "citation-key": e["ID"], "type": BIBTEX_TYPES.get(typ, "document")}
        for field, var in _BIB_FIELDS.items():
            if e.get(field) and var not in item:
                val = _delatex(e[field])
                if var == "page":
                    val = val.replace("–", "-")
                item[var] = val
        for role in ("author", "editor", "translator"):
            if e.get(role):
                item[role] = [_person(_delatex(p)) for p in re.split(r"\s+and\s+", e[role]) if p.strip()]
        date = e.get("date") or e.get("year")
        if date:
            parts = _year_parts(date)
            if parts:
                item["issued"] = parts
        items.append(item)
    return items


# ---- RIS ---------------------------------------------------------------------------------------------

RIS_TYPES = {
    "BOOK": "book", "EBOOK": "book", "EDBOOK": "book", "CHAP": "chapter", "ECHAP": "chapter",
    "JOUR": "article-journal", "EJOUR": "article-journal", "MGZN": "article-magazine", "NEWS": "article-newspaper",
    "CONF": "paper-conference", "CPAPER": "paper-conference", "THES": "thesis", "RPRT": "report",
    "MANSCPT": "manuscript", "UNPB": "manuscript", "PAMP": "pamphlet", "ELEC": "webpage", "WEB": "webpage",
    "MAP": "map", "GEN": "document", "LEGAL": "legal_case", "STAT": "legislation", "DATA": "dataset",
    "PCOMM": "personal_communication", "INTV": "interview", "ART": "graphic", "ADVS": "motion_picture",
    "SOUND": "song", "COMP": "software", "GOVDOC": "report", "HEAR": "hearing", "CASE": "legal_case",
    "BILL": "bill", "PAT": "patent", "SER": "book", "ENCYC": "entry-encyclopedia", "DICT": "entry-dictionary",
    "ABST": "article", "AGGR": "dataset", "ANCIENT": "classic", "BLOG": "post-weblog", "CLSWK": "classic",
    "CTLG": "document", "DBASE": "dataset", "EQUA": "document", "FIGURE": "figure", "GRANT": "document",
    "ICOMM": "personal_communication", "INPR": "article-journal", "JFULL": "periodical", "MULTI": "document",
    "MUSIC": "musical_score", "SLIDE": "document", "STAND": "standard", "VIDEO": "motion_picture",
}
_RIS_FIELDS = {
    "title": "title", "primary_title": "title", "secondary_title": "container-title",
    "journal_name": "container-title", "alternate_title3": "container-title-short",
    "place_published": "publisher-place",
    "publisher": "publisher", "volume": "volume", "number": "issue", "edition": "edition", "doi": "DOI",
    "issn": "ISBN", "url": "URL", "notes": "note", "abstract": "abstract", "language": "language",
    "tertiary_title": "collection-title", "call_number": "call-number", "archive_location": "archive_location",
    "name_of_database": "archive", "short_title": "title-short",
}


def ris_to_csl(text: str, name: str = "<ris>") -> list[dict[str, Any]]:
    rispy = _lazy("rispy", name)
    try:
        records = rispy.loads(text)
    except Exception as exc:
        raise InputError(f"{name}: malformed RIS ({exc}); nothing was imported") from exc
    if not records:
        raise InputError(f"{name}: no RIS records (TY  - ... ER  -); {ACCEPTED_BIB}")
    items = []
    for k, r in enumerate(records, 1):
        unknown = r.get("unknown_tag") or {}
        if unknown:
            tags = ", ".join(sorted(unknown))
            raise InputError(f"{name}: RIS record {k}: unknown tag {tags} (not in the RIS specification); "
                             f"nothing was imported")
        typ = str(r.get("type_of_reference", "GEN")).upper()
        item: dict[str, Any] = {"id": str(r.get("id") or f"ris{k}"), "type": RIS_TYPES.get(typ, "document")}
        for field, var in _RIS_FIELDS.items():
            val = r.get(field)
            if val and var not in item:
                item[var] = " ".join(val) if isinstance(val, list) else str(val)
        # RIS SN holds an ISBN for books, an ISSN for serials
        if r.get("issn"):
            sn = r["issn"] if isinstance(r["issn"], str) else " ".join(r["issn"])
            item.pop("ISBN", None)
            item["ISSN" if item["type"] in ("article-journal", "article-magazine", "periodical") else "ISBN"] = sn
        people = (r.get("authors") or []) + (r.get("first_authors") or [])
        if people:
            item["author"] = [_person(p) for p in people]
        eds = (r.get("secondary_authors") or []) + ((r.get("editor") and [r["editor"]]) or [])
        if eds:
            item["editor"] = [_person(p) for p in eds if isinstance(p, str)]
        if r.get("start_page"):
            item["page"] = str(r["start_page"]) + (f"-{r['end_page']}" if r.get("end_page") else "")
        date = r.get("year") or r.get("publication_year") or r.get("date")
        if date:
            parts = _year_parts(str(date).replace("/", "-"))
            if parts:
                item["issued"] = parts
        items.append(item)
    return items


# ---- CSL-JSON ----------------------------------------------------------------------------------------


def csl_json_items(text: str, name: str = "<csl-json>") -> list[dict[str, Any]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{name}: not valid JSON (CSL-JSON): line {exc.lineno}, column {exc.colno}: {exc.msg}") \
            from None
    if isinstance(data, dict) and "items" in data and isinstance(data["items"], list):
        data = data["items"]  # Better BibTeX 'BetterCSL JSON' wrapper
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise InputError(f"{name}: CSL-JSON must be an array of items")
    from sevenfold.interop.csl_schema import csl_item_problems

    for i, item in enumerate(data):
        problems = csl_item_problems(item)
        if problems:
            label = f"item[{i}]" + (f" (id {item.get('id')!r})" if isinstance(item, dict) and "id" in item else "")
            raise InputError(f"{name}: {label}: {problems[0]}" + (f" (and {len(problems) - 1} more problems)"
                                                                   if len(problems) > 1 else "")
                             + "; nothing was imported")
    return data


def read_bibliography(data: bytes, name: str = "<bibliography>") -> tuple[str, list[dict[str, Any]]]:
    """(format, CSL-JSON items) of a BibTeX, RIS or CSL-JSON file, recognised from its content."""
    from sevenfold.cite.inputs import sniff

    kind = sniff(data)
    if kind in ("bibtex", "ris", "csl-json"):
        text = data.decode("utf-8").lstrip("\ufeff")
        if kind == "bibtex":
            return kind, bibtex_to_csl(text, name)
        if kind == "ris":
            return kind, ris_to_csl(text, name)
        return kind, csl_json_items(text, name)
    what = {"pdf": "a PDF", "docx": "a Word document", "tei": "TEI XML", "text": "plain text",
            "zip": "a ZIP archive", "ole": "a legacy Word .doc file", "xml": "XML"}.get(
                kind, kind.removeprefix("binary:"))
    hint = " (its footnotes are read by `sevenfold cite audit`)" if kind in ("pdf", "docx", "tei", "text") else ""
    raise InputError(f"{name}: cannot import {what} as a bibliography{hint}; {ACCEPTED_BIB}")
