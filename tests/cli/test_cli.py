"""The CLI contract: exit codes, messages, JSON shapes (contracts.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sevenfold.cli import main
from tests.model.test_case_files import MINIMAL


def test_validate_ok_and_bad(case_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(case_file)]) == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text(MINIMAL.replace("source: zarubin\n", "source: nobody\n"))
    assert main(["validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "reports[r1].source" in err and "nobody" in err and str(bad) in err.replace("\n", "")


def test_validate_json(case_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(case_file), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"valid": True, "case": "c1", "warnings": [], "problems": []}


def test_import_list_show_export_round_trip(db: Path, case_file: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(case_file)]) == 0
    assert main(["import", str(case_file)]) == 2  # already there
    capsys.readouterr()
    assert main(["list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [c["case"] for c in listed] == ["c1"]
    out = tmp_path / "out.json"
    assert main(["export", "c1", "--format", "json", "--out", str(out)]) == 0
    from sevenfold.model import load_case, loads_case

    assert load_case(out) == loads_case(MINIMAL)
    assert main(["show", "c1"]) == 0
    assert main(["show", "nope"]) == 2


def test_bad_import_leaves_store_unchanged(db: Path, case_file: Path, tmp_path: Path) -> None:
    assert main(["import", str(case_file)]) == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text(MINIMAL.replace("id: c1,", "id: c2,").replace("modality: document", "modality: x"))
    assert main(["import", str(bad)]) == 2
    from sevenfold.store import Store

    with Store(str(db)) as store:
        assert [c.case_id for c in store.list_cases()] == ["c1"]


def test_assess_json_contract(db: Path, case_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", str(case_file), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    for key in ("case", "as_of", "top", "confidence", "hypotheses", "sources", "reports", "origins", "linchpins",
                "verify_next", "alerts"):
        assert key in out
    assert out["case"] == "c1"
    for h in out["hypotheses"]:
        assert {"id", "posterior", "estimative", "inconsistency"} <= set(h)
    posts = [h["posterior"] for h in out["hypotheses"]]
    if all(p is not None for p in posts):
        assert posts == sorted(posts, reverse=True)
    for r in out["reports"]:
        assert {"id", "origin", "credibility", "diagnosticity"} <= set(r)
    for a in out["alerts"]:
        assert {"kind", "message", "reports", "hypothesis"} <= set(a)


def test_schema_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "sevenfold/1 case file"


def test_demo_runs_on_bundled_cases(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "zarubin-1937" in out and "Bottom line" in out


def test_unknown_command_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["no-such-command"]) == 2


def test_show_lists_burns_outcomes_and_aliases(db: Path, case_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Review finding (session 6): after a burn, `show` gave no sign of it: the source looked clean."""
    assert main(["import", str(case_file)]) == 0
    assert main(["burn", "c1", "zarubin", "--since", "1936-11", "--actor", "german-intelligence"]) == 0
    capsys.readouterr()
    assert main(["show", "c1"]) == 0
    out = capsys.readouterr().out
    assert "Burns" in out and "1936-11" in out and "german-intelligence" in out
    assert "Outcomes" in out and "report r1" in out and "confirmed" in out
