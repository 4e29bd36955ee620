"""JSON text of stored values, exactly as the stdlib ``json`` module writes and reads it, but fast.

The store keeps every claim value and entry body as JSON text. A 100,000-report case has 700,000
such values; one ``json.dumps`` / ``json.loads`` call per value spent more time in call set-up than
in the work. Scalars, which most claim values are, take a direct path with the identical result;
everything else goes to the stdlib encoder and decoder. ``tests/store/test_jsontext.py`` checks the
fast paths against ``json`` on generated values.
"""

from __future__ import annotations

import json
import math
from json.encoder import encode_basestring_ascii
from typing import Any

_ENCODER = json.JSONEncoder()  # json.dumps(v) with its defaults, without the per-call set-up
_encode = _ENCODER.encode
_decode = json.JSONDecoder().decode
_CONST = {"true": True, "false": False, "null": None}


def dumps(value: Any) -> str:
    """``json.dumps(value)`` (``None`` → ``"null"``)."""
    t = type(value)
    if t is str:
        return encode_basestring_ascii(value)
    if t is bool:
        return "true" if value else "false"
    if t is int:
        return int.__repr__(value)
    if value is None:
        return "null"
    if t is float and math.isfinite(value):
        return float.__repr__(value)
    return _encode(value)


def loads(text: str) -> Any:
    """``json.loads(text)`` for JSON text written by :func:`dumps` (or any other JSON writer)."""
    c = text[:1]
    if c == '"':
        # a string without escapes is its own content (ensure_ascii escapes every non-ASCII char)
        # (and no control character, which json.loads refuses)
        body = text[1:-1]
        if (len(text) >= 2 and text[-1] == '"' and "\\" not in body and '"' not in body
                and body.isascii() and body.isprintable()):
            return body
    elif c in "tfn":
        v = _CONST.get(text, _CONST)
        if v is not _CONST:
            return v
    elif text.isascii() and text.isdigit() and (len(text) == 1 or c != "0"):
        return int(text)
    return _decode(text)
