"""Interoperability: STIX 2.1, CSL-JSON, FollowTheMoney and CSV/Parquet tables (docs/interop.md).

Public API:

* ``export_case(case, fmt, out_path, assessment=None) -> Path`` — ``fmt`` one of ``stix`` (JSON bundle
  file), ``csl`` (JSON array of the case's documents), ``ftm`` (JSON lines), ``csv`` / ``parquet``
  (a folder with ``reports.<ext>`` and ``claims.<ext>``). Files are written atomically.
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
from sevenfold.interop.tables import TableImport, export_tables, import_table

if TYPE_CHECKING:
    from sevenfold.model import Case
    from sevenfold.model.results import Assessment

EXPORT_FORMATS = ("stix", "csl", "ftm", "csv", "parquet")

__all__ = [
    "EXPORT_FORMATS", "CslImport", "FtmImport", "StixImport", "TableImport", "audit_to_csl", "case_to_csl",
    "case_to_ftm", "case_to_stix", "export_case", "import_csl", "import_ftm", "import_stix", "import_table",
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


def export_case(case: Case, fmt: str, out_path: str | os.PathLike[str],
                assessment: Assessment | None = None, *, raw_cells: bool = False) -> Path:
    """Write ``case`` in an interchange format; returns the file (or folder, for csv/parquet) written.
    ``raw_cells``: CSV cells as they are, without the formula guard (:mod:`sevenfold.spreadsheet`)."""
    if fmt not in EXPORT_FORMATS:
        raise InputError(f"unknown export format {fmt!r}; use one of yaml, json, {', '.join(EXPORT_FORMATS)}")
    out = Path(out_path)
    if fmt in ("csv", "parquet"):
        export_tables(case, out, fmt, raw_cells=raw_cells)
        return out
    if fmt == "stix":
        from sevenfold.interop.stix import case_to_stix

        bundle = case_to_stix(case, assessment if assessment is not None else _assessment_or_none(case))
        return write_atomic(out, json.dumps(bundle, ensure_ascii=False, indent=2) + "\n")
    if fmt == "csl":
        return write_atomic(out, json.dumps(case_to_csl(case), ensure_ascii=False, indent=2) + "\n")
    from sevenfold.interop.ftm import case_to_ftm, dumps_ftm

    return write_atomic(out, dumps_ftm(case_to_ftm(case)))
