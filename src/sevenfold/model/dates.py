"""Historical dates: ISO 8601 with year or year-month precision allowed (``1937``, ``1937-03``)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Annotated, Any

from pydantic import BeforeValidator, ValidationInfo

from sevenfold.errors import AssessmentError

_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")

#: the years a date may name: those the calendar (and ``datetime``) can represent
MIN_YEAR, MAX_YEAR = dt.MINYEAR, dt.MAXYEAR


def _year_problem(year: int, value: Any) -> str | None:
    if MIN_YEAR <= year <= MAX_YEAR:
        return None
    return f"no such year in {value!r}: year {year} is out of range (years run from {MIN_YEAR:04d} to {MAX_YEAR})"


def parse_hist_date(value: Any) -> str:
    """Validate and normalise a historical date; return its ISO text (``YYYY[-MM[-DD]]``)."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 9999:
        return f"{value:04d}"
    if not isinstance(value, str):
        raise ValueError(f"not a date: {value!r} (use ISO 8601: YYYY, YYYY-MM or YYYY-MM-DD)")
    text = value.strip()
    m = _DATE_RE.match(text)
    if not m:
        raise ValueError(f"not an ISO 8601 date: {value!r} (use YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = m.groups()
    bad_year = _year_problem(int(year), value)
    if bad_year:
        raise ValueError(bad_year)
    if month is not None and not 1 <= int(month) <= 12:
        raise ValueError(f"month out of range in {value!r}")
    if day is not None:
        try:
            dt.date(int(year), int(month), int(day))
        except ValueError as exc:
            raise ValueError(f"no such day {value!r}: {exc}") from None
    return text


def unusable_date(value: Any) -> str | None:
    """Why ``value`` (a date as stored) cannot be used as a date, or None when it can."""
    try:
        parse_hist_date(value)
    except ValueError as exc:
        return str(exc)
    return None


def _hist_date_field(value: Any, info: ValidationInfo) -> Any:
    """A date field. Data read back from a store (validation context ``{"stored": True}``) keeps a
    well-formed date whose year cannot be used (``0000``), so the case still opens to be corrected;
    ``sevenfold check`` and the assessment name it (:func:`unusable_date`)."""
    try:
        return parse_hist_date(value)
    except ValueError:
        if (info.context or {}).get("stored") and isinstance(value, str) and _DATE_RE.match(value.strip()):
            return value.strip()
        raise


HistDate = Annotated[str, BeforeValidator(_hist_date_field)]


def date_bounds(value: str) -> tuple[dt.date, dt.date]:
    """First and last day a (possibly partial) ISO date may denote. A date that has none (a year 0
    kept from an older store) raises AssessmentError: nothing dated can be computed until it is fixed."""
    parts = [int(p) for p in value.split("-")]
    bad_year = _year_problem(parts[0], value)
    if bad_year:
        raise AssessmentError(f"{bad_year}; correct it (`sevenfold check` lists every such date)")
    if len(parts) == 3:
        d = dt.date(*parts)
        return d, d
    if len(parts) == 2:
        y, m = parts
        return dt.date(y, m, 1), dt.date(y, m, calendar.monthrange(y, m)[1])
    y = parts[0]
    return dt.date(y, 1, 1), dt.date(y, 12, 31)


def date_start(value: str) -> dt.date:
    return date_bounds(value)[0]


def date_end(value: str) -> dt.date:
    return date_bounds(value)[1]


def surely_after(value: str | None, cutoff: str | None) -> bool:
    """True when ``value`` certainly lies after ``cutoff`` (used for ``as_of``: no hindsight)."""
    if value is None or cutoff is None:
        return False
    return date_start(value) > date_end(cutoff)


def may_be_on_or_after(value: str | None, since: str | None) -> bool:
    """True when ``value`` may fall on or after ``since`` (used for compromise dates: err on caution)."""
    if since is None:
        return False
    if value is None:
        return True  # an undated report from a compromised source cannot be shown to predate it
    return date_end(value) >= date_start(since)
