"""Historian's files for `cite audit`: PDF, DOCX, TEI, Markdown, text; format from content; no silent loss."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sevenfold.cite import audit
from sevenfold.cite.inputs import read_notes, read_path, sniff
from sevenfold.errors import InputError

pytest.importorskip("pdfplumber")
pytest.importorskip("docx")

INPUTS = Path(__file__).parent / "fixtures" / "inputs"
HOSTILE = Path(__file__).parents[1] / "hostile" / "inputs" / "cite"
from tests.cite.fixtures.make_inputs import LONG, NOTES  # noqa: E402


def _clean(s: str) -> str:
    return " ".join(s.replace("*", "").split())


@pytest.mark.parametrize("name, fmt", [("footnotes.pdf", "pdf"), ("endnotes.pdf", "pdf"), ("footnotes.docx", "docx"),
                                       ("endnote_paragraphs.docx", "docx"), ("footnotes.tei.xml", "tei")])
def test_every_format_gives_every_note(name: str, fmt: str) -> None:
    doc = read_path(INPUTS / name)
    assert doc.format == fmt
    assert [n.n for n in doc.notes] == list(range(1, len(NOTES) + 1))
    for note, want in zip(doc.notes, NOTES, strict=True):
        assert _clean(note.text).startswith(_clean(want)), (name, note.n, note.text)


def test_pdf_note_continued_over_a_page_break_is_whole() -> None:
    import pdfplumber

    with pdfplumber.open(INPUTS / "split_note.pdf") as pdf:
        pages = [p.extract_text() or "" for p in pdf.pages]
    # the long note really is split over two pages in the fixture
    assert len(pages) == 2 and "Americans." in pages[1] and "Americans." not in pages[0]
    doc = read_path(INPUTS / "split_note.pdf")
    assert [n.n for n in doc.notes] == list(range(1, 9))
    assert _clean(doc.notes[3].text) == _clean(NOTES[3] + LONG)


def test_italics_survive_as_asterisks_so_titles_are_found() -> None:
    for name in ("footnotes.pdf", "footnotes.docx", "footnotes.tei.xml"):
        text = read_path(INPUTS / name).notes[7].text
        assert "*Hitler 1936–1945: Nemesis*" in text, (name, text)


def test_format_is_read_from_content_not_extension(tmp_path: Path) -> None:
    for name in ("footnotes.pdf", "footnotes.docx", "footnotes.tei.xml"):
        p = tmp_path / (name + ".txt")
        shutil.copy(INPUTS / name, p)
        assert len(read_path(p).notes) == len(NOTES)
    assert sniff(b"[^1]: Kershaw, p. 5.\n") == "text"
    assert sniff(b'[{"id": "a", "type": "book"}]') == "csl-json"
    assert sniff(b"@book{k,\n title={T}}") == "bibtex"
    assert sniff(b"TY  - BOOK\nER  - \n") == "ris"


@pytest.mark.parametrize("name, message", [
    ("scanned.pdf", "a PDF without a text layer"),
    ("no_notes.docx", "a Word document without notes"),
    ("no_notes.tei.xml", "a TEI file without notes"),
    ("image.png", "cannot read a PNG image"),
    ("legacy.doc", "legacy Word .doc"),
    ("malformed.bib", "use `sevenfold cite import`"),
])
def test_unreadable_files_get_one_line(name: str, message: str) -> None:
    with pytest.raises(InputError) as exc:
        read_path(HOSTILE / name)
    text = str(exc.value)
    assert message in text and "\n" not in text and "accepted:" in text


def test_form_feed_never_drops_a_note() -> None:
    text = "Notes\n14. Kershaw, *Hitler* (London, 1998), p. 5.\n15. Ibid., p. 6.\n\f16. Ibid., p. 7.\n"
    r = audit(text)
    assert [f.n for f in r.footnotes] == [14, 15, 16]
    assert r.footnote(16).citations[0].pages == "7"
    assert r.problems == []


def test_gap_and_duplicate_are_reported() -> None:
    r = audit("1. Kershaw, *Hitler* (London, 1998), p. 5.\n2. Ibid., p. 6.\n4. Ibid., p. 7.\n")
    assert r.problems == ["numbering gap: no note 3 between 2 and 4"]
    r = audit("1. Kershaw, *Hitler* (London, 1998), p. 5.\n2. Ibid., p. 6.\n2. Ibid., p. 7.\n3. Ibid.\n")
    assert [f.n for f in r.footnotes] == [1, 2, 2, 3]
    assert r.problems == ["note 2 appears more than once"]


def test_run_together_endnotes_are_split() -> None:
    r = audit("Notes\n1. Kershaw, *Hitler* (London, 1998), p. 5. 2. Ibid., p. 6. 3. RGASPI, f. 17, op. 3, d. 5, "
              "l. 2. 4. Ibid., l. 3.\n")
    assert [f.n for f in r.footnotes] == [1, 2, 3, 4]
    assert r.footnote(4).citations[0].list == "3"


def test_five_digit_note_numbers_are_notes() -> None:
    text = "".join(f"{i}. Ibid., p. {i}.\n" for i in range(2, 10003))
    r = audit("1. Kershaw, *Hitler* (London, 1998), p. 5.\n" + text)
    assert r.problems == []
    assert [f.n for f in r.footnotes][-5:] == [9998, 9999, 10000, 10001, 10002]


def test_docx_footnotes_follow_reference_order() -> None:
    import io
    import zipfile

    from tests.cite.fixtures.make_inputs import make_docx

    buf = io.BytesIO()
    tmp = Path(__file__).parent / "fixtures" / "inputs" / "footnotes.docx"
    with zipfile.ZipFile(tmp) as z, zipfile.ZipFile(buf, "w") as out:
        for item in z.infolist():
            data = z.read(item.filename)
            if item.filename == "word/document.xml":  # reference note 2 before note 1
                data = data.replace(b"w:id='1'", b"w:id='X'").replace(b"w:id='2'", b"w:id='1'").replace(
                    b"w:id='X'", b"w:id='2'")
            out.writestr(item, data)
    doc = read_notes(buf.getvalue(), "swapped.docx")
    assert _clean(doc.notes[0].text) == _clean(NOTES[1]) and _clean(doc.notes[1].text) == _clean(NOTES[0])
    assert make_docx  # the generator is importable (fixtures are reproducible)


def test_missing_extra_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "pdfplumber", None)
    with pytest.raises(InputError, match=r"footnotes\.pdf: .*'pdfplumber'.*sevenfold\[cite\]"):
        read_path(INPUTS / "footnotes.pdf")


def test_cli_audit_reads_every_format(tmp_path: Path) -> None:
    import json

    import typer
    from typer.testing import CliRunner

    from sevenfold.commands.cite import register

    app = typer.Typer()
    register(app)

    @app.callback()
    def _root() -> None:
        pass

    for name, fmt in (("footnotes.docx", "docx"), ("footnotes.tei.xml", "tei"), ("split_note.pdf", "pdf")):
        res = CliRunner().invoke(app, ["cite", "audit", str(INPUTS / name), "--json", "--strict"])
        assert res.exit_code == 0, (name, res.output)
        out = json.loads(res.stdout)
        assert out["source_format"] == fmt and len(out["footnotes"]) == len(NOTES) and out["problems"] == []
        nara_ibid = out["footnotes"][5]["citations"][0]
        assert (nara_ibid["kind"], nara_ibid["roll"], nara_ibid["frame"]) == ("ibid", "409", "2351-2352")
    res = CliRunner().invoke(app, ["cite", "audit", str(HOSTILE / "gap.txt"), "--strict"])
    assert res.exit_code == 1
