"""The interop and report commands end to end through sevenfold.cli.main: exit codes, files, the store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from sevenfold.cli import main
from sevenfold.model import dump_case
from sevenfold.store import Store

from .conftest import without_reports


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cli.db"
    monkeypatch.setenv("SEVENFOLD_DB", str(path))
    return path


@pytest.fixture
def case_file(tmp_path: Path, small_case) -> Path:
    f = tmp_path / "fixture.yaml"
    f.write_text(dump_case(small_case), encoding="utf-8")
    return f


def test_report_html_from_file_and_store(db, case_file, tmp_path, capsys):
    out = tmp_path / "r.html"
    assert main(["report", str(case_file), "--format", "html", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert main(["import", str(case_file)]) == 0
    out2 = tmp_path / "r2.html"
    assert main(["report", "fixture", "--out", str(out2)]) == 0
    assert "Fixture &lt;case&gt;" in out2.read_text(encoding="utf-8")
    assert main(["report", "fixture", "--format", "docx", "--out", str(out2)]) == 2
    assert "unknown report format" in capsys.readouterr().err


@pytest.mark.parametrize("fmt, name", [("stix", "x.json"), ("csl", "x.csl.json"), ("ftm", "x.ftm.json"),
                                       ("csv", "tables"), ("parquet", "tables")])
def test_export_formats_through_the_case_command(db, case_file, tmp_path, fmt, name):
    assert main(["import", str(case_file)]) == 0
    out = tmp_path / name
    assert main(["export", "fixture", "--format", fmt, "--out", str(out)]) == 0
    assert out.exists()


def test_stix_export_import_cycle_in_the_store(db, case_file, tmp_path, capsys):
    assert main(["import", str(case_file)]) == 0
    bundle = tmp_path / "b.json"
    assert main(["export", "fixture", "--format", "stix", "--out", str(bundle)]) == 0
    capsys.readouterr()
    assert main(["import-stix", str(bundle), "--case-id", "copy", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["case"] == "copy" and summary["reports"] == 3 and summary["unmapped"] == {}
    with Store(str(db)) as store:
        assert store.load_case("copy").reports == store.load_case("fixture").reports


def test_malformed_bundle_leaves_the_store_untouched(db, tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"type": "bundle", "id": "bundle--1",
                               "objects": [{"type": "report", "id": "report--1"}]}))
    assert main(["import-stix", str(bad), "--case-id", "nope"]) == 2
    assert "nothing was imported" in capsys.readouterr().err
    with Store(str(db)) as store:
        assert not store.has_case("nope")


def test_import_table_into_stored_case_is_one_transaction(db, small_case, tmp_path, capsys):
    stripped = tmp_path / "stripped.yaml"
    stripped.write_text(dump_case(without_reports(small_case)), encoding="utf-8")
    assert main(["import", str(stripped)]) == 0
    tables = tmp_path / "t"
    from sevenfold.interop import export_case

    export_case(small_case, "csv", tables)
    bad = tmp_path / "bad.csv"
    bad.write_text("id,source\nr9,s1\nr9,s1\n", encoding="utf-8")
    assert main(["import-table", str(bad), "--case", "fixture"]) == 2
    with Store(str(db)) as store:
        assert store.load_case("fixture").reports == []  # the failed import changed nothing
    assert main(["import-table", str(tables / "reports.csv"), "--case", "fixture"]) == 0
    assert main(["import-table", str(tables / "claims.csv"), "--case", "fixture", "--json"]) == 0
    assert '"claims_added": 1' in capsys.readouterr().out
    with Store(str(db)) as store:
        assert store.load_case("fixture").reports == small_case.reports


def test_import_csl_into_a_case_file_needs_out(case_file, tmp_path, capsys):
    refs = tmp_path / "refs.json"
    refs.write_text(json.dumps([{"id": "k", "type": "book", "title": "Hitler"}]), encoding="utf-8")
    assert main(["import-csl", str(refs), "--case", str(case_file)]) == 2
    assert "give --out FILE" in capsys.readouterr().err
    out = tmp_path / "extended.yaml"
    assert main(["import-csl", str(refs), "--case", str(case_file), "--out", str(out)]) == 0
    assert [d["id"] for d in yaml.safe_load(out.read_text())["documents"]] == ["d1", "k"]
