"""Splink dedupe of person records, on DuckDB and on Spark (local mode)."""

from __future__ import annotations

import csv
import importlib.util
import itertools
import json
import random
from pathlib import Path

import pytest

from sevenfold.cli import main
from sevenfold.errors import InputError
from sevenfold.names import dedupe_records
from sevenfold.names.dedupe import prepare_records

FIRST = ["Vasilii", "Ivan", "Nikolai", "Artur", "Genrikh", "Mikhail", "Pavel", "Sergei", "Petr", "Boris",
         "Grigorii", "Lev", "Fedor", "Semen", "Andrei", "Dmitrii", "Aleksei", "Konstantin", "Iakov", "Roman",
         "Stepan", "Anatolii", "Georgii", "Leonid", "Maksim"]
LAST = ["Zarubin", "Ezhov", "Artuzov", "Iagoda", "Frinovskii", "Sidorov", "Petrov", "Ivanov", "Kuznetsov",
        "Smirnov", "Popov", "Volkov", "Sokolov", "Lebedev", "Kozlov", "Novikov", "Morozov", "Orlov", "Egorov",
        "Pavlov", "Semenov", "Golubev", "Vinogradov", "Bogdanov", "Vorobev", "Fedorov", "Mikhailov", "Beliaev",
        "Tarasov", "Belov", "Komarov", "Kiselev", "Makarov", "Andreev", "Kovalev", "Ilin", "Gusev", "Titov",
        "Kuzmin", "Kudriavtsev", "Baranov", "Kulikov", "Alekseev", "Stepanov", "Iakovlev", "Sorokin"]
PLACES = ["Moscow", "Harbin", "Hsinking", "Kiev", "Leningrad", "Tiflis", "Omsk", "Kazan"]
ROLES = ["officer", "agent", "diplomat", "commissar"]
CYR = str.maketrans({"a": "а", "e": "е", "o": "о", "p": "р", "i": "и", "k": "к", "v": "в", "z": "з"})


def synthetic_people(n_people: int, seed: int) -> tuple[list[dict[str, str]], dict[str, int]]:
    """Records with the kinds of variation real files have: initials, order, romanisation, script."""
    rng = random.Random(seed)
    records, truth = [], {}
    for p in range(n_people):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        year, place, role = rng.randint(1870, 1915), rng.choice(PLACES), rng.choice(ROLES)
        for k in range(rng.randint(1, 3)):
            name = f"{first} {last}"
            r = rng.random()
            if r < 0.2:
                name = f"{first[0]}. {last}"
            elif r < 0.35:
                name = f"{last}, {first}"
            elif r < 0.5:
                name = name.replace("ii", "y").replace("v", "w")
            rec_place = "Changchun" if place == "Hsinking" and rng.random() < 0.5 else place
            rid = f"p{p}-{k}"
            records.append({"id": rid, "name": name, "birth_year": str(year + (rng.random() < 0.1)),
                            "place": rec_place, "role": role})
            truth[rid] = p
    return records, truth


def pairwise(clusters: dict[str, list[str]], truth: dict[str, int]) -> tuple[float, float]:
    predicted = {frozenset(p) for ids in clusters.values() for p in itertools.combinations(ids, 2)}
    by_person: dict[int, list[str]] = {}
    for rid, person in truth.items():
        by_person.setdefault(person, []).append(rid)
    actual = {frozenset(p) for ids in by_person.values() for p in itertools.combinations(ids, 2)}
    tp = len(predicted & actual)
    return (tp / len(predicted) if predicted else 0.0), (tp / len(actual) if actual else 0.0)


def test_prepare_canonicalises_places_and_names() -> None:
    table = prepare_records([
        {"name": "Ежов", "birth_year": "1895", "place": "Hsinking", "role": "commissar"},
        {"name": "Yezhov", "birth_year": "1895-05-01", "place": "Changchun", "role": "Commissar"},
    ])
    rows = table.to_pylist()
    assert rows[0]["name_key"] == rows[1]["name_key"]
    assert rows[0]["place_key"] == rows[1]["place_key"]
    assert rows[1]["birth_year"] == 1895 and rows[1]["role"] == "commissar"


def test_dedupe_finds_variants_and_writes_chart(tmp_path: Path) -> None:
    records, truth = synthetic_people(250, seed=3)
    chart, model = tmp_path / "weights.html", tmp_path / "model.json"
    res = dedupe_records(records, chart_path=chart, model_path=model)
    assert res.n_records == len(records)
    precision, recall = pairwise(res.multi_record_clusters(), truth)
    # exact-name baseline for comparison: identical name strings only
    exact: dict[str, list[str]] = {}
    for r in records:
        exact.setdefault(r["name"], []).append(r["id"])
    _, exact_recall = pairwise(exact, truth)
    assert recall > exact_recall
    assert precision > 0.8, (precision, recall)
    assert chart.read_text(encoding="utf-8").lstrip().lower().startswith(("<!doctype html", "<html"))
    assert json.loads(model.read_text(encoding="utf-8"))["comparisons"]
    trained = [p for p in res.parameters if p["m"] is not None and p["u"] is not None]
    assert trained and all(0 < p["m"] <= 1 and 0 < p["u"] <= 1 for p in trained)


def test_dedupe_bad_input() -> None:
    with pytest.raises(InputError, match="birth_year"):
        prepare_records([{"name": "X", "birth_year": "eighteen-ninety", "place": "", "role": ""}])
    with pytest.raises(InputError, match="at least 2"):
        dedupe_records([{"name": "X", "birth_year": "1900", "place": "", "role": ""}])
    with pytest.raises(InputError, match="backend"):
        dedupe_records([{"name": "X", "birth_year": "1900", "place": "", "role": ""}] * 3, backend="oracle")


def test_spark_backend_without_pyspark_says_what_to_install() -> None:
    if importlib.util.find_spec("pyspark") is not None:
        pytest.skip("pyspark is installed; the Spark run is tested below")
    with pytest.raises(InputError, match="spark"):
        dedupe_records([{"name": "X", "birth_year": "1900", "place": "", "role": ""}] * 3, backend="spark")


@pytest.mark.spark
def test_spark_backend_finds_what_duckdb_finds() -> None:
    """Splink on Spark (local mode, Splink's similarity jar, a checkpoint directory): the same kind of
    model and nearly the same clusters as on DuckDB. Not identical: Splink samples the pairs that
    estimate u with each backend's own random functions, so u (and through EM, m) differ slightly."""
    if importlib.util.find_spec("pyspark") is None:
        pytest.skip("the spark extra is not installed")
    import shutil

    if shutil.which("java") is None:
        pytest.skip("no Java runtime (Spark needs Java 17+)")
    records, truth = synthetic_people(120, seed=5)
    duck = dedupe_records(records, backend="duckdb")
    spark = dedupe_records(records, backend="spark")
    assert spark.n_records == len(records) and spark.pairs_scored > 0
    both = [pairwise(r.multi_record_clusters(), truth) for r in (duck, spark)]
    (_, r_duck), (p_spark, r_spark) = both
    assert p_spark > 0.8 and r_spark >= r_duck - 0.05, both

    def pairs(res):  # type: ignore[no-untyped-def]
        return {frozenset(p) for ids in res.multi_record_clusters().values() for p in itertools.combinations(ids, 2)}

    a, b = pairs(duck), pairs(spark)
    assert len(a & b) / len(a | b) >= 0.9, (len(a), len(b), len(a & b))


def test_cli_dedupe(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records, _ = synthetic_people(120, seed=5)
    src = tmp_path / "people.csv"
    with src.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["id", "name", "birth_year", "place", "role"])
        w.writeheader()
        w.writerows(records)
    out, chart = tmp_path / "clusters.csv", tmp_path / "chart.html"
    code = main(["names", "dedupe", str(src), "--out", str(out), "--chart", str(chart), "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["records"] == len(records) and chart.exists()
    with out.open(encoding="utf-8") as fh:
        assert len(list(csv.DictReader(fh))) == len(records)
    bad = tmp_path / "bad.csv"
    bad.write_text("name,year\nX,1900\n", encoding="utf-8")
    assert main(["names", "dedupe", str(bad)]) == 2
