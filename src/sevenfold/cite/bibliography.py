"""Bibliographies in: BibTeX (bibtexparser), RIS (rispy) and CSL-JSON (Zotero, Better BibTeX) -> CSL-JSON items.

Every item is checked against the CSL-JSON schema (``sevenfold.interop.csl_schema``, CSL 1.0.2
variables, ``citation-key`` included); identifiers (DOI, ISBN, ISSN, URL) are kept. A file that
cannot be read whole is refused with one line naming the entry: nothing is half-imported.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from sevenfold.cite.inputs import _lazy
from sevenfold.errors import InputError

ACCEPTED_BIB = "accepted: BibTeX (.bib), RIS (.ris), CSL-JSON (Zotero, Better BibTeX)"


class _BadValue(ValueError):
    """A field value that cannot be imported as written (a 20-digit year, month 13)."""


_MONTHS = {name: k for k, names in enumerate(
    ("jan january", "feb february", "mar march", "apr april", "may", "jun june", "jul july", "aug august",
     "sep sept september", "oct october", "nov november", "dec december"), 1) for name in names.split()}
_SEASONS = {"spring": 1, "summer": 2, "autumn": 3, "fall": 3, "winter": 4}


def _shown(value: str) -> str:
    return repr(value) if len(value) <= 40 else f"{value[:30]!r}… ({len(value):,} characters)"


def _checked_parts(year: str, month: str | None, day: str | None, field: str, value: str) -> list[int]:
    """[year, month, day] as integers; a year of more than four digits or an impossible month or day is
    refused (never cut to fit)."""
    if len(year.lstrip("0")) > 4:
        raise _BadValue(f"{field} {_shown(value)} is not a year (more than four digits)")
    parts = [int(year)]
    if month:
        if not 1 <= int(month) <= 12:
            raise _BadValue(f"{field} {_shown(value)}: no month {int(month)} (1-12)")
        parts.append(int(month))
        if day:
            import calendar

            last = calendar.monthrange(parts[0] or 2000, parts[1])[1]
            if not 1 <= int(day) <= last:
                raise _BadValue(f"{field} {_shown(value)}: no day {int(day)} in month {parts[1]}")
            parts.append(int(day))
    return parts


def _year_parts(value: str, field: str = "date", sep: str | None = None) -> dict[str, Any] | None:
    """A CSL date from ``YYYY[sep]MM[sep]DD`` (a date field: ISO ``-``, RIS ``/``), else from the first
    four-digit year in the text (``1937-38``, ``c. 1937``), else the text as a literal date."""
    v = value.strip()
    if not v:
        return None
    if sep is not None:
        s = re.escape(sep)
        m = re.fullmatch(rf"(\d+)(?:{s}(\d{{0,2}})(?:{s}(\d{{0,2}}))?)?(?:{s}?\D.*)?", v, re.DOTALL)
        if m:
            return {"date-parts": [_checked_parts(m.group(1), m.group(2), m.group(3), field, value)]}
    m = re.search(r"(?<!\d)\d{4}(?!\d)", v)
    return {"date-parts": [[int(m.group())]]} if m else {"literal": v}


def _bibtex_issued(e: dict[str, str]) -> dict[str, Any] | None:
    """``date`` (biblatex, ISO), else ``year`` with ``month`` (a number, an English month name or
    abbreviation, or a season); a month that is not one is refused, never dropped."""
    if e.get("date"):
        return _year_parts(e["date"], "date", "-")
    year = (e.get("year") or "").strip()
    month = " ".join((e.get("month") or "").split()).strip(". ")
    problems = []
    if month.isdigit() and (len(month.lstrip("0")) > 2 or not 1 <= int(month) <= 12):
        problems.append(f"month {_shown(e['month'])} is not a month (1-12 or jan-dec)")
    issued: dict[str, Any] = {}
    try:
        if re.fullmatch(r"\d+", year):
            issued = {"date-parts": [_checked_parts(year, None, None, "year", year)]}
        elif year:
            issued = _year_parts(year, "year") or {}
    except _BadValue as exc:
        problems.insert(0, str(exc))
    if problems:
        raise _BadValue("; ".join(problems))
    if not year:
        return {"literal": month} if month else None
    if not month:
        return issued
    if "date-parts" not in issued:
        return {"literal": f"{month} {year}"}
    key = month.casefold()
    if month.isdigit():
        issued["date-parts"][0][1:] = [int(month)]
    elif key in _MONTHS:
        issued["date-parts"][0][1:] = [_MONTHS[key]]
    elif key in _SEASONS:
        issued["season"] = _SEASONS[key]
    else:  # 'May-June', 'Juni': kept as written
        return {"literal": f"{month} {year}"}
    return issued


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
    line, counted = 1, 0
    for m in _ENTRY_START.finditer(text):
        typ = m.group("type").casefold()
        line += text.count("\n", counted, m.start())
        counted = m.start()
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


def _expand_strings(db: Any, where: Callable[[dict[str, Any]], str], name: str) -> None:
    """Replace the @string references in every entry field by their text.

    The length of every @string is computed first, from the lengths of its parts (``s2 = s1 # s1`` is
    twice ``s1``), without building any text; when the fields would expand to more characters than the
    text limit (``SEVENFOLD_LIMIT_CITE_TEXT_CHARS``), the file is refused before anything is expanded.
    Each reference and each empty part counts at least one, so the work of the expansion is bounded too.
    An undefined @string, or one that refers to itself, is refused with the entry and field."""
    from bibtexparser.bibdatabase import BibDataString, BibDataStringExpression

    from sevenfold.cite.audit import max_chars
    from sevenfold.errors import LimitExceeded

    limit = max_chars()
    cap = limit + 1  # sizes saturate: 2**39 doublings stay a small integer
    strings = {str(k).lower(): v for k, v in db.strings.items()}
    units: dict[str, int] = {}

    def parts(value: Any) -> list[Any]:
        return list(value.expr) if isinstance(value, BibDataStringExpression) else [value]

    def part_units(p: Any) -> int:
        return min(cap, 1 + units[p.name]) if isinstance(p, BibDataString) else max(1, len(str(p)))

    def string_units(key: str) -> int:
        on_path: set[str] = set()
        stack: list[tuple[str, bool]] = [(key, False)]
        while stack:
            k, ready = stack.pop()
            if k in units:
                continue
            if ready:
                units[k] = min(cap, sum(part_units(p) for p in parts(strings[k])))
                on_path.discard(k)
                continue
            if k not in strings:
                raise _BadValue(f"uses @string {k}, which is not defined")
            if k in on_path:
                raise _BadValue(f"uses @string {k}, which refers to itself")
            on_path.add(k)
            stack.append((k, True))
            stack.extend((p.name, False) for p in parts(strings[k]) if isinstance(p, BibDataString))
        return units[key]

    total = 0
    pending: list[tuple[dict[str, Any], str]] = []
    for e in db.entries:
        for field, value in e.items():
            if field in ("ID", "ENTRYTYPE"):
                continue
            if isinstance(value, str):
                total += len(value)
                continue
            try:
                for p in parts(value):
                    if isinstance(p, BibDataString):
                        string_units(p.name)
                    total += part_units(p)
            except _BadValue as exc:
                raise InputError(f"{name}: {where(e)}: field {field} {exc}; nothing was imported") from None
            if total > limit:
                raise LimitExceeded("cite text chars", f"more than {limit:,} (field {field} with its @string "
                                    f"definitions expanded)", f"{limit:,}", f"{name}: {where(e)}")
            pending.append((e, field))
    for e, field in pending:
        out: list[str] = []
        stack = list(reversed(parts(e[field])))
        while stack:
            p = stack.pop()
            if isinstance(p, BibDataString):
                stack.extend(reversed(parts(strings[p.name])))
            else:
                out.append(str(p))
        e[field] = "".join(out)


def bibtex_to_csl(text: str, name: str = "<bibtex>") -> list[dict[str, Any]]:
    bibtexparser = _lazy("bibtexparser", name)
    from bibtexparser.bparser import BibTexParser

    found = _check_bibtex(text, name)
    if not found:
        raise InputError(f"{name}: no BibTeX entries (@book{{key, ...}}); {ACCEPTED_BIB}")
    # @string references are kept as references here and expanded below, after their size is known
    parser = BibTexParser(common_strings=True, ignore_nonstandard_types=False, interpolate_strings=False)
    try:
        db = bibtexparser.loads(text, parser)
    except Exception as exc:
        raise InputError(f"{name}: malformed BibTeX ({type(exc).__name__}: {exc}); nothing was imported") from exc
    got = {e.get("ID") for e in db.entries}
    for typ, key, line in found:
        if key not in got:
            raise InputError(f"{name}: line {line}: BibTeX entry @{typ}{{{key}, ...}} could not be read (a field "
                             f"without '=' or a missing comma?); nothing was imported")
    lines: dict[str, tuple[str, int]] = {}
    for typ, key, line in found:
        lines.setdefault(key, (typ, line))

    def where(e: dict[str, Any]) -> str:
        typ, line = lines.get(e.get("ID", ""), (e.get("ENTRYTYPE", "misc"), 0))
        return f"line {line}: BibTeX entry @{typ}{{{e.get('ID', '')}}}"

    _expand_strings(db, where, name)
    items = []
    bad: list[str] = []
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
        try:
            issued = _bibtex_issued(e)
        except _BadValue as exc:
            bad.append(f"{where(e)}: {exc}")
            continue
        if issued:
            item["issued"] = issued
        items.append(item)
    if bad:
        more = f" (and {len(bad) - 1} more entries with such values)" if len(bad) > 1 else ""
        raise InputError(f"{name}: {bad[0]}{more}; nothing was imported")
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
    _check_ris(text, name)
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
        tag, date = next(((t, r[f]) for t, f in (("PY", "year"), ("Y1", "publication_year"), ("DA", "date"))
                          if r.get(f)), ("", None))
        if date:
            try:
                parts = _year_parts(str(date), tag, "/")
            except _BadValue as exc:
                raise InputError(f"{name}: RIS record {k}{_ris_title(r)}: {exc}; nothing was imported") from None
            if parts:
                item["issued"] = parts
        items.append(item)
    return items


def _ris_title(r: dict[str, Any]) -> str:
    title = r.get("title") or r.get("primary_title") or ""
    title = " ".join(title) if isinstance(title, list) else str(title)
    return f" ({title[:60]!r})" if title else ""


def _check_ris(text: str, name: str) -> None:
    """Every record runs from ``TY  - `` to ``ER  - ``: a record that never ends (the file ends, or the next
    ``TY`` comes first) and text outside the records are refused, so that no record is lost."""
    start = 0
    title = ""
    k = 0
    for i, line in enumerate(text.split("\n"), 1):
        tag = line[:2] if line[2:5] == "  -" and line[:2].isupper() and line[:1].isalpha() else None
        if not start:
            if tag == "TY":
                k, start, title = k + 1, i, ""
            elif line.strip():
                raise InputError(f"{name}: line {i}: text outside a RIS record (a record runs from 'TY  - ' to "
                                 f"'ER  - '): {line.strip()[:60]!r}; nothing was imported")
        elif tag == "TY":
            raise InputError(f"{name}: line {start}: RIS record {k}{title} has no 'ER  - ' line before the next "
                             f"record starts (line {i}); nothing was imported")
        elif tag == "ER":
            start = 0
        elif tag in ("TI", "T1") and not title:
            title = f" ({line[6:].strip()[:60]!r})"
    if start:
        raise InputError(f"{name}: line {start}: RIS record {k}{title} has no 'ER  - ' line (the file ends inside "
                         f"it); nothing was imported")


# ---- CSL-JSON ----------------------------------------------------------------------------------------


class _NotJsonNumber(ValueError):
    pass


def _finite(raw: str) -> float:
    value = float(raw)
    if value != value or value in (float("inf"), float("-inf")):
        raise _NotJsonNumber(raw)
    return value


def _refuse_constant(raw: str) -> Any:
    raise _NotJsonNumber(raw)


_JSON_CONSTANT = re.compile(r'"(?:[^"\\]|\\.)*"|(-?Infinity|NaN|-?\d+(?:\.\d+)?[eE][-+]?\d+)')


def load_csl_json(text: str, name: str = "<csl-json>") -> Any:
    """The data of a CSL-JSON file (``cite import`` and ``import-csl``): strict JSON, so ``NaN``,
    ``Infinity`` and numbers beyond a double (``1e400``) are refused, as is nesting deeper than the
    ``nesting_depth`` limit; every message names the line and column."""
    from sevenfold import limits as _limits
    from sevenfold import safe_json
    from sevenfold.errors import LimitExceeded

    try:
        data = safe_json.loads(text, name, parse_constant=_refuse_constant, parse_float=_finite)
    except json.JSONDecodeError as exc:
        raise InputError(f"{name}: not valid JSON (CSL-JSON): line {exc.lineno}, column {exc.colno}: {exc.msg}") \
            from None
    except _NotJsonNumber as exc:
        found = next((m for m in _JSON_CONSTANT.finditer(text) if m.group(1) == str(exc)), None)
        at = ""
        if found is not None:
            line = text.count("\n", 0, found.start()) + 1
            at = f"line {line}, column {found.start() - (text.rfind(chr(10), 0, found.start()) + 1) + 1}: "
        raise InputError(f"{name}: not valid JSON (CSL-JSON): {at}{exc} is not a JSON number (NaN, Infinity and "
                         f"numbers beyond 1.8e308 cannot be stored); nothing was imported") from None
    except RecursionError:
        depth = _limits.current().nesting_depth
        raise LimitExceeded("nesting_depth", f"more than {depth}", depth, name) from None
    except ValueError:  # an integer longer than Python converts (sys.get_int_max_str_digits)
        from sevenfold.model.io import _long_number

        raise InputError(f"{name}: not valid JSON (CSL-JSON): {_long_number(text)}; nothing was imported") from None
    limit = _limits.current().nesting_depth
    stack = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            raise LimitExceeded("nesting_depth", f"more than {limit}", limit, name)
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)
    return data


def csl_json_items(text: str, name: str = "<csl-json>") -> list[dict[str, Any]]:
    data = load_csl_json(text, name)
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
