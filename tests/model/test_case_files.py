"""The case-file contract: valid files load; each kind of invalid file gives one message naming
file, entry and field; round trips are lossless."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from sevenfold.errors import CaseValidationError, InputError, LimitExceeded
from sevenfold.model import case_from_data, case_to_data, dump_case, load_case, loads_case
from tests.strategies import case_data

MINIMAL = """\
format: sevenfold/1
case: {id: c1, title: T, question: Q, as_of: 1937-03-01}
actors: [{id: german-intelligence, name: German intelligence}]
sources:
  - {id: zarubin, name: Vasilii Zarubin, aliases: [Василий Зарубин], track_record: {confirmed: 12, refuted: 1}}
documents: [{id: doc1, citation: "RGASPI f. 17, op. 163, d. 1217, ll. 51-2", date: 1937-01}]
reports:
  - id: r1
    source: zarubin
    date: 1936-12-15
    document: doc1
    modality: document
    text: Obtained a memorandum
    claims: [{object: memo, attribute: authentic, value: true}]
hypotheses:
  - {id: genuine, statement: genuine, prior: 0.5}
  - {id: plant, statement: plant, deception_by: german-intelligence, prior: 0.5}
ratings:
  - {report: r1, hypothesis: genuine, consistency: C}
  - {report: r1, hypothesis: plant, consistency: C, analyst: alice, likelihood: 0.7}
outcomes:
  - {report: r1, verdict: confirmed, date: 1941-06-22}
"""


def _problems(text: str) -> list[str]:
    with pytest.raises(CaseValidationError) as info:
        loads_case(text, "bad.yaml")
    return [str(p) for p in info.value.problems]


def test_minimal_case_loads_with_all_fields() -> None:
    case = loads_case(MINIMAL)
    assert case.id == "c1"
    assert case.case.as_of == "1937-03-01"
    assert case.reports[0].claims[0].value is True
    assert case.sources[0].track_record is not None and case.sources[0].track_record.confirmed == 12
    assert case.ratings[1].likelihood == 0.7
    assert case.documents[0].date == "1937-01"


def test_unknown_keys_inside_entries_are_kept_as_extra() -> None:
    case = loads_case(MINIMAL.replace("name: Vasilii Zarubin,", "name: Vasilii Zarubin, codename: Betty,"))
    assert case.sources[0].extra == {"codename": "Betty"}
    again = loads_case(dump_case(case))
    assert again.sources[0].extra == {"codename": "Betty"}


@pytest.mark.parametrize(
    ("mutation", "expected"),
    [
        (("case: {id: c1,", "case: {id: c1, colour: red,"), None),  # extra in case meta is allowed
        (("format: sevenfold/1", "format: sevenfold/1\nfoo: 1"), "bad.yaml: foo: unknown top-level key 'foo'"),
        (("source: zarubin\n", "source: nobody\n"), "bad.yaml: reports[r1].source: unknown source 'nobody'"),
        (("document: doc1", "document: doc9"), "bad.yaml: reports[r1].document: unknown document 'doc9'"),
        (("deception_by: german-intelligence", "deception_by: mossad"),
         "bad.yaml: hypotheses[plant].deception_by: unknown actor 'mossad'"),
        (("- {report: r1, hypothesis: genuine", "- {report: r9, hypothesis: genuine"),
         "bad.yaml: ratings[r9/genuine].report: unknown report 'r9'"),
        (("documents: [{id: doc1,", "documents: [{id: doc1}, {id: doc1,"),
         "bad.yaml: documents[doc1].id: duplicate id 'doc1' (2 entries)"),
        (("date: 1936-12-15", "date: 1936-02-30"), "bad.yaml: reports[r1].date: no such day"),
        (("date: 1936-12-15", "date: 15.12.1936"), "bad.yaml: reports[r1].date: not an ISO 8601 date"),
        (("modality: document", "modality: rumour"), "bad.yaml: reports[r1].modality: 'rumour' is not one of"),
        (("consistency: C}", "consistency: X}"), "bad.yaml: ratings[r1/genuine].consistency: 'X' is not one of"),
        (("likelihood: 0.7", "likelihood: 1.5"), "bad.yaml: ratings[r1/plant/alice].likelihood: likelihood must"),
        (("prior: 0.5}", "prior: -1}"), "bad.yaml: hypotheses[genuine].prior:"),
        (("verdict: confirmed", "verdict: maybe"), "bad.yaml: outcomes[#0].verdict: 'maybe' is not one of"),
        (("format: sevenfold/1", "format: sevenfold/9"), "bad.yaml: format: unsupported format 'sevenfold/9'"),
    ],
)
def test_each_kind_of_bad_input_names_file_entry_and_field(mutation: tuple[str, str], expected: str | None) -> None:
    old, new = mutation
    assert old in MINIMAL
    text = MINIMAL.replace(old, new, 1)
    if expected is None:
        loads_case(text)
        return
    problems = _problems(text)
    assert len(problems) == 1, problems
    assert problems[0].startswith(expected), problems


def test_yaml_syntax_error_names_line() -> None:
    problems = _problems("format: sevenfold/1\ncase: {id: [\n")
    assert problems[0].startswith("bad.yaml: YAML syntax error (line 3")


def test_several_problems_are_all_reported() -> None:
    text = MINIMAL.replace("hypothesis: genuine, consistency", "hypothesis: nope, consistency")
    text = text.replace("modality: document", "modality: x")
    problems = _problems(text)
    assert len(problems) == 2, problems
    assert any("ratings[r1/nope].hypothesis: unknown hypothesis 'nope'" in p for p in problems)


def test_billion_laughs_is_refused_quickly() -> None:
    lines = ["format: sevenfold/1", "case: {id: x}", 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    start = time.perf_counter()
    with pytest.raises(LimitExceeded, match="yaml_expanded_nodes"):
        loads_case("\n".join(lines), "bomb.yaml")
    assert time.perf_counter() - start < 5  # generous: refusal happens before expansion


def test_deep_nesting_is_refused() -> None:
    deep = "format: sevenfold/1\ncase: {id: x}\nsources: [{id: s, x: " + "[" * 200 + "]" * 200 + "}]\n"
    with pytest.raises(LimitExceeded, match="nesting_depth"):
        loads_case(deep, "deep.yaml")


def test_missing_and_binary_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_case(tmp_path / "nope.yaml")
    bad = tmp_path / "bin.yaml"
    bad.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(InputError, match="not UTF-8"):
        load_case(bad)


def test_file_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    f = tmp_path / "c.yaml"
    f.write_text(MINIMAL)
    monkeypatch.setenv("SEVENFOLD_LIMIT_FILE_BYTES", "100")
    with pytest.raises(LimitExceeded, match="file_bytes"):
        load_case(f)


def test_priors_not_summing_to_one_warn() -> None:
    case = loads_case(MINIMAL.replace("prior: 0.5}", "prior: 0.3}"))
    assert any("sum to" in w for w in case.warnings())


def test_json_and_yaml_are_the_same_case(tmp_path: Path) -> None:
    case = loads_case(MINIMAL)
    j = tmp_path / "c.json"
    j.write_text(dump_case(case, "json"))
    assert load_case(j) == case
    assert json.loads(dump_case(case, "json"))["format"] == "sevenfold/1"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case_data())
def test_generated_cases_round_trip_through_yaml_and_json(data: dict) -> None:
    case = case_from_data(data)
    assert loads_case(dump_case(case, "yaml")) == case
    assert loads_case(dump_case(case, "json")) == case
    assert case_from_data(case_to_data(case)) == case


def test_schema_is_valid_json_schema_and_covers_the_format() -> None:
    from sevenfold.model import case_json_schema

    schema = case_json_schema()
    assert schema["additionalProperties"] is False
    for key in ("case", "sources", "reports", "hypotheses", "ratings", "outcomes", "documents", "actors"):
        assert key in schema["properties"]
    defs = schema["$defs"]
    assert set(defs["Report"]["properties"]["modality"]["enum"]) >= {"coerced_confession", "official_statement"}
