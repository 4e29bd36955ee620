"""Resolve back-references (Ibid., Idem, op. cit., short forms) and group citations into works.

Rules, applied in footnote order; nothing is guessed:

* A full citation (book, article, archival) names a work; the same author+title (or the same archive
  file) seen again is the same work.
* ``Ibid.`` / ``Idem`` points to the citation before it in the same note, else to the single work of the
  previous note. A previous note with several works, or with none, makes it ``dangling``.
* ``Name, op. cit.`` (``a.a.O.``, ``dz. cyt.``, ``указ. соч.``) points to the most recent earlier full citation
  with that author family name, and inherits from it as ``Ibid.`` does.
* A short form points to an earlier work: by title (a prefix of the full title, compared loosely) and,
  when only an author is given, to the one earlier work by that author.
* No candidate, or several different candidates: ``kind = 'dangling'`` with ``reason``.
"""

from __future__ import annotations

import re

from sevenfold.cite.models import FULL_KINDS, Citation, Footnote, SingleSourceRun, Work
from sevenfold.cite.textnorm import fold_key


def work_key(c: Citation) -> str:
    if c.kind == "archival":
        parts = [c.archive or "", c.fond or "", c.opis or "", c.delo or "", c.signature or "", c.series or "",
                 c.roll or "", c.item or "", c.reference_code or "", c.locator or "", c.collection or "",
                 c.record_group or "", c.archive_series or "", c.box or "", c.folder or ""]
        return "arch:" + "|".join(fold_key(p) for p in parts)
    fam = ",".join(fold_key(p.family) for p in c.authors)
    return f"{c.kind}:{fam}:{fold_key(c.title or c.container or c.raw)}"


def work_label(c: Citation) -> str:
    if c.kind == "archival":
        bits = [c.archive or "archive"]
        for key, val in (("f.", c.fond), ("op.", c.opis), ("d.", c.delo)):
            if val:
                bits.append(f"{key} {val}")
        vals: tuple[str | bool | None, ...] = (
                    c.collection, c.record_group and f"RG {c.record_group}", c.signature,
                    c.series and (f"{c.series}, roll {c.roll}" if c.roll else c.series),
                    c.roll and not c.series and f"roll {c.roll}", c.archive_series and f"series {c.archive_series}",
                    c.box and f"box {c.box}", c.folder and f"folder {c.folder}", c.item, c.reference_code)
        for part in vals:
            if isinstance(part, str) and part:
                bits.append(part)
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


# a chapter 'in: ebd.' is in the volume of the chapter cited just before
_SAME_VOLUME = re.compile(r"(?:ebd|ebenda|ibid|ibidem|tamże)\.?", re.IGNORECASE)

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


# coarse to fine: an Ibid. that names one of these keeps the coarser ones of its antecedent and drops the finer
ORDER = ("archive", "collection", "record_group", "fond", "opis", "publication", "series", "archive_series",
         "signature", "delo", "roll", "box", "reference_code", "item", "folder", "volume", "frame", "folio", "list",
         "pages")
ORDER_INDEX = {k: i for i, k in enumerate(ORDER)}
_PAGE_KEYS = {"pages": ("first_page", "last_page")}
# always taken from the antecedent: what the work is
WORK_FIELDS = ("author", "authors", "editors", "title", "container", "year", "date", "place", "issue", "country",
               "csl_type", "quoted_in", "locator")


def inherit(c: Citation, ante: Citation) -> None:
    """Fill an Ibid. from its antecedent: the work, and every locator coarser than the first one it names."""
    cd, ad = c.__dict__, ante.__dict__  # plain values of the model's own types: no validation needed
    given = [k for k in ORDER if cd[k]]  # str | None fields: set and not empty
    # a folio written 'k. 5' or 'l. 5' reads in the antecedent's own system
    if "folio" in given and "list" not in given and (ad["fond"] or ad["delo"]):
        cd["list"], cd["folio"] = cd["folio"], None
        given = [k for k in ORDER if cd[k]]
    elif "list" in given and "folio" not in given and not (ad["fond"] or ad["delo"]) and ad["folio"]:
        cd["folio"] = cd["list"]
        given.append("folio")
    cut = min((ORDER_INDEX[k] for k in given), default=len(ORDER))
    copied: list[str] = []
    for k in ORDER[:cut]:
        val = ad[k]
        if val and not cd[k]:
            cd[k] = val
            copied.append(k)
            for extra in _PAGE_KEYS.get(k, ()):
                cd[extra] = ad[extra]
    if not given:
        cd["first_page"], cd["last_page"] = ad["first_page"], ad["last_page"]
    for k in WORK_FIELDS:
        val = ad[k]
        if val and not cd[k]:  # (the field types: empty is None, "", [], False or 0)
            cd[k] = list(val) if isinstance(val, list) else val
            copied.append(k)
    if cd["folio"] and not cd["fond"] and ad["list"] and not ad["fond"] and "list" not in given:
        cd["list"] = cd["folio"]  # Polish archives also report the karta as 'list'
    cd["inherited"] = copied
    c.__pydantic_fields_set__.update(copied)


_SHORT_LOCATORS = ("pages", "first_page", "last_page", "locator", "list", "folio", "frame")


def _dangle(c: Citation, reason: str) -> None:
    c.form = c.form or c.kind
    c.kind = "dangling"
    c.resolves_to = None
    c.reason = reason


def resolve(footnotes: list[Footnote]) -> list[Work]:
    """Fill ``resolves_to`` (and turn unresolvable references into ``dangling``) in place; the works."""
    r = _Resolver()
    prev_works: list[str] = []  # distinct works of the previous note with citations (or none)
    prev_last: dict[str, Citation] = {}  # the last citation of each work in the previous note
    for fn in footnotes:
        this: list[str] = []
        last: dict[str, Citation] = {}
        for c in fn.citations:
            ante: Citation = c  # what a later Ibid. repeats
            if c.kind in FULL_KINDS:
                if c.form == "idem" and not c.authors and len(set(prev_works)) == 1:
                    prev = r.by_id[prev_works[0]].citation
                    if prev is not None and prev.authors:  # 'Idem, *Title* ...' in the next note
                        c.authors, c.author = list(prev.authors), prev.author
                if c.csl_type == "chapter" and c.container and _SAME_VOLUME.fullmatch(c.container) \
                        and len(set(prev_works)) == 1:
                    host = prev_last[prev_works[0]]  # '…, in: ebd., S. 1030': the volume of the chapter before
                    if host.csl_type == "chapter":
                        c.container, c.place, c.year = host.container, host.place, host.year
                        c.editors = list(host.editors)
                w = r.add_full(c, fn.n)
                c.resolves_to = w.id
            elif c.kind == "ibid":
                if this:
                    c.resolves_to = this[-1]
                    inherit(c, last[this[-1]])
                elif len(set(prev_works)) == 1:
                    c.resolves_to = prev_works[0]
                    inherit(c, prev_last[prev_works[0]])
                elif not prev_works:
                    _dangle(c, "ibid: the previous note cites no work")
                else:
                    _dangle(c, "ibid: the previous note cites several works: " + ", ".join(
                        dict.fromkeys(prev_works)))
            elif c.kind == "op_cit":
                # the most recent full citation by this author (op. cit. repeats the last work cited by them)
                fams = _families(c)
                hit = next(((w, cit) for w, cit in reversed(r.full_cits[-SCAN_LIMIT:])
                            if fams and fams <= _families(cit)), None)
                if hit is None:
                    cands = r.by_author(fams)
                    hit = (cands[-1], cands[-1].citation) if cands and cands[-1].citation is not None else None
                if hit is None:
                    _dangle(c, f"op. cit.: no earlier full citation by {c.author}")
                else:
                    c.resolves_to = hit[0].id
                    inherit(c, hit[1])
                    c.authors = list(hit[1].authors)
            elif c.kind == "short":
                fams = _families(c)
                cands = r.by_title(c.title, fams) if c.title else r.by_author(fams)
                distinct = list(dict.fromkeys(w.id for w in cands))
                if len(distinct) == 1:
                    c.resolves_to = distinct[0]
                    full = r.by_id[distinct[0]].citation
                    if full is not None:  # an Ibid. after 'Kershaw, Nemesis, p. 5' repeats the whole work
                        ante = full.model_copy(update={k: getattr(c, k) for k in _SHORT_LOCATORS
                                                       if getattr(c, k) not in (None, "")})
                elif not distinct:
                    what = f"“{c.title}”" if c.title else f"by {c.author}"
                    _dangle(c, f"short form: no earlier full citation {what}")
                else:
                    _dangle(c, f"short form: several earlier works match: {', '.join(distinct)}")
            if c.resolves_to:
                this.append(c.resolves_to)
                last[c.resolves_to] = ante
        for wid in dict.fromkeys(this):
            r.by_id[wid].footnotes.append(fn.n)
        prev_works = this if fn.citations else []
        prev_last = last
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
