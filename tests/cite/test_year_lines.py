"""A line starting with a year ("1937. Purges begin.") after a note numbered far lower is text of that
note, reported, not "note 1937" — unless a Notes section goes on from it (1937, 1938, ...)."""

from __future__ import annotations

import pytest

from sevenfold.cite import audit
from sevenfold.cite.footnotes import YEAR_RANGE, extract


def test_a_year_line_after_note_1_is_kept_as_its_text() -> None:
    text = "Body text.\n\n1. RGASPI, f. 17, op. 1, d. 1.\n\n1937. Purges begin.\n\n2. Ibid.\n3. Kershaw, p. 5.\n"
    result = audit(text)
    assert [f.n for f in result.footnotes] == [1, 2, 3]
    assert "1937. Purges begin." in result.footnote(1).text
    assert result.footnote(2).citations[0].kind == "ibid"
    assert result.problems == ["line 5 starts with 1937, read as a year, not as note 1937: kept as text of note 1"]


@pytest.mark.parametrize("year", [YEAR_RANGE[0], 1812, YEAR_RANGE[1]])
def test_every_year_of_the_range_is_read_as_a_year(year: int) -> None:
    text = f"Body.\n\n1. RGASPI, f. 17.\n2. Ibid.\n{year}. A year in the body.\n3. Ibid.\n"
    notes = extract(text, "plain")[1]
    assert [n.n for n in notes] == [1, 2, 3]
    assert notes[1].problems == [f"line 5 starts with {year}, read as a year, not as note {year}: "
                                 "kept as text of note 2"]


def test_a_notes_section_that_goes_on_from_the_number_keeps_it_as_a_note() -> None:
    text = "Body.\n\nNotes\n\n1. RGASPI, f. 17, op. 1, d. 1.\n1937. Kershaw, p. 5.\n1938. Ibid.\n"
    result = audit(text)
    assert [f.n for f in result.footnotes] == [1, 1937, 1938]
    assert result.problems == ["numbering gap: no note 2–1936 between 1 and 1937"]


def test_under_a_notes_heading_a_year_the_numbering_does_not_follow_is_text() -> None:
    text = "Body.\n\nNotes\n\n1. RGASPI, f. 17, op. 1, d. 1.\n1937. Purges begin.\n2. Ibid.\n"
    result = audit(text)
    assert [f.n for f in result.footnotes] == [1, 2]
    assert result.problems == ["line 6 starts with 1937, read as a year, not as note 1937: kept as text of note 1"]


@pytest.mark.parametrize("n", [YEAR_RANGE[0] - 1, YEAR_RANGE[1] + 1])
def test_numbers_outside_the_year_range_still_jump(n: int) -> None:
    text = f"Body.\n\nNotes\n\n1. RGASPI, f. 17, op. 1, d. 1.\n{n}. Kershaw, p. 5.\n"
    assert [f.n for f in audit(text).footnotes] == [1, n]


def test_a_year_within_twenty_of_the_last_note_is_a_note() -> None:
    lines = "\n".join(f"{i}. Source {i}, p. {i}." for i in range(1, 1001))
    result = audit(f"Body.\n\nNotes\n\n{lines}\n1001. Ibid.\n")
    assert [f.n for f in result.footnotes][-2:] == [1000, 1001] and result.problems == []
