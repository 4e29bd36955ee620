"""Reports and claims as tables (CSV or Parquet, through pyarrow), both directions.

Export writes two files into a folder: ``reports.<ext>`` (one row per report) and ``claims.<ext>``
(one row per claim, in the claims-table format fusion reads: ``source, object, attribute, value``
plus ``date, report`` and ``value_type``), or one of them as a single file or bytes (:func:`table_bytes`).
Import reads either table into an existing case.

Claim values are text in the ``value`` column (what fusion and spreadsheets expect); the
``value_type`` column (``str|bool|int|float|json``) restores the exact type on import. A table
without ``value_type`` gives text values.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from sevenfold import limits as _limits
from sevenfold import safe_json
from sevenfold.errors import CaseValidationError, InputError, LimitExceeded
from sevenfold.interop._io import unique_id, write_atomic
from sevenfold.model import Case, case_from_data, case_to_data

REPORT_COLUMNS = ("id", "source", "date", "document", "modality", "via", "derived_from", "text", "extra")
CLAIM_COLUMNS = ("report", "source", "date", "object", "attribute", "value", "value_type", "extra")
LIST_COLUMNS = ("via", "derived_from")
TABLE_FORMATS = ("csv", "parquet")
TABLE_NAMES = ("reports", "claims")  # the tables a csv / parquet export holds


@dataclass
class TableImport:
    """What an import added: reports, claims, and entries created because rows named them."""

    case: Case
    reports_added: list[str] = field(default_factory=list)
    claims_added: int = 0
    claims_skipped: int = 0
    sources_created: list[str] = field(default_factory=list)
    documents_created: list[str] = field(default_factory=list)


# ---- values ------------------------------------------------------------------------------------------

def value_to_text(value: Any) -> tuple[str, str]:
    if isinstance(value, bool):
        return ("true" if value else "false"), "bool"
    if isinstance(value, int):
        return str(value), "int"
    if isinstance(value, float):
        return repr(value), "float"
    if isinstance(value, str):
        return value, "str"
    return json.dumps(value, ensure_ascii=False, sort_keys=True), "json"


def text_to_value(text: str, value_type: str | None, where: str) -> Any:
    try:
        if value_type in (None, "", "str"):
            return text
        if value_type == "bool":
            if text.lower() not in ("true", "false"):
                raise ValueError(f"{text!r} is not true or false")
            return text.lower() == "true"
        if value_type == "int":
            return int(text)
        if value_type == "float":
            return float(text)
        if value_type == "json":
            return safe_json.loads(text, where)
    except (ValueError, json.JSONDecodeError) as exc:
        raise InputError(f"{where}: value {text[:60]!r} is not of value_type {value_type!r}: {exc}") from None
    raise InputError(f"{where}: unknown value_type {value_type!r} (use str, bool, int, float or json)")


# ---- export ------------------------------------------------------------------------------------------

def reports_table(case: Case, fmt: str = "parquet") -> pa.Table:
    rows: dict[str, list[Any]] = {c: [] for c in REPORT_COLUMNS}
    # every field without a column of its own (origin, date_note, note, ... and extra keys) travels in the
    # 'extra' JSON, which the import spreads back over the report
    as_data = {str(d.get("id")): d for d in case_to_data(case).get("reports", [])}
    for r in case.reports:
        rows["id"].append(r.id)
        rows["source"].append(r.source)
        rows["date"].append(r.date)
        rows["document"].append(r.document)
        rows["modality"].append(r.modality)
        for col in LIST_COLUMNS:
            items = list(getattr(r, col))
            rows[col].append(items if fmt == "parquet" else (json.dumps(items, ensure_ascii=False) if items else ""))
        rows["text"].append(r.text)
        rest = {k: v for k, v in as_data.get(r.id, {}).items() if k not in REPORT_COLUMNS and k != "claims"}
        rows["extra"].append(json.dumps(rest, ensure_ascii=False, sort_keys=True) if rest else None)
    list_type = pa.list_(pa.string()) if fmt == "parquet" else pa.string()
    schema = pa.schema([(c, list_type if c in LIST_COLUMNS else pa.string()) for c in REPORT_COLUMNS])
    return pa.table(rows, schema=schema)


def claims_table(case: Case) -> pa.Table:
    rows: dict[str, list[Any]] = {c: [] for c in CLAIM_COLUMNS}
    for r in case.reports:
        for c in r.claims:
            text, vtype = value_to_text(c.value)
            rows["report"].append(r.id)
            rows["source"].append(r.source)
            rows["date"].append(r.date)
            rows["object"].append(c.object)
            rows["attribute"].append(c.attribute)
            rows["value"].append(text)
            rows["value_type"].append(vtype)
            rows["extra"].append(json.dumps(c.extra, ensure_ascii=False, sort_keys=True) if c.extra else None)
    return pa.table(rows, schema=pa.schema([(c, pa.string()) for c in CLAIM_COLUMNS]))


def _table_bytes(table: pa.Table, fmt: str, raw_cells: bool = False) -> bytes:
    sink = pa.BufferOutputStream()
    if fmt == "parquet":
        pq.write_table(table, sink)
    else:
        if not raw_cells:
            from sevenfold.spreadsheet import safe_table

            table = safe_table(table)
        pacsv.write_csv(table, sink)
    return sink.getvalue().to_pybytes()


def check_table(fmt: str, name: str) -> str:
    """``name`` when it is one of :data:`TABLE_NAMES`; else InputError listing them."""
    if name not in TABLE_NAMES:
        raise InputError(f"unknown table {name!r} for --format {fmt}; the tables are: {', '.join(TABLE_NAMES)}")
    return name


def table_bytes(case: Case, fmt: str, name: str, *, raw_cells: bool = False) -> bytes:
    """One table of the case (``reports`` or ``claims``) as a CSV or Parquet file's bytes: the file
    :func:`export_tables` writes as ``<name>.<fmt>``, for standard output or a single file."""
    if fmt not in TABLE_FORMATS:
        raise InputError(f"unknown table format {fmt!r}; use csv or parquet")
    check_table(fmt, name)
    table = reports_table(case, fmt) if name == "reports" else claims_table(case)
    return _table_bytes(table, fmt, raw_cells)


def export_tables(case: Case, out_dir: str | os.PathLike[str], fmt: str = "csv", *,
                  raw_cells: bool = False) -> list[Path]:
    """Write ``reports.<fmt>`` and ``claims.<fmt>`` into ``out_dir`` (created if missing). CSV text cells
    that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, CR first) get a leading
    ``'`` unless ``raw_cells``; :func:`import_table` takes it off again (:mod:`sevenfold.spreadsheet`)."""
    if fmt not in TABLE_FORMATS:
        raise InputError(f"unknown table format {fmt!r}; use csv or parquet")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: --format {fmt} writes two tables (reports, claims); give a folder, not a file")
    out.mkdir(parents=True, exist_ok=True)
    # build both before writing either: an error leaves no file behind
    blobs = {f"reports.{fmt}": _table_bytes(reports_table(case, fmt), fmt, raw_cells),
             f"claims.{fmt}": _table_bytes(claims_table(case), fmt, raw_cells)}
    return [write_atomic(out / name, blob) for name, blob in blobs.items()]


# ---- import ------------------------------------------------------------------------------------------

def read_any_table(path: str | os.PathLike[str]) -> pa.Table:
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file")
    if p.is_dir():
        raise InputError(f"{p}: is a directory; give reports.csv/claims.csv (or .parquet)")
    limits = _limits.current()
    if p.stat().st_size > limits.file_bytes:
        raise LimitExceeded("file_bytes", p.stat().st_size, limits.file_bytes, str(p))
    if p.stat().st_size == 0:
        raise InputError(f"{p}: the file is empty")
    try:
        if p.suffix.lower() in (".parquet", ".pq"):
            table = pq.read_table(p)
        else:
            with open(p, "rb") as fh:
                header = fh.readline().decode("utf-8-sig", "replace").strip().split(",")
            if len(header) > limits.csv_columns:
                raise LimitExceeded("csv_columns", len(header), limits.csv_columns, str(p))
            table = pacsv.read_csv(
                p, parse_options=pacsv.ParseOptions(newlines_in_values=True),
                convert_options=pacsv.ConvertOptions(
                    column_types={c.strip('"'): pa.string() for c in header}, strings_can_be_null=False))
    except (pa.ArrowInvalid, pa.ArrowTypeError, OSError) as exc:
        raise InputError(f"{p}: cannot read table: {str(exc).splitlines()[0]}") from None
    doubled = [c for c in table.column_names if table.column_names.count(c) > 1]
    if doubled:
        raise InputError(f"{p}: column {doubled[0]!r} appears twice in the header; which one to read is "
                         "ambiguous: rename or remove one")
    if p.suffix.lower() not in (".parquet", ".pq"):
        from sevenfold.fusion.table_io import refuse_unclosed_quote

        refuse_unclosed_quote(p, ",", table)
        from sevenfold.spreadsheet import restore_table

        table = restore_table(table)  # the formula guard of export_tables comes off ('=x → =x)
    if table.num_rows > limits.entries:
        raise LimitExceeded("entries", table.num_rows, limits.entries, str(p))
    return table


def _text(row: dict[str, Any], col: str) -> str | None:
    v = row.get(col)
    if v is None:
        return None
    if isinstance(v, str):
        return v if v != "" else None
    return str(v)


def _list(row: dict[str, Any], col: str, where: str) -> list[str]:
    v = row.get(col)
    if v is None or v == "":
        return []
    if isinstance(v, list):
        return [str(x) for x in v]
    try:
        items = safe_json.loads(v, where)
    except json.JSONDecodeError:
        items = [x.strip() for x in str(v).split(";") if x.strip()]  # hand-written "a; b"
    if not isinstance(items, list):
        raise InputError(f"{where}: column {col!r} must be a JSON list of ids, got {v!r}")
    return [str(x) for x in items]


def _extra(row: dict[str, Any], where: str) -> dict[str, Any]:
    v = _text(row, "extra")
    if v is None:
        return {}
    try:
        data = safe_json.loads(v, where)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: column 'extra' is not JSON: {exc.msg}") from None
    if not isinstance(data, dict):
        raise InputError(f"{where}: column 'extra' must be a JSON object")
    return data


def import_table(path: str | os.PathLike[str], case: Case) -> TableImport:
    """Add the rows of a reports table or a claims table to ``case``; returns a new, validated case.

    Sources (and documents) that rows name but the case lacks are created with their id as name
    and listed in the result. Nothing is changed unless the whole table imports.
    """
    table = read_any_table(path)
    cols = set(table.column_names)
    data = case_to_data(case)
    result = TableImport(case=case)
    if {"object", "attribute", "value", "source"} <= cols:
        _import_claims(table, data, result, str(path))
    elif {"id", "source"} <= cols:
        _import_reports(table, data, result, str(path))
    else:
        raise InputError(f"{path}: not a reports table (columns id, source, ...) nor a claims table "
                         f"(columns source, object, attribute, value, ...); found {sorted(cols)}")
    try:
        result.case = case_from_data(data, str(path))
    except CaseValidationError as exc:
        raise CaseValidationError(exc.problems) from None
    return result


def _ensure_source(data: dict[str, Any], source: str, result: TableImport) -> None:
    if not any(s["id"] == source for s in data.setdefault("sources", [])):
        data["sources"].append({"id": source, "name": source})
        result.sources_created.append(source)


def _import_reports(table: pa.Table, data: dict[str, Any], result: TableImport, file: str) -> None:
    taken = {r["id"] for r in data.setdefault("reports", [])}
    docs = {d["id"] for d in data.setdefault("documents", [])}
    for i, row in enumerate(table.to_pylist(), start=2):  # line 1 is the header
        where = f"{file}: row {i}"
        rid = _text(row, "id")
        source = _text(row, "source")
        if not rid or not source:
            raise InputError(f"{where}: columns 'id' and 'source' must not be empty")
        if rid in taken:
            raise InputError(f"{where}: report id {rid!r} is already in case {data['case']['id']!r}")
        taken.add(rid)
        _ensure_source(data, source, result)
        report: dict[str, Any] = {**_extra(row, where), "id": rid, "source": source}
        for col in ("date", "document", "modality"):
            v = _text(row, col)
            if v is not None:
                report[col] = v
        report["text"] = _text(row, "text") or ""
        for col in LIST_COLUMNS:
            items = _list(row, col, where)
            if items:
                report[col] = items
        if report.get("document") and report["document"] not in docs:
            data["documents"].append({"id": report["document"]})
            docs.add(report["document"])
            result.documents_created.append(report["document"])
        data["reports"].append(report)
        result.reports_added.append(rid)


def _import_claims(table: pa.Table, data: dict[str, Any], result: TableImport, file: str) -> None:
    reports = {r["id"]: r for r in data.setdefault("reports", [])}
    taken = set(reports)
    existing = {rid: list(r.get("claims", [])) for rid, r in reports.items()}
    grouped: dict[tuple[str, str | None], str] = {}
    for i, row in enumerate(table.to_pylist(), start=2):
        where = f"{file}: row {i}"
        source, obj, attr = _text(row, "source"), _text(row, "object"), _text(row, "attribute")
        if not source or not obj or not attr:
            raise InputError(f"{where}: columns 'source', 'object' and 'attribute' must not be empty")
        raw = row.get("value")
        if raw is None:
            raise InputError(f"{where}: column 'value' is empty")
        value = text_to_value(str(raw), _text(row, "value_type"), where)
        date = _text(row, "date")
        rid = _text(row, "report")
        if rid is None:
            # claims without a report: one new report per (source, date)
            key = (source, date)
            if key not in grouped:
                grouped[key] = unique_id(f"{source}-{date or 'undated'}", taken)
            rid = grouped[key]
        report = reports.get(rid)
        if report is None:
            _ensure_source(data, source, result)
            report = {"id": rid, "source": source}
            if date:
                report["date"] = date
            data["reports"].append(report)
            reports[rid] = report
            taken.add(rid)
            result.reports_added.append(rid)
        elif report["source"] != source:
            raise InputError(f"{where}: report {rid!r} is by source {report['source']!r}, not {source!r}")
        claim = {**_extra(row, where), "object": obj, "attribute": attr, "value": value}
        if claim in existing.get(rid, ()):
            # already in the case before this import: importing the same table twice adds nothing
            # (repeats inside one table are kept: a source may state the same thing twice)
            result.claims_skipped += 1
            continue
        report.setdefault("claims", []).append(claim)
        result.claims_added += 1
