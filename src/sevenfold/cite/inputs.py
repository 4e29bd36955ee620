"""Read a historian's file for ``cite audit``: plain text, Markdown, PDF, DOCX or TEI.

The format is recognised from the content (magic bytes, XML root, note syntax), never from the
extension alone. Each reader returns the notes it found as ``RawNote`` objects, numbered as the
document numbers them:

* **PDF** (pdfplumber): the text layer, line by line with font sizes. Lines set smaller than the body
  text are the footnote area of each page; a section headed "Notes"/"Endnotes" is read whole. Notes
  continue across pages until the next number starts a line; run-together endnotes are split.
  Italic fonts are kept as ``*...*`` so titles are recognised.
* **DOCX** (python-docx opens the package, lxml reads the parts): the ``footnotes.xml`` and
  ``endnotes.xml`` parts, numbered in the order the document references them; without them, the
  paragraphs (Word list numbering written out) read as plain text with a "Notes" section.
* **TEI** (lxml): every ``<note>`` with ``place`` foot, end, bottom or margin (or inside ``<div
  type="notes">``), numbered by ``@n`` when it is a number.
* **Markdown / plain text**: see ``footnotes.extract``.

A file that is none of these gets one line saying what it is and what is accepted.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sevenfold.cite.footnotes import RawNote, detect_style, extract, stream_notes
from sevenfold.errors import InputError

ACCEPTED = "accepted: plain text, Markdown, PDF with a text layer, DOCX, TEI XML"
BIB_HINT = "a bibliography: use `sevenfold cite import`"
INSTALL_HINT = "install the extra: pip install 'sevenfold[cite]'"

TEI_NS = "http://www.tei-c.org/ns/1.0"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W_NS}}}"


@dataclass
class NotesDocument:
    """The notes of one input file, and how they were found."""

    format: str  # text | markdown | pdf | docx | tei
    notes: list[RawNote]
    style: str
    warnings: list[str] = field(default_factory=list)


_PIP_NAMES = {"docx": "python-docx", "lxml.etree": "lxml"}


def _lazy(module: str, where: str = "") -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        pkg = _PIP_NAMES.get(module, module)
        raise InputError(f"{where + ': ' if where else ''}reading this file needs the Python package {pkg!r}: "
                         f"{INSTALL_HINT}") from exc


# ---- recognising the format -----------------------------------------------------------------------


def sniff(data: bytes) -> str:
    """pdf | docx | zip | ole | tei | xml | csl-json | bibtex | ris | text | binary:<what> ."""
    head = data[:2048]
    if head.lstrip(b"\r\n\t \x00")[:5] == b"%PDF-":
        return "pdf"
    if head[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = set(z.namelist())
        except zipfile.BadZipFile:
            return "binary:a damaged ZIP archive"
        if "word/document.xml" in names:
            return "docx"
        if "content.xml" in names:
            return "binary:an OpenDocument file (save it as .docx)"
        return "zip"
    if head[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "ole"
    for magic, what in ((b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
                        (b"\x1f\x8b", "a gzip archive"), (b"II*\x00", "a TIFF image"), (b"MM\x00*", "a TIFF image")):
        if head.startswith(magic):
            return "binary:" + what
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        if b"\x00" in head:
            return "binary:a binary file"
        return "binary:text that is not UTF-8"
    t = text.lstrip("\ufeff \t\r\n")
    if t.startswith("{\\rtf"):
        return "binary:an RTF document (save it as .docx or plain text)"
    if t.startswith("<"):
        return "tei" if re.search(r"<(?:\w+:)?(?:TEI|TEI\.2|teiCorpus)[\s>]", t[:5000]) else "xml"
    if re.match(r"(?:\[\s*[{\]]|\{\s*[\"}])", t):
        return "csl-json"
    if re.match(r"(?:%[^\n]*\n|\s)*@\s*(?:article|book|incollection|inbook|misc|phdthesis|mastersthesis|"
                r"techreport|unpublished|inproceedings|proceedings|collection|online|report|thesis|manual|"
                r"booklet|conference|string|preamble|comment)\s*[{(]", t[:5000], re.IGNORECASE):
        return "bibtex"
    if re.match(r"(?:\s*\n)*TY  - ", t[:200]):
        return "ris"
    return "text"


def refuse(name: str, kind: str) -> InputError:
    what = {"zip": "a ZIP archive without a Word document", "ole": "a legacy Word .doc file (save it as .docx)",
            "xml": "XML that is not TEI", "csl-json": "CSL-JSON, " + BIB_HINT, "bibtex": "BibTeX, " + BIB_HINT,
            "ris": "RIS, " + BIB_HINT}.get(kind, kind.removeprefix("binary:"))
    return InputError(f"{name}: cannot read {what}; {ACCEPTED}")


def read_notes(data: bytes, name: str = "<input>", style: str = "auto") -> NotesDocument:
    """The notes of a file given as bytes (format from the content)."""
    kind = sniff(data)
    if kind == "pdf":
        return read_pdf(data, name)
    if kind == "docx":
        return read_docx(data, name, style)
    if kind == "tei":
        return read_tei(data, name)
    if kind != "text":
        raise refuse(name, kind)
    from sevenfold.cite.audit import check_text

    text = check_text(data.decode("utf-8"), name)
    used, notes = extract(text, style)
    fmt = "markdown" if used == "markdown" else "text"
    return NotesDocument(fmt, notes, used)


def read_path(path: str | Path, style: str = "auto") -> NotesDocument:
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    return read_notes(data, str(path), style)


# ---- PDF --------------------------------------------------------------------------------------------

_NOTES_HEAD = re.compile(r"^\s{0,3}(?:notes|endnotes|footnotes|anmerkungen|przypisy|примечания)\s*:?\s*$",
                         re.IGNORECASE)
_PAGE_NUMBER = re.compile(r"^\s*[-–]?\s*\d{1,4}\s*[-–]?\s*$")


def _pdf_lines(pdf: Any) -> list[tuple[str, float, int]]:
    """(text with *italics*, font size, page number) for every text line of every page."""
    out: list[tuple[str, float, int]] = []
    for pno, page in enumerate(pdf.pages, 1):
        try:
            lines = page.extract_text_lines(return_chars=True, strip=True)
        except Exception:
            out.append(("", 0.0, pno))
            continue
        for ln in lines:
            chars = ln.get("chars") or []
            if not chars:
                continue
            sizes = sorted(round(float(c.get("size", 0.0)), 1) for c in chars if str(c.get("text", "")).strip())
            size = sizes[len(sizes) // 2] if sizes else 0.0
            out.append((_with_italics(chars), size, pno))
    return out


def _with_italics(chars: list[dict[str, Any]]) -> str:
    """The line's text, with runs in an italic or oblique font wrapped in asterisks."""
    buf: list[str] = []
    italic = False
    prev_x1: float | None = None
    prev_key: tuple[str, float, float] | None = None
    for c in chars:
        ch = str(c.get("text", ""))
        key = (ch, round(float(c.get("x0", 0.0)), 1), round(float(c.get("top", 0.0)), 1))
        if key == prev_key:
            continue  # a glyph drawn twice at the same place (ligatures, fake bold) is one character
        prev_key = key
        font = str(c.get("fontname", "")).casefold()
        is_it = ("italic" in font or "oblique" in font) and bool(ch.strip())
        x0 = float(c.get("x0", 0.0))
        gap = prev_x1 is not None and x0 - prev_x1 > float(c.get("size", 10.0)) * 0.2
        if gap:
            if italic:
                buf.append("*")
                italic = False
            buf.append(" ")
        if ch.strip() and is_it != italic:
            buf.append("*")
            italic = is_it
        buf.append(ch)
        prev_x1 = float(c.get("x1", x0))
    if italic:
        buf.append("*")
    text = unicodedata.normalize("NFKC", "".join(buf)) if any("\ufb00" <= ch <= "\ufb06" for ch in buf) \
        else "".join(buf)
    text = re.sub(r"\*(\s+)\*", r"\1", text)  # italic runs split by a space are one run
    return re.sub(r"\*([\s,.;:]*)\*", r"\1", text)


def read_pdf(data: bytes, name: str = "<pdf>") -> NotesDocument:
    pdfplumber = _lazy("pdfplumber", name)
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:
        raise InputError(f"{name}: cannot read this PDF ({type(exc).__name__}); {ACCEPTED}") from exc
    with pdf:
        if not pdf.pages:
            raise InputError(f"{name}: a PDF without pages; {ACCEPTED}")
        lines = _pdf_lines(pdf)
    if not any(t.strip() for t, _, _ in lines):
        raise InputError(f"{name}: a PDF without a text layer (scanned images?): run OCR first "
                         f"(e.g. ocrmypdf) or export the text; {ACCEPTED}")
    # body size = the size carrying the most characters
    weight: dict[float, int] = {}
    for t, size, _ in lines:
        weight[size] = weight.get(size, 0) + len(t)
    body = max(weight, key=lambda k: weight[k])
    head = next((i for i, (t, _, _) in enumerate(lines) if _NOTES_HEAD.match(t.replace("*", ""))), None)
    picked: list[tuple[str, int]] = []
    if head is not None:
        picked = [(t, i + 1) for i, (t, _, _) in enumerate(lines[head + 1:], head + 1)
                  if not _PAGE_NUMBER.match(t)]
        how = "endnote section"
    else:
        picked = [(t, i + 1) for i, (t, size, _) in enumerate(lines)
                  if 0 < size < body * 0.92 and not _PAGE_NUMBER.match(t)]
        how = "page-bottom footnotes"
    notes = stream_notes(picked)
    warnings: list[str] = []
    if not notes:
        # one font size throughout: read the page text as plain text (numbered notes, "Notes" heading)
        text = "\n".join(t for t, _, _ in lines)
        _, notes = extract(text, "plain")
        how = "plain text layer"
    if not notes:
        raise InputError(f"{name}: a PDF with a text layer but no numbered notes (footnotes at page bottoms "
                         f"or a Notes section); {ACCEPTED}")
    return NotesDocument("pdf", notes, how, warnings)


# ---- DOCX -------------------------------------------------------------------------------------------


def _run_text(run: Any) -> str:
    parts: list[str] = []
    for el in run.iter():
        tag = el.tag
        if tag == _W + "t":
            parts.append(el.text or "")
        elif tag == _W + "tab" or tag in (_W + "br", _W + "cr"):
            parts.append(" ")
        elif tag == _W + "noBreakHyphen":
            parts.append("-")
    text = "".join(parts)
    rpr = run.find(_W + "rPr")
    if rpr is not None and text.strip():
        it = rpr.find(_W + "i")
        if it is not None and it.get(_W + "val", "true") not in ("0", "false", "off"):
            lead = text[: len(text) - len(text.lstrip())]
            trail = text[len(text.rstrip()):]
            text = f"{lead}*{text.strip()}*{trail}"
    return text


def _para_text(p: Any) -> str:
    runs = [r for r in p.iter(_W + "r") if r.find(_W + "footnoteRef") is None and r.find(_W + "endnoteRef") is None]
    text = "".join(_run_text(r) for r in runs)
    text = re.sub(r"\*(\s*)\*", r"\1", text)
    return " ".join(text.split())


def _docx_notes(part_xml: bytes, kind: str, order: list[str]) -> list[RawNote]:
    from lxml import etree

    root = etree.fromstring(part_xml, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))
    by_id: dict[str, str] = {}
    for note in root.findall(_W + kind):
        if note.get(_W + "type") in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        nid = note.get(_W + "id") or ""
        text = " ".join(t for t in (_para_text(p) for p in note.iter(_W + "p")) if t)
        by_id[nid] = text
    referenced = set(order)  # built once: one membership test per note
    ids = [i for i in order if i in by_id] + [i for i in by_id if i not in referenced]
    return [RawNote(n=k, text=by_id[i], line=k) for k, i in enumerate(ids, 1)]


def read_docx(data: bytes, name: str = "<docx>", style: str = "auto") -> NotesDocument:
    docx = _lazy("docx", name)
    from lxml import etree

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:
        raise InputError(f"{name}: cannot open this Word document ({type(exc).__name__}); {ACCEPTED}") from exc
    body = document.element.body
    foot_order = [el.get(_W + "id") or "" for el in body.iter(_W + "footnoteReference")]
    end_order = [el.get(_W + "id") or "" for el in body.iter(_W + "endnoteReference")]
    parts = {str(rel.reltype).rsplit("/", 1)[-1]: rel.target_part for rel in document.part.rels.values()
             if not rel.is_external}
    notes: list[RawNote] = []
    how = []
    for kind, rel, order in (("footnote", "footnotes", foot_order), ("endnote", "endnotes", end_order)):
        part = parts.get(rel)
        if part is None:
            continue
        try:
            found = _docx_notes(part.blob, kind, order)
        except etree.XMLSyntaxError as exc:
            raise InputError(f"{name}: word/{rel}.xml is not well-formed XML ({exc})") from exc
        if found:
            start = len(notes)
            notes += [RawNote(n=start + r.n, text=r.text, line=r.line) for r in found]
            how.append(f"{rel} part")
    if notes:
        return NotesDocument("docx", notes, " and ".join(how))
    # no notes part: endnote-style paragraphs (list numbering written out as "N. ")
    counters: dict[str, int] = {}
    lines: list[str] = []
    for p in body.iter(_W + "p"):
        text = _para_text(p)
        num = p.find(f"{_W}pPr/{_W}numPr/{_W}numId")
        if num is not None and text:
            key = num.get(_W + "val") or ""
            counters[key] = counters.get(key, 0) + 1
            text = f"{counters[key]}. {text}"
        lines.append(text)
        lines.append("")
    text = "\n".join(lines)
    _, raw = extract(text, style if style != "auto" else ("plain" if detect_style(text) != "markdown"
                                                             else "markdown"))
    if not raw:
        raise InputError(f"{name}: a Word document without notes (no footnotes or endnotes part, no "
                         f"numbered notes section); {ACCEPTED}")
    return NotesDocument("docx", raw, "numbered paragraphs")


# ---- TEI --------------------------------------------------------------------------------------------

_TEI_PLACES = {"foot", "end", "bottom", "margin", "endnote", "footnote"}


def _tei_text(el: Any) -> str:
    """A note's text, <hi rend="italic"> and <title level="m|j"> as *...*; nested notes skipped."""
    parts: list[str] = []

    def walk(node: Any, top: bool) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        local = tag.rsplit("}", 1)[-1]
        if not top and local == "note":
            if node.tail:
                parts.append(node.tail)
            return
        rend = (node.get("rend") or "").casefold()
        ital = (local == "hi" and ("italic" in rend or "ital" in rend)) or (
            local in ("title", "emph") and (node.get("level") in ("m", "j", "s") or "italic" in rend))
        if ital:
            parts.append("*")
        if node.text:
            parts.append(node.text)
        for child in node:
            walk(child, False)
        if ital:
            parts.append("*")
        if not top and node.tail:
            parts.append(node.tail)

    walk(el, True)
    text = " ".join("".join(parts).split())
    return re.sub(r"\*\s*\*", "", text)


def read_tei(data: bytes, name: str = "<tei>") -> NotesDocument:
    etree = _lazy("lxml.etree", name)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise InputError(f"{name}: TEI that is not well-formed XML (line {exc.lineno}): {exc.msg}") from exc
    notes: list[RawNote] = []
    seen = 0
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag.rsplit("}", 1)[-1] != "note":
            continue
        place = (el.get("place") or "").casefold()
        parent = el.getparent()
        in_notes_div = parent is not None and parent.tag.rsplit("}", 1)[-1] == "div" and \
            (parent.get("type") or "").casefold() in ("notes", "endnotes", "footnotes")
        if not (set(place.split()) & _TEI_PLACES or in_notes_div):
            continue
        anc = el.getparent()
        nested = False
        while anc is not None:
            if isinstance(anc.tag, str) and anc.tag.rsplit("}", 1)[-1] == "note":
                nested = True
                break
            anc = anc.getparent()
        if nested:
            continue
        seen += 1
        label = el.get("n")
        n = int(label) if label and label.isdigit() and len(label) < 7 else seen
        notes.append(RawNote(n=n, text=_tei_text(el), line=el.sourceline or seen,
                             label=None if (label is None or label.isdigit()) else label))
    if not notes:
        raise InputError(f"{name}: a TEI file without notes (no <note place=\"foot\"> or place=\"end\"); "
                         f"{ACCEPTED}")
    return NotesDocument("tei", notes, "TEI notes")
