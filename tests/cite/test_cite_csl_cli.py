"""CSL-JSON export (pydantic model of the CSL-JSON schema + rendering by citeproc-py) and the CLI contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from sevenfold.cite import CslItem, parse_citations, to_csl_json
from sevenfold.commands.cite import register

CONTRACT_CITATION_KEYS = {"raw", "kind", "archive", "fond", "opis", "delo", "list", "author", "title", "year",
                          "pages", "resolves_to"}
KINDS = {"book", "article", "archival", "ibid", "op_cit", "short", "dangling", "unparsed"}


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    a = typer.Typer()
    register(a)

    @a.callback()
    def _root() -> None:  # keep 'cite' as a sub-command
        pass

    return a


def test_csl_items_validate(seed_audit) -> None:
    items = to_csl_json(seed_audit)
    assert len(items) == len(seed_audit.works)
    for it in items:
        CslItem.model_validate(it)
    by_id = {it["id"]: it for it in items}
    stav = next(w for w in seed_audit.works if w.label.startswith("Stavinskii"))
    assert by_id[stav.id] == {
        "id": stav.id, "type": "book", "title": "Zarubiny. Semeinaia rezidentura",
        "author": [{"family": "Stavinskii", "given": "Ervin"}], "publisher-place": "Moscow",
        "issued": {"date-parts": [[2003]]},
    }
    rgaspi = next(it for it in items if it["type"] == "manuscript" and "RGASPI" in it["title"])
    assert rgaspi["archive_location"] == "f. 17, op. 163, d. 1217"
    assert rgaspi["archive"].startswith("Rossiiskii gosudarstvennyi arkhiv")


def test_csl_from_citations_keeps_locator() -> None:
    items = to_csl_json(parse_citations("RGASPI, f. 17, op. 163, d. 1217, ll. 51–2. Ibid."))
    assert items == [{"id": "c1", "type": "manuscript",
                      "archive": "Rossiiskii gosudarstvennyi arkhiv sotsial'no-politicheskoi istorii",
                      "archive_location": "f. 17, op. 163, d. 1217, ll. 51-52",
                      "title": "RGASPI, f. 17, op. 163, d. 1217, ll. 51-52"}]


def test_csl_rendered_by_citeproc(seed_audit) -> None:
    citeproc = pytest.importorskip("citeproc")
    from citeproc.source.json import CiteProcJSON

    items = to_csl_json(seed_audit)
    style = citeproc.CitationStylesStyle("harvard-cite-them-right", validate=False)
    bib = citeproc.CitationStylesBibliography(style, CiteProcJSON(items), citeproc.formatter.plain)
    for it in items:
        bib.register(citeproc.Citation([citeproc.CitationItem(it["id"])]))
    rendered = [str(e) for e in bib.bibliography()]
    assert len(rendered) == len(items)
    assert any("Stavinskii, E. (2003) Zarubiny. Semeinaia rezidentura. Moscow." in r for r in rendered)


def test_cli_audit_json_contract(app: typer.Typer, tmp_path: Path, seed_text: str) -> None:
    src = tmp_path / "seed.txt"
    src.write_text(seed_text, encoding="utf-8")
    csl = tmp_path / "works.json"
    res = CliRunner().invoke(app, ["cite", "audit", str(src), "--json", "--csl", str(csl)])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert {"footnotes", "works", "single_source_runs"} <= set(data)
    assert len(data["footnotes"]) == 41
    for fn in data["footnotes"]:
        assert isinstance(fn["n"], int)
        for c in fn["citations"]:
            assert set(c) >= CONTRACT_CITATION_KEYS
            assert c["kind"] in KINDS
    for w in data["works"]:
        assert {"id", "label", "footnotes"} <= set(w)
    runs = {tuple(r["footnotes"]): r["work"] for r in data["single_source_runs"]}
    stav = runs[(22, 23, 24, 25)]
    label = next(w for w in data["works"] if w["id"] == stav)["label"]
    assert label == "Stavinskii, Zarubiny. Semeinaia rezidentura (2003)"
    fn9 = next(f for f in data["footnotes"] if f["n"] == 9)["citations"][0]
    assert {k: fn9[k] for k in ("archive", "fond", "opis", "delo", "list")} == \
        {"archive": "RGASPI", "fond": "17", "opis": "163", "delo": "1217", "list": "51-52"}
    fn22 = next(f for f in data["footnotes"] if f["n"] == 22)["citations"][0]
    assert (fn22["year"], fn22["pages"], fn22["resolves_to"]) == (2003, "367-69", stav)
    assert len(json.loads(csl.read_text(encoding="utf-8"))) == len(data["works"])


def test_cli_audit_human_and_strict(app: typer.Typer, tmp_path: Path) -> None:
    src = tmp_path / "notes.md"
    src.write_text("[^1]: Sidorov, op. cit., p. 132.\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["cite", "audit", str(src)])
    assert res.exit_code == 0 and "dangling" in res.stdout
    res = CliRunner().invoke(app, ["cite", "audit", str(src), "--strict"])
    assert res.exit_code == 1


def test_cli_parse_json(app: typer.Typer) -> None:
    res = CliRunner().invoke(app, ["cite", "parse", "Ibid., 373–74.", "--json"])
    assert res.exit_code == 0
    assert json.loads(res.stdout)[0]["pages"] == "373-74"


def test_cli_missing_file_is_input_error(app: typer.Typer, tmp_path: Path) -> None:
    from sevenfold.errors import InputError

    res = CliRunner().invoke(app, ["cite", "audit", str(tmp_path / "nope.txt")])
    assert isinstance(res.exception, InputError)
    (tmp_path / "bin.txt").write_bytes(b"\xff\xfe\x00bad")
    res = CliRunner().invoke(app, ["cite", "audit", str(tmp_path / "bin.txt")])
    assert isinstance(res.exception, InputError)


def test_csl_items_pass_the_interop_schema_model(seed_audit) -> None:
    """Cross-check with sevenfold.interop's model of the full CSL-JSON schema (when that module is present)."""
    schema = pytest.importorskip("sevenfold.interop.csl_schema")
    items = to_csl_json(seed_audit) + to_csl_json(parse_citations(
        "RGASPI, f. 17, op. 163, d. 1217, ll. 51–2; Ervin Stavinskii, *Zarubiny* (Moscow, 2003), pp. 367–69."))
    assert [p for it in items for p in schema.csl_item_problems(it)] == []


def test_public_facade_is_stable() -> None:
    import inspect

    import sevenfold.cite as cite

    for name in ("parse_citation", "parse_citations", "extract_footnotes", "audit", "to_csl_json", "citation_to_csl",
                 "AuditResult", "Citation", "Footnote", "Work", "SingleSourceRun", "Person", "CslItem"):
        assert name in cite.__all__ and hasattr(cite, name)
    assert list(inspect.signature(cite.extract_footnotes).parameters) == ["text", "style"]
    assert inspect.signature(cite.audit).parameters["style"].default == "auto"


def test_cli_reads_stdin(app: typer.Typer) -> None:
    res = CliRunner().invoke(app, ["cite", "audit", "-", "--json"], input="[^1]: Kershaw, p. 3.\n[^2]: Ibid.\n")
    assert res.exit_code == 0
    data = json.loads(res.stdout)
    assert [c["kind"] for f in data["footnotes"] for c in f["citations"]] == ["dangling", "dangling"]
