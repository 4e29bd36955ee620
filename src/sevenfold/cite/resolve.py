"""Resolve back-references (Ibid., Idem, op. cit., short forms) and group citations into works.

Rules, applied in footnote order; nothing is guessed:

* A full citation (book, article, archival) names a work; the same author+title (or the same archive
  file) seen again is the same work.
* ``Ibid.`` / ``Idem`` points to the citation before it in the same note, else to the single work of the
  previous note. A previous note with several works, or with none, makes it ``dangling``.
* ``Name, op. cit.`` points to the most recent earlier work with that author family name.
* A short form points to an earlier work: by title (a prefix of the full title, compared loosely) and,
  when only an author is given, to the one earlier work by that author.
* No candidate, or several different candidates: ``kind = 'dangling'`` with ``reason``.
"""

from __future__ import annotations

from sevenfold.cite.models import FULL_KINDS, Citation, Footnote, SingleSourceRun, Work
from sevenfold.cite.textnorm import fold_key


def work_key(c: Citation) -> str:
    if c.kind == "archival":
        parts = [c.archive or "", c.fond or "", c.opis or "", c.delo or "", c.signature or "", c.series or "",
                 c.roll or "", c.item or "", c.reference_code or "", c.locator or ""]
        return "arch:" + "|".join(fold_key(p) for p in parts)
    fam = ",".join(fold_key(p.family) for p in c.authors)
    return f"{c.kind}:{fam}:{fold_key(c.title or c.container or c.raw)}"


def work_label(c: Citation) -> str:
    if c.kind == "archival":
        bits = [c.archive or "archive"]
        for key, val in (("f.", c.fond), ("op.", c.opis), ("d.", c.delo)):
            if val:
                bits.append(f"{key} {val}")
        for val in (c.signature, c.series and f"{c.series}, roll {c.roll}", c.item, c.reference_code):
            if val:
                bits.append(val)
        return ", ".join(bits) if len(bits) > 1 else bits[0]
    fams = [p.family for p in c.authors]
    who = " and ".join(fams) if len(fams) <= 2 else f"{fams[0]} et al."
    what = c.title or c.container or c.raw
    label = f"{who}, {what}" if who else what
    if c.year:
        label += f" ({c.year})"
    return label


def _title_matches(short: str, full: str) -> bool:
    s, f = fold_key(short), fold_key(full)
    if not s or not f:
        return False
    return f == s or f.startswith(s + " ") or (len(s) >= 12 and s in f)


def _families(c: Citation) -> set[str]:
    return {fold_key(p.family) for p in c.authors}


SCAN_LIMIT = 2000  # title look-ups beyond the first-word index scan at most this many recent works


class _Resolver:
    def __init__(self) -> None:
        self.works: list[Work] = []
        self.by_id: dict[str, Work] = {}
        self.by_key: dict[str, Work] = {}
        self.full_cits: list[tuple[Work, Citation]] = []  # in order of appearance
        self.fam_index: dict[str, list[Work]] = {}
        self.title_index: dict[str, list[tuple[Work, Citation]]] = {}

    def add_full(self, c: Citation, n: int) -> Work:
        key = work_key(c)
        w = self.by_key.get(key)
        if w is None:
            w = Work(id=f"w{len(self.works) + 1}", label=work_label(c), footnotes=[], kind=c.kind,
                     first_footnote=n, citation=c.model_copy())
            self.works.append(w)
            self.by_id[w.id] = w
            self.by_key[key] = w
        self.full_cits.append((w, c))
        for fam in _families(c):
            lst = self.fam_index.setdefault(fam, [])
            if w not in lst[-3:]:
                lst.append(w)
        words = fold_key(c.title or c.container or "").split()
        if words:
            self.title_index.setdefault(words[0], []).append((w, c))
        return w

    def by_author(self, fams: set[str]) -> list[Work]:
        if not fams:
            return []
        first = sorted(fams)[0]
        out: list[Work] = []
        for w in self.fam_index.get(first, []):
            if w.citation is not None and fams <= _families(w.citation) and w not in out:
                out.append(w)
        return out

    def by_title(self, title: str, fams: set[str]) -> list[Work]:
        words = fold_key(title).split()
        pool = self.title_index.get(words[0], []) if words else []
        if not pool:
            pool = self.full_cits[-SCAN_LIMIT:]
        out: list[Work] = []
        for w, c in pool:
            full_title = c.title or c.container or ""
            if _title_matches(title, full_title) and w not in out:
                if fams and _families(c) and not (fams & _families(c)):
                    continue
                out.append(w)
        return out


def _dangle(c: Citation, reason: str) -> None:
    c.form = c.form or c.kind
    c.kind = "dangling"
    c.resolves_to = None
    c.reason = reason


def resolve(footnotes: list[Footnote]) -> list[Work]:
    """Fill ``resolves_to`` (and turn unresolvable references into ``dangling``) in place; the works."""
    r = _Resolver()
    prev_works: list[str] = []  # distinct works of the previous note with citations (or none)
    for fn in footnotes:
        this: list[str] = []
        for c in fn.citations:
            if c.kind in FULL_KINDS:
                if c.form == "idem" and not c.authors and len(set(prev_works)) == 1:
                    prev = r.by_id[prev_works[0]].citation
                    if prev is not None and prev.authors:  # 'Idem, *Title* ...' in the next note
                        c.authors, c.author = list(prev.authors), prev.author
                w = r.add_full(c, fn.n)
                c.resolves_to = w.id
            elif c.kind == "ibid":
                if this:
                    c.resolves_to = this[-1]
                elif len(set(prev_works)) == 1:
                    c.resolves_to = prev_works[0]
                elif not prev_works:
                    _dangle(c, "ibid: the previous note cites no work")
                else:
                    _dangle(c, "ibid: the previous note cites several works: " + ", ".join(
                        dict.fromkeys(prev_works)))
            elif c.kind == "op_cit":
                cands = r.by_author(_families(c))
                if not cands:
                    _dangle(c, f"op. cit.: no earlier full citation by {c.author}")
                else:
                    # the most recent work by this author, unless the author has several works cited
                    distinct = list(dict.fromkeys(w.id for w in cands))
                    if len(distinct) == 1:
                        c.resolves_to = distinct[0]
                    else:
                        _dangle(c, f"op. cit.: {c.author} has several earlier works: {', '.join(distinct)}")
            elif c.kind == "short":
                fams = _families(c)
                cands = r.by_title(c.title, fams) if c.title else r.by_author(fams)
                distinct = list(dict.fromkeys(w.id for w in cands))
                if len(distinct) == 1:
                    c.resolves_to = distinct[0]
                elif not distinct:
                    what = f"“{c.title}”" if c.title else f"by {c.author}"
                    _dangle(c, f"short form: no earlier full citation {what}")
                else:
                    _dangle(c, f"short form: several earlier works match: {', '.join(distinct)}")
            if c.resolves_to:
                this.append(c.resolves_to)
        for wid in dict.fromkeys(this):
            r.by_id[wid].footnotes.append(fn.n)
        prev_works = this if fn.citations else []
    return r.works


def single_source_runs(footnotes: list[Footnote], works: list[Work]) -> list[SingleSourceRun]:
    """Maximal runs of >= 2 consecutive footnotes (numbers n, n+1, ...) each supported by the same one work."""
    labels = {w.id: w.label for w in works}
    runs: list[SingleSourceRun] = []
    cur: list[int] = []
    cur_w: str | None = None
    prev_n: int | None = None

    def close() -> None:
        if cur_w is not None and len(cur) >= 2:
            runs.append(SingleSourceRun(footnotes=list(cur), work=cur_w, label=labels.get(cur_w)))

    for fn in footnotes:
        support = {c.resolves_to for c in fn.citations if c.resolves_to}
        bad = any(c.kind in ("dangling",) for c in fn.citations)
        single = next(iter(support)) if len(support) == 1 and not bad else None
        if single is not None and single == cur_w and prev_n is not None and fn.n == prev_n + 1:
            cur.append(fn.n)
        else:
            close()
            cur, cur_w = ([fn.n], single) if single is not None else ([], None)
        prev_n = fn.n
    close()
    return runs
