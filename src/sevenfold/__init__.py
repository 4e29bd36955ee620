"""sevenfold — deception-aware evidence assessment.

"Measure off seven times and cut one time." The public API is this façade (docs/library.md):

>>> import sevenfold
>>> case = sevenfold.load_case("case.yaml")          # doctest: +SKIP
>>> result = sevenfold.assess(case)                 # doctest: +SKIP
>>> print(result.top, result.confidence)            # doctest: +SKIP

``load_case``, ``assess``, ``origins``, ``burn``, ``what_if``, ``fuse``, ``export``, ``report`` and
``open_workspace`` live in :mod:`sevenfold.api`; they are looked up lazily, so ``import sevenfold``
loads neither the stages nor pydantic.
"""

from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING, Any

from sevenfold.errors import CaseValidationError, InputError, SevenfoldError

if TYPE_CHECKING:
    from sevenfold.api import assess, burn, export, fuse, load_case, open_workspace, origins, report, what_if
    from sevenfold.model import Case, dump_case
    from sevenfold.store import Store
    from sevenfold.workspace import Workspace

__version__ = "0.1.0"

#: façade functions, defined in sevenfold.api
_API = ("assess", "burn", "export", "fuse", "load_case", "open_workspace", "origins", "report", "what_if")

__all__ = ["Case", "CaseValidationError", "InputError", "SevenfoldError", "Workspace", "__version__", "assess",
           "burn", "dump_case", "export", "fuse", "load_case", "open_store", "open_workspace", "origins", "report",
           "what_if"]


class _Facade(types.ModuleType):
    """The ``sevenfold`` package: a subpackage named like a façade function (``sevenfold.report``) does not
    replace the function when it is imported (``import sevenfold.report.render`` sets the parent's
    attribute); import it as ``from sevenfold.report import ...``."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _API and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Facade


def open_store(db: str | None = None) -> Store:
    """Open the store at ``db`` (URL or SQLite path), ``SEVENFOLD_DB`` or the default."""
    from sevenfold.store import open_store as _open

    return _open(db)


def __getattr__(name: str) -> Any:  # lazy: heavy stages (and pydantic) load only when used
    import importlib

    if name in _API:
        # a function, never a subpackage: no module of sevenfold is named like a façade function
        return getattr(importlib.import_module("sevenfold.api"), name)
    if name in ("Case", "dump_case"):
        return getattr(importlib.import_module("sevenfold.model"), name)
    if name == "Workspace":
        return importlib.import_module("sevenfold.workspace").Workspace
    if name == "fusion":
        return importlib.import_module("sevenfold.fusion")
    raise AttributeError(f"module 'sevenfold' has no attribute {name!r}")
