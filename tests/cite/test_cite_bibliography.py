"""`cite import`: BibTeX, RIS, Zotero / Better BibTeX CSL-JSON -> CSL-JSON; identifiers kept; bad files refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from sevenfold.cite.bibliography import read_bibliography
from sevenfold.commands.cite import register
from sevenfold.errors import InputError
from sevenfold.interop.csl_schema import csl_item_problems

pytest.importorskip("bibtexparser")
pytest.importorskip("rispy")

INPUTS = Path(__file__).parent / "fixtures" / "inputs"
HOSTILE = Path(__file__).parents[1] / "hostile" / "inputs" / "cite"


def _read(name: str, folder: Path = INPUTS) -> tuple[str, list[dict]]:
    return read_bibliography((folder / name).read_bytes(), name)


def test_bibtex() -> None:
    fmt, items = _read("refs.bib")
    assert fmt == "bibtex" and [i["id"] for i in items] == ["kershaw2000", "hata1998", "khlevniuk2004"]
    k = items[0]
    assert (k["type"], k["ISBN"], k["publisher-place"], k["issued"]) == \
        ("book", "978-0-7139-9229-8", "London", {"date-parts": [[2000]]})
    assert k["title"] == "Hitler 1936–1945: Nemesis" and k["author"] == [{"family": "Kershaw", "given": "Ian"}]
    assert items[1]["DOI"] == "10.1017/CHOL9780521223577.007" and items[1]["page"] == "271-314"
    assert items[2]["type"] == "chapter" and items[2]["container-title"] == "Сталинское Политбюро в 30-е годы"
    assert all(csl_item_problems(i) == [] for i in items)


def test_ris() -> None:
    fmt, items = _read("refs.ris")
    assert fmt == "ris" and [i["type"] for i in items] == ["book", "article-journal"]
    assert items[0]["ISBN"] == "978-0-465-00239-9" and items[1]["DOI"] == "10.0000/example.1"
    assert items[1]["page"] == "113-153"
    assert all(csl_item_problems(i) == [] for i in items)


def test_better_bibtex_csl_json_keeps_every_variable() -> None:
    fmt, items = _read("zotero.json")
    assert fmt == "csl-json"
    assert items[0]["citation-key"] == "snyder2010" and items[0]["DOI"] and items[0]["ISBN"]
    assert items[0]["event-title"] == "n/a" and items[0]["volume-title"] == "Bloodlands"


def test_bad_bibliographies_one_line_each() -> None:
    with pytest.raises(InputError, match="unbalanced braces"):
        _read("malformed.bib", HOSTILE)
    with pytest.raises(InputError, match="unknown tag ZZ"):
        _read("unknown_tag.ris", HOSTILE)
    with pytest.raises(InputError, match="missing comma"):
        read_bibliography(b"@book{a,\n title = {T}\n}\n@book{b\n title = {U}}\n", "x.bib")
    with pytest.raises(InputError, match="not a CSL-JSON variable"):
        read_bibliography(b'[{"id": "a", "type": "book", "shelf": "x"}]', "x.json")


def test_csl_import_into_a_case_keeps_identifiers() -> None:
    from sevenfold.interop.csl import csl_to_documents

    _, items = _read("zotero.json")
    docs = csl_to_documents(items, set(), "zotero.json")
    assert docs[0]["doi"] == "10.0000/bloodlands" and docs[0]["isbn"] == "978-0-465-00239-9"
    assert docs[0]["citation_key"] == "snyder2010" and docs[0]["csl"]["event-title"] == "n/a"


def test_cli_import(tmp_path: Path) -> None:
    app = typer.Typer()
    register(app)

    @app.callback()
    def _root() -> None:
        pass

    res = CliRunner().invoke(app, ["cite", "import", str(INPUTS / "refs.bib")])
    assert res.exit_code == 0, res.output
    assert [i["id"] for i in json.loads(res.stdout)] == ["kershaw2000", "hata1998", "khlevniuk2004"]
    out = tmp_path / "refs.json"
    res = CliRunner().invoke(app, ["cite", "import", str(INPUTS / "refs.ris"), "--out", str(out), "--json"])
    assert res.exit_code == 0 and json.loads(res.stdout) == {"format": "ris", "items": 2, "out": str(out)}
    assert len(json.loads(out.read_text(encoding="utf-8"))) == 2
    res = CliRunner().invoke(app, ["cite", "import", str(HOSTILE / "malformed.bib")])
    assert res.exit_code != 0 and "unbalanced braces" in str(res.exception)
