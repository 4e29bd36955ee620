"""Small, linear-time parsers for locators: pages, folio ranges, years, dates, names."""

from __future__ import annotations

import re
from functools import lru_cache

from sevenfold.cite.models import Person
from sevenfold.cite.textnorm import guard_first_chars

YEAR_RE = guard_first_chars(re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)"))
# a range: 51-2, 367-69, 12ob.-14, 3, 4, 7-9 ; written with any dash (the match view has ASCII '-')
NUM = r"\d{1,6}(?:[a-zA-Zа-я]{1,3}(?:\.(?=\s{0,2}-))?)?"  # '12ob.-13': a stop after the letters before a dash
VERSO = r"(?:\s{0,2}(?:ob|об|зв|zv)(?!\w)\.?)"
RANGE = rf"{NUM}{VERSO}?(?:\s{{0,2}}-\s{{0,2}}{NUM}{VERSO}?)?"
RANGES = rf"{RANGE}(?:\s{{0,2}},\s{{0,2}}{RANGE}){{0,20}}"
PAGES_RE = re.compile(
    rf"(?:(?P<pp>pp?|S|s|с|стр|str)\.?\s{{0,3}})?(?P<pages>{RANGES})(?![\d/:.]\d)"
)

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10,
    "nov": 11, "dec": 12,
}
DATE_RE = re.compile(
    r"(?P<month>[A-Z][a-z]{2,8})\.?\s{1,3}(?P<day>\d{1,2})(?:\s{0,2}-\s{0,2}\d{1,2})?,\s{0,3}(?P<year>1[5-9]\d\d|20\d\d)"
)


def expand_range(first: str, last: str) -> str:
    """'51','2' -> '52'; '367','69' -> '369'; '1217','1220' -> '1220' (abbreviated second numbers)."""
    if first.isdigit() and last.isdigit() and len(last) < len(first):
        return first[: len(first) - len(last)] + last
    return last


def normalize_range(s: str, expand: bool) -> tuple[str, int | None, int | None]:
    """A written range (typographic dashes already folded) -> (normalised text, first, last page)."""
    parts = [p.strip() for p in s.split(",") if p.strip()]
    outs = []
    first: int | None = None
    last: int | None = None
    for p in parts:
        if "-" in p:
            a, b = (x.strip() for x in p.split("-", 1))
            full_b = expand_range(a, b) if a.isdigit() and b.isdigit() else b
            outs.append(f"{a}-{full_b if expand else b}")
            lo, hi = _int(a), _int(full_b)
        else:
            outs.append(" ".join(p.split()))
            lo = hi = _int(p)
        if first is None:
            first = lo
        if hi is not None:
            last = hi
    return ", ".join(outs), first, last


_VERSO_MARK = re.compile(VERSO, re.IGNORECASE)
_RV_MARK = re.compile(r"(\d)\s{1,2}([rv])(?!\w)\.?")


def normalize_folios(s: str) -> str:
    """Sheets of a fond reference: verso written 'ob'/'об'/'зв' becomes 'ob', no space, no stop, ranges expanded:
    '8 ob.-9' -> '8ob-9', '15 об.-16' -> '15ob-16', '3-4 зв.' -> '3-4ob', '12 v' -> '12v', '51-2' -> '51-52'."""
    s = _VERSO_MARK.sub("ob", s)
    if " " in s:
        s = _RV_MARK.sub(r"\1\2", s)
    return normalize_range(s, expand=True)[0]


def _int(s: str) -> int | None:
    m = re.match(r"\d{1,6}", s)
    return int(m.group()) if m else None


def parse_date(s: str) -> tuple[str | None, int | None]:
    """'December 4, 1934' -> ('1934-12-04', 1934)."""
    m = DATE_RE.search(s[:400])
    if not m:
        return None, None
    month = MONTHS.get(m.group("month").casefold())
    if not month:
        return None, None
    y, d = int(m.group("year")), int(m.group("day"))
    if not 1 <= d <= 31:
        return None, y
    return f"{y:04d}-{month:02d}-{d:02d}", y


# ---- names ---------------------------------------------------------------------------------------

NAME_PARTICLES = frozenset(
    "and & de da di du del della der den van von le la y e и i zu ter ten bin ibn al".split()  # noqa: SIM905
)
NOT_NAMES = frozenset(
    """see also quoted cited cf compare in by for instance note the a an and of on from my his her their our
    as related esp especially eg ie ibid idem op this that these those it its to with at""".split()  # noqa: SIM905
)
_NAME_TOKEN = re.compile(r"^(?:[^\W\d_]\.(?:[^\W\d_]\.)*|[^\W\d_][^\W\d_'\-.]*(?:['\-][^\W\d_]+)*)$")


def is_name_token(tok: str) -> bool:
    if "/" in tok and len(tok) <= 120:  # 'Mallmann/Böhler/Matthäus' (German style: authors joined by slashes)
        return all(is_name_token(p) and p.casefold() not in NAME_PARTICLES for p in tok.split("/"))
    if not tok or len(tok) > 40:
        return False
    if tok.casefold() in NAME_PARTICLES:
        return True
    if re.match(r"^[^\W\d_]\.(?:[^\W\d_]\.)*$", tok):
        return tok[0].isupper()  # an initial: 'A.', 'D.B.'
    if tok.casefold().strip(".") in NOT_NAMES:
        return False
    return bool(_NAME_TOKEN.match(tok)) and tok[0].isupper()


def trailing_name_run(prefix: str, max_tokens: int = 12) -> tuple[str, int]:
    """The longest run of name tokens at the end of ``prefix`` -> (names, offset in prefix).

    Leading particles ("and") are dropped; the run must contain a capitalised word. ('', len) if none.
    """
    tail = prefix[-300:]
    base = len(prefix) - len(tail)
    run: list[re.Match[str]] = []
    for m in reversed(list(re.finditer(r"\S+", tail))):
        if len(run) >= max_tokens or not is_name_token(m.group().rstrip(",)")):
            break
        run.insert(0, m)
    while run and run[0].group().casefold() in NAME_PARTICLES:
        run.pop(0)
    if not run:
        return "", len(prefix)
    start = base + run[0].start()
    names = prefix[start:].strip().rstrip(",)").strip()
    if not any(t[:1].isupper() and t.casefold() not in NAME_PARTICLES for t in names.split()):
        return "", len(prefix)
    return names, start


_INITIAL = re.compile(r"^(?:[^\W\d_]\.)+$")


_ET_AL = re.compile(r",?\s+(?:et\s+al|i\s+in|u\.\s?a|и\s+др)\.?$")


def split_people(names: str) -> list[Person]:
    """'Vladimir and Evdokia Petrov' -> [Vladimir Petrov, Evdokia Petrov]; 'Hata Ikuhiko' as written."""
    names = names.strip().strip(",;:)").strip()
    names = _ET_AL.sub("", names)  # 'Julian Cooper et al.': the others are not named
    if not names:
        return []
    if "/" in names:  # 'Mallmann/Böhler/Matthäus'
        names = re.sub(r"\s?/\s?", " and ", names)
    parts = [p.strip() for p in re.split(r"\s+(?:and|&|и|i)\s+|\s*;\s*", names) if p.strip()]
    # "Smith, Jones and Brown": commas between people (but "Kershaw, Ian" inverted is one person)
    flat: list[str] = []
    for p in parts:
        bits = [b.strip() for b in p.split(",") if b.strip()]
        if len(bits) > 1 and all(len(b.split()) > 1 for b in bits):
            flat.extend(bits)
        elif len(bits) == 2 and len(bits[0].split()) == 1:  # 'Kershaw, Ian'
            flat.append(f"{bits[1]} {bits[0]}")
        else:
            flat.append(" ".join(bits))
    people: list[Person] = []
    for p in flat:
        toks = p.split()
        if len(toks) >= 2 and not _INITIAL.match(toks[0]) and all(_INITIAL.match(t) for t in toks[1:]):
            people.append(Person(family=toks[0], given=" ".join(toks[1:])))  # 'Хлевнюк О. В.' (GOST order)
            continue
        if len(toks) == 1:
            people.append(Person(family=toks[0]))
        else:
            # family name = last token plus preceding lower-case particles (van, de, von)
            i = len(toks) - 1
            while i > 1 and toks[i - 1].casefold() in NAME_PARTICLES - {"and", "&", "и", "i"}:
                i -= 1
            people.append(Person(family=" ".join(toks[i:]), given=" ".join(toks[:i])))
    for k, p in enumerate(flat):
        toks = p.split()
        if len(toks) == 2 and east_asian_order(toks[0], toks[1]):
            people[k] = Person(family=toks[0], given=toks[1])
    # 'Vladimir and Evdokia Petrov': a lone given name shares the next person's family name
    for k in range(len(people) - 1):
        if people[k].given is None and people[k + 1].given is not None and len(flat[k].split()) == 1 \
                and not flat[k].endswith("."):
            people[k] = Person(family=people[k + 1].family, given=people[k].family)
    return people


_SYLLABLES = re.compile(r"^(?:[bcdfghjklmnpqrstwxyz]{0,3}[aeiou]{1,3}(?:ng|n|r|l|k|p|m)?)+$")


@lru_cache(maxsize=1)
def _east_asian_families() -> frozenset[str]:
    from importlib import resources

    import yaml

    data = yaml.safe_load(resources.files("sevenfold.cite").joinpath("names.yaml").read_text(encoding="utf-8"))
    return frozenset(_fold(n) for key in ("japanese", "japanese_unidic", "chinese", "korean")
                     for n in data.get(key, [])
                     if isinstance(n, str))


def _fold(s: str) -> str:
    from anyascii import anyascii

    return anyascii(s).casefold()


def east_asian_order(first: str, second: str) -> bool:
    """'Hata Ikuhiko', 'Yang Kuisong', 'Kim Il-sung': family name first (not 'Daqing Yang', 'Kim Philby')."""
    fams = _east_asian_families()
    f, g = _fold(first), _fold(second)
    if f not in fams or g in fams or not first[:1].isupper():
        return False
    return bool(_SYLLABLES.match(re.sub(r"['\-]", "", g)))
