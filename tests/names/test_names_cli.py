"""`sevenfold names ...` end to end: JSON contract, batch files, resolve, alias, exit codes."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from sevenfold.cli import main

CASE = """\
format: sevenfold/1
case: {id: border-1938, title: Border reports, question: Who started it?}
actors:
  - {id: kwantung, name: Kwantung Army}
sources:
  - {id: s1, name: Nikolai Yezhov}
  - {id: s2, name: Ежов}
  - {id: s3, name: V. M. Zarubin}
  - {id: s4, name: Vasilii Mikhailovich Zarubin}
  - {id: s5, name: Ivan Petrov}
reports:
  - {id: r1, source: s1, text: "Troops massed near Hsinking; Ezhov informed."}
  - {id: r2, source: s3, text: "From Shinkyō: the Kwantung Army moves to Lake Khasan."}
  - {id: r3, source: s5, text: "Reports from Changchun and from Changkufeng."}
hypotheses:
  - {id: h1, statement: Japan}
  - {id: h2, statement: USSR}
"""


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_match_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "names", "match", "Ежов", "Jeschow", "--json")
    data = json.loads(out)
    assert code == 0 and set(data) == {"score", "match", "explanation"}
    assert data["match"] is True and 0 <= data["score"] <= 1


def test_match_human_output_and_no_match(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "names", "match", "Harbin", "Changchun")
    assert code == 0 and "no match" in out


def test_batch_pairs_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src, dst = tmp_path / "pairs.csv", tmp_path / "scored.csv"
    rows = [("Ежов", "Yezhov"), ("Hsinking", "Changchun"), ("Ivan Petrov", "Pavel Sidorov"), ("", "x")]
    with src.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["a", "b"])
        w.writerows(rows)
    code, _, err = run(capsys, "names", "match", "--pairs", str(src), "--out", str(dst))
    assert code == 0 and "4 pairs" in err
    with dst.open(encoding="utf-8") as fh:
        out = list(csv.DictReader(fh))
    assert [r["match"] for r in out] == ["true", "true", "false", "false"]
    assert list(out[0]) == ["a", "b", "score", "match"]
    assert out[0]["a"] == "Ежов"


@pytest.mark.parametrize("content", ["x,y\n1,2\n", "", "a\nfoo\n"])
def test_batch_bad_header_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str) -> None:
    src = tmp_path / "pairs.csv"
    src.write_text(content, encoding="utf-8")
    code, _, err = run(capsys, "names", "match", "--pairs", str(src), "--out", str(tmp_path / "o.csv"))
    assert code == 2 and "pairs.csv" in err
    assert not (tmp_path / "o.csv").exists()


@pytest.mark.parametrize("args", [["names", "match", "only-one"], ["names", "match", "--pairs", "nope.csv"],
                                  ["names", "match", "--pairs", "missing.csv", "--out", "o.csv"],
                                  ["names", "match", "a", "b", "--threshold", "2"]])
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    code, _, _ = run(capsys, *args)
    assert code == 2


def test_long_name_warns_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "names", "match", "Zarubin" * 100, "Zarubin", "--json")
    assert code == 0 and "truncated" in err
    json.loads(out)  # stdout stays pure JSON


def test_resolve_case(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(CASE, encoding="utf-8")
    code, out, _ = run(capsys, "names", "resolve", str(case), "--json")
    data = json.loads(out)
    assert code == 0
    merges = [sorted(m["items"]) for m in data["merges"]]
    assert ["sources[s1]", "sources[s2]"] in merges
    assert ["sources[s3]", "sources[s4]"] in merges
    assert not any("sources[s5]" in m for m in merges)
    for m in data["merges"]:
        assert m["links"] and all(link["why"] for link in m["links"])
    mentions = {(m["where"], m["text"]): m["resolves_to"] for m in data["mentions"]}
    assert mentions[("reports[r1].text", "Hsinking")] == "gazetteer:Changchun"
    assert mentions[("reports[r2].text", "Shinkyō")] == "gazetteer:Changchun"
    assert mentions[("reports[r1].text", "Ezhov")] == "sources[s1]"
    assert mentions[("reports[r2].text", "Kwantung Army")] == "actors[kwantung]"
    groups = {g["entity"]: g["spellings"] for g in data["same_entity_mentions"]}
    assert groups["gazetteer:Changchun"] == ["Changchun", "Hsinking", "Shinkyō"]
    assert groups["gazetteer:Lake Khasan"] == ["Changkufeng", "Lake Khasan"]
    code, out, _ = run(capsys, "names", "resolve", str(case))
    assert code == 0 and "suggested merge" in out and "sources[s1]" in out


def test_resolve_bad_case_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = tmp_path / "case.yaml"
    case.write_text("format: sevenfold/1\ncase: {}\n", encoding="utf-8")
    code, _, err = run(capsys, "names", "resolve", str(case))
    assert code == 2 and "case.yaml" in err


def test_alias_add_then_match_uses_it(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                      _isolated_user_aliases: Path) -> None:
    code, _, _ = run(capsys, "names", "match", "MAKSIM", "Vasilii Zarubin", "--json")
    assert code == 0
    code, out, _ = run(capsys, "names", "alias", "add", "Vasilii Zarubin", "MAKSIM", "--kind", "codename", "--json")
    assert code == 0 and json.loads(out)["file"] == str(_isolated_user_aliases)
    code, out, _ = run(capsys, "names", "match", "MAKSIM", "Vasilii Zarubin", "--json")
    assert json.loads(out)["match"] is True
    code, out, _ = run(capsys, "names", "alias", "lookup", "maksim", "--json")
    assert [e["canonical"] for e in json.loads(out)["entities"]] == ["Vasilii Zarubin"]
    code, _, _ = run(capsys, "names", "alias", "add", "X", "Y", "--kind", "alien")
    assert code == 2


def test_alias_lookup_unknown_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run(capsys, "names", "alias", "lookup", "Springfield")
    assert code == 1


def test_info(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "names", "info", "--json")
    data = json.loads(out)
    assert code == 0 and set(data["engines"]) == {"cyrillic", "chinese", "japanese", "other"}


def test_pairs_file_with_a_bom_and_capital_headers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Review finding (session 6): a UTF-8 BOM (as Excel writes it) or an A,B header was refused."""
    src, dst = tmp_path / "pairs.csv", tmp_path / "scored.csv"
    src.write_bytes("\ufeffA, B \nЕжов,Yezhov\n".encode())
    code, _, err = run(capsys, "names", "match", "--pairs", str(src), "--out", str(dst))
    assert code == 0 and "1 pairs" in err
    with dst.open(encoding="utf-8") as fh:
        assert next(csv.DictReader(fh))["match"] == "true"


def test_resolve_a_stored_case_by_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Review finding (session 6): resolve took only a file, unlike assess and provenance."""
    case = Path(__file__).resolve().parents[2] / "src" / "sevenfold" / "data" / "zarubin-1937.yaml"
    db = str(tmp_path / "s.db")
    assert run(capsys, "import", str(case), "--db", db)[0] == 0
    from_store = run(capsys, "names", "resolve", "zarubin-1937", "--db", db, "--json")
    from_file = run(capsys, "names", "resolve", str(case), "--json")
    assert from_store[0] == from_file[0] == 0
    assert json.loads(from_store[1]) == json.loads(from_file[1])
