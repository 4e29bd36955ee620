"""CSL-JSON: documents out (schema-valid, reusing sevenfold.cite), references in, refusals."""

from __future__ import annotations

import json

import pytest

from sevenfold.errors import InputError
from sevenfold.interop.csl import audit_to_csl, case_to_csl, citation_from_csl, import_csl
from sevenfold.interop.csl_schema import csl_item_problems
from sevenfold.model import case_to_data, load_case

from .conftest import bundled_case_paths, without_documents


@pytest.mark.parametrize("path", bundled_case_paths(), ids=lambda p: p.stem)
def test_bundled_documents_export_valid_and_round_trip(path, tmp_path):
    case = load_case(path)
    items = case_to_csl(case)
    assert [i["id"] for i in items] == [d.id for d in case.documents]
    for item in items:
        assert csl_item_problems(item) == []
    p = tmp_path / "refs.json"
    p.write_text(json.dumps(items), encoding="utf-8")
    back = import_csl(p, without_documents(case))
    assert case_to_data(back.case)["documents"] == case_to_data(case)["documents"]


def test_parsed_citation_fills_csl_variables(small_case):
    item = case_to_csl(small_case)[0]
    assert item["type"] == "manuscript"  # archival citation, parsed by sevenfold.cite
    assert item["archive_location"].startswith("f. 17, op. 163, d. 1217")
    assert item["title"] == "Memo"


def test_audit_export_reuses_cite():
    from sevenfold.cite import audit, to_csl_json

    text = ("Body.¹ More.²\n¹ Ervin Stavinskii, Zarubiny. Semeinaia rezidentura (Moscow, 2003), pp. 367–69.\n"
            "² Ibid., 373–74.\n")
    result = audit(text)
    assert audit_to_csl(result) == to_csl_json(result)


def test_foreign_references_become_documents(small_case, tmp_path):
    items = [
        {"id": "Kershaw 1998", "type": "book", "title": "Hitler 1889-1936: Hubris",
         "author": [{"family": "Kershaw", "given": "Ian"}], "publisher-place": "London",
         "issued": {"date-parts": [[1998]]}, "language": "en"},
        {"id": 7, "type": "manuscript", "archive": "RGVA", "archive_location": "f. 308k, op. 3, d. 394",
         "issued": {"date-parts": [["1937", "3"]]}},
        {"id": "edtf", "type": "article-journal", "title": "T", "container-title": "Russian Review", "volume": 61,
         "issued": "2002-01"},
    ]
    p = tmp_path / "refs.json"
    p.write_text(json.dumps(items), encoding="utf-8")
    result = import_csl(p, small_case)
    docs = {d.id: d for d in result.case.documents}
    assert result.documents_added == ["kershaw-1998", "7", "edtf"]
    assert docs["kershaw-1998"].citation == "Ian Kershaw, Hitler 1889-1936: Hubris (London, 1998)"
    assert docs["kershaw-1998"].date == "1998" and docs["kershaw-1998"].language == "en"
    assert docs["7"].citation == "RGVA, f. 308k, op. 3, d. 394" and docs["7"].date == "1937-03"
    assert docs["edtf"].date == "2002-01" and "Russian Review 61" in docs["edtf"].citation
    assert len(small_case.documents) == 1  # the input case is not modified


@pytest.mark.parametrize("item, problem", [
    ({"title": "x"}, "type: required field is missing"),
    ({"type": "book"}, "id: required field is missing"),
    ({"id": "a", "type": "novel"}, "type: 'novel' is not a CSL item type"),
    ({"id": "a", "type": "book", "colour": "red"}, "colour: not a CSL-JSON variable"),
    ({"id": "a", "type": "book", "title": ["x"]}, "title: "),
    ({"id": "a", "type": "book", "author": [{"surname": "X"}]}, "author.0.surname: not a CSL-JSON variable"),
    ({"id": "a", "type": "book", "issued": {"date-parts": [[2000, 1, 2, 3]]}}, "issued: "),
    ({"id": "a", "type": "book", "issued": {"date-parts": []}}, "issued: "),
    ({"id": True, "type": "book"}, "id: "),
])
def test_schema_model_rejects(item, problem):
    problems = csl_item_problems(item)
    assert any(p.startswith(problem) for p in problems), problems


def test_schema_model_accepts_schema_shapes():
    ok = {"id": 3, "type": "chapter", "title": "t", "page": 12, "volume": "2", "issued": "1937-03",
          "accessed": {"date-parts": [["2024", 1, 1]], "circa": True}, "custom": {"anything": [1]},
          "editor": [{"literal": "Committee"}], "container-title-short": "RR", "DOI": "10.1/x"}
    assert csl_item_problems(ok) == []


def test_bad_files_import_nothing(small_case, tmp_path):
    p = tmp_path / "bad.json"
    p.write_text(json.dumps([{"id": "ok", "type": "book", "title": "fine"}, {"title": "no id or type"}]))
    with pytest.raises(InputError) as exc:
        import_csl(p, small_case)
    msg = str(exc.value)
    assert "nothing was imported" in msg and "item[1]" in msg and "id: required" in msg and "type: required" in msg
    p.write_text('"a string"')
    with pytest.raises(InputError, match="must be an array"):
        import_csl(p, small_case)
    p.write_text(json.dumps([{"id": "d1", "type": "book", "custom": {"sevenfold": {"id": "d1"}}}]))
    with pytest.raises(InputError, match="document 'd1' is already in the case"):
        import_csl(p, small_case)


def test_citation_from_minimal_item():
    assert citation_from_csl({"id": "x", "type": "document"}) == ""
    assert citation_from_csl({"id": "x", "type": "document", "title": "T", "page": "5"}) == "T, pp. 5"
