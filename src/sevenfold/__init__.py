"""sevenfold — deception-aware evidence assessment.

"Measure off seven times and cut one time." The public API is this façade:

>>> import sevenfold
>>> case = sevenfold.load_case("case.yaml")          # doctest: +SKIP
>>> result = sevenfold.assess(case)                 # doctest: +SKIP
>>> print(result.top, result.confidence)            # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sevenfold.errors import CaseValidationError, InputError, SevenfoldError
from sevenfold.model import Case, dump_case, load_case

if TYPE_CHECKING:
    from sevenfold.ach.result import Assessment
    from sevenfold.store import Store

__version__ = "0.1.0"

__all__ = ["Case", "CaseValidationError", "InputError", "SevenfoldError", "__version__", "assess", "dump_case",
           "load_case", "open_store"]


def assess(case: Case) -> Assessment:
    """Run the whole pipeline (provenance → fusion → Bayesian ACH) on a case."""
    from sevenfold.pipeline import run_assessment

    return run_assessment(case)


def open_store(db: str | None = None) -> Store:
    """Open the store at ``db`` (URL or SQLite path), ``SEVENFOLD_DB`` or the default."""
    from sevenfold.store import open_store as _open

    return _open(db)


def __getattr__(name: str) -> Any:  # lazy: heavy stages load only when used
    if name == "fusion":
        import importlib

        return importlib.import_module("sevenfold.fusion")
    raise AttributeError(name)
