"""`sevenfold provenance`, `burn` and `unburn` through the real CLI app."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sevenfold.cli import app, main
from sevenfold.model import dump_case
from sevenfold.store import Store

runner = CliRunner()


@pytest.fixture()
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    path = str(tmp_path / "s.db")
    monkeypatch.setenv("SEVENFOLD_DB", path)
    return path


@pytest.fixture()
def case(build):
    reports = [{"id": "r1", "source": "agent", "date": "1937-01", "text": "x"},
               {"id": "r2", "source": "agent", "date": "1937-07"},
               {"id": "r3", "source": "analyst", "date": "1937-08", "derived_from": ["r2"]},
               {"id": "r4", "source": "other", "date": "1937-08", "via": ["a", "b"]}]
    ratings = [{"report": "r2", "hypothesis": "h1", "consistency": "C"},
               {"report": "r3", "hypothesis": "h1", "consistency": "CC"},
               {"report": "r2", "hypothesis": "h2", "consistency": "I"},
               {"report": "r3", "hypothesis": "h2", "consistency": "I"}]
    return build(reports, ratings=ratings, actors=[{"id": "abwehr"}])


@pytest.fixture()
def stored(case, db):
    with Store(db) as store:
        store.import_case(case)
    return case.id


def test_provenance_json_on_a_file(case, tmp_path):
    f = tmp_path / "c.yaml"
    f.write_text(dump_case(case))
    result = runner.invoke(app, ["provenance", str(f), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["case"] == "t"
    assert [o["reports"] for o in data["origins"]] == [["r1"], ["r2", "r3"], ["r4"]]
    kinds = {a["kind"] for a in data["alerts"]}
    assert {"single_origin", "common_origin", "hearsay_depth"} <= kinds


def test_provenance_tables_on_a_stored_case_with_copies(stored, tmp_path, build, db):
    copies = tmp_path / "copies.csv"
    copies.write_text("copier,original,probability\nanalyst,agent,0.9\n")
    result = runner.invoke(app, ["provenance", stored, "--copies", str(copies)])
    assert result.exit_code == 0, result.output
    assert "independent origins" in result.stdout and "single_origin" in result.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    assert main(["provenance", stored, "--copies", str(bad)]) == 2


def test_burn_stores_and_unburn_removes(stored, db):
    result = runner.invoke(app, ["burn", stored, "agent", "--since", "1937-06", "--actor", "abwehr",
                                 "--note", "defector", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [f["id"] for f in data["reports"]] == ["r2"] and [f["id"] for f in data["derived"]] == ["r3"]
    assert data["burn"]["id"] == "burn-1" and data["burn"]["note"] == "defector"
    with Store(db) as store:
        loaded = store.load_case(stored)
    assert [(b.id, b.source, b.since, b.actor) for b in loaded.burns] == [("burn-1", "agent", "1937-06", "abwehr")]

    shown = runner.invoke(app, ["provenance", stored, "--json"])
    burned = [a for a in json.loads(shown.stdout)["alerts"] if a["kind"] == "burned_source"]
    assert burned and burned[0]["reports"] == ["r2", "r3"]

    table = runner.invoke(app, ["burn", stored, "agent", "--since", "1937-01"])
    assert table.exit_code == 0 and "r1" in table.stdout and "burn-2" in table.stdout

    undone = runner.invoke(app, ["unburn", stored, "burn-1", "--json"])
    assert undone.exit_code == 0, undone.output
    assert [b["id"] for b in json.loads(undone.stdout)["removed"]] == ["burn-1"]
    undone = runner.invoke(app, ["unburn", stored, "agent"])
    assert undone.exit_code == 0 and "burn-2" in undone.stdout
    with Store(db) as store:
        assert store.load_case(stored).burns == []


def test_bad_input_exits_2_with_a_message(stored, capsys):
    assert main(["burn", stored, "ghost", "--since", "1937"]) == 2
    assert "ghost" in capsys.readouterr().err
    assert main(["burn", stored, "agent", "--since", "June 1937"]) == 2
    assert "since" in capsys.readouterr().err
    assert main(["unburn", stored, "burn-7"]) == 2
    assert main(["burn", "no-such-case", "agent", "--since", "1937"]) == 2
    assert main(["provenance", "missing.yaml"]) == 2


@pytest.mark.parametrize("command", ["provenance", "burn", "unburn"])
def test_help_has_an_example(command):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0 and "Example: sevenfold " + command in result.stdout


def test_rules_can_be_switched_off_from_the_command_line(case, tmp_path):
    f = tmp_path / "c.yaml"
    f.write_text(dump_case(case))
    result = runner.invoke(app, ["provenance", str(f), "--without", "derived_from", "--json"])
    assert result.exit_code == 0, result.output
    assert [o["reports"] for o in json.loads(result.stdout)["origins"]] == [["r1"], ["r2"], ["r3"], ["r4"]]
    assert main(["provenance", str(f), "--without", "telepathy"]) == 2


def test_detect_copies_runs_fusion_and_joins_a_copier(build, tmp_path):
    import numpy as np

    rng = np.random.default_rng(0)
    reports = []
    values: dict[int, str] = {}
    for s in ["a", "b", "c", "orig"]:
        for k in range(40):
            v = "true" if rng.random() < 0.8 else f"false{int(rng.integers(0, 5))}"
            values[k] = v if s == "orig" else values.get(k, "")
            reports.append({"id": f"{s}-{k}", "source": s,
                            "claims": [{"object": f"i{k}", "attribute": "x", "value": v}]})
    for k in range(40):  # the copier repeats the original, errors included
        reports.append({"id": f"copier-{k}", "source": "copier",
                        "claims": [{"object": f"i{k}", "attribute": "x", "value": values[k]}]})
    f = tmp_path / "c.yaml"
    f.write_text(dump_case(build(reports)))
    plain = json.loads(runner.invoke(app, ["provenance", str(f), "--json"]).stdout)
    assert all(len(o["reports"]) == 1 for o in plain["origins"])
    result = runner.invoke(app, ["provenance", str(f), "--detect-copies", "--json"])
    assert result.exit_code == 0, result.output
    joined = {frozenset(o["reports"]) for o in json.loads(result.stdout)["origins"]}
    assert all(frozenset({f"orig-{k}", f"copier-{k}"}) in joined for k in range(40))


def test_tables_print_case_text_literally(build, tmp_path):
    case = build([{"id": "r[red]1", "source": "[bold]a", "via": ["x", "y"]},
                  {"id": "r2", "source": "b", "derived_from": ["r[red]1"]}])
    f = tmp_path / "c.yaml"
    f.write_text(dump_case(case))
    result = runner.invoke(app, ["provenance", str(f)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "r[red]1" in result.stdout and "[bold]a" in result.stdout


def test_provenance_json_says_which_rule_made_each_merge_and_what_was_only_read_together(build, tmp_path):
    case = build([{"id": "r1", "source": "a", "origin": "sub", "cited_in": "comp", "date": "1937"},
                  {"id": "r2", "source": "b", "origin": "sub", "cited_in": "comp", "date": "1937"},
                  {"id": "r3", "source": "c", "cited_in": "comp", "date": "1937"},
                  {"id": "r4", "source": "c", "derived_from": ["r3"]}],
                 documents=[{"id": "comp", "kind": "compilation", "date": "1989"}])
    path = tmp_path / "c.yaml"
    path.write_text(dump_case(case), encoding="utf-8")
    res = runner.invoke(app, ["provenance", str(path), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert [(m["origin"], m["rule"], m["reports"]) for m in out["merges"]] == [
        ("o2", "derived_from", ["r3", "r4"]), ("o1", "via", ["r1", "r2"])]
    assert any("comp" in note and "not a common origin" in note for note in out["read_in"])
    assert out["warnings"] == []


@pytest.mark.parametrize("name", ["zarubin-1937.yaml", "internal-threat-1937.yaml"])
def test_provenance_and_assess_name_the_same_support_alerts(name):
    from sevenfold.data import bundled_case_paths
    from sevenfold.pipeline import ASSESSMENT_ALERT_KINDS

    path = next(str(p) for p in bundled_case_paths() if p.name == name)
    prov = json.loads(runner.invoke(app, ["provenance", path, "--json"]).stdout)
    assessed = json.loads(runner.invoke(app, ["assess", path, "--json"]).stdout)

    def support(alerts):
        return sorted((a["kind"], a.get("hypothesis") or "", tuple(a.get("reports") or []))
                      for a in alerts if a["kind"] in ASSESSMENT_ALERT_KINDS)

    assert support(prov["alerts"]) == support(assessed["alerts"])
