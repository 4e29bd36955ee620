"""Limits on hostile or oversized input, configurable through the environment.

Each limit has a documented default (docs/reliability.md) and an override
``SEVENFOLD_LIMIT_<NAME>`` (e.g. ``SEVENFOLD_LIMIT_FILE_BYTES=1000000000``). Input over a limit is
refused with :class:`sevenfold.errors.LimitExceeded`, naming the limit, before it costs memory.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Limits:
    file_bytes: int = 512 * 1024 * 1024  # a case file or claims table on disk
    upload_bytes: int = 64 * 1024 * 1024  # a file uploaded through the workbench
    text_chars: int = 1_000_000  # one text field (report text, note, citation)
    entries: int = 2_000_000  # entries of one kind in one case
    yaml_aliases: int = 10_000  # YAML alias nodes in one file
    yaml_expanded_nodes: int = 5_000_000  # nodes that YAML aliases add once expanded (billion laughs)
    yaml_expanded_chars: int = 10_000_000  # characters of text that YAML aliases add once expanded
    nesting_depth: int = 64  # nesting of lists/maps in a case file
    csv_columns: int = 1_000  # columns of a claims table
    decompressed_bytes: int = 256 * 1024 * 1024  # decompressed size of a compressed upload
    decompressed_ratio: int = 100  # decompressed size / compressed size of an upload (above 1 MiB out)

    @classmethod
    def from_env(cls) -> Limits:
        values = {}
        for f in fields(cls):
            raw = os.environ.get(f"SEVENFOLD_LIMIT_{f.name.upper()}")
            if raw:
                try:
                    values[f.name] = int(raw)
                except ValueError:
                    from sevenfold.errors import InputError

                    raise InputError(f"SEVENFOLD_LIMIT_{f.name.upper()}={raw!r} is not an integer") from None
        return cls(**values)


def current() -> Limits:
    """The limits in force now (environment read on each call, so tests can change it)."""
    return Limits.from_env()
