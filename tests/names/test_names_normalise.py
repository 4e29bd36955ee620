"""Normaliser: scripts, romanisation variants, name structure, bad input."""

from __future__ import annotations

import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sevenfold.errors import InputError, SevenfoldError
from sevenfold.names import NameTruncatedWarning, normalise_name


@pytest.mark.parametrize("spelling", ["Ежов", "Ezhov", "Yezhov", "Jeschow", "Jeżow", "Ežov"])
def test_romanisation_systems_of_ezhov_fold_to_one_key(spelling: str) -> None:
    # Russian original, LoC, BGN/PCGN, German, Polish, ISO 9 renderings
    assert normalise_name(spelling).compact == normalise_name("Ezhov").compact


def test_cyrillic_patronymic_name_romanised_token_by_token() -> None:
    form = normalise_name("Василий Михайлович Зарубин")
    assert form.tokens == normalise_name("Vasiliy Mikhaylovich Zarubin").tokens
    assert form.scripts == ("Cyrillic",)


def test_initials_detected_and_comma_order_restored() -> None:
    a = normalise_name("Zarubin, V. M.")
    b = normalise_name("V.M. Zarubin")
    assert a.tokens == b.tokens
    assert a.initials == (True, True, False)


def test_titles_and_ranks_stripped_but_not_everything() -> None:
    assert normalise_name("Gen. Ivan Petrov").tokens == normalise_name("Ivan Petrov").tokens
    assert "gen" in normalise_name("Gen. Ivan Petrov").stripped
    assert normalise_name("Comrade Stalin").tokens == normalise_name("Stalin").tokens
    assert not normalise_name("General").empty  # a name that is only a title keeps it


def test_chinese_characters_read_as_pinyin_and_wade_giles_read_as_pinyin() -> None:
    assert normalise_name("毛泽东").compact == normalise_name("Mao Zedong").compact
    wg = normalise_name("Mao Tse-tung")
    assert wg.alt_compact == normalise_name("Mao Zedong").compact
    assert normalise_name("Hsin-chiang").alt_compact == normalise_name("Xinjiang").compact


def test_japanese_long_vowels() -> None:
    assert normalise_name("Shinkyō").compact == normalise_name("Shinkyo").compact


def test_mongolian_cyrillic() -> None:
    assert normalise_name("Халхын гол").tokens == normalise_name("Khalkhin Gol").tokens


@pytest.mark.parametrize("raw", ["", "   ", "!!!", "123", "--", "1937-03-01", "\u200f\u202e", "...."])
def test_no_letters_means_empty(raw: str) -> None:
    form = normalise_name(raw)
    assert form.empty and form.compact == ""


def test_right_to_left_controls_dropped_and_rtl_scripts_romanised() -> None:
    assert normalise_name("\u202eabc\u202c").compact == "abc"
    form = normalise_name("ولادیمیر پوتین")
    assert not form.empty and form.compact.isascii()
    assert any("right-to-left" in n for n in form.notes)


def test_mixed_scripts_in_one_name() -> None:
    form = normalise_name("Vladimir Путин")
    assert form.tokens == normalise_name("Vladimir Putin").tokens
    assert any("mixed scripts" in n for n in form.notes)


def test_very_long_name_truncated_with_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEVENFOLD_LIMIT_NAME_CHARS", "50")
    with pytest.warns(NameTruncatedWarning):
        form = normalise_name("Zarubin " * 1000)
    assert form.truncated
    assert len(form.raw) == 8000 and len(form.key) <= 50


def test_bad_limit_and_non_string_are_input_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(InputError):
        normalise_name(None)  # type: ignore[arg-type]
    monkeypatch.setenv("SEVENFOLD_LIMIT_NAME_CHARS", "many")
    with pytest.raises(InputError):
        normalise_name("Ezhov")


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=80), st.binary(max_size=40).map(lambda b: b.decode("utf-8", "replace")),
                 st.integers(), st.none(), st.floats()))
def test_normaliser_never_raises_anything_but_sevenfold_error(value: object) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            form = normalise_name(value)
        except SevenfoldError:
            assert not isinstance(value, str)
            return
    assert isinstance(value, str)
    assert all(t.isascii() and t for t in form.tokens)
    assert len(form.initials) == len(form.tokens) == len(form.alt_tokens)
    assert normalise_name(value) == form  # deterministic


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(whitelist_categories=("Lu", "Ll", "Lo", "Mn", "Zs", "Pd", "Po")),
               max_size=60))
def test_letters_always_give_tokens_or_an_explained_empty_form(text: str) -> None:
    form = normalise_name(text)
    assert form.empty == (form.compact == "")
    if form.empty:
        assert form.notes


def test_without_pyicu_everything_falls_back_to_anyascii(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    rom = importlib.import_module("sevenfold.names.romanise")
    norm = importlib.import_module("sevenfold.names.normalise")

    monkeypatch.setattr(rom, "_icu", None)
    rom._icu_transliterator.cache_clear()
    norm.clear_cache()
    try:
        assert rom.engines()["cyrillic"] == "anyascii"
        assert rom.romanise("Ежов").isascii()
        assert normalise_name("Ежов").compact == normalise_name("Jeschow").compact
        assert normalise_name("ولادیمیر پوتین").compact.isascii()
    finally:
        rom._icu_transliterator.cache_clear()
        norm.clear_cache()
