"""Small hand-built cases for the provenance tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sevenfold.model import Case, case_from_data


def make_case(reports: list[dict[str, Any]], *, sources: list[dict[str, Any]] | None = None,
              documents: list[dict[str, Any]] | None = None, hypotheses: list[dict[str, Any]] | None = None,
              ratings: list[dict[str, Any]] | None = None, actors: list[dict[str, Any]] | None = None,
              burns: list[dict[str, Any]] | None = None, as_of: str | None = None) -> Case:
    """A validated case; sources named by reports (or their ``via``) are created when not given."""
    given = {s["id"] for s in sources or []}
    named = []
    for r in reports:
        for s in [*([r["origin"]] if r.get("origin") else []), r["source"], *r.get("via", [])]:
            if s not in given and s not in named:
                named.append(s)
    data: dict[str, Any] = {
        "format": "sevenfold/1",
        "case": {"id": "t", "title": "test", **({"as_of": as_of} if as_of else {})},
        "sources": (sources or []) + [{"id": s} for s in named],
        "reports": reports,
        "hypotheses": hypotheses or [{"id": "h1"}, {"id": "h2"}],
    }
    for key, value in (("documents", documents), ("ratings", ratings), ("actors", actors), ("burns", burns)):
        if value:
            data[key] = value
    return case_from_data(data, "test")


@pytest.fixture()
def build() -> Callable[..., Case]:
    return make_case
