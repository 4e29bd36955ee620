"""`fuse --normalize`: the value normalisers of the library, from the command line (issue 21)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

from sevenfold.cli import main
from sevenfold.errors import InputError
from sevenfold.fusion import ClaimMatrix, accuracy, default_method, make_method, run_fuse
from sevenfold.fusion.normalize import (
    author_key,
    identity_key,
    parse_normalizer,
    parse_quantity,
    quantity_key,
    set_key,
    text_key,
    time_key,
)

DATA = Path("/work/shared/data/truth-discovery")


def _keys(fn, values):
    return list(fn(np.asarray(values, dtype=object)))


def test_quantities_with_units_and_magnitude_words():
    same = ["1.5 km", "1,500 m", "1500 metres", "1500.0 m", "0.0015e3 km"]
    assert len(set(_keys(quantity_key(), same))) == 1
    assert len(set(_keys(quantity_key(), ["2 million", "2,000,000", "2000 thousand", "2e6"]))) == 1
    assert len(set(_keys(quantity_key(), ["0.3 km", "300 m"]))) == 1  # no float noise from the conversion
    # different numbers, different dimensions, unknown units as written: never merged
    keys = _keys(quantity_key(), ["1.5 km", "1.5 kg", "1.5", "1.6 km", "12 widgets", "12 Widgets", "twelve"])
    assert keys[0] not in keys[1:4] and len(set(keys[:4])) == 4
    assert keys[4] == keys[5] and keys[6] == "twelve"
    assert len(set(_keys(quantity_key(100), ["1.52 km", "1.49 km"]))) == 1  # tolerance in metres, after conversion
    assert parse_quantity("-4 kg") == (-4000.0, "g") and parse_quantity("about 4 kg") is None


def test_times_written_any_way_share_a_key():
    keys = _keys(time_key, ["2:07 PMDec 01", "14:07", "2:07p", "12/1/11 2:07 PM (-05:00)", "no time", ""])
    assert keys == ["14:07"] * 4 + ["", ""]


def test_option_specs_build_one_normaliser_per_attribute():
    norm = parse_normalizer(["time", "gate=text", "authors=list:|", "n=number:0.5", "q=quantity", "id=exact",
                             "who=authors"])
    assert norm.default is time_key
    assert norm.per_attribute["gate"] is text_key and norm.per_attribute["id"] is identity_key
    assert norm.per_attribute["who"] is author_key
    assert _keys(norm.for_attribute("authors"), ["b|a", "A | B"]) == ["a|b", "a|b"]
    assert len(set(_keys(norm.for_attribute("n"), ["1.1", "0.9"]))) == 1
    assert parse_normalizer([]).default is text_key
    spaced = parse_normalizer(["space", "c=case"])
    assert _keys(spaced.default, ["AB  c", " AB c", "ab c"]) == ["AB c", "AB c", "ab c"]  # case kept
    assert _keys(spaced.for_attribute("c"), ["AB c", "ab  c"]) == ["ab c", "ab  c"]  # spaces kept
    assert _keys(parse_normalizer(["list"]).default, ["b;a"]) == _keys(set_key(";"), ["a;b"])


@pytest.mark.parametrize("spec, message", [
    ("nope", "unknown kind 'nope'"), ("=time", "no attribute before '='"), ("", "empty value"),
    ("number:abc", "tolerance of number"), ("quantity:-1", "tolerance of quantity"), ("number:nan", "finite"),
    ("time:x", "time takes no argument"), ("a=zzz", "unknown kind 'zzz'"), ("space:1", "space takes no argument"),
])
def test_bad_specs_are_refused_with_one_line(spec, message):
    with pytest.raises(InputError, match=message):
        parse_normalizer([spec])


def _write(path, rows):
    pacsv.write_csv(pa.table({k: [r[i] for r in rows] for i, k in enumerate(("source", "object", "attribute",
                                                                             "value"))}), path)
    return path


def test_cli_normalize_merges_what_the_default_keeps_apart(tmp_path, capsys):
    claims = _write(tmp_path / "c.csv", [("a", "f1", "dep", "2:07 PMDec 01"), ("b", "f1", "dep", "14:07"),
                                          ("c", "f1", "dep", "1:55 PM"), ("a", "f1", "len", "1.5 km"),
                                          ("b", "f1", "len", "1,500 m"), ("c", "f1", "len", "2 km")])
    gold = tmp_path / "g.csv"
    pacsv.write_csv(pa.table({"object": ["f1", "f1"], "attribute": ["dep", "len"], "value": ["14:07", "1500 m"]}),
                    gold)
    base = ["fuse", str(claims), "--gold", str(gold), "-m", "majority-voting", "--json"]
    assert main(base) == 0
    before = json.loads(capsys.readouterr().out)["accuracy"]
    assert main([*base, "--normalize", "time", "--normalize", "len=quantity"]) == 0
    after = json.loads(capsys.readouterr().out)
    assert before["correct"] < 2 and after["accuracy"]["correct"] == 2 and after["candidates"] == 4


def test_cli_refuses_a_bad_normalize_option(tmp_path, capsys):
    claims = _write(tmp_path / "c.csv", [("a", "x", "p", "1")])
    assert main(["fuse", str(claims), "--normalize", "colour=rainbow"]) == 2
    assert "unknown kind 'rainbow'" in capsys.readouterr().err


def test_a_value_with_nothing_left_is_missing(tmp_path, capsys):
    claims = _write(tmp_path / "c.csv", [("a", "x", "t", "10:00"), ("b", "x", "t", "Not available")])
    assert main(["fuse", str(claims), "--normalize", "time", "-m", "majority-voting"]) == 2
    assert "empty after normalisation" in capsys.readouterr().err
    assert main(["fuse", str(claims), "--normalize", "time", "-m", "majority-voting", "--drop-missing",
                 "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["missing_dropped"] == 1


def test_one_default_method_everywhere(monkeypatch, tmp_path):
    """The library's fuse(), run_fuse (the CLI) and the case pipeline take their default from one function."""
    import sevenfold.fusion as fusion
    from sevenfold.fusion import case as case_mod
    from sevenfold.fusion import run

    claims = _write(tmp_path / "c.csv", [(s, f"o{i}", "p", f"v{(i + k) % 2}") for k, s in enumerate("abcdef")
                                         for i in range(6)])
    assert fusion.fuse(pacsv.read_csv(claims)).name == default_method(6) == "accu-copy"
    monkeypatch.setattr(run, "DEFAULT_METHOD", "crh")
    assert fusion.fuse(pacsv.read_csv(claims)).name == "crh"
    assert run_fuse(claims).method == "crh"
    used = []

    def spy(name, **kw):
        used.append(name)
        return make_method(name, **kw)

    monkeypatch.setattr("sevenfold.fusion.registry.make_method", spy)
    from tests.fusion.test_case_fusion import _case

    from sevenfold.model import case_from_data

    case_mod.case_fusion(case_from_data(_case(), "t"))
    assert used == ["crh"]


def _library_and_cli(tmp_path, capsys, name, claims, gold, norm_specs, loader_result):
    """Accuracy of the loader's path (sevenfold.fusion.datasets) and of `fuse` on the raw values."""
    from sevenfold.fusion.table_io import write_table

    write_table(claims, tmp_path / "claims.csv")
    write_table(gold, tmp_path / "gold.csv")
    l_claims, l_gold, l_norm = loader_result
    cm = ClaimMatrix.from_table(l_claims, normalizer=l_norm, missing="drop")
    lib = accuracy(make_method("accu-copy").fit(cm), l_gold, l_norm)
    args = ["fuse", str(tmp_path / "claims.csv"), "--gold", str(tmp_path / "gold.csv"), "--drop-missing", "--json",
            "--out", str(tmp_path / "t.csv")]
    for spec in norm_specs:
        args += ["--normalize", spec]
    assert main(args) == 0
    cli = json.loads(capsys.readouterr().out)["accuracy"]
    return lib, cli


@pytest.mark.skipif(not (DATA / "flight").is_dir(), reason="shared truth-discovery data not present")
def test_cli_on_raw_flight_values_reproduces_the_loader(tmp_path, capsys):
    from sevenfold.fusion import datasets

    claims, gold = datasets.raw_flight(DATA / "flight", days=1)
    lib, cli = _library_and_cli(tmp_path, capsys, "flight", claims, gold, datasets.NORMALIZE["flight"],
                                datasets.load_flight(DATA / "flight", days=1))
    assert (cli["correct"], cli["evaluated"]) == (lib.correct, lib.evaluated) and lib.accuracy > 0.8


@pytest.mark.skipif(not (DATA / "book").is_dir(), reason="shared truth-discovery data not present")
def test_cli_on_raw_book_values_reproduces_the_loader(tmp_path, capsys):
    from sevenfold.fusion import datasets

    claims, gold = datasets.raw_book(DATA / "book")
    lib, cli = _library_and_cli(tmp_path, capsys, "book", claims, gold, datasets.NORMALIZE["book"],
                                datasets.load_book(DATA / "book"))
    assert (cli["correct"], cli["evaluated"]) == (lib.correct, lib.evaluated) and lib.accuracy > 0.85


@pytest.mark.skipif(not (DATA / "book").is_dir(), reason="shared truth-discovery data not present")
def test_fuse_dataset_writes_raw_values_and_says_how_to_fuse_them(tmp_path, capsys):
    out, gold = tmp_path / "b.csv", tmp_path / "bg.csv"
    assert main(["fuse-dataset", "book", str(DATA / "book"), "--out", str(out), "--gold-out", str(gold)]) == 0
    printed = capsys.readouterr().out
    assert "--normalize authors" in printed
    t = pacsv.read_csv(out)
    assert t.column_names == ["source", "object", "attribute", "value"] and "Not Available" in t["value"].to_pylist()
    assert main(["fuse-dataset", "boat", str(DATA / "book"), "--out", str(out), "--gold-out", str(gold)]) == 2
