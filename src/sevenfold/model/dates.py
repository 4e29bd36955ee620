"""Historical dates: ISO 8601 with year or year-month precision allowed (``1937``, ``1937-03``)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Annotated, Any

from pydantic import BeforeValidator

_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


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
    if month is not None and not 1 <= int(month) <= 12:
        raise ValueError(f"month out of range in {value!r}")
    if day is not None:
        try:
            dt.date(int(year), int(month), int(day))
        except ValueError as exc:
            raise ValueError(f"no such day {value!r}: {exc}") from None
    return text


HistDate = Annotated[str, BeforeValidator(parse_hist_date)]


def date_bounds(value: str) -> tuple[dt.date, dt.date]:
    """First and last day a (possibly partial) ISO date may denote."""
    parts = [int(p) for p in value.split("-")]
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
