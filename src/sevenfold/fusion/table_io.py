"""Reading claims and gold tables (CSV / Parquet / JSON-lines) and writing truths, with Arrow.

Every failure becomes an :class:`~sevenfold.errors.InputError` naming the file, and where it can,
the row and the column.
"""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.json as pajson
import pyarrow.parquet as pq

from sevenfold import limits as _limits
from sevenfold import safe_json
from sevenfold.errors import InputError, LimitExceeded

CLAIM_COLUMNS = ("source", "object", "attribute", "value")
CSV_BLOCK_BYTES = 1 << 24  # Arrow parses a CSV in blocks of this size, several at a time
CSV_MISSING = ("", "NaN", "nan")  # the only CSV/TSV cells read as a missing value
COMPRESSED_SUFFIXES = (".gz", ".bz2", ".lz4", ".zst", ".br")  # Arrow decompresses these by name
OPTIONAL_CLAIM_COLUMNS = ("date", "report")
GOLD_COLUMNS = ("object", "attribute", "value")


def _format_of(path: Path) -> str:
    name = path.name.lower()
    for suffix in COMPRESSED_SUFFIXES:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    if name.endswith(".parquet") or name.endswith(".pq"):
        return "parquet"
    if name.endswith(".jsonl") or name.endswith(".ndjson") or name.endswith(".json"):
        return "jsonl"
    if name.endswith(".tsv") or name.endswith(".tab"):
        return "tsv"
    return "csv"


def read_table(path: str | os.PathLike[str], required: tuple[str, ...], optional: tuple[str, ...] = ()) -> pa.Table:
    """Read a table whose ``required`` columns must exist; all wanted columns come back as strings."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file")
    if p.is_dir():
        raise InputError(f"{p}: is a directory, expected a claims file")
    size = p.stat().st_size
    if size == 0:
        raise InputError(f"{p}: the file is empty (expected a header with columns {', '.join(required)})")
    limits = _limits.current()
    if size > limits.file_bytes:
        raise LimitExceeded("file_bytes", size, limits.file_bytes, str(p))
    fmt = _format_of(p)
    if fmt in ("csv", "tsv"):
        _check_header_width(p, "\t" if fmt == "tsv" else ",", limits.csv_columns)
    try:
        return _read_and_select(p, fmt, required, optional)
    except UnicodeDecodeError as exc:  # pyarrow decodes column names lazily (header / JSON keys)
        raise InputError(f"{p}: a column name is not valid UTF-8 (byte {exc.start}); re-encode the file "
                         "as UTF-8") from None


def _has_quotes(p: Path) -> bool:
    """Whether the file has a double quote anywhere (one memchr-speed scan). Without quotes no value
    can hold a line break, and Arrow can split the file at any newline and parse the pieces on all
    cores; with ``newlines_in_values`` it must find the record boundaries in one pass first.
    Compressed files are assumed to have quotes (they cannot be scanned without decompressing)."""
    if p.suffix.lower() in COMPRESSED_SUFFIXES:
        return True
    with p.open("rb") as fh:
        while chunk := fh.read(1 << 20):  # small reads: a quoted file usually answers in the first
            if b'"' in chunk:
                return True
    return False


def _may_hold_guarded_cells(p: Path) -> bool:
    """Whether the file may hold a cell that :func:`write_table`'s formula guard wrote (a quote before
    ``= + - @``, tab or CR); a memchr-speed scan, so files without one skip the per-cell pass."""
    if p.suffix.lower() in COMPRESSED_SUFFIXES:
        return True
    marks = (b"'=", b"'+", b"'-", b"'@", b"'\t", b"'\r")
    tail = b""
    with p.open("rb") as fh:
        while chunk := fh.read(1 << 22):
            block = tail + chunk
            if any(m in block for m in marks):
                return True
            tail = block[-1:]
    return False


def _check_header_width(p: Path, delim: str, max_columns: int) -> None:
    """Refuse a CSV whose header has more columns than the limit, before Arrow allocates them."""
    with p.open("rb") as fh:
        head = fh.read(1 << 20)
    first = head.split(b"\n", 1)[0]
    n = first.count(delim.encode()) + 1
    if n > max_columns:
        raise LimitExceeded("csv_columns", n if b"\n" in head else f"more than {n}", max_columns, str(p))


def _is_utf8_error(message: str) -> bool:
    """Whether an Arrow error message is about text that is not UTF-8 (Arrow words it several ways)."""
    low = message.lower()
    return "utf8" in low or "utf-8" in low


def _read_jsonl(p: Path, wanted: tuple[str, ...]) -> pa.Table:
    """JSON-lines with Arrow; the exact text of every value where Arrow cannot keep it.

    Arrow types each column from the data, so a column mixing 7 and "7" is refused, an integer beyond
    64 bits becomes a float (two different 20-digit ids merge), and it does not check that the text is
    UTF-8. In those cases the file is read again line by line, numbers kept as written. Nesting past
    the ``nesting_depth`` limit is refused first (Arrow's parser recurses in C++, past any stack).
    """
    with pa.input_stream(str(p), compression="detect") as fh:
        safe_json.check_file_depth(fh, str(p))
    try:
        table = pajson.read_json(p)
        table.validate(full=True)  # invalid UTF-8 shows up here, not when read
    except pa.ArrowInvalid as exc:
        if "changed from" not in str(exc) and not _is_utf8_error(str(exc)):
            raise
        return _read_jsonl_as_text(p, wanted)
    if any(_lost_integers(table.column(c)) for c in wanted if c in table.column_names):
        return _read_jsonl_as_text(p, wanted)
    return table


def _lost_integers(col: pa.ChunkedArray) -> bool:
    """Whether a float column holds whole numbers too large for a float to keep exactly (integers beyond
    64 bits are read as floats). Ordinary floats (7.5) stay on Arrow's fast path."""
    if not pa.types.is_floating(col.type):
        return False
    big = pc.greater_equal(pc.abs(col), 2.0 ** 53)
    return bool(pc.any(pc.and_(big, pc.equal(pc.floor(col), col))).as_py())


def _read_jsonl_as_text(p: Path, wanted: tuple[str, ...]) -> pa.Table:
    import io
    import json

    cols: dict[str, list[str | None]] = {c: [] for c in wanted}
    seen: set[str] = set()
    # Arrow decompresses by extension (.gz, .bz2, .zst, .lz4, .br), as the fast reader does
    with io.BufferedReader(pa.input_stream(str(p), compression="detect")) as fh:
        for n, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            try:
                # NaN and Infinity are missing values, as in every other reader
                row = json.loads(raw.decode("utf-8"), parse_int=str, parse_float=str, parse_constant=lambda _: None)
            except UnicodeDecodeError as exc:
                raise InputError(f"{p}: line {n}: text is not valid UTF-8 (byte {exc.start}); re-encode it as "
                                 "UTF-8") from None
            except json.JSONDecodeError as exc:
                raise InputError(f"{p}: line {n}: not a JSON object ({exc.msg})") from None
            if not isinstance(row, dict):
                raise InputError(f"{p}: line {n}: expected a JSON object, got {type(row).__name__}")
            seen.update(row)
            for c in wanted:
                v = row.get(c)
                cols[c].append(None if v is None else v if isinstance(v, str) else json.dumps(v))
    return pa.table({c: pa.array(v, pa.string()) for c, v in cols.items() if c in seen})


def _read_and_select(p: Path, fmt: str, required: tuple[str, ...], optional: tuple[str, ...]) -> pa.Table:
    try:
        if fmt == "parquet":
            table = pq.read_table(p)
        elif fmt == "jsonl":
            table = _read_jsonl(p, (*required, *optional))
        else:
            delim = "\t" if fmt == "tsv" else ","
            table = pacsv.read_csv(
                p,
                parse_options=pacsv.ParseOptions(delimiter=delim, newlines_in_values=_has_quotes(p)),
                convert_options=pacsv.ConvertOptions(
                    column_types={c: pa.string() for c in (*required, *optional)},
                    # only an empty cell (or NaN) is missing: Arrow's default list also makes "NA", "N/A",
                    # "null" and "#N/A" missing, and "NA" is Namibia's code
                    null_values=list(CSV_MISSING),
                    strings_can_be_null=True,
                    quoted_strings_can_be_null=False,
                ),
                read_options=pacsv.ReadOptions(block_size=CSV_BLOCK_BYTES),
            )
    except pa.ArrowInvalid as exc:
        msg = str(exc)
        if _is_utf8_error(msg):
            raise InputError(f"{p}: text is not valid UTF-8 ({msg.splitlines()[0]}); re-encode it as UTF-8") from None
        if "Empty CSV file" in msg:
            raise InputError(f"{p}: the file is empty (expected a header with columns {', '.join(required)})") from None
        raise InputError(f"{p}: cannot be read as {fmt}: {msg.splitlines()[0]}") from None
    except (OSError, pa.ArrowException) as exc:
        raise InputError(f"{p}: cannot be read as {fmt}: {str(exc).splitlines()[0]}") from None
    missing = [c for c in required if c not in table.column_names]
    if missing:
        raise InputError(
            f"{p}: missing column(s) {', '.join(missing)}; found {', '.join(table.column_names) or 'none'}"
        )
    doubled = [c for c in (*required, *optional) if table.column_names.count(c) > 1]
    if doubled:
        raise InputError(f"{p}: column {doubled[0]!r} appears twice in the header; which one to read is "
                         "ambiguous: rename or remove one")
    if fmt in ("csv", "tsv"):
        refuse_unclosed_quote(p, "\t" if fmt == "tsv" else ",", table)
    keep = [c for c in (*required, *optional) if c in table.column_names]
    table = table.select(keep)
    if fmt in ("csv", "tsv") and _may_hold_guarded_cells(p):
        from sevenfold.spreadsheet import restore_table

        table = restore_table(table)  # write_table's formula guard comes off: '=x is read as =x
    cols = []
    for name in keep:
        col = table.column(name)
        if not pa.types.is_string(col.type) and not pa.types.is_large_string(col.type):
            if pa.types.is_floating(col.type):
                # NaN in a numeric column is a missing value, not a statement: make it null so the
                # missing-value check below reports it.
                col = pc.if_else(pc.is_nan(col), pa.scalar(None, col.type), col)
            try:
                col = pc.cast(col, pa.string())
            except pa.ArrowException:
                col = pa.chunked_array([pa.array([None if v is None else str(v) for v in col.to_pylist()],
                                                 pa.string())])
        cols.append(col)
    return pa.table(cols, names=keep)


def refuse_unclosed_quote(p: Path, delim: str, table: pa.Table) -> None:
    """Refuse a CSV whose last quoted value is never closed: Arrow reads everything after the opening
    quote, to the end of the file, as that one value (a thousand rows become one claim). Only a table
    with a value holding a line break can be such a file; only then is the file read again, by Python's
    csv reader, which says where the record that never ends began."""
    import csv
    import io

    texts = [c for c in table.columns if pa.types.is_string(c.type) or pa.types.is_large_string(c.type)]
    if not any(pc.any(pc.match_substring_regex(c, "[\r\n]")).as_py() for c in texts):
        return
    with io.TextIOWrapper(pa.input_stream(str(p), compression="detect"), encoding="utf-8", errors="replace",
                          newline="") as fh:
        reader = csv.reader(fh, delimiter=delim, strict=True)
        start = 1
        while True:
            try:
                next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                if "unexpected end of data" in str(exc):
                    raise InputError(f"{p}: line {start}: a quoted value opened on this line is never closed, "
                                     "so every line after it would be read as one value; close the quote "
                                     '(a quote inside a quoted value is written twice: "")') from None
            start = reader.line_num + 1


def read_claims(path: str | os.PathLike[str]) -> pa.Table:
    """Claims table with string columns ``source, object, attribute, value`` (+ ``date``, ``report``)."""
    table = read_table(path, CLAIM_COLUMNS, OPTIONAL_CLAIM_COLUMNS)
    if table.num_rows == 0:
        raise InputError(f"{path}: has a header but no claims")
    return table


def read_gold(path: str | os.PathLike[str]) -> pa.Table:
    """Gold table with string columns ``object, attribute, value``."""
    table = read_table(path, GOLD_COLUMNS)
    if table.num_rows == 0:
        raise InputError(f"{path}: has a header but no gold rows")
    return table


def read_verified(path: str | os.PathLike[str]) -> pa.Table:
    """Verified values: string columns ``object, attribute, value`` and optionally ``verdict``
    (``confirmed`` / ``refuted``; see :mod:`sevenfold.fusion.verified`)."""
    table = read_table(path, GOLD_COLUMNS, ("verdict",))
    if table.num_rows == 0:
        raise InputError(f"{path}: has a header but no verified rows")
    return table


def write_table(table: pa.Table, path: str | os.PathLike[str], *, raw_cells: bool = False) -> None:
    """Write by extension, as :func:`read_table` reads it: ``.parquet``, ``.jsonl`` / ``.ndjson`` / ``.json``
    (JSON-lines: one object per line), ``.tsv`` / ``.tab`` (tab-separated), anything else CSV. CSV and TSV
    text cells that a spreadsheet would run as a formula get a leading ``'`` unless ``raw_cells``
    (:mod:`sevenfold.spreadsheet`)."""
    p = Path(path)
    fmt = _format_of(p)
    try:
        if fmt == "parquet":
            pq.write_table(table, p)
        elif fmt == "jsonl":
            import json

            with open(p, "w", encoding="utf-8") as fh:
                for row in table.to_pylist():
                    fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        else:
            if not raw_cells:
                from sevenfold.spreadsheet import safe_table

                table = safe_table(table)
            pacsv.write_csv(table, p, pacsv.WriteOptions(delimiter="\t" if fmt == "tsv" else ","))
    except OSError as exc:
        raise InputError(f"{p}: cannot write: {exc.strerror or exc}") from None
