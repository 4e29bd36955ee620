"""Dates in year 0 (``0000``, ``0000-06``): there is no such year, and no ``datetime`` for it. They are
refused wherever a date is read; a year 0 already stored (by an older version) still loads, and the
assessment names it instead of failing inside date arithmetic."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sevenfold import api
from sevenfold.errors import AssessmentError, CaseValidationError, InputError
from sevenfold.model import case_from_data, date_bounds
from sevenfold.model.dates import parse_hist_date, unusable_date
from sevenfold.pipeline import with_as_of
from sevenfold.provenance.burn import make_burn

CASE: dict[str, Any] = {
    "format": "sevenfold/1",
    "case": {"id": "c1", "title": "T", "question": "Q", "as_of": "1937-03"},
    "actors": [{"id": "adversary"}],
    "sources": [{"id": "s1", "name": "One"}, {"id": "s2", "name": "Two"}],
    "documents": [{"id": "d1", "citation": "RGASPI f. 17", "date": "1937-01"}],
    "reports": [{"id": "r1", "source": "s1", "date": "1936-12", "document": "d1", "text": "a"},
                {"id": "r2", "source": "s2", "date": "1937-01-10", "text": "b"}],
    "hypotheses": [{"id": "h1", "statement": "x"}, {"id": "h2", "statement": "y", "deception_by": "adversary"}],
    "ratings": [{"report": "r1", "hypothesis": "h1", "consistency": "C"},
                {"report": "r1", "hypothesis": "h2", "consistency": "I"}],
    "outcomes": [{"report": "r1", "verdict": "confirmed", "date": "1941"}],
    "burns": [{"id": "b1", "source": "s2", "since": "1936"}],
}


def _set(data: dict[str, Any], where: str, value: str) -> dict[str, Any]:
    """A copy of ``data`` with the date at ``where`` (kind/index/field[.field]) set to ``value``."""
    out = copy.deepcopy(data)
    kind, index, field = where.split("/")
    node = out[kind] if kind == "case" else out[kind][int(index)]
    *path, last = field.split(".")
    for p in path:
        node = node.setdefault(p, {"by": "adversary", "p": 0.3})
    node[last] = value
    return out


DATE_FIELDS = {
    "case/-/as_of": "case[c1].as_of",
    "sources/0/compromised_since": "sources[s1].compromised_since",
    "sources/1/suspected_control.since": "sources[s2].suspected_control.since",
    "documents/0/date": "documents[d1].date",
    "reports/1/date": "reports[r2].date",
    "outcomes/0/date": "outcomes",
    "burns/0/since": "burns[b1].since",
}


@pytest.mark.parametrize("text", ["0000", "0000-06", "0000-12-31", " 0000 "])
def test_year_zero_is_not_a_date(text: str) -> None:
    with pytest.raises(ValueError, match="year 0 is out of range"):
        parse_hist_date(text)
    assert unusable_date(text) is not None


@given(st.dates())
def test_every_representable_date_still_parses(d: Any) -> None:
    iso = d.isoformat()
    for text in (iso, iso[:7], iso[:4]):
        assert parse_hist_date(text) == text
        first, last = date_bounds(text)
        assert first <= d <= last


@pytest.mark.parametrize(("where", "label"), DATE_FIELDS.items())
def test_a_case_file_with_a_year_0_date_is_refused_naming_the_field(where: str, label: str) -> None:
    with pytest.raises(CaseValidationError) as info:
        case_from_data(_set(CASE, where, "0000"), "c.yaml")
    text = str(info.value)
    assert label in text and "no such year in '0000'" in text


@pytest.mark.parametrize(("where", "label"), DATE_FIELDS.items())
def test_a_stored_year_0_loads_and_the_assessment_names_it(where: str, label: str) -> None:
    # a store written before the rule may hold one: it opens (to be corrected), nothing dated is computed
    case = case_from_data(_set(CASE, where, "0000"), "store:c1", check_limits=False)
    problems = [str(p) for p in case.date_problems("store:c1")]
    assert len(problems) == 1 and label in problems[0]
    with pytest.raises(AssessmentError, match=r"cannot assess:\n.*no such year in '0000'") as info:
        api.assess(case)
    assert label in str(info.value)
    with pytest.raises(AssessmentError):
        api.what_if(case, source="s1", since="1936")


def test_date_arithmetic_on_a_stored_year_0_is_a_clear_error() -> None:
    with pytest.raises(AssessmentError, match="no such year in '0000-06'"):
        date_bounds("0000-06")


def test_options_naming_year_0_are_refused() -> None:
    case = case_from_data(CASE, "c.yaml")
    with pytest.raises(InputError, match="--as-of: no such year in '0000'"):
        with_as_of(case, "0000")
    with pytest.raises(InputError, match="--since: no such year in '0000'"):
        make_burn(case, "s1", "0000")


@pytest.mark.parametrize("dates", [("9999-12-31", "9999-12-31", "9999-12"), ("0001-01-01", "0001-01-02", "0001"),
                                   ("0001", "9999", "5000-06-01")])
def test_the_calendars_first_and_last_days_can_be_drawn(dates: tuple[str, str, str]) -> None:
    # every date that parses can be assessed and drawn: the timeline's padding stops at the calendar's ends
    from sevenfold.figures import timeline_figure

    data = _set(_set(_set(CASE, "case/-/as_of", dates[0]), "reports/0/date", dates[1]), "outcomes/0/date", dates[2])
    case = case_from_data(data, "c.yaml")
    timeline = timeline_figure(case)
    assert timeline.start is not None and timeline.end is not None and timeline.ticks
    assert len(api.assess(case).hypotheses) == 2  # (as of year 1 nothing is known yet: no top)
