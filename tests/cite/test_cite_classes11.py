"""Guards for the rules that read the third held-out set's failure classes (dev11 pins the positive cases):
each new rule must not fire on look-alike prose."""

from __future__ import annotations

import pytest

from sevenfold.cite import parse_citations
from sevenfold.cite.locators import split_people


@pytest.mark.parametrize("text", [
    "The Archive (TA), which the ministry closed in 1990, was never catalogued.",
    "NA, as the staff call it, opened in 1995.",
    "TNA, as the staff call it, was closed that year.",  # a lower-case part is prose, not a collection
    "See the discussion in chapter 3; he was right about the 1941-45 figures.",
])
def test_no_archive_in_prose(text: str) -> None:
    assert [c for c in parse_citations(text) if c.kind == "archival"] == []


def test_prose_after_a_citation_is_skipped_up_to_the_next_semicolon() -> None:
    cits = parse_citations("TNA, CAB 65/13, WM (40) 141st Conclusions, Minute 4; WO 208/4401; he agreed.")
    assert [(c.archive, c.signature) for c in cits] == [("TNA", "CAB 65/13"), ("TNA", "WO 208/4401")]


@pytest.mark.parametrize(("name", "family"), [
    ("Tajima Nobuo", "Tajima"), ("Mochizuki Kazuo", "Mochizuki"),  # surname first (UniDic family names)
    ("Sadao Asada", "Asada"), ("Akira Iriye", "Iriye"), ("Sara Romano", "Romano"), ("Kara Tamura", "Tamura"),
    ("Kim Philby", "Philby"), ("Daqing Yang", "Yang"),
])
def test_east_asian_order(name: str, family: str) -> None:
    assert split_people(name)[0].family == family


def test_lower_case_holding_word_is_a_collection() -> None:
    c = parse_citations("AAN, akta Delegatury, sygn. 5, k. 3.")[0]
    assert (c.collection, c.signature, c.folio) == ("akta Delegatury", "5", "3")


def test_zespol_number_only_is_kept() -> None:
    c = parse_citations("AAN, zesp. 322, sygn. 6345, k. 3.")[0]
    assert (c.collection, c.signature, c.folio) == ("zesp. 322", "6345", "3")


def test_nara_decimal_file_is_the_item_not_the_box() -> None:
    c = parse_citations("NARA, RG 59, Central Decimal File 1940–44, 740.0011 European War 1939/31427, box 2901.")[0]
    assert (c.item, c.box, c.collection) == ("740.0011 European War 1939/31427", "2901", "Central Decimal File 1940–44")
