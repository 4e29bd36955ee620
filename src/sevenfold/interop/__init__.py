"""Interoperability: STIX 2.1, CSL-JSON, FollowTheMoney and CSV/Parquet tables (docs/interop.md).

Public API:

* ``export_case(case, fmt, out_path, assessment=None, table=None) -> Path`` — ``fmt`` one of ``stix``
  (JSON bundle file), ``csl`` (JSON array of the case's documents), ``ftm`` (JSON lines), ``csv`` /
  ``parquet`` (a folder with ``reports.<ext>`` and ``claims.<ext>``; with ``table="reports"`` or
  ``"claims"`` that one table as the file ``out_path``). Files are written atomically.
* ``export_bytes(case, fmt, table=None) -> bytes`` — the same export as one file's bytes (what goes to
  standard output); ``csv`` / ``parquet`` need ``table`` (one of ``TABLE_NAMES``).
* ``import_stix(path, case_id=None) -> StixImport`` — a bundle as a new case (``.case``), with counts
  of mapped and kept-unmapped objects and warnings.
* ``import_csl(path, case) -> CslImport``, ``import_table(path, case) -> TableImport``,
  ``import_ftm(path, case) -> FtmImport`` — add documents / reports / claims / sources to a case;
  each returns a new validated case and leaves the input untouched.
* ``case_to_stix``, ``stix_to_case``, ``case_to_csl``, ``audit_to_csl``, ``case_to_ftm`` — in-memory forms.

Every import validates everything before returning anything: a bad file raises ``InputError`` (or
``CaseValidationError``) listing each problem, and nothing is half-imported. Heavy libraries
(stix2, followthemoney) are imported only when their format is used.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sevenfold.errors import InputError
from sevenfold.interop._io import write_atomic
from sevenfold.interop.csl import CslImport, audit_to_csl, case_to_csl, import_csl
from sevenfold.interop.tables import TABLE_NAMES, TableImport, check_table, export_tables, import_table, table_bytes

if TYPE_CHECKING:
    from sevenfold.model import Case
    from sevenfold.model.results import Assessment

EXPORT_FORMATS = ("stix", "csl", "ftm", "csv", "parquet")

__all__ = [
    "EXPORT_FORMATS", "TABLE_NAMES", "CslImport", "FtmImport", "StixImport", "TableImport", "audit_to_csl",
    "case_to_csl", "case_to_ftm", "case_to_stix", "export_bytes", "export_case", "import_csl", "import_ftm",
    "import_stix", "import_table",
    "stix_to_case",
]


def __getattr__(name: str) -> Any:  # lazy: stix2 and followthemoney load only when used
    if name in ("StixImport", "case_to_stix", "stix_to_case", "import_stix"):
        from sevenfold.interop import stix

        return getattr(stix, name)
    if name in ("FtmImport", "case_to_ftm", "import_ftm"):
        from sevenfold.interop import ftm

        return getattr(ftm, name)
    raise AttributeError(name)


def _assessment_or_none(case: Case) -> Assessment | None:
    from sevenfold.errors import AssessmentError
    from sevenfold.pipeline import run_assessment

    try:
        return run_assessment(case)
    except AssessmentError:
        return None  # the bundle then carries the case without an assessment note


def check_export(fmt: str, table: str | None = None, *, one_file: bool = False) -> None:
    """Refuse (InputError, exit 2) an export that cannot be made, before any work: an unknown format,
    ``table`` with a format that is one file already or naming no table, and ``one_file`` (a single
    file, or standard output) of csv / parquet without ``table``. ``yaml`` and ``json`` count too."""
    if fmt not in ("yaml", "json", *EXPORT_FORMATS):
        raise InputError(f"unknown export format {fmt!r}; use one of yaml, json, {', '.join(EXPORT_FORMATS)}")
    tabular = fmt in ("csv", "parquet")
    if table is not None and not tabular:
        raise InputError(f"--table picks one table of a csv or parquet export; --format {fmt} is one file already")
    if table is not None:
        check_table(fmt, table)
    elif tabular and one_file:
        raise InputError(f"--format {fmt} holds {len(TABLE_NAMES)} tables ({', '.join(TABLE_NAMES)}); a single file "
                         f"or standard output takes one: add --table NAME (one of {', '.join(TABLE_NAMES)}), or "
                         "give --out DIR for all of them")


def export_bytes(case: Case, fmt: str, assessment: Assessment | None = None, *, table: str | None = None,
                 raw_cells: bool = False) -> bytes:
    """The export as one file's bytes (for standard output). ``csv`` and ``parquet`` hold several tables:
    they need ``table`` (one of :data:`TABLE_NAMES`), else InputError naming them."""
    check_export(fmt, table, one_file=True)
    if fmt not in EXPORT_FORMATS:
        raise InputError(f"--format {fmt} is the case file: sevenfold.export() writes it")
    if table is not None:
        return table_bytes(case, fmt, table, raw_cells=raw_cells)
    if fmt == "stix":
        from sevenfold.interop.stix import case_to_stix

        bundle = case_to_stix(case, assessment if assessment is not None else _assessment_or_none(case))
        return (json.dumps(bundle, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    if fmt == "csl":
        return (json.dumps(case_to_csl(case), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    from sevenfold.interop.ftm import case_to_ftm, dumps_ftm

    return dumps_ftm(case_to_ftm(case)).encode("utf-8")


def export_case(case: Case, fmt: str, out_path: str | os.PathLike[str],
                assessment: Assessment | None = None, *, raw_cells: bool = False, table: str | None = None) -> Path:
    """Write ``case`` in an interchange format; returns the file (or folder, for csv/parquet) written.
    ``table``: csv/parquet, that one table as the file ``out_path``. ``raw_cells``: CSV cells as they
    are, without the formula guard (:mod:`sevenfold.spreadsheet`)."""
    check_export(fmt, table)
    if fmt not in EXPORT_FORMATS:
        raise InputError(f"unknown export format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")
    out = Path(out_path)
    if fmt in ("csv", "parquet") and table is None:
        export_tables(case, out, fmt, raw_cells=raw_cells)
        return out
    return write_atomic(out, export_bytes(case, fmt, assessment, table=table, raw_cells=raw_cells))
