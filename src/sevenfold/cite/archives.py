"""The table of archives (``archives.yaml``) and a linear-time matcher for their names.

The matcher works on the *match view* of a text (see ``textnorm.match_view``): typographic quotes,
apostrophes and dashes folded to ASCII one character for one, so offsets are those of the original.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from sevenfold.cite.textnorm import first_char_lookahead, match_view
from sevenfold.errors import InputError

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's safe loader when built in: 7x faster


@dataclass(frozen=True)
class Archive:
    code: str
    name: str
    country: str
    system: str
    aliases: tuple[str, ...]


def _strip_accents(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))


def _trie_regex(words: list[str]) -> str:
    """A regex for a set of literal words, factored by common prefix (no backtracking blow-up)."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        alts = []
        end = False
        for ch in sorted(node):
            if ch == "":
                end = True
                continue
            alts.append(re.escape(ch) + emit(node[ch]))
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if end:
            return "(?:" + body + ")?"
        return body

    return emit(trie)


@lru_cache(maxsize=1)
def load_archives() -> tuple[Archive, ...]:
    """The archive table shipped with sevenfold (``sevenfold/cite/archives.yaml``)."""
    path = resources.files("sevenfold.cite").joinpath("archives.yaml")
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except (OSError, yaml.YAMLError) as exc:  # pragma: no cover - packaging error
        raise InputError(f"{path}: cannot read the archive table: {exc}") from exc
    out = []
    for i, row in enumerate(data.get("archives", [])):
        try:
            code = [row["code"]] if row.get("match_code", True) else []  # 'NA' is not read as the Czech archive
            aliases = tuple(dict.fromkeys([*code, row["name"], *row.get("aliases", [])]))
            out.append(Archive(row["code"], row["name"], row.get("country", ""), row.get("system", "fond"),
                               aliases))
        except (KeyError, TypeError) as exc:  # pragma: no cover - packaging error
            raise InputError(f"{path}: archives[{i}]: missing field {exc}") from exc
    return tuple(out)


@lru_cache(maxsize=1)
def _matcher() -> tuple[re.Pattern[str], dict[str, tuple[Archive, bool]]]:
    """One prefix-factored, case-insensitive pattern over every alias; acronyms are checked for case after."""
    lookup: dict[str, tuple[Archive, bool]] = {}
    for arch in load_archives():
        for alias in arch.aliases:
            for variant in {alias, _strip_accents(alias)}:
                v = match_view(variant)
                acronym = not any(c.islower() for c in v)
                lookup.setdefault(v.casefold(), (arch, acronym))
    pat = r"(?<!\w)(?i:(?P<name>" + _trie_regex(sorted(lookup)) + r"))" + QUALIFIER + r"(?!\w)"
    # a look-ahead on the names' first letters rejects most positions before the trie is entered (3x faster)
    return re.compile(first_char_lookahead({k[0] for k in lookup if k}, True) + pat), lookup


# a country or state written after an archive's name ('ЦАМО РФ', 'ЦДАВО України', 'TsA FSB Rossii'): part of it
_QUALIFIERS = r"РФ|RF|России|Rossii|СССР|SSSR|України|Украины|Ukrainy|Ukraïny|МО\s{1,2}РФ|MO\s{1,2}RF"
QUALIFIER = rf"(?:\s{{1,2}}(?:{_QUALIFIERS}))?"
_QUALIFIER_TAIL = re.compile(rf"\s{{1,2}}(?:{_QUALIFIERS})$")


_PUBLISHER_AFTER = re.compile(r"\s{1,2}(?:Press|Publications|Publishing|Publishers|Verlag)\b")


@dataclass(frozen=True)
class ArchiveMention:
    archive: Archive
    start: int
    end: int


def find_archives(view: str) -> list[ArchiveMention]:
    """All archive names in ``view`` (a match view), the longest at each position."""
    pat, lookup = _matcher()
    out = []
    for m in pat.finditer(view):
        hit = lookup.get(m.group("name").casefold())
        if hit is None:
            continue
        arch, acronym = hit
        if acronym and m.group("name") != m.group("name").upper():
            continue  # 'Pro' is not 'PRO'; acronyms must be written in capitals
        if _PUBLISHER_AFTER.match(view, m.end()):
            continue  # 'Hoover Institution Press' publishes books: not the archive
        out.append(ArchiveMention(arch, m.start(), m.end()))
    return out


@lru_cache(maxsize=1)
def archive_places() -> frozenset[str]:
    """Seats of archives written after their names ('Kew', 'Freiburg', 'College Park, MD'), case-folded."""
    path = resources.files("sevenfold.cite").joinpath("archives.yaml")
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER) or {}
    return frozenset(str(p).casefold() for p in data.get("places", []))


def archive_by_alias(name: str) -> Archive | None:
    """The archive a name or code stands for ('Bundesarchiv-Militärarchiv' -> BArch-MA), or None."""
    _, lookup = _matcher()
    name = name.strip()
    hit = lookup.get(match_view(name).casefold()) or lookup.get(match_view(_strip_accents(name)).casefold())
    if hit is None and (q := _QUALIFIER_TAIL.search(name)) is not None and q.start():
        return archive_by_alias(name[: q.start()])  # 'ЦАМО РФ' is ЦАМО
    return hit[0] if hit else None


def archive_by_code(code: str) -> Archive | None:
    for a in load_archives():
        if a.code == code:
            return a
    return None


# ---- archives not in the table, recognised by shape when a fond reference follows ------------------------
# 'ГАНО. Ф. П-3. Оп. 2. Д. 700.' · 'ЦГАИПД СПб. Ф. 24.' · 'DAKhO, f. R-845, op. 2, spr. 20' ·
# 'Государственный архив Новосибирской области (ГАНО). Ф. П-3.' · 'Державний архів Харківської області, ф. 1'
_CYR_ACR = r"[А-ЯЁІЇЄҐ]{2,9}(?:\s[А-ЯЁІЇЄҐ][А-ЯЁа-яёіїєґ]{0,3})?"
_LAT_ACR = r"(?:[A-Z]|Ts|Kh|Zh|Ch|Sh|Iu|Ia|Ie|Yu|Ya){2,10}(?:\s(?:SPb|[A-Z]{1,3}))?"
# 'archive' in the languages of the archives cited ('Lietuvos ypatingasis archyvas', 'Archiv bezpečnostních složek')
_ARCHIVE_WORD = (r"[^\W\d_]{0,24}?"  # a compound: 'Staatsarchiv', 'Landesarchiv'
                 r"(?:[Аа]рхив|[Аа]рхів|[Aa]rkhiv|[Aa]rchiv(?:e|es|io|o|um)?|[Aa]rchiwum|[Aa]rchyvas|[Aa]rh[iī]v"
                 r"(?:a|ele|s)?|[Aa]rquivo|[Aa]rchief|[Aa]rkiv|[Ll]ev[ée]lt[áa]r)(?!\w)")
_FULL = (rf"(?:[А-ЯЁІЇЄҐA-Z][\w'-]{{0,30}}\s){{0,3}}{_ARCHIVE_WORD}"
         r"(?:\s[\w'.-]{1,30}){0,10}?")
# '(ГАПК)', '(dalej: LYA)', '(hereafter RGAE)': the acronym a note gives for a name
_HEREAFTER = r"(?:(?:dalej|hereafter|далее|dále\s+jen|weiter|henceforth|toliau)\s{0,2}[:-]?\s{0,2})?"
UNLISTED_FOND_ARCHIVE = re.compile(
    rf"(?P<name>{_FULL}|{_CYR_ACR}|{_LAT_ACR})(?:\s{{0,2}}\({_HEREAFTER}(?P<acr>{_CYR_ACR}|{_LAT_ACR})\))?"
    r"(?![\w-])[.,]?\s{0,3}(?:-\s{0,3})?(?=(?i:(?:f|ф|fond|фонд)\.\s{0,3}(?:[A-ZА-ЯЁ]{1,2}\s?-\s?)?\d))"
)
_UA_HINT = re.compile(r"^(?:Ц?ДА|(?:Ts)?DA)|[іїєґІЇЄҐ]|архів|Ukrain|derzhavn", re.IGNORECASE)


@dataclass(frozen=True)
class UnlistedArchive:
    code: str  # the acronym as written ('ГАНО'), else the name as written; a table archive's code if listed
    country: str
    start: int
    end: int


def unlisted_fond_archive(view: str, i: int) -> UnlistedArchive | None:
    """An archive name at ``view[i]`` that the table does not list, followed by a fond reference."""
    m = UNLISTED_FOND_ARCHIVE.match(view, i, min(len(view), i + 260))
    if m is None:
        return None
    name = " ".join((m.group("acr") or m.group("name")).split()).rstrip(".")
    listed = archive_by_alias(name)
    if listed is not None:
        return UnlistedArchive(listed.code, listed.country, m.start(), m.end())
    country = "UA" if _UA_HINT.search(m.group("name")) else ("RU" if not name.isascii() or "arkhiv" in name
                                                             or name[:1] in "GT" else "")
    return UnlistedArchive(name, country, m.start(), m.end())


# any other archive named in full with its acronym: 'Arhivele Naționale (ANIC), fond …', 'Státní oblastní archiv
# v Praze (SOAP), …' — read as an archive when signature, folio, box … parts follow (see parse._try_archival)
UNLISTED_NAMED_ARCHIVE = re.compile(
    rf"(?P<name>(?:[^\W\d_][\w'.-]{{0,30}}\s){{0,6}}?{_ARCHIVE_WORD}(?:\s[\w'.-]{{1,30}}){{0,8}}?)"
    rf"\s{{0,2}}\({_HEREAFTER}(?P<acr>[^\W\d_][^\W_]{{1,9}}(?:[\s-][A-Z]{{1,4}})?)\)(?=\s{{0,2}}[,.])"
)


_ARCHIVE_STEM = re.compile(r"[Aa]r(?:ch|kh|h[iī]v|quiv|kiv)|[Ll]ev[ée]lt|[Аа]рх[иі]")


def unlisted_named_archive(view: str, i: int) -> tuple[Archive, int] | None:
    """'Name of an archive (ACR)' at ``view[i]``: (the archive, the offset after '(ACR)'); a table row when the
    acronym is listed, else an archive whose code is the acronym."""
    if i >= len(view) or not view[i].isupper():
        return None
    paren = view.find("(", i, i + 300)  # cheap checks first: an '(' follows, and a word for 'archive' before it
    if paren < 0 or _ARCHIVE_STEM.search(view, i, paren) is None:
        return None
    m = UNLISTED_NAMED_ARCHIVE.match(view, i, min(len(view), i + 400))
    if m is None:
        return None
    acr = m.group("acr")
    if sum(c.isupper() for c in acr) < 2:
        return None
    listed = archive_by_alias(acr)
    if listed is None:
        listed = Archive(acr, " ".join(m.group("name").split()), "", "signature", (acr,))
    return listed, m.end()
