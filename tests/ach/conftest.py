"""Small case builders for the assessment tests (each test states its own numbers)."""

from __future__ import annotations

from typing import Any

import pytest

from sevenfold.model import Case, case_from_data


def build_case(*, hypotheses: list[dict[str, Any]], reports: list[dict[str, Any]],
               ratings: list[dict[str, Any]] | dict[str, list[str]], sources: list[dict[str, Any]] | None = None,
               actors: list[str] | None = None, as_of: str | None = None, **extra: Any) -> Case:
    """A valid case. ``ratings`` may be {report: [grade per hypothesis]} for brevity."""
    if isinstance(ratings, dict):
        hyp_ids = [h["id"] for h in hypotheses]
        ratings = [{"report": r, "hypothesis": h, "consistency": g}
                   for r, grades in ratings.items() for h, g in zip(hyp_ids, grades, strict=True)]
    if sources is None:
        sources = [{"id": s} for s in sorted({r["source"] for r in reports})]
    data: dict[str, Any] = {
        "format": "sevenfold/1",
        "case": {"id": "t", "title": "test", "question": "?", **({"as_of": as_of} if as_of else {})},
        "actors": [{"id": a} for a in (actors or [])],
        "sources": sources, "reports": reports, "hypotheses": hypotheses, "ratings": ratings, **extra,
    }
    return case_from_data(data)


@pytest.fixture
def two_hyp() -> list[dict[str, Any]]:
    return [{"id": "a", "statement": "the first answer"}, {"id": "b", "statement": "a quite different claim"}]
