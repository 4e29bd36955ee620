"""Hostile citation inputs (outside attack 8): BibTeX @string bombs, dates that do not exist, RIS records
without ``ER``, NaN in CSL-JSON, jumps in the note numbering, many DOCX footnotes."""

from __future__ import annotations

import json
import time
import tracemalloc
from pathlib import Path

import pytest

from sevenfold.cite import audit
from sevenfold.cite.bibliography import read_bibliography
from sevenfold.cite.footnotes import extract, stream_notes
from sevenfold.errors import InputError, LimitExceeded

pytest.importorskip("bibtexparser")
pytest.importorskip("rispy")

HOSTILE = Path(__file__).parents[1] / "hostile" / "inputs" / "cite_inputs8"


def _bib(text: str) -> list[dict]:
    return read_bibliography(text.encode(), "t.bib")[1]


def _doubling(levels: int, seed: str = "xxxxxxxxxx") -> str:
    defs = [f'@string{{s0 = "{seed}"}}'] + [f"@string{{s{i} = s{i - 1} # s{i - 1}}}" for i in range(1, levels + 1)]
    return "\n".join(defs) + f"\n@book{{k1, title = s{levels}, author = {{X, Y}}, year = 1937}}\n"


# ---- BibTeX @string expansion -------------------------------------------------------------------------


def test_string_bomb_is_refused_before_it_is_expanded() -> None:
    tracemalloc.start()
    t0 = time.process_time()
    try:
        with pytest.raises(LimitExceeded, match=r"line 41: BibTeX entry @book\{k1\}.*field title"):
            _bib(_doubling(39))  # 10 * 2**39 characters
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.process_time() - t0 < 5
    assert peak < 50_000_000  # the expansion alone would be 5.5 TB


@pytest.mark.parametrize("levels", [5, 6, 7])
def test_string_expansion_is_exact_up_to_the_limit(levels: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEVENFOLD_LIMIT_CITE_TEXT_CHARS", "1000")
    size = 10 * 2**levels + len("X, Y") + len("1937")
    if size > 1000:
        with pytest.raises(LimitExceeded, match="SEVENFOLD_LIMIT_CITE_TEXT_CHARS"):
            _bib(_doubling(levels))
    else:
        assert _bib(_doubling(levels))[0]["title"] == "x" * (10 * 2**levels)


def test_empty_strings_cannot_make_the_expansion_slow() -> None:
    # every reference costs work even when it adds no text: 2**60 references to ""
    t0 = time.process_time()
    with pytest.raises(LimitExceeded):
        _bib(_doubling(60, seed=""))
    assert time.process_time() - t0 < 5


def test_a_long_chain_of_strings_needs_no_recursion() -> None:
    n = 2000  # deeper than the interpreter's recursion limit (1000)
    defs = ['@string{s0 = "x"}'] + [f'@string{{s{i} = s{i - 1} # "x"}}' for i in range(1, n)]
    items = _bib("\n".join(defs) + f"\n@book{{k, title = s{n - 1} # {{!}}, year = 1937}}\n")
    assert items[0]["title"] == "x" * n + "!"


def test_strings_month_macros_and_concatenation_still_work() -> None:
    items = _bib('@string{pub = "Yale University Press"}\n@string{yu = "Yale"}\n'
                 '@book{a, title = {T}, publisher = pub, address = yu # " and " # "London", year = 1937, '
                 'month = jun}\n')
    assert items[0]["publisher"] == "Yale University Press"
    assert items[0]["publisher-place"] == "Yale and London"
    assert items[0]["issued"] == {"date-parts": [[1937, 6]]}


@pytest.mark.parametrize(("bib", "message"), [
    ("@string{a = b}\n@string{b = a}\n@book{k1, title = a, year = 1937}\n", "field title uses @string a, which refers"),
    ("@book{k1, title = nowhere, year = 1937}\n", "field title uses @string nowhere, which is not defined"),
])
def test_undefined_or_circular_strings_name_the_entry_and_field(bib: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        _bib(bib)


# ---- dates ------------------------------------------------------------------------------------------


def test_impossible_year_and_month_are_both_named_never_cut() -> None:
    with pytest.raises(InputError) as err:
        read_bibliography((HOSTILE / "bigyear.bib").read_bytes(), "bigyear.bib")
    msg = str(err.value)
    assert "@book{k1}" in msg and "year '99999999999999999999999999'" in msg and "month '13'" in msg
    assert "\n" not in msg


@pytest.mark.parametrize(("fields", "issued"), [
    ("year = 1937, month = jun", {"date-parts": [[1937, 6]]}),
    ("year = 1937, month = {11}", {"date-parts": [[1937, 11]]}),
    ("year = 1937, month = {Sept.}", {"date-parts": [[1937, 9]]}),
    ("year = 1937, month = {Spring}", {"date-parts": [[1937]], "season": 1}),
    ("year = 1937, month = {May--June}", {"literal": "May--June 1937"}),
    ("year = {1937-1938}", {"date-parts": [[1937]]}),
    ("year = {1937-38}", {"date-parts": [[1937]]}),
    ("year = {n.d.}", {"literal": "n.d."}),
    ("date = {1937-05-12}", {"date-parts": [[1937, 5, 12]]}),
    ("date = {1936-02-29}", {"date-parts": [[1936, 2, 29]]}),
])
def test_bibtex_dates_keep_every_part(fields: str, issued: dict) -> None:
    assert _bib(f"@book{{k, title = {{T}}, {fields}}}\n")[0]["issued"] == issued


@pytest.mark.parametrize(("fields", "message"), [
    ("year = 12345", "year '12345' is not a year"),
    ("year = 1937, month = {0}", "month '0' is not a month"),
    ("date = {1937-02-30}", "no day 30 in month 2"),
    ("date = {1937-13}", "no month 13"),
])
def test_bibtex_impossible_dates_are_refused(fields: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        _bib(f"@book{{k, title = {{T}}, {fields}}}\n")


def test_thousands_of_digits_in_a_date_are_refused_in_one_short_line() -> None:
    with pytest.raises(InputError) as err:
        _bib("@book{k, title = {T}, year = {" + "9" * 100_000 + "}, month = {" + "1" * 5000 + "}}\n")
    assert len(str(err.value)) < 400 and "100,000 characters" in str(err.value)
    with pytest.raises(InputError, match="is not a year"):
        read_bibliography(b"TY  - BOOK\nPY  - " + b"9" * 100_000 + b"/01/01/\nER  - \n", "t.ris")


def test_ris_impossible_date_is_refused_and_a_good_one_kept() -> None:
    good = b"TY  - BOOK\r\nTI  - A\r\nPY  - 1937/05/12/\r\nER  - \r\n"
    assert read_bibliography(good, "a.ris")[1][0]["issued"] == {"date-parts": [[1937, 5, 12]]}
    with pytest.raises(InputError, match=r"RIS record 1 \('A'\): PY '1937/13/01/': no month 13"):
        read_bibliography(b"TY  - BOOK\nTI  - A\nPY  - 1937/13/01/\nER  - \n", "a.ris")


# ---- RIS records ------------------------------------------------------------------------------------


def test_ris_record_without_er_at_the_end_is_refused() -> None:
    with pytest.raises(InputError, match=r"line 6: RIS record 2 \('Second'\) has no 'ER  - ' line"):
        read_bibliography((HOSTILE / "ris_second_no_er.ris").read_bytes(), "x.ris")


def test_ris_record_without_er_before_the_next_is_refused() -> None:
    with pytest.raises(InputError, match=r"RIS record 1 \('First'\) has no 'ER  - ' line before the next record"):
        read_bibliography((HOSTILE / "ris_first_no_er.ris").read_bytes(), "x.ris")


def test_ris_tag_after_the_last_er_is_refused() -> None:
    with pytest.raises(InputError, match="line 4: text outside a RIS record"):
        read_bibliography(b"TY  - BOOK\nTI  - First\nER  - \nTI  - Stray\n", "x.ris")


def test_ris_records_separated_by_blank_lines_are_all_read() -> None:
    data = b"\n".join(f"TY  - BOOK\nTI  - T{k}\nER  - \n".encode() for k in range(5))
    assert [i["title"] for i in read_bibliography(data, "x.ris")[1]] == [f"T{k}" for k in range(5)]


# ---- CSL-JSON ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "shown"), [("NaN", "NaN"), ("Infinity", "Infinity"), ("-Infinity", "-Infinity"),
                                               ("1e400", "1e400")])
def test_csl_json_non_finite_numbers_are_refused(value: str, shown: str) -> None:
    text = '[{"id": "a", "type": "book", "title": "NaN", "number-of-pages": ' + value + "}]"
    column = text.rindex(value) + 1  # the number, not the same word inside the title
    with pytest.raises(InputError, match=f"line 1, column {column}: {shown} is not a JSON number"):
        read_bibliography(text.encode(), "x.json")


def test_import_csl_uses_the_same_csl_json_reader(tmp_path: Path) -> None:
    from sevenfold.interop.csl import import_csl
    from sevenfold.model import load_case

    case = load_case(Path(__file__).parents[1] / "hostile" / "inputs" / "input" / "minimal.yaml")
    with pytest.raises(InputError) as via_case:
        import_csl(HOSTILE / "nan.csl.json", case)
    with pytest.raises(InputError) as via_cite:
        read_bibliography((HOSTILE / "nan.csl.json").read_bytes(), str(HOSTILE / "nan.csl.json"))
    assert str(via_case.value) == str(via_cite.value)


def test_csl_json_output_is_strict_json() -> None:
    text = '[{"id": "a", "type": "book", "title": "X", "number-of-pages": 1.5, "issued": {"date-parts": [[1937]]}}]'
    items = read_bibliography(text.encode(), "x.json")[1]
    json.loads(json.dumps(items, allow_nan=False))


# ---- note numbering ---------------------------------------------------------------------------------


def _numbers(text: str, style: str = "auto") -> list[int]:
    return [n.n for n in extract(text, style)[1]]


@pytest.mark.parametrize(("name", "numbers", "problem"), [
    ("jump50.txt", [1, 50], "numbering gap: no note 2–49 between 1 and 50"),
    ("jump_ibid.txt", [1, 2, 3, 40], "numbering gap: no note 4–39 between 3 and 40"),
    ("gap999999.txt", [1, 999999], "numbering gap: no note 2–999998 between 1 and 999999"),
])
def test_a_far_jump_is_a_note_and_a_gap(name: str, numbers: list[int], problem: str) -> None:
    result = audit((HOSTILE / name).read_text(encoding="utf-8"))
    assert [f.n for f in result.footnotes] == numbers
    assert result.problems == [problem]


def test_the_note_after_a_jump_is_resolved_on_its_own() -> None:
    result = audit((HOSTILE / "jump_ibid.txt").read_text(encoding="utf-8"))
    assert result.footnote(40).citations[0].kind != "ibid"
    assert result.footnote(3).text == "Ibid."


def test_seven_digit_number_is_kept_as_text_and_reported() -> None:
    result = audit((HOSTILE / "sevendigit.txt").read_text(encoding="utf-8"))
    assert [f.n for f in result.footnotes] == [1, 2]
    assert "1000000. Kershaw" in result.footnote(2).text
    assert result.problems == ["line 5 looks like note 1000000 after note 2 (note numbers have at most six "
                               "digits): kept as text of note 2"]


def test_a_numbered_line_inside_an_unfinished_note_is_kept_and_reported() -> None:
    text = "Notes\n\n1. Robert Conquest, The Great Terror (New York,\n80. Oxford University Press), p. 5.\n2. Ibid.\n"
    result = audit(text)
    assert [f.n for f in result.footnotes] == [1, 2]
    assert "80. Oxford University Press" in result.footnote(1).text
    assert result.problems == ["line 4 looks like note 80 after note 1: kept as text of note 1"]


def test_a_chronology_before_the_first_note_is_not_a_note() -> None:
    text = "1937. Purges begin.\n1938. Munich.\n\nBody.\n\n1. RGASPI, f. 17, op. 1, d. 1.\n2. Ibid.\n"
    assert _numbers(text, "plain") == [1, 2]


def test_a_notes_section_may_start_at_any_number() -> None:
    assert _numbers("Body.\n\nNotes\n\n50. Kershaw, Hitler, p. 5.\n51. Ibid.\n") == [50, 51]


def test_pdf_footnote_area_jump_is_a_note() -> None:
    lines = [("1. RGASPI, f. 17, op. 1, d. 1.", 1), ("50. Kershaw, Hitler (London, 2000), p. 5.", 2),
             ("51. Ibid.", 3)]
    assert [n.n for n in stream_notes(lines)] == [1, 50, 51]


def test_pdf_footnote_area_jump_without_a_full_stop_is_a_note() -> None:
    lines = [("1 RGASPI, f. 17, op. 1, d. 1.", 1), ("50 Kershaw, Hitler (London, 2000), p. 5.", 2)]
    assert [n.n for n in stream_notes(lines)] == [1, 50]
    wrapped = [("1 Conquest, The Great Terror (New York,", 1), ("1990 Oxford UP), p. 5.", 2)]
    assert [(n.n, n.problems) for n in stream_notes(wrapped)] == [(1, [])]


def test_pdf_footnote_area_numbered_line_in_an_unfinished_note_is_reported() -> None:
    lines = [("1. Conquest, The Great Terror (New York,", 1), ("90. Oxford UP), p. 5.", 2)]
    notes = stream_notes(lines)
    assert [n.n for n in notes] == [1] and "90. Oxford UP" in notes[0].text
    assert notes[0].problems == ["line 2 looks like note 90 after note 1: kept as text of note 1"]


def test_superscript_jump_is_a_note() -> None:
    text = "Body text.¹\n\n¹ RGASPI, f. 17, op. 1, d. 1.\n\nMore body.⁵⁰\n\n⁵⁰ Kershaw, Hitler (London, 2000), p. 5.\n"
    result = audit(text, "superscript")
    assert [f.n for f in result.footnotes] == [1, 50]
    assert result.problems == ["numbering gap: no note 2–49 between 1 and 50"]


def test_cli_strict_fails_on_a_jump(capsys: pytest.CaptureFixture[str]) -> None:
    from sevenfold.cli import main

    code = main(["cite", "audit", str(HOSTILE / "jump50.txt"), "--json", "--strict"])
    out = capsys.readouterr()
    assert code == 1 and [f["n"] for f in json.loads(out.out)["footnotes"]] == [1, 50]
    assert "numbering gap: no note 2–49 between 1 and 50" in out.err


# ---- DOCX with many footnotes -----------------------------------------------------------------------


def _docx_notes_seconds(n: int) -> float:
    from sevenfold.cite.inputs import _docx_notes

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    xml = (f"<w:footnotes {w}>" + "".join(f'<w:footnote w:id="{i}"><w:p><w:r><w:t>RGASPI, f. 17, op. 1, d. {i}.'
                                          f"</w:t></w:r></w:p></w:footnote>" for i in range(1, n + 1))
           + "</w:footnotes>").encode()
    order = [str(i) for i in range(1, n + 1)]
    t0 = time.process_time()
    notes = _docx_notes(xml, "footnote", order)
    took = time.process_time() - t0
    assert [r.n for r in notes] == list(range(1, n + 1))
    return took


def test_docx_footnotes_are_read_in_linear_time() -> None:
    small = min(_docx_notes_seconds(2_000) for _ in range(2))
    large = min(_docx_notes_seconds(16_000) for _ in range(2))
    # 8 times the notes: about 8 times the time when linear, 64 times when quadratic
    assert large < 20 * max(small, 0.005), (small, large)


def test_docx_with_many_footnotes_end_to_end(tmp_path: Path) -> None:
    from tests.cite.fixtures.make_inputs import make_docx

    notes = [f"RGASPI, f. 17, op. 1, d. {k}." if k % 2 else "Ibid., l. 4." for k in range(1, 3001)]
    path = tmp_path / "many.docx"
    make_docx(path, notes)
    from sevenfold.cite import audit_file

    result = audit_file(str(path))
    assert [f.n for f in result.footnotes] == list(range(1, 3001)) and result.problems == []
    assert len(result.single_source_runs) == 1500
