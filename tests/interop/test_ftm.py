"""FollowTheMoney: exported entities pass FtM's own schema model; imports refuse bad entities whole."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from followthemoney import model

from sevenfold.errors import InputError
from sevenfold.interop.ftm import KIND_TO_SCHEMA, case_to_ftm, dumps_ftm, entity_problems, import_ftm
from sevenfold.model import load_case

from .conftest import bundled_case_paths


@pytest.mark.parametrize("path", bundled_case_paths(), ids=lambda p: p.stem)
def test_bundled_cases_export_valid_entities(path):
    case = load_case(path)
    entities = case_to_ftm(case)
    for e in entities:
        assert entity_problems(e) == []
        assert model.get_proxy(e).schema.name == e["schema"]
    counts = Counter(e["schema"] for e in entities)
    expected = Counter(KIND_TO_SCHEMA[s.kind] for s in case.sources)
    expected["Organization"] += len(case.actors)
    expected["PlainText"] += len(case.documents) + len(case.reports)
    for schema, n in expected.items():
        assert counts[schema] == n
    assert counts["Documentation"] == len(case.reports) + sum(len(r.via) for r in case.reports)
    assert counts.get("UnknownLink", 0) == sum(1 for s in case.sources if s.controlled_by)
    assert len({e["id"] for e in entities}) == len(entities)


def test_links_point_at_the_right_entities(small_case):
    entities = {e["id"]: e for e in case_to_ftm(small_case)}
    by_note = {e["properties"].get("notes", [""])[0]: e for e in entities.values()}
    r1, d1 = by_note["sevenfold report r1"], by_note["sevenfold document d1"]
    assert r1["properties"]["proof"] == [d1["id"]]
    assert r1["properties"]["bodyText"] == ["The memo <b>exists</b>"]
    doc_links = [e for e in entities.values()
                 if e["schema"] == "Documentation" and e["properties"]["document"] == [r1["id"]]]
    assert [entities[x["properties"]["entity"][0]]["properties"]["name"] for x in doc_links] == [["Agent One"]]
    link = next(e for e in entities.values() if e["schema"] == "UnknownLink")
    assert entities[link["properties"]["subject"][0]]["properties"]["name"] == ["Adversary"]
    assert entities[link["properties"]["object"][0]]["properties"]["name"] == ["Ministry"]


def test_export_then_import_brings_sources_and_documents(small_case, tmp_path):
    p = tmp_path / "e.ftm.json"
    p.write_text(dumps_ftm(case_to_ftm(small_case)), encoding="utf-8")
    result = import_ftm(p, small_case)
    assert sorted(result.sources_added) == ["adversary", "agent-one", "ministry"]
    assert len(result.documents_added) == 1 + len(small_case.reports)  # documents and reports are PlainText
    assert result.unmapped == {"Documentation": len(small_case.reports), "UnknownLink": 1}
    assert "ftm_unmapped" in result.case.case.extra


@pytest.mark.parametrize("line, message", [
    ({"id": "x", "schema": "Spaceship", "properties": {}}, "unknown FtM schema 'Spaceship'"),
    ({"id": "x", "schema": "Thing", "properties": {"name": ["a"]}}, "abstract"),
    ({"id": "x", "schema": "Person", "properties": {"name": ["a"], "warpFactor": ["9"]}},
     "unknown property 'warpFactor'"),
    ({"id": "x", "schema": "Person", "properties": {"name": ["a"], "birthDate": ["not a date"]}}, "birthDate"),
    ({"id": "x", "schema": "Person", "properties": {}}, "required property 'name'"),
    ({"schema": "Person", "properties": {"name": ["a"]}}, "no 'id'"),
    ("[1, 2]", "not a JSON object"),
    ("{oops", "not JSON"),
])
def test_bad_entities_are_refused_whole(small_case, tmp_path, line, message):
    good = {"id": "p1", "schema": "Person", "properties": {"name": ["Good Person"]}}
    text = json.dumps(good) + "\n" + (line if isinstance(line, str) else json.dumps(line)) + "\n"
    p = tmp_path / "bad.ftm.json"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message) as exc:
        import_ftm(p, small_case)
    assert "line 2" in str(exc.value) and "nothing was imported" in str(exc.value)
