from __future__ import annotations

import pytest

from sevenfold.model import Case, case_from_data
from tests.report.conftest import bundled_case_paths, small_case_data

__all__ = ["bundled_case_paths", "small_case_data", "without_documents", "without_reports"]


@pytest.fixture
def small_case() -> Case:
    return case_from_data(small_case_data(), "fixture")


def without_reports(case: Case) -> Case:
    """The case minus its reports and everything that points at them (ratings, report outcomes)."""
    data = case.model_dump(mode="json", exclude_none=True)
    data["reports"], data["ratings"] = [], []
    data["outcomes"] = [o for o in data.get("outcomes", []) if "report" not in o]
    return case_from_data(data, "stripped")


def without_documents(case: Case) -> Case:
    data = case.model_dump(mode="json", exclude_none=True)
    data["documents"] = []
    for r in data["reports"]:
        r.pop("document", None)
    return case_from_data(data, "stripped")
