"""'-' for standard input or output on EVERY option that reads or writes a file.

``OPTIONS`` classifies each such option of each command (a new one that is not classified fails
``test_every_file_option_is_classified``) and names the test that runs it with '-'. When a command's
data goes to standard output, the rest of what it prints (tables, 'wrote …', the --json summary) goes
to standard error; two outputs naming '-' are refused with one line, exit 2.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from sevenfold.cli import app, main
from tests.model.test_case_files import MINIMAL

CLAIMS = "source,object,attribute,value\na,x,y,1\nb,x,y,1\nc,x,y,2\nc,z,y,3\na,z,y,3\n"
GOLD = "object,attribute,value\nx,y,1\nz,y,3\n"

# (command, option or argument name) -> (kind, test that runs it with '-')
#   read: '-' is standard input; write: '-' is standard output; refused: '-' is refused with a reason
OPTIONS: dict[tuple[str, str], tuple[str, str]] = {
    ("validate", "file"): ("read", "test_case_file_arguments_read_stdin"),
    ("import", "file"): ("read", "test_case_file_arguments_read_stdin"),
    ("show", "case_ref"): ("read", "test_case_refs_read_stdin"),
    ("assess", "case_ref"): ("read", "test_case_refs_read_stdin"),
    ("report", "case_ref"): ("read", "test_case_refs_read_stdin"),
    ("provenance", "case_or_file"): ("read", "test_case_refs_read_stdin"),
    ("names resolve", "case_ref"): ("read", "test_case_refs_read_stdin"),
    ("export", "--out"): ("write", "test_export_text_formats_to_stdout"),
    ("report", "--out"): ("write", "test_report_to_stdout"),
    ("demo", "--report-dir"): ("refused", "test_folder_options_refuse_dash"),
    ("provenance", "--copies"): ("read", "test_provenance_copies_from_stdin"),
    ("cite audit", "text"): ("read", "test_cite_audit_stdin_and_csl_to_stdout"),
    ("cite audit", "--csl"): ("write", "test_cite_audit_stdin_and_csl_to_stdout"),
    ("cite import", "bibliography"): ("read", "test_cite_import_stdin_to_stdout"),
    ("cite import", "--out"): ("write", "test_cite_import_stdin_to_stdout"),
    ("fuse", "claims"): ("read", "test_fuse_truths_to_stdout"),
    ("fuse", "--gold"): ("read", "test_fuse_gold_and_verified_from_stdin"),
    ("fuse", "--verified"): ("read", "test_fuse_gold_and_verified_from_stdin"),
    ("fuse", "--out"): ("write", "test_fuse_truths_to_stdout"),
    ("fuse", "--sources-out"): ("write", "test_fuse_sources_to_stdout"),
    ("fuse-dataset", "root"): ("refused", "test_folder_options_refuse_dash"),
    ("fuse-dataset", "--out"): ("write", "test_fuse_dataset_to_stdout"),
    ("fuse-dataset", "--gold-out"): ("write", "test_fuse_dataset_to_stdout"),
    ("backup", "file"): ("write", "test_backup_to_stdout_restore_from_stdin"),
    ("restore", "file"): ("read", "test_backup_to_stdout_restore_from_stdin"),
    ("names match", "--pairs"): ("read", "test_names_match_pairs_and_out"),
    ("names match", "--out"): ("write", "test_names_match_pairs_and_out"),
    ("names match", "--aliases"): ("read", "test_names_alias_files_from_stdin"),
    ("names match", "--case"): ("read", "test_names_match_case_from_stdin"),
    ("names resolve", "--aliases"): ("read", "test_names_alias_files_from_stdin"),
    ("names dedupe", "records"): ("read", "test_names_dedupe_stdio"),
    ("names dedupe", "--out"): ("write", "test_names_dedupe_stdio"),
    ("names dedupe", "--chart"): ("write", "test_names_dedupe_stdio"),
    ("names dedupe", "--model"): ("write", "test_names_dedupe_stdio"),
    ("names alias add", "--file"): ("refused", "test_folder_options_refuse_dash"),
    ("names alias lookup", "--file"): ("read", "test_names_alias_files_from_stdin"),
    ("import-stix", "file"): ("read", "test_import_stix_stdin_to_stdout"),
    ("import-stix", "--out"): ("write", "test_import_stix_stdin_to_stdout"),
    ("import-csl", "file"): ("read", "test_imports_into_a_case_file_stdin_to_stdout"),
    ("import-csl", "--out"): ("write", "test_imports_into_a_case_file_stdin_to_stdout"),
    ("import-table", "file"): ("read", "test_imports_into_a_case_file_stdin_to_stdout"),
    ("import-table", "--out"): ("write", "test_imports_into_a_case_file_stdin_to_stdout"),
    ("import-ftm", "file"): ("read", "test_import_ftm_stdin"),
    ("import-ftm", "--out"): ("write", "test_import_ftm_stdin"),
    ("entry add", "data"): ("read", "test_entry_data_from_stdin"),
    ("entry replace", "data"): ("read", "test_entry_data_from_stdin"),
}
# string-typed arguments that name a file (the Path-typed ones are found by type)
FILE_STRINGS = {"case_ref", "case_or_file", "text", "bibliography", "data"}


def _file_options() -> set[tuple[str, str]]:
    import typer

    found: set[tuple[str, str]] = set()

    def walk(cmd: object, path: list[str]) -> None:
        subs = getattr(cmd, "commands", None)
        if subs:
            for name, sub in subs.items():
                walk(sub, [*path, name])
            return
        for p in cmd.params:  # type: ignore[attr-defined]
            annotation = getattr(getattr(p, "type_descriptor", None), "annotation", None)
            if annotation is Path or p.name in FILE_STRINGS or (path[-1:] == ["import"] and p.name == "out"):
                opt = next((o for o in p.opts if o.startswith("--")), p.name)
                found.add((" ".join(path), opt))

    walk(typer.main.get_command(app), [])
    return found


def test_every_file_option_is_classified() -> None:
    found = _file_options()
    assert found - OPTIONS.keys() == set(), "classify these in OPTIONS (and test them with '-')"
    assert OPTIONS.keys() - found == set(), "OPTIONS lists options that no longer exist"
    missing = {test for _, test in OPTIONS.values() if test not in globals()}
    assert missing == set()


# ---- fixtures --------------------------------------------------------------------------------------------



@pytest.fixture
def stored(db: Path, case_file: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["import", str(case_file)]) == 0
    capsys.readouterr()
    return "c1"


def _stdin(monkeypatch: pytest.MonkeyPatch, data: str | bytes) -> None:
    raw = data.encode() if isinstance(data, str) else data
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8"))


def _csv_rows(text: str) -> list[dict[str, str]]:
    import csv

    return list(csv.DictReader(io.StringIO(text)))


# ---- case files and refs ---------------------------------------------------------------------------------

def test_case_file_arguments_read_stdin(db: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    _stdin(monkeypatch, MINIMAL)
    assert main(["validate", "-", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["case"] == "c1"
    _stdin(monkeypatch, MINIMAL)
    assert main(["import", "-", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["case"] == "c1"


@pytest.mark.parametrize("argv", [["show"], ["assess"], ["provenance"], ["names", "resolve"]])
def test_case_refs_read_stdin(argv: list[str], monkeypatch: pytest.MonkeyPatch,
                              capsys: pytest.CaptureFixture[str]) -> None:
    _stdin(monkeypatch, MINIMAL)
    assert main([*argv, "-", "--json"]) == 0, capsys.readouterr().err
    assert json.loads(capsys.readouterr().out)


def test_report_to_stdout(db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("jinja2")
    _stdin(monkeypatch, MINIMAL)
    assert main(["report", "-", "--out", "-", "--json"]) == 0
    captured = capsys.readouterr()
    assert captured.out.lstrip().lower().startswith("<!doctype html")
    assert json.loads(captured.err)["out"] == "-"  # the summary keeps out of the report


# ---- export: every format to standard output -------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["yaml", "json", "csl"])
def test_export_text_formats_to_stdout(fmt: str, stored: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", stored, "--format", fmt, "--out", "-", "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.err) == {"case": "c1", "format": fmt, "table": None, "out": "-"}
    if fmt == "yaml":
        from sevenfold.model import loads_case

        assert loads_case(captured.out).id == "c1"
    else:
        json.loads(captured.out)


def test_export_csv_table_to_stdout_reads_back(stored: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", stored, "--format", "csv", "--table", "claims", "--out", "-"]) == 0
    captured = capsys.readouterr()
    rows = _csv_rows(captured.out)
    assert [(r["source"], r["object"], r["attribute"], r["value"]) for r in rows] == [
        ("zarubin", "memo", "authentic", "true")]
    assert captured.err == ""
    assert main(["export", stored, "--format", "csv", "--table", "reports"]) == 0
    assert [r["id"] for r in _csv_rows(capsys.readouterr().out)] == ["r1"]


def test_export_parquet_table_to_stdout_is_read_by_pyarrow_and_pandas(
        db: Path, case_file: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    assert main(["import", str(case_file)]) == 0
    capsysbinary.readouterr()
    assert main(["export", "c1", "--format", "parquet", "--table", "claims", "--out", "-"]) == 0
    data = capsysbinary.readouterr().out
    assert data[:4] == b"PAR1"
    table = pq.read_table(io.BytesIO(data))
    assert table.column("object").to_pylist() == ["memo"]
    try:
        import pandas as pd
    except ImportError:  # pandas is not a dependency; when it is there, it reads the bytes too
        pass
    else:
        assert list(pd.read_parquet(io.BytesIO(data))["value"]) == ["true"]
    assert main(["export", "c1", "--format", "parquet", "--table", "reports"]) == 0
    assert pq.read_table(io.BytesIO(capsysbinary.readouterr().out)).column("id").to_pylist() == ["r1"]


def test_export_one_table_to_a_file_and_every_table_to_a_folder(stored: str, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    one = tmp_path / "claims.csv"
    assert main(["export", stored, "--format", "csv", "--table", "claims", "--out", str(one), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["out"] == str(one)
    assert _csv_rows(one.read_text())[0]["object"] == "memo"
    assert main(["export", stored, "--format", "csv", "--out", str(tmp_path / "all")]) == 0
    assert sorted(p.name for p in (tmp_path / "all").iterdir()) == ["claims.csv", "reports.csv"]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_tables_to_stdout_need_a_table_name(fmt: str, db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # refused before the store is read: the case need not exist
    assert main(["export", "c1", "--format", fmt]) == 2
    message = capsys.readouterr().err
    assert "--table" in message and "reports" in message and "claims" in message
    assert main(["export", "c1", "--format", fmt, "--table", "sources", "--json"]) == 2
    data = json.loads(capsys.readouterr().out)
    assert "unknown table 'sources'" in data["error"] and "reports, claims" in data["error"]


def test_table_option_is_for_tables_only(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "c1", "--format", "json", "--table", "claims"]) == 2
    assert "--table" in capsys.readouterr().err


def test_library_export_returns_one_table() -> None:
    import sevenfold
    from sevenfold.errors import InputError
    from sevenfold.model import loads_case

    case = loads_case(MINIMAL)
    text = sevenfold.export(case, "csv", table="claims")
    assert isinstance(text, str) and _csv_rows(text)[0]["value"] == "true"
    blob = sevenfold.export(case, "parquet", table="reports")
    assert isinstance(blob, bytes) and blob[:4] == b"PAR1"
    with pytest.raises(InputError, match="--table NAME"):
        sevenfold.export(case, "parquet")


# ---- fuse --------------------------------------------------------------------------------------------------

def test_fuse_truths_to_stdout(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _stdin(monkeypatch, CLAIMS)
    assert main(["fuse", "-", "--method", "majority-voting", "--out", "-"]) == 0
    captured = capsys.readouterr()
    rows = _csv_rows(captured.out)
    assert {(r["object"], r["value"]) for r in rows} == {("x", "1"), ("z", "3")}
    assert "source reliability" in captured.err  # the tables went to stderr
    _stdin(monkeypatch, CLAIMS)
    assert main(["fuse", "-", "--method", "majority-voting", "--out", "-", "--json"]) == 0
    captured = capsys.readouterr()
    assert len(_csv_rows(captured.out)) == 2
    summary = json.loads(captured.err)
    assert summary["out"] == "-" and summary["claims"] == 5 and "truths" not in summary


def test_fuse_sources_to_stdout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    claims = tmp_path / "claims.csv"
    claims.write_text(CLAIMS)
    assert main(["fuse", str(claims), "--method", "majority-voting", "--sources-out", "-", "--json"]) == 0
    captured = capsys.readouterr()
    assert {r["source"] for r in _csv_rows(captured.out)} == {"a", "b", "c"}
    assert json.loads(captured.err)["sources_out"] == "-"


def test_fuse_gold_and_verified_from_stdin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    claims = tmp_path / "claims.csv"
    claims.write_text(CLAIMS)
    _stdin(monkeypatch, GOLD)
    assert main(["fuse", str(claims), "--method", "majority-voting", "--gold", "-", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["accuracy"]["evaluated"] == 2
    _stdin(monkeypatch, "object,attribute,value\nx,y,2\n")
    assert main(["fuse", str(claims), "--method", "accu", "--verified", "-", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["verified"]["items_known"] == 1
    assert {(t["object"], t["value"]) for t in data["truths"]} >= {("x", "2")}


def test_fuse_refuses_two_stdio_uses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    claims = tmp_path / "claims.csv"
    claims.write_text(CLAIMS)
    assert main(["fuse", str(claims), "--out", "-", "--sources-out", "-"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "--out and --sources-out both name standard output" in captured.err
    _stdin(monkeypatch, GOLD)
    assert main(["fuse", "-", "--gold", "-", "--json"]) == 2
    assert "standard input" in json.loads(capsys.readouterr().out)["error"]


def test_fuse_refuses_a_missing_folder_before_fusing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    claims = tmp_path / "claims.csv"
    claims.write_text(CLAIMS)
    target = tmp_path / "no" / "such" / "truths.csv"
    assert main(["fuse", str(claims), "--out", str(target)]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not target.parent.exists()


def test_fuse_dataset_to_stdout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "book"
    root.mkdir()
    (root / "book.txt").write_text("s1\t111\tA book\tAnn Author\ns2\t111\tA book\tAnn Author; Bo B\n")
    (root / "book_golden.txt").write_text("111\tAnn Author\n")
    gold = tmp_path / "gold.csv"
    assert main(["fuse-dataset", "book", str(root), "--out", "-", "--gold-out", str(gold), "--json"]) == 0
    captured = capsys.readouterr()
    assert [r["source"] for r in _csv_rows(captured.out)] == ["s1", "s2"]
    assert json.loads(captured.err)["out"] == "-"
    assert _csv_rows(gold.read_text())[0]["object"] == "111"
    assert main(["fuse-dataset", "book", str(root), "--out", "-", "--gold-out", "-"]) == 2
    assert "both name standard output" in capsys.readouterr().err


# ---- provenance, cite -----------------------------------------------------------------------------------

def test_provenance_copies_from_stdin(case_file: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    _stdin(monkeypatch, "copier,original,probability\nzarubin,nobody,0.9\n")
    assert main(["provenance", str(case_file), "--copies", "-", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["origins"]
    _stdin(monkeypatch, "copier;original\nx;y\n")
    assert main(["provenance", str(case_file), "--copies", "-"]) == 2
    assert "<stdin>: line 2" in capsys.readouterr().err
    _stdin(monkeypatch, MINIMAL)
    assert main(["provenance", "-", "--copies", "-"]) == 2
    assert "can be read once" in capsys.readouterr().err


NOTES = "Text.[^1]\n\n[^1]: RGASPI, f. 17, op. 3, d. 1001, l. 5.\n"


def test_cite_audit_stdin_and_csl_to_stdout(monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    _stdin(monkeypatch, NOTES)
    assert main(["cite", "audit", "-", "--csl", "-"]) == 0
    captured = capsys.readouterr()
    assert isinstance(json.loads(captured.out), list)  # the CSL-JSON alone on stdout
    assert "RGASPI" in captured.err  # the audit table went to stderr
    _stdin(monkeypatch, NOTES)
    assert main(["cite", "audit", "-", "--csl", "-", "--json"]) == 2
    assert "both write to standard output" in json.loads(capsys.readouterr().out)["error"]


def test_cite_import_stdin_to_stdout(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _stdin(monkeypatch, '@book{k1, title={A Title}, author={Doe, Jane}, year={2001}}\n')
    assert main(["cite", "import", "-", "--out", "-", "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)[0]["title"] == "A Title"
    assert json.loads(captured.err) == {"format": "bibtex", "items": 1, "out": "-"}


# ---- store backup and restore ----------------------------------------------------------------------------

def test_backup_to_stdout_restore_from_stdin(tmp_path: Path, case_file: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    src, dst = tmp_path / "a.db", tmp_path / "b.db"
    assert main(["import", str(case_file), "--db", str(src)]) == 0
    capsysbinary.readouterr()
    assert main(["backup", "-", "--db", str(src), "--json"]) == 0
    captured = capsysbinary.readouterr()
    assert captured.out.startswith(b"SQLite format 3")
    assert json.loads(captured.err)["file"] == "-"  # the summary keeps out of the backup
    _stdin(monkeypatch, captured.out)
    assert main(["restore", "-", "--db", str(dst), "--json"]) == 0
    assert json.loads(capsysbinary.readouterr().out)["check"]["ok"] is True


# ---- names ------------------------------------------------------------------------------------------------

def test_names_match_pairs_and_out(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _stdin(monkeypatch, "a,b\nЕжов,Yezhov\n")
    assert main(["names", "match", "--pairs", "-", "--out", "-"]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines()[0] == "a,b,score,match"
    assert "scored 1 pairs" in captured.err


ALIASES = "- canonical: Vasilii Zarubin\n  kind: person\n  variants: [MAKSIM-ZZ]\n"


def test_names_alias_files_from_stdin(case_file: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    _stdin(monkeypatch, ALIASES)
    assert main(["names", "alias", "lookup", "MAKSIM-ZZ", "--file", "-", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["entities"][0]["canonical"] == "Vasilii Zarubin"
    _stdin(monkeypatch, ALIASES)
    assert main(["names", "match", "MAKSIM-ZZ", "Vasilii Zarubin", "--aliases", "-", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["match"] is True
    _stdin(monkeypatch, ALIASES)
    assert main(["names", "resolve", str(case_file), "--aliases", "-", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) is not None
    _stdin(monkeypatch, ALIASES)
    assert main(["names", "resolve", "-", "--aliases", "-"]) == 2
    assert "can be read once" in capsys.readouterr().err


def test_names_match_case_from_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _stdin(monkeypatch, MINIMAL)  # the case's source has the alias Василий Зарубин
    assert main(["names", "match", "Василий Зарубин", "Vasilii Zarubin", "--case", "-", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["match"] is True


def test_names_dedupe_stdio(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                            capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("splink")
    pytest.importorskip("duckdb")
    assert main(["names", "dedupe", "-", "--out", "-", "--chart", "-"]) == 2
    assert "both name standard output" in capsys.readouterr().err
    rows = ["id,name,birth_year,place,role"]
    people = ["Ivan Petrov", "Iwan Petrow", "Anna Smirnova", "Anna Smirnowa", "Boris Orlov", "Oleg Sokolov",
              "Pavel Volkov", "Pawel Wolkow", "Nina Popova", "Igor Lebedev"]
    for i in range(60):
        rows.append(f"{i},{people[i % 10]},{1900 + i % 7},{'Moscow' if i % 3 else 'Kiev'},agent")
    _stdin(monkeypatch, "\n".join(rows) + "\n")
    chart = tmp_path / "w.html"
    assert main(["names", "dedupe", "-", "--out", "-", "--chart", str(chart), "--json"]) == 0, \
        capsys.readouterr().err
    captured = capsys.readouterr()
    assert captured.out.splitlines()[0] == "id,cluster_id,name"
    assert json.loads(captured.err)["records"] == 60
    _stdin(monkeypatch, "\n".join(rows) + "\n")
    assert main(["names", "dedupe", "-", "--chart", "-", "--model", str(tmp_path / "m.json")]) == 0
    assert "<html" in capsys.readouterr().out.lower()
    _stdin(monkeypatch, "\n".join(rows) + "\n")
    assert main(["names", "dedupe", "-", "--chart", str(chart), "--model", "-"]) == 0
    assert isinstance(json.loads(capsys.readouterr().out), dict)


# ---- imports into a case file ---------------------------------------------------------------------------

def test_import_stix_stdin_to_stdout(stored: str, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("stix2")
    from sevenfold.model import loads_case

    assert main(["export", stored, "--format", "stix"]) == 0
    _stdin(monkeypatch, capsys.readouterr().out)
    assert main(["import-stix", "-", "--case-id", "again", "--out", "-"]) == 0
    captured = capsys.readouterr()
    assert loads_case(captured.out).id == "again"
    assert "imported STIX bundle" in captured.err


def test_imports_into_a_case_file_stdin_to_stdout(case_file: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from sevenfold.model import loads_case

    _stdin(monkeypatch, json.dumps([{"id": "ref1", "type": "book", "title": "A Book"}]))
    assert main(["import-csl", "-", "--case", str(case_file), "--out", "-", "--json"]) == 0
    captured = capsys.readouterr()
    assert len(loads_case(captured.out).documents) == 2
    assert json.loads(captured.err)["out"] == "-"
    _stdin(monkeypatch, "source,object,attribute,value\nzarubin,memo,date,1936\n")
    assert main(["import-table", "-", "--case", str(case_file), "--out", "-"]) == 0
    assert sum(len(r.claims) for r in loads_case(capsys.readouterr().out).reports) == 2


def test_import_ftm_stdin(case_file: Path, monkeypatch: pytest.MonkeyPatch,
                          capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("followthemoney")
    from sevenfold.model import loads_case

    entity = {"id": "p1", "schema": "Person", "properties": {"name": ["Jan Novak"]}}
    _stdin(monkeypatch, json.dumps(entity) + "\n")
    assert main(["import-ftm", "-", "--case", str(case_file), "--out", "-"]) == 0
    assert len(loads_case(capsys.readouterr().out).sources) == 2


def test_entry_data_from_stdin(stored: str, monkeypatch: pytest.MonkeyPatch,
                               capsys: pytest.CaptureFixture[str]) -> None:
    _stdin(monkeypatch, "{id: h9, statement: Other}")
    assert main(["entry", "add", stored, "hypotheses", "-", "--json"]) == 0
    _stdin(monkeypatch, "{id: h9, statement: Renamed}")
    assert main(["entry", "replace", stored, "hypotheses", "h9", "-", "--json"]) == 0
    capsys.readouterr()
    assert main(["show", stored, "--json"]) == 0
    hypotheses = {h["id"]: h["statement"] for h in json.loads(capsys.readouterr().out)["hypotheses"]}
    assert hypotheses["h9"] == "Renamed"


# ---- options where '-' cannot work: refused with the reason -------------------------------------------

@pytest.mark.parametrize("argv,message", [
    (["demo", "--report-dir", "-"], "one file per case"),
    (["names", "alias", "add", "A", "B", "--file", "-"], "rewritten in place"),
    (["fuse-dataset", "book", "-", "--out", "x.csv", "--gold-out", "g.csv"], "not a folder"),
])
def test_folder_options_refuse_dash(argv: list[str], message: str, db: Path, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    assert message in capsys.readouterr().err
