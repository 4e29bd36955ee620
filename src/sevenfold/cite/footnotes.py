"""Find the footnotes of a text: Markdown ``[^n]:`` notes, superscript-numbered notes of PDF
extractions, and plain numbered notes ("12. Ibid." / "[12] Ibid.").

Superscript style (the seed): a footnote is a paragraph starting with superscript digits (¹ … ⁴¹) whose
number follows the last one found; notes are interleaved with the body where the page breaks fell.
A note whose text stops without a closing full stop was cut by a page break; its continuation is the
first paragraph of the next page's footnote area, which is recognised by the page layout:

* a paragraph without call markers lying between a body paragraph that stops mid-sentence and a body
  paragraph that resumes it in lower case (the next page's footnote area holds only the
  continuation), or
* the paragraph just before the next block of footnotes, when it has no call markers.

The continuation is joined to the note and never counted as body text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sevenfold.cite.textnorm import SUPERSCRIPT_DIGITS, superscript_to_int

_SUP_START = re.compile(rf"^[ \t]{{0,8}}(?P<num>[{SUPERSCRIPT_DIGITS}]{{1,4}})[ \t]{{0,4}}(?P<body>\S.*)?$")
_SUP_ANY = re.compile(rf"[{SUPERSCRIPT_DIGITS}]")
_MD_DEF = re.compile(r"^[ ]{0,3}\[\^(?P<label>[^\]\s]{1,100})\]:[ \t]?(?P<body>.*)$")
_PLAIN = re.compile(r"^[ \t\f\v]{0,4}(?:\[(?P<n1>\d{1,6})\]|(?P<n2>\d{1,6})[.)])[ \t]{1,4}(?P<body>\S.*)$")
# a note number at the start of a line of a PDF footnote area: "16 Ibid.", "16. Ibid.", "16Ibid."
_STREAM_START = re.compile(r"^[ \t\f\v]{0,8}(?:\[(?P<n1>\d{1,6})\]|(?P<n2>\d{1,6})(?:[.)]|(?=[^\W\d_]|[ \t\"“*(])))"
                           r"[ \t]{0,4}(?P<body>.*)$")
_NOTES_HEADING = re.compile(r"^\s{0,3}#{0,6}\s*(?:notes|endnotes|footnotes|references|примечания)\s*:?\s*$",
                            re.IGNORECASE)
_TERMINAL = re.compile(r"[.?!][\"'”’»)\]*]{0,4}\s*$")


@dataclass
class RawNote:
    n: int
    text: str
    line: int
    label: str | None = None
    continued_at: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # numbered lines kept in this note's text


@dataclass
class _Para:
    text: str
    line: int  # 1-based line of its first line


def _paragraphs(text: str, split_at: re.Pattern[str] | None = None) -> list[_Para]:
    """Paragraphs separated by blank lines (and before lines matching ``split_at``), lines joined by a space."""
    paras: list[_Para] = []
    buf: list[str] = []
    start = 0
    for i, line in enumerate(text.split("\n"), 1):
        if line.strip():
            if buf and split_at is not None and split_at.match(line):
                paras.append(_Para(" ".join(buf), start))
                buf = []
            if not buf:
                start = i
            buf.append(line.strip())
        elif buf:
            paras.append(_Para(" ".join(buf), start))
            buf = []
    if buf:
        paras.append(_Para(" ".join(buf), start))
    return paras


def detect_style(text: str) -> str:
    if re.search(r"^[ ]{0,3}\[\^[^\]\s]{1,100}\]:", text, re.MULTILINE):
        return "markdown"
    if re.search(rf"^[ \t]{{0,8}}[{SUPERSCRIPT_DIGITS}]{{1,4}}[ \t]{{0,4}}\S", text, re.MULTILINE):
        return "superscript"
    return "plain"


def extract(text: str, style: str = "auto") -> tuple[str, list[RawNote]]:
    """(style used, notes in order). ``style``: auto | superscript | markdown | plain."""
    if style == "auto":
        style = detect_style(text)
    if style == "superscript":
        return style, _superscript(text)
    if style == "markdown":
        return style, _markdown(text)
    if style == "plain":
        return style, _plain(text)
    from sevenfold.errors import InputError

    raise InputError(f"style: unknown footnote style {style!r} (auto, superscript, markdown, plain)")


def _is_terminal(s: str) -> bool:
    return bool(_TERMINAL.search(s[-12:]))


def _superscript(text: str) -> list[RawNote]:
    paras = _paragraphs(text, _SUP_START)
    kinds: list[int | None] = []  # footnote number or None (body)
    bodies: list[str] = []
    last = 0
    for p in paras:
        m = _SUP_START.match(p.text)
        num = superscript_to_int(m.group("num")) if m else None
        if m and num is not None and (last < num <= last + 20 or 0 < last < num):  # a jump: gap reported
            kinds.append(num)
            bodies.append((m.group("body") or "").strip())
            last = num
        else:
            kinds.append(None)
            bodies.append(p.text)
    notes: list[RawNote] = []
    used: set[int] = set()
    count = len(paras)

    def has_marker(k: int) -> bool:
        return bool(_SUP_ANY.search(paras[k].text))

    for idx in range(count):
        num = kinds[idx]
        if num is None:
            continue
        note = RawNote(n=num, text=bodies[idx], line=paras[idx].line)
        notes.append(note)
        if _is_terminal(note.text) or not note.text:
            continue
        # the next footnote paragraph after idx
        nxt = next((k for k in range(idx + 1, count) if kinds[k] is not None), count)
        if nxt == idx + 1:
            continue
        cont = None
        for k in range(idx + 1, nxt):
            if k in used or has_marker(k):
                continue
            prev_body = kinds[k - 1] is None and k - 1 > idx and not _is_terminal(paras[k - 1].text)
            follows = k + 1 < count and kinds[k + 1] is None and paras[k + 1].text[:1].islower()
            if prev_body and follows:
                cont = k
                break
        if cont is None and nxt < count and nxt - 1 > idx and not has_marker(nxt - 1) and (nxt - 1) not in used:
            cont = nxt - 1
        if cont is not None:
            used.add(cont)
            note.text = f"{note.text} {paras[cont].text}"
            note.continued_at.append(paras[cont].line)
    return split_run_together(notes)


def _markdown(text: str) -> list[RawNote]:
    lines = text.split("\n")
    notes: list[RawNote] = []
    cur: RawNote | None = None
    order = 0
    for i, line in enumerate(lines, 1):
        m = _MD_DEF.match(line)
        if m:
            order += 1
            label = m.group("label")
            n = int(label) if label.isdigit() and len(label) < 7 else order
            cur = RawNote(n=n, text=m.group("body").strip(), line=i, label=None if label.isdigit() else label)
            notes.append(cur)
            continue
        if cur is not None:
            if line.startswith(("    ", "\t")) and line.strip():
                cur.text = f"{cur.text} {line.strip()}".strip()
                continue
            if not line.strip():
                continue  # a blank line may separate paragraphs of one note; stays open for indented lines
            cur = None
    return notes


def _plain(text: str) -> list[RawNote]:
    lines = text.split("\n")
    # restrict to after a 'Notes' heading when there is one
    start = 0
    for i, line in enumerate(lines):
        if _NOTES_HEADING.match(line):
            start = i + 1
    notes: list[RawNote] = []
    cur: RawNote | None = None
    last = 0
    for i in range(start, len(lines)):
        line = lines[i]
        m = _PLAIN.match(line)
        if m:
            n = int(m.group("n1") or m.group("n2"))
            # a number already used, written where a new note may start, is a duplicate (reported later)
            complete = cur is None or _is_terminal(cur.text)
            repeat = 1 <= n <= last and complete and _PLAIN_LEAD.match(line)
            # a note after a jump in the numbering (1 -> 50), once the notes have begun: kept, gap reported
            jump = n > last and (last or start) and complete and _PLAIN_LEAD.match(line)
            if jump and notes and n > last + 20 and _looks_like_a_year(n) and not (
                    start and _next_number(lines, i) == n + 1):
                # "1937. Purges begin." after note 1: a year starting a line, unless a Notes section
                # goes on from it (1937, 1938, ...)
                target = cur if cur is not None else notes[-1]
                target.problems.append(f"line {i + 1} starts with {n}, read as a year, not as note {n}: "
                                       f"kept as text of note {target.n}")
                target.text = f"{target.text} {line.strip()}"
                continue
            if last < n <= last + 20 or repeat or jump:
                cur = RawNote(n=n, text=m.group("body").strip(), line=i + 1)
                notes.append(cur)
                last = max(last, n)
                continue
            if cur is not None and n > last and _PLAIN_LEAD.match(line):
                _kept_as_text(cur, n, i + 1)
        elif notes and (long := _LONG_NUMBER.match(line)):
            target = cur if cur is not None else notes[-1]
            digits = long.group("d")
            shown = digits if len(digits) < 20 else f"{digits[:8]}… ({len(digits)} digits)"
            _kept_as_text(target, shown, i + 1, " (note numbers have at most six digits)")
            target.text = f"{target.text} {line.strip()}"
            continue
        if cur is not None and line.strip():
            if not line.startswith((" ", "\t")) and _is_terminal(cur.text):
                cur = None
                continue
            cur.text = f"{cur.text} {line.strip()}"
        elif cur is not None and not line.strip():
            cur = None
    return split_run_together(notes)


#: numbers read as years when they start a line far above the note numbering (1 -> 1937)
YEAR_RANGE = (1000, 2100)


def _looks_like_a_year(n: int) -> bool:
    return YEAR_RANGE[0] <= n <= YEAR_RANGE[1]


def _next_number(lines: list[str], i: int) -> int | None:
    """The number of the next line after ``lines[i]`` that starts like a plain note, or None."""
    for line in lines[i + 1:]:
        m = _PLAIN.match(line)
        if m:
            return int(m.group("n1") or m.group("n2"))
    return None


_PLAIN_LEAD = re.compile(r"^[ \t\f\v]{0,4}(?:\[\d{1,6}\]|\d{1,6}[.)])[ \t]{1,4}[^\W\d_\s]")
_STREAM_LEAD = re.compile(r"^[ \t\f\v]{0,8}\d{1,6}[ \t]{1,4}[^\W\d_]")  # "50 Kershaw, ..." (PDF notes)
_LONG_NUMBER = re.compile(r"^[ \t\f\v]{0,4}\[?(?P<d>\d{7,})(?:\]|[.)])[ \t]{1,4}\S")


def _kept_as_text(note: RawNote, n: int | str, line: int, why: str = "") -> None:
    """A numbered line that is not taken as a note stays in ``note``'s text, and is reported."""
    note.problems.append(f"line {line} looks like note {n} after note {note.n}{why}: kept as text of note {note.n}")


def stream_notes(lines: list[tuple[str, int]]) -> list[RawNote]:
    """Notes of a footnote area (PDF page bottoms, an endnote section): every line belongs to the current
    note until a line starts with a following note number ("16 Ibid.", "16. Ibid.", "[16] Ibid.").
    ``lines`` are (text, line number); page breaks between them never end a note."""
    notes: list[RawNote] = []
    cur: RawNote | None = None
    last = 0
    for text, lineno in lines:
        m = _STREAM_START.match(text)
        if m:
            n = int(m.group("n1") or m.group("n2"))
            body = (m.group("body") or "").strip()
            lead = _PLAIN_LEAD.match(text)
            jump = (n > last > 0 and (lead or _STREAM_LEAD.match(text)) and cur is not None
                    and _is_terminal(cur.text))  # a note after a jump in the numbering: kept, gap reported
            if (last < n <= last + 20 or jump) and (body or m.group("n1") or m.group("n2")):
                cur = RawNote(n=n, text=body, line=lineno)
                notes.append(cur)
                last = n
                continue
            if cur is not None and n > last and lead:
                _kept_as_text(cur, n, lineno)
        if cur is not None and text.strip():
            joiner = "" if cur.text.endswith("-") and text.strip()[:1].islower() else " "
            cur.text = f"{cur.text}{joiner}{text.strip()}".strip()
    return split_run_together(notes)


_RUN_MARK = r"(?:(?<=[.;:!?)\]”\"*])|(?<=\.[”\"»]))\s{1,4}(?:\[%d\]|%d[.)])\s{1,4}(?=\S)"


def split_run_together(notes: list[RawNote]) -> list[RawNote]:
    """Endnotes run together in one paragraph ("... p. 5. 3. Ibid. 4. Kershaw, p. 9."): a note whose
    next number is missing is split at "N. " (N = its number + 1) after the end of a sentence."""
    out: list[RawNote] = []
    for idx, note in enumerate(notes):
        nxt = notes[idx + 1].n if idx + 1 < len(notes) else None
        cur = note
        out.append(cur)
        for _ in range(100_000):
            want = cur.n + 1
            if nxt is not None and nxt <= want:
                break
            m = re.search(_RUN_MARK % (want, want), cur.text)
            if not m:
                break
            rest = cur.text[m.end():]
            cur.text = cur.text[: m.start()].rstrip()
            cur = RawNote(n=want, text=rest, line=note.line)
            out.append(cur)
    return out


def numbering_problems(notes: list[tuple[int, str | None]]) -> list[str]:
    """Gaps (2 -> 4), duplicates and notes out of order in a numbered sequence (Markdown labels skipped)."""
    problems: list[str] = []
    seen: set[int] = set()
    prev: int | None = None
    for n, label in notes:
        if label is not None:
            continue
        if n in seen:
            problems.append(f"note {n} appears more than once")
        elif prev is not None and n < prev:
            problems.append(f"note {n} comes after note {prev}")
        elif prev is not None and n > prev + 1:
            missing = f"{prev + 1}" if n == prev + 2 else f"{prev + 1}–{n - 1}"
            problems.append(f"numbering gap: no note {missing} between {prev} and {n}")
        seen.add(n)
        prev = max(prev, n) if prev is not None else n
    return problems
