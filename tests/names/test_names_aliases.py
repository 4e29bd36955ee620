"""Alias tables: bundled gazetteer (cited), case aliases (duck-typed), the user alias file."""

from __future__ import annotations

import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from sevenfold.errors import InputError
from sevenfold.names import (
    NameMatcher,
    add_user_alias,
    aliases_from_case,
    bundled_aliases,
    load_alias_file,
    match_names,
    user_aliases,
)

SEED_NAMES = ["Ezhov", "Yezhov", "Ежов", "Artuzov", "Artuziov", "Zarubin", "Hsinking", "Xinjing", "Shinkyō",
              "Changchun", "Khalkhin Gol", "Khalkin Gol", "Nomonhan", "Lugouqiao", "Marco Polo Bridge",
              "Manchukuo", "Urumchi", "Ürümqi", "Lake Khasan", "Changkufeng", "Harbin"]


def test_every_bundled_variant_cites_its_source() -> None:
    table = bundled_aliases()
    assert len(table) >= 20
    for ent in table.entities:
        assert ent.kind in {"person", "place", "organisation", "codename", "event", "other"}
        for v in ent.variants:
            assert v.source.strip(), f"{ent.canonical}: variant {v.name!r} has no source"


@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_people_and_places_are_in_the_gazetteer(name: str) -> None:
    assert bundled_aliases().lookup(name), name


def test_lookup_is_by_folded_key() -> None:
    table = bundled_aliases()
    assert [e.canonical for e in table.lookup("HSINKING")] == ["Changchun"]
    assert [e.canonical for e in table.lookup("hsin-king")] == ["Changchun"]
    assert table.lookup("Springfield") == []


def test_case_aliases_duck_typed_and_used_by_matcher() -> None:
    case = SimpleNamespace(
        aliases=[{"canonical": "Agent Zero", "variants": ["GRANIT", "Гранит"], "kind": "codename", "note": "x"}],
        sources=[SimpleNamespace(id="s1", name="Vasilii Zarubin", aliases=["BETTY"])],
        actors=[],
    )
    table = aliases_from_case(case)
    assert {e.canonical for e in table.entities} == {"Agent Zero", "Vasilii Zarubin"}
    m = NameMatcher(table)
    assert m.match("GRANIT", "Agent Zero").match
    assert m.match("Гранит", "granit").match
    assert m.match("Betty", "V. Zarubin").match  # listed alias, then structure to a listed variant
    assert not NameMatcher().match("GRANIT", "Agent Zero").match


def test_case_model_aliases_accepted() -> None:
    from sevenfold.model import loads_case

    case = loads_case(
        "format: sevenfold/1\ncase: {id: c1}\n"
        "sources: [{id: s1, name: Artur Artuzov, aliases: [Artuziov]}]\n"
        "aliases: [{canonical: Hsinking, variants: [New Capital], kind: place}]\n"
        "hypotheses: [{id: h1}, {id: h2}]\n")
    table = aliases_from_case(case)
    assert table.lookup("New Capital") and table.lookup("Artuziov")


@pytest.mark.parametrize("entry", [{"variants": ["x"]}, {"canonical": " ", "variants": []},
                                   {"canonical": "X", "variants": "y"}, {"canonical": "X", "kind": "alien"},
                                   {"canonical": "X", "variants": [3]}])
def test_bad_alias_entries_are_input_errors(entry: dict, tmp_path: Path) -> None:
    f = tmp_path / "a.yaml"
    f.write_text(yaml.safe_dump({"entries": [entry]}), encoding="utf-8")
    with pytest.raises(InputError, match=r"a\.yaml"):
        load_alias_file(f)


def test_unreadable_alias_files(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        load_alias_file(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("entries: [unclosed", encoding="utf-8")
    with pytest.raises(InputError):
        load_alias_file(bad)


def test_alias_add_creates_appends_and_dedupes(tmp_path: Path) -> None:
    f = tmp_path / "sub" / "aliases.yaml"
    add_user_alias("Vasilii Zarubin", "MAKSIM", kind="codename", path=f)
    add_user_alias("Vasilii Zarubin", "Zubilin", path=f)
    add_user_alias("Vasilii Zarubin", "Zubilin", path=f)
    add_user_alias("Hsinking", "Hsin-ching", kind="place", path=f)
    data = yaml.safe_load(f.read_text(encoding="utf-8"))
    assert data["format"] == "sevenfold-aliases/1"
    by = {e["canonical"]: e for e in data["entries"]}
    assert by["Vasilii Zarubin"]["variants"] == ["MAKSIM", "Zubilin"]
    assert by["Vasilii Zarubin"]["kind"] == "codename"
    assert user_aliases(f).lookup("maksim")
    assert not list(f.parent.glob(".aliases-*"))  # no temporary files left behind


def test_alias_add_default_file_from_environment(_isolated_user_aliases: Path) -> None:
    path = add_user_alias("Lake Khasan", "Hasan-ko", kind="place")
    assert path == _isolated_user_aliases and path.exists()


def test_alias_add_refuses_bad_input_and_corrupt_files(tmp_path: Path) -> None:
    f = tmp_path / "a.yaml"
    with pytest.raises(InputError):
        add_user_alias("", "x", path=f)
    with pytest.raises(InputError):
        add_user_alias("x", "y", kind="alien", path=f)
    f.write_text("entries: [unclosed", encoding="utf-8")
    with pytest.raises(InputError):
        add_user_alias("x", "y", path=f)
    assert f.read_text(encoding="utf-8") == "entries: [unclosed"  # untouched


def test_concurrent_alias_adds_leave_a_valid_file(tmp_path: Path) -> None:
    f = tmp_path / "a.yaml"
    add_user_alias("Seed", "seed", path=f)
    errors: list[BaseException] = []

    def worker(k: int) -> None:
        try:
            add_user_alias(f"Entity {k}", f"Variant {k}", path=f)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    table = load_alias_file(f)  # complete YAML, and no add was lost (file lock)
    assert {e.canonical for e in table.entities} == {"Seed", *(f"Entity {k}" for k in range(8))}


@pytest.mark.parametrize("other, listed", [
    ("Ivan Ezhov", "Nikolai Yezhov"),          # shares the bare-surname variant "Ежов"
    ("Peter Zarubin", "Vasilii Zarubin"),      # shares "Zarubin"
    ("Vasily Zarubin", "Elizaveta Zarubina"),  # husband and wife
    ("Ramsey Clark", "Richard Sorge"),         # resembles Sorge's code name "Ramsay"
])
def test_a_short_variant_does_not_vouch_for_a_longer_name(other: str, listed: str) -> None:
    """Review finding (session 6): a bare surname or a code name listed for a famous person linked anyone
    sharing it (score 0.73-0.90): the other name was compared with every variant, the shortest included."""
    assert not match_names(other, listed).match


@pytest.mark.parametrize("a, b", [("Ezhov", "Nikolai Yezhov"), ("Ramsay", "Richard Sorge"),
                                  ("Hsinking", "Changchun"), ("Zubilin", "Vasily Zarubin"), ("N. I. Yezhov", "Ежов")])
def test_listed_variants_still_link(a: str, b: str) -> None:
    assert match_names(a, b).match
