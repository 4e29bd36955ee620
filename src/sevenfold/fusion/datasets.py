"""Loaders for the standard truth-discovery datasets (Book, Flight, Population), as claims and gold tables.

Each loader returns ``(claims, gold, normalizer)``: Arrow tables with the columns of ``sevenfold fuse``
and the value normaliser that both fusion and scoring use. ``raw_*`` return the claims and gold with the
values as written, and :data:`NORMALIZE` the ``sevenfold fuse --normalize`` options that key them as the
loaders do; the normalisers themselves are in :mod:`sevenfold.fusion.normalize`, shared with the CLI:

* **Book** (Dong, Berti-Equille, Srivastava, VLDB 2009): one item per ISBN, attribute ``authors``.
  Author lists compare as *sets of name words*: HTML entities decoded (also when escaped twice),
  UTF-8 read as Latin-1 repaired, names romanised and folded to ASCII (Stützle = Stutzle), parenthesised notes
  ("(Editor)") and role words dropped, lower-cased, words of one letter (initials) dropped, order and
  punctuation ignored. "Not Available" and empty cells are no claim.
* **Flight** (Li, Dong, Lyons, Meng, Srivastava, PVLDB 2012): one item per (day, flight, attribute)
  for the six attributes. Each source writes times its own way ("2:07 PMDec 01", "1:55pDec 1",
  "Thu., Dec.01, 2011 1:55 p.m.", "12/1/11 2:06 PM (-05:00)", "2011-12-01 13:52", …); every time is
  reduced to the first ``h:mm`` with its am/pm marker, as 24-hour ``HH:MM``, ignoring date and time
  zone (the day is part of the item). Gates are trimmed and upper-cased, a leading "Gate" dropped
  (on these files that groups the gates exactly as ``--normalize gate=text`` does: no source writes the
  word "Gate", so the command line needs no gate-specific normaliser).
* **Population** (Pasternack & Roth, COLING 2010): items ``(city, PopulationYYYY)``, values compared
  as numbers (thousands separators ignored).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from sevenfold.errors import InputError
from sevenfold.fusion.normalize import (
    ValueNormalizer,
    author_key,
    identity_key,
    parse_normalizer,
    repair_text,
    text_key,
    time_key_arrow,
)

FLIGHT_ATTRIBUTES = ("sched_dep", "actual_dep", "dep_gate", "sched_arr", "actual_arr", "arr_gate")

#: ``sevenfold fuse --normalize`` values that key each dataset's raw values as its loader does
#: (docs/fusion.md, *Accuracy on real data from the command line*); the loaders use the same normalisers
NORMALIZE: dict[str, tuple[str, ...]] = {
    "book": ("authors",),
    "flight": ("time", "dep_gate=text", "arr_gate=text"),
    "population": ("number",),
}


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
def raw_book(root: str | Path) -> tuple[pa.Table, pa.Table]:
    """Book claims and gold as written in the files (``source, object, attribute, value``; ``object,
    attribute, value``), one attribute ``authors``."""
    root = Path(root)
    t = _read_tsv(root / "book.txt", ["source", "isbn", "title", "authors"])
    claims = pa.table({"source": t["source"], "object": t["isbn"],
                       "attribute": pa.array(np.full(t.num_rows, "authors")), "value": t["authors"]})
    g = _read_tsv(root / "book_golden.txt", ["isbn", "authors"])
    gold = pa.table({"object": g["isbn"], "attribute": pa.array(np.full(g.num_rows, "authors")),
                     "value": g["authors"]})
    return claims, gold


def load_book(root: str | Path) -> tuple[pa.Table, pa.Table, ValueNormalizer]:
    claims, gold = raw_book(root)
    return claims, gold, parse_normalizer(NORMALIZE["book"])


# ------------------------------------------------------------------------------------------ flight
def flight_time_key(arr: pa.Array) -> pa.Array:
    """Vectorised: any source's time text → ``HH:MM`` (24 h), or null when there is no time
    (:func:`sevenfold.fusion.normalize.time_key`)."""
    keys = time_key_arrow(arr)
    return pc.if_else(pc.equal(keys, ""), pa.scalar(None, pa.string()), keys)


def flight_gate_key(arr: pa.Array) -> pa.Array:
    a = pc.utf8_upper(pc.utf8_trim_whitespace(arr))
    a = pc.replace_substring_regex(a, r"^GATE\s*", "")
    return pc.if_else(pc.equal(a, ""), pa.scalar(None, pa.string()), a)


def _flight_long(t: pa.Table, day: str, with_source: bool, raw: bool = False) -> list[pa.Table]:
    """Wide rows (one column per attribute) → long rows, attribute by attribute, in file order. ``raw``:
    the cells as written, empty ones left out; otherwise keyed (times ``HH:MM``, gates upper-cased) and
    cells without a key left out."""
    out = []
    for attr in FLIGHT_ATTRIBUTES:
        col = t[attr].combine_chunks()
        if raw:
            key = pc.if_else(pc.equal(pc.utf8_trim_whitespace(col), ""), pa.scalar(None, pa.string()), col)
        else:
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


def raw_flight(root: str | Path, days: int | None = None) -> tuple[pa.Table, pa.Table]:
    """Flight claims and gold in long form with the cells as written (empty cells left out): object
    ``DAY/FLIGHT``, one attribute per column of the files. ``sevenfold fuse --normalize time`` keys the
    times as :func:`load_flight` does."""
    return _load_flight(root, days, raw=True)


def load_flight(root: str | Path, days: int | None = None) -> tuple[pa.Table, pa.Table, ValueNormalizer]:
    claims, gold = _load_flight(root, days, raw=False)
    return claims, gold, ValueNormalizer(default=identity_key)


def _load_flight(root: str | Path, days: int | None, raw: bool) -> tuple[pa.Table, pa.Table]:
    root = Path(root)
    files = sorted((root / "claims").glob("*.txt"))[:days]
    if not files:
        raise InputError(f"{root / 'claims'}: no claim files")
    claims, gold = [], []
    for f in files:
        day = f.stem
        # a few scraped pages are not UTF-8; times and gates are ASCII, so Latin-1 reads every byte safely
        claims += _flight_long(_read_tsv(f, ["source", "flight", *FLIGHT_ATTRIBUTES], "latin1"), day, True, raw)
        gf = root / "gold" / f.name
        if gf.exists():
            gold += _flight_long(_read_tsv(gf, ["flight", *FLIGHT_ATTRIBUTES], "latin1"), day, False, raw)
    return pa.concat_tables(claims), pa.concat_tables(gold)


# ------------------------------------------------------------------------------------------ population
def raw_population(root: str | Path) -> tuple[pa.Table, pa.Table]:
    """Population claims and gold with the columns renamed (``source, object, attribute, value``)."""
    root = Path(root)
    for name in ("population_claims.csv", "population_truth.csv"):
        if not (root / name).exists():
            raise InputError(f"{root / name}: no such file (see /work/shared/data/README.md)")
    opts = pacsv.ConvertOptions(strings_can_be_null=False, column_types={
        c: pa.string() for c in ("ObjectID", "PropertyID", "PropertyValue", "SourceID", "TimeStamp")})
    t = pacsv.read_csv(root / "population_claims.csv", convert_options=opts)
    claims = pa.table({"source": t["SourceID"], "object": t["ObjectID"], "attribute": t["PropertyID"],
                       "value": t["PropertyValue"]})
    g = pacsv.read_csv(root / "population_truth.csv", convert_options=opts)
    gold = pa.table({"object": g["ObjectID"], "attribute": g["PropertyID"], "value": g["PropertyValue"]})
    return claims, gold


def load_population(root: str | Path) -> tuple[pa.Table, pa.Table, ValueNormalizer]:
    claims, gold = raw_population(root)
    return claims, gold, parse_normalizer(NORMALIZE["population"])


LOADERS = {"book": load_book, "flight": load_flight, "population": load_population}
RAW_LOADERS = {"book": raw_book, "flight": raw_flight, "population": raw_population}
__all__ = ["LOADERS", "NORMALIZE", "RAW_LOADERS", "author_key", "flight_gate_key", "flight_time_key", "load_book",
           "load_flight", "load_population", "raw_book", "raw_flight", "raw_population", "repair_text", "text_key"]
