"""A short surname is not an identity: closeness of short names that no transliteration explains does not
reach the match threshold, while romanisations and cross-script variants still match."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sevenfold.names import DEFAULT_THRESHOLD, NameMatcher, match_names, normalise_name
from sevenfold.names.compare import SHORT_NAME_CAP, components, loose_key, short_name_conflict

TWO_PEOPLE = [
    ("Putna", "Putin"), ("Garbo", "Gabor"), ("Tojo", "Togo"), ("Hirota", "Hirata"), ("Sorge", "Sorger"),
    ("Ezhov", "Ezhkov"), ("Sheng Shicai", "Sheng Shiqi"), ("Richard Sorge", "Sorger"),
    ("Ezhkov", "Николай Иванович Ежов"),
]
ONE_PERSON = [
    ("Ежов", "Yezhov"), ("Ежов", "Jeschow"), ("Yagoda", "Jagoda"), ("Beria", "Berija"),
    ("Zinoviev", "Sinowjew"), ("Trotsky", "Trotzki"), ("Stalin", "Staline"), ("Tōjō", "Tojo"), ("Ōta", "Ohta"),
    ("Khalkhin Gol", "Khalkin Gol"), ("Mao Ze Dong", "Mao Zedong"), ("Sorge", "Richard Sorge"),
    ("Тухачевский", "Tuchaczewski"), ("Czerniawski", "Чернявский"), ("Kiev", "Kyiv"),
]


@pytest.mark.parametrize(("a", "b"), TWO_PEOPLE)
def test_short_names_that_differ_are_not_a_match(a: str, b: str) -> None:
    result = match_names(a, b)
    assert not result.match, result.explanation
    assert result.score <= SHORT_NAME_CAP
    assert "short name" in result.explanation


@pytest.mark.parametrize(("a", "b"), ONE_PERSON)
def test_transliterations_still_match(a: str, b: str) -> None:
    result = match_names(a, b)
    assert result.match, result.explanation
    assert not short_name_conflict(normalise_name(a), normalise_name(b))


def test_a_listed_variant_still_matches_through_the_alias_table() -> None:
    # the French rendering of Ежов keeps a j for ж; the gazetteer lists it, and a listed variant decides
    assert match_names("Ежов", "Iejov").match


def test_batch_scores_equal_one_pair_scores() -> None:
    pairs = TWO_PEOPLE + ONE_PERSON
    batch = NameMatcher().score_pairs([a for a, _ in pairs], [b for _, b in pairs])
    for (a, b), score in zip(pairs, batch, strict=True):
        assert score == pytest.approx(match_names(a, b).score), (a, b)


def test_loose_key_keeps_real_differences() -> None:
    assert loose_key("hirota") != loose_key("hirata")
    assert loose_key("khalkhin") == loose_key("khalkin")
    assert loose_key("shinkyo") == loose_key("shinkyou")
    assert loose_key("urumchi") == loose_key("urumqi")
    assert loose_key("shicai") != loose_key("shiqi")


def test_abjad_and_syllabary_renderings_are_not_judged_letter_by_letter() -> None:
    # a romanised Arabic or Japanese rendering drops or approximates vowels: no cap from this rule
    assert not short_name_conflict(normalise_name("بوتن"), normalise_name("Putin"))
    assert not short_name_conflict(normalise_name("プーチン"), normalise_name("Putin"))


NAMES = st.text(alphabet="abdegiklmnoprstuvz", min_size=2, max_size=7)


@settings(max_examples=200, deadline=None)
@given(NAMES, NAMES)
def test_the_cap_only_lowers_scores(a: str, b: str) -> None:
    fa, fb = normalise_name(a), normalise_name(b)
    score = components(fa, fb).score
    if short_name_conflict(fa, fb):
        assert score <= SHORT_NAME_CAP < DEFAULT_THRESHOLD
    else:
        assert match_names(a, b).score >= score - 1e-9


def test_heldout_pairs() -> None:
    """64 pairs written and frozen by an outside helper who had not read the matcher: 24 different people
    with close short surnames, 40 renderings of one person. At the default threshold: at most 2 false
    matches in 24 (it was 5 before the short-name rule) and recall >= 0.85 (35 of 40 at the time)."""
    import csv
    from pathlib import Path

    rows = list(csv.DictReader((Path(__file__).parent / "data" / "heldout_pairs.csv").open(encoding="utf-8")))
    scores = NameMatcher().score_pairs([r["a"] for r in rows], [r["b"] for r in rows])
    false = [(r["a"], r["b"]) for r, s in zip(rows, scores, strict=True) if r["same"] == "0" and s >= DEFAULT_THRESHOLD]
    same = [s >= DEFAULT_THRESHOLD for r, s in zip(rows, scores, strict=True) if r["same"] == "1"]
    assert len(rows) == 64
    assert len(false) <= 2, false
    assert sum(same) / len(same) >= 0.85
