"""Small shared helpers of the interop formats: JSON input with limits, id slugs (atomic writes: fileio)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from sevenfold import safe_json
from sevenfold.errors import InputError
from sevenfold.fileio import write_atomic as write_atomic  # re-exported for the format modules
from sevenfold.model import read_text


def read_json_file(path: str | os.PathLike[str], what: str) -> Any:
    """Parse a JSON file with the size and nesting limits applied; errors name the file and position."""
    text = read_text(Path(path))
    try:
        data = safe_json.loads(text, str(path))  # LimitExceeded past the nesting_depth limit
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not valid JSON ({what}): line {exc.lineno}, column {exc.colno}: "
                         f"{exc.msg}") from None
    except ValueError:  # an integer longer than Python converts (sys.get_int_max_str_digits)
        from sevenfold.model.io import _long_number

        raise InputError(f"{path}: not valid JSON ({what}): {_long_number(text)}") from None
    return data


_SLUG_RE = re.compile(r"[^a-z0-9]+")


def slug(text: str, fallback: str, max_len: int = 60) -> str:
    s = _SLUG_RE.sub("-", text.lower()).strip("-")[:max_len].strip("-")
    return s or fallback


def unique_id(base: str, taken: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3``… whichever is not taken yet (and mark it taken)."""
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    taken.add(candidate)
    return candidate


def require_extra(module: str, what: str, extra: str = "interop") -> Any:
    """Import an optional dependency (of the ``interop`` extra), or refuse with the install command."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise InputError(f"{what} needs the Python package {module!r}: "
                         f"pip install 'sevenfold[{extra}]'") from None
