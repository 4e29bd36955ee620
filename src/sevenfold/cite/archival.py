"""Archive references outside the fond system, read as comma-separated parts.

``BArch-MA, RH 2/2901, Bl. 45–47`` · ``PA AA, R 104354, Bl. 12`` · ``AAN, Ministerstwo Spraw
Zagranicznych, sygn. 47, k. 12–14`` · ``AIPN, BU 2386/1234, k. 5`` · ``NARA, RG 242, T-175, roll 409,
frames 2345–2350`` · ``Hoover Institution Archives, Nicolaevsky Collection, box 233, folder 11`` ·
``TNA, FO 371/24846, f. 12``.

A part is *keyed* when it starts with a locator word (record group, microfilm publication, roll,
frame, box, folder, series, folio: Bl./fol./f./k., signature: sygn./Signatur, pages); otherwise it is
a *signature* when it looks like a call number (capitals and digits with / or .), a *place* (from
the archive table) or a *collection* (a name without digits). Parts run until a ``;``, the end of
the sentence or another archive's name; a part that is none of these ends the reference. Each part
is matched by one anchored regular expression, so the cost is linear in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sevenfold.cite.locators import expand_range
from sevenfold.cite.textnorm import guard_first_chars

NUMV = r"[A-Z]?\d{1,9}[a-z]?"  # 'E292114': NARA frames with a letter prefix
FOLIO_ONE = r"\d{1,6}\s{0,2}(?:[rv]\b|ob\b\.?|bis\b)?"
FOLIO_RANGE = rf"{FOLIO_ONE}(?:\s{{0,2}}-\s{{0,2}}(?:{FOLIO_ONE}|[rv]\b))?"
FOLIO_LIST = rf"{FOLIO_RANGE}(?:\s{{0,2}}(?:,|and|u\.|i)\s{{0,2}}{FOLIO_RANGE}){{0,12}}"
NUM_RANGE = rf"{NUMV}(?:\s{{0,2}}-\s{{0,2}}{NUMV})?"
NUM_LIST = rf"{NUM_RANGE}(?:\s{{0,2}},\s{{0,2}}{NUM_RANGE}(?!\s{{0,2}}[A-Za-z]{{2}})){{0,12}}"

# order matters: longer keys first; every pattern is anchored at the part's start
KEYED: list[tuple[str, re.Pattern[str]]] = [
    ("record_group", re.compile(r"(?:RG|R\.\s?G\.|Record\s+Group|Rec\.\s?Gr\.)\s{0,2}-?\s{0,2}"
                                r"(?P<v>\d{1,4}(?:\.\d{1,4})?[A-Z]?)(?!\w)", re.IGNORECASE)),
    ("publication", re.compile(r"(?i:(?:microfilm|mikrofilm|mf\.)\s{1,2}(?:publication\s{1,2})?(?:no\.\s{0,2})?)?"
                               r"(?P<v>(?:T|M|A|P)\s?-?\s?\d{1,5}[A-Z]?)(?![\w/.])")),
    ("roll", re.compile(r"(?:rolls?|reels?|Rolle|R\.)\s{0,2}(?:no\.\s{0,2})?(?P<v>\d{1,5}[A-Z]?"
                        r"(?:\s{0,2}-\s{0,2}\d{1,5})?)(?!\w)", re.IGNORECASE)),
    ("frame", re.compile(rf"(?:frames?|frs?\.|Aufnahmen?|klatki?|fr\.)\s{{0,2}}(?:no\.\s{{0,2}})?(?P<v>{NUM_LIST})"
                         r"(?!\w)", re.IGNORECASE)),
    ("box", re.compile(r"(?:boxes|box|bx\.|carton|Karton|kart\.(?=\s{0,2}\d)|šk\.|pudło)\s{0,2}(?:no\.\s{0,2})?"
                       r"(?P<v>[\w.]{1,12}(?:\s{0,2}-\s{0,2}\w{1,8})?)(?![\w/])", re.IGNORECASE)),
    ("folder", re.compile(r"(?:folders?|fldr?\.|file|Mappe|teczka)\s{0,2}(?:no\.\s{0,2})?"
                          r"(?P<v>[\w.]{1,20}(?:\s{0,2}-\s{0,2}\w{1,8})?)(?![\w/])", re.IGNORECASE)),
    ("collection", re.compile(r"(?P<v>(?:zesp\.|zespół|zespol|fonds?|Bestand|coll\.|Sammlung)\s{0,2}(?:nr\.?\s{0,2})?"
                              r"[\w./-]{1,20}(?:\s[^\W\d][\w./-]{0,30}){0,8})(?![\w/])", re.IGNORECASE)),
    ("archive_series", re.compile(r"(?:series|ser\.|Serie|seria|subseries|entry|Entry|UD)(?!\w)\s{0,2}(?:no\.\s{0,2})?"
                                  r"(?P<v>[\w.]{1,12}(?:-[\w.]{1,8})?)(?!\w)", re.IGNORECASE)),
    ("item", re.compile(r"(?:serial|item|doc\.|document)(?!\w)\s{0,2}(?:no\.\s{0,2})?(?P<v>[\w./-]{1,20})(?!\w)",
                        re.IGNORECASE)),
    ("folio", re.compile(rf"(?:Bll?\.|Blatt|Blätter|fols?\.|fos\.|ff\.|f\.|fo\.|folios?|kk?\.|karta|karty|kart|ll?\.)"
                         rf"\s{{0,2}}(?P<v>{FOLIO_LIST})(?![\w/])", re.IGNORECASE)),
    ("signature", re.compile(r"(?:sygn\.|sygnatura|Sign\.|Signatur|Sig\.|call\s+(?:no\.|number)|dosar(?:ul)?|"
                             r"shelfmark|piece|Akte|Az\.)\s{0,2}:?\s{0,2}(?P<v>[^,;()]{1,40}?)"
                             r"\s{0,2}(?=$|[,;(])", re.IGNORECASE)),
    ("volume", re.compile(r"(?:t\.|tom|vol\.|Bd\.|Band)\s{0,2}(?P<v>[\w]{1,8})(?!\w)", re.IGNORECASE)),
    ("pages", re.compile(rf"(?:pp?\.|S\.|s\.|str\.)\s{{0,2}}(?P<v>{NUM_LIST})(?![\w/])")),
]
# the letters each keyed locator can start with (a part is tried only against these)
_FIRST = {"record_group": "r", "publication": "tmapт", "roll": "r", "frame": "fak", "box": "bcpkš",
          "folder": "fmt", "collection": "zfbcs", "archive_series": "seu", "item": "sid", "folio": "bfkl",
          "signature": "scpad", "volume": "tvb", "pages": "ps"}
_BY_FIRST: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
for _name, _pat in KEYED:
    for _ch in _FIRST[_name]:
        _BY_FIRST.setdefault(_ch, []).append((_name, _pat))

# a call number: 'RH 2/2901', 'R 104354', 'FO 371/24846', 'BU 2386/1234', 'R 43 II/1234', 'I.303.4.3158',
# 'N 247/12', 'PREM 3/395/6', 'IPN Kr 075/1'
SIGNATURE = re.compile(
    r"(?P<v>(?:[A-ZÄÖÜ][A-Za-zÄÖÜäöü]{0,5}[\s.]?){1,2}(?:\d{1,7}[a-z]?|[IVX]{1,4})(?:\s?[IVX]{1,4}\b)?"
    r"(?:\s?[/.-]\s?[\w]{1,20}){0,6}"
    r"|[IVX]{1,4}\.\d{1,5}(?:\.\d{1,6}){0,4}(?:/\d{1,6})?"
    r"|[A-Z]{1,4}\.\d{1,5}(?:[./]{1,2}\w{1,10}){1,6}\.?"  # 'A.11.49/Sow./3' (IPMS), 'O.51/123' (YVA)
    r"|\d{1,3}\s?[A-Z]{1,3}\s?\d{1,6}(?:/\d{1,6})?"  # '7 N 3121' (SHD)
    r"|\d{1,6}(?:\s?[/.]\s?\w{1,10}){1,6}"
    # capitals and numbers joined by spaces, slashes, dots or dashes: 'GR 7 N 3143' (SHD), 'F/7/13490' (AN),
    # '109-4/1234', '325-166-3' (Czech sign.); not a year range ('1917-41')
    r"|(?!(?:1[5-9]|20)\d\d\s?-\s?\d{2,4}$)(?=\D{0,12}\d)(?:[A-Z]{1,5}|\d{1,7}[a-z]?)"
    r"(?:(?:\s|\s?[/.-]\s?)(?:[A-Z]{1,5}|\d{1,7}[a-z]?)){1,7})$"
)
# a year or a range of years written after a series name ('Military Intelligence Division Correspondence, 1917-41')
YEARS_PART = re.compile(r"(?:1[5-9]|20)\d\d(?:\s?-\s?(?:\d{2}|(?:1[5-9]|20)\d\d))?$")
# a State Department decimal file: '740.0011 European War 1939/31427', '861.00/11834'
DECIMAL_FILE = re.compile(r"\d{3}[a-z]?\d?(?:\.[\w]{1,12})?(?:\s{1,2}[A-Z][\w.]{0,20}){0,6}(?:\s{1,2}\d{4})?"
                          r"\s?/\s?\d{1,7}(?:-\d{1,6})?$")
# the word naming a fonds before its number or name ('zesp. 2/9 Ambasada RP', 'fond Úřad …', 'Bestand R 43')
_HOLDING_WORD = re.compile(r"(?:zesp\.|zespół|zespol|fonds?|Bestand|coll\.|Sammlung)\s{0,2}(?:nr\.?\s{0,2})?",
                           re.IGNORECASE)
_HOLDING_NUMBER = re.compile(r"(?:\d[\w./-]{0,19}|[IVX]{1,5}(?:[./-]\w{1,8}){0,3})\s")
MICROFILM_SLASH = re.compile(r"(?P<pub>[TM]\s?-?\s?\d{1,5})\s?/\s?(?P<roll>\d{1,5})\s?/\s?"
                             r"(?P<frame>\d{1,9}(?:\s{0,2}-\s{0,2}\d{1,9})?)$")
ITEM = re.compile(r"(?P<v>(?:[A-Z]{1,3}\s?)?\d[\w]*(?:[./-]\w{1,12}){1,6})$")
COLLECTION_WORDS = re.compile(
    r"\b(?:collection|papers|nachlass|nachla(?:ss|ß)|records|archive of|fonds?|zesp(?:ół|ol)|bestand|"
    r"decimal\s+files?|central\s+files?|subject\s+files?|"
    r"files|kolekcja|spuścizna|akta|ministerstwo|ministry|office|department|amt|kanzlei|büro|"
    r"kommando|oberkommando|führungsstab|staatssekretär|generalstab|sammlung)\b",
    re.IGNORECASE,
)
COLLECTION_WORDS = guard_first_chars(COLLECTION_WORDS)  # searched for: skip positions no word starts with


@dataclass
class Parts:
    """Fields found in the parts of a reference; ``end`` is the offset after the last part used."""

    fields: dict[str, str] = field(default_factory=dict)
    start: int = 0
    end: int = 0
    keyed: int = 0  # parts recognised by a locator word or as a call number


_PART_MARKS = re.compile(r"[(),]")
_LIST_TAIL = re.compile(r"(?:Bll?\.|fols?\.|ff?\.|kk?\.|frames?|pp?\.|S\.)\s{0,2}[\d\s,rv-]*$", re.IGNORECASE)
_ALNUM = re.compile(r"[^\W_]")  # a character for which str.isalnum() is true
_CALL_NUMBER_GOES_ON = re.compile(r"[-./]\w")
_SPACE_DASH = re.compile(r"[\s-]")
_DIGIT = re.compile(r"\d")
_BARE_NUMBER = re.compile(r"\d{1,7}[a-z]?")
_SIG_NUMBER = re.compile(r"(?:Nr|No|nr)\.\s{0,2}\d{1,7}(?:/\d{1,7})?$")
_PIN_PART = re.compile(r"(?:hier|tu|here|at|esp\.|insb\.)\s{1,3}", re.IGNORECASE)
_LIST_SEP = re.compile(r"\s{0,2}(?:,|\band\b|\bu\.|\bi\b)\s{0,2}")
_RV_SPACE = re.compile(r"(\d)\s+(?=[rv]\b|ob\b|bis\b)")


def _norm_range(v: str, expand: bool = True) -> str:
    """'45 – 47' -> '45-47'; '2345-50' -> '2345-2350'; '12 v' -> '12v'; lists keep ', '."""
    if "," in v or " " in v:
        v = _LIST_SEP.sub(", ", v)
    out = []
    for part in (p.strip() for p in v.split(",")):
        if not part:
            continue
        if " " in part:
            part = _RV_SPACE.sub(r"\1", part)
        part = part.rstrip(".")
        if "-" in part:
            a, b = (x.strip() for x in part.split("-", 1))
            if expand and a.isdigit() and b.isdigit():
                b = expand_range(a, b)
            out.append(f"{a}-{b}")
        else:
            out.append(part)
    return ", ".join(out)


def _starts_with_folio(part: str) -> bool:
    got = classify(part, False, frozenset(), False)
    return isinstance(got, list) and got[0][0] == "folio"


def split_parts(view: str, start: int, stop: int) -> list[tuple[int, int]]:
    """Comma-separated parts of view[start:stop], outside parentheses: (a, b) offsets, trimmed."""
    out: list[tuple[int, int]] = []
    depth = 0
    a = start
    for mark in _PART_MARKS.finditer(view, start, stop):  # only the characters that matter are visited
        ch = mark.group()
        k = mark.start()
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch == "," and depth == 0:
            # '12, 14' inside a folio or frame list is not a new part
            nxt = view[k + 1: k + 4].lstrip()
            if nxt[:1].isdigit() and out is not None and _LIST_TAIL.search(view[a:k]):
                continue
            out.append((a, k))
            a = k + 1
    out.append((a, stop))
    trimmed = []
    for x, y in out:
        while x < y and view[x] in " \t\n":
            x += 1
        while y > x and view[y - 1] in " \t\n.":
            y -= 1
        trimmed.append((x, y))
    return trimmed


def classify(part: str, nara: bool, places: frozenset[str], bare: bool = True) -> list[tuple[str, str]] | str | None:
    """The fields of one part, or 'place' / 'collection' / 'skip' / None (not a locator)."""
    p = part.strip(" \t\n()[]")
    if not p or not _ALNUM.search(p):
        return "skip"
    if nara and (ms := MICROFILM_SLASH.match(p)) is not None:  # 'T-175/409/2932345': publication/roll/frame
        return [("publication", re.sub(r"[\s-]", "", ms.group("pub"))), ("roll", ms.group("roll")),
                ("frame", _norm_range(ms.group("frame")))]
    found: list[tuple[str, str]] = []
    pos = 0
    # a part may hold several keyed locators: 'roll 409 frame 12', 'box 3 folder 7'
    for _ in range(6):
        while pos < len(p) and p[pos] in " .:":
            pos += 1
        if pos >= len(p):
            break
        hit = None
        for name, pat in _BY_FIRST.get(p[pos].casefold(), ()):
            if name == "publication" and not nara:
                continue
            if name == "roll" and p[pos: pos + 2] == "R." and not nara:
                continue
            m = pat.match(p, pos)
            if m and not _CALL_NUMBER_GOES_ON.match(p, m.end()):  # 'S.9.4.5' is a call number
                hit = (name, m)
                break
        if hit is None:
            break
        name, m = hit
        val = " ".join(m.group("v").split())
        if name in ("folio", "frame", "pages", "roll"):
            val = _norm_range(val)
        elif name == "publication":
            val = _SPACE_DASH.sub("", val)
        found.append((name, val))
        pos = m.end()
    if found and pos >= len(p.rstrip(" .")):
        return found
    if found:
        return found  # trailing words after the locators ('Bl. 12 (copy)') are ignored
    if p.casefold().strip(" .") in places:
        return "place"
    if nara and DECIMAL_FILE.match(p):
        return None  # '760c.6/682': a decimal file, read as the item by the caller
    if bare and SIGNATURE.match(p):
        return [("signature", " ".join(p.split()))]
    if not _DIGIT.search(p):
        # 'as the staff call it' is prose; 'akta Delegatury' (a holding word) is a collection
        return "collection" if p[:1].isupper() or COLLECTION_WORDS.search(p) else None
    if COLLECTION_WORDS.search(p) and p[:1].isupper() and len(p.split()) <= 12:
        return "collection"  # 'Central Decimal File 1940-44', 'Records of the Reich Ministry, 1933-45'
    return None


def _holding_name(val: str) -> str:
    """'fond Úřad říšského protektora' -> 'Úřad říšského protektora'; 'zesp. 2/9 Ambasada RP w Berlinie' ->
    'Ambasada RP w Berlinie' (the fonds' name, without its number); 'zesp. 322' (a number only) stays."""
    w = _HOLDING_WORD.match(val)
    if w is None:
        return val
    rest = val[w.end():]
    num = _HOLDING_NUMBER.match(rest)
    if num is not None:
        rest = rest[num.end():]
    return rest if rest[:1].isalpha() and not _DIGIT.search(rest) else val


def read_parts(view: str, text: str, start: int, stop: int, nara: bool, places: frozenset[str],
               allow_collection: bool = True, bare: bool = True) -> Parts:
    """Read the parts from ``start``; stop at the first part that is not a locator."""
    res = Parts(start=start, end=start)
    parts = split_parts(view, start, stop)
    last_sig = False  # the part before was the signature
    skip = 0  # parts already read with the one before
    for idx, (a, b) in enumerate(parts):
        if idx < skip:
            continue
        paren = view.find("(", a, b)
        close = view.find(")", paren, b) if paren >= 0 else -1
        # a trailing '(...)' is a note read by the caller; '(U.S.)' inside a name is part of the name
        cut = paren > a and (close < 0 or not view[close + 1: b].strip(" ."))
        if cut and close > 0 and idx + 1 < len(parts) and not _DIGIT.search(view, a, close) \
                and classify(view[a:paren], nara, places, bare) == "collection":
            cut = False  # 'Poland. Ambasada (Soviet Union), box 46': the parentheses belong to the name
        if cut:  # 'frame 12 (copy)', '760c.6/682 (dated December 4, 1934)': the note is read by the caller
            b = paren
            while b > a and view[b - 1] in " \t":
                b -= 1
        pin = _PIN_PART.match(view, a, b)
        if pin and res.fields:  # 'Bl. 3–4, hier Bl. 3': the folio (page, frame) cited within the range
            got = classify(view[pin.end():b], nara, places, False)
            if isinstance(got, list):
                res.fields.update(got)
                res.end = b
                continue
        kind = classify(view[a:b], nara, places, bare)
        if kind is None and last_sig and _SIG_NUMBER.match(view, a, b):
            res.fields["signature"] += ", " + " ".join(text[a:b].split())  # 'BStU, MfS, HA IX, Nr. 1234'
            res.end = b
            continue
        last_sig = False
        if kind is None and bare and "signature" not in res.fields and _BARE_NUMBER.fullmatch(view, a, b) \
                and idx + 1 < len(parts) and _starts_with_folio(view[parts[idx + 1][0]: parts[idx + 1][1]]):
            res.fields["signature"] = view[a:b]  # 'AAN, MSZ, 6345, k. 12': the file number before the folio
            res.keyed += 1
            res.end = b
            continue
        if kind is None:
            if bare and ("signature" in res.fields or nara) and "item" not in res.fields and (
                    ITEM.match(view[a:b]) or re.fullmatch(r"\d{1,6}[rv]?", view[a:b])
                    or (nara and DECIMAL_FILE.match(view, a, b))):
                res.fields["item"] = " ".join(text[a:b].split())  # TNA paper number, NARA decimal file
                res.end = b
                if cut:
                    break
                continue
            break
        if kind == "skip":
            continue
        if kind == "place":
            res.end = b
            continue
        if kind == "collection":
            if idx + 1 < len(parts) and YEARS_PART.match(view, *parts[idx + 1]):
                b = parts[idx + 1][1]  # 'Military Intelligence Division Correspondence, 1917-41': one series
                skip = idx + 2
                idx += 1  # (the next part was read with this one)
            strong = bool(COLLECTION_WORDS.search(view[a:b]))
            if res.keyed and not strong and idx + 1 < len(parts):
                # 'NARA, RG 84, Moscow Embassy, box 12': a named series between locators
                nxt = classify(view[parts[idx + 1][0]: parts[idx + 1][1]], nara, places, False)
                strong = isinstance(nxt, list)
            if not allow_collection or (res.keyed and not strong) or "collection" in res.fields:
                break
            words = len(view[a:b].split())
            if words > 12:
                break
            res.fields["collection"] = " ".join(text[a:b].split())
            res.end = b
            continue
        assert isinstance(kind, list)
        for name, val in kind:
            if name == "signature" and "signature" in res.fields:
                if "item" not in res.fields:
                    res.fields["item"] = val
                continue
            if name == "collection":
                val = _holding_name(val)
            res.fields.setdefault(name, val)
            last_sig = name == "signature" and res.fields["signature"] == val
        res.keyed += 1
        res.end = b
        if cut:
            break
    return res
