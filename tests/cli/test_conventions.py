"""CLI conventions: -h, --version, completion, '-' for stdin/stdout, --json everywhere (errors too),
--quiet, no password printed, and a way for an admin to reach cases imported with the CLI."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from sevenfold.cli import app, main
from tests.model.test_case_files import MINIMAL


def _stdin(monkeypatch: pytest.MonkeyPatch, data: str | bytes) -> None:
    raw = data.encode() if isinstance(data, str) else data
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8"))


def _leaf_commands() -> list[tuple[str, object]]:
    import typer

    out: list[tuple[str, object]] = []

    def walk(cmd: object, path: list[str]) -> None:
        subs = getattr(cmd, "commands", None)
        if subs:
            for name, sub in subs.items():
                walk(sub, [*path, name])
        else:
            out.append((" ".join(path), cmd))

    walk(typer.main.get_command(app), [])
    return out


# ---- help, version, completion -----------------------------------------------------------------

def test_version_matches_the_package(capsys: pytest.CaptureFixture[str]) -> None:
    import tomllib

    version = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())["project"]["version"]
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"sevenfold {version}"


@pytest.mark.parametrize("argv", [["-h"], ["validate", "-h"], ["cite", "-h"], ["user", "grant", "-h"]])
def test_dash_h_is_help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 0
    assert "Usage:" in capsys.readouterr().out


def test_python_dash_m_sevenfold(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "sevenfold", "--version"], capture_output=True, text=True,
                          cwd=tmp_path, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("sevenfold ")


def test_shell_completion_script(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--show-completion", "bash"]) == 0
    assert "_SEVENFOLD_COMPLETE" in capsys.readouterr().out


def test_completion_completes_command_names(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
                                            ) -> None:
    monkeypatch.setenv("_SEVENFOLD_COMPLETE", "complete_bash")
    monkeypatch.setenv("COMP_WORDS", "sevenfold vali")
    monkeypatch.setenv("COMP_CWORD", "1")
    main([])
    assert "validate" in capsys.readouterr().out


def test_bare_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    captured = capsys.readouterr()
    assert "Usage:" in captured.out + captured.err


# ---- --json everywhere ---------------------------------------------------------------------------

def test_every_command_takes_json() -> None:
    missing = [name for name, cmd in _leaf_commands()
               if not any("--json" in getattr(p, "opts", []) for p in cmd.params)]  # type: ignore[attr-defined]
    assert missing == []


def test_every_command_has_an_example() -> None:
    missing = [name for name, cmd in _leaf_commands() if "Example" not in (cmd.help or "")]  # type: ignore[attr-defined]
    assert missing == []


def _json_error(capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert set(data) == {"error", "problems"}, data
    assert isinstance(data["error"], str) and data["error"]
    return data


def test_json_error_for_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", str(tmp_path / "nope.yaml"), "--json"]) == 2
    data = _json_error(capsys)
    assert "no such file" in str(data["error"]) and data["problems"] == []


def test_json_error_lists_case_problems(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(MINIMAL.replace("source: zarubin\n", "source: nobody\n"))
    assert main(["import", str(bad), "--json"]) == 2
    data = _json_error(capsys)
    problems = data["problems"]
    assert isinstance(problems, list) and problems
    assert {"file", "kind", "entry", "field", "message"} <= set(problems[0])
    assert any(p["field"] == "source" and "nobody" in p["message"] for p in problems)


def test_json_error_for_usage_and_not_found(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "no-such-case", "--json"]) == 2
    assert "no-such-case" in str(_json_error(capsys)["error"])
    assert main(["list", "--no-such-option", "--json"]) == 2
    assert "--no-such-option" in str(_json_error(capsys)["error"])


def test_errors_without_json_stay_on_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", str(tmp_path / "nope.yaml")]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "no such file" in captured.err


def test_import_init_report_json(db: Path, case_file: Path, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["ready"] is True
    assert main(["import", str(case_file), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["case"] == "c1" and data["revision"] == 1 and data["reports"] == 1 and data["claims"] == 1
    pytest.importorskip("jinja2")
    out = tmp_path / "r.html"
    assert main(["report", "c1", "--out", str(out), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["out"] == str(out) and out.stat().st_size > 0


# ---- --quiet -------------------------------------------------------------------------------------

def test_quiet_anywhere_drops_tables_but_not_json_or_errors(db: Path, case_file: Path, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(case_file), "--quiet"]) == 0
    assert main(["list", "--quiet"]) == 0
    assert main(["--quiet", "validate", str(case_file)]) == 0
    assert main(["provenance", str(case_file), "--quiet"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
    assert main(["list", "--json", "--quiet"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["case"] == "c1"
    assert main(["show", "nope", "--quiet"]) == 2
    assert "nope" in capsys.readouterr().err
    assert main(["list"]) == 0  # quiet does not stick to the next command
    assert "c1" in capsys.readouterr().out


def test_quiet_after_double_dash_is_an_argument(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--", "--quiet"]) == 2
    assert "--quiet" in capsys.readouterr().err


# ---- '-' for standard input and output -----------------------------------------------------------

def test_validate_and_import_read_stdin(db: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    _stdin(monkeypatch, MINIMAL)
    assert main(["validate", "-", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["case"] == "c1"
    _stdin(monkeypatch, MINIMAL)
    assert main(["import", "-"]) == 0
    _stdin(monkeypatch, MINIMAL.replace("source: zarubin\n", "source: nobody\n"))
    assert main(["validate", "-"]) == 2
    assert "<stdin>" in capsys.readouterr().err


def test_stdin_is_size_limited(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SEVENFOLD_LIMIT_FILE_BYTES", "100")
    _stdin(monkeypatch, MINIMAL)
    assert main(["validate", "-"]) == 2
    assert "file_bytes" in capsys.readouterr().err


def test_export_yaml_json_to_stdout_round_trips(db: Path, case_file: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    from sevenfold.model import loads_case

    assert main(["import", str(case_file)]) == 0
    capsys.readouterr()
    for fmt in ("yaml", "json"):
        assert main(["export", "c1", "--format", fmt, "--out", "-"]) == 0
        assert loads_case(capsys.readouterr().out) == loads_case(MINIMAL)


@pytest.mark.parametrize("fmt,module", [("stix", "stix2"), ("csl", None), ("ftm", "followthemoney")])
def test_every_file_export_goes_to_stdout(fmt: str, module: str | None, db: Path, case_file: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    if module:
        pytest.importorskip(module)
    assert main(["import", str(case_file)]) == 0
    capsys.readouterr()
    assert main(["export", "c1", "--format", fmt]) == 0
    out = capsys.readouterr().out
    if fmt == "ftm":
        entities = [json.loads(line) for line in out.splitlines() if line.strip()]
        assert entities and all("schema" in e for e in entities)
    elif fmt == "stix":
        assert json.loads(out)["type"] == "bundle"
    else:
        assert isinstance(json.loads(out), list)


def test_table_export_to_stdout_is_refused_clearly(db: Path, case_file: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(case_file)]) == 0
    assert main(["export", "c1", "--format", "csv"]) == 2
    assert "--out DIR" in capsys.readouterr().err


def test_stix_import_from_stdin_to_stdout(db: Path, case_file: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("stix2")
    from sevenfold.model import loads_case

    assert main(["import", str(case_file)]) == 0
    capsys.readouterr()
    assert main(["export", "c1", "--format", "stix"]) == 0
    _stdin(monkeypatch, capsys.readouterr().out)
    assert main(["import-stix", "-", "--case-id", "again", "--out", "-", "--json"]) == 0
    captured = capsys.readouterr()
    assert loads_case(captured.out).id == "again"  # the case alone on stdout, the summary on stderr
    assert json.loads(captured.err)["case"] == "again"


def test_fuse_reads_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _stdin(monkeypatch, "source,object,attribute,value\na,x,y,1\nb,x,y,1\nc,x,y,2\n")
    assert main(["fuse", "-", "--method", "majority-voting", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["claims"] == 3


# ---- no password printed -------------------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "postgresql+psycopg://sevenfold:s3cret-pw@db.example:5432/cases",
    "postgresql+psycopg://sevenfold@db.example/cases?password=s3cret-pw&sslmode=require",
])
def test_store_urls_are_printed_masked(url: str) -> None:
    from sevenfold.commands.case import masked_url

    shown = masked_url(url)
    assert "s3cret-pw" not in shown and "db.example" in shown


def test_init_on_postgres_does_not_print_the_password(pg_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    from sqlalchemy.engine import make_url

    password = "s3cret-pw-42"  # the test servers (scripts/start_postgres.sh) trust local users: any password
    db = make_url(pg_url).set(password=password).render_as_string(hide_password=False)
    if main(["init", "--db", db]) != 0:
        pytest.skip("this PostgreSQL server checks passwords")
    assert main(["init", "--db", db, "--json"]) == 0
    captured = capsys.readouterr()
    assert "store ready" in captured.out and "***" in captured.out
    assert password not in captured.out + captured.err


# ---- admins and cases imported with the CLI ------------------------------------------------------

def _user(db: Path, name: str) -> None:
    from sevenfold.store import Store, accounts

    with Store(str(db)) as store:
        accounts.create_user(store, name, "correct horse battery", admin=True)


def _grants(db: Path, name: str) -> dict[str, str]:
    from sevenfold.store import Store, accounts

    with Store(str(db)) as store:
        return dict(accounts.grants_of_user(store, accounts.get_user(store, name).pk))


def test_import_owner_grants_the_case(db: Path, case_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("argon2")
    _user(db, "alice")
    assert main(["import", str(case_file), "--owner", "alice"]) == 0
    assert _grants(db, "alice") == {"c1": "owner"}
    assert main(["import", str(case_file), "--replace", "--owner", "nobody"]) == 2
    assert "nobody" in capsys.readouterr().err


def test_import_owner_unknown_user_stores_nothing(db: Path, case_file: Path) -> None:
    assert main(["import", str(case_file), "--owner", "nobody"]) == 2
    from sevenfold.store import Store

    with Store(str(db)) as store:
        assert store.list_cases() == []


def test_user_grant_all_cases(db: Path, case_file: Path, tmp_path: Path,
                              capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("argon2")
    other = tmp_path / "c2.yaml"
    other.write_text(MINIMAL.replace("{id: c1,", "{id: c2,"))
    assert main(["import", str(case_file)]) == 0
    assert main(["import", str(other)]) == 0
    _user(db, "alice")
    assert _grants(db, "alice") == {}
    capsys.readouterr()
    assert main(["user", "grant", "alice", "--all-cases", "reader", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["cases"] == ["c1", "c2"]
    assert _grants(db, "alice") == {"c1": "reader", "c2": "reader"}
    assert main(["user", "grant", "alice", "c1", "owner"]) == 0
    assert _grants(db, "alice")["c1"] == "owner"
    assert main(["user", "grant", "alice", "--all-cases", "emperor"]) == 2
    assert main(["user", "grant", "alice", "c1"]) == 2


# ---- optional dependencies -----------------------------------------------------------------------

def test_missing_postgres_driver_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    from sevenfold.errors import StoreError
    from sevenfold.store.engine import make_engine

    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(StoreError, match=r"sevenfold\[postgres\]") as info:
        make_engine("postgresql+psycopg://u:pw@localhost/db")
    assert "pw" not in str(info.value).replace("psycopg", "")


def test_missing_stix2_names_the_stix_extra(db: Path, case_file: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(case_file)]) == 0
    monkeypatch.setitem(sys.modules, "stix2", None)
    monkeypatch.setitem(sys.modules, "stix2.v21", None)
    assert main(["export", "c1", "--format", "stix"]) == 2
    assert "sevenfold[stix]" in capsys.readouterr().err


def test_missing_splink_names_the_names_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    records = tmp_path / "people.csv"
    records.write_text("id,name,birth_year,place,role\n1,Ivan Petrov,1900,Moscow,agent\n")
    monkeypatch.setitem(sys.modules, "splink", None)
    assert main(["names", "dedupe", str(records)]) == 2
    assert "sevenfold[names]" in capsys.readouterr().err


def test_names_match_pairs_stdin_to_stdout(monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    _stdin(monkeypatch, "a,b\nЕжов,Yezhov\nIvanov,Petrov\n")
    assert main(["names", "match", "--pairs", "-", "--out", "-", "--json"]) == 0
    captured = capsys.readouterr()
    rows = captured.out.splitlines()
    assert rows[0] == "a,b,score,match" and len(rows) == 3
    assert json.loads(captured.err)["pairs"] == 2  # the summary keeps out of the data


def test_backup_to_stdout_restores_from_stdin(tmp_path: Path, case_file: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    src, dst = tmp_path / "a.db", tmp_path / "b.db"
    assert main(["import", str(case_file), "--db", str(src)]) == 0
    capsysbinary.readouterr()
    assert main(["backup", "-", "--db", str(src)]) == 0
    data = capsysbinary.readouterr().out
    assert data.startswith(b"SQLite format 3")
    _stdin(monkeypatch, data)
    assert main(["restore", "-", "--db", str(dst), "--json"]) == 0
    assert json.loads(capsysbinary.readouterr().out)["check"]["ok"] is True
    assert main(["list", "--db", str(dst), "--json"]) == 0
    assert [c["case"] for c in json.loads(capsysbinary.readouterr().out)] == ["c1"]


def test_import_table_reads_parquet_from_stdin(db: Path, case_file: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    table = pa.table({"source": ["zarubin"], "object": ["memo"], "attribute": ["date"], "value": ["1936"]})
    pq.write_table(table, tmp_path / "claims.parquet")
    assert main(["import", str(case_file)]) == 0
    capsys.readouterr()
    _stdin(monkeypatch, (tmp_path / "claims.parquet").read_bytes())
    assert main(["import-table", "-", "--case", "c1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["claims_added"] == 1
