"""Value normalisation hooks: decide which claimed values count as the same candidate.

A normaliser maps an array of raw value strings to an array of *keys*; two claims about one item
agree exactly when their keys are equal. Normalisers run on the distinct (attribute, value) pairs
of a claims table, never once per claim, so even Python-level ones stay cheap.

>>> norm = ValueNormalizer(default=text_key, per_attribute={"authors": set_key(";")})
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Context, Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sevenfold.errors import InputError

Normalizer = Callable[[np.ndarray], np.ndarray]
"""Takes an object array of ``str`` and returns an object array of ``str`` keys of the same length."""

_WS = re.compile(r"\s+")


def identity_key(values: np.ndarray) -> np.ndarray:
    """Values agree only when byte-identical."""
    return values


def _text(values: np.ndarray, *, lower: bool, spaces: bool) -> np.ndarray:
    arr = pa.array(values, type=pa.string())
    space = r"\s+"
    if not pc.all(pc.string_is_ascii(arr)).as_py():  # an ASCII column skips the Unicode passes
        arr = pc.utf8_normalize(arr, form="NFC")
        space = r"[\s\p{Z}]+"
    if lower:
        arr = pc.utf8_lower(arr)
    if spaces:
        arr = pc.replace_substring_regex(arr, pattern=space, replacement=" ")
        arr = pc.utf8_trim_whitespace(arr)
    return np.asarray(arr.to_numpy(zero_copy_only=False), dtype=object)


def text_key(values: np.ndarray) -> np.ndarray:
    """Lower-cased, trimmed, internal runs of whitespace collapsed to one space (vectorised by Arrow).

    Non-ASCII text is first put in Unicode NFC form, so a composed "é" and "e" + combining accent are one
    value, and any Unicode space (a no-break space, say) counts as whitespace. Lower-casing is Unicode
    lower case, not full case folding: "STRASSE" and "straße" stay two values.
    """
    return _text(values, lower=True, spaces=True)


def space_key(values: np.ndarray) -> np.ndarray:
    """Whitespace as :func:`text_key` treats it (trimmed, runs collapsed, NFC), case kept: "AB  c" = "AB c"."""
    return _text(values, lower=False, spaces=True)


def case_key(values: np.ndarray) -> np.ndarray:
    """Case as :func:`text_key` treats it (Unicode lower case, NFC), whitespace kept: "AB c" = "ab c"."""
    return _text(values, lower=True, spaces=False)


def numeric_key(tolerance: float = 0.0, *, relative: bool = False) -> Normalizer:
    """Numbers within ``tolerance`` share a key; non-numbers fall back to :func:`text_key`.

    Absolute tolerance buckets values at ``round(x / tolerance)``; ``relative=True`` buckets on
    ``log(|x|)`` with width ``log1p(tolerance)`` (e.g. 0.01 = within about 1 %). Bucketing is
    transitive, so two values just either side of a bucket edge stay distinct: document-level
    tolerance, not a pairwise similarity.
    """

    def _key(values: np.ndarray) -> np.ndarray:
        text = text_key(values)
        out = text.copy()
        for i, v in enumerate(text):  # distinct values only, not claims
            try:
                number = v.replace(",", "")
                x = float(number)
            except (ValueError, AttributeError):
                continue
            if not math.isfinite(x):
                continue
            if tolerance <= 0:
                # exact: 7, 7.0 and 7e0 agree, and two 20-digit integers that differ stay apart (as floats
                # they merged); normalize() rounds to the context's precision (28 digits by default), so
                # it is given every digit
                out[i] = f"#{Decimal(number).normalize(Context(prec=max(28, len(number))))}"
                continue
            if relative:
                b = 0.0 if x == 0 else math.copysign(round(math.log(abs(x)) / math.log1p(tolerance)), x)
            else:
                b = round(x / tolerance)
            out[i] = f"#{b!r}"
        return out

    return _key


def set_key(separator: str = ";", *, item: Normalizer | None = None) -> Normalizer:
    """List-valued attributes (e.g. author lists): compare as sets of normalised, non-empty elements."""
    element = item or text_key

    def _key(values: np.ndarray) -> np.ndarray:
        out = np.empty(len(values), dtype=object)
        for i, v in enumerate(values):  # distinct values only, not claims
            parts = [p for p in (v or "").split(separator)]
            keys = element(np.asarray(parts, dtype=object)) if parts else np.asarray([], dtype=object)
            out[i] = separator.join(sorted({k for k in keys if k}))
        return out

    return _key


# ------------------------------------------------------------------------------------------ clock times
_CLOCK = pa.array([f"{h:02d}:{m:02d}" for h in range(24) for m in range(60)] + [""], pa.string())
_TIME = r"(?P<h>\d{1,2}):(?P<m>\d{2})(?:\s*(?P<ap>[aApP])\.?\s*[mM]?\.?)?"


def clock_minutes(arr: pa.Array) -> np.ndarray:
    """Minute of the day (0..1439) of the first ``h:mm`` in each text, with its am/pm marker; 1440 where
    there is no valid time."""
    parts = pc.extract_regex(arr, _TIME)
    ok = pc.fill_null(pc.is_valid(parts), False).to_numpy(zero_copy_only=False)
    hh = pc.fill_null(pc.cast(pc.struct_field(parts, "h"), pa.int64()), 0).to_numpy(zero_copy_only=False)
    mm = pc.fill_null(pc.cast(pc.struct_field(parts, "m"), pa.int64()), 0).to_numpy(zero_copy_only=False)
    ap = pc.fill_null(pc.utf8_lower(pc.struct_field(parts, "ap")), "")
    pm = pc.equal(ap, "p").to_numpy(zero_copy_only=False)
    am = pc.equal(ap, "a").to_numpy(zero_copy_only=False)
    hh = np.where(pm & (hh < 12), hh + 12, np.where(am & (hh == 12), 0, hh))
    return np.where(ok & (hh < 24) & (mm < 60), hh * 60 + mm, 24 * 60)


def time_key_arrow(arr: pa.Array) -> pa.Array:
    """:func:`time_key` on an Arrow string array (``""`` where there is no time)."""
    minute = clock_minutes(arr)
    return pa.DictionaryArray.from_arrays(pa.array(minute, pa.int32()), _CLOCK).cast(pa.string())


def time_key(values: np.ndarray) -> np.ndarray:
    """A clock time written any way → ``HH:MM`` (24 h); ``""`` (no claim) when the text holds no time.

    The first ``h:mm`` counts, with an am/pm marker right after it ("2:07 PMDec 01", "1:55p",
    "Thu., Dec.01, 2011 1:55 p.m.", "12/1/11 2:06 PM (-05:00)", "2011-12-01 13:52"); the date and the
    time zone around it are ignored, so use it where the day is part of the item.
    """
    keys = time_key_arrow(pa.array(values, type=pa.string()))
    return np.asarray(keys.to_numpy(zero_copy_only=False), dtype=object)


# ------------------------------------------------------------------------------------------ author lists
_ROLE_WORDS = frozenset({
    "and", "by", "editor", "editors", "edited", "ed", "eds", "phd", "jr", "sr", "et", "al", "author", "authors",
    "illustrator", "translator", "foreword", "introduction", "with", "mr", "dr", "prof", "not", "available",
    "contributor", "contributors", "compiled", "compiler"})
_WORD = re.compile(r"[a-z][a-z'\-]+")
_PAREN = re.compile(r"\([^)]*\)")
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
    import html

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
    """An author list → the sorted set of its name words, whatever the order, separators and punctuation.

    HTML entities are decoded (also when escaped twice) and UTF-8 read as Latin-1 repaired
    (:func:`repair_text`); names are romanised and folded to ASCII (Stützle = Stutzle, before the word
    split, so it stays one word); parenthesised notes ("(Editor)") and role words ("edited by", "and",
    "Not Available") are dropped; words of one letter (initials) are dropped. A list with no name word
    left has the empty key (no claim).
    """
    from anyascii import anyascii

    from sevenfold.names.romanise import romanise

    out = np.empty(len(values), dtype=object)
    for i, v in enumerate(values):  # distinct values only
        text = _PAREN.sub(" ", anyascii(romanise(repair_text(v or ""))).lower())
        words = {w.strip("'-") for w in _WORD.findall(text)}
        out[i] = " ".join(sorted(w for w in words if len(w) > 1 and w not in _ROLE_WORDS))
    return out


# ------------------------------------------------------------------------------------------ quantities
#: unit spelling → (canonical unit, factor to it). Units of one dimension share a canonical unit, so
#: "1.5 km" = "1500 m"; a unit not listed is kept as written (lower-cased), so "12 widgets" = "12 Widgets".
_UNITS: dict[str, tuple[str, float]] = {}


def _add_units(canonical: str, spellings: dict[str, float]) -> None:
    for name, factor in spellings.items():
        _UNITS[name] = (canonical, factor)


_add_units("m", {"m": 1, "metre": 1, "metres": 1, "meter": 1, "meters": 1, "km": 1e3, "kilometre": 1e3,
                 "kilometres": 1e3, "kilometer": 1e3, "kilometers": 1e3, "cm": 0.01, "mm": 1e-3,
                 "mi": 1609.344, "mile": 1609.344, "miles": 1609.344, "ft": 0.3048, "feet": 0.3048, "foot": 0.3048,
                 "in": 0.0254, "inch": 0.0254, "inches": 0.0254, "yd": 0.9144, "yard": 0.9144, "yards": 0.9144,
                 "nmi": 1852, "nm": 1852})
_add_units("g", {"g": 1, "gram": 1, "grams": 1, "kg": 1e3, "kilogram": 1e3, "kilograms": 1e3, "mg": 1e-3,
                 "t": 1e6, "tonne": 1e6, "tonnes": 1e6, "lb": 453.59237, "lbs": 453.59237,
                 "pound": 453.59237, "pounds": 453.59237, "oz": 28.349523125})
_add_units("s", {"s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1, "min": 60, "mins": 60, "minute": 60,
                 "minutes": 60, "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600,
                 "day": 86400, "days": 86400})
_add_units("m2", {"m2": 1, "sq m": 1, "km2": 1e6, "sq km": 1e6, "ha": 1e4, "hectare": 1e4, "hectares": 1e4,
                  "sq mi": 2589988.110336, "acre": 4046.8564224, "acres": 4046.8564224})
_add_units("l", {"l": 1, "litre": 1, "litres": 1, "liter": 1, "liters": 1, "ml": 1e-3})
_add_units("b", {"b": 1, "byte": 1, "bytes": 1, "kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
                 "kib": 1024, "mib": 1024**2, "gib": 1024**3})
_add_units("%", {"%": 1, "percent": 1, "per cent": 1})
#: words and suffixes that scale a number ("1.2 million", "3k", "4 bn")
_MAGNITUDE = {"thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "mio": 1e6, "billion": 1e9, "bn": 1e9,
              "trillion": 1e12}
_QUANTITY = re.compile(r"^\s*(?P<sign>[-+−])?\s*(?P<num>(?:\d{1,3}(?:[,\u202f\u00a0 ]\d{3})+|\d+)(?:\.\d+)?"
                       r"(?:e[-+]?\d+)?|\.\d+)\s*(?P<unit>[^\d]*?)\s*\.?\s*$", re.IGNORECASE)


def parse_quantity(text: str) -> tuple[float, str] | None:
    """``"1,200 km"`` → ``(1200000.0, "m")``; ``"3.5 million"`` → ``(3500000.0, "")``; None when the text is not
    one number with an optional magnitude word and unit. Thousands separators (comma, thin or no-break
    space) are ignored; a decimal comma is not read."""
    m = _QUANTITY.match(text)
    if m is None:
        return None
    x = float(re.sub(r"[,\u202f\u00a0 ]", "", m.group("num")))
    if m.group("sign") in ("-", "−"):
        x = -x
    unit = _WS.sub(" ", m.group("unit").strip().lower())
    first, _, rest = unit.partition(" ")
    if first in _MAGNITUDE:
        x *= _MAGNITUDE[first]
        unit = rest
    if unit in _UNITS:
        canonical, factor = _UNITS[unit]
        return x * factor, canonical
    return x, unit


def quantity_key(tolerance: float = 0.0, *, relative: bool = False) -> Normalizer:
    """Numbers with units: ``"1.5 km"`` = ``"1,500 m"`` = ``"1500 metres"``; ``"2 million"`` = ``"2,000,000"``.

    A value is one number, an optional magnitude word (thousand, million, billion, k, bn) and an optional
    unit. Units of length, mass, time, area, volume and data size are converted to one unit per dimension;
    other units are compared as written (lower-cased). Numbers are then keyed as :func:`numeric_key`
    keys them (``tolerance``, ``relative``); values that are not quantities fall back to :func:`text_key`.
    """
    number = numeric_key(tolerance, relative=relative)

    def _key(values: np.ndarray) -> np.ndarray:
        out = text_key(values)
        parsed = [parse_quantity(v) if isinstance(v, str) else None for v in values]
        idx = [i for i, q in enumerate(parsed) if q is not None and math.isfinite(q[0])]
        if idx:
            # 12 significant digits: a unit conversion's float noise (0.3 km → 300.00000000000006 m) goes
            nums = number(np.asarray([f"{parsed[i][0]:.12g}" for i in idx], dtype=object))  # type: ignore[index]
            for j, i in enumerate(idx):
                unit = parsed[i][1]  # type: ignore[index]
                out[i] = f"{nums[j]} {unit}" if unit else str(nums[j])
        return out

    return _key


# ------------------------------------------------------------------------------------------ option specs
NORMALIZER_KINDS = {
    "text": "lower case, trimmed, runs of whitespace as one space (the default)",
    "exact": "byte for byte",
    "case": "lower case only (whitespace kept)",
    "space": "trimmed, runs of whitespace as one space (case kept)",
    "number[:TOL]": "numbers as numbers (7 = 7.0); with TOL, those that round to the same multiple of TOL",
    "quantity[:TOL]": "numbers with units and magnitude words (1.5 km = 1500 m, 2 million = 2,000,000)",
    "time": "a clock time written any way → HH:MM (24 h); the date and time zone around it are ignored",
    "list[:SEP]": "a list (separator SEP, default ';') compared as a set of text elements",
    "authors": "an author list compared as the set of its name words (order, initials, roles ignored)",
}


def _tolerance(kind: str, arg: str, spec: str) -> float:
    if not arg:
        return 0.0
    try:
        tol = float(arg)
    except ValueError:
        tol = math.nan
    if not (math.isfinite(tol) and tol >= 0):
        raise InputError(f"--normalize {spec!r}: the tolerance of {kind} must be a finite number ≥ 0, "
                         f"not {arg!r}")
    return tol


def normalizer_for(kind_spec: str, *, spec: str | None = None) -> Normalizer:
    """One option value's kind (``"number:0.5"``, ``"list:|"``, ``"time"``) → its normaliser."""
    spec = kind_spec if spec is None else spec
    kind, _, arg = kind_spec.strip().partition(":")
    kind = kind.strip().lower()
    if kind in ("text", "exact", "case", "space", "time", "authors") and arg:
        raise InputError(f"--normalize {spec!r}: {kind} takes no argument")
    if kind == "text":
        return text_key
    if kind == "exact":
        return identity_key
    if kind == "case":
        return case_key
    if kind == "space":
        return space_key
    if kind == "time":
        return time_key
    if kind == "authors":
        return author_key
    if kind == "number":
        return numeric_key(_tolerance(kind, arg, spec))
    if kind == "quantity":
        return quantity_key(_tolerance(kind, arg, spec))
    if kind == "list":
        return set_key(arg or ";")
    raise InputError(f"--normalize {spec!r}: unknown kind {kind!r}; choose one of: "
                     + ", ".join(NORMALIZER_KINDS) + " (as KIND for every attribute or ATTRIBUTE=KIND)")


def parse_normalizer(specs: Sequence[str] | None, *, default: Normalizer = text_key) -> ValueNormalizer:
    """``--normalize`` option values → a :class:`ValueNormalizer`.

    Each spec is ``KIND`` (every attribute without its own) or ``ATTRIBUTE=KIND`` (that attribute), with
    KIND one of :data:`NORMALIZER_KINDS`, e.g. ``["time", "dep_gate=text", "authors=list:;"]``. A later
    spec for the same attribute replaces an earlier one.
    """
    norm = ValueNormalizer(default=default, per_attribute={})
    per: dict[str, Normalizer] = {}
    for spec in specs or ():
        if not spec.strip():
            raise InputError("--normalize: empty value; expected KIND or ATTRIBUTE=KIND")
        attr, eq, kind = spec.partition("=")
        if eq:
            if not attr.strip():
                raise InputError(f"--normalize {spec!r}: no attribute before '='")
            per[attr.strip()] = normalizer_for(kind, spec=spec)
        else:
            norm.default = normalizer_for(spec)
    norm.per_attribute = per
    return norm


@dataclass
class ValueNormalizer:
    """Per-attribute choice of normaliser, with a default for the rest."""

    default: Normalizer = text_key
    per_attribute: Mapping[str, Normalizer] = field(default_factory=dict)

    def for_attribute(self, attribute: str) -> Normalizer:
        return self.per_attribute.get(attribute, self.default)


def resolve_normalizer(spec: ValueNormalizer | Normalizer | None) -> ValueNormalizer:
    if spec is None:
        return ValueNormalizer(default=text_key)
    if isinstance(spec, ValueNormalizer):
        return spec
    return ValueNormalizer(default=spec)


def attribute_keys(norm: ValueNormalizer, attributes: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Keys of ``values`` under ``norm``, each by its attribute's normaliser (one call per attribute name)."""
    attributes = np.asarray(attributes, dtype=object)
    out = np.empty(len(values), dtype=object)
    for attr in np.unique(attributes) if len(attributes) else ():
        sel = attributes == attr
        out[sel] = norm.for_attribute(str(attr))(np.asarray(values[sel], dtype=object))
    return out
