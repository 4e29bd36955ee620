"""Value normalisation hooks: decide which claimed values count as the same candidate.

A normaliser maps an array of raw value strings to an array of *keys*; two claims about one item
agree exactly when their keys are equal. Normalisers run on the distinct (attribute, value) pairs
of a claims table, never once per claim, so even Python-level ones stay cheap.

>>> norm = ValueNormalizer(default=text_key, per_attribute={"authors": set_key(";")})
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Context, Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

Normalizer = Callable[[np.ndarray], np.ndarray]
"""Takes an object array of ``str`` and returns an object array of ``str`` keys of the same length."""

_WS = re.compile(r"\s+")


def identity_key(values: np.ndarray) -> np.ndarray:
    """Values agree only when byte-identical."""
    return values


def text_key(values: np.ndarray) -> np.ndarray:
    """Lower-cased, trimmed, internal runs of whitespace collapsed to one space (vectorised by Arrow).

    Non-ASCII text is first put in Unicode NFC form, so a composed "é" and "e" + combining accent are one
    value, and any Unicode space (a no-break space, say) counts as whitespace. Lower-casing is Unicode
    lower case, not full case folding: "STRASSE" and "straße" stay two values.
    """
    arr = pa.array(values, type=pa.string())
    space = r"\s+"
    if not pc.all(pc.string_is_ascii(arr)).as_py():  # an ASCII column skips the Unicode passes
        arr = pc.utf8_normalize(arr, form="NFC")
        space = r"[\s\p{Z}]+"
    arr = pc.utf8_lower(arr)
    arr = pc.replace_substring_regex(arr, pattern=space, replacement=" ")
    arr = pc.utf8_trim_whitespace(arr)
    return np.asarray(arr.to_numpy(zero_copy_only=False), dtype=object)


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
