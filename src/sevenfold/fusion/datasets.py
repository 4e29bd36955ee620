"""Loaders for the standard truth-discovery datasets (Book, Flight, Population), as claims and gold tables.

Each loader returns ``(claims, gold, normalizer)``: Arrow tables with the columns of ``sevenfold fuse``
and the value normaliser that both fusion and scoring use. The normalisations are stated here once:

* **Book** (Dong, Berti-Equille, Srivastava, VLDB 2009): one item per ISBN, attribute ``authors``.
  Author lists compare as *sets of name words*: HTML entities decoded (also when escaped twice),
  UTF-8 read as Latin-1 repaired, names romanised and folded to ASCII (Stützle = Stutzle), parenthesised notes
  ("(Editor)") and role words dropped, lower-cased, words of one letter (initials) dropped, order and
  punctuation ignored. "Not Available" and empty cells are no claim.
* **Flight** (Li, Dong, Lyons, Meng, Srivastava, PVLDB 2012): one item per (day, flight, attribute)
  for the six attributes. Each source writes times its own way ("2:07 PMDec 01", "1:55pDec 1",
  "Thu., Dec.01, 2011 1:55 p.m.", "12/1/11 2:06 PM (-05:00)", "2011-12-01 13:52", …); every time is
  reduced to the first ``h:mm`` with its am/pm marker, as 24-hour ``HH:MM``, ignoring date and time
  zone (the day is part of the item). Gates are trimmed and upper-cased, a leading "Gate" dropped.
* **Population** (Pasternack & Roth, COLING 2010): items ``(city, PopulationYYYY)``, values compared
  as numbers (thousands separators ignored).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from anyascii import anyascii

from sevenfold.errors import InputError
from sevenfold.fusion.normalize import ValueNormalizer, identity_key, numeric_key, text_key
from sevenfold.names.romanise import romanise

FLIGHT_ATTRIBUTES = ("sched_dep", "actual_dep", "dep_gate", "sched_arr", "actual_arr", "arr_gate")
_ROLE_WORDS = {"and", "by", "editor", "editors", "edited", "ed", "eds", "phd", "jr", "sr", "et", "al",
               "author", "authors", "illustrator", "translator", "foreword", "introduction", "with", "mr",
               "dr", "prof", "not", "available", "contributor", "contributors", "compiled", "compiler"}
_WORD = re.compile(r"[a-z][a-z'\-]+")
_PAREN = re.compile(r"\([^)]*\)")
_CLOCK = pa.array([f"{h:02d}:{m:02d}" for h in range(24) for m in range(60)] + [None], pa.string())
_TIME = r"(?P<h>\d{1,2}):(?P<m>\d{2})(?:\s*(?P<ap>[aApP])\.?\s*[mM]?\.?)?"


def _read_tsv(path: Path, names: list[str], encoding: str = "utf8") -> pa.Table:
    if not path.exists():
        raise InputError(f"{path}: no such file (see /work/shared/data/README.md)")
    return pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(column_names=names, encoding=encoding),
        parse_options=pacsv.ParseOptions(delimiter="\t", quote_char=False, invalid_row_handler=lambda r: "skip"),
        convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                             strings_can_be_null=False),
    )


# ------------------------------------------------------------------------------------------ book
# UTF-8 read as Latin-1/Windows-1252 leaves a tell-tale pair: the lead byte of a two-byte sequence for
# Latin letters (0xC2, 0xC3, 0xC5 → Â, Ã, Å) followed by a continuation byte (0x80-0xBF), or "â€" (the
# start of ’ “ ” – …). Only text that shows it is repaired: "JOSÉ\xa0Smith" also decodes as UTF-8
# (to "JOSɠSmith"), but nothing in it says it was damaged.
_MOJIBAKE = re.compile("[ÂÃÅ][\x80-\xbf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u2013\u2014\u2018-\u201e"
                       "\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]|â€")
_C1 = re.compile("[\x80-\x9f]")


def repair_text(text: str) -> str:
    """Undo the two common ways scraped text is damaged: HTML entities, also escaped twice
    (``&amp;uuml;``), and UTF-8 bytes that were read as Latin-1 or Windows-1252 (``StÃ¼tzle``).
    The byte repair is tried only on text that shows the damage's signature, and kept only when it
    decodes cleanly; a C1 control character left over (``\x92``) is read as the Windows-1252
    character it stood for (``’``)."""
    text = html.unescape(html.unescape(text))
    if _MOJIBAKE.search(text):
        for codec in ("latin-1", "cp1252"):
            try:
                text = text.encode(codec).decode("utf-8")
                break
            except UnicodeError:
                continue
    if _C1.search(text):
        text = _C1.sub(lambda m: m.group().encode("latin-1").decode("cp1252", errors="replace"), text)
    return text


def author_key(values: np.ndarray) -> np.ndarray:
    """Author list → sorted set of name words (see module docstring)."""
    out = np.empty(len(values), dtype=object)
    for i, v in enumerate(values):  # distinct values only
        # romanised and folded to ASCII before the word split, so "Stützle" is one word, not st + tzle
        text = _PAREN.sub(" ", anyascii(romanise(repair_text(v or ""))).lower())
        words = {w.strip("'-") for w in _WORD.findall(text)}
        out[i] = " ".join(sorted(w for w in words if len(w) > 1 and w not in _ROLE_WORDS))
    return out


def load_book(root: str | Path) -> tuple[pa.Table, pa.Table, ValueNormalizer]:
    root = Path(root)
    t = _read_tsv(root / "book.txt", ["source", "isbn", "title", "authors"])
    claims = pa.table({"source": t["source"], "object": t["isbn"],
                       "attribute": pa.array(np.full(t.num_rows, "authors")), "value": t["authors"]})
    g = _read_tsv(root / "book_golden.txt", ["isbn", "authors"])
    gold = pa.table({"object": g["isbn"], "attribute": pa.array(np.full(g.num_rows, "authors")),
                     "value": g["authors"]})
    return claims, gold, ValueNormalizer(default=author_key)


# ------------------------------------------------------------------------------------------ flight
def flight_time_key(arr: pa.Array) -> pa.Array:
    """Vectorised: any source's time text → ``HH:MM`` (24 h), or null when there is no time."""
    parts = pc.extract_regex(arr, _TIME)
    ok = pc.fill_null(pc.is_valid(parts), False).to_numpy(zero_copy_only=False)
    hh = pc.fill_null(pc.cast(pc.struct_field(parts, "h"), pa.int64()), 0).to_numpy(zero_copy_only=False)
    mm = pc.fill_null(pc.cast(pc.struct_field(parts, "m"), pa.int64()), 0).to_numpy(zero_copy_only=False)
    ap = pc.fill_null(pc.utf8_lower(pc.struct_field(parts, "ap")), "")
    pm = pc.equal(ap, "p").to_numpy(zero_copy_only=False)
    am = pc.equal(ap, "a").to_numpy(zero_copy_only=False)
    hh = np.where(pm & (hh < 12), hh + 12, np.where(am & (hh == 12), 0, hh))
    minute = np.where(ok & (hh < 24) & (mm < 60), hh * 60 + mm, 24 * 60)
    return pa.DictionaryArray.from_arrays(pa.array(minute, pa.int32()), _CLOCK).cast(pa.string())


def flight_gate_key(arr: pa.Array) -> pa.Array:
    a = pc.utf8_upper(pc.utf8_trim_whitespace(arr))
    a = pc.replace_substring_regex(a, r"^GATE\s*", "")
    return pc.if_else(pc.equal(a, ""), pa.scalar(None, pa.string()), a)


def _flight_long(t: pa.Table, day: str, with_source: bool) -> list[pa.Table]:
    out = []
    for attr in FLIGHT_ATTRIBUTES:
        col = t[attr].combine_chunks()
        key = flight_gate_key(col) if attr.endswith("gate") else flight_time_key(col)
        keep = pc.is_valid(key)
        n = int(pc.sum(keep).as_py() or 0)
        cols = {"object": pc.binary_join_element_wise(pa.array(np.full(t.num_rows, day)), t["flight"].combine_chunks(),
                                                      "/").filter(keep),
                "attribute": pa.array(np.full(n, attr)), "value": key.filter(keep)}
        if with_source:
            cols = {"source": t["source"].combine_chunks().filter(keep), **cols}
        out.append(pa.table(cols))
    return out


def load_flight(root: str | Path, days: int | None = None) -> tuple[pa.Table, pa.Table, ValueNormalizer]:
    root = Path(root)
    files = sorted((root / "claims").glob("*.txt"))[:days]
    if not files:
        raise InputError(f"{root / 'claims'}: no claim files")
    claims, gold = [], []
    for f in files:
        day = f.stem
        # a few scraped pages are not UTF-8; times and gates are ASCII, so Latin-1 reads every byte safely
        claims += _flight_long(_read_tsv(f, ["source", "flight", *FLIGHT_ATTRIBUTES], "latin1"), day, True)
        gf = root / "gold" / f.name
        if gf.exists():
            gold += _flight_long(_read_tsv(gf, ["flight", *FLIGHT_ATTRIBUTES], "latin1"), day, False)
    return pa.concat_tables(claims), pa.concat_tables(gold), ValueNormalizer(default=identity_key)


# ------------------------------------------------------------------------------------------ population
def load_population(root: str | Path) -> tuple[pa.Table, pa.Table, ValueNormalizer]:
    root = Path(root)
    opts = pacsv.ConvertOptions(strings_can_be_null=False, column_types={
        c: pa.string() for c in ("ObjectID", "PropertyID", "PropertyValue", "SourceID", "TimeStamp")})
    t = pacsv.read_csv(root / "population_claims.csv", convert_options=opts)
    claims = pa.table({"source": t["SourceID"], "object": t["ObjectID"], "attribute": t["PropertyID"],
                       "value": t["PropertyValue"]})
    g = pacsv.read_csv(root / "population_truth.csv", convert_options=opts)
    gold = pa.table({"object": g["ObjectID"], "attribute": g["PropertyID"], "value": g["PropertyValue"]})
    return claims, gold, ValueNormalizer(default=numeric_key(0.0))


LOADERS = {"book": load_book, "flight": load_flight, "population": load_population}
__all__ = ["LOADERS", "author_key", "flight_gate_key", "flight_time_key", "load_book", "load_flight",
           "load_population", "text_key"]
