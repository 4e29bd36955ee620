"""Parse the citations in a footnote (or in one citation string) into ``Citation`` objects.

The footnote is split into segments (``segment.split_segments``); each segment is read left to right
by a cursor: lead-ins ("See also", "Quoted in") are skipped, and at each stop the recognisers are
tried in order — ibid/idem, op. cit., archival, full book/article, short form. A recognised citation
moves the cursor past itself ("... p. 114 and V. V. Sokolov, ..." yields two citations); a segment
with none is prose. Every regular expression is anchored or bounded and each segment gets a bounded
number of attempts, so parsing is linear in the length of the text.
"""

from __future__ import annotations

import bisect
import re

from sevenfold.cite.archival import COLLECTION_WORDS, classify, read_parts, split_parts
from sevenfold.cite.archives import (
    Archive,
    ArchiveMention,
    archive_by_code,
    archive_places,
    find_archives,
    unlisted_fond_archive,
    unlisted_named_archive,
)
from sevenfold.cite.locators import (
    RANGES,
    YEAR_RE,
    is_name_token,
    normalize_folios,
    normalize_range,
    parse_date,
    split_people,
    trailing_name_run,
)
from sevenfold.cite.models import Citation, Person
from sevenfold.cite.segment import split_segments
from sevenfold.cite.textnorm import guard_first_chars, match_view

MAX_ATTEMPTS = 16  # title delimiters tried per citation
MAX_PER_SEGMENT = 64  # citations read from one sentence
WINDOW = 600  # how far after a title the publication data may be

LEAD_IN = re.compile(
    r"(?:(?:see|cf\.?|compare|also|quoted|cited|as\s+quoted|reproduced|reprinted|printed|published|"
    r"for\s+instance|for\s+example|e\.\s?g\.|esp\.|especially|in|by|and|on\s+this|further|"
    r"vgl\.?|siehe|zob\.?|por\.?|см\.?|ср\.?|также|тж|напр|например|też|także|np|auch|dazu|etwa|z\.\s?B|"
    r"цит\.?\s{0,2}по|cyt\.?\s{0,2}za|zit(?:\.|iert)\s{0,2}nach|quoted\s+from)(?!\w)\.?[\s,:]{0,3}"
    r"|(?:my|his|her|their|our)\s+(?:essay|article|book|paper|study|chapter|monograph)\b[\s,:]{0,3}){1,6}",
    re.IGNORECASE,
)
QUOTED_IN = re.compile(r"(?:as\s+)?(?:quoted|cited)\s+(?:in|by|from)\b|цит\.?\s{0,2}по|cyt\.?\s{0,2}za|"
                       r"zit(?:\.|iert)\s{0,2}nach", re.IGNORECASE)
IBID = re.compile(
    r"(?P<w>ibid(?:em)?|ib|там\s+же|там\s+само|tamże|tamze|tamtéž|tamtez|tamže|ten\s+pat|ebd|ebenda|ebda)(?!\w)\.?",
    re.IGNORECASE
)
IDEM = re.compile(r"(?P<w>idem|eadem|он\s+же|она\s+же|его\s+же)(?!\w)\.?", re.IGNORECASE)
OP_CIT = re.compile(
    r"(?P<w>op\.?\s{0,2}cit|loc\.?\s{0,2}cit|ук\.?\s{0,2}соч|указ\.?\s{0,2}соч|цит\.?\s{0,2}соч|dz\.?\s{0,2}cyt"
    r"|a\.\s{0,2}a\.\s{0,2}O)"
    r"(?!\w)\.?",
    re.IGNORECASE,
)
OP_CIT = guard_first_chars(OP_CIT)  # searched for in every citation: skip positions no form can start at
PUB_PARENS = re.compile(
    r"\((?P<place>[^()\d\"*:]{2,80}?)(?:\s{0,2}:\s{0,2}(?P<publisher>[^()\d\"*]{1,80}?))?[,:]?\s{1,3}"
    r"(?P<year>1[5-9]\d\d|20\d\d)(?:\s{0,2}-\s{0,2}\d{2,4})?\)"
)
VOLUME_RE = re.compile(
    r",?\s{0,2}(?P<vol>(?:(?:t|v|vol|tom|kn|ch|vyp|т|вып|кн)\.\s{0,2}\d{1,4}[\s,]{0,3}){1,3})", re.IGNORECASE
)
TITLE_CUT = re.compile(r",\s{1,3}(?:tr|trans|transl|ed|eds|comp|sost|red|t|v|vol|kn|tom|т|кн|ser|series|pt|part|bd|"
                       r"teil|cz)\.?\s", re.IGNORECASE)
VOL_ISSUE = re.compile(r"(?P<vol>\d{1,4})\s{0,2}:\s{0,2}(?P<issue>\d{1,4}(?:\s{0,2}-\s{0,2}\d{1,4})?)")
ISSUE_NO = re.compile(r"(?:no|nos|nr|№|vyp|issue)\.?\s{0,2}(?P<issue>\d{1,4}(?:\s{0,2}-\s{0,2}\d{1,4})?)",
                      re.IGNORECASE)
LOCATOR_TAIL = re.compile(
    rf"\s{{0,3}},?\s{{0,3}}(?:(?P<pp>pp?|S|s|с|С|стр|Стр)\.?\s{{0,3}}(?P<pages>{RANGES})|(?P<pages2>{RANGES})(?![\w/:])"
    rf"|(?P<ch>ch(?:ap)?\.?\s{{0,2}}\d{{1,3}}))"
)
FOND_PART = re.compile(
    r"(?P<key>fond|fonds|фонд|f|ф|opis'?|опись|op|оп|apr|ap|papka|p|п|ед\.\s{0,2}хр|ed\.\s{0,2}khr|delo|дело|d|д|b|spr|sprava|"
    r"справа|спр|tom|t|т|listy|list|листы|лист|ll|l|лл|л|arkush|ark|аркуш|арк|k|str)(?![^\W\d_])\.?\s{0,3}"
    r"(?P<val>(?:[A-ZА-Я]{1,2}\s?-\s?)?\d{1,7}(?:[a-zA-Zа-яА-Я]{1,3}(?:\.(?=\s{0,2}-))?)?"  # '9ob.–10'
    r"(?:\s{0,2}(?:ob|об|зв|zv)(?!\w)\.?|\s[rv](?!\w)\.?)?"
    r"(?:\s{0,2}-\s{0,2}\d{1,7}[a-zA-Zа-я]{0,3}(?:\s{0,2}(?:ob|об|зв|zv)(?!\w)\.?|\s[rv](?!\w)\.?)?)?"
    r"(?:\s{0,2},\s{0,2}\d{1,7}(?:\s{0,2}-\s{0,2}\d{1,7})?(?!\s{0,2}[a-zA-Zа-яА-Я]{1,5}\.)){0,20})",
    re.IGNORECASE,
)
PAREN_NOTE = re.compile(r"\s{0,3}\((?P<note>[^()]{1,200})\)")
JACAR_CODE = re.compile(r"(?<![\w])(?:Ref(?:erence)?\.?\s{0,2}(?:code|no\.?|number)?\s{0,2}:?\s{0,2})?"
                        r"(?P<code>[A-F]\d{11})(?!\d)")
# a piece of the UK National Archives by its department code: 'FO 371/24846', 'WO 208/4401', 'PREM 3/395/6'
TNA_PIECE = re.compile(r"(?:ADM|AIR|AVIA|BT|CAB|CO|DEFE|DO|FCO|FO|GFM|HO|HS|HW|INF|KV|LAB|MEPO|PREM|WO)"
                       r"\s?\d{1,4}/\d{1,6}[A-Z]?(?:/\d{1,5}[A-Z]?)?(?![\w/])")
SKIP_PARENS = re.compile(r"\s{0,3}\((?P<inside>[^()]{1,80})\)")
SLASH_FOND = re.compile(
    r"(?P<f>(?:[A-ZА-Я]{1,2}-?)?\d{1,6}[a-zа-я]?)/(?P<o>\d{1,5}[a-zа-я]?)/(?P<d>\d{1,7}[a-zа-я]?)(?![\w/])"
)
SLASH_LIST = re.compile(rf"\s{{0,2}}(?:,\s{{0,2}}(?:ll|l|лл|л|ark|арк)\.\s{{0,3}}|:\s{{0,2}})(?P<val>{RANGES})",
                        re.IGNORECASE)
CHICAGO_TAIL = re.compile(
    r",?\s{1,2}(?P<vol>\d{1,4})(?:\s{0,2},\s{0,2}(?:no|nos|issue)\.?\s{0,2}(?P<iss>\d{1,4}(?:\s?-\s?\d{1,4})?))?"
    r"\s{0,2}\((?P<d>[^()]{0,40}?(?P<y>1[5-9]\d\d|20\d\d))\)"
    rf"(?:\s{{0,2}}:\s{{0,2}}(?P<pages>{RANGES}))?"
)
IBID_FOLIO = re.compile(rf"(?:ll|l|лл|л|ark|арк)\.\s{{0,3}}(?P<val>{RANGES})", re.IGNORECASE)
FOND_START = re.compile(r"(?:f|ф|fond|op|оп|d|д|п|spr|спр|ед\.\s{0,2}хр|ed\.\s{0,2}khr)\.\s{0,3}\d", re.IGNORECASE)
# a fond reference cut into sentences ('Оп. 1. П. 313. Д. 2154', 'Оп. 2. Ед. хр. 45', 'Там же. Ед. хр. 46'): rejoined
_FOND_TAIL = re.compile(r"(?:(?:ф|оп|f|op|п|д|d)\.\s{0,3}(?:[A-ZА-Я]{1,2}\s?-\s?)?\d{1,7}[a-zа-я]{0,3}"
                        r"|там\s+же|ibid|tamże|ebd)\.?$", re.IGNORECASE)
_FOND_NEXT = re.compile(r"(?:п|ед\.\s{0,2}хр|ed\.\s{0,2}khr|д|d|лл|л|ll|l)\.\s{0,3}\d", re.IGNORECASE)


class _Seg:
    """A segment of the footnote: original text, its match view, and its offset in the note."""

    def __init__(self, text: str, offset: int, view: str | None = None) -> None:
        self.text = text
        self.view = match_view(text) if view is None else view  # the note's view sliced: the same characters
        self.offset = offset


def parse_citations(text: str) -> list[Citation]:
    """All citations found in a footnote text, in order. A text with none gives ``[]``."""
    out: list[Citation] = []
    stripped = text.strip()
    if len(stripped) < 40:
        fast = _IBID_FAST.fullmatch(match_view(text), len(text) - len(text.lstrip()), len(text.rstrip()))
        if fast is not None:
            lead = len(text) - len(text.lstrip())
            return [_fast_ibid(text, lead, lead + len(stripped), fast)]
    segs = split_segments(text)
    view = match_view(text) if segs else ""
    years = _year_ends(view) if len(segs) > 1 else []  # where the note's years end (an edition spans sentences)
    lone: tuple[int, int] | None = None
    k = 0
    while k < len(segs):
        a, b = segs[k]
        while k + 1 < len(segs) and _FOND_NEXT.match(view, segs[k + 1][0]) and \
                _FOND_TAIL.search(view, max(a, b - 40), b):
            k += 1
            b = segs[k][1]
        # a GOST entry ('Хлевнюк О. В. Хозяин. Сталин и ... М., 2010. С. 245.') spans several sentences
        if GOST_HEAD.match(view, la := _lead_end(view, a)) and (
                m := GOST.match(view, la, min(len(view), a + 800))) is not None:
            while k + 1 < len(segs) and segs[k + 1][0] < m.end():
                k += 1
                b = segs[k][1]
        elif GOST_PLACE_HINT.search(view, b - 1, min(len(view), b + 300)) and (
                gm := GOST_NOAUTH.match(view, a, min(len(view), a + 500))) is not None:
            while k + 1 < len(segs) and segs[k + 1][0] < gm.end():
                k += 1
                b = segs[k][1]
        elif CONT_HEAD.match(view, _lead_end(view, a)) and (
                cm := CONTINENTAL.match(view, _lead_end(view, a), min(len(view), a + 900))) is not None:
            while k + 1 < len(segs) and segs[k + 1][0] < cm.end():
                k += 1
                b = segs[k][1]
        # 'Katyń. Dokumenty zbrodni. T. 2. Warszawa 1998, s. 45.': an edition without author over several sentences
        elif k + 1 < len(segs) and _year_within(years, b, b + 300) and \
                EDITION_HINT.search(view, b - 1, min(len(view), b + 300)) and (
                em := EDITION.match(view, _lead_end(view, a), min(len(view), a + 700))) is not None:
            while k + 1 < len(segs) and segs[k + 1][0] < em.end():
                k += 1
                b = segs[k][1]
        # 'Hoover Institution Archives, Poland. Ambasada (U.S.) Records, box 5': a collection name with a full
        # stop inside; the reference goes on in the next sentence when that one starts with its locators
        elif k + 1 < len(segs) and not _KEY_HINT.search(view, a, b) and _names_keyed_archive(view, a, b):
            a2, b2 = segs[k + 1]
            if _KEY_HINT.search(view, a2, min(b2, a2 + 80)) and not find_archives(view[a2:b2]):
                k += 1
                b = b2
        fast = _IBID_FAST.fullmatch(view, a, b)
        if fast is not None:  # 'Ibid.' / 'Ibid., p. 5' alone in a sentence: the commonest note of all
            out.append(_fast_ibid(text, a, b, fast))
        else:
            _parse_segment(_Seg(text[a:b], a, view[a:b]), out)
            if lone is not None and len(out) == 1:
                _glue_title(text, lone, out[0])
        lone = (a, b) if not out and k == 0 else None  # the note's first sentence, with no citation
        k += 1
    return out


_PROSE_WORDS = re.compile(r"\b(?:the|was|were|is|are|has|have|had|see|this|that|which|these|also|by|it|its|he|she|"
                          r"they|we|our|his|her|their|not|but|who|when|where|after|before|from|with)\b", re.IGNORECASE)


def _glue_title(text: str, lone: tuple[int, int], c: Citation) -> None:
    """'Tragediia sovetskoi derevni: Kollektivizatsiia i raskulachivanie. Dokumenty i materialy, vol. 3 (Moscow,
    2001)': a title without author cut at its inner full stop is one title when its first part reads as a title."""
    a, b = lone
    if c.kind != "book" or c.authors or c.editors or not c.title or c.start is None or c.quoted_in:
        return
    gap = text[b: c.start]
    head = text[a:b]
    if gap.strip() or not text[c.start:].startswith(c.title[:10]) or len(head.split()) > 30 \
            or not head[:1].isupper() or head.endswith(("?", "!")) or _PROSE_WORDS.search(head):
        return
    c.title = f"{head} {c.title}"
    c.raw = text[a: c.start + len(c.raw)].strip() if text[c.start:].startswith(c.raw) else c.raw
    c.start = a


_YEAR_POS = re.compile(r"(?<!\d)(?:1[5-9]|20)\d\d(?!\d)")


def _year_ends(view: str) -> list[int]:
    return [m.end() for m in _YEAR_POS.finditer(view)]


def _year_within(ends: list[int], a: int, b: int) -> bool:
    """Whether a year ends in view[a:b] (ends: the sorted end offsets of the note's years)."""
    k = bisect.bisect_right(ends, a)
    return k < len(ends) and ends[k] <= b


_KEY_HINT = re.compile(r"(?<!\w)(?:box|folder|Bl\.|fols?\.|k\.|roll|reel|frames?|sygn\.|RG)\s{0,2}\d",
                       re.IGNORECASE)
_KEY_HINT = guard_first_chars(_KEY_HINT)


def _lead_end(view: str, a: int) -> int:
    global _last_lead
    last = _last_lead
    if last[0] is view and last[1] == a:  # asked again for the same sentence start (up to three times)
        return last[2]
    lead = LEAD_IN.match(view, a)
    end = lead.end() if lead else a
    _last_lead = (view, a, end)
    return end


_last_lead: tuple[str, int, int] = ("", -1, -1)


def _names_keyed_archive(view: str, a: int, b: int) -> bool:
    return any(m.archive.system != "fond" for m in find_archives(view[a:b]))


_IBID_FAST = re.compile(r"(?:ibid(?:em)?|ebd|ebenda|tamże)\.?"
                        r"(?:,?\s{0,2}(?P<pp>pp?)\.\s{0,2}(?P<pg>\d{1,6}(?:-\d{1,6})?)\.?)?", re.IGNORECASE)


def _fast_ibid(text: str, a: int, b: int, m: re.Match[str]) -> Citation:
    raw = text[a: m.end("pg") if m.group("pg") else b].strip().rstrip(",;: ")
    kw: dict[str, object] = {"raw": raw, "kind": "ibid", "form": "ibid", "start": a}
    if m.group("pg"):
        pages, first, last = normalize_range(m.group("pg"), expand=False)
        kw.update(pages=pages, first_page=first, last_page=last)
    return new_citation(kw)


def parse_citation(text: str) -> Citation:
    """The first citation in ``text``; ``kind='unparsed'`` (raw = the text) when there is none."""
    found = parse_citations(text)
    if found:
        return found[0]
    return Citation(raw=text.strip(), kind="unparsed", start=0)


# ---------------------------------------------------------------------------------------------------


def _skip_ws(view: str, i: int) -> int:
    n = len(view)
    while i < n and (view[i].isspace() or view[i] in ",;:"):
        i += 1
    return i


def _parse_segment(seg: _Seg, ctx: list[Citation]) -> None:
    """Append the citations of one segment to ``ctx`` (the note's citations so far)."""
    view = seg.view
    first = len(ctx)
    pos = 0
    attempts = 0
    mentions = find_archives(view)
    starts = [m.start for m in mentions]
    while pos < len(view) and attempts < MAX_PER_SEGMENT:
        attempts += 1
        start = _skip_ws(view, pos)
        lead = LEAD_IN.match(view, start)
        quoted_in = False
        if lead:
            quoted_in = bool(QUOTED_IN.match(view, start))
            start = lead.end()
        cit = (
            _try_ibid(seg, start, ctx)
            or _try_op_cit(seg, start)
            or _try_archival(seg, start, mentions, starts, ctx)
            or _try_gost(seg, start)
            or _try_cjk(seg, start)
            or _try_continental(seg, start, ctx)
            or _try_gost_noauthor(seg, start)
            or _try_edition(seg, start)
            or _try_full(seg, start, pos, ctx)
            or _try_short(seg, start)
        )
        if cit is None:
            break
        c, end = cit
        if len(ctx) > first and c.kind in ("book", "article") and not c.authors and ctx[-1].authors \
                and re.match(r"\s{0,3}(?:and|&)\s", view[pos: pos + 8]):
            # '..., 2003) and “Osobaia missiia ...”': same author as the citation just before
            c.authors = list(ctx[-1].authors)
            c.author = ctx[-1].author
        if quoted_in:
            c.quoted_in = True
        ctx.append(c)
        if end <= pos:
            break
        pos = end
        # what follows must be a connector to another citation, else it is prose: stop at the next ';'
        rest = view[pos: pos + 40]
        if not _CONNECTOR.match(rest):
            semi = view.find(";", pos)  # 'TNA, CAB 65/13, WM (40) 141st Conclusions; WO 208/4401'
            if semi < 0:
                break
            pos = semi + 1


_CONNECTOR = re.compile(r"\s{0,3}(?:;|(?:[.;,]\s{0,3})?(?:and\b|&|;|see\b|also\b|cf\b|\.\s{0,3}[A-Z*\"(]))",
                        re.IGNORECASE)


def _mk(seg: _Seg, a: int, b: int, **kw: object) -> Citation:
    raw = seg.text[a:b].strip().rstrip(",;: ")
    # every value here is built by this module with the model's types: skip re-validation (100,000 notes)
    kw.update(raw=raw, start=seg.offset + a)
    return new_citation(kw)


_SCALAR_DEFAULTS = {name: f.default for name, f in Citation.model_fields.items() if f.default_factory is None}


def new_citation(kw: dict[str, object]) -> Citation:
    """A Citation from values this module built with the model's types, without re-validation (what
    ``model_construct`` does, minus its per-field default look-ups: 100,000 notes stay fast)."""
    c = _NEW(Citation)
    d = _SCALAR_DEFAULTS.copy()
    d.update(kw)
    if "authors" not in kw:  # (unrolled: one citation per note of 100,000)
        d["authors"] = []
    if "editors" not in kw:
        d["editors"] = []
    if "inherited" not in kw:
        d["inherited"] = []
    _SET(c, "__dict__", d)
    _SET(c, "__pydantic_fields_set__", set(kw))
    _SET(c, "__pydantic_extra__", None)
    _SET(c, "__pydantic_private__", None)
    return c


_NEW = Citation.__new__
_SET = object.__setattr__


def _pages(view: str, i: int) -> tuple[str | None, int | None, int | None, str | None, int]:
    """Pages (or a chapter locator) right at ``i``: (pages, first, last, locator, end)."""
    m = LOCATOR_TAIL.match(view, i, min(len(view), i + 200))
    if not m:
        return None, None, None, None, i
    if m.group("ch"):
        return None, None, None, " ".join(m.group("ch").split()), m.end()
    pages = m.group("pages") or m.group("pages2")
    if m.group("pages2") and not m.group("pp"):
        # bare numbers after a title are pages only when followed by the end of the citation
        after = view[m.end(): m.end() + 2]
        if after[:1].isalnum():
            return None, None, None, None, i
    end = m.end()
    pin = _PIN_AFTER.match(view, end, min(len(view), end + 40))
    if pin:  # 'S. 10–84, hier S. 52': the page cited is 52
        pages, end = pin.group("pin"), pin.end()
    norm, first, last = normalize_range(pages, expand=False)
    return norm, first, last, None, end


_PIN_AFTER = re.compile(rf",?\s{{1,3}}(?:hier|tu|here|at|zwł\.|insb\.|esp\.|здесь)\s{{1,3}}"
                        rf"(?:(?:S|s|p|pp|С|с)\.\s{{0,3}})?(?P<pin>{RANGES})(?![\w/])")


def _authors_text(people: list[Person]) -> str:
    return " and ".join(str(p) for p in people)


def _try_ibid(seg: _Seg, i: int, ctx: list[Citation]) -> tuple[Citation, int] | None:
    view = seg.view
    m = IBID.match(view, i)
    form = "ibid"
    if not m:
        m = IDEM.match(view, i)
        form = "idem"
        if not m:
            return None
        # 'Idem, *Title* (Place, Year)': a new work by the previous author
        full = _try_full(seg, m.end(), m.end(), ctx, inherit_author=True)
        if full is not None:
            c, end = full
            c.form = "idem"  # a full citation whose author is the previous one's
            c.raw = seg.text[i:end].strip().rstrip(",;: ")
            c.start = seg.offset + i
            return c, end
    j = m.end()
    k = _skip_ws(view, j)
    while k < len(view) and view[k] in ". -":  # 'Там само. – Арк. 16' (GOST separators)
        k += 1
    if k >= len(view):  # a bare 'Ibid.' (the common case; 100,000 of them stay fast)
        return _mk(seg, i, j, kind="ibid", form=form), j
    fm = IBID_FOLIO.match(view, k)
    if fm:
        val = normalize_folios(fm.group("val"))
        return _mk(seg, i, fm.end(), kind="ibid", form=form, list=val), fm.end()
    if FOND_START.match(view, k):
        loc = _fond_parts(view, k, min_parts=1)  # 'Там же. Д. 146.': one part overrides
        if loc and set(loc[0]) - {"fond", "locator"}:  # 'Ibid., f. 26' alone is a folio, read below
            parts, end = loc
            return _mk(seg, i, end, kind="ibid", form=form, fond=parts.get("fond"), opis=parts.get("opis"),
                       delo=parts.get("delo"), list=parts.get("list"), locator=parts.get("locator")), end
    stop = view.find(";", k)
    res = read_parts(view, seg.text, k, len(view) if stop < 0 else stop, True, archive_places(),
                     allow_collection=False, bare=False)
    if res.keyed and set(res.fields) - {"pages"}:
        kw: dict[str, object] = {key: v for key, v in res.fields.items() if key in _KEYED_FIELDS}
        if "publication" in res.fields:
            kw["series"] = res.fields["publication"]
        if "volume" in res.fields:
            kw["volume"] = res.fields["volume"]
        if "pages" in res.fields:
            pg, pg_first, pg_last = normalize_range(res.fields["pages"], expand=False)
            kw.update(pages=pg, first_page=pg_first, last_page=pg_last)
        return _mk(seg, i, res.end, kind="ibid", form=form, **kw), res.end
    pages, first, last, locator, end = _pages(view, k)
    if pages is None and locator is None:
        end = j
    return _mk(seg, i, end, kind="ibid", form=form, pages=pages, first_page=first, last_page=last,
               locator=locator), end


def _try_op_cit(seg: _Seg, i: int) -> tuple[Citation, int] | None:
    view = seg.view
    # Name[, Title], op. cit.[, p. N]
    window = view[i: i + 200]
    m = OP_CIT.search(window)
    if not m:
        return None
    before = window[: m.start()].rstrip().rstrip(",").rstrip()
    names, off = trailing_name_run(before)
    if not names or (off != 0 and before[:off].strip()):
        # allow "Sidorov, *Title*, op. cit."? keep to the plain 'Name, op. cit.' form
        return None
    end = i + m.end()
    pages, first, last, locator, end2 = _pages(view, end)
    people = split_people(names)
    return _mk(seg, i, end2, kind="op_cit", form="op_cit", author=names, authors=people, pages=pages,
               first_page=first, last_page=last, locator=locator), end2


# ---- archival ---------------------------------------------------------------------------------------


_FOND_KEYS = {"fond": "fond", "fonds": "fond", "f": "fond", "ф": "fond", "op": "opis", "оп": "opis",
              "papka": "papka", "p": "papka", "п": "papka", "d": "delo", "д": "delo", "spr": "delo",
              "sprava": "delo", "спр": "delo", "tom": "tom", "t": "tom", "т": "tom", "l": "list", "ll": "list",
              "л": "list", "лл": "list", "ark": "list", "арк": "list", "k": "list", "str": "list", "едхр": "delo",
              "edkhr": "delo", "фонд": "fond", "opis": "opis", "opis'": "opis", "опись": "opis", "delo": "delo",
              "дело": "delo", "справа": "delo", "listy": "list", "list": "list", "листы": "list", "лист": "list",
              "arkush": "list", "аркуш": "list",
              "ap": "opis", "apr": "opis", "b": "delo"}  # Lithuanian ap. (apyrašas), b. (byla); Latvian apr.


def _fond_parts(view: str, i: int, min_parts: int = 2) -> tuple[dict[str, str], int] | None:
    """'f. 17, op. 163, d. 1217, ll. 51-2' (or 'Ф. 17. Оп. 162. Д. 21. Л. 45-46') -> fields, end."""
    parts: dict[str, str] = {}
    extra: list[str] = []
    pos = i
    n = 0
    while n < 8:
        k = pos
        while n and k < len(view) and (view[k].isspace() or view[k] in ",;:.-"):
            k += 1
        m = FOND_PART.match(view, k, min(len(view), k + 400))
        if not m:
            break
        key = _FOND_KEYS[m.group("key").casefold().replace(".", "").replace(" ", "")]
        val = " ".join(m.group("val").split())
        if key == "papka" and "delo" in parts:
            key = "list"  # AVP RF 'p.' is a folder before d., a page after it
        if key in parts or (key == "list" and "delo" not in parts and "fond" not in parts):
            break
        if key == "list":
            val = normalize_folios(val)
        if key in ("papka", "tom"):
            extra.append(f"{'p.' if key == 'papka' else 't.'} {val}")
        else:
            parts[key] = val.replace(" - ", "-").replace(" ", "") if key == "fond" else val
        parts.setdefault("_seen_" + key, "1")
        pos = m.end()
        n += 1
    parts = {k: v for k, v in parts.items() if not k.startswith("_seen_")}
    if "fond" not in parts and "delo" not in parts:
        return None
    if len(parts) < min_parts:
        return None
    if extra:
        parts["locator"] = ", ".join(extra)
    return parts, pos


def _after_mention(view: str, end: int) -> int:
    """Skip '(RGVA)', '(Warsaw)', '(Tokyo)' after an archive name."""
    for _ in range(3):
        m = SKIP_PARENS.match(view, end)
        if not m or re.search(r"\d{3}", m.group("inside")):
            break
        end = m.end()
    return end


def _trailing_note(seg: _Seg, end: int, c: Citation) -> int:
    m = PAREN_NOTE.match(seg.view, end)
    if m:
        note = seg.text[m.start("note"): m.end("note")]
        c.note = note
        date, year = parse_date(seg.view[m.start("note"): m.end("note")])
        if date:
            c.date = date
        if year and c.year is None:
            c.year = year
        end = m.end()
    c.raw = seg.text[c.start - seg.offset: end].strip().rstrip(",;: ") if c.start is not None else c.raw
    return end


def _try_archival(seg: _Seg, i: int, mentions: list[ArchiveMention], starts: list[int],
                  ctx: list[Citation]) -> tuple[Citation, int] | None:
    view = seg.view
    # 'd. 7, l. 8' continuing the previous archival citation in the same note
    if FOND_START.match(view, i) and ctx and ctx[-1].kind == "archival" and ctx[-1].archive:
        loc = _fond_parts(view, i)
        if loc:
            parts, end = loc
            prev = ctx[-1]
            base = {"fond": prev.fond, "opis": prev.opis, "delo": prev.delo, "list": None}
            order = ["fond", "opis", "delo", "list"]
            first_given = min((order.index(k) for k in parts if k in order), default=len(order))
            for k in order[first_given:]:
                base[k] = None
            base.update(parts)
            c = _mk(seg, i, end, kind="archival", archive=prev.archive, country=prev.country,
                    csl_type="manuscript", **base)
            return c, _trailing_note(seg, end, c)
    lo = bisect.bisect_left(starts, i)
    window = mentions[lo: lo + MAX_ATTEMPTS]
    if (not window or window[0].start != i) and (named := unlisted_named_archive(view, i)) is not None:
        # 'Arhivele Naționale (ANIC), fond …, dosar 45, f. 12': an archive the table does not list, named in full
        got = _archival_at(seg, ArchiveMention(named[0], i, named[1]), i, len(view))
        if got is not None and (got[0].fond or got[0].delo or any(
                getattr(got[0], k) for k in _KEYED_FIELDS if k != "collection")):
            return got
    if (not window or window[0].start != i) and TNA_PIECE.match(view, i) is not None \
            and (arch := archive_by_code("TNA")) is not None:
        # 'WO 208/4401' without the archive's name: a piece of the UK National Archives (department code)
        return _keyed_archival(seg, ArchiveMention(arch, i, i), arch, i, i, len(view),
                               {"kind": "archival", "archive": arch.code, "country": arch.country,
                                "csl_type": "manuscript"})
    if (not window or window[0].start != i) and (un := unlisted_fond_archive(view, i)) is not None:
        # 'ГАНО. Ф. П-3. Оп. 2. Д. 700.': an archive the table does not list, known by its fond reference
        loc = _fond_parts(view, un.end)
        if loc:
            parts, end = loc
            c = _mk(seg, i, end, kind="archival", archive=un.code, country=un.country or None,
                    csl_type="manuscript", **parts)
            return c, _trailing_note(seg, end, c)
    for idx, men in enumerate(window):
        if men.start - i > 400:
            break
        # the next other archive ends this reference ('Archiwum IPN (AIPN), ...' names one archive twice)
        nxt = next((o.start for o in window[idx + 1:] if o.archive.code != men.archive.code), len(view))
        c_end = _archival_at(seg, men, i, nxt)
        if c_end is not None:
            return c_end
    # a JACAR reference code on its own
    m = JACAR_CODE.search(view, i, min(len(view), i + 200))
    if m and m.group().lower().startswith("ref"):
        arch = archive_by_code("JACAR")
        c = _mk(seg, m.start(), m.end(), kind="archival", archive="JACAR", reference_code=m.group("code"),
                country=arch.country if arch else "JP", csl_type="manuscript")
        return c, _trailing_note(seg, m.end(), c)
    return None


def _archival_at(seg: _Seg, men: ArchiveMention, cursor: int, next_start: int) -> tuple[Citation, int] | None:
    view = seg.view
    arch: Archive = men.archive
    j = _after_mention(view, men.end)
    k = _skip_ws(view, j)
    while k < len(view) and view[k] in ". -":  # 'ЦДАГО України. – Ф. 1. – Оп. 20.' (GOST separators)
        k += 1
    common: dict[str, object] = {"kind": "archival", "archive": arch.code, "country": arch.country,
                                 "csl_type": "manuscript"}
    if arch.system == "fond" or FOND_START.match(view, k):
        loc = _fond_parts(view, k)
        if loc:
            parts, end = loc
            c = _mk(seg, men.start, end, **common, **parts)
            return c, _trailing_note(seg, end, c)
    m = SLASH_FOND.match(view, k)
    if m and arch.system == "fond":  # 'RGASPI 17/162/21, l. 3' — fond/opis/delo shorthand
        parts = {"fond": m.group("f"), "opis": m.group("o"), "delo": m.group("d")}
        end = m.end()
        lm = SLASH_LIST.match(view, end)
        if lm:
            parts["list"] = normalize_folios(lm.group("val"))
            end = lm.end()
        c = _mk(seg, men.start, end, **common, **parts)
        return c, _trailing_note(seg, end, c)
    if arch.system == "jacar":
        m = JACAR_CODE.search(view, j, min(len(view), j + 120))
        if m:
            c = _mk(seg, men.start, m.end(), **common, reference_code=m.group("code"))
            return c, _trailing_note(seg, m.end(), c)
    m = JACAR_CODE.match(view, k)
    if m:  # 'Bōeishō Bōei Kenkyūjo, Ref. C01004123400' style
        c = _mk(seg, men.start, m.end(), **common, reference_code=m.group("code"))
        return c, _trailing_note(seg, m.end(), c)
    if arch.system == "fond":
        return None
    return _keyed_archival(seg, men, arch, j, cursor, next_start, common)


def _keyed_archival(seg: _Seg, men: ArchiveMention, arch: Archive, j: int, cursor: int, next_start: int,
                    common: dict[str, object]) -> tuple[Citation, int] | None:
    """Archives located by signature, folio, record group, roll, box ... (see ``archival``)."""
    view = seg.view
    nara = arch.system == "nara"
    stop = view.find(";", j, next_start)
    stop = next_start if stop < 0 else stop
    places = archive_places()
    res = read_parts(view, seg.text, j, stop, nara, places)
    fields = dict(res.fields)
    start = men.start
    # 'Boris I. Nicolaevsky Collection, box 233, folder 11, Hoover Institution Archives'
    if cursor < men.start:
        pre = split_parts(view, cursor, men.start)
        run: list[tuple[int, int, list[tuple[str, str]] | str]] = []
        for a, b in reversed(pre):
            if a == b:
                continue
            got = classify(view[a:b], nara, places)
            if got is None or (got == "collection" and not COLLECTION_WORDS.search(view[a:b])):
                break
            run.insert(0, (a, b, got))
        for a, b, kind in run:
            if kind == "collection":
                fields.setdefault("collection", " ".join(seg.text[a:b].split()))
            elif isinstance(kind, list):
                for name, val in kind:
                    fields.setdefault(name, val)
            start = min(start, a)
    if not fields:
        return None
    end = max(res.end, men.end)
    if arch.system == "polish" and "folio" not in fields and "item" in fields and fields["item"].isdigit():
        fields["folio"] = fields.pop("item")  # 'CAW, I.303.4.3158, 235': the bare number is the karta
    kw: dict[str, object] = {k: v for k, v in fields.items() if k in _KEYED_FIELDS}
    if "publication" in fields:
        kw["series"] = fields["publication"]
    if arch.system == "polish" and "folio" in fields:
        kw["list"] = fields["folio"]
    if "volume" in fields:
        kw["volume"] = fields["volume"]
    if "pages" in fields:
        pages, first, last = normalize_range(fields["pages"], expand=False)
        kw.update(pages=pages, first_page=first, last_page=last)
    c = _mk(seg, start, end, **common, **kw)
    return c, _trailing_note(seg, end, c)


_KEYED_FIELDS = ("record_group", "publication", "roll", "frame", "box", "folder", "collection", "archive_series",
                 "folio", "signature", "item")


# ---- books and articles -----------------------------------------------------------------------------


_DELIMITER = re.compile(r"[*\"«„]")


def _delimited_spans(seg: _Seg, i: int, limit: int) -> list[tuple[int, int, str]]:
    """Title candidates from i: (start, end, 'italic'|'quote'), end past the closing delimiter."""
    text, view = seg.text, seg.view
    out: list[tuple[int, int, str]] = []
    pos = i
    n = min(len(view), i + limit)
    while pos < n and len(out) < MAX_ATTEMPTS:
        nxt = _DELIMITER.search(view, pos, n)  # jump to the next '*' or quote: other characters are skipped
        if nxt is None:
            break
        pos = nxt.start()
        ch = view[pos]
        if ch == "*":
            close = view.find("*", pos + 1, min(len(view), pos + 400))
            if close < 0:
                pos += 1
                continue
            out.append((pos, close + 1, "italic"))
            pos = close + 1
            continue
        if ch == '"' or ch == "«" or ch == "„":
            opener = text[pos]
            if opener == "\u201d":  # a stray closing quote
                pos += 1
                continue
            closer = {"«": "»", "„": "\u201c"}.get(opener, "\u201d" if opener == "\u201c" else '"')
            close = _find_close(text, view, pos + 1, closer, min(len(view), pos + 400))
            if close < 0:
                pos += 1
                continue
            out.append((pos, close + 1, "quote"))
            pos = close + 1
            continue
        pos += 1
    return out


def _find_close(text: str, view: str, start: int, closer: str, stop: int) -> int:
    if closer == '"':
        return view.find('"', start, stop)
    return text.find(closer, start, stop)


def _clean_title(s: str) -> str:
    s = s.replace("*", "").strip()
    # strip one pair of enclosing quotes and a trailing comma/full stop inside them
    if len(s) >= 2 and s[0] in "\"“«„" and s[-1] in "\"”»“":
        inner = s[1:-1].strip()
        if inner.count("“") <= inner.count("”") and inner.count('"') % 2 == 0:
            s = inner
    s = s.rstrip(",.;: ").strip()
    return " ".join(s.split())


def _prefix_author(seg: _Seg, lo: int, title_start: int, strict: bool) -> tuple[str | None, int] | None:
    """Author text between lo and the title. None = prose in the way (when strict)."""
    before = seg.view[lo:title_start]
    stripped = before.strip().rstrip(",").strip()
    if not stripped:
        return "", title_start
    names, off = trailing_name_run(seg.text[lo:title_start].rstrip().rstrip(",").rstrip())
    if not names:
        return None if strict else ("", title_start)
    if strict and seg.view[lo: lo + off].strip():
        return None
    return names, lo + off


def _try_full(seg: _Seg, i: int, lo: int, ctx: list[Citation],
              inherit_author: bool = False) -> tuple[Citation, int] | None:
    view = seg.view
    spans = _delimited_spans(seg, i, WINDOW * 4)
    for s0, s1, kind in spans:
        if kind == "quote" and view[s1: s1 + 1] == " " and view[s1 + 1: s1 + 2].islower() \
                and view[s1 - 2: s1 - 1] not in (",", ".", "!", "?"):
            continue  # '… wa “sensō” o eranda': a quoted word inside a title
        res = _full_at(seg, i, s0, s1, kind, ctx, inherit_author)
        if res is not None:
            return res
    if not spans or all((view[s1: s1 + 1] == " " and view[s1 + 1: s1 + 2].islower()
                         and view[s1 - 2: s1 - 1] not in (",", ".", "!", "?"))
                        or (k == "quote" and _title_words_before(seg, i, s0)) for s0, s1, k in spans):
        # undelimited book: 'Stenogrammy zasedanii ... gg., t. 3 (Moscow, 2007), p. 695.' (a quoted word
        # inside the title, '… wa “sensō” o eranda (Tokyo, 2009)', is not a title of its own)
        m = PUB_PARENS.search(view, i, min(len(view), i + WINDOW))
        if m and not _is_month(m.group("place")):
            title_text = view[i: m.start()]
            vol = None
            cut = TITLE_CUT.search(title_text)
            if cut:
                vol = title_text[cut.start():].strip(" ,")
                title_text = title_text[: cut.start()]
            people: list[Person] = []
            editors: list[Person] = []
            author_text = None
            t0 = i
            t_end = i + len(title_text)
            # 'Alan Bullock, Hitler: A Study in Tyranny (London: Odhams, 1952)': names before a comma, at the
            # start or after a lead-in ('…, see Oleg V. Khlevniuk, Master of the House (New Haven, 2009)')
            corp = _CORPORATE.match(title_text)
            if corp is not None:  # 'Polish Ministry of Information, The Black Book of Poland (New York, 1942)'
                author_text = " ".join(corp.group("org").split())
                t0 = i + corp.end()
            for cm_ in list(re.finditer(",", title_text))[:6] if corp is None else []:
                comma = cm_.start()
                head = seg.text[i: i + comma].rstrip()
                if (etal := _ET_AL_TAIL.search(head)) is not None:
                    head = head[: etal.start()]
                names, off = trailing_name_run(head)
                before = head[:off].strip()
                lead_ok = not before or re.search(r"(?:\b(?:see|cf|also|in|by|compare|vgl|siehe|zob|por)\.?|:)$",
                                                  before, re.IGNORECASE)
                if names and lead_ok and 2 <= len(names.split()) <= 12 and title_text[comma + 1:].strip():
                    people = split_people(names)
                    author_text = names
                    t0 = i + comma + 1
                    i = i + off
                    ed = _EDS_AFTER_NAMES.match(view, t0)
                    if ed:  # 'Robert Service, ed., Stalin's Russia': an edited volume has editors, no author
                        editors, people, author_text = people, [], None
                        t0 = ed.end()
                    break
            title = _clean_title(seg.text[t0:t_end])
            if not title or len(title) > 300:
                return None
            return _book_tail(seg, i, m, title=title, people=people, volume=vol, ctx=ctx, author_text=author_text,
                              editors=editors)
    return None


_CORPORATE = re.compile(
    r"(?P<org>(?:[A-Z][\w'-]*\s(?:of\s(?:the\s)?|for\s(?:the\s)?|and\s)?){0,5}"
    r"(?:Ministry|Office|Committee|Commission|Department|Council|Institute|Foreign\sOffice|Agency|Bureau|"
    r"Government|Embassy|Legation)(?:\s(?:of|for)\s(?:the\s)?[A-Z][\w'-]*(?:\s(?:and\s)?[A-Z][\w'-]*){0,4})?)"
    r",\s{1,3}(?=[A-Z\"*])")
_JOURNAL_VOL_YEAR = re.compile(r"[^()\"*]{2,150}?\s\d{1,4}\s?\((?:1[5-9]|20)\d\d\)")
_EDS_AFTER_NAMES = re.compile(r"\s{0,2}(?:eds?|comp|comps|hg|hrsg|red|sost)\.\s{0,2},?\s{0,2}", re.IGNORECASE)
_ET_AL_TAIL = re.compile(r",?\s{1,3}et\s{1,3}al\.?$")


def _title_words_before(seg: _Seg, i: int, s0: int) -> bool:
    """Whether a quoted word at s0 sits inside an undelimited title ('Lubianka: Stalin i … "Smersh", 1939')
    rather than after an author's name ('Terry Martin, "The Origins …"')."""
    before = seg.view[i:s0].strip()
    if not before or before.endswith(","):
        return False
    names, off = trailing_name_run(seg.text[i:s0].rstrip())
    return not (names and off == 0)


def _is_month(place: str) -> bool:
    from sevenfold.cite.locators import MONTHS

    words = re.findall(r"[A-Za-z]+", place)
    return bool(words) and all(w.casefold() in MONTHS for w in words)


def _book_tail(seg: _Seg, a: int, m: re.Match[str], *, title: str, people: list[Person], volume: str | None,
               ctx: list[Citation], extra: str | None = None, editors: list[Person] | None = None,
               container: str | None = None, kind: str = "book", csl_type: str = "book",
               author_text: str | None = None) -> tuple[Citation, int]:
    view = seg.view
    pages, first, last, locator, end = _pages(view, m.end())
    place = " ".join(seg.text[m.start("place"): m.end("place")].split()).strip(" ,:")
    c = _mk(seg, a, end, kind=kind, csl_type=csl_type, title=title, authors=people,
            author=author_text if author_text is not None else (_authors_text(people) or None),
            year=int(m.group("year")), place=place or None, volume=volume, pages=pages, first_page=first,
            last_page=last, locator=locator, note=extra, editors=editors or [], container=container)
    return c, end


def _full_at(seg: _Seg, i: int, s0: int, s1: int, kind: str, ctx: list[Citation],
             inherit_author: bool) -> tuple[Citation, int] | None:
    view = seg.view
    after = view[s1: s1 + WINDOW]
    pub = PUB_PARENS.search(view, s1, min(len(view), s1 + WINDOW))
    if pub and _is_month(pub.group("place")):
        pub = None
    pa = _prefix_author(seg, i, s0, strict=False)
    if pa is None:
        return None
    author_text, a = pa
    if author_text == "" and view[i:s0].strip().rstrip(","):
        # prose before the title: acceptable only with strong publication data (parens) right after
        strict_ok = pub is not None and pub.start() - s1 < 200 and "." not in view[s1: pub.start()].replace(
            "tr.", "").replace("ed.", "")
        if not strict_ok:
            return None
        a = s0
    if not author_text:
        a = s0 if view[i:s0].strip() else i
    people = split_people(author_text) if author_text else []
    if inherit_author and not people:
        prev = next((c for c in reversed(ctx) if c.authors), None)
        if prev is not None:
            people = list(prev.authors)
            author_text = prev.author or _authors_text(people)
    title_raw = seg.text[s0:s1]

    # -- article / chapter: quoted title followed by a container and a year --------------------------
    if kind == "quote":
        rest_start = s1
        mm = re.match(r"\s{0,3},?\s{0,3}(?:(?P<in>in)\s+|(?P<inc>in:|\[w:\]|w:)\s{1,3})?", after)
        rest_start = s1 + (mm.end() if mm else 0)
        is_in = bool(mm and mm.group("in"))
        if mm and mm.group("inc") and not _JOURNAL_VOL_YEAR.match(view, rest_start, min(len(view), rest_start + 200)):
            is_in = True  # 'in: Hans Müller (Hg.), Buch, Berlin 1990': a chapter ('in: Journal 45 (1997)' is not)
        # book whose title starts with a quote: '“*Stalinskii pitomets*” – Nikolai Ezhov (Moscow, 2008)'
        if pub is not None and not is_in and "*" not in view[s1: pub.start()] and pub.start() - s1 < 120 \
                and '"' not in view[s1: pub.start()]:
            seg_title = view[s0: pub.start()]
            cut = TITLE_CUT.search(seg_title)
            vol = None
            t_end = pub.start()
            if cut:
                vol = seg_title[cut.start():].strip(" ,")
                t_end = s0 + cut.start()
            title = _clean_title(seg.text[s0:t_end])
            return _book_tail(seg, a, pub, title=title, people=people, volume=vol, ctx=ctx,
                              author_text=author_text or None)
        ym = YEAR_RE.search(view, rest_start, min(len(view), rest_start + 300))
        if not ym:
            return None
        title = _clean_title(title_raw)
        if not title:
            return None
        # container: an italic span, or the text up to the first digit group
        container = None
        editors: list[Person] = []
        cm = re.compile(r"\*(?P<c>[^*]{1,300})\*").search(view, rest_start, min(len(view), rest_start + 300))
        csl_type = "article-journal"
        note = None
        if is_in:
            csl_type = "chapter"
            ed = re.match(r"(?P<eds>[^*\"(]{2,120}?)\s{0,2}\((?:ed|eds|d|red|sost|comp)\.?\)\s{0,2},?\s{0,2}",
                          view[rest_start: rest_start + 200])
            if ed:
                editors = split_people(seg.text[rest_start: rest_start + ed.end("eds")])
            # 'in *Book Title*, ed. Richard Langhorne (Cambridge: CUP, 1985), 147-67' (Chicago chapter)
            pubc = PUB_PARENS.search(view, rest_start, min(len(view), rest_start + 400))
            if pubc is not None and not _is_month(pubc.group("place")) and '"' not in view[rest_start: pubc.start()]:
                inner = seg.text[rest_start: pubc.start()]
                em = re.search(r",?\s{1,3}(?:ed\.|eds\.|edited\s+by|hg\.|hrsg\.|red\.)\s{1,3}(?P<eds>[^()]{2,120}?)"
                               r"\s{0,2}$", inner, re.IGNORECASE)
                if em:
                    editors = split_people(em.group("eds").replace(" and ", " and ").strip(" ,"))
                    inner = inner[: em.start()]
                vm = VOLUME_RE.search(inner)
                vol_c = None
                if vm and vm.end() >= len(inner.rstrip(" ,")) - 1:
                    vol_c = vm.group("vol").strip(" ,")
                    inner = inner[: vm.start()]
                cont = " ".join(inner.replace("*", "").split()).strip(" ,")
                if cont and not ed:
                    return _book_tail(seg, a, pubc, title=_clean_title(title_raw), people=people, volume=vol_c,
                                      ctx=ctx, editors=editors, container=cont, kind="article", csl_type="chapter",
                                      author_text=author_text or None)
        if cm and cm.start() < ym.start() + 10:
            c_end = cm.end()
            # '*The* Journal of Strategic Studies': words after the italics belong to the container
            tail = re.match(r"[ \t]{1,2}(?P<t>[A-Z][^,()\d]{0,120}?)(?=,|\s\()", view[c_end: c_end + 140])
            container = seg.text[cm.start("c"): cm.end("c")]
            if tail:
                container = f"{container} {seg.text[c_end + tail.start('t'): c_end + tail.end('t')]}"
                c_end += tail.end()
            container = " ".join(container.split())
            lead = view[rest_start: cm.start()].strip(" ,")
            if lead and not is_in:
                note = " ".join(seg.text[rest_start: cm.start()].split()).strip(" ,")
            pos = c_end
        elif (ch2 := CHICAGO_TAIL.search(view, rest_start, min(len(view), rest_start + 300))) is not None \
                and not is_in and not re.search(r"\d", view[rest_start: ch2.start()]) \
                and view[rest_start: ch2.start()].strip(" ,"):
            # plain text: '“…,” Cahiers du monde russe 50, no. 4 (2009): 647–670'
            container = " ".join(seg.text[rest_start: ch2.start()].split()).strip(" ,")
            pos = ch2.start()
        else:
            # e.g. 'paper prepared for “Stalin and Stalinism,” Hamburger Institut ..., October 29-30, 2009'
            container = " ".join(seg.text[rest_start: ym.start()].split()).strip(" ,")
            container = re.sub(r"(?:,?\s*[A-Z][a-z]+\.?\s+\d{1,2}(?:\s*[-–]\s*\d{1,2})?,?)$", "", container).strip(" ,")
            if "paper" in container.casefold():
                csl_type = "paper-conference"
            pos = ym.start()
        if container is not None and len(container) > 300:
            return None
        # volume:issue, (date), year, no., pages
        win_end = min(len(view), pos + 200)
        vol = iss = None
        year = None
        date = None
        ch = CHICAGO_TAIL.match(view, pos, win_end)
        if ch:  # Chicago: '*Cahiers du monde russe* 42, no. 2–4 (2001): 505–34'
            pages = first = last = None
            if ch.group("pages"):
                pages, first, last = normalize_range(ch.group("pages"), expand=False)
            date, _ = parse_date(ch.group("d"))
            end = ch.end()
            if pages is None:  # German style: '… 45 (1997), S. 1–20, hier S. 5'
                pages, first, last, _loc, end = _pages(view, end)
            elif (pin := _PIN_AFTER.match(view, end, min(len(view), end + 40))) is not None:
                pages, first, last = normalize_range(pin.group("pin"), expand=False)  # '…: 813–61, here 830'
                end = pin.end()
            c = _mk(seg, a, end, kind="article", csl_type=csl_type, title=title, authors=people,
                    author=author_text or None, container=container, volume=ch.group("vol"),
                    issue=ch.group("iss").replace(" ", "") if ch.group("iss") else None, year=int(ch.group("y")),
                    date=date, pages=pages, first_page=first, last_page=last, note=note, editors=editors)
            return c, end
        vi = VOL_ISSUE.search(view, pos, win_end)
        ym2 = YEAR_RE.search(view, pos, win_end)
        if vi and (ym2 is None or vi.start() < ym2.start()) and vi.start() - pos < 20:
            vol, iss = vi.group("vol"), vi.group("issue")
            pos = vi.end()
        vm = VOLUME_RE.match(view, pos, win_end)
        if vm:
            vol = vm.group("vol").strip(" ,")
            pos = vm.end()
        if is_in:
            vm = VOLUME_RE.match(view, pos, win_end)
            if vm:
                vol = vm.group("vol").strip(" ,")
                pos = vm.end()
            k = pos
            while k < win_end and view[k] in " ,":
                k += 1
            pub2 = PUB_PARENS.match(view, k)
            if pub2 is not None and not _is_month(pub2.group("place")):
                return _book_tail(seg, a, pub2, title=title, people=people, volume=vol, ctx=ctx,
                                  editors=editors, container=container, kind="article", csl_type="chapter",
                                  author_text=author_text or None)
        pm = re.match(r"\s{0,3},?\s{0,3}\((?P<d>[^()]{0,40}?(?P<y>1[5-9]\d\d|20\d\d))\)", view[pos:win_end])
        if pm:
            year = int(pm.group("y"))
            d, _ = parse_date(pm.group("d"))
            date = d
            pos += pm.end()
        else:
            dm = re.match(r"\s{0,3},?\s{0,3}(?:(?P<d>[A-Z][a-z]{2,8}\.?\s{1,3}\d{1,2}(?:\s{0,2}-\s{0,2}\d{1,2})?,"
                          r"\s{0,3}))?(?P<y>1[5-9]\d\d|20\d\d)(?!\d)", view[pos:win_end])
            if dm:
                year = int(dm.group("y"))
                if dm.group("d"):
                    date, _ = parse_date(view[pos + dm.start("d"): pos + dm.end()])
                pos += dm.end()
            elif is_in:
                pass
            else:
                year = int(ym.group())
                pos = max(pos, ym.end())
        im = re.match(r"\s{0,3},\s{0,3}", view[pos:win_end])
        if im:
            inm = ISSUE_NO.match(view, pos + im.end(), win_end)
            if inm:
                iss = inm.group("issue").replace(" ", "")
                pos = inm.end()
        if is_in and year is None:
            year = int(ym.group())
        pages, first, last, locator, end = _pages(view, pos)
        if year is None:
            return None
        c = _mk(seg, a, end, kind="article", csl_type=csl_type, title=title, authors=people,
                author=author_text or None, container=container, volume=vol, issue=iss, year=year, date=date,
                pages=pages, first_page=first, last_page=last, locator=locator, note=note, editors=editors)
        return c, end

    # -- italic title --------------------------------------------------------------------------------
    title = _clean_title(title_raw)
    if not title:
        return None
    if pub is not None and pub.start() - s1 < 200 and "*" not in view[s1: pub.start()]:
        between = view[s1: pub.start()]
        vol = None
        extra = None
        vm = VOLUME_RE.match(between)
        if vm:
            vol = vm.group("vol").strip(" ,")
            rest = between[vm.end():].strip(" ,")
        else:
            rest = between.strip(" ,")
        if rest:
            extra = " ".join(seg.text[pub.start() - len(between) + (between.find(rest)): pub.start()].split())
            extra = extra.strip(" ,") or None
            if extra and extra.startswith(("-", "–", "—")):
                title = f"{title} {extra}"
                extra = None
        return _book_tail(seg, a, pub, title=title, people=people, volume=vol, ctx=ctx, extra=extra,
                          author_text=author_text or None)
    # newspaper / periodical: '*Japan Chronicle*, March 12, 1937.'  '*Pravda*, 1937, no. 5'
    dm = re.match(r"\s{0,3},\s{0,3}(?:(?P<d>[A-Z][a-z]{2,8}\.?\s{1,3}\d{1,2},\s{0,3})?(?P<y>1[5-9]\d\d|20\d\d))"
                  r"(?!\d)", after)
    if dm and not author_text:
        date = None
        if dm.group("d"):
            date, _ = parse_date(after[dm.start("d"): dm.end()])
        pos = s1 + dm.end()
        iss = None
        im = re.match(r"\s{0,3},\s{0,3}", view[pos: pos + 10])
        if im:
            inm = ISSUE_NO.match(view, pos + im.end(), min(len(view), pos + 60))
            if inm:
                iss = inm.group("issue")
                pos = inm.end()
        pages, first, last, locator, end = _pages(view, pos)
        c = _mk(seg, a, end, kind="article", csl_type="article-newspaper" if date else "article-journal",
                container=title, title=None, year=int(dm.group("y")), date=date, issue=iss, pages=pages,
                first_page=first, last_page=last, locator=locator)
        return c, end
    return None


# ---- short forms --------------------------------------------------------------------------------------

_SHORT_AUTHOR_PAGES = re.compile(r"(?P<name>[^,;()\"*\d]{2,80}?),\s{0,3}(?=(?:pp?|S|с|стр)\.?\s{0,3}\d)")


_SHORT_PLAIN = re.compile(r"(?P<name>[^,;()\"*\d]{2,60}?),\s{1,2}(?P<title>[^,;()\"*\d]{2,120}?),\s{1,2}"
                          r"(?=(?:(?:pp?|S|s|с|С)\.\s{0,3})?\d)")


def _try_short(seg: _Seg, i: int) -> tuple[Citation, int] | None:
    view = seg.view
    # 'Kershaw, p. 16'
    m = _SHORT_AUTHOR_PAGES.match(view, i, min(len(view), i + 120))
    if m:
        names, off = trailing_name_run(seg.text[i: m.end("name")])
        if names and off == 0:
            pages, first, last, locator, end = _pages(view, m.end())
            if pages is not None:
                return _mk(seg, i, end, kind="short", form="short", author=names,
                           authors=split_people(names), pages=pages, first_page=first, last_page=last), end
    # 'Conquest, Great Terror, 45.' (a short title in plain text, then the page, closing the sentence)
    m = _SHORT_PLAIN.match(view, i, min(len(view), i + 200))
    if m and view[m.start("title")].isupper():
        names, off = trailing_name_run(seg.text[i: m.end("name")])
        pages, first, last, locator, end = _pages(view, m.end())
        if names and off == 0 and pages is not None and not view[end:].strip(" .;,") \
                and len(m.group("title").split()) <= 12:
            title = _clean_title(seg.text[m.start("title"): m.end("title")])
            return _mk(seg, i, end, kind="short", form="short", author=names, authors=split_people(names),
                       title=title, pages=pages, first_page=first, last_page=last), end
    # 'Kuromiya, “Accounting for the Great Terror.”' / '*Russko-kitaiskie ...*, p. 156'
    spans = _delimited_spans(seg, i, 200)
    if not spans:
        return None
    s0, s1, _kind = spans[0]
    before = seg.text[i:s0].strip().rstrip(",").strip()
    names = ""
    if before:
        names, off = trailing_name_run(before)
        if not names or off != 0:
            return None
    title = _clean_title(seg.text[s0:s1])
    if not title:
        return None
    pages, first, last, locator, end = _pages(view, s1)
    if not names and pages is None and locator is None:
        return None  # a bare quoted phrase is prose, not a reference
    # a year or publication data after the title means a full citation we could not read: not a short form
    if YEAR_RE.match(view[end: end + 8].strip(" ,")):
        return None
    return _mk(seg, i, end, kind="short", form="short", author=names or None,
               authors=split_people(names) if names else [], title=title, pages=pages, first_page=first,
               last_page=last, locator=locator), end


# ---- Russian GOST style -------------------------------------------------------------------------------

GOST = re.compile(
    r"(?P<fam>[A-ZА-ЯЁІЇЄҐ][\w'-]{1,40})\s{1,3}(?P<init>(?:[A-ZА-ЯЁІЇЄҐ]\.\s{0,2}){1,3})"
    r"(?P<more>(?:,\s{0,2}[A-ZА-ЯЁІЇЄҐ][\w'-]{1,40}\s{1,3}(?:[A-ZА-ЯЁІЇЄҐ]\.\s{0,2}){1,3}){0,4})\s{0,2}"
    r"(?P<title>[^/\n]{2,300}?)\s{0,2}"
    r"(?://\s{0,2}(?P<container>[^/\n]{2,300}?)\.\s{0,3}(?:-\s{0,2})?"
    r"(?:(?P<cplace>[A-ZА-ЯЁІЇЄҐ][\w-]{0,30}\.?)\s{0,2}[,:]\s{0,3}(?:[^,.\n]{1,80},\s{0,3})?)?"
    r"|\.\s{1,3}(?:-\s{0,2})?(?P<place>[A-ZА-ЯЁІЇЄҐ][\w-]{0,30}\.?)\s{0,2}[,:]\s{0,3}(?:(?P<publisher>[^,.\n]{1,80}),\s{0,3})?)"
    r"(?P<year>(?:1[5-9]|20)\d\d)\.?"
    r"(?:\s{0,3}(?:-\s{0,2})?(?:Т|Vol|Вып|Vyp)\.\s{0,2}(?P<vol>\d{1,4})\.?)?"
    r"(?:\s{0,3}(?:-\s{0,2})?(?:№|No|Nr)\.?\s{0,2}(?P<issue>\d{1,4}(?:\s?-\s?\d{1,4})?)\.?)?"
    rf"(?:\s{{0,3}}(?:-\s{{0,2}})?(?:С|S|с|s|P|p)\.\s{{0,2}}(?P<pages>{RANGES}))?"
)
GOST_HEAD = re.compile(r"[A-ZА-ЯЁІЇЄҐ][\w'-]{1,40}\s{1,3}[A-ZА-ЯЁІЇЄҐ]\.")
_PLACES = {"M": "Moscow", "M.": "Moscow", "L": "Leningrad", "L.": "Leningrad", "SPb": "St Petersburg",
           "SPb.": "St Petersburg", "K": "Kyiv", "K.": "Kyiv", "Мн": "Minsk", "Mn": "Minsk",
           "М": "Moscow", "М.": "Moscow", "Л": "Leningrad", "Л.": "Leningrad", "СПб": "St Petersburg",
           "СПб.": "St Petersburg", "К": "Kyiv", "К.": "Kyiv"}


def _try_gost(seg: _Seg, i: int) -> tuple[Citation, int] | None:
    """'Хлевнюк О. В. Хозяин. М., 2010. С. 245.' and 'Горбунов Е. Разведка // Свободная мысль. 1998. № 2. С. 103.'"""
    m = GOST.match(seg.view, i, min(len(seg.view), i + 800))
    if not m:
        return None
    txt = seg.text
    fam = txt[m.start("fam"): m.end("fam")]
    init = " ".join(txt[m.start("init"): m.end("init")].split())
    people = [Person(family=fam, given=init)]
    if m.group("more"):  # 'Юнге М., Биннер Р. Как террор стал «Большим» …'
        people += split_people(txt[m.start("more"): m.end("more")].replace(",", ";"))
    title_text = txt[m.start("title"): m.end("title")]
    volume = m.group("vol")
    vt = _GOST_VOLS.search(title_text)
    if vt:  # 'Воспоминания и размышления. В 2 т. Т. 1. М., 1990'
        volume = volume or (re.findall(r"(?<!В )(?<!в )\b\d{1,4}", vt.group()) or [None])[-1]
        title_text = title_text[: vt.start()]
    title = _clean_title(title_text)
    pages = first = last = None
    end = m.end()
    if m.group("pages"):
        pages, first, last = normalize_range(m.group("pages"), expand=False)
    common = {"authors": people, "author": f"{init} {fam}", "title": title, "year": int(m.group("year")),
              "pages": pages, "first_page": first, "last_page": last, "volume": volume}
    if m.group("container"):
        # '// Свободная мысль. 1998. № 2' is a journal; '// Сталин. Сталинизм. … Сб. ст. М., 2000' a book
        cplace = txt[m.start("cplace"): m.end("cplace")] if m.group("cplace") else None
        c = _mk(seg, i, end, kind="article", csl_type="chapter" if cplace else "article-journal",
                issue=m.group("issue"), place=cplace,
                container=" ".join(txt[m.start("container"): m.end("container")].split()), **common)
    else:
        place = txt[m.start("place"): m.end("place")]  # as written: 'М.', 'СПб.', 'Новосибирск'
        c = _mk(seg, i, end, kind="book", csl_type="book", place=place, **common)
    return c, end


# volumes and the kind of work after a GOST title: '. В 2 т. Т. 1', ': в 3 т. Т. 1, кн. 2', ': дис. … канд. ист. наук'
_GOST_VOLS = re.compile(
    r"(?:\s{0,2}[.,:]\s{0,2}(?:[Вв]\s\d{1,2}\s(?:т|тт|кн|ч|вып)\.?|(?:Т|т|T|Vol|Кн|кн|Kn|Вып|вып|Vyp|Ч|ч)\.\s{0,2}\d{1,4}"
    r"|(?:дис|автореф\.\s{0,2}дис)\.[^/]{0,60}?наук))+\.?\s*$")
# 'Лубянка. Сталин и Главное управление госбезопасности НКВД. 1937–1938. М., 2004. С. 120–121.' (no author)
_GOST_CITY = r"(?:М|Л|СПб|К|Мн|M|L|SPb)\.|[А-ЯЁІЇЄ][а-яёіїє]{2,20}(?:-на-[А-ЯЁ][а-яё]{2,20})?"
GOST_NOAUTH = re.compile(
    r"(?P<title>[A-ZА-ЯЁІЇЄҐ][^/\n]{2,300}?)"
    r"(?:\s{0,2}/(?!/)\s{0,2}(?P<resp>[^/\n]{2,300}?))?"  # '/ сост. А. И. Кокурин' · '/ О. В. Хлевнюк'
    r"(?P<vols>(?:[.,]\s{1,3}(?:Т|Кн|Вып|Ч|T|Kn|Vyp|Ch)\.\s{0,2}\d{1,4}){0,3})"
    rf"\.\s{{1,3}}(?:-\s{{0,2}})?(?P<place>{_GOST_CITY})\s{{0,2}}[,:]\s{{0,3}}"
    r"(?:(?P<publisher>[^,.\n()*\"]{1,80}),\s{0,3})?(?P<year>(?:1[5-9]|20)\d\d)\.?"
    rf"(?:\s{{0,3}}(?:С|S|с|s)\.\s{{0,2}}(?P<pages>{RANGES}))?"
)
# the places of _GOST_CITY, written to start with a character class (a search then skips to candidates fast)
GOST_PLACE_HINT = re.compile(r"[MLSА-ЯЁІЇЄ](?<!\w.)(?:(?<=[МЛКML])\.|(?<=М)н\.|(?<=С)Пб\.|(?<=S)Pb\.|"
                             r"(?<=[А-ЯЁІЇЄ])[а-яёіїє]{2,20}(?:-на-[А-ЯЁ][а-яё]{2,20})?)"
                             r"\s{0,2}[,:]\s{0,3}(?:[^,.\n()*\"]{1,80},\s{0,3})?(?:1[5-9]|20)\d\d")
_RESP_EDITORS = re.compile(r"(?:упоряд|упор|відп\.\s{0,2}ред|за\s+ред|"
                           r"авт\.-сост|отв\.\s{0,2}ред|гл\.\s{0,2}ред|науч\.\s{0,2}ред|под\s+(?:общ\.\s{0,2})?ред|"
                           r"ред\.-сост|сост|ред|пер|подгот|sost|red|pod\s+red|comp|eds?)\.?\s{0,3}", re.IGNORECASE)


def _try_gost_noauthor(seg: _Seg, i: int) -> tuple[Citation, int] | None:
    if not GOST_PLACE_HINT.search(seg.view, i, min(len(seg.view), i + 500)):
        return None
    m = GOST_NOAUTH.match(seg.view, i, min(len(seg.view), i + 500))
    if not m:
        return None
    title_text = seg.text[m.start("title"): m.end("title")]
    vt = _GOST_VOLS.search(title_text)
    if vt:
        title_text = title_text[: vt.start()]
    title = _clean_title(title_text)
    pages = first = last = None
    if m.group("pages"):
        pages, first, last = normalize_range(m.group("pages"), expand=False)
    people: list[Person] = []
    editors: list[Person] = []
    if m.group("resp"):  # '/ сост. В. Н. Хаустов, В. П. Наумов' (compilers: no author) or '/ О. В. Хлевнюк' (author)
        resp = seg.text[m.start("resp"): m.end("resp")]
        ed = _RESP_EDITORS.match(resp)
        if ed:
            for piece in resp.split(";"):
                pe = _RESP_EDITORS.match(piece.strip())
                editors += split_people(piece.strip()[pe.end():] if pe else piece)
        elif all(is_name_token(t) for t in resp.replace(",", " ").split()):
            people = split_people(resp.replace(";", ","))
    vols = re.findall(r"\d{1,4}", m.group("vols"))
    c = _mk(seg, i, m.end(), kind="book", csl_type="book", title=title, year=int(m.group("year")),
            place=seg.text[m.start("place"): m.end("place")], pages=pages, first_page=first, last_page=last,
            authors=people, author=_authors_text(people) or None, editors=editors,
            volume=vols[0] if vols else None)
    return c, m.end()


# ---- German / Polish bibliographic style ---------------------------------------------------------------
# 'Michael Wildt, Generation des Unbedingten. Das Führungskorps ..., Hamburg 2002, S. 538–545.'
# 'Paweł Machcewicz, Emigracja w polityce międzynarodowej, „Dzieje Najnowsze” 1999, nr 2, s. 77–98.'
# 'Hans Mommsen, Die Realisierung des Utopischen, in: Geschichte und Gesellschaft 9 (1983), S. 381–420.'
_UP = "A-ZÄÖÜŁŚŻŹĆŃÓÉА-ЯЁ"
_NAME = rf"(?:[{_UP}][\w'’.-]*\s){{1,4}}?[{_UP}][\w'’-]+"
_PLACE = rf"[{_UP}][^\W\d_]+(?:(?:[\s/-]|\s(?:am|an|im|bei|nad|upon|on)\s)[{_UP}][^\W\d_]+){{0,3}}"
_IN = r"(?:[Ii]n:|\[[wW]:?\]|[wW]:)"  # 'in:' (German), '[w:]' / 'w:' (Polish): a chapter in a book or journal
_PIN = rf"(?:,\s(?:hier|tu|here|at|zwł\.|insb\.|esp\.)\s(?:(?:S|s|p|pp)\.\s?)?(?P<pin>{RANGES}))?"  # ', hier S. 52'
_HG = r"\s\((?:Hg|Hrsg|red|ed|eds|oprac)\.?\)"  # 'Martin Cüppers (Hg.), Title': the editors of the volume
CONTINENTAL = re.compile(
    rf"(?P<auth>(?P<idem>[Dd]ers|[Dd]ies|[Tt]enże|[Tt]aż|[Tt]enze)\.|"
    rf"{_NAME}(?:(?:\s(?:und|u\.|i|and|&)\s|\s?/\s?){_NAME}|,\s{_NAME}(?=,\s(?!{_IN})[^,]+,\s[{_UP}]|{_HG})){{0,3}})"
    rf"(?P<hg>{_HG})?,\s"
    r"(?P<title>[^;]{3,400}?),(?P<q>\")?\s(?:(?:Bd|Bde|t|vol|Tl|Teil|cz)\.?\s?(?:\d{1,3}|[IVX]{1,5}),\s)?"
    rf"(?:{_IN}\s(?:(?P<ebd>[Ee]bd\.|[Ee]benda|[Tt]amże|[Ii]bid\.|[Ii]bidem)(?=,)|(?:(?P<eds>[^;()]{{2,150}}?)\s\((?:Hg|Hrsg|red|ed|eds)\.?\)\s?,\s)?(?P<book>[^;]{{2,300}}?),\s"
    r"(?:(?:Bd|t|vol|Tl)\.\s?\d{1,3},\s)?"
    rf"(?P<bplace>{_PLACE})\s(?P<byear>1[5-9]\d\d|20\d\d)(?:\s\([^()]{{2,200}}\))?"  # '(Reihe, Bd. 4)'"
    r"|(?P<jour>[^;()]{2,150}?)\s\d{1,4}\s?\((?P<jyear>1[5-9]\d\d|20\d\d)\)(?:,\s(?:H|Heft|Nr|nr)\.?\s?\d{1,4})?)"
    r"|(?P<cont>[\"„«][^”\"»]{2,150}[”\"»])\s(?P<ayear>1[5-9]\d\d|20\d\d)(?:,\s(?:nr|Nr|H|Heft|z|t)\.?\s?\d{1,4})?"
    rf"|(?P<place>{_PLACE})\s(?P<year>1[5-9]\d\d|20\d\d)(?![\d–-])(?P<jiss>,\s(?:nr|Nr|z|H|Heft)\.?\s?\d{{1,4}})?"
    r"(?:\s\([^()]{2,200}\))?)"
    rf"(?:,\s(?:Bd\.|t\.|vol\.)\s?\d{{1,3}})?(?:,\s(?:S|s|p|pp)\.\s?(?P<pages>{RANGES}){_PIN})?"
)
CONT_HEAD = re.compile(rf"{_NAME}(?:\s?/\s?{_NAME}){{0,5}},\s")  # 'Mallmann/Böhler/Matthäus, '
_SLASH = re.compile(r"\s?/\s?")
_BOOK_EDITORS = re.compile(r",\s(?:red|Red|hg|Hg|hrsg|Hrsg|ed|eds|oprac|bearb|Bearb)\.\s.*$")

# an edition or collection without author: 'Katyń. Dokumenty zbrodni, t. 1, Warszawa 1995, s. 220.' ·
# 'Die Tagebücher von Joseph Goebbels, Teil II, Bd. 1, München 1996, S. 77.' (title kept whole, volume apart)
_VOL_WORD = r"(?:T|t|Bd|Band|Teil|Tl|Vol|vol|Serie|ser|Ser|seria|Seria|cz|Cz|część|Reihe|Abt|Heft|H|Nr|nr|Ks|ks|Buch)"
EDITION = re.compile(
    rf"(?P<title>[{_UP}0-9][^;]{{2,300}}?)"
    rf"(?P<eds>,\s(?:red|hg|Hg|hrsg|Hrsg|oprac|bearb|Bearb|wyd|ed|eds)\.\s[^;,]{{2,120}}(?:,\s[^;,]{{2,80}}){{0,3}}?)?"
    rf"(?P<vols>(?:[.,]\s{_VOL_WORD}\.?\s?(?:\d{{1,4}}|[IVXLC]{{1,6}}|[A-Z])(?:/\d{{1,4}})?(?![\w/])"
    r"(?::\s[^.;]{1,120}?(?=[.,]\s))?){0,4})"
    rf"[.,]\s(?P<place>{_PLACE})\s(?P<year>1[5-9]\d\d|20\d\d)(?![\d-])"
    rf"(?:,\s(?:S|s|p|pp)\.\s?(?P<pages>{RANGES}){_PIN})?"
)
_EDITION_END = re.compile(r"[\s.,]{0,3}(?:$|;|\.\s|\(|[A-ZА-ЯЁ])")
EDITION_HINT = re.compile(rf"[.,]\s{_PLACE}\s(?:1[5-9]\d\d|20\d\d)(?![\d-])")


def _try_continental(seg: _Seg, i: int, ctx: list[Citation] | None = None) -> tuple[Citation, int] | None:
    view, txt = seg.view, seg.text
    m = CONTINENTAL.match(view, i, min(len(view), i + 900))
    if not m:
        return None
    names = txt[m.start("auth"): m.end("auth")]
    form = None
    if m.group("idem"):  # 'Ders., Titel, …' (Polish 'Tenże'): the author of the citation before
        form = "idem"
        prev = next((c for c in reversed(ctx or []) if c.authors), None)
        people = list(prev.authors) if prev is not None else []
        names = (prev.author or _authors_text(people)) if prev is not None else ""
    elif not all(is_name_token(t) for t in re.split(r"[\s/]+", names.replace(",", " "))
                 if t and t not in ("und", "u.", "i", "and", "&")):
        return None
    else:
        people = split_people(_SLASH.sub(" and ", names).replace(" u. ", " and ").replace(" und ", " and "))
    title_text = txt[m.start("title"): m.end("title")]
    if m.group("q") and view[m.start("title")] == '"':
        title_text = title_text[1:]  # '“Die Sowjetunion,” in: …': the comma sits inside the quotes
    elif m.group("q"):
        return None
    title = _clean_title(title_text)
    if not title or not (people or form):
        return None
    editors: list[Person] = []
    if m.group("hg"):  # an edited volume: its editors are not its authors
        editors, people, names = people, [], ""
    pages = first = last = None
    if m.group("pages"):
        pages, first, last = normalize_range(m.group("pin") or m.group("pages"), expand=False)
    common: dict[str, object] = {"authors": people, "author": " ".join(names.split()) or None, "title": title,
                                 "pages": pages, "first_page": first, "last_page": last, "form": form}
    if editors:
        common["editors"] = editors
    if m.group("ebd"):  # '…, in: ebd., S. 1030–1078': in the volume of the chapter cited before (see resolve)
        prev = next((c for c in reversed(ctx or []) if c.csl_type == "chapter"), None)
        more = {"container": prev.container, "place": prev.place, "year": prev.year, "editors": list(prev.editors)} \
            if prev is not None else {"container": txt[m.start("ebd"): m.end("ebd")]}
        c = _mk(seg, i, m.end(), kind="article", csl_type="chapter", **more, **common)
    elif m.group("book"):
        c = _mk(seg, i, m.end(), kind="article", csl_type="chapter", year=int(m.group("byear")),
                place=txt[m.start("bplace"): m.end("bplace")],
                container=_clean_title(_BOOK_EDITORS.sub("", txt[m.start("book"): m.end("book")])),
                editors=split_people(txt[m.start("eds"): m.end("eds")]) if m.group("eds") else [], **common)
    elif m.group("jour"):
        c = _mk(seg, i, m.end(), kind="article", csl_type="article-journal", year=int(m.group("jyear")),
                container=" ".join(txt[m.start("jour"): m.end("jour")].split()), **common)
    elif m.group("cont"):
        c = _mk(seg, i, m.end(), kind="article", csl_type="article-journal", year=int(m.group("ayear")),
                container=_clean_title(txt[m.start("cont"): m.end("cont")]), **common)
    elif m.group("jiss"):  # 'Materski, „Katyń …”, Dzieje Najnowsze 1991, nr 2, s. 3–20': a journal, not a place
        c = _mk(seg, i, m.end(), kind="article", csl_type="article-journal", year=int(m.group("year")),
                container=txt[m.start("place"): m.end("place")], issue=re.sub(r"\D", "", m.group("jiss")), **common)
    else:
        c = _mk(seg, i, m.end(), kind="book", csl_type="book", year=int(m.group("year")),
                place=txt[m.start("place"): m.end("place")], **common)
    return c, m.end()


def _try_edition(seg: _Seg, i: int) -> tuple[Citation, int] | None:
    view, txt = seg.view, seg.text
    if not EDITION_HINT.search(view, i, min(len(view), i + 500)):
        return None
    m = EDITION.match(view, i, min(len(view), i + 700))
    if not m or not _EDITION_END.match(view, m.end()):
        return None  # '…, Moscow 1939, as noted above': prose, not an edition
    title = _clean_title(txt[m.start("title"): m.end("title")])
    if not title or '"' in view[m.start("title"): m.end("title")].replace('"', "", 2):
        return None
    pages = first = last = None
    if m.group("pages"):
        pages, first, last = normalize_range(m.group("pin") or m.group("pages"), expand=False)
    editors: list[Person] = []
    if m.group("eds"):
        eds = re.sub(r"^,\s\w+\.\s", "", txt[m.start("eds"): m.end("eds")])
        editors = split_people(eds)
    vols = m.group("vols").strip(" .,") or None
    c = _mk(seg, i, m.end(), kind="book", csl_type="book", title=title, year=int(m.group("year")),
            place=txt[m.start("place"): m.end("place")], pages=pages, first_page=first, last_page=last,
            volume=vols, editors=editors)
    return c, m.end()


# ---- Chinese and Japanese citations in CJK script ------------------------------------------------------
# '沈志华：《毛泽东、斯大林与朝鲜战争》（广州：广东人民出版社，2003），第120页。'
# '秦郁彦『日中戦争史』河出書房新社、1961年、45頁。'
CJK = re.compile(
    r"(?P<auth>[\u4e00-\u9fff\u3400-\u4dbf]{2,4}?)(?P<role>主编|主編|编著|編著|编|編|著)?\s?[：:、]?\s?"
    r"[《『「](?P<title>[^》』」]{1,150})[》』」]"
    r"(?:\s?[，,、]?\s?[『《](?P<cont>[^』》]{1,80})[』》])?"  # '「論文」『雑誌』': an article in a journal
    r"(?:\s?[，,、]?\s?第\s?\d{1,4}\s?[卷巻册冊号號輯辑])?"  # '第3卷': the volume
    r"(?:\s?[（(](?:(?P<place>[^：:（）()]{1,20})[：:])?(?P<pub>[^，,（）()]{1,60})[，,]\s?(?P<year>\d{4})年?[）)]"
    r"|\s?[，,、]?\s?(?:(?P<pub2>[^、，,。《『\d]{1,60})[、，,]\s?)?(?P<year2>\d{4})年?)"
    r"(?:\s?[，,、]\s?(?:第\s?)?(?P<pages>\d{1,5}(?:\s?[-–—～~]\s?\d{1,5})?)\s?[页頁])?"
)


def _cjk_person(name: str) -> Person:
    """Family name first: one character of two or three ('沈志华' -> 沈 / 志华), two of four."""
    k = 2 if len(name) >= 4 else 1
    return Person(family=name[:k], given=name[k:] or None)


def _try_cjk(seg: _Seg, i: int) -> tuple[Citation, int] | None:
    m = CJK.match(seg.view, i, min(len(seg.view), i + 400))
    if not m:
        return None
    pages = first = last = None
    if m.group("pages"):
        pages, first, last = normalize_range(re.sub(r"[–—～~]", "-", m.group("pages")), expand=False)
    name = m.group("auth")
    person = [_cjk_person(name)]
    edited = m.group("role") in ("主编", "主編", "编", "編")  # '沈志华主编《…》': the editor of the volume
    kind, csl_type = ("article", "article-journal") if m.group("cont") else ("book", "book")
    c = _mk(seg, i, m.end(), kind=kind, csl_type=csl_type, title=m.group("title").strip(),
            authors=[] if edited else person, editors=person if edited else [], author=None if edited else name,
            year=int(m.group("year") or m.group("year2")), place=(m.group("place") or "").strip() or None,
            container=m.group("cont"), pages=pages, first_page=first, last_page=last)
    return c, m.end()
