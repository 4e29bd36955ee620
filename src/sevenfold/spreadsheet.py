"""Formula-safe cells for CSV / TSV exports (the OWASP CSV-injection rule).

A spreadsheet program runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula
(``=HYPERLINK(...)``, ``@SUM(...)``, ``+1+1``), and a leading tab or carriage return can hide such a
start. Every CSV and TSV that sevenfold writes (``fuse --out``, ``fuse --sources-out``,
``names match --out``, ``export --format csv``) puts a ``'`` before such a text cell, which the
spreadsheet shows as text; ``--raw-cells`` turns it off.

Two refinements keep the data exact: a text cell that is a plain number (``-5``, ``+1.5e3``) is left
alone (it is no formula), and a cell that already starts with quotes before a formula character gets
one more, so :func:`restore_cell` undoes :func:`safe_cell` exactly (``import`` of an exported table
reads back what was exported). Only strings are touched; numeric columns are never changed.
"""

from __future__ import annotations

import re
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
#: the same three patterns serve Python's re, Arrow's RE2 and Spark's Java regex
RISKY_PATTERN = r"^'*[=+\-@\t\r]"
ESCAPED_PATTERN = r"^'+[=+\-@\t\r]"
_NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
PLAIN_NUMBER_PATTERN = rf"^{_NUMBER}\z"  # \z: the very end (``$`` also matches before a final newline)
_RISKY = re.compile(RISKY_PATTERN)
_ESCAPED = re.compile(ESCAPED_PATTERN)
_PLAIN_NUMBER = re.compile(_NUMBER)


def safe_cell(value: Any) -> Any:
    """``=1+1`` → ``'=1+1``; anything that is not a risky string is returned unchanged."""
    if isinstance(value, str) and _RISKY.match(value) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def restore_cell(value: Any) -> Any:
    """The inverse of :func:`safe_cell` (for reading back a table sevenfold wrote)."""
    if isinstance(value, str) and _ESCAPED.match(value):
        return value[1:]
    return value


def safe_row(row: list[Any]) -> list[Any]:
    return [safe_cell(v) for v in row]


def safe_table(table: Any) -> Any:
    """An Arrow table with :func:`safe_cell` applied to every string column (vectorised; a column with no
    risky cell is returned as is)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    cols = []
    for col in table.columns:
        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
            risky = pc.and_(pc.match_substring_regex(col, RISKY_PATTERN),
                            pc.invert(pc.match_substring_regex(col, PLAIN_NUMBER_PATTERN)))
            if pc.any(risky).as_py():
                col = pc.if_else(risky, pc.binary_join_element_wise("'", col, ""), col)
        cols.append(col)
    return pa.table(cols, names=table.column_names)


def safe_spark_frame(frame: Any) -> Any:
    """A Spark DataFrame with :func:`safe_cell` applied to every string column (the Spark backend's CSV)."""
    from pyspark.sql import functions as F

    cols = []
    for name, dtype in frame.dtypes:
        c = F.col(name)
        if dtype == "string":
            risky = c.rlike(RISKY_PATTERN) & ~c.rlike(PLAIN_NUMBER_PATTERN)
            c = F.when(risky, F.concat(F.lit("'"), c)).otherwise(c).alias(name)
        cols.append(c)
    return frame.select(*cols)


def restore_table(table: Any) -> Any:
    """:func:`restore_cell` on every string column of an Arrow table. Only cells that start with a quote
    are matched against the pattern, so a column without one costs one ``starts_with`` pass."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    cols = []
    for col in table.columns:
        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
            quoted = pc.fill_null(pc.starts_with(col, "'"), False)
            if pc.any(quoted).as_py():
                flat = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
                idx = np.flatnonzero(quoted.to_numpy(zero_copy_only=False))
                sub = flat.take(pa.array(idx))
                escaped = pc.match_substring_regex(sub, ESCAPED_PATTERN).to_numpy(zero_copy_only=False)
                if escaped.any():
                    mask = np.zeros(len(flat), dtype=bool)
                    mask[idx[escaped]] = True
                    fixed = pc.utf8_slice_codeunits(sub.filter(pa.array(escaped)), 1)
                    col = pc.replace_with_mask(flat, pa.array(mask), fixed)
        cols.append(col)
    return pa.table(cols, names=table.column_names)
